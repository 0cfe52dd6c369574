"""Salary by state: one state's BLS wage beside the nation, its peers, its rank, and the article's claim.

Backs ``notebooks/01_salary_by_state.ipynb``. Every wage comes from the BLS OEWS state files in
``data/evidence/`` (May 2024: mean and median; May 2023: mean for every area, median for 35 areas);
differences and ranks are computed here and labelled **derived**.

>>> tx = lookup_state("TX")
>>> row = wage_comparison(tx, [], 2024, "median").set_index("area").loc["Texas"]
>>> int(row.wage_usd), int(row.rank_derived), int(row.difference_from_national_usd_derived)
(47230, 43, -3020)
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from functools import lru_cache

import altair as alt
import pandas as pd

from analysis.data.article import load_remote_advantages, load_remote_work_models, load_state_salaries
from analysis.data.evidence import (PERCENTILES_2023_FILE, STATE_WAGE_FILES, employment_year, load_national_facts,
                                    load_state_wages, state_wage_measure)
from analysis.teaching.exercises import computed, hint
from analysis.present import theme
from analysis.present.formats import NOT_AVAILABLE, count, missing, money, rank_text, signed_money, survey_month
from analysis.present.markdown import Markdown
from analysis.present.report_summary import Figure, Finding, Summary, first_sentence, plain
from analysis.present.tables import table_view  # noqa: F401  (the notebook shows tables with it)
from analysis.core.params import Choice, ParameterSet, Text
from analysis.data.bls_years import LatestYear, latest_state_year
from analysis.data.states import ALLOWED_FORMS, State, lookup_state, states_table
from analysis.calc.units import HOURS_PER_YEAR


#: Which BLS annual wage (also a parameter of the state report).
MEASURE = Choice("measure", "median", ["median", "mean"],
                 "Which annual wage: the median (half earn less) or the mean (the average). "
                 "May 2023 medians exist for 35 areas only (Alabama to North Dakota).")

PARAMETERS = ParameterSet(
    "salary_by_state",
    [
        Text("state", "CA", "The state to look at.", check=lookup_state, allowed_text=ALLOWED_FORMS),
        LatestYear("year", "Which BLS OEWS snapshot: 'latest' (the newest May survey in data/) or one of the years "
                   "data/ holds (May 2024, May 2023, and any newer year imported with `medcoding data import`)."),
        MEASURE,
        Text("compare_with", ["TX", "NY", "FL"], "States to show beside it.", check=lookup_state,
             multiple=True, optional=True, allowed_text=ALLOWED_FORMS),
        Text("employer_state", "NY", "For the remote-work arithmetic: the state a remote employer is in.",
             check=lookup_state, allowed_text=ALLOWED_FORMS),
    ],
    examples=[
        # Texas, May 2024 median, with the default peers.
        {"state": "TX"},
        # May 2023 median: from a partial copy, so the peer Texas shows "not available".
        {"state": "new york", "year": 2023},
        # A FIPS code, the mean wage, two peers.
        {"state": "06", "measure": "mean", "compare_with": ["TX", "FL"]},
        # The article's scenario: a coder in Mississippi working for a California employer.
        {"state": "Mississippi", "employer_state": "CA"},
    ],
)


# --------------------------------------------------------------------------- numbers


def national_wage(year: int, measure: str) -> pd.Series | None:
    """The national annual ``measure`` for May ``year`` from ``load_national_facts()``, or None if data/ has none.

    >>> int(national_wage(2024, "median").value), int(national_wage(2023, "median").value)
    (50250, 48780)
    >>> national_wage(2024, "mean") is None
    True
    """
    facts = load_national_facts()
    rows = facts[(facts.period == f"May {year}") & (facts.measure == f"annual_{measure}")]
    official = rows[rows.source_quality == "BLS estimates (official file)"]  # imported from BLS's own file: preferred
    rows = official if len(official) == 1 else rows
    return rows.iloc[0] if len(rows) == 1 else None


def ranked_wages(year: int, measure: str) -> pd.DataFrame:
    """Every state's wage with its rank (``rank_derived``: 1 = highest, ties share a rank) and tile position.

    Areas without a figure (16 states for the May 2023 median) keep a missing wage and rank.

    >>> r = ranked_wages(2023, "median")
    >>> len(r), int(r.rank_derived.max()), int(r.wage_usd.isna().sum())
    (51, 35, 16)
    >>> ranked_wages(2024, "mean").set_index("state_abbr").loc["DC", ["tile_row", "tile_col"]].notna().all()
    np.True_
    """
    frame = state_wage_measure(year, measure)
    attrs = dict(frame.attrs)
    frame = frame.assign(rank_derived=frame.wage_usd.rank(ascending=False, method="min").astype("Int64"),
                         areas_ranked=int(frame.wage_usd.notna().sum()))
    tiles = states_table()[["state_fips", "tile_row", "tile_col"]]
    frame = frame.merge(tiles, on="state_fips", how="left")
    frame.attrs.update(attrs, source_text=_wage_source(year, measure))
    return frame


def _wage_source(year: int, measure: str) -> str:
    if year == 2023 and measure == "median":
        return (f"BLS OEWS May 2023 state medians as republished by a third-party page (35 areas only; "
                f"`data/{PERCENTILES_2023_FILE}`)")
    return f"BLS OEWS May {year}, Medical Records Specialists (SOC 29-2072), by state (`data/{STATE_WAGE_FILES[year]}`)"


def wage_comparison(state: State, compare_with: list[State], year: int, measure: str) -> pd.DataFrame:
    """The chosen state, its peers and the nation: wage, rank, and difference from the national figure (derived).

    A peer equal to the chosen state is shown once. Without a national figure for that year and
    measure the national row says so and the differences stay missing.

    >>> ca, tx = lookup_state("CA"), lookup_state("TX")
    >>> wage_comparison(ca, [tx, ca], 2024, "mean")[["area", "role"]].values.tolist()
    [['California', 'chosen state'], ['Texas', 'compared state'], ['United States', 'national (not available in data/)']]
    """
    ranked = ranked_wages(year, measure).set_index("state_abbr")
    national = national_wage(year, measure)
    national_usd = None if national is None else national.value
    peers = [s for i, s in enumerate(compare_with) if s != state and s not in compare_with[:i]]
    rows = []
    for area, role in [(state, "chosen state")] + [(s, "compared state") for s in peers]:
        r = ranked.loc[area.abbr]
        rows.append(dict(area=area.name, state_abbr=area.abbr, role=role, wage_usd=r.wage_usd,
                         rank_derived=r.rank_derived, areas_ranked=r.areas_ranked,
                         source=ranked.attrs["source_text"]))
    rows.append(dict(area="United States", state_abbr="US",
                     role="national" if national is not None else "national (not available in data/)",
                     wage_usd=pd.NA if national is None else int(national.value), rank_derived=pd.NA,
                     areas_ranked=pd.NA,
                     source=f"no national May {year} {measure} in data/evidence/bls_national_facts_29-2072.csv"
                     if national is None else f"{national.source} [{national.source_quality}]"))
    frame = pd.DataFrame(rows)
    for column in ("wage_usd", "rank_derived", "areas_ranked"):
        frame[column] = frame[column].astype("Int64")
    frame["difference_from_national_usd_derived"] = (
        frame.wage_usd - int(national_usd) if national_usd is not None else pd.Series(pd.NA, index=frame.index)
    ).astype("Int64")
    frame.attrs.update(year=year, measure=measure)
    return frame


def headline(state: State, year: int, measure: str) -> Markdown:
    """A sentence or three on the chosen state: its wage, the national figure, the difference, its rank, employment.

    The year says "(latest in data/)" when it is the newest May survey ``data/`` holds (``year = "latest"``).

    >>> print(headline(lookup_state("TX"), 2024, "median").data.splitlines()[0].strip())
    **Texas**, May 2024 (latest in data/), median annual wage: **$47,230** (BLS OEWS).
    """
    comparison = wage_comparison(state, [], year, measure).set_index("role")
    own = comparison.loc["chosen state"]
    shown = survey_month(year, latest=latest_state_year())
    lines = [f"**{state.name}**, {shown}, {measure} annual wage: **{money(own.wage_usd)}** (BLS OEWS)."]
    if pd.isna(own.wage_usd):
        lines.append(f"The May {year} {measure} for {state.name} is {NOT_AVAILABLE}: "
                     f"{_gap_reason(year, measure)} Try `measure = \"mean\"` or `year = {latest_state_year()}`.")
    national = national_wage(year, measure)
    if national is None:
        lines.append(f"No national May {year} {measure} is in `data/evidence/bls_national_facts_29-2072.csv`, "
                     f"so there is no national comparison (none is invented).")
    else:
        lines.append(f"National {measure}, May {year}: {money(national.value)} ({national.source_quality}).")
        if not pd.isna(own.wage_usd):
            lines.append(f"Difference from the national figure: {signed_money(own.difference_from_national_usd_derived)} (derived).")
    if not pd.isna(own.rank_derived):
        lines.append(f"Rank: {int(own.rank_derived)} of {int(own.areas_ranked)} areas with a figure "
                     f"(1 = highest; derived).")
    jobs_year = employment_year(year)
    employment = load_state_wages(jobs_year).set_index("state_abbr").employment.get(state.abbr)
    lines.append(f"Employment, May {jobs_year}: {count(employment)} (BLS OEWS).")
    return Markdown("  \n".join(lines))


def _gap_reason(year: int, measure: str) -> str:
    if year == 2023 and measure == "median":
        return "the only copy of the May 2023 state medians in data/ covers 35 areas (Alabama to North Dakota)."
    return "the BLS file in data/ has no figure for it."


def state_profile(state: State) -> pd.DataFrame:
    """Every BLS figure data/ holds for one state, as two dated snapshots (May 2023, May 2024).

    >>> profile = state_profile(lookup_state("TX")).set_index(["snapshot", "measure"]).value
    >>> profile.loc[("May 2024", "annual mean wage")], profile.loc[("May 2024", "annual median wage")]
    (51020, 47230)
    >>> pd.isna(profile.loc[("May 2023", "annual median wage")])
    True
    """
    rows = []
    for year in STATE_WAGE_FILES:  # newest first; every year data/ holds
        wages = load_state_wages(year).set_index("state_abbr").loc[state.abbr]
        shown = f"data/{STATE_WAGE_FILES[year]}"
        for column, measure, unit in [("employment", "employment", "jobs"), ("hourly_mean_usd", "hourly mean wage", "USD an hour"),
                                      ("annual_mean_usd", "annual mean wage", "USD a year"),
                                      ("annual_median_usd", "annual median wage", "USD a year")]:
            if column in wages.index:
                rows.append((f"May {year}", measure, wages[column], unit, shown))
        if year == 2023:
            medians23 = state_wage_measure(2023, "median").set_index("state_abbr").wage_usd
            rows.append(("May 2023", "annual median wage", medians23.get(state.abbr), "USD a year",
                         f"data/{PERCENTILES_2023_FILE} (35 areas only)"))
    frame = pd.DataFrame(rows, columns=["snapshot", "measure", "value", "unit", "source"])
    frame["value"] = frame.value.map(lambda v: pd.NA if pd.isna(v) else (int(v) if float(v).is_integer() else float(v))).astype(object)
    return frame


def snapshot_caveat(state: State) -> Markdown:
    """Why May 2023 and May 2024 are two snapshots, not a trend, with the data's own examples.

    >>> "Nevada's mean was $48,110 in May 2023 and $63,950 in May 2024" in snapshot_caveat(lookup_state("NV")).data
    True
    """
    m23 = load_state_wages(2023).set_index("state_abbr").annual_mean_usd
    m24 = load_state_wages(2024).set_index("state_abbr").annual_mean_usd
    examples = "; ".join(f"{lookup_state(a).name}'s mean was {money(m23[a])} in May 2023 and {money(m24[a])} in May 2024"
                         for a in ("NV", "NJ"))
    own = ", ".join(f"{money(load_state_wages(y).set_index('state_abbr').annual_mean_usd[state.abbr])} (May {y})"
                    for y in sorted(STATE_WAGE_FILES))
    two = len(STATE_WAGE_FILES) == 2
    text = (f"**{'Two' if two else 'Dated'} snapshots, not a trend.** BLS OEWS estimates are not designed for year-to-year "
            f"comparison, and some states move a lot between surveys: {examples}. {state.name}'s mean: {own}. "
            f"Read them as {'two ' if two else ''}dated estimates, not as a raise or a cut.")
    return Markdown(text)


def article_vs_bls(state: State) -> pd.DataFrame:
    """The article's "Mean Annual Salary" for ``state`` (if it lists it) beside each BLS figure, with differences (derived).

    Empty when the article does not list the state (its tables hold the top 10 and ranks 41-45 only).

    >>> ca = article_vs_bls(lookup_state("CA")).set_index("bls_figure")
    >>> ca.loc["May 2024 mean", ["article_usd", "bls_usd", "difference_usd_derived"]].tolist()
    [62300, 68080, -5780]
    >>> article_vs_bls(lookup_state("TX")).empty
    True
    """
    claims = load_state_salaries().set_index("state_abbr")
    columns = ["bls_figure", "bls_usd", "bls_rank_derived", "areas_ranked", "article_usd", "article_rank",
               "article_table", "difference_usd_derived", "difference_pct_derived", "source"]
    if state.abbr not in claims.index:
        return pd.DataFrame(columns=columns)
    claim = claims.loc[state.abbr]
    rows = []
    for year, measure in [(y, m) for y in sorted(STATE_WAGE_FILES) for m in ("mean", "median")]:  # every year present
        ranked = ranked_wages(year, measure).set_index("state_abbr")
        bls = ranked.wage_usd[state.abbr]
        diff = pd.NA if pd.isna(bls) else int(claim.annual_mean_usd) - int(bls)
        rows.append(dict(bls_figure=f"May {year} {measure}", bls_usd=bls, bls_rank_derived=ranked.rank_derived[state.abbr],
                         areas_ranked=ranked.areas_ranked[state.abbr], article_usd=int(claim.annual_mean_usd),
                         article_rank=int(claim["rank"]), article_table=claim.table, difference_usd_derived=diff,
                         difference_pct_derived=pd.NA if pd.isna(bls) else diff / int(bls) * 100,
                         source=ranked.attrs["source_text"]))
    frame = pd.DataFrame(rows, columns=columns)
    for column in ("bls_usd", "bls_rank_derived", "areas_ranked", "difference_usd_derived"):
        frame[column] = frame[column].astype("Int64")
    frame["difference_pct_derived"] = frame.difference_pct_derived.astype("Float64")
    return frame


def article_claim_note(state: State) -> Markdown:
    """What the article says about ``state``, quoted, or that it says nothing.

    >>> print(article_claim_note(lookup_state("TX")).data)
    The article's state tables (top 10 and ranks 41-45) do not list Texas, so there is no claim to check.
    >>> article_claim_note(lookup_state("DC")).data.startswith("The article lists District of Columbia")
    True
    """
    claims = load_state_salaries().set_index("state_abbr")
    if state.abbr not in claims.index:
        return Markdown(f"The article's state tables (top 10 and ranks 41-45) do not list {state.name}, "
                        f"so there is no claim to check.")
    claim = claims.loc[state.abbr]
    table = "Top 10 Highest-Paying States" if claim.table == "top10" else "Lowest-Paying States"
    return Markdown(f"The article lists {state.name} in its *{table}* table (column \"Mean Annual Salary\"; "
                    f"no year or source given): \"{claim.original_text}\" (claim).")


# --------------------------------------------------------------------------- remote work


@dataclass(frozen=True)
class RemoteWork:
    """Local wage vs a remote employer's state wage (BLS), their difference (derived), and the article's commute savings (claim)."""

    local: State
    employer: State
    year: int
    measure: str
    local_usd: int | None
    employer_usd: int | None
    commute_savings_low_usd: int
    commute_savings_high_usd: int

    @property
    def difference_usd_derived(self) -> int | None:
        """Employer state's wage minus the local wage; None when either is not available."""
        if self.local_usd is None or self.employer_usd is None:
            return None
        return self.employer_usd - self.local_usd

    def to_frame(self) -> pd.DataFrame:
        diff = self.difference_usd_derived
        label = f"May {self.year} {self.measure} annual wage"
        rows = [
            (f"{label}, {self.local.name} (where the coder lives)", self.local_usd, "BLS evidence"),
            (f"{label}, {self.employer.name} (where the employer is)", self.employer_usd, "BLS evidence"),
            ("employer state's wage minus local wage", diff, "derived"),
            ("commute savings, low end ('Save $3,000-$8,000/year')", self.commute_savings_low_usd, "article claim"),
            ("commute savings, high end", self.commute_savings_high_usd, "article claim"),
            ("wage difference + commute savings, low end", None if diff is None else diff + self.commute_savings_low_usd,
             "derived (BLS difference + the article's claim)"),
            ("wage difference + commute savings, high end", None if diff is None else diff + self.commute_savings_high_usd,
             "derived (BLS difference + the article's claim)"),
        ]
        frame = pd.DataFrame(rows, columns=["item", "usd_a_year", "kind"])
        frame["usd_a_year"] = frame.usd_a_year.astype("Int64")
        return frame


