"""The contract every notebook keeps, checked on the stored file (no kernel runs here).

Every notebook: stored clean (no outputs, no execution counts) with the project's kernel. Every topic
notebook (:data:`analysis.core.topics.TOPICS`) besides: learning objectives first; a ``parameters``
code cell (the first) whose annotated values equal the topic's declared defaults, one commented line per parameter;
``p = start("<topic>", globals())`` right after; short code cells that call helpers (no loops,
branches or definitions); an Exercises section closing the notebook, every cell tagged ``exercise``,
one ``### Exercise n (`id`)`` heading and one ``check("id", answer, p)`` per registered exercise.
"""

import ast
import re

import nbformat
import pytest
from conftest import KERNELSPEC, ROOT

from analysis.core.params import parameters_cell_values, parameters_for
from analysis.core.topics import TOPICS, notebook_topic
from analysis.teaching.assignments import exercise_ids_in, lint

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
TOPIC_NOTEBOOKS = [p for p in NOTEBOOKS if notebook_topic(p.name) in TOPICS]
#: Longest code cell after the start cell, in lines (the topic notebooks call helpers; logic lives in analysis/).
MAX_CODE_LINES = {"05_ai_impact.ipynb": 22, "state_report.ipynb": 6}
DEFAULT_MAX_CODE_LINES = 9
#: Topics whose every exercise answer is computed from the notebook's parameters.
COMPUTED_FROM_PARAMETERS = {"specialty", "certification_premium", "ai_impact"}
#: What each notebook's introduction documents as ``-p`` lines (and a ``- `name` (default ...)`` list).
INTRO_EXAMPLES = {"salary_by_state": "examples", "job_outlook": "examples",
                  "specialty": "parameters and examples", "certification_premium": "parameters and examples"}


def _read(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    return nb


def test_every_topic_has_its_notebook():
    assert sorted(notebook_topic(p.name) for p in TOPIC_NOTEBOOKS) == sorted(TOPICS)
    assert all((ROOT / "notebooks" / name).exists() for name in TOPICS.values())


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_stored_clean_with_the_project_kernel(path):
    nb = _read(path)
    assert nb.metadata.kernelspec == KERNELSPEC
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None


@pytest.mark.parametrize("path", TOPIC_NOTEBOOKS, ids=lambda p: p.stem)
def test_objectives_then_typed_parameters_equal_to_the_declared_defaults_then_start(path):
    nb, topic = _read(path), notebook_topic(path.name)
    declared = parameters_for(topic)
    assert nb.cells[0].cell_type == "markdown" and "Learning objectives" in nb.cells[0].source
    code = [c for c in nb.cells if c.cell_type == "code"]
    cell = code[0]
    assert cell.metadata.get("tags") == ["parameters"]
    statements = ast.parse(cell.source).body
    assert all(isinstance(s, ast.AnnAssign) for s in statements), "name: type = value, one per parameter"
    assert {s.target.id: ast.unparse(s.annotation) for s in statements} == {p.name: p.type_text() for p in declared}
    assert parameters_cell_values(cell.source) == declared.defaults()
    assert all("#" in cell.source.splitlines()[s.lineno - 1] for s in statements), "every parameter has a comment"
    assert f'p = start("{topic}", globals())' in code[1].source


@pytest.mark.parametrize("path", [p for p in TOPIC_NOTEBOOKS if notebook_topic(p.name) in INTRO_EXAMPLES],
                         ids=lambda p: p.stem)
def test_intro_documents_the_example_parameter_sets(path):
    topic = notebook_topic(path.name)
    declared = parameters_for(topic)
    intro = _read(path).cells[0].source
    if INTRO_EXAMPLES[topic] == "parameters and examples":
        for param in declared:
            assert f"- `{param.name}` (default" in intro, param.name
    for example in declared.examples:
        for name, value in example.items():
            value = ",".join(value) if isinstance(value, list) else str(value)
            shown = repr(value) if " " in value else value
            assert f"-p {name} {shown}" in intro, (example, name)


@pytest.mark.parametrize("path", TOPIC_NOTEBOOKS, ids=lambda p: p.stem)
def test_code_cells_are_short_and_call_helpers(path):
    nb = _read(path)
    limit = MAX_CODE_LINES.get(path.name, DEFAULT_MAX_CODE_LINES)
    for cell in nb.cells[2:]:
        if cell.cell_type == "code" and "exercise" not in cell.metadata.get("tags", []):
            assert len(cell.source.splitlines()) <= limit, cell.source
            assert not re.search(r"^\s*(for|while|def|class)\b", cell.source, re.MULTILINE), cell.source


@pytest.mark.parametrize("path", [p for p in TOPIC_NOTEBOOKS if p.name != "state_report.ipynb"], ids=lambda p: p.stem)
def test_exercises_are_tagged_headed_registered_and_checked(path):
    nb, topic = _read(path), notebook_topic(path.name)
    ids = exercise_ids_in(nb)
    assert len(ids) >= 3 and all(i.startswith(f"{topic}.") for i in ids)
    assert lint(nb, path.name) == []
    headings = [m.group(1) for c in nb.cells if c.cell_type == "markdown"
                for m in re.finditer(r"^### Exercise \d+ \(`([^`]+)`\)", c.source, re.M)]
    assert headings == ids
    first = next(i for i, c in enumerate(nb.cells) if "exercise" in c.metadata.get("tags", []))
    tagged = nb.cells[first:]  # the Exercises section closes the notebook, every cell of it tagged
    assert tagged[0].cell_type == "markdown" and "Exercises that check themselves" in tagged[0].source
    assert all("exercise" in c.metadata.get("tags", []) for c in tagged)
    assert tagged[1].cell_type == "code" and tagged[1].source.startswith("from analysis.teaching.exercises import check")
    # In 03-05 every answer is computed from the parameters, so every check passes them on.
    with_p = r", p" if topic in COMPUTED_FROM_PARAMETERS else r"(, p)?"
    checks = [c.source for c in tagged if c.cell_type == "code" and c.source.startswith("check(")]
    assert len(checks) == len(ids) and all(re.fullmatch(r'check\("[\w.]+", \w+' + with_p + r"\)", s) for s in checks)
