"""Student and instructor notebooks from one source: solutions never reach students, both versions run."""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import altair as alt
import nbformat
import pytest
from conftest import papermill
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from analysis.teaching import assignments
from analysis.teaching.assignments import AssignmentError, build, lint, split_code, split_markdown, split_notebook
from analysis.data.evidence import load_state_wages, national_fact
from analysis.teaching.exercises import ANSWERS_ENV, STRICT_ENV, hint, save_answer

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
FIXTURE = ROOT / "tests" / "fixtures" / "exercise_demo.ipynb"

# --------------------------------------------------------------------------- one cell


@pytest.mark.parametrize("source, student, instructor", [
    ("answer = 48780  # SOLUTION", "answer = ...", "answer = 48780"),
    ("answer = 48780 #SOLUTION", "answer = ...", "answer = 48780"),
    ("    total: float = a + b  # SOLUTION", "    total: float = ...", "    total: float = a + b"),
    ("df['x'] = df.a * 2  # SOLUTION", "df['x'] = ...", "df['x'] = df.a * 2"),
    ("a, b = 1, 2  # SOLUTION", "a = b = ...", "a, b = 1, 2"),
    ("count += 1  # SOLUTION", "count = ...", "count += 1"),
    ("chart.show()  # SOLUTION", "...", "chart.show()"),
    ("x = 1  # SOLUTION NO PROMPT\ny = 2", "y = 2", "x = 1\ny = 2"),
    ("a = 1\n# BEGIN SOLUTION\ntop = w.max()\nshare = top / a\n# END SOLUTION\nshare",
     "a = 1\ntop = ...\nshare = ...\nshare", "a = 1\ntop = w.max()\nshare = top / a\nshare"),
    ("def f():\n    # BEGIN SOLUTION\n    r = 2\n    return r\n    # END SOLUTION",
     "def f():\n    r = ...", "def f():\n    r = 2\n    return r"),
    ("# BEGIN SOLUTION\nprint('hi')\n# END SOLUTION", "...", "print('hi')"),
    ("# BEGIN SOLUTION NO PROMPT\nprint('hi')\n# END SOLUTION\nx = 1", "x = 1", "print('hi')\nx = 1"),
    ("x = 1\ny = 2", "x = 1\ny = 2", "x = 1\ny = 2"),
])
def test_split_code(source, student, instructor):
    split = split_code(source)
    assert (split.student, split.instructor) == (student, instructor)
    assert split.has_solution == (source != student)


def test_removed_text_is_reported():
    assert split_code("answer = 48780  # SOLUTION").removed == ["48780"]
    assert split_code("# BEGIN SOLUTION\ntop = w.max()\n\n# END SOLUTION").removed == ["top = w.max()"]


@pytest.mark.parametrize("source, words", [
    ("# BEGIN SOLUTION\nx = 1", "has no matching '# END SOLUTION'"),
    ("x = 1\n# END SOLUTION", "without a '# BEGIN SOLUTION'"),
    ("# BEGIN SOLUTION\n# BEGIN SOLUTION\nx = 1\n# END SOLUTION", "inside another solution block"),
    ("x = (1,  # SOLUTION\n     2)", "must be a whole statement"),
    ("# BEGIN SOLUTION\nx = (1,\n# END SOLUTION\n 2)", "must hold whole statements"),
])
def test_bad_markers_are_explained(source, words):
    with pytest.raises(AssignmentError, match=re.escape(words)):
        split_code(source, "demo.ipynb, cell 3")


def test_split_markdown():
    source = "Why?\n<!-- BEGIN SOLUTION -->\nBecause.\n\nReally.\n<!--END SOLUTION-->\nNext."
    split = split_markdown(source)
    assert split.student == f"Why?\n{assignments.MARKDOWN_PROMPT}\nNext."
    assert split.instructor == "Why?\nBecause.\n\nReally.\nNext."
    assert split.removed == ["Because.", "Really."]
    with pytest.raises(AssignmentError, match="no matching"):
        split_markdown("<!-- BEGIN SOLUTION -->\nx")


# --------------------------------------------------------------------------- one notebook


def tagged(cell, *tags):
    cell.metadata["tags"] = list(tags)
    return cell