def remote_work(local: State, employer: State, year: int, measure: str) -> RemoteWork:
    """The remote-work arithmetic for a coder living in ``local`` and working for an employer in ``employer``.

    >>> r = remote_work(lookup_state("MS"), lookup_state("CA"), 2024, "median")
    >>> r.local_usd, r.employer_usd, r.difference_usd_derived
    (39970, 59700, 19730)
    >>> r.commute_savings_low_usd, r.commute_savings_high_usd
    (3000, 8000)
    """
    wages = state_wage_measure(year, measure).set_index("state_abbr").wage_usd
    savings = load_remote_advantages().set_index("topic").loc["no_commute_costs"]
    return RemoteWork(local, employer, year, measure, _int_or_none(wages[local.abbr]), _int_or_none(wages[employer.abbr]),
                      int(savings.savings_low_usd), int(savings.savings_high_usd))


def remote_work_note() -> Markdown:
    """The assumption behind the arithmetic, with the article's own caveat quoted.

    >>> "some employers pay geographically" in remote_work_note().data
    True
    """
    fully = load_remote_work_models().set_index("work_model").loc["Fully Remote"]
    return Markdown("**Assumption:** a remote employer pays the wage typical of its own state. The BLS figures "
                    "are for jobs located in each state, and the article itself notes for fully remote work: "
                    f"\"{fully.salary_impact}\" (claim). The commute savings are the article's claim, not evidence.")


