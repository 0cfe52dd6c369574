"""``gradebook.csv``: one row per student and notebook, one column per exercise, total, max and status.

Then, for the instructor: ``problems`` (errors seen while the notebook ran), ``review`` (a flag for a
person to look at, such as code that reaches into the exercise registry; it never changes the
points), ``isolation`` (what the sandbox managed to set up) and ``files`` (what was handed in).
"""

from __future__ import annotations

import csv
from pathlib import Path


def exercise_columns(key: dict) -> list[str]:
    """Every graded exercise id, in notebook then cell order."""
    return [e["exercise_id"] for spec in key["notebooks"].values() for e in spec["exercises"]]


def _number(value) -> str:
    return "" if value is None else f"{value:g}"


def gradebook_rows(results, key: dict, names: dict) -> list[dict]:
    columns = exercise_columns(key)
    rows = []
    for result in results:
        row = {"student_id": result.student_id, "name": names.get(result.student_id, ""), "notebook": result.notebook}
        row.update({c: "" for c in columns})
        for exercise in result.exercises:
            row[exercise.exercise_id] = _number(exercise.points)
        spec = key["notebooks"].get(result.notebook)
        full = sum(e["points"] for e in spec["exercises"]) if spec else 0
        row.update(total=_number(result.total), max=_number(result.max_points if result.exercises else full),
                   status=result.status, problems="; ".join(result.problems), review=result.review,
                   isolation=result.isolation, files=result.files)
        rows.append(row)
    return rows


def write_gradebook(results, key: dict, names: dict, path: Path) -> Path:
    rows = gradebook_rows(results, key, names)
    header = ["student_id", "name", "notebook", *exercise_columns(key), "total", "max", "status", "problems",
              "review", "isolation", "files"]
    tmp = path.with_suffix(".csv.tmp")
    with open(tmp, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        for row in rows:
            # A spreadsheet runs cells that start with = + - @ as formulas: quote them as text.
            writer.writerow({k: ("'" + v if isinstance(v, str) and v and v[0] in "=+-@" and k not in ("total", "max")
                                 and not v[1:2].isdigit() else v) for k, v in row.items()})
    tmp.replace(path)
    return path
