"""Where the jobs are: employment of medical records specialists by state (BLS OEWS).
"""

from __future__ import annotations

import pandas as pd

from analysis.core.errors import DataFileError
from analysis.data.evidence import NATIONAL_FACTS_FILE, employment_year, load_state_wages, national_fact
from analysis.present.markdown import Markdown

from analysis.topics.job_outlook.projections import projection_round


def employment_by_state(year: int | None = None) -> pd.DataFrame:
    """Employment by state in May ``year`` (default: the newest year with employment), largest first, with rank
    and share of the 51-state sum (both derived).

    >>> e = employment_by_state()
    >>> int(e.employment.sum()), e.state_abbr.iloc[0], e.attrs["year"]
    (187770, 'TX', 2024)
    """
    year = employment_year(year)
    wages = load_state_wages(year)
    frame = wages[["state_fips", "state", "state_abbr", "employment"]].sort_values(
        ["employment", "state"], ascending=[False, True]).reset_index(drop=True)
    total = int(frame.employment.sum())
    frame["rank_derived"] = frame.employment.rank(ascending=False, method="min").astype("Int64")
    frame["share_of_51_state_sum_pct_derived"] = (frame.employment / total * 100).astype("Float64")
    frame.attrs.update(wages.attrs)
    frame.attrs["year"] = year
    return frame


def employment_sum_note() -> Markdown:
    """Why the 51 state figures do not add up to the national employment, with the numbers from data/.

    >>> print(employment_sum_note().data)  # doctest: +ELLIPSIS
    The 51 state figures (May 2024) add up to 187,770 jobs (derived; the same sum is recorded in ...) ...
    """
    jobs = employment_by_state()
    total, year = int(jobs.employment.sum()), jobs.attrs["year"]
    recorded = None
    if year == 2024:  # the curated facts record the May 2024 sum; an imported year has none recorded
        recorded = national_fact("May 2024", "employment_sum_51_areas")
    if recorded is not None and int(recorded.value) != total:  # the recorded sum and the state file must agree
        raise DataFileError(f"data/{NATIONAL_FACTS_FILE}", f"employment_sum_51_areas is {recorded.value:,.0f} but the "
                            f"51 state rows add up to {total:,}", column="value")
    base = projection_round("2024-34")
    where = f"the same sum is recorded in `data/{NATIONAL_FACTS_FILE}`" if recorded is not None else f"from `data/{jobs.attrs['file']}`"
    return Markdown(
        f"The 51 state figures (May {year}) add up to {total:,} jobs (derived; {where}) and that is **not** the national estimate: BLS state estimates do not add up "
        f"exactly to a national figure. The Employment Projections base for {base.start_year} is "
        f"{base.base_employment:,} jobs, from a different BLS programme. Compare the article's "
        f"\"~{projection_round('article').base_employment:,}\" with both.")