# --------------------------------------------------------------------------- charts


def comparison_chart(comparison: pd.DataFrame) -> alt.Chart:
    """Bars of the chosen state, its peers and the nation (from :func:`wage_comparison`), with tooltips.

    >>> chart = comparison_chart(wage_comparison(lookup_state("TX"), [lookup_state("CA")], 2024, "median"))
    >>> chart.to_dict()["title"]["text"]
    'Median annual wage, May 2024: Texas beside California and the nation'
    """
    year, measure = comparison.attrs["year"], comparison.attrs["measure"]
    data = comparison.assign(
        wage_text=comparison.wage_usd.map(money),
        rank_text=[rank_text(r, n) for r, n in zip(comparison.rank_derived, comparison.areas_ranked)],
        difference_text=comparison.difference_from_national_usd_derived.map(signed_money),
        bar_usd=comparison.wage_usd.astype("Float64").fillna(0).astype(float),
        source=comparison.source.map(_plain),
    )[["area", "role", "bar_usd", "wage_text", "rank_text", "difference_text", "source"]]
    chosen = comparison.area.iloc[0]
    others = [a for a in comparison.area.iloc[1:-1]]
    title = f"{measure.capitalize()} annual wage, May {year}: {chosen} beside " + (
        f"{', '.join(others)} and the nation" if others else "the nation")
    tooltip = [alt.Tooltip("area:N", title="Area"), alt.Tooltip("wage_text:N", title=f"{measure.capitalize()} wage"),
               alt.Tooltip("rank_text:N", title="Rank (derived)"),
               alt.Tooltip("difference_text:N", title="Difference from national (derived)"),
               alt.Tooltip("source:N", title="Source")]
    base = alt.Chart(data).encode(
        y=alt.Y("area:N", sort=list(comparison.area), title=None),
        tooltip=tooltip,
    )
    roles = list(dict.fromkeys(comparison.role))
    bars = base.mark_bar().encode(
        x=alt.X("bar_usd:Q", title=f"{measure.capitalize()} annual wage (USD)", axis=alt.Axis(format="$,d")),
        color=alt.Color("role:N", title=None, scale=alt.Scale(domain=roles, range=[_role_colour(r) for r in roles]),
                        legend=alt.Legend(orient="bottom")),
        stroke=alt.condition("datum.role == 'chosen state'", alt.value(theme.INK), alt.value(None)),
    )
    labels = base.mark_text(align="left", dx=4).encode(x="bar_usd:Q", text="wage_text:N")
    return (bars + labels).properties(
        title=alt.Title(title, subtitle=["Source: BLS OEWS (state files and national facts in data/evidence/).",
                                         "A missing bar says 'not available': no figure is filled in."]),
        width=420,
    )


