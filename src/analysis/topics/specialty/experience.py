"""The article's national experience bands and career ladder (claims) beside the BLS national percentiles (evidence).
"""

from __future__ import annotations

import pandas as pd

from analysis.core.errors import InputError
from analysis.data.article import load_career_path, load_national_overview
from analysis.data.careers import range_text, years_text
from analysis.data.evidence import national_fact
from analysis.present.formats import money
from analysis.present.markdown import Markdown

from analysis.topics.specialty.specialties import specialty_table


# Experience levels: the article's national overview bands (claim_id in national_overview.csv).
EXPERIENCE_LEVELS = {"entry": "national.entry_level", "mid-career": "national.mid_career", "senior": "national.senior"}


BLS_PERCENTILE_PERIOD = "May 2023"  # national percentiles in data/ for this period; the article's median is May 2023's


def experience_band(level: str) -> pd.Series:
    """The article's national experience band for ``level`` (claim).

    >>> band = experience_band("senior")
    >>> band.metric, int(band.salary_low_usd), band.salary_high_usd is pd.NA, int(band.salary_open_from_usd)
    ('Senior (8+ years)', 58000, True, 72000)
    """
    return load_national_overview().set_index("claim_id").loc[EXPERIENCE_LEVELS[level]]


def band_top_usd(band: pd.Series) -> tuple[bool, int]:
    """Whether a band's top is open ("$72,000+"), and its top: the high end, or the figure an open band starts from.

    >>> band_top_usd(experience_band("entry")), band_top_usd(experience_band("senior"))
    ((False, 44000), (True, 72000))
    """
    band_open = bool(band.salary_high_open)
    return band_open, int(band.salary_open_from_usd) if band_open else int(band.salary_high_usd)


def ladder_rungs(level: str) -> pd.DataFrame:
    """The career-ladder rungs whose experience range overlaps the band's years (derived from the years columns).

    The article's rungs overlap each other ("4–7 years", "5–8 years"), so several rungs match a band.

    >>> ladder_rungs("entry").title.tolist()
    ['Junior/Entry Coder', 'Certified Coder']
    >>> ladder_rungs("senior").title.tolist()
    ['Coding Auditor', 'Coding Supervisor', 'Coding Manager', 'Director of HIM/Coding']
    """
    band = experience_band(level)
    path = load_career_path()
    band_high = float("inf") if band.years_high is pd.NA else int(band.years_high)
    rung_high = path.years_high.astype("Float64").fillna(float("inf"))
    overlaps = (path.years_low <= band_high) & (rung_high >= int(band.years_low))
    return path[overlaps][["level", "title", "salary_low_usd", "salary_high_usd", "salary_high_open", "salary_open_from_usd",
                           "years_low", "years_high", "years_high_open", "key_skills"]].reset_index(drop=True)


def ladder_view(level: str) -> pd.DataFrame:
    """:func:`ladder_rungs` for reading: ranges written as the article prints them.

    >>> ladder_view("senior").set_index("title").loc["Director of HIM/Coding", ["salary", "experience"]].tolist()
    ['$90,000–$120,000+', '10+ years']
    """
    rungs = ladder_rungs(level)
    return pd.DataFrame({
        "level": rungs.level, "title": rungs.title,
        "salary": [range_text(lo, hi, of) for lo, hi, of in zip(rungs.salary_low_usd, rungs.salary_high_usd, rungs.salary_open_from_usd)],
        "experience": [years_text(lo, hi, op) for lo, hi, op in zip(rungs.years_low, rungs.years_high, rungs.years_high_open)],
        "key_skills": rungs.key_skills,
    })


def bls_national_percentiles(period: str = BLS_PERCENTILE_PERIOD) -> pd.DataFrame:
    """The national annual wage percentiles of Medical Records Specialists that ``data/`` holds for ``period``.

    >>> bls_national_percentiles()[["statistic", "value"]].values.tolist()
    [['10th percentile', 35080.0], ['25th percentile', 39620.0], ['median', 48780.0], ['75th percentile', 61960.0], ['90th percentile', 77810.0]]
    """
    names = {"annual_p10": "10th percentile", "annual_p25": "25th percentile", "annual_median": "median",
             "annual_p75": "75th percentile", "annual_p90": "90th percentile"}
    rows = []
    for measure, label in names.items():
        try:
            fact = national_fact(period, measure)
        except InputError:  # data/ has no such figure for this period: leave it out, do not fill it in
            continue
        rows.append(dict(statistic=label, measure=measure, value=float(fact.value), source=fact.source,
                         source_quality=fact.source_quality))
    return pd.DataFrame(rows)


def experience_note(specialty: str, level: str) -> Markdown:
    """Where the specialty range sits against the experience band (derived comparisons of the two claims).

    >>> print(experience_note("Auditing", "entry").data.splitlines()[1].strip())
    Auditing's low end ($60,000) is above the band's top ($44,000) by $16,000 (derived).
    """
    band = experience_band(level)
    spec = specialty_table().set_index("specialty").loc[specialty]
    band_open, band_top = band_top_usd(band)
    lines = [f"The article's **{band.metric}** band: {money(band.salary_low_usd)}–{money(band_top)}"
             + ("+ (open-ended)" if band_open else "") + f"; **{specialty}**: {money(spec.salary_low_usd)}–"
             f"{money(spec.salary_high_usd)} (claims)."]
    if spec.salary_low_usd > band_top and not band_open:
        lines.append(f"{specialty}'s low end ({money(spec.salary_low_usd)}) is above the band's top ({money(band_top)}) "
                     f"by {money(spec.salary_low_usd - band_top)} (derived).")
    elif spec.salary_high_usd < band.salary_low_usd:
        lines.append(f"{specialty}'s high end ({money(spec.salary_high_usd)}) is below the band's bottom "
                     f"({money(band.salary_low_usd)}) by {money(band.salary_low_usd - spec.salary_high_usd)} (derived).")
    else:
        low, high = max(int(spec.salary_low_usd), int(band.salary_low_usd)), min(int(spec.salary_high_usd), band_top)
        lines.append(f"The two ranges share {money(low)}–{money(high)} (derived)"
                     + ("; the band's top is open-ended, so they may share more." if band_open else "."))
    lines.append("The article does not say what a coder in this specialty earns at this experience level; "
                 "these are two separate claims side by side.")
    return Markdown("  \n".join(lines))
