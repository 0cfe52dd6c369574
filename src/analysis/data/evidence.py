"""The public evidence: BLS wages by state, national facts and projections, salary surveys.

Each loader reads one file under ``data/evidence/`` with a declared schema (see :mod:`analysis.data.tables`).

>>> wages = load_state_wages(2024)
>>> len(wages), wages.attrs["year"]
(51, 2024)
>>> wages.set_index("state_abbr").loc["TX", ["annual_mean_usd", "annual_median_usd"]].tolist()
[51020, 47230]
>>> float(national_fact("May 2023", "annual_median").value)
48780.0
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import pandera.pandas as pa

from analysis.core.errors import InputError, closest, lookup
from analysis.data.cache import cached_by_files
from analysis.data.tables import read_table, source_of

class _StateWageFiles(Mapping):
    """Year -> state wage file, newest first, read from data/ each time (``medcoding data import`` adds years).

    >>> STATE_WAGE_FILES[2024]
    'evidence/bls_oews_may2024_state_29-2072.csv'
    """

    def _files(self) -> dict:
        from analysis.data.bls_years import state_files

        return dict(reversed(list(state_files().items())))

    def __getitem__(self, year):
        return self._files()[year]

    def __iter__(self):
        return iter(self._files())

    def __len__(self):
        return len(self._files())


STATE_WAGE_FILES = _StateWageFiles()
PERCENTILES_2023_FILE = "evidence/bls_oews_may2023_state_29-2072_percentiles_partial.csv"
NATIONAL_FACTS_FILE = "evidence/bls_national_facts_29-2072.csv"
SURVEYS_FILE = "evidence/certification_salary_surveys.csv"

# The measures each BLS state year carries (May 2023's state file here has means only;
# its medians exist for 35 areas in the partial percentile file).
# A year added by `medcoding data import` has the May 2024 file's columns (employment, mean, median).
STATE_MEASURES = {2024: ("median", "mean"), 2023: ("mean",)}

_money = dict(dtype="Int64", checks=pa.Check.ge(0), coerce=True)


def _state_columns(with_employment: bool = False, **money_columns) -> dict:
    from analysis.data.states import states_table

    known = states_table()
    columns = {
        "state_fips": pa.Column(str, [pa.Check.str_matches(r"^\d{2}$"), pa.Check.isin(known.state_fips.tolist())], unique=True),
        "state": pa.Column(str, pa.Check.isin(known.state.tolist()), unique=True),
        "state_abbr": pa.Column(str, pa.Check.isin(known.state_abbr.tolist()), unique=True),
    }
    for name, spec in money_columns.items():
        columns[name] = pa.Column(**spec)
    return columns


def _consistent_codes(frame: pd.DataFrame) -> pd.Series:
    """Each row's FIPS code, name and abbreviation must name the same area."""
    from analysis.data.states import states_table

    known = states_table().set_index("state_fips").reindex(frame.state_fips)  # an unknown code: a row of NaN
    same = (known.state_abbr.to_numpy() == frame.state_abbr.to_numpy()) & (known.state.to_numpy() == frame.state.to_numpy())
    return pd.Series(same, index=frame.index)


def _state_schema(**money_columns) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        _state_columns(**money_columns),
        checks=pa.Check(_consistent_codes, error="FIPS code, name and abbreviation must name the same area"),
        strict=True,
    )


STATES_FILE = "reference/us_states.csv"


@cached_by_files((STATES_FILE,), copy=False)
def _schemas():
    return {
        2024: _state_schema(employment=_money, annual_mean_usd=_money, annual_median_usd=_money),
        2023: _state_schema(hourly_mean_usd=dict(dtype=float, checks=pa.Check.ge(0), coerce=True), annual_mean_usd=_money),
        "p2023": _state_schema(annual_p10_usd=_money, annual_median_usd=_money, annual_p90_usd=_money),
    }


def _state_wage_files(year: int = 2024, *, include_territories: bool = False) -> tuple:
    return (STATE_WAGE_FILES.get(year, ""), STATES_FILE, "sources.csv")