def _role_colour(role: str) -> str:
    """The chosen state in the highlight colour, the compared ones in the second, the nation muted."""
    return {"chosen state": theme.HIGHLIGHT, "compared state": theme.COMPARED}.get(role, theme.MUTED)


def tile_label_colours(wages: pd.Series) -> list[str]:
    """Each tile's label colour: ink, or the page's white on the darkest tiles (WCAG AA either way)."""
    low, high = (None if pd.isna(v) else float(v) for v in (wages.min(), wages.max()))
    return [theme.text_colour(None if pd.isna(v) else float(v), low, high) for v in wages]


#: A tile's label: its state, and "n/a" below it where there is no figure (so grey is not the only cue).
TILE_LABEL = "isValid(datum.wage_usd) ? datum.state_abbr : datum.state_abbr + '\\nn/a'"
#: A tile label's colour, from its row's ``label_color`` (a value, not a scale: the tiles' colour scale is the wage's).
TILE_LABEL_COLOUR = alt.when(alt.datum.label_color == theme.PAPER).then(alt.value(theme.PAPER)).otherwise(
    alt.value(theme.INK))


def wage_tile_map(state: State, year: int, measure: str, compare_with: list[State] = ()) -> alt.Chart:
    """Every state as a tile, coloured by wage; the chosen state in a thick black frame, compared states dashed.

    DC keeps its own tile. Tiles without a figure are light grey, marked "n/a", and say "not available".

    >>> spec = wage_tile_map(lookup_state("DC"), 2024, "median").to_dict()
    >>> spec["title"]["text"]
    'Median annual wage by state, May 2024: District of Columbia ranks 1 of 51'
    """
    frame = ranked_wages(year, measure)
    own = frame.set_index("state_abbr").loc[state.abbr]
    rank = "has no figure" if pd.isna(own.rank_derived) else f"ranks {int(own.rank_derived)} of {int(own.areas_ranked)}"
    wages = frame.wage_usd.astype("Float64")
    peers = {s.abbr for s in compare_with} - {state.abbr}
    data = pd.DataFrame({
        "state": frame.state, "state_abbr": frame.state_abbr,
        "tile_row": frame.tile_row.astype(int), "tile_col": frame.tile_col.astype(int),
        "wage_usd": [None if pd.isna(v) else float(v) for v in wages],
        "wage_text": frame.wage_usd.map(money),
        "rank_text": [rank_text(r, n) for r, n in zip(frame.rank_derived, frame.areas_ranked)],
        "role": ["chosen state" if a == state.abbr else "compared state" if a in peers else "other" for a in frame.state_abbr],
        "label_color": tile_label_colours(wages),
    })
    tooltip = [alt.Tooltip("state:N", title="State"), alt.Tooltip("wage_text:N", title=f"{measure.capitalize()} wage"),
               alt.Tooltip("rank_text:N", title="Rank (derived)")]
    base = alt.Chart(data).encode(
        x=alt.X("tile_col:O", axis=None), y=alt.Y("tile_row:O", axis=None), tooltip=tooltip)
    empty = base.mark_rect(color=theme.MISSING, stroke=theme.PAPER, strokeWidth=2)
    colored = base.transform_filter("isValid(datum.wage_usd)").mark_rect(stroke=theme.PAPER, strokeWidth=2).encode(
        color=alt.Color("wage_usd:Q", title=f"{measure.capitalize()} wage (USD)", scale=alt.Scale(scheme=theme.SEQUENTIAL),
                        legend=alt.Legend(format="$,d")))
    frames = [base.transform_filter("datum.role == 'chosen state'").mark_rect(fillOpacity=0, stroke=theme.INK, strokeWidth=4)]
    if peers:  # an empty layer would be an unnamed image to a screen reader
        frames.append(base.transform_filter("datum.role == 'compared state'").mark_rect(
            fillOpacity=0, stroke=theme.INK, strokeWidth=2, strokeDash=[4, 2]))
    labels = base.transform_calculate(label=TILE_LABEL).mark_text(fontSize=11, lineBreak="\n").encode(
        text="label:N", color=TILE_LABEL_COLOUR)
    return alt.layer(empty, colored, *frames, labels).properties(
        title=alt.Title(f"{measure.capitalize()} annual wage by state, May {year}: {state.name} {rank}",
                        subtitle=[f"Source: {_plain(_wage_source(year, measure))}.",
                                  "Each square is one state (DC included); grey, marked n/a = not available; thick black "
                                  "frame = chosen state, dashed frame = compared states. Rank 1 = highest (derived)."]),
        width=440, height=320,
    )


