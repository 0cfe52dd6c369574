"""notebooks/05_ai_impact.ipynb: stored clean, parameters equal to the declared defaults, and it runs with
the plain papermill CLI for the defaults and every documented example; bad values stop it with a clear message.

Each papermill run is its own test (one CLI call), so pytest-xdist can spread them.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import nbformat
import pytest

from conftest import KERNELSPEC, papermill

from analysis.topics import ai_impact as ai

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "notebooks" / "05_ai_impact.ipynb"


@pytest.fixture(scope="module")
def stored():
    return nbformat.read(NOTEBOOK, as_version=4)


def _parameters_cell(nb):
    return next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))


def _text_of(cell, mimes=("text/markdown", "text/html")) -> str:
    """What a cell showed as markdown or HTML (a table is shown once, as HTML)."""
    text = "\n".join(str(output.get("data", {}).get(mime, "")) for output in cell.get("outputs", []) for mime in mimes)
    return text.replace("\\$", "$")  # Markdown escapes money signs


# --------------------------------------------------------------------------- the stored notebook


def test_every_chart_is_followed_by_a_try_changing_prompt(stored):
    cells = stored.cells
    chart_cells = [i for i, c in enumerate(cells) if c.cell_type == "code" and re.search(r"_chart\(|rater_scatter\(", c.source)]
    assert len(chart_cells) == 4
    for i in chart_cells:
        follower = cells[i + 1]
        assert follower.cell_type == "markdown" and follower.source.startswith("*Try changing"), cells[i].source


def test_no_logic_in_the_notebook(stored):
    for cell in stored.cells[stored.cells.index(_parameters_cell(stored)) + 1:]:
        if cell.cell_type == "code":
            assert len(cell.source.splitlines()) <= 4
            assert not re.search(r"^\s*(for|if|def|while|class)\b", cell.source, re.MULTILINE)


# --------------------------------------------------------------------------- running it


def _papermill(tmp_path, *args) -> tuple[subprocess.CompletedProcess, Path]:
    out = tmp_path / "out.ipynb"
    result = papermill(NOTEBOOK, out, "-k", KERNELSPEC["name"], "--cwd", str(tmp_path), *args, cwd=tmp_path, timeout=600)
    return result, out


PARAMETER_SETS = [{}] + ai.PARAMETERS.examples


@pytest.mark.notebook
@pytest.mark.parametrize("values", PARAMETER_SETS, ids=["defaults"] + [f"example{i}" for i in range(1, len(PARAMETER_SETS))])
def test_runs_with_papermill_cli(tmp_path, values):
    args = ["-y", json.dumps(values)] if values else []
    result, out = _papermill(tmp_path, *args)
    assert result.returncode == 0, result.stderr[-3000:]
    executed = nbformat.read(out, as_version=4)
    code = [c for c in executed.cells if c.cell_type == "code"]
    assert not [o for c in code for o in c.outputs if o.output_type == "error"]
    shown = "\n".join(_text_of(c) for c in code)
    expected = ai.PARAMETERS.check(values)

    # Section 1: the chosen rating of Medical Records Specialists, exactly as in the CSV.
    own = ai.load_exposure().set_index("onet_soc_code").loc[ai.MEDICAL_RECORDS_CODE]
    rating = float(own[ai.rating_column(expected.rater, expected.exposure_measure)])
    assert f"rated by {ai.RATER_NAMES[expected.rater]} on {expected.exposure_measure}: **{rating!r}**" in shown
    for occupation in expected.compare_with:  # in the standing table (codes: long titles may be cut short)
        assert occupation.code in shown
    # Four interactive charts (a Vega-Lite output in Lab, embed code in an HTML report).
    charts = [o for c in code for o in c.outputs
              if any(k.startswith("application/vnd.vegalite") for k in o.get("data", {}))
              or "medcoding-chart" in str(o.get("data", {}).get("text/html", ""))]
    assert len(charts) == 4
    # Section 3: all seven claims, labelled as claims.
    assert shown.count("claim (qualitative, no figure)") == 7
    # Section 4: the scenario, labelled, with each role's value at the horizon computed by hand here.
    assert f"**Scenario, not a forecast.** If {expected.routine_share_automated!r} of routine coding work were automated " \
           f"by {expected.horizon_year}" in shown
    for role, share in expected.routine_share_by_level.items():
        by_hand = 100 * (1 - expected.routine_share_automated * share)
        match = re.search(rf"- {re.escape(role)}: ([0-9.]+) \(routine share {re.escape(repr(share))}, assumption\)", shown)
        assert match, role
        assert float(match.group(1)) == pytest.approx(by_hand)


@pytest.mark.notebook
@pytest.mark.parametrize("args, message", [
    (["-p", "rater", "gtp4"], "rater='gtp4': not a rater in the GPTs-are-GPTs data. Did you mean 'gpt4'?"),
    (["-p", "routine_share_automated", "1.5"], "routine_share_automated=1.5: must be at most 1"),
    (["-p", "rator", "gpt4"], "parameter='rator': not a parameter of ai_impact. Did you mean 'rater'?"),
], ids=["misspelt-rater", "share-above-1", "unknown-parameter"])
def test_bad_values_stop_with_a_clear_message(tmp_path, args, message):
    result, _ = _papermill(tmp_path, *args)
    assert result.returncode != 0
    assert message in result.stderr + result.stdout
