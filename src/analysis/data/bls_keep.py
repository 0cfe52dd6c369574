"""What ``medcoding data import`` keeps of each BLS file, checked: the bytes of the new file and its ``sources.csv`` row.

One function per kind of file, each returning a :class:`Planned` (nothing is written here):
:func:`plan_oews` for the OEWS state and national files, :func:`plan_ep` for the Employment
Projections occupation table. The rows kept are SOC 29-2072 (and, nationally, the careers the kit sets
beside it and all occupations); a suppressed figure in them, or a missing state, refuses the file
(:class:`ImportRefused`): the kit never fills a number in. :func:`national_facts_from` turns an
imported national file back into the long-form national facts the notebooks read.

How the files are opened is :mod:`analysis.data.bls_files`; how a plan is compared with what ``data/``
already holds is :mod:`analysis.data.bls_compare`; the writing is :mod:`analysis.data.bls_write`.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pandas as pd

from analysis.core.errors import DataFileError
from analysis.data import bls_years
from analysis.data.bls_files import period_from_name

MEDICAL_RECORDS = "29-2072"
ALL_OCCUPATIONS = "00-0000"
OFFICIAL_QUALITY = "BLS estimates (official file)"
EP_QUALITY = "BLS projections (official file)"

STATE_REQUIRED = ("AREA", "AREA_TITLE", "OCC_CODE", "OCC_TITLE", "O_GROUP", "TOT_EMP", "A_MEAN", "A_MEDIAN")
NATIONAL_REQUIRED = ("AREA", "OCC_CODE", "OCC_TITLE", "O_GROUP", "TOT_EMP", "H_MEAN", "A_MEAN", "H_MEDIAN", "A_MEDIAN")
STATE_COLUMNS = ("state_fips", "state", "state_abbr", "employment", "annual_mean_usd", "annual_median_usd")
NATIONAL_KEEP = ("AREA", "AREA_TITLE", "AREA_TYPE", "PRIM_STATE", "NAICS", "NAICS_TITLE", "I_GROUP", "OWN_CODE", "OCC_CODE",
                 "OCC_TITLE", "O_GROUP", "TOT_EMP", "EMP_PRSE", "H_MEAN", "A_MEAN", "MEAN_PRSE", "H_PCT10", "H_PCT25",
                 "H_MEDIAN", "H_PCT75", "H_PCT90", "A_PCT10", "A_PCT25", "A_MEDIAN", "A_PCT75", "A_PCT90", "ANNUAL", "HOURLY")
FACTS_COLUMNS = ("period", "series", "measure", "value", "unit", "source", "source_quality")
# National OEWS column -> (national facts measure, unit): the facts the kit derives from an imported national file.
NATIONAL_FACTS = {"TOT_EMP": ("employment", "jobs"), "H_MEAN": ("hourly_mean", "USD/hr"), "A_MEAN": ("annual_mean", "USD"),
                  "H_MEDIAN": ("hourly_median", "USD/hr"), "A_PCT10": ("annual_p10", "USD"), "A_PCT25": ("annual_p25", "USD"),
                  "A_MEDIAN": ("annual_median", "USD"), "A_PCT75": ("annual_p75", "USD"), "A_PCT90": ("annual_p90", "USD")}
EP_MARKER = re.compile(r"(?i)national employment matrix code")


class ImportRefused(DataFileError):
    """A file the importer will not take; nothing was written."""


@dataclass
class Planned:
    """What importing one file does: the file it writes, with what, and what the person is told."""

    source: Path
    kind: str  # "OEWS state", "OEWS national", "Employment Projections"
    period: str
    target: str  # relative to data/
    content: bytes
    source_row: dict
    action: str = "new"  # "new", "unchanged", "replace"
    changes: list[str] = field(default_factory=list)

    def message(self) -> str:
        what = f"{self.source.name} ({self.kind}, {self.period})"
        if self.action == "unchanged":
            return f"{what}: already imported (data/{self.target}, same sha256); nothing changed."
        if self.action == "replace":
            listed = "\n".join(f"  - {c}" for c in self.changes) or "  - no figure changes"
            return f"{what}: replaced data/{self.target} and its row of data/sources.csv. What changed:\n{listed}"
        return f"{what}: wrote data/{self.target} and its row of data/sources.csv."


# --------------------------------------------------------------------------- OEWS


def plan_oews(path: Path, shown: str, sheet, digest: str, today) -> Planned:
    """What importing an OEWS state or national sheet writes: the kit's rows, checked, and their sources.csv row."""
    from analysis.data.oews import typed_table

    where = _where(shown, sheet)
    table = sheet.table
    period = sheet.period or period_from_name(path.name)
    if period is None:
        raise ImportRefused(where, "the survey year is not in the file's name (oesmYYst.zip, state_MYYYY_dl.xlsx) "
                            "nor in its sheet's name", hint="keep the name BLS gave the file")
    year = int(period[-4:])
    area = column_named(table, "AREA")
    if area is None:
        raise ImportRefused(where, f"required column 'AREA' is missing (the file has: {', '.join(map(str, table.columns))})",
                            line=1, column="AREA", hint="the kit imports the state and national files, whose first column is AREA")
    areas = set(table[area].dropna().astype(str).str.strip())
    from analysis.data.states import states_table

    known = states_table()
    fips51 = set(known.query("kind != 'territory'").state_fips)
    if areas & fips51:
        kind, required = "OEWS state", STATE_REQUIRED
    elif areas <= {"99", "US"}:
        kind, required = "OEWS national", NATIONAL_REQUIRED
    else:
        raise ImportRefused(where, f"neither a state nor a national OEWS file (AREA codes such as {sorted(areas)[:3]})",
                            hint="the kit imports the state file (oesmYYst.zip) and the national file (oesmYYnat.zip)")
    kit_codes = _kit_codes(kind)
    occ = column_named(table, "OCC_CODE")
    rows = table[table[occ].astype(str).str.strip().isin(kit_codes)]
    rows = _cross_industry(rows)
    typed = typed_table(rows if len(rows) else table.head(0), path, where, required=required, period=period)
    typed = typed[typed.occ_code.isin(kit_codes)]
    if MEDICAL_RECORDS not in set(typed.occ_code):
        raise ImportRefused(where, f"no row for SOC {MEDICAL_RECORDS} (Medical Records Specialists)", column="OCC_CODE",
                            hint="is this the cross-industry OEWS file for all occupations?")
    if kind == "OEWS state":
        content, count = _state_content(typed, known, where, period)
        title = f"BLS OEWS {period}, Medical Records Specialists (SOC 29-2072), by state"
        target = bls_years.STATE_FILE.format(year=year)
        what = f"{count} areas (50 states and DC): TOT_EMP, A_MEAN, A_MEDIAN"
    else:
        content = _national_content(rows, typed, where)
        title = f"BLS OEWS {period}, national: Medical Records Specialists (SOC 29-2072), the careers the kit compares, all occupations"
        target = bls_years.NATIONAL_FILE.format(year=year)
        what = f"{typed.occ_code.nunique()} occupations, official columns"
    member = f" ({sheet.member}" + (f", sheet '{sheet.sheet}'" if sheet.sheet else "") + ")" if sheet.member else (
        f" (sheet '{sheet.sheet}')" if sheet.sheet else "")
    row = dict(file=target, title=title,
               source=f"BLS OEWS {period} {kind.split()[1]} file {path.name}{member}, {what}; imported with `medcoding data import`",
               quality=OFFICIAL_QUALITY, sha256=digest, imported=today.isoformat(), released=sheet.released or "")
    return Planned(path, kind, period, target, content, row)


