"""Official BLS OEWS files (Occupational Employment and Wage Statistics), read as published.

BLS publishes OEWS estimates as spreadsheets with one column layout: ``AREA``, ``AREA_TITLE``, ...,
``OCC_CODE``, ``OCC_TITLE``, ``O_GROUP``, ``TOT_EMP``, ``H_MEAN``, ``A_MEAN``, ``H_PCT10`` ..
``H_PCT90``, ``A_PCT10`` .. ``A_PCT90``, ``ANNUAL``, ``HOURLY``. This module reads such a file (the
May 2021 national file in ``data/``, or a newer one a person drops in from anywhere) into a typed
table and refuses a file it cannot read faithfully, naming the file, the line and the column.

What it accepts:

* comma-, semicolon- or tab-separated text; UTF-8 with or without a byte-order mark (an Excel
  "CSV" in the Windows code page is read as cp1252); CRLF or LF line ends;
* headers in any case (``a_median`` = ``A_MEDIAN``), and the older names ``OCC_GROUP``/``GROUP``
  (for ``O_GROUP``) and ``AREA_NAME`` (for ``AREA_TITLE``);
* thousands commas ("180,570"); BLS's markers in place of a number (see below).

What it returns (one row per area x industry x occupation x group, as in the file):

* lower-case column names (``occ_code``, ``tot_emp``, ``a_median`` ...), only those the file has;
  codes (``area``, ``naics``, ``occ_code``) stay text, so "01" keeps its zero;
* numbers as numbers: ``tot_emp`` and annual wages (``a_*``) whole dollars (``Int64``), hourly
  wages (``h_*``) and the other figures decimals (``Float64``); ``annual``/``hourly`` as booleans;
* beside ``tot_emp`` and every wage column, a **status** column (``a_median_status`` ...):

  ===============  ======================================================================
  ``value``        a published number (the column holds it)
  ``suppressed``   ``*`` or ``**``: BLS publishes no estimate (e.g. the hourly wage of an
                   occupation paid by the year); the column holds <NA>
  ``top_coded``    ``#``: the wage is at or above the release's top-coding threshold; the
                   column holds <NA>: the file gives no number, and none is put in its place
  ``blank``        the cell is empty
  ===============  ======================================================================

  The threshold behind ``#`` is stated in each release's field descriptions, not in the CSV. For
  May 2021 it reads "a wage equal to or greater than $100.00 per hour or $208,000 per year" (the
  highest published May 2021 percentiles, $99.72 and $207,420, sit just below it); newer releases
  state "$115.00 per hour or $239,200 per year". Read the footnote of the release you load.
* the other figures (``emp_prse``, ``jobs_1000``, ``loc_quotient``, ``pct_total``, ``pct_rpt``,
  ``mean_prse``) become <NA> where the file has ``*``, ``**`` or ``~`` (BLS: "less than 0.5% of
  establishments reporting"); the kit does not show them.

:func:`to_long` turns the wide table into one row per wage (``pay``, ``statistic``, ``value``, ``status``).

>>> national = load_national_2021()
>>> row = national.set_index("occ_code").loc["29-2072"]
>>> row.occ_title, int(row.tot_emp), int(row.a_median), float(row.h_median)
('Medical Records Specialists', 180570, 46660, 22.43)
>>> ceo = national.query("occ_code == '11-1011'").iloc[0]
>>> ceo.a_pct90 is pd.NA, ceo.a_pct90_status
(True, 'top_coded')
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from analysis.data.cache import cached_by_files
from analysis.data.tables import data_dir, data_path, read_table, source_of, validate
from analysis.core.errors import DataFileError, InputError, closest

NATIONAL_2021_FILE = "evidence/gpts-are-gpts/national_May2021_dl.csv"
MEDICAL_RECORDS = "29-2072"

STATUSES = ("value", "suppressed", "top_coded", "blank")
_WAGE_MARKERS = {"*": "suppressed", "**": "suppressed", "#": "top_coded"}
_EMPLOYMENT_MARKERS = {"*": "suppressed", "**": "suppressed"}
_OTHER_MARKERS = ("*", "**", "~")

HOURLY_WAGES = ("H_MEAN", "H_PCT10", "H_PCT25", "H_MEDIAN", "H_PCT75", "H_PCT90")
ANNUAL_WAGES = ("A_MEAN", "A_PCT10", "A_PCT25", "A_MEDIAN", "A_PCT75", "A_PCT90")
WAGES = HOURLY_WAGES + ANNUAL_WAGES
OTHER_FIGURES = ("EMP_PRSE", "JOBS_1000", "LOC_QUOTIENT", "PCT_TOTAL", "PCT_RPT", "MEAN_PRSE")
O_GROUPS = ("total", "major", "minor", "broad", "detailed", "detail")

REQUIRED = ("OCC_CODE", "OCC_TITLE")
"""Columns every OEWS file must have (plus at least one of TOT_EMP and the wage columns)."""

NATIONAL_2021_REQUIRED = ("AREA", "AREA_TITLE", "OCC_CODE", "OCC_TITLE", "O_GROUP", "TOT_EMP") + WAGES

# Older BLS layouts name some columns differently; used only when the file lacks the current name.
_ALIASES = {"OCC_GROUP": "O_GROUP", "GROUP": "O_GROUP", "AREA_NAME": "AREA_TITLE"}

# National "99", state FIPS "06", metropolitan area "10180", nonmetropolitan area "0100001".
_AREA_CODE = r"^(\d{2}|\d{5}|\d{7})$"
_NUMBER_WITH_COMMAS = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")


# --------------------------------------------------------------------------- loading


def load_oews_file(path, *, required=REQUIRED, period: str | None = None) -> pd.DataFrame:
    """Read any BLS OEWS file in the official layout, from anywhere on disk, into a typed table.

    ``path``: an absolute path, a path relative to the current folder, or one relative to ``data/``.
    ``required``: columns the file must have (default :data:`REQUIRED`). ``period`` (e.g. "May 2024")
    labels the table; when None it is read from a BLS file name such as ``national_M2024_dl.csv``.

    The raw May 2023 state rows (``;``-separated, no AREA or O_GROUP columns) load too:

    >>> rows = load_oews_file("evidence/raw/state_M2023_dl_29-2072_rows.csv")
    >>> rows.columns.tolist()
    ['area_title', 'occ_code', 'occ_title', 'h_mean', 'h_mean_status', 'a_mean', 'a_mean_status']
    >>> alaska = rows.set_index("area_title").loc["Alaska"]
    >>> float(alaska.h_mean), int(alaska.a_mean), alaska.a_mean_status
    (28.32, 58900, 'value')
    >>> rows.attrs["period"]
    'May 2023'
    """
    full, shown = _resolve(path)
    if full.suffix.lower() == ".xls":
        raise DataFileError(shown, "this is an old-style Excel workbook (.xls), which the kit does not read",
                            hint="open it in Excel or LibreOffice and save it as .xlsx, or save the data sheet as 'CSV UTF-8'")
    if full.suffix.lower() in (".xlsx", ".xlsm", ".zip"):
        from analysis.data.bls_files import read_tables

        sheet = read_tables(full, shown, "OCC_CODE")[0]  # a zip or workbook as BLS publishes it
        raw, period = sheet.table, period or sheet.period
    else:
        encoding, sep = _sniff(full, shown)
        raw = read_table(full, None, sep=sep, encoding=encoding)
    return typed_table(raw, full, shown, required=required, period=period)


def typed_table(raw: pd.DataFrame, full: Path, shown: str, *, required=REQUIRED, period: str | None = None) -> pd.DataFrame:
    """The text cells of an OEWS table (as read from a CSV or a workbook) typed and checked: see :func:`load_oews_file`."""
    raw = _drop_empty(raw)
    canonical = _canonical_names(raw.columns, shown)
    measures = [c for c, name in canonical.items() if name in WAGES + ("TOT_EMP",)]
    missing = [name for name in required if name not in canonical.values()]
    if not measures and not missing:
        raise DataFileError(shown, "the file has no employment or wage column (expected TOT_EMP, H_MEAN, A_MEAN, "
                            f"A_MEDIAN ...; it has: {', '.join(raw.columns)})", line=1, column="TOT_EMP")
    statuses = {column: _status(raw[column], canonical[column]) for column in measures}
    cleaned = raw.apply(lambda col: _clean(col, canonical.get(col.name)) if canonical.get(col.name) in _NUMERIC else col)
    typed = validate(cleaned, _schema(canonical, required), shown)
    _check_state_codes(typed, canonical, shown)
    typed = typed.rename(columns={c: canonical[c].lower() for c in typed.columns if c in canonical})
    typed = typed.rename(columns={c: _snake(c) for c in typed.columns if c not in canonical})
    for column, status in statuses.items():
        name = canonical[column].lower()
        typed.insert(typed.columns.get_loc(name) + 1, f"{name}_status", status)
    typed = typed.reset_index(drop=True)
    typed.attrs = _provenance(full, shown, period)
    return typed


def load_national_2021() -> pd.DataFrame:
    """The official BLS OEWS national file, May 2021: every occupation, cross-industry (1,403 rows).

    >>> t = load_national_2021()
    >>> len(t), t.attrs["period"], t.attrs["file"]
    (1403, 'May 2021', 'evidence/gpts-are-gpts/national_May2021_dl.csv')
    >>> t.set_index("occ_code").loc["29-2072", ["a_pct10", "a_median", "a_pct90"]].tolist()
    [29430, 46660, 74200]
    """
    return _national_2021()


@cached_by_files((NATIONAL_2021_FILE, "sources.csv"))
def _national_2021() -> pd.DataFrame:
    return load_oews_file(NATIONAL_2021_FILE, required=NATIONAL_2021_REQUIRED, period="May 2021")


def occupation_wages(codes, table: pd.DataFrame | None = None) -> pd.DataFrame:
    """The rows for SOC ``codes`` (a code, a list, or "a, b" text), in the order asked, one row per code.

    ``table`` defaults to :func:`load_national_2021`. O*NET codes ending in ``.00`` are accepted
    ("29-2072.00" is SOC "29-2072"). Where BLS lists a code twice (as a broad group and as the
    detailed occupation, with the same figures) the detailed row is kept.

    >>> w = occupation_wages(["29-2072", "13-1041"])
    >>> w[["occ_code", "occ_title", "tot_emp", "a_median"]].values.tolist()
    [['29-2072', 'Medical Records Specialists', 180570, 46660], ['13-1041', 'Compliance Officers', 334340, 71650]]
    >>> occupation_wages("29-2027")
    Traceback (most recent call last):
    ...
    analysis.core.errors.InputError: occupation code='29-2027': not in BLS OEWS May 2021. Did you mean '29-2072'? Allowed: a SOC code of this file such as '29-2072' (Medical Records Specialists).
    """
    table = load_national_2021() if table is None else table
    wanted = [_soc_code(c) for c in (codes.split(",") if isinstance(codes, str) else codes)]
    period = table.attrs.get("period") or "this file"
    rows = []
    for code in wanted:
        hits = table[table.occ_code == code]
        if hits.empty:
            raise InputError("occupation code", code, suggestion=_closest_code(code, table.occ_code.unique()),
                             reason=f"not in BLS OEWS {period}",
                             allowed=f"a SOC code of this file such as '{MEDICAL_RECORDS}' (Medical Records Specialists)")
        if "o_group" in hits and (hits.o_group == "detailed").any():
            hits = hits[hits.o_group == "detailed"]
        rows.append(hits.iloc[[0]])
    result = pd.concat(rows, ignore_index=True) if rows else table.iloc[0:0].reset_index(drop=True)
    result.attrs.update(table.attrs)
    return result


def to_long(table: pd.DataFrame) -> pd.DataFrame:
    """One row per wage: the identifying columns, then ``measure`` (file column), ``pay`` ("hourly" or
    "annual"), ``statistic`` ("mean", "p10", "p25", "median", "p75", "p90"), ``value`` and ``status``.

    >>> long = to_long(occupation_wages("11-1011"))
    >>> long.query("pay == 'annual'")[["statistic", "value", "status"]].values.tolist()
    [['mean', 213020.0, 'value'], ['p10', 60300.0, 'value'], ['p25', 111080.0, 'value'], ['median', 179520.0, 'value'], ['p75', <NA>, 'top_coded'], ['p90', <NA>, 'top_coded']]
    """
    wages = [w.lower() for w in WAGES if w.lower() in table.columns]
    ids = [c for c in ("area", "area_title", "naics", "own_code", "occ_code", "occ_title", "o_group") if c in table.columns]
    parts = []
    for wage in wages:
        part = table[ids].copy()
        part["measure"] = wage
        part["pay"] = "hourly" if wage.startswith("h_") else "annual"
        part["statistic"] = wage[2:].replace("pct", "p")
        part["value"] = table[wage].astype("Float64")
        part["status"] = table[f"{wage}_status"]
        parts.append(part)
    long = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=ids + ["measure", "pay", "statistic", "value", "status"])
    order = {w: i for i, w in enumerate(wages)}
    long = long.sort_values(ids[:1] + ["measure"], key=lambda s: s.map(order) if s.name == "measure" else s, kind="stable")
    long = long.reset_index(drop=True)
    long.attrs.update(table.attrs)
    return long


# --------------------------------------------------------------------------- reading helpers

_NUMERIC = WAGES + OTHER_FIGURES + ("TOT_EMP",)


def _resolve(path) -> tuple[Path, str]:
    """The file's full path and the name to show in messages (relative to the kit when under it)."""
    given = Path(str(path)).expanduser()
    if given.is_absolute() or given.exists():
        full = given.resolve()
    else:
        full = data_path(given)
    try:
        shown = str(full.relative_to(data_dir().resolve().parent))
    except ValueError:
        try:
            shown = str(full.relative_to(data_dir().parent))
        except ValueError:
            shown = str(full)
    if not full.exists():
        raise DataFileError(shown, "the file does not exist", hint="check the path; a file outside data/ needs its full path")
    return full, shown