@cached_by_files(_state_wage_files)
def load_state_wages(year: int = 2024, *, include_territories: bool = False) -> pd.DataFrame:
    """BLS OEWS state wages for Medical Records Specialists (SOC 29-2072), May ``year``.

    2024: employment, annual mean and median (51 areas). 2023: hourly and annual mean (51 areas,
    plus Guam, Puerto Rico and the Virgin Islands with ``include_territories=True``).

    >>> load_state_wages(2023, include_territories=True).shape
    (54, 5)
    """
    if year not in STATE_WAGE_FILES:
        raise InputError("year", year, allowed=list(STATE_WAGE_FILES), suggestion=None)
    frame = read_table(STATE_WAGE_FILES[year], _schemas().get(year, _schemas()[2024]))
    if not include_territories:
        from analysis.data.states import states_table

        territories = states_table().query("kind == 'territory'").state_abbr
        frame = frame[~frame.state_abbr.isin(territories)].reset_index(drop=True)
    frame.attrs["year"] = year
    return frame


def employment_year(year: int | None = None) -> int:
    """``year`` if its state file has employment, else the newest year that has (May 2023's file has none here).

    >>> employment_year(2023), employment_year(2024)
    (2024, 2024)
    """
    if year is not None and "employment" in load_state_wages(year):
        return year
    return max(y for y in STATE_WAGE_FILES if "employment" in load_state_wages(y))


@cached_by_files((PERCENTILES_2023_FILE, STATES_FILE, "sources.csv"))
def load_state_percentiles_2023() -> pd.DataFrame:
    """May 2023 annual 10th percentile, median and 90th percentile for the 35 areas a third-party page kept.

    The other 16 states are missing from the source: they are absent here, never filled in.

    >>> len(load_state_percentiles_2023())
    35
    """
    return read_table(PERCENTILES_2023_FILE, _schemas()["p2023"])


def state_wage_measure(year: int, measure: str) -> pd.DataFrame:
    """One wage measure for every state: columns state_fips, state, state_abbr, wage_usd (+ employment in 2024).

    May 2023 medians come from the partial percentile file, so 16 states have none (shown as missing).

    >>> int(state_wage_measure(2023, "median").wage_usd.isna().sum())
    16
    >>> state_wage_measure(2023, "meen")
    Traceback (most recent call last):
    ...
    analysis.core.errors.InputError: measure='meen' is not allowed. Did you mean 'mean'? Allowed: median, mean.
    """
    if measure not in ("median", "mean"):
        lookup("measure", measure, ["median", "mean"])
    wages = load_state_wages(year)
    keep = ["state_fips", "state", "state_abbr"] + (["employment"] if "employment" in wages else [])
    if measure == "median" and year == 2023:
        medians = load_state_percentiles_2023()[["state_fips", "annual_median_usd"]]
        frame = wages[keep].merge(medians, on="state_fips", how="left").rename(columns={"annual_median_usd": "wage_usd"})
        source = f"{wages.attrs['source'].get('title')}; medians: {load_state_percentiles_2023().attrs['source'].get('source')}"
    else:
        frame = wages[keep].assign(wage_usd=wages[f"annual_{measure}_usd"])
        source = wages.attrs["source"].get("title")
    frame.attrs.update(year=year, measure=measure, source_text=source, file=wages.attrs["file"])
    return frame


NATIONAL_SCHEMA = pa.DataFrameSchema(
    {
        "period": pa.Column(str),
        "series": pa.Column(str),
        "measure": pa.Column(str),
        "value": pa.Column(float, pa.Check.ge(0), coerce=True),
        "unit": pa.Column(str),
        "source": pa.Column(str),
        "source_quality": pa.Column(str),
    },
    unique=["period", "series", "measure"],
    strict=True,
)


def _national_facts_files() -> tuple:
    from analysis.data.bls_years import ep_files, national_files

    return (NATIONAL_FACTS_FILE, "sources.csv", *national_files().values(), *ep_files().values())


