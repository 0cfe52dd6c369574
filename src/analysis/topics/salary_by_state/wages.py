"""Each state's BLS wage beside the nation's: national figures, ranks, comparisons and dated snapshots.

Every wage comes from the BLS OEWS files in ``data/evidence/``; differences and ranks are **derived**.
"""

from __future__ import annotations

import pandas as pd

from analysis.data.bls_years import latest_state_year
from analysis.data.evidence import (
    PERCENTILES_2023_FILE, STATE_WAGE_FILES, employment_year, load_national_facts, load_state_wages,
    state_wage_measure,
)
from analysis.data.states import State, lookup_state, states_table
from analysis.present.formats import NOT_AVAILABLE, count, missing, money, signed_money, survey_month
from analysis.present.markdown import Markdown


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


def _int_or_none(value) -> int | None:
    return None if missing(value) else int(value)
