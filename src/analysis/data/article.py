"""The article's tables and figures as tidy tables: one loader per file in ``data/article/``.

Every number here is a **claim** made by the article "Medical Coding Salary & Career Outlook in
2026", copied exactly as printed; none is evidence. The BLS evidence lives in ``data/evidence/``.

Each loader reads one CSV, checks it against a declared schema (column names, types, ranges,
unique ids) and returns a pandas DataFrame. A few rules hold in every file:

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

import re
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from analysis.data.tables import data_path, read_table

ARTICLE_DIR = "article"
SOURCE_FILE = f"{ARTICLE_DIR}/source_article.txt"

# --------------------------------------------------------------------------- column builders


def _as_flag(series: pd.Series) -> pd.Series:
    """Turn the text "true"/"false" into True/False; leave anything else for the type check to reject."""
    words = {"true": True, "false": False}
    return series.map(lambda v: words.get(v, v) if isinstance(v, str) else v)


def _id(prefix: str) -> pa.Column:
    return pa.Column(str, pa.Check.str_matches(rf"^{re.escape(prefix)}\.[a-z0-9_.]+$"), unique=True)


def _text(nullable: bool = False, *checks) -> pa.Column:
    return pa.Column(str, list(checks), nullable=nullable)


def _choice(values, nullable: bool = False) -> pa.Column:
    return pa.Column(str, pa.Check.isin(list(values)), nullable=nullable)


def _usd(nullable: bool = True) -> pa.Column:
    return pa.Column("Int64", pa.Check.ge(0), nullable=nullable, coerce=True)


def _whole(nullable: bool = True, minimum: int = 0) -> pa.Column:
    return pa.Column("Int64", pa.Check.ge(minimum), nullable=nullable, coerce=True)


def _pct() -> pa.Column:
    return pa.Column(float, [pa.Check.ge(0), pa.Check.le(100)], nullable=True, coerce=True)


def _flag() -> pa.Column:
    return pa.Column("boolean", nullable=False, coerce=True, parsers=pa.Parser(_as_flag))


def _original_text() -> pa.Column:
    return pa.Column(str, pa.Check.str_length(min_value=1))


# --------------------------------------------------------------------------- row rules


def _typed(df: pd.DataFrame, *columns: str) -> bool:
    """True when every column got its declared type (else its own type error is the one to report)."""
    return all(pd.api.types.is_numeric_dtype(df[c]) or pd.api.types.is_bool_dtype(df[c]) for c in columns)


def _low_not_above_high(low: str, high: str) -> pa.Check:
    def check(df):
        if not _typed(df, low, high):
            return pd.Series(True, index=df.index)
        both = df[low].notna() & df[high].notna()
        return ~both | (df[low] <= df[high])

    return pa.Check(check, name=f"{low}_not_above_{high}", error=f"{low} must not be above {high}")


def _open_means_no_high(low: str, high: str, is_open: str, open_from: str | None = None) -> pa.Check:
    """An open range ("+") has no upper figure; a closed one with a low figure has a high one."""

    def check(df):
        if not _typed(df, low, high, is_open, *([open_from] if open_from else [])):
            return pd.Series(True, index=df.index)
        has_low = df[low].notna()
        opened = df[is_open].fillna(False).astype(bool)
        ok = ~opened | (has_low & df[high].isna())
        ok &= opened | ~has_low | df[high].notna()
        if open_from is not None:
            ok &= opened == df[open_from].notna()
        return ok

    rule = f"{is_open} is true exactly when {high} is empty" + (f" and {open_from} is set" if open_from else "")
    return pa.Check(check, name=f"{is_open}_rule", error=rule)


def _salary_range(open_from: bool = True) -> dict:
    columns = {
        "salary_low_usd": _usd(),
        "salary_high_usd": _usd(),
        "salary_high_open": _flag(),
    }
    if open_from:
        columns["salary_open_from_usd"] = _usd()
    return columns


def _salary_checks(open_from: bool = True) -> list:
    return [
        _low_not_above_high("salary_low_usd", "salary_high_usd"),
        _open_means_no_high("salary_low_usd", "salary_high_usd", "salary_high_open",
                            "salary_open_from_usd" if open_from else None),
    ]


def _years() -> dict:
    return {"years_low": _whole(), "years_high": _whole(), "years_high_open": _flag()}


def _years_checks() -> list:
    return [_low_not_above_high("years_low", "years_high"),
            _open_means_no_high("years_low", "years_high", "years_high_open")]


def _pct_range() -> dict:
    return {"pct_low": _pct(), "pct_high": _pct()}


def _schema(columns: dict, checks=()) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(columns, checks=list(checks), strict=True, ordered=True)


# --------------------------------------------------------------------------- schemas

NATIONAL_OVERVIEW_SCHEMA = _schema(
    {
        "claim_id": _id("national"),
        "metric": _text(),
        "measure": _choice(["annual_median", "hourly_median", "annual_average", "experience_band", "top_10_percent"]),
        **_years(),
        **_salary_range(),
        "hourly_wage_usd": pa.Column(float, pa.Check.ge(0), nullable=True, coerce=True),
        "original_text": _original_text(),
    },
    _years_checks() + _salary_checks(),
)

CERTIFICATION_STATUS_SCHEMA = _schema(
    {
        "claim_id": _id("certification"),
        "certification_status": _text(),
        **_salary_range(),
        "job_access": _text(),
        "original_text": _original_text(),
    },
    _salary_checks(),
)

CERTIFICATION_PREMIUM_SCHEMA = _schema(
    {
        "claim_id": _id("premium"),
        "section": _text(),
        "subject": _text(),
        "measure": _choice(["average_salary", "premium_usd", "premium_pct"]),
        **_salary_range(),
        "premium_usd": _usd(),
        **_pct_range(),
        "approx": _flag(),
        "attribution": _text(nullable=True),
        "original_text": _original_text(),
    },
    _salary_checks() + [_low_not_above_high("pct_low", "pct_high")],
)

SALARY_SOURCES_SCHEMA = _schema(
    {
        "claim_id": _id("source"),
        "source_name": _text(),
        "measure": _choice(["median", "average"]),
        "salary_usd": _usd(nullable=False),
        "stated_reason": _text(),
        "used_as_baseline": _flag(),
        "baseline_reason": _text(nullable=True),
        "original_text": _original_text(),
    }
)

def _is_state_or_dc(codes: pd.Series) -> pd.Series:
    from analysis.data.states import all_states

    return codes.isin([s.abbr for s in all_states()])


# Checked when a file is read, so the reference table of states is loaded only then.
_KNOWN_STATE = pa.Check(_is_state_or_dc, error="not the USPS code of a state or DC (see data/reference/us_states.csv)")

STATE_SALARIES_SCHEMA = _schema(
    {
        "claim_id": _id("state"),
        "table": _choice(["top10", "lowest"]),
        "rank": _whole(nullable=False, minimum=1),
        "state": pa.Column(str, unique=True),
        "state_abbr": pa.Column(str, [pa.Check.str_matches(r"^[A-Z]{2}$"), _KNOWN_STATE], unique=True),
        "annual_mean_usd": _usd(nullable=False),
        "note": _text(nullable=True),
        "original_text": _original_text(),
    }
)

DEMAND_LEVELS = ["Medium", "Medium-High", "High", "Very High"]
"""The article's demand levels, lowest first (use as a sort order)."""

