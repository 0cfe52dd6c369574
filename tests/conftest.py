"""Shared by the tests: the project's kernelspec, the one papermill runner, readers of what a notebook showed, and a
copy of data/ to change (``data_copy``).

(Test modules import these helpers with ``from conftest import ...``.)"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]

# No warm builder is left behind by the builds the tests run (tests/build/test_warm.py turns it on where it is the
# subject), and none the developer has running serves them.
os.environ["MEDCODING_KEEP_WARM"] = "0"
os.environ["MEDCODING_WARM_DIR"] = os.path.join(tempfile.gettempdir(), f"medcoding-tests-warm-{os.getpid()}")  # made if used
KERNELSPEC = {"name": "medcoding-outlook", "display_name": "Python (medcoding-outlook)", "language": "python"}


def pytest_configure(config):
    """The kit's cache (the Vega bundle) goes to a folder of this test process, never the user's cache folder;
    builds, workers and kernels the tests start inherit it."""
    from analysis.core.env import CACHE_DIR_ENV

    config._medcoding_cache = tempfile.mkdtemp(prefix="medcoding-test-cache-")
    os.environ[CACHE_DIR_ENV] = config._medcoding_cache


def pytest_unconfigure(config):
    import shutil

    folder = getattr(config, "_medcoding_cache", None)
    if folder:
        shutil.rmtree(folder, ignore_errors=True)


def cli_args(params: dict) -> list[str]:
    """``{"compare_with": ["TX", "FL"]}`` -> ``["-p", "compare_with", "TX,FL"]``: what a person types."""
    args = []
    for name, value in params.items():
        args += ["-p", name, ",".join(value) if isinstance(value, list) else str(value)]
    return args


def papermill(notebook: Path, out: Path, *args: str, extra_env: dict | None = None, cwd=None, timeout: float = 300):
    """The tests' one way to run a notebook: the plain ``papermill`` CLI, as a student runs it (JupyterLab
    target: ``MEDCODING_TARGET`` unset), with ``extra_env`` added to the environment."""
    env = {k: v for k, v in os.environ.items() if k != "MEDCODING_TARGET"} | dict(extra_env or {})
    return subprocess.run([sys.executable, "-m", "papermill", str(notebook), str(out), "--no-progress-bar", *args],
                          capture_output=True, text=True, timeout=timeout, env=env, cwd=cwd)


def run_papermill(notebook: Path, tmp_path: Path, params: dict):
    """One run with ``params`` typed as on a command line; (result, output path)."""
    out = tmp_path / "out.ipynb"
    return papermill(notebook, out, *cli_args(params), cwd=tmp_path), out


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
    result = papermill(notebook, out, "--cwd", str(tmp_path), *args, extra_env={STRICT_ENV: "strict"})
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


@pytest.fixture
def data_copy(tmp_path, monkeypatch):
    """A copy of data/ the test may change or break; the kit reads it through MEDCODING_DATA_DIR."""
    import shutil

    from analysis.core.env import DATA_DIR_ENV
    from analysis.core.paths import data_dir
    from analysis.data import evidence, states

    copy = tmp_path / "data"
    shutil.copytree(data_dir(), copy)
    monkeypatch.setenv(DATA_DIR_ENV, str(copy))
    states.states_table.cache_clear()  # cached per process: read again from the copy
    evidence._schemas.cache_clear()
    yield copy
    states.states_table.cache_clear()
    evidence._schemas.cache_clear()


# ---------------------------------------------------------------------------------------------- charts


def small_chart(title="Fixture wages"):
    """A two-bar altair chart with a tooltip, for tests of what a chart becomes."""
    import altair as alt
    import pandas as pd

    frame = pd.DataFrame({"state": ["TX", "CA"], "wage": [21.5, 27.25]})
    return alt.Chart(frame, title=title).mark_bar().encode(x="state:N", y=alt.Y("wage:Q", title="Wage"), tooltip=["wage"])


@pytest.fixture
def target_env(monkeypatch):
    """``target_env("html")`` sets MEDCODING_TARGET and configures the renderer; undone after the test."""
    from analysis.present import rendering

    def use(value):
        if value is None:
            monkeypatch.delenv(rendering.TARGET_ENV, raising=False)
        else:
            monkeypatch.setenv(rendering.TARGET_ENV, value)
        return rendering.configure()

    yield use
    monkeypatch.delenv(rendering.TARGET_ENV, raising=False)
    rendering.configure()


def need(what: str, found, how: str = "Debian: `sudo make system-deps`") -> None:
    """Skip the test when a system tool it needs (Chromium, poppler, axe-core) is missing; fail instead
    when ``MEDCODING_REQUIRE_BROWSER=1`` (CI sets it), so a missing tool never passes silently there."""
    if not found:
        message = f"{what} is not installed ({how})"
        if os.environ.get("MEDCODING_REQUIRE_BROWSER") == "1":
            pytest.fail(message + "; MEDCODING_REQUIRE_BROWSER=1 makes this a failure")
        pytest.skip(message)
