"""What is graded in a notebook, and the private grading key that holds each student's expected answers.

**Graded exercises** are read from the instructor's source notebook: every ``check("<id>", answer[, p])``
call names an exercise and the expression holding the student's answer. Its points are declared once,
on the check cell's metadata (``{"medcoding": {"points": 2}}``; default 1; 0 keeps it a practice
exercise that checks itself and is not graded).

**The key** (``key.json``, written by ``medcoding assignments --roster`` outside ``dist/student/``)
holds, per student and notebook, the parameters from the roster, the ``parameters`` cell the grader
re-injects, and the expected entry (hashes, as :func:`analysis.teaching.exercises.make_entry` makes
them) of every graded exercise. The grader reads only the key. Where the expected answers come from:

* an exercise whose answer depends on the parameters (``@computed`` in its topic's module) is
  computed with each student's parameters, here in the instructor's process, through the exercise
  registry (which finds the topic module by its name at run time, as a self-check does);
* a parameter-independent exercise is read from the **solution**: the instructor version of the
  notebook runs once, in the same sandboxed kernel as a submission (:mod:`.execute`), and its answer
  variables are hashed here. The kit's ``exercise_answers.json`` contributes only the feedback (type,
  tolerance, hints, explanation) and a cross-check: a solution that disagrees with it stops the
  assignment. So the grader never needs the public hash of a graded answer.

>>> import nbformat
>>> cell = nbformat.v4.new_code_cell('check("demo.total", total_cost, p)', metadata={"medcoding": {"points": 2}})
>>> [(e.exercise_id, e.answer, e.points) for e in graded_exercises(nbformat.v4.new_notebook(cells=[cell]))]
[('demo.total', 'total_cost', 2)]
>>> print(parameters_source('state: str = "CA"  # the state\\nyear = 2024', {"state": "TX"}))
state: str = 'TX'  # the state
year = 2024
"""

from __future__ import annotations

import ast
import json
import math
from dataclasses import asdict, dataclass
from pathlib import Path

from analysis.core.errors import AnalysisError
from analysis.core.params import parameters_for
from analysis.core.topics import TOPICS, notebook_topic

KEY_FILE = "key.json"
KEY_FORMAT = 1
PARAMETERS_TAG = "parameters"
# What an entry holds of the answer itself (the rest is feedback): compared with the kit's stored entry.
ANSWER_FIELDS = ("type", "hash", "item_type", "length", "items", "mark", "encoding", "tooltip")


class GradingKeyError(AnalysisError):
    """The grading key is missing, does not fit the submissions, or cannot be made from the solutions."""


@dataclass(frozen=True)
class GradedExercise:
    """One graded exercise of a notebook: its id, the expression holding the answer, its points."""

    exercise_id: str
    answer: str
    points: float
    uses_parameters: bool


def _points(cell) -> float:
    declared = (cell.metadata.get("medcoding") or {}).get("points", 1)
    if isinstance(declared, bool) or not isinstance(declared, (int, float)) or declared < 0 or not math.isfinite(declared):
        raise GradingKeyError(f"points {declared!r} on the check cell must be a number of at least 0 (0 = not graded).")
    return declared


def _code(source: str) -> str:
    return "\n".join(line for line in source.split("\n") if not line.lstrip().startswith(("%", "!")))


def graded_exercises(nb, *, include_practice: bool = False) -> list[GradedExercise]:
    """The exercises a source notebook grades, in order (points 0 = practice only, left out unless asked)."""
    found: dict[str, GradedExercise] = {}
    for cell in nb.cells:
        if cell.cell_type != "code" or "check(" not in cell.source:
            continue
        try:
            tree = ast.parse(_code(cell.source))
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "check"
                    and len(node.args) >= 2 and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)):
                points = _points(cell)
                if (points or include_practice) and node.args[0].value not in found:
                    found[node.args[0].value] = GradedExercise(node.args[0].value, ast.unparse(node.args[1]), points,
                                                               len(node.args) >= 3)
    return list(found.values())


