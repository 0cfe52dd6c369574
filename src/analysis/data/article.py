"""The article's tables and figures as tidy tables: one loader per file in ``data/article/``.

Every number here is a **claim** made by the article "Medical Coding Salary & Career Outlook in
2026", copied exactly as printed; none is evidence. The BLS evidence lives in ``data/evidence/``.

Each loader reads one CSV, checks it against a declared schema (column names, types, ranges,
unique ids; see :mod:`analysis.data.article_schemas`) and returns a pandas DataFrame. A few rules hold in every file:

* ``claim_id`` names one fact, e.g. ``specialty.general_outpatient``; it is unique and stable.
* ``original_text`` is the article's own wording of that row or bullet.
* Salaries are whole dollars a year. A range is ``salary_low_usd`` .. ``salary_high_usd``; a single
  figure has low == high. A figure printed with a "+" ("$72,000+") has **no** upper bound:
  ``salary_high_usd`` is empty (``<NA>``), ``salary_high_open`` is True, and the figure the "+" is
  attached to is kept in ``salary_open_from_usd``.
* An empty cell means the article gives no number there. Nothing is filled in.

>>> specialties = load_specialties()
>>> specialties.loc[specialties.specialty == "Auditing", ["salary_low_usd", "salary_high_usd"]].values.tolist()
[[60000, 80000]]
>>> sorted(ARTICLE_TABLES)[:3]
['ai_impact', 'alternative_careers', 'career_path']
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.data.article_schemas import ARTICLE_TABLES, DEMAND_LEVELS  # noqa: F401  (DEMAND_LEVELS: part of this API)
from analysis.data.cache import cached_by_files
from analysis.data.tables import data_path, read_table

ARTICLE_DIR = "article"
SOURCE_FILE = f"{ARTICLE_DIR}/source_article.txt"

# --------------------------------------------------------------------------- loaders


@cached_by_files(lambda name: (f"{ARTICLE_DIR}/{name}.csv", "sources.csv", "reference/us_states.csv"))
def load_article_table(name: str) -> pd.DataFrame:
    """Load any article table by name (a key of :data:`ARTICLE_TABLES`).

    >>> load_article_table("remote_work_models").work_model.tolist()
    ['Fully Remote', 'Hybrid', 'On-Site']
    >>> load_article_table("specialty")
    Traceback (most recent call last):
    ...
    analysis.core.errors.InputError: table='specialty' is not allowed. Did you mean 'specialties'? Allowed: national_overview, certification_status, certification_premium, salary_sources, state_salaries, specialties, hcc_niche, remote_work_models, remote_advantages, career_path, alternative_careers, job_outlook, ... (14 in all).
    """
    if name not in ARTICLE_TABLES:
        from analysis.core.errors import InputError, closest

        raise InputError("table", name, allowed=list(ARTICLE_TABLES), suggestion=closest(name, ARTICLE_TABLES))
    return read_table(f"{ARTICLE_DIR}/{name}.csv", ARTICLE_TABLES[name])


@cached_by_files((SOURCE_FILE,))
def article_text() -> str:
    """The article itself, unchanged: where every ``original_text`` comes from.

    >>> article_text().splitlines()[0]
    'Medical Coding Salary & Career Outlook in 2026'
    """
    return Path(data_path(SOURCE_FILE)).read_text(encoding="utf-8")


def load_national_overview() -> pd.DataFrame:
    """The "National Medical Coding Salary Overview (2026)" table: 7 rows.

    Experience bands carry ``years_low``/``years_high``; "Senior (8+ years)" and "Top 10%" are
    open-ended ("$72,000+"), so their ``salary_high_usd`` is empty.

    >>> overview = load_national_overview()
    >>> overview.shape
    (7, 12)
    >>> top = overview.set_index("claim_id").loc["national.top_10_percent"]
    >>> int(top.salary_low_usd), top.salary_high_usd is pd.NA, bool(top.salary_high_open)
    (72000, True, True)
    """
    return load_article_table("national_overview")


def load_certification_status() -> pd.DataFrame:
    """The "Certification Status" table: salary range and job access per credential, 6 rows.

    >>> status = load_certification_status()
    >>> status.shape
    (6, 8)
    >>> status.certification_status.iloc[0], int(status.salary_low_usd.iloc[0]), int(status.salary_high_usd.iloc[0])
    ('No certification', 36000, 42000)
    """
    return load_article_table("certification_status")


def load_certification_premium() -> pd.DataFrame:
    """Every stated certification premium or certified/non-certified average: 8 rows.

    Includes the "20–25% more" of the overview note and of the Year 1–2 plan, next to the
    "about 28%" and the "approximately 20.7%" of the premium section: the article gives all four.

    >>> premium = load_certification_premium()
    >>> premium.shape
    (8, 14)
    >>> premium.loc[premium.measure == "premium_pct", ["pct_low", "pct_high"]].values.tolist()
    [[28.0, 28.0], [20.7, 20.7], [20.0, 25.0], [20.0, 25.0]]
    """
    return load_article_table("certification_premium")


def load_salary_sources() -> pd.DataFrame:
    """The "Note on salary data": BLS $48,780 median vs Glassdoor $82,816 average, with the reasons given.

    >>> sources = load_salary_sources()
    >>> sources[["source_name", "measure", "salary_usd"]].values.tolist()
    [['BLS', 'median', 48780], ['Glassdoor', 'average', 82816]]
    """
    return load_article_table("salary_sources")


def load_state_salaries() -> pd.DataFrame:
    """Both state tables in one: the top 10 (``table == "top10"``) and ranks 41-45 (``"lowest"``).

    ``state`` is spelled as printed ("Washington D.C."); ``state_abbr`` is the USPS code ("DC").

    >>> states = load_state_salaries()
    >>> states.shape
    (15, 8)
    >>> states.groupby("table").size().to_dict()
    {'lowest': 5, 'top10': 10}
    >>> states.loc[states["rank"] == 1, ["state", "state_abbr", "annual_mean_usd"]].values.tolist()
    [['Washington D.C.', 'DC', 65400]]
    """
    return load_article_table("state_salaries")


def load_specialties() -> pd.DataFrame:
    """The "Salary by Specialty" table: 10 specialties with salary range, credential and demand.

    >>> specialties = load_specialties()
    >>> specialties.shape
    (10, 8)
    >>> int((specialties.demand_level == "High").sum())
    4
    """
    return load_article_table("specialties")


def load_hcc_niche() -> pd.DataFrame:
    """The risk adjustment (HCC) section, one row per statement: 6 rows.

    "Demand has increased 40%+" is open-ended: ``pct_low`` 40, no ``pct_high``.

    >>> growth = load_hcc_niche().set_index("topic").loc["demand_growth"]
    >>> float(growth.pct_low), pd.isna(growth.pct_high), int(growth.since_year)
    (40.0, True, 2020)
    """
    return load_article_table("hcc_niche")


def load_remote_work_models() -> pd.DataFrame:
    """The "Work Model" table: share of coding jobs (percent range) and salary impact, 3 rows.

    >>> models = load_remote_work_models()
    >>> models.shape
    (3, 6)
    >>> float(models.pct_low.sum()), float(models.pct_high.sum())
    (85.0, 110.0)
    """
    return load_article_table("remote_work_models")


def load_remote_advantages() -> pd.DataFrame:
    """The remote-work advantages (4 bullets) and the two remote-work sentences of the state section.

    >>> adv = load_remote_advantages().set_index("topic")
    >>> adv.loc["no_commute_costs", ["savings_low_usd", "savings_high_usd"]].tolist()
    [3000, 8000]
    """
    return load_article_table("remote_advantages")


def load_career_path() -> pd.DataFrame:
    """The career ladder, levels 1 (Junior/Entry Coder) to 7 (Director of HIM/Coding).

    >>> path = load_career_path()
    >>> path.shape
    (7, 12)
    >>> top = path.set_index("level").loc[7]
    >>> int(top.salary_low_usd), top.salary_high_usd is pd.NA, int(top.salary_open_from_usd), int(top.years_low)
    (90000, True, 120000, 10)
    """
    return load_article_table("career_path")


def load_alternative_careers() -> pd.DataFrame:
    """The "Alternative Career Paths" table: 6 careers, how to get there, salary range.

    >>> alt = load_alternative_careers()
    >>> alt.shape
    (6, 11)
    >>> alt.career[alt.salary_high_open].tolist()
    ['Medical Coding Consultant']
    """
    return load_article_table("alternative_careers")


def load_job_outlook() -> pd.DataFrame:
    """The "Job Outlook (2024–2034)" table, one fact per row, plus the later "Over 14,800" line.

    >>> outlook = load_job_outlook().set_index("claim_id")
    >>> openings = outlook.loc["outlook.annual_openings"]
    >>> int(openings["count"]), bool(openings.approx)
    (14800, True)
    >>> growth = outlook.loc["outlook.projected_growth"]
    >>> float(growth.pct), int(growth.period_start_year), int(growth.period_end_year)
    (8.0, 2024, 2034)
    """
    return load_article_table("job_outlook")


def load_ai_impact() -> pd.DataFrame:
    """The "Will AI Replace Medical Coders?" section: qualitative statements, no numbers.

    >>> ai = load_ai_impact()
    >>> ai.shape
    (7, 5)
    >>> ai.set_index("topic").loc["short_answer", "statement"]
    'No, but AI is changing the role.'
    """
    return load_article_table("ai_impact")


def load_salary_plan() -> pd.DataFrame:
    """The year-by-year plan ("Year 1–2", "Year 2–5", "Year 5+"), one action per row: 11 rows.

    "Year 5+" is open: ``year_end`` is empty and ``year_end_open`` is True.

    >>> plan = load_salary_plan()
    >>> plan.groupby("phase", sort=False).size().to_dict()
    {'Year 1-2': 3, 'Year 2-5': 4, 'Year 5+': 4}
    >>> plan.loc[plan.salary_low_usd.notna(), ["salary_low_usd", "salary_high_usd"]].values.tolist()
    [[70000, 95000]]
    """
    return load_article_table("salary_plan")