# --------------------------------------------------------------------------- the state selector (offline what-if)

MEASURES = ("median", "mean")
_EXPLORER_ROLES = ("chosen state", "compared state", "national")


def state_choices() -> pd.DataFrame:
    """Every area's wage, rank and difference from the national figure, for every year data/ holds and both measures.

    One row per (year, measure, area) plus a national row (``state_abbr == "US"``) per year and measure: the
    figures the report page shows when a reader picks a state, a year and a measure, computed here (so they
    equal :func:`wage_comparison`) and carried in the chart's data. Missing figures stay missing ("not available").

    >>> c = state_choices().set_index(["year", "measure", "state_abbr"])
    >>> row = c.loc[(2024, "median", "TX")]
    >>> int(row.wage_usd), int(row.rank_derived), int(row.difference_from_national_usd_derived), row.rank_text
    (47230, 43, -3020, '43 of 51')
    >>> c.loc[(2023, "median", "WY")].wage_text, c.loc[(2024, "mean", "CA")].difference_text
    ('not available', 'not available')
    """
    rows = []
    for year in sorted(STATE_WAGE_FILES):
        for measure in MEASURES:
            ranked = ranked_wages(year, measure)
            national = national_wage(year, measure)
            national_usd = None if national is None else int(national.value)
            label_colours = tile_label_colours(ranked.wage_usd.astype("Float64"))
            for r, label_colour in zip(ranked.itertuples(), label_colours):
                wage = _int_or_none(r.wage_usd)
                diff = None if wage is None or national_usd is None else wage - national_usd
                rows.append(dict(year=year, measure=measure, state=r.state, state_abbr=r.state_abbr,
                                 tile_row=int(r.tile_row), tile_col=int(r.tile_col), wage_usd=wage, wage_text=money(wage),
                                 rank_derived=_int_or_none(r.rank_derived), areas_ranked=int(r.areas_ranked),
                                 rank_text=rank_text(r.rank_derived, r.areas_ranked),
                                 difference_from_national_usd_derived=diff, difference_text=signed_money(diff),
                                 national_text=money(national_usd),
                                 label_color=label_colour))
            rows.append(dict(year=year, measure=measure, state="United States", state_abbr="US", tile_row=None,
                             tile_col=None, wage_usd=national_usd, wage_text=money(national_usd), rank_derived=None,
                             areas_ranked=None, rank_text=NOT_AVAILABLE, difference_from_national_usd_derived=None,
                             difference_text=NOT_AVAILABLE, national_text=money(national_usd), label_color=theme.INK))
    frame = pd.DataFrame(rows)
    for column in ("tile_row", "tile_col", "wage_usd", "rank_derived", "areas_ranked", "difference_from_national_usd_derived"):
        frame[column] = frame[column].astype("Int64")
    return frame