def _sniff(full: Path, shown: str) -> tuple[str, str]:
    """(encoding, separator): UTF-8 (BOM or not) or Excel's cp1252; the header's commonest of , ; tab."""
    return _sniff_text(full.read_bytes())


def _sniff_text(head: bytes) -> tuple[str, str]:
    """(encoding, separator) of CSV bytes: see :func:`_sniff`."""
    try:
        text = head.decode("utf-8-sig")
        encoding = "utf-8-sig"
    except UnicodeDecodeError:
        text, encoding = head.decode("cp1252", errors="replace"), "cp1252"
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    sep = max([",", ";", "\t"], key=first.count)
    return encoding, sep


def _drop_empty(raw: pd.DataFrame) -> pd.DataFrame:
    """Drop what spreadsheets add: empty rows and unnamed empty columns (row labels keep their lines)."""
    unnamed = [c for c in raw.columns if str(c).startswith("Unnamed:") and raw[c].isna().all()]
    raw = raw.drop(columns=unnamed)
    return raw[~raw.isna().all(axis=1)]


def _canonical_names(columns, shown: str) -> dict:
    """file column -> official name (upper case, older aliases mapped); two columns for one name is an error."""
    names = {c: re.sub(r"\s+", "_", str(c).strip()).upper() for c in columns}
    present = set(names.values())
    names = {c: (_ALIASES[n] if n in _ALIASES and _ALIASES[n] not in present else n) for c, n in names.items()}
    seen = {}
    for column, name in names.items():
        if name in seen:
            raise DataFileError(shown, f"columns {seen[name]!r} and {column!r} are both {name}; keep one", line=1, column=column)
        seen[name] = column
    return names