def _kit_codes(kind: str) -> set[str]:
    if kind == "OEWS state":
        return {MEDICAL_RECORDS}
    from analysis.data.careers import load_career_soc_map

    return {MEDICAL_RECORDS, ALL_OCCUPATIONS} | set(load_career_soc_map().soc_code)


def _cross_industry(rows: pd.DataFrame) -> pd.DataFrame:
    """Only the cross-industry, all-ownership rows (the files the kit imports hold nothing else, but be sure)."""
    group = column_named(rows, "I_GROUP")
    if group is not None:
        rows = rows[rows[group].fillna("cross-industry").str.strip().str.lower() == "cross-industry"]
    naics = column_named(rows, "NAICS")
    if naics is not None:
        rows = rows[rows[naics].fillna("000000").str.strip().isin(["000000", "0"])]
    return rows


def _state_content(typed: pd.DataFrame, known: pd.DataFrame, where: str, period: str) -> tuple[bytes, int]:
    states = known.query("kind != 'territory'").set_index("state_fips")
    rows = typed[typed.area.isin(states.index)]
    missing = [states.loc[f, "state"] for f in states.index if f not in set(rows.area)]
    if missing:
        raise ImportRefused(where, f"no {MEDICAL_RECORDS} row for {len(missing)} of the 51 areas: {', '.join(missing[:10])}"
                            + (" ..." if len(missing) > 10 else ""),
                            hint="the kit needs all 50 states and DC; is this the complete state file?")
    repeated = rows.area[rows.area.duplicated()]
    if len(repeated):
        raise ImportRefused(where, f"more than one {MEDICAL_RECORDS} row for area {repeated.iloc[0]!r}", column="AREA")
    for column in ("tot_emp", "a_mean", "a_median"):
        gaps = rows[rows[f"{column}_status"] != "value"]
        if len(gaps):
            first = gaps.iloc[0]
            line = int(gaps.index[0]) + 2
            raise ImportRefused(where, f"{column.upper()} of {MEDICAL_RECORDS} in {states.loc[first.area, 'state']} is "
                                f"{first[column + '_status'].replace('_', '-')} (BLS published no number) and "
                                f"{len(gaps) - 1} more area(s) too; the kit's state files hold a number for every state "
                                "and never fill one in", line=line, column=column.upper(),
                                hint=f"keep using the older years, and check BLS's file for {period}")
    rows = rows.set_index("area").loc[list(states.index)]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(STATE_COLUMNS)
    for fips, r in rows.iterrows():
        writer.writerow([fips, states.loc[fips, "state"], states.loc[fips, "state_abbr"], int(r.tot_emp), int(r.a_mean),
                         int(r.a_median)])
    return out.getvalue().encode(), len(rows)


