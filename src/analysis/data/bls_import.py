"""``medcoding data import FILE...``: next year's BLS files into ``data/evidence/``, checked, with provenance.

Accepted, as BLS publishes them (see :mod:`analysis.data.bls_files` for the reading):

* the OEWS **state** file: ``oesm25st.zip``, or the ``state_M2025_dl.xlsx`` / ``.csv`` inside it;
* the OEWS **national** file: ``oesm25nat.zip``, or ``national_M2025_dl.xlsx`` / ``.csv``;
* the Employment Projections **occupation** table (``occupation.xlsx``, the sheet with "National
  Employment Matrix code" in its header: Table 1.2).

What is kept (only what the kit shows), each in a new file next to the older years:

=========================  ==============================================================  ==============================
file                       what                                                            same format as
=========================  ==============================================================  ==============================
``bls_oews_mayYYYY_state`` SOC 29-2072 in the 50 states and DC: TOT_EMP, A_MEAN, A_MEDIAN ``bls_oews_may2024_state_...``
``bls_oews_mayYYYY_natio`` the national rows of 29-2072, the careers the kit sets beside    ``national_May2021_dl.csv``
``nal.csv``                it (``reference/career_soc_map.csv``) and all occupations        (official layout)
``bls_ep_YYYY-YY_29-2072`` the round's base and projected employment, percent change and    ``bls_national_facts_...``
                           openings of 29-2072, and the all-occupations percent change      (long form)
=========================  ==============================================================  ==============================

plus one row of ``data/sources.csv`` per file: title, source (the file imported, its member and
sheet), quality, the imported file's ``sha256``, the date ``imported`` and BLS's ``released`` date
when the file states it.

Rules: a state year is imported together with the national file of the same survey (or after it): the
notebooks set every state beside the national median. An older year's file is never changed; importing the same file again changes nothing (and
says so); a different file for a year already present is refused unless ``replace=True``, and the
message lists what would change. A year older than the newest present is refused. Every file
given is checked before anything is written; then all files are written atomically, so on any
error ``data/`` is byte-identical. No figure is filled in: a suppressed value (``*``, ``#``) in the
kit's own rows, or a missing state, refuses the file.
"""

from __future__ import annotations

import csv
import datetime as _dt
import hashlib
import io
import os
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pandas as pd

from analysis.core.errors import DataFileError
from analysis.core.paths import data_dir
from analysis.data import bls_years
from analysis.data.bls_files import NoDataSheet, period_from_name, read_tables

MEDICAL_RECORDS = "29-2072"
ALL_OCCUPATIONS = "00-0000"
OFFICIAL_QUALITY = "BLS estimates (official file)"
EP_QUALITY = "BLS projections (official file)"
SOURCES_FILE = "sources.csv"
SOURCES_HEADER = ("file", "title", "source", "quality", "sha256", "imported", "released")

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

NEXT_STEP = "Run `medcoding build` to rebuild the reports whose inputs changed."


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


# --------------------------------------------------------------------------- the entry points


def import_files(paths, *, replace: bool = False, today: _dt.date | None = None) -> list[Planned]:
    """Import BLS files into ``data/`` (see the module text); return what was done for each.

    Every file is checked before anything is written; on any problem :class:`DataFileError` is raised
    and ``data/`` is unchanged.
    """
    paths = [Path(str(p)).expanduser() for p in paths]
    if not paths:
        raise ImportRefused("medcoding data import", "no file given",
                            hint="give the BLS files, e.g. `medcoding data import ~/Downloads/oesm25st.zip ~/Downloads/oesm25nat.zip`")
    today = today or _dt.date.today()
    sources = _read_sources()
    plans: list[Planned] = []
    for path in paths:
        plan = plan_import(path, replace=replace, today=today, sources=sources)
        if any(p.target == plan.target and p.action != "unchanged" for p in plans) and plan.action != "unchanged":
            raise ImportRefused(str(path), f"another file given ({plans[-1].source.name}) also writes data/{plan.target}",
                                hint="give one file per year")
        plans.append(plan)
        if plan.action != "unchanged":
            sources = _with_row(sources, plan.source_row)
    _refuse_state_without_national(plans)
    writes = {p.target: p.content for p in plans if p.action != "unchanged"}
    if writes:
        writes[SOURCES_FILE] = _sources_bytes(sources)
        write_all_atomic(data_dir(), writes)
    return plans