def test_split_notebook_clears_outputs_and_keeps_tags():
    cell = tagged(new_code_cell("answer = 3  # SOLUTION"), "exercise")
    cell.outputs = [nbformat.v4.new_output("execute_result", data={"text/plain": "3"}, execution_count=1)]
    cell.execution_count = 1
    versions = split_notebook(new_notebook(cells=[cell, tagged(new_code_cell('check("a.b", answer)'), "exercise")]))
    for nb in (versions.student, versions.instructor):
        assert nb.cells[0].outputs == [] and nb.cells[0].execution_count is None
        assert nb.cells[0].metadata["tags"] == ["exercise"]
    assert versions.student.cells[0].source == "answer = ..."
    assert versions.instructor.cells[0].source == "answer = 3"
    assert versions.exercise_ids == ["a.b"] and versions.solution_cells == 1


def test_lint_wants_exercise_tags_and_registered_ids():
    nb = new_notebook(cells=[new_code_cell("x = 1  # SOLUTION"), new_code_cell('check("start_here.nope", x)'),
                             tagged(new_markdown_cell("<!-- BEGIN SOLUTION -->\na\n<!-- END SOLUTION -->"), "exercise")])
    problems = lint(nb, "demo.ipynb")
    assert "demo.ipynb, cell 1: has solution markers but is not tagged 'exercise'." in problems
    assert "demo.ipynb, cell 2: has a check(...) call but is not tagged 'exercise'." in problems
    assert any("'start_here.nope', which is not registered" in p for p in problems)
    assert len(problems) == 3


