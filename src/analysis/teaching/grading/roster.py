"""The class list: who the students are and which parameters each one gets.

A roster is a CSV file with the columns ``student_id`` and ``name``, then optionally one column per
notebook parameter (``state``, ``year``...). An empty cell means the notebook's default. Student ids
name folders and files, so they are letters, digits, ``-``, ``_`` and ``.`` only.

>>> roster = read_roster_text("student_id,name,state\\ns01,Ada,TX\\ns02,Ben,\\n")
>>> [(s.student_id, s.parameters) for s in roster]
[('s01', {'state': 'TX'}), ('s02', {})]
>>> [s.parameters["state"] for s in assign_states(roster, "round-robin", states=["CA", "NY"])]
['TX', 'CA']
"""

from __future__ import annotations

import csv
import io
import random
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from analysis.core.errors import AnalysisError, closest

REQUIRED_COLUMNS = ("student_id", "name")
ASSIGN_STATES = ("round-robin", "random")
_SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


class RosterError(AnalysisError):
    """The roster cannot be read: says which file, which line and what to change."""


@dataclass(frozen=True)
class Student:
    student_id: str
    name: str
    parameters: dict = field(default_factory=dict)


def valid_student_id(text: str) -> bool:
    """True when ``text`` can name a student's folder and files.

    >>> valid_student_id("s-01"), valid_student_id("../x"), valid_student_id("")
    (True, False, False)
    """
    return bool(_SAFE_ID.match(text)) and ".." not in text


def read_roster(path: str | Path, known_parameters: set[str] | None = None) -> list[Student]:
    """The students of a roster file, in file order. Raises :class:`RosterError` naming the problem."""
    path = Path(path)
    if not path.is_file():
        raise RosterError(f"--roster {path}: no such file. Give a CSV file with the columns student_id,name "
                          "(and optionally parameter columns such as state).")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as err:
        raise RosterError(f"--roster {path}: cannot be read as UTF-8 text ({err}). Save it as CSV (UTF-8).") from None
    return read_roster_text(text, str(path), known_parameters)


def read_roster_text(text: str, where: str = "roster", known_parameters: set[str] | None = None) -> list[Student]:
    """The students of a roster given as CSV text (see :func:`read_roster`)."""
    reader = csv.DictReader(io.StringIO(text))
    columns = [c.strip() for c in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise RosterError(f"{where}: the first line must name the columns student_id,name (then any parameter "
                          f"columns); missing: {', '.join(missing)}. Found: {', '.join(columns) or 'nothing'}.")
    extra = [c for c in columns if c not in REQUIRED_COLUMNS]
    if known_parameters is not None:
        for column in extra:
            if column not in known_parameters:
                guess = closest(column, sorted(known_parameters))
                raise RosterError(f"{where}: column {column!r} is not a parameter of any notebook"
                                  + (f". Did you mean {guess!r}?" if guess else ".")
                                  + f" Parameter columns allowed: {', '.join(sorted(known_parameters))}.")
    students: list[Student] = []
    seen: dict[str, int] = {}
    for number, row in enumerate(reader, start=2):
        row = {(k or "").strip(): (v or "").strip() for k, v in row.items() if k is not None}
        if not any(row.values()):
            continue
        student_id = row.get("student_id", "")
        if not valid_student_id(student_id):
            raise RosterError(f"{where}, line {number}: student_id {student_id!r} must be letters, digits, '-', '_' "
                              "or '.' (it names the student's folder), e.g. s01.")
        if student_id in seen:
            raise RosterError(f"{where}, line {number}: student_id {student_id!r} is already on line {seen[student_id]}; "
                              "each student needs their own id.")
        seen[student_id] = number
        parameters = {c: row[c] for c in extra if row.get(c)}
        students.append(Student(student_id, row.get("name", ""), parameters))
    if not students:
        raise RosterError(f"{where}: no students (only a header line). Add one line per student: id,name.")
    return students


def assign_states(students: list[Student], how: str, seed: int = 0, states: list[str] | None = None) -> list[Student]:
    """Give each student without a ``state`` one: in turn through the list (``round-robin``) or at random.

    ``random`` with the same ``seed`` gives the same states every time. ``states`` defaults to the 50
    states and DC, alphabetical by name.
    """
    if how not in ASSIGN_STATES:
        raise RosterError(f"--assign-states {how!r}: use one of {', '.join(ASSIGN_STATES)}.")
    if states is None:
        from analysis.data.states import all_states

        states = [s.abbr for s in all_states()]
    order = list(states)
    if how == "random":
        random.Random(seed).shuffle(order)
    given = []
    turn = 0
    for student in students:
        if "state" in student.parameters:
            given.append(student)
            continue
        given.append(replace(student, parameters={**student.parameters, "state": order[turn % len(order)]}))
        turn += 1
    return given
