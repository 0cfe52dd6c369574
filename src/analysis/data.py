"""Reading the kit's data files: declared schemas, typed columns, and errors that say where.

Every CSV is read with all columns as text first, so a FIPS code such as ``"06"`` stays ``"06"``
and nothing is guessed; a pandera schema then coerces each column to its declared type. Any
problem (a missing column, text in a number column, a duplicate, an empty file) raises
:class:`~analysis.errors.DataFileError` naming the file, the line and the column. A bad value never
turns into a silent NaN.

>>> df = read_table("evidence/bls_oews_may2024_state_29-2072.csv", None)
>>> df.loc[df.state_abbr == "CA", "state_fips"].item()
'06'
>>> df.attrs["source"]["quality"]
'BLS estimates, secondary copy (checked)'
"""

from __future__ import annotations

import csv
import fnmatch
import os
from functools import lru_cache
from pathlib import Path

import pandas as pd

from .errors import DataFileError

DATA_DIR_ENV = "MEDCODING_DATA_DIR"


def data_dir() -> Path:
    """The folder the kit reads data from: ``$MEDCODING_DATA_DIR`` if set, else the kit's ``data/``."""
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override)
    return Path(__file__).resolve().parents[2] / "data"


def data_path(relative_path: str | Path) -> Path:
    """The full path of a file under :func:`data_dir`."""
    return data_dir() / relative_path


def read_table(relative_path: str | Path, schema, *, sep: str = ",", encoding: str = "utf-8-sig"):
    """Read a CSV under ``data/`` and validate it against a pandera ``DataFrameSchema``.

    ``schema`` may be None to read every column as text. The returned frame carries
    ``df.attrs["source"]`` (the file's row of ``data/sources.csv``) and ``df.attrs["file"]``.
    """
    path = data_path(relative_path)
    shown = _shown_path(path)
    if not path.exists():
        raise DataFileError(shown, "the file does not exist", hint="check the name, or run `git status` to see if it was deleted")
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], sep=sep, encoding=encoding)
    except pd.errors.EmptyDataError:
        raise DataFileError(shown, "the file is empty (no header, no rows)") from None
    except (pd.errors.ParserError, UnicodeDecodeError) as err:
        raise DataFileError(shown, f"the file is not readable as CSV: {err}") from None
    if frame.empty:
        raise DataFileError(shown, "the file has a header but no data rows")
    if schema is not None:
        frame = validate(frame, schema, shown)
    frame.attrs["file"] = str(Path(relative_path).as_posix())
    frame.attrs["source"] = source_of(relative_path)
    return frame


def validate(frame: pd.DataFrame, schema, shown_file: str) -> pd.DataFrame:
    """Validate ``frame`` with a pandera schema; turn the first failure into a DataFileError."""
    import pandera.errors

    try:
        return schema.validate(frame, lazy=True)
    except pandera.errors.SchemaErrors as errors:
        raise _first_failure(errors, frame, shown_file) from None
    except pandera.errors.SchemaError as error:  # raised by some checks even when lazy
        raise DataFileError(shown_file, str(error).splitlines()[0]) from None


def _first_failure(errors, frame: pd.DataFrame, shown_file: str) -> DataFileError:
    cases = errors.failure_cases
    first = cases.iloc[0]
    column = first.get("column")
    check = str(first.get("check"))
    value = first.get("failure_case")
    index = first.get("index")
    line = int(index) + 2 if index is not None and not pd.isna(index) else None
    more = len(cases) - 1
    also = f"; {more} more problem{'s' if more != 1 else ''} in this file" if more else ""
    if check == "column_in_dataframe":
        expected = ", ".join(map(str, frame.columns))
        return DataFileError(shown_file, f"required column {value!r} is missing (the file has: {expected}){also}", column=value)
    if check.startswith("coerce_dtype") or "dtype" in check:
        if line is None and column in frame.columns:  # pandera reports the value; find its line
            line = _line_of(frame, column, value)
        return DataFileError(shown_file, f"{value!r} is not a valid {_dtype_word(check)}{also}", line=line, column=column)
    if check in ("field_uniqueness", "multiple_fields_uniqueness") or "unique" in check:
        return DataFileError(shown_file, f"{value!r} appears more than once; each value must be unique{also}", line=line, column=column)
    if check == "not_nullable":
        return DataFileError(shown_file, f"a value is missing (empty cell){also}", line=line, column=column)
    if column is None or (isinstance(column, float) and pd.isna(column)):
        column = None
    return DataFileError(shown_file, f"{value!r} fails the check {check}{also}", line=line, column=column)


def _line_of(frame, column, value):
    hits = frame.index[frame[column].astype(str) == str(value)]
    return int(hits[0]) + 2 if len(hits) else None


def _dtype_word(check: str) -> str:
    lowered = check.lower()
    if "int" in lowered:
        return "whole number"
    if "float" in lowered:
        return "number"
    if "bool" in lowered:
        return "true/false value"
    return "value for this column"


def _shown_path(path: Path) -> str:
    try:
        return str(path.relative_to(data_dir().parent))
    except ValueError:
        return str(path)


@lru_cache(maxsize=4)
def _sources(manifest: Path, mtime: float) -> tuple[dict, ...]:
    with open(manifest, newline="", encoding="utf-8") as handle:
        return tuple(csv.DictReader(handle))


def source_of(relative_path: str | Path) -> dict:
    """The row of ``data/sources.csv`` describing a data file (empty dict if it has none).

    >>> source_of("article/specialties.csv")["quality"]
    'claims (not evidence)'
    """
    manifest = data_dir() / "sources.csv"
    if not manifest.exists():
        return {}
    wanted = Path(relative_path).as_posix()
    for row in _sources(manifest, manifest.stat().st_mtime):
        if fnmatch.fnmatch(wanted, row["file"]):
            return dict(row)
    return {}
