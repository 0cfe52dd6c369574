"""The earnings-path scenario: pay along the article's career ladder with and without the credential.
"""

from __future__ import annotations

import math

import pandas as pd

from analysis.data.article import load_career_path
from analysis.present.markdown import Markdown

from analysis.topics.certification_premium.sources import PremiumBasis, premium_basis


SCENARIO_ASSUMPTIONS = (
    "With the credential, the coder climbs the article's career ladder: in each year of experience they hold the "
    "lowest rung whose experience range covers that year (the article's rungs overlap), and earn the rung's midpoint.",
    "Without the credential, two readings: (a) the article's own words, \"No certification: limited to entry-level\", "
    "so pay stays at the Junior/Entry Coder midpoint; (b) the ladder, less the premium: ladder pay / (1 + premium %).",
    "No raises within a rung, no inflation, no taxes; midpoints of the article's ranges (claims, no source named).",
)


def ladder_rung_for_year(year: int, path: pd.DataFrame | None = None) -> pd.Series:
    """The lowest ladder rung whose experience range (years_low..years_high, open top = no limit) covers ``year``.

    >>> [ladder_rung_for_year(y).title for y in (0, 2, 3, 5, 8, 9, 12)]
    ['Junior/Entry Coder', 'Junior/Entry Coder', 'Certified Coder', 'Senior Coder', 'Coding Auditor', 'Coding Supervisor', 'Coding Manager']
    """
    path = load_career_path() if path is None else path
    top = path.years_high.astype("Float64").fillna(math.inf)
    fits = path[(path.years_low <= year) & (top >= year)].sort_values("level")
    return fits.iloc[0]


def earnings_path(basis: PremiumBasis, years: int) -> pd.DataFrame:
    """The scenario of :data:`SCENARIO_ASSUMPTIONS`, one row per year of experience 0 .. years-1 (all derived).

    >>> p = earnings_path(premium_basis("article"), 5)
    >>> p[["rung", "with_credential_usd_derived", "without_entry_only_usd_derived"]].values.tolist()[3]
    ['Certified Coder', 51500.0, 41000.0]
    >>> round(float(p.without_premium_model_usd_derived.iloc[3]), 2)  # 51,500 / 1.27907
    40263.64
    """
    path = load_career_path()
    entry = path.set_index("level").loc[1]
    entry_mid = (int(entry.salary_low_usd) + int(entry.salary_high_usd)) / 2
    rows = []
    for year in range(years):
        rung = ladder_rung_for_year(year, path)
        if pd.isna(rung.salary_high_usd):  # an open-ended rung has no midpoint: the path says so instead of guessing
            mid = None
        else:
            mid = (int(rung.salary_low_usd) + int(rung.salary_high_usd)) / 2
        rows.append(dict(years_of_experience=year, rung=rung.title, level=int(rung.level), with_credential_usd_derived=mid,
                         without_entry_only_usd_derived=entry_mid,
                         without_premium_model_usd_derived=None if mid is None else mid / (1 + basis.premium_pct_derived / 100)))
    frame = pd.DataFrame(rows)
    for column in ("with_credential_usd_derived", "without_premium_model_usd_derived"):
        frame[column] = frame[column].astype("Float64")
    return frame


def scenario_note() -> Markdown:
    """The scenario's assumptions as a list (shown before the chart)."""
    return Markdown("**Assumptions of this scenario** (not data):\n\n" + "\n".join(f"- {a}" for a in SCENARIO_ASSUMPTIONS))
