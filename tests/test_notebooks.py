"""The contract every notebook keeps, checked on the stored file (no kernel runs here).

Every notebook: stored clean (no outputs, no execution counts) with the project's kernel. Every topic
notebook (:data:`analysis.core.topics.TOPICS`) besides: an introduction in Markdown, its title and learning
objectives tagged ``notebook-only``; a ``parameters`` code cell (the first) whose annotated values equal the
topic's declared defaults, one commented line per parameter; ``p = start("<topic>", globals())`` right
after, then the one cell tagged ``report-summary`` (``<module>.report_summary(p)``); short code cells that
call helpers (no loops, branches or definitions); an Exercises section closing the notebook, every cell
tagged ``exercise``, one ``### Exercise n (`id`)`` heading and one ``check("id", answer, p)`` per
registered exercise.

Tags are how one notebook serves two audiences (:mod:`analysis.export.preprocessors`): what only
someone working in the notebook can act on ("Try changing ...", how to set parameters, command lines) is
tagged ``notebook-only`` (or ``exercise``), so the report leaves it out; only known tags are used.
"""

import ast
import re

import nbformat
import pytest
from conftest import KERNELSPEC, ROOT

from analysis.core.params import parameters_cell_values, parameters_for
from analysis.core.topics import TOPICS, notebook_topic, topic_module
from analysis.export.preprocessors import REMOVED_CELL_TAGS, REMOVED_OUTPUT_TAGS, SUMMARY_TAG
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
#: Every cell tag a notebook may carry: the exporter's (removed cells or outputs, the summary) and papermill's.
KNOWN_TAGS = REMOVED_CELL_TAGS | REMOVED_OUTPUT_TAGS | {SUMMARY_TAG}
#: Text only someone working in the notebook can act on; a Markdown cell holding it is tagged notebook-only.
NOTEBOOK_ONLY_TEXT = re.compile(r"Learning objectives|Try changing|How to change the parameters|papermill |"
                                r"medcoding build|Documented parameter sets|Edit the next cell")


def _read(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    return nb


def _tags(cell) -> list[str]:
    return cell.get("metadata", {}).get("tags", [])


def _intro(nb) -> list:
    """The cells before the parameters cell."""
    return nb.cells[:next(i for i, c in enumerate(nb.cells) if "parameters" in _tags(c))]


def _notebook_only_text(nb) -> str:
    return "\n".join(c.source for c in _intro(nb) if "notebook-only" in _tags(c))


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
def test_intro_then_typed_parameters_equal_to_the_declared_defaults_then_start_then_summary(path):
    nb, topic = _read(path), notebook_topic(path.name)
    declared = parameters_for(topic)
    intro = _intro(nb)
    assert intro and all(c.cell_type == "markdown" for c in intro)
    # The title is the notebook's (a report has its own); so are the learning objectives.
    assert intro[0].source.startswith("# ") and "notebook-only" in _tags(intro[0])
    assert "Learning objectives" in _notebook_only_text(nb)
    assert any("notebook-only" not in _tags(c) for c in intro), "the report keeps an introduction for readers"
    code = [c for c in nb.cells if c.cell_type == "code"]
    cell = code[0]
    assert cell.metadata.get("tags") == ["parameters"]
    statements = ast.parse(cell.source).body
    assert all(isinstance(s, ast.AnnAssign) for s in statements), "name: type = value, one per parameter"
    assert {s.target.id: ast.unparse(s.annotation) for s in statements} == {p.name: p.type_text() for p in declared}
    assert parameters_cell_values(cell.source) == declared.defaults()
    assert all("#" in cell.source.splitlines()[s.lineno - 1] for s in statements), "every parameter has a comment"
    assert f'p = start("{topic}", globals())' in code[1].source
    assert _tags(code[2]) == [SUMMARY_TAG] and re.fullmatch(r"\w+\.report_summary\(p\)", code[2].source), code[2].source


@pytest.mark.parametrize("path", TOPIC_NOTEBOOKS, ids=lambda p: p.stem)
def test_one_report_summary_cell_calling_the_topics_report_summary(path):
    nb, topic = _read(path), notebook_topic(path.name)
    tagged = [c for c in nb.cells if SUMMARY_TAG in _tags(c)]
    assert len(tagged) == 1 and tagged[0].cell_type == "code"
    alias = tagged[0].source.split(".")[0]
    imports = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert f"from analysis.topics import {topic} as {alias}" in imports or f"from analysis.topics import {topic}\n" in imports
    assert callable(getattr(topic_module(topic), "report_summary", None))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_only_known_tags(path):
    used = {tag for c in _read(path).cells for tag in _tags(c)}
    assert used <= KNOWN_TAGS, used - KNOWN_TAGS


@pytest.mark.parametrize("path", TOPIC_NOTEBOOKS, ids=lambda p: p.stem)
def test_what_only_a_notebook_user_can_act_on_is_tagged_notebook_only(path):
    untagged = [c.source[:80] for c in _read(path).cells if c.cell_type == "markdown"
                and NOTEBOOK_ONLY_TEXT.search(c.source) and not {"notebook-only", "exercise"} & set(_tags(c))]
    assert untagged == []


@pytest.mark.parametrize("path", [p for p in TOPIC_NOTEBOOKS if notebook_topic(p.name) in INTRO_EXAMPLES],
                         ids=lambda p: p.stem)
def test_intro_documents_the_example_parameter_sets(path):
    topic = notebook_topic(path.name)
    declared = parameters_for(topic)
    intro = _notebook_only_text(_read(path))
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
    start = next(i for i, c in enumerate(nb.cells) if "p = start(" in c.source)
    for cell in nb.cells[start + 1:]:
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