def _national_content(raw_rows: pd.DataFrame, typed: pd.DataFrame, where: str) -> bytes:
    """The kit's rows, with the file's own text in the official columns (markers kept), LF line ends."""
    own = typed[typed.occ_code == MEDICAL_RECORDS].iloc[0]
    for column in ("tot_emp", "a_mean", "a_median", "h_mean", "h_median"):
        if own[f"{column}_status"] != "value":
            raise ImportRefused(where, f"{column.upper()} of {MEDICAL_RECORDS} is {own[column + '_status'].replace('_', '-')} "
                                "(BLS published no number); the kit's national figures are never filled in",
                                column=column.upper(), hint="keep using the older years")
    names = {_canon(c): c for c in raw_rows.columns}
    keep = [name for name in NATIONAL_KEEP if name in names]
    rows = raw_rows.loc[typed.index] if set(typed.index) <= set(raw_rows.index) else raw_rows
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(keep)
    for _, r in rows.iterrows():
        writer.writerow(["" if pd.isna(r[names[k]]) else str(r[names[k]]).strip().replace(",", "") if k not in
                         ("AREA_TITLE", "OCC_TITLE", "NAICS_TITLE") else str(r[names[k]]).strip() for k in keep])
    return out.getvalue().encode()


def national_facts_from(file: str, source: dict) -> pd.DataFrame:
    """The national facts rows (long form) of 29-2072 in an imported national file: each published figure, nothing filled in."""
    from analysis.data.oews import load_oews_file

    table = load_oews_file(file, required=NATIONAL_REQUIRED)
    own = table[table.occ_code == MEDICAL_RECORDS]
    if "o_group" in own and (own.o_group == "detailed").any():
        own = own[own.o_group == "detailed"]
    row = own.iloc[0]
    period = table.attrs.get("period") or "May " + re.search(r"may(\d{4})", file).group(1)
    rows = []
    for column, (measure, unit) in NATIONAL_FACTS.items():
        name = column.lower()
        if name in row.index and row[f"{name}_status"] == "value":
            value = row[name]
            rows.append(dict(period=period, series="OEWS national", measure=measure, value=float(value), unit=unit,
                             source=f"data/{file}: {source.get('source', 'imported BLS file')}", source_quality=OFFICIAL_QUALITY))
    return pd.DataFrame(rows, columns=list(FACTS_COLUMNS))


# --------------------------------------------------------------------------- Employment Projections


