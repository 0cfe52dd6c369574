"""The per-state report (``notebooks/state_report.ipynb``) and the reports' index page.

The state report is short: one state's BLS wage beside the nation and its rank, the tile map, its
employment, what the article claims for it, the remote-work arithmetic, and the national outlook for
context. Most of it calls the topic helpers (:mod:`analysis.topics.salary_by_state`, :mod:`analysis.topics.job_outlook`,
:mod:`analysis.calc.claims`); this module adds the few pieces only the report needs, and the clickable
overview map of ``reports/index.html`` (built by :mod:`analysis.build`).

``medcoding build --state TX`` runs the report with ``state="TX"``; ``medcoding params state_report``
lists the parameters below.

>>> PARAMETERS.check({"state": "texas"}).state.abbr
'TX'
>>> print(employment_summary(lookup_state("TX")).data)  # doctest: +ELLIPSIS
**Texas** employed **...** medical records specialists in May 2024 (BLS OEWS): rank 1 of 51 areas, ...% of the 51-state sum (both derived).
"""

from __future__ import annotations

import re

import altair as alt

from analysis.calc import claims
from analysis.topics import job_outlook as outlook
from analysis.topics import salary_by_state as salary
from analysis.present import theme
from analysis.present.formats import count, percent, rank_text
from analysis.present.markdown import Markdown
from analysis.present.report_summary import Figure, Finding, Summary
from analysis.core.params import ParameterSet, Text
from analysis.data.bls_years import LatestYear, RoundChoice, resolve_year
from analysis.data.states import ALLOWED_FORMS, State, lookup_state

PARAMETERS = ParameterSet(
    "state_report",
    [
        Text("state", "TX", "The state (or DC) the report is about.", check=lookup_state, allowed_text=ALLOWED_FORMS),
        LatestYear("year", "Which BLS OEWS snapshot the wage and rank come from: 'latest' (the newest May survey in "
                   "data/) or one of the years data/ holds (May 2024, May 2023, and any year imported later)."),
        salary.MEASURE,
        Text("employer_state", "CA", "For the remote-work arithmetic: the state a remote employer is in "
             "(default: California, the article's own example).", check=lookup_state, allowed_text=ALLOWED_FORMS),
        RoundChoice("projection_round", "2024-34",
                    "Which BLS Employment Projections round the outlook section shows (any round data/ holds)."),
    ],
    examples=[
        # The article's remote-work example, seen from the coder's state.
        {"state": "MS"},
        # The District of Columbia (the article's number 1) with the mean wage.
        {"state": "DC", "measure": "mean"},
        # May 2023 median, given as a FIPS code: Wyoming is one of the 16 states without one.
        {"state": "56", "year": 2023},
        # The newer projection round, for a state the article does not list.
        {"state": "Ohio", "projection_round": "2025-35"},
    ],
)


def employment_summary(state: State) -> Markdown:
    """The state's May 2024 employment, its rank and its share of the 51-state sum (both derived)."""
    frame = outlook.employment_by_state()
    jobs = frame.set_index("state_abbr").loc[state.abbr]
    return Markdown(
        f"**{state.name}** employed **{int(jobs.employment):,}** medical records specialists in May {frame.attrs['year']} (BLS OEWS): "
        f"rank {int(jobs.rank_derived)} of 51 areas, {float(jobs.share_of_51_state_sum_pct_derived):.1f}% of the "
        f"51-state sum (both derived)."
    )


def employment_chart(state: State) -> alt.Chart:
    """Bars of employment in every state (the newest May survey with employment), largest first, ``state`` highlighted
    (its colour, an outline and a bold label).

    >>> employment_chart(lookup_state("DC")).to_dict()["title"]["text"]
    'Employment by state, May 2024: District of Columbia ranks 49 of 51'
    """
    frame = outlook.employment_by_state()
    own = frame.set_index("state_abbr").loc[state.abbr]
    return outlook.employment_bars(frame, state, label_size=8).properties(
        title=alt.Title(f"Employment by state, May {frame.attrs['year']}: {state.name} ranks {int(own.rank_derived)} of {len(frame)}",
                        subtitle=[f"Source: BLS OEWS May {frame.attrs['year']} (data/{frame.attrs.get('file', 'evidence')}). "
                                  "Ranks and shares are derived."]),
        width=420, height=alt.Step(9),
    )


