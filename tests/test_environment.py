"""The three places that pin dependencies must agree: pyproject.toml, requirements.lock, environment.yml."""

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _pins(lines):
    pins = {}
    for line in lines:
        match = re.fullmatch(r"\s*([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?==([^\s;#]+).*", line)
        if match:
            pins[match.group(1).lower().replace("_", "-")] = match.group(2)
    return pins


def pyproject_pins():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    lines = list(project["dependencies"]) + [d for extra in project["optional-dependencies"].values() for d in extra]
    return _pins(lines), lines


def test_every_pyproject_dependency_is_pinned_exactly():
    pins, lines = pyproject_pins()
    assert len(pins) == len(lines), f"unpinned: {[l for l in lines if '==' not in l]}"


def test_environment_yml_repeats_pyproject_pins():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert _pins(pip_section) == pyproject_pins()[0]
    assert "-e ." in pip_section
    python = next(d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python"))
    required = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    assert python.split("=")[-1] == required.removeprefix(">=")


def test_lock_file_holds_the_same_versions():
    locked = _pins((ROOT / "requirements.lock").read_text().splitlines())
    for name, version in pyproject_pins()[0].items():
        assert locked.get(name) == version, f"{name}: pyproject {version}, requirements.lock {locked.get(name)} (run `make lock`)"


def test_lock_includes_the_dask_extra_so_the_cluster_tests_can_run():
    header = (ROOT / "requirements.lock").read_text().splitlines()[1]
    assert "--extra dask" in header and "--extra test" in header
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    assert {"dask", "distributed"} <= set(_pins(extras["dask"]))