def parameters_cell_index(nb) -> int | None:
    """Index of the cell tagged ``parameters``, or None."""
    return next((i for i, c in enumerate(nb.cells) if PARAMETERS_TAG in c.metadata.get("tags", [])), None)


def parameters_source(source: str, values: dict) -> str:
    """The ``parameters`` cell's source with ``values`` put in place of the defaults (type hints and comments kept)."""
    lines = source.split("\n")
    replaced = set()
    for node in reversed(ast.parse(source).body):  # from the bottom, so earlier offsets stay valid
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name = node.targets[0].id
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            name = node.target.id
        else:
            continue
        if name in values and node.lineno == node.end_lineno:
            line, value = lines[node.lineno - 1], node.value
            lines[node.lineno - 1] = line[:value.col_offset] + repr(values[name]) + line[value.end_col_offset:]
            replaced.add(name)
    lines += [f"{name} = {values[name]!r}" for name in values if name not in replaced]
    return "\n".join(lines)


def notebook_parameters(notebook_name: str):
    """The declared :class:`~analysis.core.params.ParameterSet` of a notebook, or None when it has none."""
    topic = notebook_topic(notebook_name)
    return parameters_for(topic) if topic in TOPICS else None


def known_parameter_names() -> set[str]:
    """Every parameter any topic notebook declares (what a roster's extra columns may be)."""
    return {name for topic in TOPICS for name in parameters_for(topic).params}


def student_parameters(notebook_name: str, roster_values: dict) -> dict:
    """The roster values that apply to a notebook, typed and checked (JSON-friendly; the rest keep their defaults)."""
    declared = notebook_parameters(notebook_name)
    if declared is None:
        return {}
    return declared.from_text({k: v for k, v in roster_values.items() if k in declared.params})


# --------------------------------------------------------------------------- expected answers


def _registered(exercise_id: str):
    from analysis.teaching.exercises import find_exercise

    exercise = find_exercise(exercise_id)
    if exercise is None:
        raise GradingKeyError(f"exercise {exercise_id!r} is not registered (save_answer, or @computed in its "
                              "topic's module).")
    return exercise


def depends_on_parameters(exercise_id: str) -> bool:
    """True when the exercise's answer is computed from the notebook's parameters (``@computed``)."""
    from analysis.teaching.exercises import _Computed

    return isinstance(_registered(exercise_id), _Computed)


def computed_entry(exercise_id: str, p) -> dict:
    """The entry of a parameter-dependent exercise for parameters ``p``, computed here (never in a student's kernel).

    Same rules as a self-check (:func:`analysis.teaching.exercises.evaluate`). ``{"unavailable": True}``
    when the data have no answer for these parameters.
    """
    from analysis.teaching.exercises import _is_missing, make_entry

    exercise = _registered(exercise_id)
    expected = exercise.compute(p)
    if not isinstance(expected, (list, tuple, set, frozenset)) and _is_missing(expected):
        return {"unavailable": True}
    options = dict(exercise.options)
    hints = [dict(h, wrong=h["wrong"](p)) if callable(h.get("wrong")) else h for h in options.pop("hints")]
    return make_entry(expected, hints=hints, **options)


