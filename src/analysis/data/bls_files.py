"""Opening BLS files as published: a zip (``oesm25st.zip``), the Excel workbook inside it, or a CSV.

This module only gets the cells out, as text, the way :func:`analysis.data.tables.read_table` reads a CSV
(every cell text, an empty cell missing); :func:`analysis.data.oews.load_oews_file` then types and checks
them. Excel workbooks are read with openpyxl (read-only mode, values only).

What it finds besides the table (:class:`Sheet`):

* ``period``: "May 2025", from the file name (``oesm25st.zip``, ``state_M2025_dl.xlsx``) or the
  sheet's name;
* ``released``: BLS's release date, when a sheet other than the data states one ("released
  May 15, 2026"); otherwise None (the kit does not guess one);
* ``member`` and ``sheet``: which file of the zip and which sheet the table came from.

A sheet is the data sheet when one of its first rows holds the header named by ``marker``
(``OCC_CODE`` for OEWS files); "Field Descriptions" and notes sheets are skipped.
"""

from __future__ import annotations

import datetime as _dt
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.core.errors import DataFileError

EXCEL_SUFFIXES = (".xlsx", ".xlsm")
HEADER_ROWS_SEARCHED = 15

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")
_RELEASED = re.compile(rf"releas\w*\D{{0,20}}?(({'|'.join(_MONTHS)})\s+\d{{1,2}},\s*\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}})", re.I)


class NoDataSheet(DataFileError):
    """The file opened, but holds no table with the expected header."""


@dataclass
class Sheet:
    """A table read from a BLS file: every cell as text, and where it came from."""

    table: pd.DataFrame
    file: str
    member: str | None
    sheet: str | None
    period: str | None
    released: str | None
    notes: str = ""


def period_from_name(*names: str) -> str | None:
    """ "May 2025" from a BLS name: ``oesm25st.zip``, ``oesm25nat``, ``state_M2025_dl.xlsx``; None if none says.

    >>> period_from_name("oesm25st.zip"), period_from_name("x/state_M2024_dl.xlsx"), period_from_name("mine.xlsx")
    ('May 2025', 'May 2024', None)
    """
    for name in names:
        if not name:
            continue
        base = Path(str(name)).name
        match = re.search(r"M(\d{4})", base) or re.search(r"(?i)oesm(\d{2})(?:st|nat|ma|all|in\d?)", base)
        if match:
            year = match.group(1)
            return f"May {year if len(year) == 4 else '20' + year}"
    return None


def read_tables(path: Path, shown: str, marker: str) -> list[Sheet]:
    """Every data table in ``path`` (a zip, a workbook or a CSV) whose header holds ``marker``.

    Raises :class:`DataFileError` for a corrupt zip or workbook, and for a zip with no data file.
    """
    suffix = path.suffix.lower()
    if suffix == ".zip":
        return _from_zip(path, shown, marker)
    if suffix in EXCEL_SUFFIXES:
        return _from_workbook(path.read_bytes(), shown, None, marker, path.name)
    return [_from_csv(path.read_bytes(), shown, None, path.name)]


def _from_zip(path: Path, shown: str, marker: str) -> list[Sheet]:
    try:
        archive = zipfile.ZipFile(path)
        names = [n for n in archive.namelist() if not n.endswith("/") and "__MACOSX" not in n]
        bad = archive.testzip()
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise DataFileError(shown, f"not a readable zip archive ({error})",
                            hint="download it again from https://www.bls.gov/oes/tables.htm; a partial download looks like this") from None
    if bad is not None:
        raise DataFileError(shown, f"the zip archive is damaged (member {bad!r} fails its check)",
                            hint="download it again from https://www.bls.gov/oes/tables.htm")
    data = [n for n in names if n.lower().endswith(EXCEL_SUFFIXES + (".csv",))]
    if not data:
        raise DataFileError(shown, f"the zip holds no .xlsx or .csv data file (it holds: {', '.join(names) or 'nothing'})",
                            hint="is this the BLS OEWS zip (oesmYYst.zip or oesmYYnat.zip)?")
    found = []
    for name in data:
        raw = archive.read(name)
        if name.lower().endswith(".csv"):
            found.append(_from_csv(raw, shown, name, path.name))
        else:
            try:
                found += _from_workbook(raw, shown, name, marker, path.name)
            except NoDataSheet:  # e.g. a workbook of field descriptions only
                continue
    found = [s for s in found if _has(s.table, marker)]
    if not found:
        raise NoDataSheet(shown, f"no data sheet with an {_name(marker)} column in the zip (it holds: {', '.join(data)})",
                            hint="is this the BLS OEWS zip (oesmYYst.zip or oesmYYnat.zip)?")
    return found