def state_explorer(state: State, year: int, measure: str, compare_with: list[State] = ()) -> alt.VConcatChart:
    """The tile map, the comparison bars and the chosen state's figures, with a state selector and year and
    measure buttons that work in the offline HTML report (Vega-Lite params; they start at the report's settings).

    >>> spec = state_explorer(lookup_state("TX"), 2024, "median").to_dict()
    >>> [(p["name"], p["value"]) for p in spec["params"]]
    [('chosen_state', 'TX'), ('chosen_year', 2024), ('chosen_measure', 'median')]
    >>> len(spec["params"][0]["bind"]["options"])
    51
    """
    from analysis.present import controls

    data = state_choices()
    areas = data[(data.year == data.year.max()) & (data.measure == MEASURES[0]) & (data.state_abbr != "US")]
    areas = areas.sort_values("state")
    peers = [s.abbr for s in compare_with if s != state]
    params = [controls.select("chosen_state", state.abbr, "State", list(areas.state_abbr), list(areas.state)),
              controls.radio("chosen_year", year, "BLS OEWS survey (May of)", sorted(STATE_WAGE_FILES)),
              controls.radio("chosen_measure", measure, "Annual wage measure", list(MEASURES))]
    # JSON-friendly: missing figures as null (Vega's isValid), never as a filled-in number
    records = [{k: None if missing(v) else v.item() if hasattr(v, "item") else v for k, v in row.items()}
               for row in data.to_dict(orient="records")]
    shown = alt.Chart(alt.Data(values=records)).transform_filter("datum.year == chosen_year && datum.measure == chosen_measure")
    peer_list = "[" + ", ".join(f"'{a}'" for a in peers) + "]"

    tiles = shown.transform_filter("datum.state_abbr != 'US'").encode(
        x=alt.X("tile_col:O", axis=None), y=alt.Y("tile_row:O", axis=None),
        tooltip=[alt.Tooltip("state:N", title="State"), alt.Tooltip("wage_text:N", title="Wage"),
                 alt.Tooltip("rank_text:N", title="Rank (derived)")])
    tile_map = alt.layer(
        tiles.mark_rect(color=theme.MISSING, stroke=theme.PAPER, strokeWidth=2),
        tiles.transform_filter("isValid(datum.wage_usd)").mark_rect(stroke=theme.PAPER, strokeWidth=2).encode(
            color=alt.Color("wage_usd:Q", title="Annual wage (USD)", scale=alt.Scale(scheme=theme.SEQUENTIAL),
                            legend=alt.Legend(format="$,d"))),
        # the frames repeat what the figures above say: hidden from screen readers (an empty layer has no text)
        *([tiles.transform_filter(f"indexof({peer_list}, datum.state_abbr) >= 0 && datum.state_abbr != chosen_state")
           .mark_rect(fillOpacity=0, stroke=theme.INK, strokeWidth=2, strokeDash=[4, 2], aria=False)] if peers else []),
        tiles.transform_filter("datum.state_abbr == chosen_state").mark_rect(fillOpacity=0, stroke=theme.INK, strokeWidth=4,
                                                                             aria=False),
        tiles.transform_calculate(label=TILE_LABEL).mark_text(fontSize=11, lineBreak="\n").encode(
            text="label:N", color=TILE_LABEL_COLOUR),
    ).properties(width=440, height=320, title=alt.Title(
        "Annual wage by state: the chosen state in a thick black frame" + (", compared states dashed" if peers else ""),
        subtitle=["Source: BLS OEWS state files (data/evidence/). Grey, marked n/a = not available. "
                  "Rank 1 = highest (derived)."]))

    bars = shown.transform_filter(
        f"datum.state_abbr == chosen_state || datum.state_abbr == 'US' || indexof({peer_list}, datum.state_abbr) >= 0"
    ).transform_calculate(
        role="datum.state_abbr == chosen_state ? 'chosen state' : datum.state_abbr == 'US' ? 'national' : 'compared state'",
        order=f"datum.state_abbr == chosen_state ? 0 : datum.state_abbr == 'US' ? 99 : 1 + indexof({peer_list}, datum.state_abbr)",
        bar_usd="isValid(datum.wage_usd) ? datum.wage_usd : 0",
    ).encode(y=alt.Y("state:N", sort=alt.EncodingSortField("order"), title=None),
             tooltip=[alt.Tooltip("state:N", title="Area"), alt.Tooltip("wage_text:N", title="Wage"),
                      alt.Tooltip("rank_text:N", title="Rank (derived)"),
                      alt.Tooltip("difference_text:N", title="Difference from national (derived)")])
    comparison = alt.layer(
        bars.mark_bar().encode(
            x=alt.X("bar_usd:Q", title="Annual wage (USD)", axis=alt.Axis(format="$,d")),
            color=alt.Color("role:N", title=None, legend=alt.Legend(orient="bottom"), scale=alt.Scale(
                domain=list(_EXPLORER_ROLES), range=[_role_colour(r) for r in _EXPLORER_ROLES])),
            stroke=alt.condition("datum.role == 'chosen state'", alt.value(theme.INK), alt.value(None))),
        bars.mark_text(align="left", dx=4).encode(x="bar_usd:Q", text="wage_text:N"),
    ).properties(width=300, title=alt.Title("The chosen state beside the nation",
                                            subtitle=["A missing bar says 'not available': no figure is filled in."]))

    figures = shown.transform_filter("datum.state_abbr == chosen_state").transform_calculate(
        wage_line="datum.state + ', May ' + datum.year + ' ' + datum.measure + ' annual wage: ' + datum.wage_text",
        rank_line="'Rank among the areas with a figure (1 = highest; derived): ' + datum.rank_text",
        difference_line="'Difference from the national ' + datum.measure + ' (' + datum.national_text + '): ' "
                        "+ datum.difference_text + ' (derived)'",
    )
    panel = alt.layer(*[figures.mark_text(align="left", baseline="top", fontSize=13, fontWeight=weight).encode(
        x=alt.value(0), y=alt.value(offset), text=f"{line}:N")
        for line, offset, weight in [("wage_line", 0, "bold"), ("rank_line", 22, "normal"), ("difference_line", 44, "normal")]]
    ).properties(width=440, height=64, title="The chosen state's figures (BLS OEWS; rank and difference derived)")

    return alt.vconcat(panel, tile_map, comparison).add_params(*params).properties(
        title=alt.Title("Choose a state, a survey year and a wage measure",
                        subtitle=["The page starts at this report's settings; the reset button returns to them."]))