def _status(column: pd.Series, name: str) -> pd.Series:
    markers = _WAGE_MARKERS if name in WAGES else _EMPLOYMENT_MARKERS
    text = column.str.strip()
    status = text.map(markers).where(text.isin(list(markers)), "value")
    return status.where(text.notna() & (text != ""), "blank").astype(str)


def _clean(column: pd.Series, name: str) -> pd.Series:
    """Markers -> missing, "180,570" -> "180570"; anything else is left for the schema to reject."""
    markers = list(_WAGE_MARKERS) if name in WAGES else list(_EMPLOYMENT_MARKERS) if name == "TOT_EMP" else list(_OTHER_MARKERS)
    text = column.str.strip()
    text = text.where(~text.isin(markers) & (text != ""), None)
    commas = text.fillna("").str.match(_NUMBER_WITH_COMMAS)
    return text.where(~commas, text.str.replace(",", "", regex=False))


def _schema(canonical: dict, required) -> pa.DataFrameSchema:
    """Checks keyed by the file's own column names, so an error names the column as the file spells it."""
    actual = {name: column for column, name in canonical.items()}
    columns = {}
    for name in set(actual) | set(required):
        column = actual.get(name, name)
        spec = _column_spec(name)
        if spec is not None:
            columns[column] = spec
    key = [actual[n] for n in ("AREA", "NAICS", "OWN_CODE", "OCC_CODE", "O_GROUP") if n in actual]
    if "AREA" not in actual and "AREA_TITLE" in actual:
        key.insert(0, actual["AREA_TITLE"])
    return pa.DataFrameSchema(columns, unique=key or None, strict=False)


