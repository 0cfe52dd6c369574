"""Exercises that check themselves: ``check("start_here.hourly_to_annual", answer)``.

A check says **Correct**, **Not yet** (with a specific, friendly reason) or **Not answered yet**,
and never shows the expected answer. It never raises for anything a student types, so a notebook
always runs top to bottom (set ``MEDCODING_EXERCISES=strict`` to make a failing check raise, e.g.
when an instructor key is tested).

Where expected answers live
---------------------------
* ``src/analysis/exercise_answers.json``: one entry per exercise id, holding **hashes only**
  (written by :func:`save_answer`, never by hand). Extra files can be named in the environment
  variable ``MEDCODING_EXERCISE_ANSWERS`` (paths separated by ``os.pathsep``; they win on a clash).
* Exercises whose answer depends on the notebook's parameters (the rank of the chosen state) are
  registered in Python with :func:`computed`, in the topic's module; the check computes the
  expected value from the student's current parameters ``p`` and compares, showing nothing of it.

How answers are compared
------------------------
Every answer is normalised, then hashed with a kit-wide salt (sha256): numbers canonically
(``48780``, ``48780.0`` and ``numpy.int64(48780)`` are the same), text case- and space-insensitively,
states through :func:`analysis.data.states.lookup_state` (``"tx"``, ``"Texas"`` and ``"48"`` are the same),
lists item by item (in order) and sets without order.

A number with a ``tolerance`` t is hashed on a grid of step t (``round(value / t)``); the check
accepts the student's grid cell and its two neighbours. So an answer within t of the expected value
always passes and one more than 2t away never does (between t and 2t it depends on where the values
fall on the grid). A second, coarse hash (the value to two significant digits) lets a check say
"close", "about 10 times larger than expected" or "did you use the hourly wage?" without holding
the value itself.

The trade-off: the salt is public, so hashes keep an answer out of sight, not out of reach. A
student who loops over every plausible value can find it (a salary has ~10^5 candidates), and two
exercises with the same answer have the same hash. That student has done more work than the exercise.
For a graded assessment, keep the instructor key (``dist/instructor/``) private and grade by hand.

>>> entry = make_entry(48780, tolerance=1, hints=[hint("Did you use the hourly wage?", divided_by=2080)])
>>> register("doctest.median", entry)
>>> print(evaluate("doctest.median", ...).message)
Not answered yet: replace the ... with your answer, run that cell, then run this check again.
>>> evaluate("doctest.median", 48780.4).status
'correct'
>>> print(evaluate("doctest.median", 23.45).message)
Not yet: Did you use the hourly wage?
>>> print(evaluate("doctest.median", 487800).message)
Not yet: your answer is about 10 times larger than expected. Check the units (thousands? a percent or a fraction? hourly or annual?).
>>> print(evaluate("doctest.median", "48780").message)
Not yet: expected a number, got text '48780'. Remove the quotes (or convert it with float(...)).
"""

from __future__ import annotations

import json
import numbers
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from analysis.core.env import ANSWERS_ENV, STRICT_ENV
from analysis.core.errors import InputError, closest
from analysis.core.topics import TOPICS, topic_module
from analysis.teaching.answer_hashing import (  # noqa: F401  (part of this module's API)
    chart_requirements,
    _chart_spec,
    _views,
    _mark_of,
    _has_tooltip,
    ENCODING_TYPES,
    ExerciseError,
    SALT,
    TYPES,
    _Problem,
    _answer_hash_for,
    _as_items,
    _as_number,
    _as_state,
    _bucket,
    _canonical,
    _collection_hash,
    _describe,
    _hash,
    _infer_type,
    _is_bool,
    _is_missing,
    _item_hashes,
    _num,
    _number_hashes,
    _rough_hashes,
    _rough_parts,
    _stored_hint,
    _text,
    answer_hash,
    make_entry,
)

ANSWERS_FILE = Path(__file__).with_name("exercise_answers.json")

CORRECT, NOT_YET, UNANSWERED, UNAVAILABLE, PROBLEM = "correct", "not yet", "unanswered", "unavailable", "problem"


# --------------------------------------------------------------------------- feedback