# --------------------------------------------------------------------------- tables


def _int_or_none(value) -> int | None:
    return None if missing(value) else int(value)


def _plain(text: str) -> str:
    return text.replace("`", "")


# --------------------------------------------------------------------------- exercises (notebook 01)
# Kept apart at the end: the expected answers of notebook 01's exercises. They depend on the parameters,
# so they are computed when a student runs check("salary_by_state.<name>", answer, p); no message shows them.


@lru_cache(maxsize=8)
def _exercise_ranks(year: int, measure: str) -> dict[str, tuple[int | None, int | None]]:
    """Each state's (rank from the highest, rank from the lowest), remembered: a check needs both, repeatedly."""
    frame = ranked_wages(year, measure)
    from_lowest = frame.wage_usd.rank(ascending=True, method="min")
    return {abbr: (_int_or_none(rank), _int_or_none(low))
            for abbr, rank, low in zip(frame.state_abbr, frame.rank_derived, from_lowest)}


def _rank_from_lowest(p) -> int:
    """The chosen state's rank counted from the lowest wage (a common slip when reading a rank)."""
    return _exercise_ranks(p.year, p.measure)[p.state.abbr][1]


@computed("salary_by_state.rank_of_state", hints=[
    hint("That is the rank counted from the lowest wage. Rank 1 is the highest wage: count from the top.",
         wrong=_rank_from_lowest),
], explain="A rank is derived: it depends on the snapshot and the measure. Change `year` or `measure`, re-run the "
           "notebook and look again: a rank among 35 areas (the May 2023 medians) is not a rank among 51.")
def exercise_rank_of_state(p) -> int | None:
    """The chosen state's rank by the May ``p.year`` ``p.measure`` wage (1 = highest; None without a figure).

    >>> exercise_rank_of_state(PARAMETERS.check({"state": "TX"}))
    43
    >>> exercise_rank_of_state(PARAMETERS.check({"state": "TX", "year": 2023})) is None
    True
    """
    return _exercise_ranks(p.year, p.measure)[p.state.abbr][0]


def _hourly_mean_2023(p) -> float:
    """The state's May 2023 hourly mean as printed in the 2023 file (a tempting column to copy)."""
    return float(load_state_wages(2023).set_index("state_abbr").hourly_mean_usd[p.state.abbr])


@computed("salary_by_state.hourly_equivalent", tolerance=0.01, hints=[
    hint("That looks like the annual wage itself: divide it by the hours of a BLS work year (2,080).",
         times=HOURS_PER_YEAR),
    hint("That looks like a monthly figure (a year's pay / 12). The question asks for an hourly one: "
         "divide the annual wage by 2,080 hours.", times=HOURS_PER_YEAR / 12),
    hint("That is the May 2023 hourly mean printed in the 2023 file (hourly_mean_usd). The question asks you to "
         "convert the chosen year and measure's annual wage, the one in the headline, into an hourly one.",
         wrong=_hourly_mean_2023),
], explain="An hourly figure computed from an annual one is derived: it assumes a full-time year of 2,080 hours "
           "(52 weeks of 40 hours), as BLS does. Part-time coders are paid for fewer hours.")
def exercise_hourly_equivalent(p) -> float | None:
    """The chosen state's annual wage (May ``p.year``, ``p.measure``) / 2,080 hours, unrounded (None without a figure).

    >>> round(exercise_hourly_equivalent(PARAMETERS.check({"state": "TX"})), 4)
    22.7067
    """
    wage = _int_or_none(state_wage_measure(p.year, p.measure).set_index("state_abbr").wage_usd[p.state.abbr])
    return None if wage is None else wage / HOURS_PER_YEAR


@lru_cache(maxsize=8)
def _medians_above(year: int, national_usd: float) -> int:
    medians = state_wage_measure(year, "median").wage_usd
    return int((medians > national_usd).fillna(False).sum())


def _count_below_national_median(p) -> int:
    medians = state_wage_measure(p.year, "median").wage_usd
    return int((medians < national_wage(p.year, "median").value).fillna(False).sum())


def _count_above_other_years_median(p) -> int:
    others = [y for y in STATE_WAGE_FILES if y != p.year and national_wage(y, "median") is not None]
    if not others:
        return -1  # no other year to confuse it with
    other = min(others, key=lambda y: (abs(y - p.year), -y))  # the year next to it (May 2023 beside May 2024)
    return _medians_above(p.year, national_wage(other, "median").value)


@computed("salary_by_state.states_above_national_median", hints=[
    hint("That counts the states below the national median; the question asks for those above it.",
         wrong=_count_below_national_median),
    hint("It looks as if you compared with the national median of the other BLS year. Compare the states' medians "
         "with `national_median`, the national median of the same year.", wrong=_count_above_other_years_median),
], explain="Now compare with the article: its top-10 table gives mean salaries without a year or a source. A state "
           "above the national median is not necessarily in the article's table, and the other way round.")
