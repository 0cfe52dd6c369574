"""The article's state salaries (claims) beside the BLS figures for the same state.
"""

from __future__ import annotations

import pandas as pd

from analysis.data.article import load_state_salaries
from analysis.data.evidence import STATE_WAGE_FILES
from analysis.data.states import State, lookup_state
from analysis.present.markdown import Markdown

from analysis.topics.salary_by_state.wages import ranked_wages


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