SPECIALTIES_SCHEMA = _schema(
    {
        "claim_id": _id("specialty"),
        "specialty": pa.Column(str, unique=True),
        **_salary_range(open_from=False),
        "certification": _text(),
        "demand_level": _choice(DEMAND_LEVELS),
        "original_text": _original_text(),
    },
    _salary_checks(open_from=False),
)

HCC_NICHE_SCHEMA = _schema(
    {
        "claim_id": _id("hcc"),
        "topic": pa.Column(str, unique=True),
        "label": _text(nullable=True),
        "statement": _text(),
        **_salary_range(open_from=False),
        **_pct_range(),
        "pct_high_open": _flag(),
        "since_year": _whole(),
        "original_text": _original_text(),
    },
    _salary_checks(open_from=False) + [_open_means_no_high("pct_low", "pct_high", "pct_high_open")],
)

REMOTE_WORK_MODELS_SCHEMA = _schema(
    {
        "claim_id": _id("remote_model"),
        "work_model": pa.Column(str, unique=True),
        "pct_low": pa.Column(float, [pa.Check.ge(0), pa.Check.le(100)], coerce=True),
        "pct_high": pa.Column(float, [pa.Check.ge(0), pa.Check.le(100)], coerce=True),
        "salary_impact": _text(),
        "original_text": _original_text(),
    },
    [_low_not_above_high("pct_low", "pct_high")],
)

