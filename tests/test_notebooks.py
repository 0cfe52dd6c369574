"""The contract every notebook keeps, checked on the stored file (no kernel runs here).

Every notebook: stored clean (no outputs, no execution counts) with the project's kernel. Every topic
notebook (:data:`analysis.core.topics.TOPICS`) besides: learning objectives first; a ``parameters``
code cell (the first) whose annotated values equal the topic's declared defaults, one commented line per parameter;
``p = start("<topic>", globals())`` right after; short code cells that call helpers (no loops,
branches or definitions); exercise cells tagged ``exercise``, each code one calling ``check``.
"""

import ast
import re

import nbformat
import pytest
from conftest import KERNELSPEC, ROOT

from analysis.core.params import parameters_cell_values, parameters_for
from analysis.core.topics import TOPICS, notebook_topic

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
TOPIC_NOTEBOOKS = [p for p in NOTEBOOKS if notebook_topic(p.name) in TOPICS]
#: Longest code cell after the start cell, in lines (the topic notebooks call helpers; logic lives in analysis/).
MAX_CODE_LINES = {"05_ai_impact.ipynb": 22, "state_report.ipynb": 6}
DEFAULT_MAX_CODE_LINES = 9


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


@pytest.mark.parametrize("path", TOPIC_NOTEBOOKS, ids=lambda p: p.stem)
def test_code_cells_are_short_and_call_helpers(path):
    nb = _read(path)
    limit = MAX_CODE_LINES.get(path.name, DEFAULT_MAX_CODE_LINES)
    for cell in nb.cells[2:]:
        if cell.cell_type == "code" and "exercise" not in cell.metadata.get("tags", []):
            assert len(cell.source.splitlines()) <= limit, cell.source
            assert not re.search(r"^\s*(for|while|def|class)\b", cell.source, re.MULTILINE), cell.source


@pytest.mark.parametrize("path", [p for p in TOPIC_NOTEBOOKS if p.name != "state_report.ipynb"], ids=lambda p: p.stem)
def test_exercises_are_tagged_and_checked(path):
    nb = _read(path)
    exercises = [c for c in nb.cells if "exercise" in c.metadata.get("tags", [])]
    assert exercises, "a topic notebook ends with exercises that check themselves"
    assert exercises[0].cell_type == "markdown" and "Exercises" in exercises[0].source
    first = next(i for i, c in enumerate(nb.cells) if c is exercises[0])
    assert all("exercise" in c.metadata.get("tags", []) for c in nb.cells[first:-1]), "exercises are together at the end"
    checks = [c for c in exercises if c.cell_type == "code" and "check(" in c.source]
    assert checks and all(f'"{notebook_topic(path.name)}.' in c.source for c in checks)
