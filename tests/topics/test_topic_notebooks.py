"""Notebooks 01 (salary by state) and 02 (job outlook): stored clean, run with the plain papermill CLI.

Each notebook run is its own test (one papermill call each), so pytest-xdist can spread them.
"""

import nbformat
import pytest
from conftest import ROOT, executed_ok, failed_at_start, output_text, run_papermill

from analysis.topics import job_outlook as outlook

from analysis.topics import salary_by_state as salary

NOTEBOOKS = {
    "salary": (ROOT / "notebooks" / "01_salary_by_state.ipynb", salary),
    "outlook": (ROOT / "notebooks" / "02_job_outlook.ipynb", outlook),
}


def is_chart_cell(cell) -> bool:
    """A cell that shows one of the notebook's charts. Exercise cells are not: a student's answer cell shows
    ``...`` until answered (its own chart and "Try changing" prompt come after its check)."""
    if "exercise" in cell.get("metadata", {}).get("tags", []):
        return False
    return cell.cell_type == "code" and ("chart(" in cell.source or "tile_map(" in cell.source)


# --------------------------------------------------------------------------- stored notebooks


# (The introduction's -p examples: tests/test_notebooks.py.)


@pytest.mark.parametrize("key", NOTEBOOKS)
def test_every_chart_is_followed_by_a_try_changing_prompt(key):
    cells = nbformat.read(NOTEBOOKS[key][0], as_version=4).cells
    charts = [i for i, c in enumerate(cells) if is_chart_cell(c)]
    assert charts
    for i in charts:
        after = cells[i + 1]
        assert after.cell_type == "markdown" and after.source.startswith("*Try changing"), cells[i].source


# --------------------------------------------------------------------------- runs: salary by state

SALARY_EXPECTED = [
    # (parameters, strings the executed notebook must contain)
    ({}, ["**California**, May 2024 (latest in data/), median annual wage: **$59,700**", "National median, May 2024: $50,250",
          "Rank: 7 of 51", "Large health systems, high volume"]),
    ({"state": "TX"}, ["**Texas**, May 2024 (latest in data/), median annual wage: **$47,230**", "$51,020", "$47,230",
                       "do not list Texas"]),
    ({"state": "new york", "year": 2023}, ["**New York**, May 2023, median annual wage: **$59,050**",
                                           "National median, May 2023: $48,780", "Rank: 6 of 35", "not available"]),
    ({"state": "06", "measure": "mean", "compare_with": ["TX", "FL"]},
     ["**California**, May 2024 (latest in data/), mean annual wage: **$68,080**", "No national May 2024 mean", "$51,020",
      "national (not available in data/)"]),
    ({"state": "Mississippi", "employer_state": "CA"},
     ["**Mississippi**, May 2024 (latest in data/), median annual wage: **$39,970**", "$59,700", "$19,730", "Lowest-Paying States"]),
]
assert [p for p, _ in SALARY_EXPECTED[1:]] == salary.PARAMETERS.examples, "keep the expectations in step with the examples"


@pytest.mark.notebook
@pytest.mark.parametrize("params, expected", SALARY_EXPECTED, ids=["defaults", "TX", "NY-2023", "06-mean", "MS-remote"])
def test_salary_notebook_runs(params, expected, tmp_path):
    nb = executed_ok(*run_papermill(NOTEBOOKS["salary"][0], tmp_path, params), is_chart_cell)
    text = output_text(nb)
    for piece in expected:
        assert piece in text, piece


@pytest.mark.notebook
def test_salary_notebook_stops_on_a_misspelled_state_with_a_suggestion(tmp_path):
    result, out = run_papermill(NOTEBOOKS["salary"][0], tmp_path, {"state": "Texsa"})
    failed_at_start(result, out, "Did you mean 'Texas'")


@pytest.mark.notebook
def test_salary_notebook_stops_on_an_unknown_parameter_name(tmp_path):
    result, out = run_papermill(NOTEBOOKS["salary"][0], tmp_path, {"stat": "TX"})
    failed_at_start(result, out, "Did you mean 'state'")


# --------------------------------------------------------------------------- runs: job outlook

OUTLOOK_EXPECTED = [
    ({}, ["projected employment in 2034", "208,436", "13,636", "14,200", "187,770"]),
    ({"projection_round": "2025-35"}, ["projected employment in 2035", "216,756", "14,000"]),
    ({"projection_round": "article"}, ["259,200", "article claim", "14,800"]),
    ({"horizon_year": 2030, "growth_override_pct": 4}, ["projected employment in 2030", "199,475.2", "what-if"]),
]
assert [p for p, _ in OUTLOOK_EXPECTED[1:]] == outlook.PARAMETERS.examples, "keep the expectations in step with the examples"


@pytest.mark.notebook
@pytest.mark.parametrize("params, expected", OUTLOOK_EXPECTED, ids=["defaults", "2025-35", "article", "what-if-2030"])
def test_outlook_notebook_runs(params, expected, tmp_path):
    nb = executed_ok(*run_papermill(NOTEBOOKS["outlook"][0], tmp_path, params), is_chart_cell)
    text = output_text(nb)
    for piece in expected:
        assert piece in text, piece


@pytest.mark.notebook
def test_outlook_notebook_stops_on_a_bad_round_with_a_suggestion(tmp_path):
    result, out = run_papermill(NOTEBOOKS["outlook"][0], tmp_path, {"projection_round": "artcle"})
    failed_at_start(result, out, "Did you mean 'article'")
