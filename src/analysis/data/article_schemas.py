"""The declared shape of every article table in ``data/article/``: pandera schemas built from a few column kinds.

A salary range, a years range and a percent range are declared once (``_salary_range``, ``_years``,
``_pct_range``) with their row rules (low not above high; an open "+" figure has no upper bound), and each
table's schema is assembled from them. The loaders are in :mod:`analysis.data.article`.

>>> sorted(ARTICLE_TABLES)[:3]
['ai_impact', 'alternative_careers', 'career_path']
>>> list(SPECIALTIES_SCHEMA.columns)[2:5]
['salary_low_usd', 'salary_high_usd', 'salary_high_open']
"""

from __future__ import annotations

import re

import pandas as pd
import pandera.pandas as pa

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


def _pct(nullable: bool = True) -> pa.Column:
    return pa.Column(float, [pa.Check.ge(0), pa.Check.le(100)], nullable=nullable, coerce=True)


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


def _pct_range(nullable: bool = True) -> dict:
    return {"pct_low": _pct(nullable), "pct_high": _pct(nullable)}


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
        **_pct_range(nullable=False),
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