def plan_ep(path: Path, shown: str, sheet, digest: str, today) -> Planned:
    """What importing an Employment Projections occupation table writes: the round's facts of 29-2072 (long form)."""
    where = _where(shown, sheet)
    table = sheet.table
    columns = [str(c) for c in table.columns]
    code = _find(columns, r"matrix code", where)
    pct = _find(columns, r"employment change,?\s*percent", where)
    openings = _find(columns, r"openings", where)
    employment = [c for c in columns if re.fullmatch(r"(?i)\s*employment,?\s*(\d{4})\s*", c)]
    if len(employment) != 2:
        raise ImportRefused(where, "expected two employment columns ('Employment, 2025' and 'Employment, 2035'); found "
                            f"{employment or 'none'}", line=1, hint="is this Table 1.2 of occupation.xlsx?")
    start, end = sorted(int(re.search(r"\d{4}", c).group()) for c in employment)
    round_key = f"{start}-{str(end)[2:]}"
    thousands = "thousand" in (sheet.notes + " ".join(columns)).lower()
    scale = Decimal(1000) if thousands else Decimal(1)
    codes = table[code].astype(str).str.strip()
    facts = []

    def figure(row_index, column, what):
        text = table.loc[row_index, column]
        text = None if text is None or pd.isna(text) else str(text).strip().replace(",", "")
        if not text or not re.fullmatch(r"-?\d+(\.\d+)?", text):
            raise ImportRefused(where, f"{what}: {text!r} is not a number (BLS published no figure); the kit never fills one in",
                                line=int(row_index) + 2, column=column)
        return Decimal(text)

    def add(period, series, measure, value, unit, note):
        number = float(value)
        facts.append(dict(period=period, series=series, measure=measure, value=str(int(number)) if number.is_integer() else str(value),
                          unit=unit, source=f"BLS Employment Projections {round_key}, {path.name}"
                          + (f" sheet '{sheet.sheet}'" if sheet.sheet else "") + f": {note}", source_quality=EP_QUALITY))

    own = codes.index[codes == MEDICAL_RECORDS]
    if not len(own):
        raise ImportRefused(where, f"no row for SOC {MEDICAL_RECORDS} (Medical Records Specialists)", column=code,
                            hint="is this the National Employment Matrix occupation table (Table 1.2)?")
    i = own[0]
    unit_note = " (published in thousands)" if thousands else ""
    series = f"EP {round_key}"
    start_col = next(c for c in employment if str(start) in c)
    end_col = next(c for c in employment if str(end) in c)
    add(str(start), series, "base_employment", figure(i, start_col, "base employment") * scale, "jobs", f"'{start_col}'{unit_note}")
    add(str(end), series, "projected_employment", figure(i, end_col, "projected employment") * scale, "jobs", f"'{end_col}'{unit_note}")
    add(round_key, series, "pct_change", figure(i, pct, "percent change"), "percent", f"'{pct}'")
    add(round_key, series, "annual_openings", figure(i, openings, "annual openings") * scale, "openings/yr", f"'{openings}'{unit_note}")
    total = codes.index[codes == ALL_OCCUPATIONS]
    if len(total):
        add(round_key, f"EP {round_key} all occupations", "pct_change", figure(total[0], pct, "all occupations percent change"),
            "percent", f"'{pct}', Total, all occupations")
    out = io.StringIO()
    pd.DataFrame(facts, columns=list(FACTS_COLUMNS)).to_csv(out, index=False, lineterminator="\n")
    target = bls_years.EP_FILE.format(round=round_key)
    row = dict(file=target, title=f"BLS Employment Projections {round_key}, Medical Records Specialists (SOC 29-2072) and all occupations",
               source=f"BLS Employment Projections {round_key}, {path.name}" + (f" sheet '{sheet.sheet}'" if sheet.sheet else "")
               + "; imported with `medcoding data import`", quality=EP_QUALITY, sha256=digest, imported=today.isoformat(),
               released=sheet.released or "")
    return Planned(path, "Employment Projections", round_key, target, out.getvalue().encode(), row)


def _find(columns: list[str], pattern: str, where: str) -> str:
    for column in columns:
        if re.search(pattern, column, re.I):
            return column
    raise ImportRefused(where, f"required column matching {pattern!r} is missing (the file has: {', '.join(columns)})", line=1)


# --------------------------------------------------------------------------- helpers


def _where(shown: str, sheet) -> str:
    """The file as messages name it: its path, the zip member and the sheet read."""
    return shown + (f" ({sheet.member})" if sheet.member else "") + (f", sheet {sheet.sheet!r}" if sheet.sheet else "")


def _canon(name) -> str:
    """A header as BLS spells its column names: ``Occ Code`` -> ``OCC_CODE``."""
    return re.sub(r"\s+", "_", str(name).strip()).upper()


def column_named(table: pd.DataFrame, name) -> str | None:
    """The table's column called ``name`` (any case, spaces for underscores) or matching a compiled pattern; None if none."""
    for column in table.columns:
        if isinstance(name, re.Pattern):
            if name.search(str(column)):
                return column
        elif _canon(column) == name:
            return column
    return None
