"""Pieces of the reports' index page (``reports/index.html``) besides the map: the list of states.

The tile map is for the eye and the mouse; the list gives every state report as an ordinary link, in
alphabetical order, with the wage the map shows, for a keyboard or a screen reader.

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

import pandas as pd


class StateList:
    """The states with a report, as a list of links (HTML)."""

    def __init__(self, rows: list[tuple[str, str, str]], measure: str):
        self.rows, self.measure = rows, measure

    def _repr_html_(self) -> str:
        e = html.escape
        if not self.rows:
            return '<nav class="medcoding-state-list" aria-labelledby="state-reports">\n<h2 id="state-reports">State reports</h2>\n<p>No state report has been built yet.</p>\n</nav>'
        items = "\n".join(f'<li><a href="{e(address)}">{e(name)}</a> ({e(self.measure)} {e(wage)})</li>'
                          for name, address, wage in self.rows)
        return (f'<nav class="medcoding-state-list" aria-labelledby="state-reports">\n'
                f'<h2 id="state-reports">State reports, A to Z</h2>\n<ul>\n{items}\n</ul>\n</nav>')


def state_list(state_links: dict[str, str], year: int = 2024, measure: str = "median") -> StateList:
    """Every state with a report (``state_links``: abbreviation -> address), A to Z, with its wage and rank."""
    from .salary import NOT_AVAILABLE, ranked_wages

    frame = ranked_wages(year, measure).sort_values("state")
    rows = []
    for row in frame.itertuples():
        if row.state_abbr not in state_links:
            continue
        wage = NOT_AVAILABLE if pd.isna(row.wage_usd) else f"${int(row.wage_usd):,}"
        rank = "" if pd.isna(row.rank_derived) else f", rank {int(row.rank_derived)} of {int(row.areas_ranked)}"
        rows.append((row.state, state_links[row.state_abbr], wage + rank))
    return StateList(rows, measure)
