"""The package's layers (docs/ARCHITECTURE.md), as import-linter contracts in pyproject.toml, are kept."""

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "analysis"


def _contracts():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]


def test_import_linter_contracts_are_kept():
    result = subprocess.run([str(Path(sys.executable).with_name("lint-imports")), "--config", "pyproject.toml", "--no-cache"],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_every_subpackage_and_top_module_has_its_layer():
    layers = next(c for c in _contracts() if c["type"] == "layers")["layers"]
    packages = {f"analysis.{p.parent.name}" for p in PACKAGE.glob("*/__init__.py")}
    modules = {f"analysis.{p.stem}" for p in PACKAGE.glob("*.py") if p.stem not in ("__init__", "__main__")}
    assert packages | modules == set(layers)
