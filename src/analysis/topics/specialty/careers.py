"""The career moves the article names, beside the BLS national wages of the occupations they map to.
"""

from __future__ import annotations

import pandas as pd

from analysis.data.careers import career_wages, range_text


def careers_view() -> pd.DataFrame:
    """The career moves table for reading: article range (claim), matched occupation and BLS May 2021 wages.

    >>> row = careers_view().set_index("article_role").loc["Medical Coding Consultant"]
    >>> row.article_range, int(row.bls_median_usd)
    ('$80,000–$150,000+', 93000)
    """
    wages = career_wages()
    view = wages.assign(article_range=[range_text(lo, hi, of) for lo, hi, of in
                                       zip(wages.salary_low_usd, wages.salary_high_usd, wages.salary_open_from_usd)])
    view = view[["article_role", "article_range", "article_midpoint_usd_derived", "soc_code", "bls_title", "match",
                 "bls_p10_usd", "bls_median_usd", "bls_p90_usd", "difference_midpoint_minus_bls_median_usd_derived"]]
    view.attrs.update(wages.attrs)
    return view


def career_map_view() -> pd.DataFrame:
    """Which BLS occupation stands for which article role, and why (the editorial map).

    >>> career_map_view().shape[1]
    4
    """
    wages = career_wages()
    return wages[["article_role", "soc_code", "match", "rationale"]]
