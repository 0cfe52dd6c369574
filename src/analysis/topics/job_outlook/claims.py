"""The article's outlook figures (claims) beside the BLS figures for the same thing.
"""

from __future__ import annotations

import pandas as pd

from analysis.data.article import load_job_outlook

from analysis.topics.job_outlook.projections import bls_round_keys, projection_round
from analysis.topics.job_outlook.projections_2020_30 import (
    ALL_OCCUPATIONS_2020_30, PROJECTIONS_2020_30_FILE, _exact_difference, _one_2020_30,
)


def outlook_claims_vs_bls() -> pd.DataFrame:
    """Each number in the article's outlook table beside the BLS figures it can be held against.

    Differences are derived (article minus BLS); relative differences only for counts.

    >>> c = outlook_claims_vs_bls()
    >>> c[c.claim_id == "outlook.current_employment"][["bls_value", "difference_derived"]].values.tolist()
    [[194800.0, 45200.0], [200700.0, 39300.0]]
    >>> c[c.claim_id == "outlook.projected_growth"].difference_derived.tolist()
    [1.0, 0.0]
    """
    claims = load_job_outlook().set_index("claim_id")
    rows = []

    def add(claim_id, article_value, unit, compared_with, bls_value, source):
        claim = claims.loc[claim_id]
        rows.append(dict(claim_id=claim_id, article_says=claim.original_text, article_value=article_value,
                         unit=unit, compared_with=compared_with, bls_value=bls_value, source=source))

    for key in bls_round_keys():
        r = projection_round(key)
        add("outlook.projected_growth", float(claims.loc["outlook.projected_growth"].pct), "percent",
            f"EP {key} percent change {r.start_year}-{r.end_year}", r.pct_change, r.sources["pct_change"])
    for key in bls_round_keys():
        r = projection_round(key)
        add("outlook.current_employment", float(claims.loc["outlook.current_employment"]["count"]), "jobs",
            f"EP {key} base employment ({r.start_year})", r.base_employment, r.sources["base_employment"])
    for key in bls_round_keys():
        r = projection_round(key)
        add("outlook.annual_openings", float(claims.loc["outlook.annual_openings"]["count"]), "openings a year",
            f"EP {key} annual openings", r.annual_openings, r.sources["annual_openings"])
    average = float(claims.loc["outlook.national_average_growth"].pct)
    add("outlook.national_average_growth", average, "percent", "all occupations, EP 2024-34", pd.NA,
        "data/ holds no all-occupation figure for 2024-34")
    add("outlook.national_average_growth", average, "percent", "all occupations, EP 2020-30 (a different round)",
        _one_2020_30(ALL_OCCUPATIONS_2020_30), f"data/{PROJECTIONS_2020_30_FILE}; not comparable with a 2024-34 claim, "
        "so no difference is computed")
    frame = pd.DataFrame(rows)
    frame["bls_value"] = frame.bls_value.astype("Float64")
    same_round = ~frame.compared_with.str.contains("different round")
    frame["difference_derived"] = pd.array(
        [_exact_difference(a, b) if same else pd.NA for a, b, same in zip(frame.article_value, frame.bls_value, same_round)],
        dtype="Float64")
    counts = frame.unit != "percent"
    frame["difference_pct_derived"] = (frame.difference_derived / frame.bls_value * 100).where(counts).astype("Float64")
    return frame[["claim_id", "article_says", "article_value", "unit", "compared_with", "bls_value",
                  "difference_derived", "difference_pct_derived", "source"]]