def plan_import(path: Path, *, replace: bool = False, today: _dt.date | None = None, sources=None) -> Planned:
    """Read and check one file; return what importing it would write (nothing is written here)."""
    path = Path(str(path)).expanduser()
    shown = str(path)
    if not path.is_file():
        raise ImportRefused(shown, "the file does not exist" if not path.exists() else "not a file",
                            hint="give the path of the downloaded BLS file, e.g. ~/Downloads/oesm25st.zip")
    if path.suffix.lower() == ".xls":
        raise ImportRefused(shown, "an old-style Excel workbook (.xls) is not read",
                            hint="download the .zip with the .xlsx from https://www.bls.gov/oes/tables.htm, or save it as .xlsx")
    raw = path.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    today = today or _dt.date.today()
    sources = _read_sources() if sources is None else sources
    found = "no sheet or header has OCC_CODE (OEWS) or 'National Employment Matrix code' (Employment Projections)"
    try:
        sheets = read_tables(path, shown, "OCC_CODE")
        oews = [s for s in sheets if _column(s.table, "OCC_CODE")]
    except NoDataSheet as missing:
        oews, found = [], missing.problem
    if oews:
        plan = _plan_oews(path, shown, oews[0], digest, today)
    else:
        try:
            ep = [s for s in read_tables(path, shown, EP_MARKER) if _column(s.table, EP_MARKER)]
        except NoDataSheet:
            ep = []
        if not ep:
            raise ImportRefused(shown, f"not a BLS OEWS or Employment Projections file: {found}",
                                hint="the kit imports oesmYYst.zip, oesmYYnat.zip (https://www.bls.gov/oes/tables.htm) "
                                     "and occupation.xlsx (https://www.bls.gov/emp/tables.htm)")
        plan = _plan_ep(path, shown, ep[0], digest, today)
    return _compare_with_present(plan, digest, replace, sources)


# --------------------------------------------------------------------------- OEWS


def _plan_oews(path: Path, shown: str, sheet, digest: str, today) -> Planned:
    from analysis.data.oews import typed_table

    where = shown + (f" ({sheet.member})" if sheet.member else "") + (f", sheet {sheet.sheet!r}" if sheet.sheet else "")
    table = sheet.table
    period = sheet.period or period_from_name(path.name)
    if period is None:
        raise ImportRefused(where, "the survey year is not in the file's name (oesmYYst.zip, state_MYYYY_dl.xlsx) "
                            "nor in its sheet's name", hint="keep the name BLS gave the file")
    year = int(period[-4:])
    area = _column(table, "AREA")
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
    occ = _column(table, "OCC_CODE")
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
    group = _column(rows, "I_GROUP")
    if group is not None:
        rows = rows[rows[group].fillna("cross-industry").str.strip().str.lower() == "cross-industry"]
    naics = _column(rows, "NAICS")
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


def _plan_ep(path: Path, shown: str, sheet, digest: str, today) -> Planned:
    where = shown + (f" ({sheet.member})" if sheet.member else "") + (f", sheet {sheet.sheet!r}" if sheet.sheet else "")
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


# --------------------------------------------------------------------------- against what is present


def _compare_with_present(plan: Planned, digest: str, replace: bool, sources: list[dict]) -> Planned:
    root = data_dir()
    existing = root / plan.target
    row = next((r for r in sources if r.get("file") == plan.target), None)
    if existing.exists():
        old = existing.read_bytes()
        if (row or {}).get("sha256") == digest and old == plan.content:
            plan.action = "unchanged"
            return plan
        changes = _changes(old, plan.content, plan) + _row_changes(row, plan.source_row)
        if not replace:
            listed = "; ".join(changes[:8]) + (f"; ... ({len(changes)} in all)" if len(changes) > 8 else "")
            raise ImportRefused(str(plan.source), f"data/ already holds {plan.period} (data/{plan.target}) from another file. "
                                f"Importing this one would change: {listed or 'nothing but the file'}",
                                hint="to use this file instead, run the import again with --replace")
        plan.action, plan.changes = "replace", changes
        return plan
    _refuse_older(plan)
    return plan


def _refuse_state_without_national(plans: list[Planned]) -> None:
    """A state year needs the national figures of the same survey: every notebook sets a state beside the national
    median, and the kit never invents one. They come from the national file given in the same import, or are in data/."""
    given = {p.period for p in plans if p.kind == "OEWS national"}
    for plan in plans:
        if plan.kind != "OEWS state" or plan.action == "unchanged" or plan.period in given:
            continue
        if not _national_median_present(plan.period):
            year = plan.period[-4:]
            raise ImportRefused(str(plan.source), f"data/ holds no national {plan.period} median of {MEDICAL_RECORDS}, and "
                                f"no national file for {plan.period} is in this import; the notebooks set every state beside "
                                "the national figure of the same survey, and the kit never invents one",
                                hint=f"import the national file of the same release with it: `medcoding data import "
                                     f"{plan.source.name} oesm{year[2:]}nat.zip` (https://www.bls.gov/oes/tables.htm)")


def _national_median_present(period: str) -> bool:
    from analysis.data.evidence import load_national_facts

    facts = load_national_facts()
    return bool(((facts.period == period) & (facts.measure == "annual_median")).any())


def _refuse_older(plan: Planned) -> None:
    if plan.kind == "OEWS state":
        present = bls_years.state_years()
    elif plan.kind == "OEWS national":
        present = list(bls_years.national_files())
    else:
        present = [int(k[:4]) for k in _ep_rounds_present()]
    newest = max(present, default=None)
    year = int(plan.period[-4:]) if plan.kind != "Employment Projections" else int(plan.period[:4])
    if newest is not None and year < newest:
        label = f"May {newest}" if plan.kind != "Employment Projections" else f"the {max(_ep_rounds_present())} round"
        raise ImportRefused(str(plan.source), f"{plan.period} is older than {label}, which data/ already holds; "
                            "the kit adds newer years only",
                            hint="download the newest file from BLS; an older year stays as data/ has it")


