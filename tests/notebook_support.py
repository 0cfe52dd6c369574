"""Shared by the notebook tests: run a notebook with the plain papermill CLI, read what it showed."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
KERNELSPEC = {"name": "medcoding-outlook", "display_name": "Python (medcoding-outlook)", "language": "python"}


def cli_args(params: dict) -> list[str]:
    """``{"compare_with": ["TX", "FL"]}`` -> ``["-p", "compare_with", "TX,FL"]``: what a person types."""
    args = []
    for name, value in params.items():
        args += ["-p", name, ",".join(value) if isinstance(value, list) else str(value)]
    return args


def run_papermill(notebook: Path, tmp_path: Path, params: dict):
    """One plain ``papermill`` CLI run in the JupyterLab target, as a student runs it; (result, output path)."""
    out = tmp_path / "out.ipynb"
    env = {k: v for k, v in os.environ.items() if k != "MEDCODING_TARGET"}
    result = subprocess.run([sys.executable, "-m", "papermill", str(notebook), str(out), "--no-progress-bar",
                             *cli_args(params)], capture_output=True, text=True, timeout=300, env=env, cwd=tmp_path)
    return result, out


def output_text(nb) -> str:
    """Every output's text as a reader sees it (Markdown's escaped ``\\\\$`` shows as ``$``)."""
    parts = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            parts.append(output.get("text", ""))
            parts.extend(str(v) for v in output.get("data", {}).values())
            parts.extend(output.get("traceback", []))
    return "\n".join(parts).replace("\\$", "$")


def executed_ok(result, out, is_chart_cell):
    """The run succeeded, every code cell ran, and every chart reached JupyterLab as a Vega-Lite mimetype."""
    assert result.returncode == 0, result.stderr[-3000:]
    nb = nbformat.read(out, as_version=4)
    assert not [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert all(c.execution_count is not None for c in nb.cells if c.cell_type == "code")
    for cell in filter(is_chart_cell, nb.cells):
        kinds = [kind for o in cell.outputs for kind in o.get("data", {})]
        assert any(kind.startswith("application/vnd.vegalite.v") for kind in kinds), (cell.source, kinds)
    return nb


def failed_at_start(result, out, message: str):
    """The run stopped (non-zero exit) in the ``start(...)`` cell, with ``message`` shown."""
    assert result.returncode != 0
    assert message in result.stderr + result.stdout, (result.stderr + result.stdout)[-2000:]
    failed = [c for c in nbformat.read(out, as_version=4).cells if any(o.output_type == "error" for o in c.get("outputs", []))]
    assert len(failed) == 1 and "start(" in failed[0].source


def run_strict(notebook: Path, tmp_path: Path, *args: str) -> list[str]:
    """Run a source notebook (solutions in) with every exercise check strict; return the check cells' outputs."""
    from analysis.teaching.exercises import STRICT_ENV

    out = tmp_path / notebook.name
    result = subprocess.run([sys.executable, "-m", "papermill", str(notebook), str(out), "--no-progress-bar",
                             "--cwd", str(tmp_path), *args], capture_output=True, text=True, timeout=300,
                            env={**os.environ, STRICT_ENV: "strict"})
    assert result.returncode == 0, result.stderr[-3000:]
    nb = nbformat.read(out, as_version=4)
    return ["\n".join(str(o.get("data", {}).get("text/plain", "")) for o in c.outputs)
            for c in nb.cells if c.cell_type == "code" and c.source.startswith("check(")]


def renderings(value) -> list[str]:
    """The ways a number is commonly written: 35.1, 35.11, 35.106, 35.1063829787234, 35; 208436, 208,436, 208436.0."""
    value = float(value)
    texts = {f"{value:g}", f"{value:,.0f}", f"{value:.0f}", f"{value:.1f}", f"{value:.2f}", f"{value:,.2f}",
             f"{value:.3f}", repr(value)}
    if value.is_integer():
        texts |= {str(int(value)), f"{int(value):,}"}
    return sorted(texts)


def shows(message: str, value) -> list[str]:
    """The renderings of ``value`` that stand as a number of their own in ``message`` ("7" is not found in "2,070")."""
    return [text for text in renderings(value)
            if re.search(rf"(?<![\w.,]){re.escape(text)}(?![\w]|[.,]\d)", message)]
