"""What is graded in a notebook, and the private grading key that holds each student's expected answers.

**Graded exercises** are read from the instructor's source notebook: every ``check("<id>", answer[, p])``
call names an exercise and the expression holding the student's answer. Its points are declared once,
on the check cell's metadata (``{"medcoding": {"points": 2}}``; default 1; 0 keeps it a practice
exercise that checks itself and is not graded).

**The key** (``key.json``, written by ``medcoding assignments --roster`` outside ``dist/student/``)
holds, per student and notebook, the parameters from the roster, the ``parameters`` cell the grader
re-injects, and the expected answer of every graded exercise, computed in the instructor's process
with that student's parameters. The grader reads only the key: nothing a student's kernel can import
decides a grade.

>>> import nbformat
>>> cell = nbformat.v4.new_code_cell('check("demo.total", total_cost, p)', metadata={"medcoding": {"points": 2}})
>>> [(e.exercise_id, e.answer, e.points) for e in graded_exercises(nbformat.v4.new_notebook(cells=[cell]))]
[('demo.total', 'total_cost', 2)]
>>> print(parameters_source('state = "CA"  # the state\\nyear = 2024', {"state": "TX"}))
state = 'TX'  # the state
year = 2024
"""

from __future__ import annotations

import ast
import json
import math
from dataclasses import asdict, dataclass
from pathlib import Path

from ..errors import AnalysisError

KEY_FILE = "key.json"
KEY_FORMAT = 1
PARAMETERS_TAG = "parameters"


class GradingKeyError(AnalysisError):
    """The grading key is missing or does not fit the submissions."""


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


def graded_exercises(nb, *, include_practice: bool = False) -> list[GradedExercise]:
    """The exercises a source notebook grades, in order (points 0 = practice only, left out unless asked)."""
    found: dict[str, GradedExercise] = {}
    for cell in nb.cells:
        if cell.cell_type != "code" or "check(" not in cell.source:
            continue
        try:
            tree = ast.parse("\n".join(l for l in cell.source.split("\n") if not l.lstrip().startswith(("%", "!"))))
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
    """The ``parameters`` cell's source with ``values`` put in place of the defaults (comments kept)."""
    lines = source.split("\n")
    tree = ast.parse(source)
    replaced = set()
    for node in reversed(tree.body):  # from the bottom, so earlier offsets stay valid
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name = node.targets[0].id
            if name in values and node.lineno == node.end_lineno:
                line = lines[node.lineno - 1]
                value = node.value
                lines[node.lineno - 1] = line[:value.col_offset] + repr(values[name]) + line[value.end_col_offset:]
                replaced.add(name)
    missing = [n for n in values if n not in replaced]
    lines += [f"{name} = {values[name]!r}" for name in missing]
    return "\n".join(lines)


def notebook_parameters(notebook_name: str):
    """The declared :class:`~analysis.params.ParameterSet` of a notebook, or None when it has none."""
    from ..params import NOTEBOOK_PARAMETERS, notebook_topic, parameters_for

    topic = notebook_topic(notebook_name)
    return parameters_for(topic) if topic in NOTEBOOK_PARAMETERS else None


def student_parameters(notebook_name: str, roster_values: dict) -> dict:
    """The roster values that apply to a notebook, typed and checked (JSON-friendly; the rest keep their defaults)."""
    declared = notebook_parameters(notebook_name)
    if declared is None:
        return {}
    return declared.from_text({k: v for k, v in roster_values.items() if k in declared.params})


def expected_entry(exercise_id: str, p) -> dict:
    """The hashed entry the grader compares with, for parameters ``p`` (None when the notebook has none).

    Same rules as a self-check (:func:`analysis.exercises.evaluate`), but computed here, in the
    instructor's process, and stored in the key. ``{"unavailable": True}`` when the data have no answer.
    """
    from .. import exercises as ex

    exercise = ex.find_exercise(exercise_id)
    if exercise is None:
        raise GradingKeyError(f"exercise {exercise_id!r} is not registered (analysis.exercises.save_answer or @computed).")
    if not isinstance(exercise, ex._Computed):
        return dict(exercise)
    expected = exercise.compute(p)
    if not isinstance(expected, (list, tuple, set, frozenset)) and ex._is_missing(expected):
        return {"unavailable": True}
    options = dict(exercise.options)
    hints = [dict(h, wrong=h["wrong"](p)) if callable(h.get("wrong")) else h for h in options.pop("hints")]
    return ex.make_entry(expected, hints=hints, **options)


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
        raise GradingKeyError(f"{path}: not a grading key of this kit (format {KEY_FORMAT}). Write it again with "
                        "`medcoding assignments --roster`.")
    return key


def notebook_parameters_topic(notebook_name: str) -> str:
    """The topic name of a notebook file ("01_salary_by_state.ipynb" -> "salary_by_state")."""
    from ..params import notebook_topic

    return notebook_topic(notebook_name)