@dataclass
class Feedback:
    """What a check says. Shown as the cell's output; ``passed`` is True only when correct."""

    exercise_id: str
    status: str
    message: str

    @property
    def passed(self) -> bool:
        return self.status == CORRECT

    def __repr__(self) -> str:
        return f"{self.exercise_id}: {self.message}"

    def _repr_markdown_(self) -> str:
        mark = {CORRECT: "✅", UNANSWERED: "✏️", NOT_YET: "❌"}.get(self.status, "⚠️")
        return f"{mark} **{self.exercise_id}**: {self.message}"


# --------------------------------------------------------------------------- hints


def hint(message: str, *, times: float | None = None, divided_by: float | None = None, wrong=None,
         on: str | None = None) -> dict:
    """A hint shown when a wrong answer looks like a known mistake.

    * ``times=k``: the answer is about k times the expected value (``times=100``: a percent given
      where a fraction was asked); ``divided_by=2080``: about the expected value / 2080 (an hourly
      wage where an annual one was asked). Matched to two significant digits.
    * ``wrong=value``: the answer equals a known wrong answer (the mean where the median was asked).
      For a :func:`computed` exercise, ``wrong`` may be a function of the parameters ``p``.
    * ``on="mark"`` / ``"x"`` / ``"tooltip"``...: for a chart, shown when that part is not as asked.
    * none of these: shown with any wrong answer.

    >>> hint("Did you use the hourly wage?", divided_by=2080)
    {'message': 'Did you use the hourly wage?', 'divided_by': 2080}
    """
    given = {k: v for k, v in dict(times=times, divided_by=divided_by, wrong=wrong, on=on).items() if v is not None}
    if len(given) > 1:
        raise InputError("hint", message, reason="give at most one of times, divided_by, wrong, on")
    return {"message": str(message), **given}


# --------------------------------------------------------------------------- the registry


@dataclass
class _Computed:
    compute: Callable
    options: dict = field(default_factory=dict)


_REGISTERED: dict[str, dict | _Computed] = {}


def register(exercise_id: str, entry: dict) -> None:
    """Register an exercise for this Python session from an entry made by :func:`make_entry`.

    Entries registered here win over the answers files (handy in a test or a demo).
    """
    _check_id(exercise_id)
    _REGISTERED[exercise_id] = dict(entry)


def computed(exercise_id: str, *, type: str | None = None, tolerance: float = 0, item_type: str | None = None,
             hints=(), explain: str | None = None):
    """Decorator: the expected answer of ``exercise_id`` is ``function(p)``, from the notebook's parameters.

    Put it in the topic's module (e.g. ``analysis/salary.py`` for ``salary_by_state.*`` ids); the
    notebook calls ``check("salary_by_state.rank", answer, p)``. The value is computed at check
    time and compared like a stored one; messages never show it.

    >>> from types import SimpleNamespace
    >>> @computed("doctest.double", tolerance=0.5, hints=[hint("Did you add instead of multiply?", wrong=lambda p: p.n + 2)])
    ... def _double(p):
    ...     return p.n * 2
    >>> evaluate("doctest.double", 42, SimpleNamespace(n=21)).status
    'correct'
    >>> print(evaluate("doctest.double", 23, SimpleNamespace(n=21)).message)
    Not yet: Did you add instead of multiply?
    """
    _check_id(exercise_id)

    def decorate(function: Callable) -> Callable:
        _REGISTERED[exercise_id] = _Computed(function, dict(type=type, tolerance=tolerance, item_type=item_type,
                                                            hints=list(hints), explain=explain))
        return function

    return decorate


def _check_id(exercise_id: str) -> None:
    topic, dot, name = str(exercise_id).partition(".")
    if not (topic and dot and name) or not all(part.replace("_", "a").isalnum() for part in (topic, name)):
        raise ExerciseError(f"exercise id {exercise_id!r} must look like '<topic>.<name>' "
                            "(letters, digits and _), e.g. 'salary_by_state.rank_of_state'")


def answer_files() -> list[Path]:
    """The answers files read, lowest priority first: the kit's, then any named in ``MEDCODING_EXERCISE_ANSWERS``."""
    extra = [Path(p) for p in os.environ.get(ANSWERS_ENV, "").split(os.pathsep) if p.strip()]
    return [ANSWERS_FILE, *extra]