def _from_workbook(raw: bytes, shown: str, member: str | None, marker: str, file_name: str) -> list[Sheet]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    where = f"{shown}{' (' + member + ')' if member else ''}"
    try:
        book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError) as error:
        raise DataFileError(where, f"not a readable Excel workbook ({type(error).__name__}: {error})",
                            hint="download the file again; if you saved it yourself, save it as .xlsx from Excel or LibreOffice") from None
    try:
        tables, notes = [], []
        for sheet in book.worksheets:
            rows = [list(r) for r in sheet.iter_rows(values_only=True)]
            header_at = _header_row(rows, marker)
            if header_at is None:
                notes += [str(v) for row in rows for v in row if isinstance(v, str)]
                continue
            notes += [str(v) for row in rows[:header_at] for v in row if isinstance(v, str)]  # title rows
            tables.append((sheet.title, _frame(rows, header_at)))
    except Exception as error:  # a damaged part of the workbook shows only when its sheet is read
        raise DataFileError(where, f"the workbook could not be read ({type(error).__name__}: {error})",
                            hint="download the file again") from None
    finally:
        book.close()
    released = _released(" \n".join(notes))
    if not tables:
        sheets = ", ".join(repr(s.title) for s in book.worksheets)
        raise NoDataSheet(where, f"no sheet has an {_name(marker)} column (sheets: {sheets})",
                            hint="is this a BLS OEWS workbook? Its data sheet starts with AREA, AREA_TITLE ... OCC_CODE")
    return [Sheet(table, shown, member, title, period_from_name(member or "", title, file_name), released,
                  " ".join(notes)[:2000]) for title, table in tables]


def _from_csv(raw: bytes, shown: str, member: str | None, file_name: str) -> Sheet:
    from analysis.data.oews import _sniff_text

    encoding, sep = _sniff_text(raw)
    try:
        table = pd.read_csv(io.BytesIO(raw), dtype=str, keep_default_na=False, na_values=[""], sep=sep, encoding=encoding)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as error:
        raise DataFileError(f"{shown}{' (' + member + ')' if member else ''}", f"not readable as CSV ({error})") from None
    return Sheet(table, shown, member, None, period_from_name(member or "", file_name), None)


def _is_marker(value, marker) -> bool:
    """A header cell names the marker: ``"occ_code"`` for ``"OCC_CODE"``; a pattern is searched case-insensitively."""
    if not isinstance(value, str):
        return False
    if isinstance(marker, re.Pattern):
        return bool(marker.search(value))
    return value.strip().upper() == marker


def _name(marker) -> str:
    return marker.pattern if isinstance(marker, re.Pattern) else marker


def _has(table: pd.DataFrame, marker) -> bool:
    return any(_is_marker(str(c), marker) for c in table.columns)


def _header_row(rows: list[list], marker) -> int | None:
    for i, row in enumerate(rows[:HEADER_ROWS_SEARCHED]):
        if any(_is_marker(v, marker) for v in row):
            return i
    return None


def _frame(rows: list[list], header_at: int) -> pd.DataFrame:
    header = [str(v).strip() if v is not None else f"Unnamed: {i}" for i, v in enumerate(rows[header_at])]
    width = len(header)
    body, index = [], []
    for number, row in enumerate(rows[header_at + 1:], start=header_at + 1):
        cells = [_text(v, header[i]) for i, v in enumerate((row + [None] * width)[:width])]
        if any(v is not None for v in cells):
            body.append(cells)
            index.append(number - 1)  # so that index + 2 is the row number Excel shows
    return pd.DataFrame(body, columns=header, index=index, dtype=object)


def _text(value, column: str):
    """A cell as the text a CSV export would hold: 180570 (not 180570.0), 23.45, "*"; None when empty.

    Excel stores codes such as a state's AREA as numbers, dropping the leading zero: it is put back.

    >>> _text(180570.0, "TOT_EMP"), _text(23.45, "H_MEAN"), _text(1, "AREA"), _text(100001, "AREA"), _text(" ", "X")
    ('180570', '23.45', '01', '0100001', None)
    """
    if value is None:
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        number = float(value)
        text = str(int(number)) if number.is_integer() else repr(number)
        if column.strip().upper() == "AREA" and number.is_integer():
            text = text.zfill(2) if len(text) <= 2 else text.zfill(7) if len(text) == 6 else text
        return text
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    text = str(value)
    return text if text.strip() else None


def _released(text: str) -> str | None:
    """BLS's release date as YYYY-MM-DD when the text states one.

    >>> _released("These estimates were released May 15, 2026."), _released("no date")
    ('2026-05-15', None)
    """
    match = _RELEASED.search(text)
    if not match:
        return None
    found = match.group(1)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", found):
        return found
    try:
        return _dt.datetime.strptime(re.sub(r"\s+", " ", found.replace(", ", ",").replace(",", ", ")), "%B %d, %Y").date().isoformat()
    except ValueError:
        return None