def test_build_refuses_a_leak(tmp_path):
    nb = new_notebook(cells=[tagged(new_code_cell("answer = 'Rhode Island'  # SOLUTION"), "exercise"),
                             new_markdown_cell("Hint: the answer is 'Rhode Island'.")])
    (tmp_path / "src").mkdir()
    nbformat.write(nb, tmp_path / "src" / "leaky.ipynb")
    with pytest.raises(AssignmentError, match="solution text would reach students"):
        build(tmp_path / "src", tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_build_refuses_to_write_into_the_sources(tmp_path):
    with pytest.raises(AssignmentError, match="inside the source folder"):
        build(NOTEBOOKS, NOTEBOOKS / "dist")


# --------------------------------------------------------------------------- every notebook in notebooks/ (and the fixture)


def solution_fragments(nb) -> list[str]:
    """Every piece of solution text in a source notebook, found independently of analysis.teaching.assignments."""
    fragments = []
    for cell in nb.cells:
        lines = cell.source.split("\n")
        begin, end = (("<!-- BEGIN SOLUTION -->", "<!-- END SOLUTION -->") if cell.cell_type == "markdown"
                      else ("# BEGIN SOLUTION", "# END SOLUTION"))
        inside = False
        for line in lines:
            text = line.strip()
            if text.startswith(begin):
                inside = True
            elif text.startswith(end):
                inside = False
            elif inside and text:
                fragments.append(text)
            elif cell.cell_type == "code" and re.search(r"#\s*SOLUTION\s*$", line):
                code = re.sub(r"\s*#\s*SOLUTION\s*$", "", line).strip()
                fragments.append(code.split("=", 1)[1].strip() if re.match(r"^[\w.\[\]'\"]+\s*=[^=]", code) else code)
    return [f for f in fragments if len(f.replace(" ", "")) >= assignments.MIN_LEAK_LENGTH]


def student_text(path: Path) -> str:
    nb = nbformat.read(path, as_version=4)
    return "\n".join([c.source for c in nb.cells] + [json.dumps(c.get("outputs", [])) for c in nb.cells]
                     + [json.dumps(nb.metadata)])


@pytest.fixture(scope="module")
def fixture_answers(tmp_path_factory):
    """The fixture notebook's expected answers, hashed into a temporary answers file."""
    path = tmp_path_factory.mktemp("answers") / "answers.json"
    wages = load_state_wages(2024)
    save_answer("demo.national_median", int(national_fact("May 2023", "annual_median").value), tolerance=1,
                hints=[hint("Did you use the hourly wage?", divided_by=2080)], path=path)
    save_answer("demo.top_state", wages.loc[wages.annual_median_usd.idxmax(), "state"], type="state", path=path)
    save_answer("demo.lowest_three", list(wages.nsmallest(3, "annual_median_usd").state_abbr), type="set",
                item_type="state", path=path)
    save_answer("demo.chart", alt.Chart(wages).mark_bar().encode(x="annual_median_usd:Q", y="state:N", tooltip=["state"]),
                path=path)
    return path


@pytest.fixture(scope="module")
def fixture_dist(tmp_path_factory, fixture_answers):
    """The fixture's student and instructor versions, made by the command line."""
    base = tmp_path_factory.mktemp("assign")
    (base / "source").mkdir()
    shutil.copy(FIXTURE, base / "source" / FIXTURE.name)
    env = {**os.environ, ANSWERS_ENV: str(fixture_answers)}
    result = subprocess.run([sys.executable, "-m", "analysis.teaching.assignments", "--source", str(base / "source"),
                             "--out", str(base / "dist")], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "exercise_demo.ipynb: 5 exercises (demo.national_median, demo.top_state" in result.stdout
    return base / "dist"


def test_command_line_writes_both_versions_of_the_fixture(fixture_dist):
    student = nbformat.read(fixture_dist / "student" / FIXTURE.name, as_version=4)
    instructor = nbformat.read(fixture_dist / "instructor" / FIXTURE.name, as_version=4)
    source = nbformat.read(FIXTURE, as_version=4)
    assert len(student.cells) == len(instructor.cells) == len(source.cells)
    for cell in student.cells + instructor.cells:
        assert "SOLUTION" not in cell.source
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
    assert [c.metadata.get("tags") for c in student.cells] == [c.metadata.get("tags") for c in source.cells]
    assert sum(c.source.count("check(") for c in student.cells) == 5
    instructor_text = "\n".join(c.source for c in instructor.cells)
    for fragment in solution_fragments(source):
        assert fragment in instructor_text


def test_no_solution_text_reaches_the_fixture_students(fixture_dist):
    text = student_text(fixture_dist / "student" / FIXTURE.name)
    fragments = solution_fragments(nbformat.read(FIXTURE, as_version=4))
    assert len(fragments) >= 6
    leaked = [f for f in fragments if f in text]
    assert not leaked


@pytest.fixture(scope="module")
def kit_dist(tmp_path_factory):
    """Student and instructor versions of every notebook in notebooks/."""
    out = tmp_path_factory.mktemp("kit_dist")
    build(NOTEBOOKS, out)
    return out


def test_no_solution_text_reaches_students_from_any_notebook(kit_dist):
    sources = sorted(NOTEBOOKS.glob("*.ipynb"))
    assert sorted(p.name for p in (kit_dist / "student").glob("*.ipynb")) == [p.name for p in sources]
    for source in sources:
        fragments = solution_fragments(nbformat.read(source, as_version=4))
        text = student_text(kit_dist / "student" / source.name)
        leaked = [f for f in fragments if f in text]
        assert not leaked, f"{source.name}: {leaked}"


def test_every_notebook_passes_lint():
    problems = [p for path in sorted(NOTEBOOKS.glob("*.ipynb")) for p in lint(nbformat.read(path, as_version=4), path.name)]
    assert not problems, "\n".join(problems)


# --------------------------------------------------------------------------- running the versions with papermill


def run(source: Path, output: Path, *args, env=None) -> nbformat.NotebookNode:
    result = papermill(source, output, "--cwd", str(output.parent), *args, extra_env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    return nbformat.read(output, as_version=4)


def check_outputs(nb) -> list[str]:
    texts = []
    for cell in nb.cells:
        if cell.cell_type == "code" and re.match(r"\s*check\(", cell.source.split("\n")[-1]):
            texts.append("\n".join(str(o.get("data", {}).get("text/plain", o.get("text", ""))) for o in cell.outputs))
    return texts


@pytest.mark.notebook
def test_student_fixture_runs_top_to_bottom_unanswered(fixture_dist, fixture_answers, tmp_path):
    nb = run(fixture_dist / "student" / FIXTURE.name, tmp_path / "student.ipynb", env={ANSWERS_ENV: str(fixture_answers)})
    outputs = check_outputs(nb)
    assert len(outputs) == 5
    for text in outputs:
        assert "Not answered yet" in text, text


@pytest.mark.notebook
def test_instructor_fixture_passes_every_check_for_another_state(fixture_dist, fixture_answers, tmp_path):
    nb = run(fixture_dist / "instructor" / FIXTURE.name, tmp_path / "instructor.ipynb", "-p", "state", "CA",
             env={ANSWERS_ENV: str(fixture_answers), STRICT_ENV: "strict"})
    outputs = check_outputs(nb)
    assert len(outputs) == 5
    for text in outputs:
        assert ": Correct." in text, text


def notebooks_with_exercises() -> list[str]:
    return sorted(p.name for p in NOTEBOOKS.glob("*.ipynb")
                  if assignments.exercise_ids_in(nbformat.read(p, as_version=4)))


@pytest.mark.notebook
@pytest.mark.parametrize("name", notebooks_with_exercises())
def test_student_version_runs_top_to_bottom(name, kit_dist, tmp_path):
    nb = run(kit_dist / "student" / name, tmp_path / name)
    outputs = check_outputs(nb)
    assert outputs and all("Not answered yet" in text for text in outputs), outputs