def _read_answers(path: Path) -> dict:
    if not path.exists():
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8")).get("exercises", {})
    except (json.JSONDecodeError, AttributeError) as err:
        from analysis.core.errors import DataFileError

        raise DataFileError(path, f"not a readable answers file: {err}") from None


def _stored_entries() -> dict:
    entries: dict = {}
    for path in answer_files():
        entries.update(_read_answers(path))
    return entries


def _load_topic_module(exercise_id: str) -> None:
    """Import the module of the id's topic, so its @computed exercises are registered."""
    topic = exercise_id.partition(".")[0]
    if topic in TOPICS:
        topic_module(topic)


def exercise_ids() -> list[str]:
    """Every exercise id known now: in the answers files, or registered in this session.

    >>> "start_here.hourly_to_annual" in exercise_ids()
    True
    """
    return sorted(set(_stored_entries()) | set(_REGISTERED))


def find_exercise(exercise_id: str):
    """The registry entry (a dict) or computed exercise for ``exercise_id``, or None."""
    _load_topic_module(exercise_id)
    if exercise_id in _REGISTERED:
        return _REGISTERED[exercise_id]
    return _stored_entries().get(exercise_id)


def save_answer(exercise_id: str, value, *, path: str | Path | None = None, **options) -> dict:
    """Write (or replace) the hashed entry of ``exercise_id`` in an answers file; return the entry.

    ``options`` are those of :func:`make_entry` (type, tolerance, item_type, channels, hints, explain).
    The file is kept sorted by id so changes diff cleanly. Run it from a script or a notebook cell
    that you do not hand out::

        from analysis.teaching.exercises import save_answer, hint
        save_answer("salary_by_state.national_median", 48780, tolerance=1,
                    hints=[hint("Did you use the hourly wage?", divided_by=2080)])
    """
    _check_id(exercise_id)
    target = Path(path) if path is not None else ANSWERS_FILE
    entry = make_entry(value, **options)
    document = json.loads(target.read_text(encoding="utf-8")) if target.exists() else {}
    document.setdefault("about", "Expected answers of the kit's exercises, as salted sha256 hashes (never the answers). "
                                 "Written by analysis.teaching.exercises.save_answer; do not edit by hand.")
    exercises = document.setdefault("exercises", {})
    exercises[exercise_id] = entry
    document["exercises"] = dict(sorted(exercises.items()))
    target.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return entry


# --------------------------------------------------------------------------- checking


def check(exercise_id: str, answer, p=None) -> Feedback:
    """Check ``answer`` to exercise ``exercise_id``; ``p`` = the notebook's parameters (for computed exercises).

    Returns a :class:`Feedback`, shown as the cell's output. Never raises for a student's answer
    (unless ``MEDCODING_EXERCISES=strict``).
    """
    feedback = evaluate(exercise_id, answer, p)
    if os.environ.get(STRICT_ENV, "").strip().lower() == "strict" and not feedback.passed:
        raise ExerciseError(repr(feedback))
    return feedback


def evaluate(exercise_id: str, answer, p=None) -> Feedback:
    """The :class:`Feedback` for ``answer``, without the strict-mode switch of :func:`check`."""
    try:
        return _evaluate(exercise_id, answer, p)
    except Exception as err:  # a check must never stop a student's notebook
        return Feedback(exercise_id, PROBLEM, f"The check itself hit a problem ({type(err).__name__}: {err}). "
                                              "This is not about your answer: tell your instructor.")


