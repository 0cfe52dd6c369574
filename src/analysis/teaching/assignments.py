"""Student and instructor versions of the notebooks, made from one source that holds the solutions.

Solutions are marked in the source notebooks (``notebooks/``) the way otter-grader marks them:

* code, one line: a line ending in ``# SOLUTION``. An assignment keeps its left-hand side
  (``answer = 48780  # SOLUTION`` becomes ``answer = ...``); any other line becomes ``...``.
* code, several lines: the lines between ``# BEGIN SOLUTION`` and ``# END SOLUTION``. The student
  gets ``name = ...`` for every name the block assigns (so the notebook still runs top to bottom),
  or ``...`` when it assigns none. ``# BEGIN SOLUTION NO PROMPT`` / ``# SOLUTION NO PROMPT``
  remove the solution and leave nothing.
* markdown: the lines between ``<!-- BEGIN SOLUTION -->`` and ``<!-- END SOLUTION -->``, replaced
  by "_Type your answer here, replacing this text._".

The student version drops the solutions and keeps prompts and checks; the instructor key keeps the
solutions without the markers. Both are stored without outputs. Every cell of an exercise (its
prompt, its answer cell, its check) is tagged ``exercise``, so a report can leave exercises out;
:func:`lint` says which cells miss the tag.

Command line (``--out`` defaults to ``dist/``)::

    python -m analysis.teaching.assignments [--source notebooks] [--out dist]

>>> print(split_code("answer = 48780  # SOLUTION").student)
answer = ...
>>> print(split_code("answer = 48780  # SOLUTION").instructor)
answer = 48780
>>> split_code("answer = 48780  # SOLUTION").removed
['48780']
>>> print(split_code("# BEGIN SOLUTION\\ntop = wages.max()\\nshare = top / 2\\n# END SOLUTION\\ncheck('a.b', share)").student)
top = ...
share = ...
check('a.b', share)
"""

from __future__ import annotations

import argparse
import ast
import copy
import re
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from analysis.core.errors import AnalysisError
from analysis.core.paths import REPO_DIR, cannot_write, path_problem

ROOT = REPO_DIR
SOURCE_DIR = ROOT / "notebooks"
DEFAULT_OUT = ROOT / "dist"
EXERCISE_TAG = "exercise"
MARKDOWN_PROMPT = "_Type your answer here, replacing this text._"

_LINE = re.compile(r"^(?P<code>.*?)\s*#\s*SOLUTION(?P<no_prompt>\s+NO\s+PROMPT)?\s*$")
_BEGIN = re.compile(r"^(?P<indent>\s*)#\s*BEGIN\s+SOLUTION(?P<no_prompt>\s+NO\s+PROMPT)?\s*$")
_END = re.compile(r"^\s*#\s*END\s+SOLUTION\s*$")
_MD_BEGIN = re.compile(r"^\s*<!--\s*BEGIN\s+SOLUTION\s*-->\s*$")
_MD_END = re.compile(r"^\s*<!--\s*END\s+SOLUTION\s*-->\s*$")
_CHECK_CALL = re.compile(r"""\bcheck\(\s*(?P<quote>["'])(?P<id>[^"']+)(?P=quote)""")
_COMPUTED_IN_NOTEBOOK = re.compile(r"""@(?:\w+\.)?computed\(\s*(?P<quote>["'])(?P<id>[^"']+)(?P=quote)""")
# Removed text shorter than this is not searched for in the student version (too common to tell apart).
MIN_LEAK_LENGTH = 3


class AssignmentError(AnalysisError):
    """A source notebook's solution markers cannot be turned into a student version."""


class AssignmentUsageError(AssignmentError):
    """``--source`` or ``--out`` cannot be used (a file, a missing folder...): a bad command line."""


def _check_folders(source: Path, out: Path) -> None:
    """Refuse, before anything is written, a source that is not a folder and an out that cannot be one."""
    problem = path_problem(source)
    if problem:
        raise AssignmentUsageError(f"--source {source}: {problem}. Give the folder of the source notebooks "
                                   "(default: the kit's notebooks/).")
    for place in [*reversed(out.absolute().parents), out.absolute()]:
        problem = path_problem(place)
        if problem is None or problem.endswith("does not exist"):
            if problem:
                break
            continue
        where = "" if place == out.absolute() else f" ({place} {problem})"
        raise AssignmentUsageError(f"--out {out}: cannot be used as a folder{where}{'' if where else ': ' + problem}. "
                                   "Name a folder (it will hold student/ and instructor/), e.g. dist.")


@dataclass
class Split:
    """One cell's source as the student and the instructor get it, and the solution text removed."""

    student: str
    instructor: str
    removed: list[str] = field(default_factory=list)

    @property
    def has_solution(self) -> bool:
        return self.student != self.instructor