def solution_entry(exercise_id: str, value, stored: dict | None) -> dict:
    """The entry of a parameter-independent exercise from the solution's ``value``.

    ``stored`` (the kit's entry, or None when the kit has none) gives the feedback only: type,
    tolerance, hints, explanation. When it is given, its answer hashes must match the solution's.

    >>> from analysis.teaching.exercises import make_entry
    >>> kit = make_entry(48780, tolerance=1, explain="Derived.")
    >>> solution_entry("demo.median", 48780.2, kit) == kit
    True
    >>> solution_entry("demo.median", 48780, None)["type"]
    'number'
    >>> solution_entry("demo.median", 50000, kit)
    Traceback (most recent call last):
    ...
    analysis.teaching.grading.key.GradingKeyError: demo.median: the solution's answer does not match the kit's stored answer (exercise_answers.json). Fix the solution in the notebook or save the answer again (save_answer), then assign again.
    """
    from analysis.teaching.exercises import make_entry

    stored = dict(stored or {})
    options = {k: stored[k] for k in ("type", "tolerance", "item_type", "hints", "explain") if k in stored}
    if stored.get("type") == "chart":
        options["channels"] = list(stored.get("encoding", {}))
    try:
        entry = make_entry(value, **options)
    except AnalysisError as err:
        raise GradingKeyError(f"{exercise_id}: the solution's answer cannot be graded ({err}).") from None
    if stored and any(stored.get(k) != entry.get(k) for k in ANSWER_FIELDS):
        raise GradingKeyError(f"{exercise_id}: the solution's answer does not match the kit's stored answer "
                              "(exercise_answers.json). Fix the solution in the notebook or save the answer again "
                              "(save_answer), then assign again.")
    return entry


def solution_entries(instructor_nb, name: str, exercises: list[GradedExercise], limits=None) -> dict[str, dict]:
    """Run the instructor version once and make the entries of its parameter-independent ``exercises``."""
    from analysis.teaching.exercises import find_exercise
    from analysis.teaching.grading.execute import Limits, decode, run_submission

    if not exercises:
        return {}
    execution = run_submission(instructor_nb, {e.exercise_id: e.answer for e in exercises}, limits or Limits())
    if execution.status != "ran":
        raise GradingKeyError(f"{name}: the instructor version did not run to the end ({execution.status}), so its "
                              "answers cannot go into the key. Run it yourself (MEDCODING_EXERCISES=strict papermill ...).")
    entries = {}
    for exercise in exercises:
        value = decode(execution.answers.get(exercise.exercise_id, {}))
        if value is ...:
            problems = "; ".join(execution.problems[:3]) or "no error shown"
            raise GradingKeyError(f"{name}: the instructor version leaves {exercise.answer} (the answer of "
                                  f"{exercise.exercise_id}) unanswered ({problems}).")
        stored = find_exercise(exercise.exercise_id)
        entries[exercise.exercise_id] = solution_entry(exercise.exercise_id, value, stored)
    return entries


# --------------------------------------------------------------------------- the key file


def new_key(notebooks: dict) -> dict:
    return {"about": "PRIVATE grading key of medcoding-outlook: expected answers per student. Never hand it out.",
            "format": KEY_FORMAT, "notebooks": notebooks, "students": {}}


def notebook_spec(nb, name: str) -> dict:
    """What the key records about one assigned notebook."""
    return {"source": f"notebooks/{name}", "parameters_cell": parameters_cell_index(nb),
            "exercises": [asdict(e) for e in graded_exercises(nb)]}


def write_key(key: dict, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / KEY_FILE
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(key, indent=1, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    tmp.replace(path)
    return path


def read_key(folder: Path) -> dict:
    """The key in ``folder`` (or the file itself); raises :class:`GradingKeyError` with what to do."""
    folder = Path(folder)
    path = folder / KEY_FILE if folder.is_dir() else folder
    if not path.is_file():
        raise GradingKeyError(f"no grading key at {path}. Write one with `medcoding assignments --roster roster.csv` "
                              "(it goes to dist/grading-key/ by default), or point --key at its folder.")
    try:
        key = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise GradingKeyError(f"{path}: not a readable grading key ({err}). Write it again with "
                              "`medcoding assignments --roster`.") from None
    if not isinstance(key, dict) or key.get("format") != KEY_FORMAT or "students" not in key:
        raise GradingKeyError(f"{path}: not a grading key of this version of the kit (format {KEY_FORMAT}). Write it "
                              "again with `medcoding assignments --roster`.")
    return key