def _evaluate(exercise_id: str, answer, p) -> Feedback:
    exercise = find_exercise(exercise_id)
    if exercise is None:
        known = exercise_ids()
        suggestion = closest(exercise_id, known)
        return Feedback(exercise_id, PROBLEM, f"There is no exercise called {exercise_id!r}"
                        + (f". Did you mean {suggestion!r}?" if suggestion else ".")
                        + " Check the name in check(...).")
    if answer is ... or answer is None:
        return Feedback(exercise_id, UNANSWERED, "Not answered yet: replace the ... with your answer, "
                                                 "run that cell, then run this check again.")
    if isinstance(exercise, _Computed):
        if p is None:
            return Feedback(exercise_id, PROBLEM, "This check needs the notebook's parameters: "
                                                  f"check({exercise_id!r}, answer, p).")
        expected = exercise.compute(p)
        if not isinstance(expected, (list, tuple, set, frozenset)) and _is_missing(expected):
            return Feedback(exercise_id, UNAVAILABLE, "This exercise has no answer with the current parameters "
                                                      "(the figure it needs is not available in data/). "
                                                      "Try other parameters, re-run, and check again.")
        options = dict(exercise.options)
        hints = [dict(h, wrong=h["wrong"](p)) if callable(h.get("wrong")) else h for h in options.pop("hints")]
        entry = make_entry(expected, hints=hints, **options)
    else:
        entry = exercise
    status, message = _compare(entry, answer)
    if status == CORRECT:
        message = "Correct." + (f" {entry['explain']}" if entry.get("explain") else "")
    else:
        message = f"Not yet: {message}"
    return Feedback(exercise_id, status, message)


def _compare(entry: dict, answer) -> tuple[str, str]:
    kind = entry["type"]
    try:
        if kind == "number":
            return _compare_number(entry, answer)
        if kind in ("list", "set"):
            return _compare_items(entry, answer)
        if kind == "chart":
            return _compare_chart(entry, answer)
        given = _hash(_canonical(answer, kind))
    except _Problem as problem:
        return NOT_YET, str(problem)
    if given == entry["hash"]:
        return CORRECT, ""
    for h in entry.get("hints", []):
        if h.get("hash") == given:
            return NOT_YET, h["message"]
    return NOT_YET, _generic(entry, "that is not the expected answer. Re-read the question and try again.")


def _generic(entry: dict, text: str) -> str:
    """``text`` followed by the exercise's unconditional hints (those with a message only)."""
    return _sentences([text, *(h["message"] for h in entry.get("hints", []) if set(h) == {"message"})])


_SCALES = [(10, "about 10 times larger"), (100, "about 100 times larger"), (1000, "about 1,000 times larger"),
           (0.1, "about 10 times smaller"), (0.01, "about 100 times smaller"), (0.001, "about 1,000 times smaller")]


def _compare_number(entry: dict, answer) -> tuple[str, str]:
    value = _as_number(answer)
    tolerance = entry.get("tolerance", 0)
    if entry["hash"] in _number_hashes(value, tolerance, neighbours=True):
        return CORRECT, ""
    hints = entry.get("hints", [])
    for h in hints:
        if "hash" in h and h["hash"] in _number_hashes(value, tolerance, neighbours=True):
            return NOT_YET, h["message"]
        factor = h.get("times") or (1 / h["divided_by"] if h.get("divided_by") else None)
        if factor and entry["rough"] in _rough_hashes(value / factor, neighbours=True):
            return NOT_YET, h["message"]
    if entry["rough"] in _rough_hashes(value, neighbours=True):
        within = f"within ±{tolerance:g} of it" if tolerance else "exactly it"
        return NOT_YET, _generic(entry, f"close, but not {within}. Check your rounding, and that you used the "
                                        "right year, measure and row.")
    for factor, words in _SCALES:
        if entry["rough"] in _rough_hashes(value / factor, neighbours=True):
            return NOT_YET, _generic(entry, f"your answer is {words} than expected. Check the units "
                                            "(thousands? a percent or a fraction? hourly or annual?).")
    if value and entry["rough"] in _rough_hashes(-value, neighbours=True):
        return NOT_YET, _generic(entry, "the size looks right but the sign is the wrong way round "
                                        "(which number should you subtract from which?).")
    return NOT_YET, _generic(entry, "that is not the expected value. Re-read the question and try again.")


