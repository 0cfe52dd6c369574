"""The index page (``index.html``): a generated notebook and its links. It opens with what the whole
kit finds (:func:`kit_summary`), then the map of the states (:func:`analysis.topics.state_report.overview_map`)
with, under it, every state report as an ordinary link a keyboard or a screen reader can use
(:func:`state_list`), then the topic reports.

The pieces that run in the index's kernel import pandas and the topics when called, not when this
module is imported (the builder imports it to plan).

>>> html = state_list({"TX": "states/TX.html", "CA": "states/CA.html"})._repr_html_()
>>> print(html.splitlines()[1])
<h2 id="state-reports">State reports, A to Z</h2>
>>> '<a href="states/TX.html">Texas</a> (median $47,230, rank 43 of 51)' in html
True
>>> "Alaska" in html  # no report built: not listed
False
"""

from __future__ import annotations

import html
from pathlib import Path

from analysis.build.plan import INDEX_ID


def index_notebook() -> dict:
    """The index page's notebook (generated, so it needs no file in notebooks/): a map and link lists."""

    def cell(kind, source, **extra):
        cell = {"cell_type": kind, "metadata": extra.pop("metadata", {}), "source": source}
        if kind == "code":
            cell.update(execution_count=None, outputs=[])
        return cell

    return {
        "nbformat": 4, "nbformat_minor": 5,
        "metadata": {"kernelspec": {"name": "medcoding-outlook", "display_name": "Python (medcoding-outlook)",
                                    "language": "python"}, "language_info": {"name": "python"}},
        "cells": [
            cell("markdown", "Every report of the kit. Open a state's report from the map or from the list of states "
                             "below it; the topic reports follow. Each report is one offline page (and a PDF beside it)."),
            cell("code", "state_links = {}\ntopic_links = []\nother_links = []", metadata={"tags": ["parameters"]}),
            cell("code", "from analysis.build import index\nfrom analysis.present import rendering\n"
                         "from analysis.topics import state_report as report\n\nrendering.configure();"),
            cell("code", "index.kit_summary()"),
            cell("markdown", "## States"),
            cell("code", "report.overview_map(state_links)"),
            cell("code", "index.state_list(state_links)"),
            cell("markdown", "## Topics"),
            cell("code", "report.report_list(topic_links)"),
            cell("code", "report.report_list(other_links, 'Reports with other parameters')"),
        ],
    }


def index_parameters(manifest: dict, out: Path) -> dict:
    """Links for the index: every report recorded in the manifest whose HTML is on disk."""
    state_links, topic_links, other_links = {}, [], []
    for report_id, entry in sorted(manifest.get("reports", {}).items()):
        if report_id == INDEX_ID or not (Path(out) / f"{report_id}.html").exists():
            continue
        address, title = f"{report_id}.html", entry.get("title", report_id)
        folder, _, name = report_id.partition("/")
        if folder == "states" and "--" not in name:
            state_links[name] = address
        elif folder == "topics" and "--" not in name:
            topic_links.append([title, address])
        else:
            other_links.append([title, address])
    return {"state_links": state_links, "topic_links": topic_links, "other_links": other_links}


# ---------------------------------------------------------------------------------------------- in the index's kernel


def kit_summary():
    """The index page's summary: the whole kit's findings, above the map (every figure from the topic
    helpers and :mod:`analysis.calc.claims`; see :mod:`analysis.present.report_summary`)."""
    from analysis.calc import claims
    from analysis.data.bls_years import latest_state_year
    from analysis.present.formats import money, percent
    from analysis.present.report_summary import Figure, Finding, Summary, verdict_text
    from analysis.topics import job_outlook, salary_by_state

    year = latest_state_year()  # the newest May survey in data/ (it moves with `medcoding data import`)
    survey = f"BLS OEWS May {year}"
    national = salary_by_state.national_wage(year, "median")
    ranked = salary_by_state.ranked_wages(year, "median").dropna(subset=["wage_usd"]).sort_values("wage_usd")
    low, high = ranked.iloc[0], ranked.iloc[-1]
    bls = job_outlook.projection_round("2024-34")  # the round the article's outlook table is about
    period = f"{bls.start_year}-{str(bls.end_year)[2:]}"
    total, counts = claims.verdict_counts()
    figures = [
        Figure(f"National median annual wage, May {year}", money(None if national is None else national.value),
               "evidence", f"{survey}, Medical Records Specialists (SOC 29-2072)"),
        Figure(f"Highest state median, May {year}", f"{high.state}, {money(high.wage_usd)}", "evidence", survey),
        Figure(f"Lowest state median, May {year}", f"{low.state}, {money(low.wage_usd)}", "evidence", survey),
        Figure(f"Employment change {period} (nation)", percent(bls.pct_change, sign=True), "evidence", bls.label),
        Figure("Article's figures checked", str(total), "derived", "analysis.calc.claims"),
    ]
    verdict = Finding(f"Of the article's {total} figures checked, {counts['matches']} match a public figure, "
                      f"{counts['differs']} differ and {counts['no evidence']} have no evidence in data/.", "derived")
    _, states = claims.verdict_counts("state")
    findings = [
        Finding(f"State wages differ widely: the highest median is {money(high.wage_usd - low.wage_usd)} above the "
                "lowest.", "derived"),
        Finding(f"None of the article's state salaries equals a BLS mean or median ({states['differs']} of "
                f"{sum(states.values())} differ)." if states["matches"] == 0 else
                f"{states['matches']} of the article's state salaries match a BLS figure.", "derived"),
        Finding(f"BLS projects a {percent(bls.pct_change, sign=True)} change in jobs nationally over {period}. "
                + verdict_text("outlook", "outlook figures"), "derived"),
        Finding("The article's statements about AI and specialty pay carry no source: they are claims to test, not "
                "evidence.", "claim"),
    ]
    return Summary(figures, verdict, findings, heading="What the kit finds")


class StateList:
    """The states with a report, as a list of links (HTML)."""

    def __init__(self, rows: list[tuple[str, str, str]], measure: str):
        self.rows, self.measure = rows, measure

    def _repr_html_(self) -> str:
        e = html.escape
        if not self.rows:
            return ('<nav class="medcoding-state-list" aria-labelledby="state-reports">\n<h2 id="state-reports">State '
                    'reports</h2>\n<p>No state report has been built yet.</p>\n</nav>')
        items = "\n".join(f'<li><a href="{e(address)}">{e(name)}</a> ({e(self.measure)} {e(wage)})</li>'
                          for name, address, wage in self.rows)
        return (f'<nav class="medcoding-state-list" aria-labelledby="state-reports">\n'
                f'<h2 id="state-reports">State reports, A to Z</h2>\n<ul>\n{items}\n</ul>\n</nav>')


def state_list(state_links: dict[str, str], year: int | str = "latest", measure: str = "median") -> StateList:
    """Every state with a report (``state_links``: abbreviation -> address), A to Z, with the wage and rank
    the map shows (:func:`analysis.topics.state_report.overview_map`: the newest May survey by default)."""
    from analysis.data.bls_years import resolve_year
    from analysis.present.formats import missing, money, rank_text
    from analysis.topics.salary_by_state import ranked_wages

    rows = []
    for row in ranked_wages(resolve_year(year), measure).sort_values("state").itertuples():
        if row.state_abbr in state_links:
            rank = "" if missing(row.rank_derived) else f", rank {rank_text(row.rank_derived, row.areas_ranked)}"
            rows.append((row.state, state_links[row.state_abbr], money(row.wage_usd) + rank))
    return StateList(rows, measure)