def _column_spec(name: str):
    money = dict(checks=pa.Check.ge(0), nullable=True, coerce=True)
    if name in ANNUAL_WAGES or name == "TOT_EMP":
        return pa.Column("Int64", **money)
    if name in HOURLY_WAGES or name in OTHER_FIGURES:
        return pa.Column("Float64", **money)
    if name == "OCC_CODE":
        return pa.Column(str, pa.Check.str_matches(r"^\d{2}-\d{4}$"), nullable=False)
    if name == "OCC_TITLE":
        return pa.Column(str, nullable=False)
    if name == "O_GROUP":
        return pa.Column(str, pa.Check.isin(list(O_GROUPS)), nullable=False)
    if name == "AREA":
        return pa.Column(str, pa.Check.str_matches(_AREA_CODE), nullable=False)
    if name == "AREA_TYPE":
        return pa.Column("Int64", pa.Check.in_range(1, 6), nullable=True, coerce=True)
    if name in ("ANNUAL", "HOURLY"):
        return pa.Column("boolean", nullable=False, coerce=True, parsers=pa.Parser(_as_flag))
    if name in ("AREA_TITLE", "PRIM_STATE", "NAICS", "NAICS_TITLE", "I_GROUP", "OWN_CODE"):
        return pa.Column(str, nullable=True)
    return None