REMOTE_ADVANTAGES_SCHEMA = _schema(
    {
        "claim_id": _id("remote_advantage"),
        "section": _text(),
        "topic": pa.Column(str, unique=True),
        "label": _text(nullable=True),
        "statement": _text(),
        "savings_low_usd": _usd(),
        "savings_high_usd": _usd(),
        **_pct_range(),
        "original_text": _original_text(),
    },
    [_low_not_above_high("savings_low_usd", "savings_high_usd"), _low_not_above_high("pct_low", "pct_high")],
)

CAREER_PATH_SCHEMA = _schema(
    {
        "claim_id": _id("career"),
        "level": pa.Column("Int64", pa.Check.in_range(1, 7), unique=True, coerce=True),
        "title": pa.Column(str, unique=True),
        **_salary_range(),
        **_years(),
        "key_skills": _text(),
        "original_text": _original_text(),
    },
    _salary_checks() + _years_checks(),
)

ALTERNATIVE_CAREERS_SCHEMA = _schema(
    {
        "claim_id": _id("alt_career"),
        "career": pa.Column(str, unique=True),
        "how_to_get_there": _text(),
        **_salary_range(),
        **_years(),
        "original_text": _original_text(),
    },
    _salary_checks() + _years_checks(),
)

JOB_OUTLOOK_SCHEMA = _schema(
    {
        "claim_id": _id("outlook"),
        "section": _text(),
        "topic": _text(),
        "metric": _text(nullable=True),
        "statement": _text(),
        "pct": _pct(),
        "count": _whole(),
        "approx": _flag(),
        "at_least": _flag(),
        "period_start_year": _whole(),
        "period_end_year": _whole(),
        "original_text": _original_text(),
    },
    [_low_not_above_high("period_start_year", "period_end_year")],
)

AI_IMPACT_SCHEMA = _schema(
    {
        "claim_id": _id("ai"),
        "topic": pa.Column(str, pa.Check.str_matches(r"^[a-z0-9_]+$"), unique=True),
        "label": _text(nullable=True),
        "statement": _text(),
        "original_text": _original_text(),
    }
)

SALARY_PLAN_SCHEMA = _schema(
    {
        "claim_id": _id("plan"),
        "phase": _choice(["Year 1-2", "Year 2-5", "Year 5+"]),
        "phase_title": _text(),
        "year_start": _whole(nullable=False),
        "year_end": _whole(),
        "year_end_open": _flag(),
        "step": _whole(nullable=False, minimum=1),
        "action": _text(),
        **_pct_range(),
        **_salary_range(open_from=False),
        "original_text": _original_text(),
    },
    [_low_not_above_high("year_start", "year_end"),
     _open_means_no_high("year_start", "year_end", "year_end_open"),
     _low_not_above_high("pct_low", "pct_high")] + _salary_checks(open_from=False),
)

ARTICLE_TABLES = {
    "national_overview": NATIONAL_OVERVIEW_SCHEMA,
    "certification_status": CERTIFICATION_STATUS_SCHEMA,
    "certification_premium": CERTIFICATION_PREMIUM_SCHEMA,
    "salary_sources": SALARY_SOURCES_SCHEMA,
    "state_salaries": STATE_SALARIES_SCHEMA,
    "specialties": SPECIALTIES_SCHEMA,
    "hcc_niche": HCC_NICHE_SCHEMA,
    "remote_work_models": REMOTE_WORK_MODELS_SCHEMA,
    "remote_advantages": REMOTE_ADVANTAGES_SCHEMA,
    "career_path": CAREER_PATH_SCHEMA,
    "alternative_careers": ALTERNATIVE_CAREERS_SCHEMA,
    "job_outlook": JOB_OUTLOOK_SCHEMA,
    "ai_impact": AI_IMPACT_SCHEMA,
    "salary_plan": SALARY_PLAN_SCHEMA,
}
"""Every article table: name -> schema. The file is ``data/article/<name>.csv``."""


# --------------------------------------------------------------------------- loaders


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
