"""Small BLS files in the exact official layout, with clearly synthetic numbers, for the import tests.

The layout is BLS's (columns, sheet names, a "Field Descriptions" sheet, codes as text, `*`/`#`
markers, the zip's folder); the numbers are made up so that no one mistakes them for BLS figures:
every state's 29-2072 annual mean is 77,000 + its FIPS code, its median 66,000 + its FIPS code.
They are written to temporary folders only, never into data/.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl

from analysis.data.states import states_table

OEWS_COLUMNS = ["AREA", "AREA_TITLE", "AREA_TYPE", "PRIM_STATE", "NAICS", "NAICS_TITLE", "I_GROUP", "OWN_CODE", "OCC_CODE",
                "OCC_TITLE", "O_GROUP", "TOT_EMP", "EMP_PRSE", "JOBS_1000", "LOC_QUOTIENT", "PCT_TOTAL", "PCT_RPT", "H_MEAN",
                "A_MEAN", "MEAN_PRSE", "H_PCT10", "H_PCT25", "H_MEDIAN", "H_PCT75", "H_PCT90", "A_PCT10", "A_PCT25",
                "A_MEDIAN", "A_PCT75", "A_PCT90", "ANNUAL", "HOURLY"]

OTHER_OCCUPATIONS = [("00-0000", "All Occupations", "total"), ("13-1041", "Compliance Officers", "detailed"),
                     ("11-9111", "Medical and Health Services Managers", "detailed"),
                     ("43-3021", "Billing and Posting Clerks", "detailed"), ("29-9021", "Health Information Technologists and Medical Registrars", "detailed")]


def synthetic_state_mean(fips: str) -> int:
    return 77000 + int(fips)


def synthetic_state_median(fips: str) -> int:
    return 66000 + int(fips)


def _oews_row(area, title, area_type, prim, code, occ_title, group, employment, a_mean, a_median, *, suppress=()):
    wages = {"A_MEAN": a_mean, "A_PCT10": a_median - 20000, "A_PCT25": a_median - 10000, "A_MEDIAN": a_median,
             "A_PCT75": a_median + 10000, "A_PCT90": "#" if code == "11-9111" else a_median + 20000}
    hourly = {f"H_{k[2:]}": (round(v / 2080, 2) if isinstance(v, int) else v) for k, v in wages.items()}
    values = dict(AREA=area, AREA_TITLE=title, AREA_TYPE=area_type, PRIM_STATE=prim, NAICS="000000", NAICS_TITLE="Cross-industry",
                  I_GROUP="cross-industry", OWN_CODE=1235, OCC_CODE=code, OCC_TITLE=occ_title, O_GROUP=group,
                  TOT_EMP=employment, EMP_PRSE=3.1, JOBS_1000=1.5, LOC_QUOTIENT=1.0, PCT_TOTAL=None, PCT_RPT=None,
                  MEAN_PRSE=1.2, ANNUAL=None, HOURLY=None, **wages, **hourly)
    for name in suppress:
        values[name] = "*"
    return [values[c] for c in OEWS_COLUMNS]


def state_rows(*, leave_out=(), suppress=(), with_territories=True):
    """Rows of a state file: 29-2072 and a few other occupations in every state, DC (and 3 territories)."""
    rows = []
    table = states_table()
    for state in table.itertuples():
        if state.state_abbr in leave_out or (state.kind == "territory" and not with_territories):
            continue
        f = state.state_fips
        area_type = 3 if state.kind == "territory" else 2
        rows.append(_oews_row(f, state.state, area_type, state.state_abbr, "29-2072", "Medical Records Specialists", "detailed",
                              1000 + 10 * int(f), synthetic_state_mean(f), synthetic_state_median(f),
                              suppress=suppress if state.state_abbr == "TX" else ()))
        for code, title, group in OTHER_OCCUPATIONS:
            rows.append(_oews_row(f, state.state, area_type, state.state_abbr, code, title, group, 5000 + int(f), 88000, 81000))
    return rows


def national_rows():
    rows = [_oews_row("99", "U.S.", 1, "US", "29-2072", "Medical Records Specialists", "detailed", 199990, 59999, 55555)]
    rows += [_oews_row("99", "U.S.", 1, "US", c, t, g, 100000, 99999, 88888) for c, t, g in OTHER_OCCUPATIONS]
    rows.append(_oews_row("99", "U.S.", 1, "US", "15-1252", "Software Developers", "detailed", 1, 2, 1))
    return rows


def workbook_bytes(sheet_name: str, header, rows, *, released="May 15, 2026", extra_sheet=True) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = sheet_name
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    if extra_sheet:
        notes = book.create_sheet("Field Descriptions")
        notes.append(["Field", "Field Description"])
        notes.append(["area", "U.S. (99), state FIPS code, MSA code"])
        notes.append(["*", "indicates that a wage estimate is not available"])
        notes.append(["#", "indicates a wage equal to or greater than $115.00 per hour or $239,200 per year"])
        if released:
            notes.append([f"Synthetic test workbook; estimates released {released}."])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def zip_with(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return path


def state_zip(folder: Path, year: int = 2025, *, header=None, rows=None, name=None, **kwargs) -> Path:
    yy = str(year)[2:]
    book = workbook_bytes(f"state_M{year}_dl", header or OEWS_COLUMNS, state_rows() if rows is None else rows, **kwargs)
    return zip_with(folder / (name or f"oesm{yy}st.zip"), {f"oesm{yy}st/state_M{year}_dl.xlsx": book})


def national_zip(folder: Path, year: int = 2025) -> Path:
    yy = str(year)[2:]
    book = workbook_bytes(f"national_M{year}_dl", OEWS_COLUMNS, national_rows())
    return zip_with(folder / f"oesm{yy}nat.zip", {f"oesm{yy}nat/national_M{year}_dl.xlsx": book})


def ep_workbook(folder: Path, start: int = 2026) -> Path:
    """Table 1.2 of occupation.xlsx: a title row, then the header; employment and openings in thousands."""
    end = start + 10
    span = f"{start}–{str(end)[2:]}"
    header = [f"{start} National Employment Matrix title", f"{start} National Employment Matrix code", "Occupation type",
              f"Employment, {start}", f"Employment, {end}", f"Employment change, numeric, {span}",
              f"Employment change, percent, {span}", f"Percent self employed, {start}",
              f"Occupational openings, {span} annual average", f"Median annual wage, dollars, {start}[1]"]
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Table 1.2"
    sheet.append([f"Table 1.2 Occupational projections, {span}, and worker characteristics, {start} (Numbers in thousands)"])
    sheet.append(header)
    sheet.append(["Total, all occupations", "00-0000", "Summary", 170000.0, 175555.5, 5555.5, 3.3, 6.0, 18888.8, 55555])
    sheet.append(["Medical records specialists", "29-2072", "Line item", 211.1, 222.2, 11.1, 5.3, 1.0, 15.5, 55555])
    sheet.append(["Compliance officers", "13-1041", "Line item", 400.0, 420.0, 20.0, 5.0, 1.0, 30.0, 77777])
    path = folder / "occupation.xlsx"
    book.save(path)
    return path