def claim_check(state: State) -> Markdown:
    """The verdict of :mod:`analysis.calc.claims` on the article's salary for ``state`` (or that it lists none).

    >>> print(claim_check(lookup_state("TX")).data)
    The article lists no salary for Texas, so there is nothing to check.
    >>> claim_check(lookup_state("CA")).data.startswith("**Verdict: differs.**")
    True
    """
    table = claims.claims_table("state").set_index("claim_id")
    key = f"state.{state.abbr.lower()}"
    if key not in table.index:
        return Markdown(f"The article lists no salary for {state.name}, so there is nothing to check.")
    row = table.loc[key]
    return Markdown(f"**Verdict: {row.verdict}.** {row.note}")


def claim_table(state: State):
    """The article's salary for ``state`` beside each BLS figure (a table), or a sentence when it lists none.

    >>> print(claim_table(lookup_state("TX")).data)
    No article figure for Texas to set beside the BLS figures.
    >>> "$62,300" in claim_table(lookup_state("CA")).to_html()
    True
    """
    frame = salary.article_vs_bls(state)
    if frame.empty:
        return Markdown(f"No article figure for {state.name} to set beside the BLS figures.")
    return salary.table_view(frame)


def outlook_context(state: State, round_key: str = "2024-34") -> Markdown:
    """The national BLS projection and the article's outlook, said to be national (data/ has no state projections).

    >>> print(outlook_context(lookup_state("TX")).data)  # doctest: +ELLIPSIS
    BLS projects employment for the nation only...: the BLS Employment Projections 2024-34 give +7% from 194,800 jobs in 2024 to 2034, with 14,200 openings a year (BLS evidence). The article says 8% over 2024-2034 from about 240,000 jobs, with 14,800 openings a year (claims).
    """
    bls = outlook.projection_round(round_key)
    article = outlook.projection_round("article")
    return Markdown(
        f"BLS projects employment for the nation only (`data/` holds no state projections, so this report does not "
        f"project {state.name}'s jobs): the {bls.label} give {bls.pct_change:+g}% from {bls.base_employment:,} jobs in "
        f"{bls.start_year} to {bls.end_year}, with {bls.annual_openings:,} openings a year (BLS evidence). "
        f"The article says {article.pct_change:g}% over {article.start_year}-{article.end_year} from about "
        f"{article.base_employment:,} jobs, with {article.annual_openings:,} openings a year (claims)."
    )


# --------------------------------------------------------------------------- the index page


def overview_map(state_links: dict[str, str], year: int | str = "latest", measure: str = "median") -> alt.Chart:
    """Every state as a tile coloured by its BLS wage; clicking a tile opens that state's report.

    ``state_links`` maps a two-letter abbreviation to the report's address relative to the index page
    (e.g. ``{"TX": "states/TX.html"}``); a state without a report is drawn but does not link.

    >>> spec = overview_map({"TX": "states/TX.html"}).to_dict()
    >>> spec["title"]["text"]
    'Median annual wage by state, May 2024: click a state to open its report'
    >>> [row["report"] for row in spec["datasets"][spec["data"]["name"]] if row["state_abbr"] == "TX"]
    ['states/TX.html']
    """
    year = resolve_year(year)
    frame = salary.ranked_wages(year, measure)
    data = salary.tile_frame(frame, report=[state_links.get(a, "") for a in frame.state_abbr])
    data["action"] = ["click to open the report" if link else "no report built yet" for link in data.report]
    tooltip = [alt.Tooltip("state:N", title="State"), alt.Tooltip("wage_text:N", title=f"{measure.capitalize()} wage"),
               alt.Tooltip("rank_text:N", title="Rank (derived)"), alt.Tooltip("action:N", title="Report")]
    base = alt.Chart().encode(  # the data goes in once, on the layer
        x=alt.X("tile_col:O", axis=None), y=alt.Y("tile_row:O", axis=None), tooltip=tooltip,
        href=alt.Href("report:N"))
    empty = base.transform_filter("!isValid(datum.wage_usd)").mark_rect(color=theme.MISSING, stroke=theme.PAPER,
                                                                        strokeWidth=2, cursor="pointer")
    tiles = base.transform_filter("isValid(datum.wage_usd)").mark_rect(stroke=theme.PAPER, strokeWidth=2,
                                                                      cursor="pointer").encode(
        color=alt.Color("wage_usd:Q", title=f"{measure.capitalize()} wage (USD)", scale=alt.Scale(scheme=theme.SEQUENTIAL),
                        legend=alt.Legend(format="$,d")))
    labels = base.transform_calculate(label=salary.TILE_LABEL).mark_text(fontSize=11, lineBreak="\n", cursor="pointer").encode(
        text=alt.Text("label:N"), color=salary.TILE_LABEL_COLOUR)
    # no empty layer: axe-core flags a mark group with nothing in it as an image without a name
    return alt.layer(
        *([empty] if frame.wage_usd.isna().any() else []), tiles, labels, data=data,
        title=alt.Title(f"{measure.capitalize()} annual wage by state, May {year}: click a state to open its report",
                        subtitle=[f"Source: BLS OEWS May {year}, Medical Records Specialists (SOC 29-2072), by state "
                                  "(data/evidence/). Each square is one state; DC included. Rank 1 = highest (derived)."
                                  + (" Grey, marked n/a = not available." if frame.wage_usd.isna().any() else "")]),
        width=480, height=350,
    )