def _compare_items(entry: dict, answer) -> tuple[str, str]:
    kind, item_kind = entry["type"], entry["item_type"]
    items = _as_items(answer, ordered=kind == "list")
    for item in items:
        try:
            _canonical(item, item_kind)
        except _Problem as problem:
            raise _Problem(f"one item of your list is not right in form: {problem}") from None
    hashes = _item_hashes(items, item_kind)
    if _collection_hash(hashes, kind) == entry["hash"]:
        return CORRECT, ""
    for h in entry.get("hints", []):
        if h.get("hash") == _collection_hash(hashes, kind):
            return NOT_YET, h["message"]
    expected_items = set(entry["items"])
    distinct = hashes if kind == "list" else sorted(set(hashes))
    right = sum(1 for h in distinct if h in expected_items)
    if kind == "list" and len(hashes) == entry["length"] and right == len(hashes) and set(hashes) == expected_items:
        return NOT_YET, _generic(entry, "all the right items, but not in the expected order (check how you sorted).")
    parts = []
    if len(distinct) != entry["length"]:
        parts.append(f"your {'list' if kind == 'list' else 'answer'} has {len(distinct)} "
                     f"{'item' if len(distinct) == 1 else 'items'}; the question expects {entry['length']}.")
    wrong = len(distinct) - right
    parts.append(f"{right} of your {len(distinct)} {'item is' if len(distinct) == 1 else 'items are'} right"
                 + (f", {wrong} {'is' if wrong == 1 else 'are'} not." if wrong else "."))
    return NOT_YET, _generic(entry, _sentences(parts))


# --------------------------------------------------------------------------- charts


def _compare_chart(entry: dict, answer) -> tuple[str, str]:
    spec = _chart_spec(answer)
    views = _views(spec)
    if not views:
        return NOT_YET, "the chart has no mark yet: add one, e.g. .mark_bar(), .mark_point() or .mark_line()."
    matching = [v for v in views if _hash(f"mark:{(_mark_of(v) or '').lower()}") == entry["mark"]]
    problems: list[tuple[str, str]] = []
    if not matching:
        problems.append(("mark", f"the chart's mark is '{_mark_of(views[0])}', which is not the kind of mark the "
                                 "question asks for."))
    view = (matching or views)[0]
    encoding = {**spec.get("encoding", {}), **view.get("encoding", {})}
    wanted_fields = {channel: wanted["field"] for channel, wanted in entry.get("encoding", {}).items()}
    given_fields = {channel: _hash(f"field:{d['field']}") for channel, d in encoding.items()
                    if isinstance(d, dict) and "field" in d}
    if {"x", "y"} <= set(wanted_fields) and wanted_fields["x"] != wanted_fields["y"] and (
            given_fields.get("x"), given_fields.get("y")) == (wanted_fields["y"], wanted_fields["x"]):
        problems.append(("x", "the x and y fields are swapped: put each field on the other axis."))
        wanted_fields = {}
    for channel, wanted in entry.get("encoding", {}).items():
        if channel not in wanted_fields and channel in ("x", "y"):
            continue
        given = encoding.get(channel)
        if not isinstance(given, dict) or "field" not in given:
            problems.append((channel, f"the chart has no field on its {channel} encoding yet "
                                      f"(.encode({channel}=...))."))
            continue
        if _hash(f"field:{given['field']}") != wanted["field"]:
            problems.append((channel, f"the {channel} encoding uses the field '{given['field']}', which is not the "
                                      "one the question asks for."))
        elif wanted.get("type") and given.get("type") != wanted["type"]:
            letter = {v: k for k, v in ENCODING_TYPES.items()}
            problems.append((channel, f"the {channel} encoding is {given.get('type')} "
                                      f"(:{letter.get(given.get('type'), '?')}), but the question wants it "
                                      f"{wanted['type']} (:{letter.get(wanted['type'], '?')})."))
    if entry.get("tooltip") and not _has_tooltip(spec):
        problems.append(("tooltip", "the chart has no tooltip yet: add .encode(tooltip=[...]) so a reader can "
                                    "hover for the exact figures."))
    if not problems:
        return CORRECT, ""
    messages = [text for _, text in problems]
    for h in entry.get("hints", []):
        if h.get("on") in {part for part, _ in problems}:
            messages.append(h["message"])
    return NOT_YET, _sentences(messages)


def _sentences(parts: list[str]) -> str:
    """Join message parts; every part after the first starts with a capital letter.

    >>> _sentences(["the mark is wrong.", "the x field too."])
    'the mark is wrong. The x field too.'
    """
    return " ".join([parts[0], *(p[:1].upper() + p[1:] for p in parts[1:])]) if parts else ""
