"""Notebooks 01 (salary by state) and 02 (job outlook): stored clean, run with the plain papermill CLI.

Each notebook run is its own test (one papermill call each), so pytest-xdist can spread them.
"""

import ast

import nbformat
import pytest
from notebook_support import KERNELSPEC, ROOT, failed_at_start, output_text, run_papermill
from notebook_support import executed_ok as _executed_ok

from analysis import outlook, salary

NOTEBOOKS = {
    "salary": (ROOT / "notebooks" / "01_salary_by_state.ipynb", salary),
    "outlook": (ROOT / "notebooks" / "02_job_outlook.ipynb", outlook),
}


def executed_ok(result, out):
    return _executed_ok(result, out, is_chart_cell)


def is_chart_cell(cell) -> bool:
    """A cell that shows one of the notebook's charts. Exercise cells are not: a student's answer cell shows
    ``...`` until answered (its own chart and "Try changing" prompt come after its check)."""
    if "exercise" in cell.get("metadata", {}).get("tags", []):
        return False
    return cell.cell_type == "code" and ("chart(" in cell.source or "tile_map(" in cell.source)






# --------------------------------------------------------------------------- stored notebooks


@pytest.mark.parametrize("key", NOTEBOOKS)
def test_stored_without_outputs_and_with_the_project_kernel(key):
    nb = nbformat.read(NOTEBOOKS[key][0], as_version=4)
    nbformat.validate(nb)
    assert nb.metadata.kernelspec == KERNELSPEC
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None


@pytest.mark.parametrize("key", NOTEBOOKS)
def test_parameters_cell_follows_the_intro_and_equals_the_declared_defaults(key):
    path, module = NOTEBOOKS[key]
    nb = nbformat.read(path, as_version=4)
    first = next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", []))
    intro = nb.cells[:first]
    assert intro and all(c.cell_type == "markdown" for c in intro)
    assert any("Learning objectives" in c.source and "notebook-only" in c.metadata.get("tags", []) for c in intro)
    cell = nb.cells[first]
    assert cell.metadata.get("tags") == ["parameters"]
    assigned = {}
    for statement in ast.parse(cell.source).body:
        assert isinstance(statement, ast.Assign), "the parameters cell holds plain assignments only"
        assigned[statement.targets[0].id] = ast.literal_eval(statement.value)
    assert assigned == module.PARAMETERS.defaults()
    assert f'start("{module.PARAMETERS.notebook}", globals())' in nb.cells[first + 1].source


@pytest.mark.parametrize("key", NOTEBOOKS)
def test_intro_documents_every_example_parameter_set(key):
    path, module = NOTEBOOKS[key]
    intro = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "markdown"
                       and "notebook-only" in c.metadata.get("tags", []))
    for example in module.PARAMETERS.examples:
        for name, value in example.items():
            value = ",".join(value) if isinstance(value, list) else str(value)
            shown = repr(value) if " " in value else value
            assert f"-p {name} {shown}" in intro, (example, name)


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
    ({}, ["**California**, May 2024, median annual wage: **$59,700**", "National median, May 2024: $50,250",
          "Rank: 7 of 51", "Large health systems, high volume"]),
    ({"state": "TX"}, ["**Texas**, May 2024, median annual wage: **$47,230**", "$51,020", "$47,230",
                       "do not list Texas"]),
    ({"state": "new york", "year": 2023}, ["**New York**, May 2023, median annual wage: **$59,050**",
                                           "National median, May 2023: $48,780", "Rank: 6 of 35", "not available"]),
    ({"state": "06", "measure": "mean", "compare_with": ["TX", "FL"]},
     ["**California**, May 2024, mean annual wage: **$68,080**", "No national May 2024 mean", "$51,020",
      "national (not available in data/)"]),
    ({"state": "Mississippi", "employer_state": "CA"},
     ["**Mississippi**, May 2024, median annual wage: **$39,970**", "$59,700", "$19,730", "Lowest-Paying States"]),
]
assert [p for p, _ in SALARY_EXPECTED[1:]] == salary.PARAMETERS.examples, "keep the expectations in step with the examples"


@pytest.mark.notebook
@pytest.mark.parametrize("params, expected", SALARY_EXPECTED, ids=["defaults", "TX", "NY-2023", "06-mean", "MS-remote"])
def test_salary_notebook_runs(params, expected, tmp_path):
    nb = executed_ok(*run_papermill(NOTEBOOKS["salary"][0], tmp_path, params))
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
    nb = executed_ok(*run_papermill(NOTEBOOKS["outlook"][0], tmp_path, params))
    text = output_text(nb)
    for piece in expected:
        assert piece in text, piece


@pytest.mark.notebook
def test_outlook_notebook_stops_on_a_bad_round_with_a_suggestion(tmp_path):
    result, out = run_papermill(NOTEBOOKS["outlook"][0], tmp_path, {"projection_round": "artcle"})
    failed_at_start(result, out, "Did you mean 'article'")