def report_list(links: list[list[str]], heading: str | None = None) -> Markdown:
    """A bulleted list of ``[title, address]`` links, under a heading if given (nothing when the list is empty).

    >>> print(report_list([["Texas", "states/TX.html"]], "State reports").data)
    ### State reports
    <BLANKLINE>
    - [Texas](states/TX.html)
    """
    if not links:
        return Markdown("")
    items = "\n".join(f"- [{_link_text(title)}]({address})" for title, address in links)
    return Markdown(f"### {heading}\n\n{items}" if heading else items)


def _link_text(title: str) -> str:
    r"""A title as the text of a Markdown link: brackets and other marks shown as themselves.

    >>> _link_text("Specialty [draft](javascript:x) *bold*")
    'Specialty \\[draft\\]\\(javascript:x\\) \\*bold\\*'
    """
    return re.sub(r"([\\`*_\[\]()!#])", r"\\\1", str(title))


# --------------------------------------------------------------------------- the report's summary


def report_summary(p) -> Summary:
    """The report's opening summary: wage, rank, jobs, the article's claim, remote work, the outlook.

    >>> s = report_summary(PARAMETERS.check({"state": "TX"}))
    >>> [f.label for f in s.figures][:2], s.figures[0].value, 3 <= len(s.findings) <= 5
    (['Median annual wage, May 2024', 'National median, May 2024'], '$47,230', True)
    """
    figures, facts = salary.wage_figures(p.state, p.year, p.measure)
    jobs = outlook.employment_by_state(p.year)  # the report's year, or the newest with employment
    row = jobs.set_index("state_abbr").loc[p.state.abbr]
    source = jobs.attrs.get("source", {}).get("title", f"BLS OEWS May {jobs.attrs['year']}")
    figures.append(Figure(f"Employment, May {jobs.attrs['year']}", count(row.employment), "evidence", source))
    bls = outlook.projection_round(p.projection_round)
    figures.append(Figure(f"National projection {bls.start_year}-{bls.end_year}",
                          f"{percent(bls.pct_change, sign=True)}, {count(bls.annual_openings)} openings a year",
                          "evidence", bls.label))
    _, counts = claims.verdict_counts("outlook")
    findings = [
        salary.wage_finding(p.state, p.year, p.measure, facts),
        Finding(f"{p.state.name} has {count(row.employment)} of these jobs, rank {rank_text(row.rank_derived, len(jobs))} "
                f"areas and {percent(row.share_of_51_state_sum_pct_derived)} of the 51-state sum.", "derived"),
        salary.remote_finding(p.state, p.employer_state, p.year, p.measure),
        Finding(f"Projections exist for the nation only: {percent(bls.pct_change, sign=True)} over {bls.start_year}-"
                f"{bls.end_year} ({bls.label}). Of the article's {sum(counts.values())} outlook figures, "
                f"{counts['differs']} differ from BLS.", "derived"),
    ]
    return Summary(figures, salary.state_claim_verdict(p.state), findings)