def _check_state_codes(typed: pd.DataFrame, canonical: dict, shown: str) -> None:
    """A state or territory row (AREA_TYPE 2 or 3) must carry a FIPS code the kit knows ("06", not "57")."""
    actual = {name: column for column, name in canonical.items()}
    if "AREA" not in actual or "AREA_TYPE" not in actual:
        return
    from analysis.data.states import states_table

    known = states_table()
    state_rows = typed[actual["AREA_TYPE"]].isin([2, 3]).fillna(False)
    unknown = state_rows & ~typed[actual["AREA"]].isin(known.state_fips)
    if unknown.any():
        index = unknown.idxmax()
        value = typed.loc[index, actual["AREA"]]
        raise DataFileError(shown, f"{value!r} is not the FIPS code of a US state, DC or territory (AREA_TYPE "
                            f"{typed.loc[index, actual['AREA_TYPE']]} is a state or territory row; codes are listed in "
                            "data/reference/us_states.csv)", line=int(index) + 2, column=actual["AREA"])


def _as_flag(series: pd.Series) -> pd.Series:
    """BLS writes TRUE or leaves the cell empty; Excel may write True/FALSE. Anything else stays for the type check."""
    words = {"TRUE": True, "FALSE": False}
    return series.map(lambda v: False if v is None or (isinstance(v, float) and pd.isna(v))
                      else words.get(v.strip().upper(), v) if isinstance(v, str) else v)


def _snake(name: str) -> str:
    return re.sub(r"\W+", "_", str(name).strip()).strip("_").lower()


def _provenance(full: Path, shown: str, period: str | None) -> dict:
    match = re.search(r"M(\d{4})", full.name)
    period = period or (f"May {match.group(1)}" if match else None)
    try:
        relative = full.relative_to(data_dir().resolve()).as_posix()
    except ValueError:
        relative = None
    if relative is not None:
        return {"file": relative, "source": source_of(relative), "period": period}
    # A file from outside data/: say so, and do not pretend it was checked.
    source = {"file": str(full), "title": f"BLS OEWS file {full.name}" + (f" ({period})" if period else ""),
              "source": f"{shown}, supplied by the user", "quality": "as supplied by the user; not checked against BLS"}
    return {"source": source, "source_text": f"{source['title']}, from {shown} (supplied by the user)", "period": period}


def _closest_code(code: str, codes) -> str | None:
    """A code with the same digits in another order (a swapped pair is the commonest typo), else the most similar.

    >>> _closest_code("29-2027", ["29-2092", "29-2072"])
    '29-2072'
    """
    codes = list(codes)
    swapped = [c for c in codes if sorted(c) == sorted(code)]
    if swapped:
        return max(swapped, key=lambda c: sum(a == b for a, b in zip(c, code)))
    return closest(code, codes)


def _soc_code(value) -> str:
    text = str(value).strip()
    if re.fullmatch(r"\d{2}-\d{4}\.00", text):
        text = text[:-3]
    if not re.fullmatch(r"\d{2}-\d{4}", text):
        raise InputError("occupation code", value, allowed="a SOC code like '29-2072' (or an O*NET code like '29-2072.00')")
    return text
