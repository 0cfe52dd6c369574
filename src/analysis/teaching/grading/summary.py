"""The class summary (``summary.html``): each exercise's results as a chart, and the commonest hints given.

The chart is drawn with altair and rendered to inline SVG by vl-convert, so the page works offline.
"""

from __future__ import annotations

from collections import Counter
from html import escape
from pathlib import Path

from analysis.present import theme
from analysis.teaching.grading.feedback import STYLE

RESULT_ORDER = ["correct", "not yet", "unanswered", "not run", "unavailable"]
# Okabe-Ito colours (blue / vermillion, not green / red, for colour-blind readers); the legend names each result.
RESULT_COLOURS = [theme.BLUE, theme.VERMILLION, theme.YELLOW, theme.REDDISH_PURPLE, theme.MUTED]


def result_table(results):
    """One row per (exercise, result) with the number of students: the chart's data."""
    import pandas as pd

    counts = Counter((e.exercise_id, e.status) for r in results for e in r.exercises)
    return pd.DataFrame([{"exercise": ex, "result": status, "students": n} for (ex, status), n in sorted(counts.items())],
                        columns=["exercise", "result", "students"])


def common_hints(results, top: int = 3) -> dict[str, list[tuple[str, int]]]:
    """The commonest feedback messages for wrong answers, per exercise."""
    found: dict[str, Counter] = {}
    for result in results:
        for exercise in result.exercises:
            if exercise.status == "not yet":
                found.setdefault(exercise.exercise_id, Counter())[exercise.message] += 1
    return {ex: counter.most_common(top) for ex, counter in sorted(found.items())}


def chart_svg(table) -> str:
    import altair as alt
    import vl_convert as vlc

    if table.empty:
        return "<p>No exercise was graded.</p>"
    chart = alt.Chart(table).mark_bar().encode(
        x=alt.X("students:Q", title="Students"),
        y=alt.Y("exercise:N", title=None),
        color=alt.Color("result:N", sort=RESULT_ORDER, title="Result",
                        scale=alt.Scale(domain=RESULT_ORDER, range=RESULT_COLOURS)),
        order=alt.Order("result:N"),
        tooltip=["exercise:N", "result:N", "students:Q"],
    ).properties(title="Results per exercise", width=420, description="Number of students per result, for each exercise")
    return vlc.vegalite_to_svg(chart.to_dict())


def write_summary(results, key: dict, path: Path) -> Path:
    table = result_table(results)
    statuses = Counter(r.status for r in results)
    graded = [r for r in results if r.status == "graded"]
    parts = [f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Class summary</title><style>{STYLE}</style></head><body>",
             "<h1>Class summary</h1>",
             f"<p>{len(graded)} of {len(results)} student notebooks graded.</p>",
             "<table><thead><tr><th>Status</th><th>Rows</th></tr></thead><tbody>"
             + "".join(f"<tr><td>{escape(s)}</td><td>{n}</td></tr>" for s, n in statuses.most_common())
             + "</tbody></table>",
             "<h2>Score distribution per exercise</h2>", chart_svg(table),
             "<h2>Commonest hints for wrong answers</h2>"]
    hints = common_hints(results)
    if not hints:
        parts.append("<p>No wrong answers.</p>")
    for exercise_id, messages in hints.items():
        parts.append(f"<h3><code>{escape(exercise_id)}</code></h3><ul>"
                     + "".join(f"<li>{escape(m)} <small>({n} student{'s' if n != 1 else ''})</small></li>" for m, n in messages)
                     + "</ul>")
    parts.append("</body></html>")
    path.write_text("\n".join(parts), encoding="utf-8")
    return path