@dataclass
class NotebookVersions:
    """A source notebook's two versions and what went into them."""

    name: str
    student: nbformat.NotebookNode
    instructor: nbformat.NotebookNode
    exercise_ids: list[str]
    solution_cells: int
    removed: list[str]


# --------------------------------------------------------------------------- one cell


def split_code(source: str, where: str = "code cell") -> Split:
    """Split a code cell's source into the student's and the instructor's version.

    >>> print(split_code("    total: float = a + b  # SOLUTION").student)
        total: float = ...
    >>> split_code("alt.Chart(df).mark_bar()  # SOLUTION").student
    '...'
    >>> split_code("x = 1  # SOLUTION NO PROMPT").student
    ''
    >>> split_code("# BEGIN SOLUTION\\nx = 1")
    Traceback (most recent call last):
    ...
    analysis.teaching.assignments.AssignmentError: code cell, line 1: '# BEGIN SOLUTION' has no matching '# END SOLUTION'.
    """
    lines = source.split("\n")
    student: list[str] = []
    instructor: list[str] = []
    removed: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        begin = _BEGIN.match(line)
        if begin:
            end = next((j for j in range(i + 1, len(lines)) if _END.match(lines[j])), None)
            nested = next((j for j in range(i + 1, end or len(lines)) if _BEGIN.match(lines[j])), None)
            if end is None:
                raise AssignmentError(f"{where}, line {i + 1}: '# BEGIN SOLUTION' has no matching '# END SOLUTION'.")
            if nested is not None:
                raise AssignmentError(f"{where}, line {nested + 1}: a '# BEGIN SOLUTION' inside another solution "
                                      "block; close the first with '# END SOLUTION'.")
            block = lines[i + 1:end]
            instructor += block
            removed += [b.strip() for b in block if b.strip()]
            if not begin.group("no_prompt"):
                student += [begin.group("indent") + prompt for prompt in _block_prompts(block, where, i + 2)]
            i = end + 1
            continue
        if _END.match(line):
            raise AssignmentError(f"{where}, line {i + 1}: '# END SOLUTION' without a '# BEGIN SOLUTION' before it.")
        single = _LINE.match(line)
        if single:
            code = single.group("code")
            instructor.append(code.rstrip())
            indent = code[: len(code) - len(code.lstrip())]
            left, right = _left_hand_side(code.strip(), where, i + 1)
            removed.append(right.strip())
            if not single.group("no_prompt"):
                student.append(indent + (f"{left} ..." if left else "..."))
        else:
            student.append(line)
            instructor.append(line)
        i += 1
    return Split("\n".join(student), "\n".join(instructor), removed)