def _ep_rounds_present() -> list[str]:
    from analysis.data.evidence import NATIONAL_FACTS_FILE

    rounds = set(bls_years.ep_files())
    path = data_dir() / NATIONAL_FACTS_FILE
    if path.exists():
        facts = pd.read_csv(path, dtype=str)
        rounds |= {s[3:] for s in facts.series.dropna() if re.fullmatch(r"EP \d{4}-\d{2}", s)}
    return sorted(rounds)


def _changes(old: bytes, new: bytes, plan: Planned) -> list[str]:
    """Cell by cell, what the new file changes (first column is the row's key)."""
    before = pd.read_csv(io.BytesIO(old), dtype=str, keep_default_na=False)
    after = pd.read_csv(io.BytesIO(new), dtype=str, keep_default_na=False)
    if list(before.columns) != list(after.columns):
        return [f"columns {', '.join(before.columns)} -> {', '.join(after.columns)}"]
    key = ["state_abbr"] if "state_abbr" in after else ["OCC_CODE"] if "OCC_CODE" in after else ["period", "series", "measure"]
    before, after = before.set_index(key), after.set_index(key)
    found = []
    for index in after.index.difference(before.index):
        found.append(f"new row {index}")
    for index in before.index.difference(after.index):
        found.append(f"row {index} removed")
    for index in after.index.intersection(before.index):
        for column in after.columns:
            a, b = before.loc[index, column], after.loc[index, column]
            if isinstance(a, pd.Series) or isinstance(b, pd.Series):
                continue
            if a != b and column not in ("source", "source_quality"):
                found.append(f"{index if isinstance(index, str) else ' '.join(index)} {column}: {a} -> {b}")
    return found


def _row_changes(old: dict | None, new: dict) -> list[str]:
    if old is None:
        return ["a new row of data/sources.csv"]
    return [f"sources.csv {name}: {old.get(name) or '(empty)'} -> {new.get(name) or '(empty)'}"
            for name in ("title", "source", "quality", "sha256") if (old.get(name) or "") != (new.get(name) or "")]


# --------------------------------------------------------------------------- sources.csv and writing


def _read_sources() -> list[dict]:
    path = data_dir() / SOURCES_FILE
    if not path.exists():
        return []
    with open(path, newline="", encoding="utf-8-sig") as handle:
        return [dict(r) for r in csv.DictReader(handle)]


def _with_row(rows: list[dict], row: dict) -> list[dict]:
    rows = [dict(r) for r in rows]
    for i, existing in enumerate(rows):
        if existing.get("file") == row["file"]:
            rows[i] = {**existing, **row}
            return rows
    return rows + [dict(row)]


def _sources_bytes(rows: list[dict]) -> bytes:
    """sources.csv with its rows in order; an unchanged row is written back exactly as it was."""
    path = data_dir() / SOURCES_FILE
    lines = path.read_text(encoding="utf-8-sig").splitlines() if path.exists() else [",".join(SOURCES_HEADER)]
    header = next(csv.reader([lines[0]]))
    if list(header)[:len(SOURCES_HEADER)] != list(SOURCES_HEADER):
        header = list(SOURCES_HEADER) + [h for h in header if h not in SOURCES_HEADER]
    old_rows = _read_sources()
    out = [lines[0] if header == next(csv.reader([lines[0]])) else _csv_line(header)]
    for i, row in enumerate(rows):
        if i < len(old_rows) and old_rows[i] == row and i + 1 < len(lines):
            out.append(lines[i + 1])
        else:
            out.append(_csv_line([row.get(h) or "" for h in header]))
    return ("\n".join(out) + "\n").encode()


def _csv_line(values) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow(values)
    return buffer.getvalue()


def write_all_atomic(root: Path, files: dict[str, bytes]) -> None:
    """Write every file or none: each to a temporary file beside it first, then all moved into place.

    If moving one fails, the ones already moved are put back (the old bytes, or removed if new).
    """
    staged, previous = [], {}
    try:
        for relative, content in files.items():
            target = root / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary = target.with_name(f".{target.name}.import-{os.getpid()}.tmp")
            with open(temporary, "wb") as handle:
                handle.write(content)
                handle.flush()
                os.fsync(handle.fileno())
            staged.append((temporary, target))
        for _, target in staged:
            previous[target] = target.read_bytes() if target.exists() else None
        moved = []
        try:
            for temporary, target in staged:
                os.replace(temporary, target)
                moved.append(target)
        except BaseException:
            for target in moved:
                if previous[target] is None:
                    target.unlink(missing_ok=True)
                else:
                    target.write_bytes(previous[target])
            raise
    finally:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)


# --------------------------------------------------------------------------- helpers


def _canon(name) -> str:
    return re.sub(r"\s+", "_", str(name).strip()).upper()


def _column(table: pd.DataFrame, name) -> str | None:
    for column in table.columns:
        if isinstance(name, re.Pattern):
            if name.search(str(column)):
                return column
        elif _canon(column) == name:
            return column
    return None