def exercise_states_above_national_median(p) -> int:
    """How many states' May ``p.year`` median is above the national median of that year (states without one not counted).

    >>> exercise_states_above_national_median(PARAMETERS.check({})), exercise_states_above_national_median(
    ...     PARAMETERS.check({"year": 2023}))
    (24, 19)
    """
    return _medians_above(p.year, national_wage(p.year, "median").value)


# --------------------------------------------------------------------------- the report's summary


def report_summary(p) -> Summary:
    """The report's opening summary: the state beside the nation and its peers, the claim, remote work.

    >>> s = report_summary(PARAMETERS.check({"state": "TX"}))
    >>> s.figures[0].label, s.figures[0].value, s.figures[0].kind
    ('Median annual wage, May 2024', '$47,230', 'evidence')
    """
    figures, facts = wage_figures(p.state, p.year, p.measure)
    comparison = wage_comparison(p.state, p.compare_with, p.year, p.measure)
    states = comparison[comparison.role != "national"].dropna(subset=["wage_usd"])
    states = states[states.state_abbr != "US"]
    findings = [wage_finding(p.state, p.year, p.measure, facts)]
    if len(states) > 1:
        top = states.sort_values("wage_usd", ascending=False).iloc[0]
        findings.append(Finding(f"Of the states compared ({', '.join(states.area)}), {top.area} pays most at the May "
                                f"{p.year} {p.measure} ({money(top.wage_usd)}).", "derived"))
    findings.append(remote_finding(p.state, p.employer_state, p.year, p.measure))
    findings.append(Finding("May 2023 and May 2024 are two separate BLS estimates, not a trend: a change between "
                            "them can be sampling noise.", "evidence"))
    return Summary(figures, state_claim_verdict(p.state), findings)


def wage_figures(state: State, year: int, measure: str) -> tuple[list[Figure], dict]:
    """The key wage figures of a summary (the state's wage, the nation's, the difference, the rank), and
    the rows they come from (for :func:`wage_finding`)."""
    ranked = ranked_wages(year, measure)
    own = wage_comparison(state, [], year, measure).set_index("role").loc["chosen state"]
    national = national_wage(year, measure)
    source = plain(ranked.attrs.get("source_text", "BLS OEWS"))
    figures = [
        Figure(f"{measure.capitalize()} annual wage, May {year}", money(own.wage_usd), "evidence", source),
        Figure(f"National {measure}, May {year}", money(None if national is None else national.value), "evidence",
               "not in data/" if national is None else f"BLS OEWS May {year} ({national.source_quality})"),
        Figure("Difference from the nation", signed_money(own.difference_from_national_usd_derived), "derived",
               "state wage minus national wage"),
        Figure("Rank among the areas with a figure", rank_text(own.rank_derived, own.areas_ranked), "derived",
               "1 = highest; salary_by_state.ranked_wages"),
    ]
    return figures, {"own": own, "national": national}


def wage_finding(state: State, year: int, measure: str, facts: dict) -> Finding:
    """The state's wage against the nation's in one sentence (or why it cannot be said)."""
    own, national = facts["own"], facts["national"]
    if missing(own.wage_usd):
        return Finding(f"data/ holds no May {year} {measure} wage for {state.name}; none is filled in.", "evidence")
    if national is None:
        return Finding(f"{state.name}'s May {year} {measure} wage is {money(own.wage_usd)}; data/ holds no national "
                       f"{measure} for May {year} to compare it with.", "evidence")
    gap = own.difference_from_national_usd_derived
    side = "more than" if gap > 0 else "less than" if gap < 0 else "the same as"
    amount = "" if gap == 0 else f"{money(abs(gap))} "
    return Finding(f"Medical records specialists in {state.name} earn {amount}{side} the nation at the May {year} "
                   f"{measure} ({money(own.wage_usd)} against {money(national.value)}), rank "
                   f"{rank_text(own.rank_derived, own.areas_ranked)}.", "derived")


def state_claim_verdict(state: State) -> Finding:
    """The verdict on the article's salary for ``state``, and on its state salaries as a whole."""
    from analysis.calc import claims

    table = claims.claims_table("state").set_index("claim_id")
    key = f"state.{state.abbr.lower()}"
    total, counts = claims.verdict_counts("state")
    surveys = " or ".join(f"May {year}" for year in sorted(STATE_WAGE_FILES))  # every year data/ holds
    overall = (f"Of the {total} state salaries the article lists, {counts['matches']} match a BLS mean or median "
               f"for {surveys} and {counts['differs']} differ.")
    if key not in table.index:
        return Finding(f"The article lists no salary for {state.name}. {overall}", "derived")
    row = table.loc[key]
    return Finding(f"The article's figure for {state.name}: {row.verdict}. {first_sentence(row.note)} {overall}",
                   "derived")


def remote_finding(state: State, employer: State, year: int, measure: str) -> Finding:
    """The remote-work arithmetic in one sentence: what the employer state's wage would change."""
    remote = remote_work(state, employer, year, measure)
    if missing(remote.local_usd) or missing(remote.employer_usd):
        return Finding(f"The remote-work arithmetic needs both states' May {year} {measure} wages; data/ lacks one, "
                       "so it is not done.", "evidence")
    if state == employer:
        return Finding(f"With an employer in {state.name} itself, working remotely changes nothing in wages.", "derived")
    return Finding(f"Working from {state.name} for an employer in {employer.name} that paid {employer.name}'s "
                   f"{measure} (an assumption) would mean {signed_money(remote.employer_usd - remote.local_usd)} a year; "
                   f"the article's {money(remote.commute_savings_low_usd)}-{money(remote.commute_savings_high_usd)} "
                   "of commute savings is its own claim.", "assumption")
