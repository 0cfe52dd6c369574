"""One offline HTML feedback page per student: what was right, the hint for what was not, never the answer.

Everything that comes from a submission (and every message, which may quote part of an answer) is
HTML-escaped; the page loads nothing from the network.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from analysis.teaching.grading.roster import valid_student_id

STYLE = """body{font-family:system-ui,sans-serif;max-width:50rem;margin:2rem auto;padding:0 1rem;line-height:1.45;color:#1b1b1b}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}th,td{border-bottom:1px solid #ccc;padding:.35rem .5rem;text-align:left;vertical-align:top}
.correct{color:#1a6b2a}.notyet{color:#8a3b00}.status{font-weight:600}"""
MARKS = {"correct": "✅ Right", "not yet": "❌ Not yet", "unanswered": "✏️ Not answered", "unavailable": "— Not graded",
         "not run": "⚠️ Not run"}


def page(student_id: str, name: str, results, key: dict) -> str:
    parts = [f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Feedback: {escape(student_id)}</title>"
             f"<style>{STYLE}</style></head><body>",
             f"<h1>Feedback for {escape(name or student_id)} <small>({escape(student_id)})</small></h1>",
             "<p>Each exercise says whether your answer was right and, if not, a hint. The expected answers are not "
             "shown: use the hint, then ask your instructor.</p>"]
    for result in results:
        spec = key["notebooks"].get(result.notebook)
        full = sum(e["points"] for e in spec["exercises"]) if spec else 0
        maximum = result.max_points if result.exercises else full
        parts.append(f"<h2>{escape(result.notebook)}</h2>")
        parts.append(f"<p class='status'>Score: {result.total:g} of {maximum:g} points. Status: {escape(result.status)}.</p>")
        if result.status != "graded":
            parts.append("<p>This notebook could not be graded as handed in (see the status above). Fix it, make sure "
                         "<em>Kernel ▸ Restart Kernel and Run All Cells</em> runs to the end, and talk to your "
                         "instructor.</p>")
        if result.exercises:
            parts.append("<table><thead><tr><th>Exercise</th><th>Result</th><th>Points</th><th>Feedback</th></tr></thead><tbody>")
            for exercise in result.exercises:
                css = "correct" if exercise.status == "correct" else "notyet"
                points = "—" if exercise.points is None else f"{exercise.points:g} / {exercise.max_points:g}"
                parts.append(f"<tr><td><code>{escape(exercise.exercise_id)}</code></td>"
                             f"<td class='{css}'>{escape(MARKS.get(exercise.status, exercise.status))}</td>"
                             f"<td>{escape(points)}</td><td>{escape(exercise.message)}</td></tr>")
            parts.append("</tbody></table>")
        if result.problems:
            parts.append("<details><summary>Problems seen while running your notebook</summary><ul>"
                         + "".join(f"<li>{escape(p)}</li>" for p in result.problems[:20]) + "</ul></details>")
    parts.append("</body></html>")
    return "\n".join(parts)


def write_feedback(results, key: dict, names: dict, folder: Path) -> list[Path]:
    """One page per roster student (``<student_id>.html``); students not on the roster get none."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for student_id, name in names.items():
        if not valid_student_id(student_id):
            continue
        mine = [r for r in results if r.student_id == student_id]
        path = folder / f"{student_id}.html"
        path.write_text(page(student_id, name, mine, key), encoding="utf-8")
        written.append(path)
    return written