def _left_hand_side(code: str, where: str, line_number: int) -> tuple[str, str]:
    """('answer =', '48780') for 'answer = 48780'; ('', code) for a line that is not an assignment."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        raise AssignmentError(f"{where}, line {line_number}: a line ending in '# SOLUTION' must be a whole "
                              "statement; mark a solution of several lines with '# BEGIN SOLUTION' and "
                              "'# END SOLUTION'.") from None
    statement = tree.body[0] if len(tree.body) == 1 else None
    simple = (ast.Name, ast.Attribute, ast.Subscript)
    if (isinstance(statement, ast.Assign) and all(isinstance(t, simple) for t in statement.targets)) or (
            isinstance(statement, ast.AnnAssign) and statement.value is not None):
        return code[: statement.value.col_offset].rstrip(), code[statement.value.col_offset:]
    if isinstance(statement, (ast.Assign, ast.AugAssign, ast.AnnAssign)) and statement.value is not None:
        names = _assigned_names([statement])
        if names:
            return " = ".join(names) + " =", code
    return "", code


def _assigned_names(statements) -> list[str]:
    names: list[str] = []

    def add(target):
        if isinstance(target, ast.Name) and target.id not in names:
            names.append(target.id)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                add(element.value if isinstance(element, ast.Starred) else element)

    for statement in statements:
        if isinstance(statement, ast.Assign):
            for target in statement.targets:
                add(target)
        elif isinstance(statement, (ast.AugAssign, ast.AnnAssign)):
            add(statement.target)
        elif isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and statement.name not in names:
            names.append(statement.name)
    return names


def _block_prompts(block: list[str], where: str, first_line: int) -> list[str]:
    try:
        tree = ast.parse(textwrap.dedent("\n".join(block)))
    except SyntaxError as err:
        raise AssignmentError(f"{where}, line {first_line + (err.lineno or 1) - 1}: a solution block must hold "
                              f"whole statements ({err.msg}).") from None
    names = _assigned_names(tree.body)
    return [f"{name} = ..." for name in names] or ["..."]


def split_markdown(source: str, where: str = "markdown cell") -> Split:
    """Split a markdown cell: the student gets a prompt where the written answer was.

    >>> s = split_markdown("Why?\\n<!-- BEGIN SOLUTION -->\\nBecause OEWS is a survey.\\n<!-- END SOLUTION -->")
    >>> print(s.student)
    Why?
    _Type your answer here, replacing this text._
    >>> print(s.instructor)
    Why?
    Because OEWS is a survey.
    """
    lines = source.split("\n")
    student: list[str] = []
    instructor: list[str] = []
    removed: list[str] = []
    inside: int | None = None
    for number, line in enumerate(lines, start=1):
        if _MD_BEGIN.match(line):
            if inside is not None:
                raise AssignmentError(f"{where}, line {number}: a '<!-- BEGIN SOLUTION -->' inside another one.")
            inside = number
            student.append(MARKDOWN_PROMPT)
        elif _MD_END.match(line):
            if inside is None:
                raise AssignmentError(f"{where}, line {number}: '<!-- END SOLUTION -->' without a BEGIN before it.")
            inside = None
        elif inside is not None:
            instructor.append(line)
            if line.strip():
                removed.append(line.strip())
        else:
            student.append(line)
            instructor.append(line)
    if inside is not None:
        raise AssignmentError(f"{where}, line {inside}: '<!-- BEGIN SOLUTION -->' has no matching '<!-- END SOLUTION -->'.")
    return Split("\n".join(student), "\n".join(instructor), removed)


def has_markers(cell) -> bool:
    """True when a cell holds solution markers."""
    lines = cell.source.split("\n")
    if cell.cell_type == "markdown":
        return any(_MD_BEGIN.match(line) for line in lines)
    if cell.cell_type == "code":
        return any(_BEGIN.match(line) or _LINE.match(line) for line in lines)
    return False


def exercise_ids_in(nb) -> list[str]:
    """The exercise ids a notebook checks, in order: from its ``check("<id>", ...)`` calls.

    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell('check("start_here.x", x)')])
    >>> exercise_ids_in(nb)
    ['start_here.x']
    """
    found: list[str] = []
    for cell in nb.cells:
        if cell.cell_type == "code":
            for match in _CHECK_CALL.finditer(cell.source):
                if match.group("id") not in found:
                    found.append(match.group("id"))
    return found


# --------------------------------------------------------------------------- one notebook


def split_notebook(nb, name: str = "notebook") -> NotebookVersions:
    """The student and instructor versions of a source notebook (both without outputs)."""
    student, instructor = _cleared(nb), _cleared(nb)
    removed: list[str] = []
    solution_cells = 0
    for number, (s_cell, i_cell) in enumerate(zip(student.cells, instructor.cells), start=1):
        where = f"{name}, cell {number}"
        if s_cell.cell_type == "code":
            split = split_code(s_cell.source, where)
        elif s_cell.cell_type == "markdown":
            split = split_markdown(s_cell.source, where)
        else:
            continue
        if split.has_solution:
            solution_cells += 1
            s_cell.source, i_cell.source = split.student, split.instructor
            removed += split.removed
            if s_cell.cell_type == "code":
                _must_compile(split.student, where)
    student.metadata["medcoding"] = {"version": "student", "source": f"notebooks/{name}"}
    instructor.metadata["medcoding"] = {"version": "instructor key", "source": f"notebooks/{name}"}
    return NotebookVersions(name, student, instructor, exercise_ids_in(nb), solution_cells, removed)


def _cleared(nb):
    nb = copy.deepcopy(nb)
    for key in ("papermill", "widgets"):
        nb.metadata.pop(key, None)
    for cell in nb.cells:
        for key in ("execution", "papermill", "collapsed", "scrolled"):
            cell.metadata.pop(key, None)
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    return nb


def _must_compile(source: str, where: str) -> None:
    code = "\n".join(line for line in source.split("\n") if not line.lstrip().startswith(("%", "!")))
    try:
        ast.parse(code)
    except SyntaxError as err:
        raise AssignmentError(f"{where}: the student version is not valid Python ({err.msg}, line {err.lineno}); "
                              "check the solution markers.") from None


def lint(nb, name: str = "notebook") -> list[str]:
    """Problems with a source notebook's exercises: untagged exercise cells, unknown exercise ids.

    Every cell with solution markers or a ``check(...)`` call must be tagged ``exercise``, and every
    id it checks must be registered (in ``exercise_answers.json``, with ``@computed`` in the topic's
    module, or with ``@computed`` in the notebook itself).

    >>> from nbformat.v4 import new_code_cell, new_notebook
    >>> lint(new_notebook(cells=[new_code_cell('x = 1  # SOLUTION')]), "demo.ipynb")
    ["demo.ipynb, cell 1: has solution markers but is not tagged 'exercise'."]
    """
    from analysis.teaching.exercises import find_exercise

    problems = []
    for number, cell in enumerate(nb.cells, start=1):
        tags = cell.metadata.get("tags", [])
        why = "solution markers" if has_markers(cell) else (
            "a check(...) call" if cell.cell_type == "code" and _CHECK_CALL.search(cell.source) else None)
        if why and EXERCISE_TAG not in tags:
            problems.append(f"{name}, cell {number}: has {why} but is not tagged '{EXERCISE_TAG}'.")
    in_notebook = {m.group("id") for cell in nb.cells if cell.cell_type == "code"
                   for m in _COMPUTED_IN_NOTEBOOK.finditer(cell.source)}
    for exercise_id in exercise_ids_in(nb):
        if exercise_id not in in_notebook and find_exercise(exercise_id) is None:
            problems.append(f"{name}: checks {exercise_id!r}, which is not registered "
                            "(analysis.teaching.exercises.save_answer, or @computed in the topic's module).")
    return problems


def find_leaks(versions: NotebookVersions) -> list[str]:
    """Removed solution text that still appears in the student version (should be empty)."""
    text = "\n".join(cell.source for cell in versions.student.cells) + "\n" + str(versions.student.metadata)
    return sorted({piece for piece in versions.removed if len(piece.replace(" ", "")) >= MIN_LEAK_LENGTH and piece in text})


# --------------------------------------------------------------------------- the whole folder


def build(source: Path | str = SOURCE_DIR, out: Path | str = DEFAULT_OUT) -> list[NotebookVersions]:
    """Write ``out/student/`` and ``out/instructor/`` from every notebook in ``source``.

    Nothing is written unless every notebook passes :func:`lint` and no solution text is left in a
    student version.
    """
    source, out = Path(source), Path(out)
    _check_folders(source, out)
    if out.resolve() == source.resolve() or source.resolve() in out.resolve().parents:
        raise AssignmentError(f"--out {out} is inside the source folder {source}; choose another folder (e.g. dist).")
    paths = sorted(source.glob("*.ipynb"))
    if not paths:
        raise AssignmentError(f"no notebooks (*.ipynb) in {source}.")
    everything, problems = [], []
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        problems += lint(nb, path.name)
        versions = split_notebook(nb, path.name)
        leaks = find_leaks(versions)
        if leaks:
            problems.append(f"{path.name}: solution text would reach students: {', '.join(map(repr, leaks))} "
                            "(it also appears outside the solution; reword that part).")
        everything.append(versions)
    if problems:
        raise AssignmentError("cannot make the student notebooks:\n  " + "\n  ".join(problems))
    try:
        for folder, attribute in (("student", "student"), ("instructor", "instructor")):
            (out / folder).mkdir(parents=True, exist_ok=True)
            for versions in everything:
                nbformat.write(getattr(versions, attribute), out / folder / versions.name)
    except OSError as error:
        raise AssignmentUsageError(f"--out {out}: {error.filename or out} {cannot_write(error)}. "
                                   "Choose a folder you can write to with --out.") from None
    return everything


def main(argv: list[str] | None = None) -> int:
    """``python -m analysis.teaching.assignments``: write the student and instructor notebooks; 0 on success."""
    parser = argparse.ArgumentParser(
        prog="python -m analysis.teaching.assignments",
        description="Write student notebooks (solutions removed, outputs cleared) and an instructor key "
                    "(solutions kept, markers removed) from the source notebooks.")
    parser.add_argument("--source", default=str(SOURCE_DIR), help="folder of source notebooks (default: notebooks/)")
    parser.add_argument("--out", default=str(DEFAULT_OUT),
                        help="output folder; student/ and instructor/ are made inside it (default: dist/)")
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:  # argparse has printed its message
        return int(stop.code or 0)
    try:
        if not args.out.strip():  # Path("") would be the current folder
            raise AssignmentUsageError("--out '': is empty. Name a folder (it will hold student/ and instructor/), e.g. dist.")
        written = build(args.source, args.out)
    except AssignmentUsageError as err:
        print(f"error: {err}", file=sys.stderr)
        print("Nothing was written.", file=sys.stderr)
        return 2
    except AnalysisError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    for versions in written:
        count = len(versions.exercise_ids)
        listed = f" ({', '.join(versions.exercise_ids)})" if count else ""
        print(f"{versions.name}: {count} exercise{'s' if count != 1 else ''}{listed}")
    out = Path(args.out)
    print(f"Wrote {len(written)} student notebooks to {out / 'student'} and the instructor key to {out / 'instructor'}.")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