@cached_by_files(_national_facts_files)
def load_national_facts() -> pd.DataFrame:
    """National BLS wages (May 2011-2025) and Employment Projections rounds, one fact per row, each with its source.

    >>> load_national_facts().query("series == 'EP 2024-34' and measure == 'pct_change'").value.item()
    7.0
    """
    facts = read_table(NATIONAL_FACTS_FILE, NATIONAL_SCHEMA)
    return _with_imported_facts(facts)


def _with_imported_facts(facts: pd.DataFrame) -> pd.DataFrame:
    """Add the facts of files ``medcoding data import`` wrote (official BLS files); for the same period, series
    and measure, the official file's figure is the one kept. The curated file itself is never changed."""
    from analysis.data.bls_keep import national_facts_from
    from analysis.data.bls_years import ep_files, national_files

    parts = [facts]
    for file in national_files().values():
        parts.append(national_facts_from(file, source_of(file)))
    for file in ep_files().values():
        parts.append(read_table(file, NATIONAL_SCHEMA))
    if len(parts) == 1:
        return facts
    attrs = dict(facts.attrs)
    merged = pd.concat(parts, ignore_index=True)
    merged["value"] = merged.value.astype(float)
    merged = merged.drop_duplicates(["period", "series", "measure"], keep="last").reset_index(drop=True)
    merged.attrs.update(attrs)
    return merged


def national_fact(period: str, measure: str, series: str | None = None) -> pd.Series:
    """One national fact as a row (value, unit, source, source_quality).

    >>> float(national_fact("2024", "base_employment").value)
    194800.0
    """
    facts = load_national_facts()
    rows = facts[(facts.period == period) & (facts.measure == measure)]
    if series is not None:
        rows = rows[rows.series == series]
    if len(rows) != 1:
        known = sorted(set(facts.period + " " + facts.measure))
        raise InputError("national fact", f"{period} {measure}", allowed=known, suggestion=closest(f"{period} {measure}", known))
    return rows.iloc[0]


SURVEYS_SCHEMA = pa.DataFrameSchema(
    {"survey": pa.Column(str), "measure": pa.Column(str), "value": pa.Column(str), "source": pa.Column(str)},
    unique=["survey", "measure"],
    strict=True,
)


@cached_by_files((SURVEYS_FILE, "sources.csv"))
def load_certification_surveys() -> pd.DataFrame:
    """AAPC and other salary surveys: certified vs non-certified pay and stated premiums.

    ``value`` is kept as printed ("almost 18") in ``value_text``; ``value`` is its number. Surveys are
    self-reported by members, not BLS estimates.

    >>> s = load_certification_surveys()
    >>> s.query("measure == 'certified_premium_pct_stated'").value.tolist()
    [18.0, 27.0, 33.0]
    """
    frame = read_table(SURVEYS_FILE, SURVEYS_SCHEMA)
    # A number, optionally after words ("almost 18"); a minus sign is kept so that it is rejected, not dropped.
    numbers = frame.value.str.strip().str.extract(r"^(?:[A-Za-z][A-Za-z ]*\s)?(-?\d+(?:\.\d+)?)$")[0]
    bad = numbers.isna() | numbers.str.startswith("-").fillna(False)
    if bad.any():
        from analysis.core.errors import DataFileError

        line = int(frame.index[bad][0]) + 2
        value = frame.value[bad].iloc[0]
        problem = (f"{value!r} is negative; allowed: 0 or more" if numbers[bad].notna().iloc[0]
                   else f"{value!r} is not a number (allowed: a number, optionally after words, e.g. 'almost 18')")
        raise DataFileError(f"data/{SURVEYS_FILE}", problem, line=line, column="value")
    attrs = frame.attrs.copy()
    frame = frame.rename(columns={"value": "value_text"}).assign(value=numbers.astype(float))
    frame.attrs.update(attrs)
    return frame[["survey", "measure", "value", "value_text", "source"]]
