"""Reading the kit's data files: declared schemas, typed columns, and errors that say where.

Every CSV is read with all columns as text first, so a FIPS code such as ``"06"`` stays ``"06"``
and nothing is guessed; a pandera schema then coerces each column to its declared type. Any
problem (a missing column, text in a number column, a duplicate, an empty file) raises
:class:`~analysis.core.errors.DataFileError` naming the file, the line and the column. A bad value never
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
from pathlib import Path

import pandas as pd

from analysis.core.errors import DataFileError
from analysis.data.cache import cached_by_files

from analysis.core.paths import data_dir, data_path  # noqa: F401  (part of this module's API)

#: Largest data file the kit reads. The biggest it ships is ~0.3 MB; checking the size (and the header,
#: below) before parsing rejects a mistaken or junk file in a moment instead of minutes of parsing.
MAX_FILE_BYTES = 16 * 1024 * 1024
#: Longest header line accepted: a real header is a few hundred bytes.
MAX_HEADER_BYTES = 64 * 1024


def read_table(relative_path: str | Path, schema, *, sep: str = ",", encoding: str = "utf-8-sig"):
    """Read a CSV under ``data/`` and validate it against a pandera ``DataFrameSchema``.

    ``schema`` may be None to read every column as text. The returned frame carries
    ``df.attrs["source"]`` (the file's row of ``data/sources.csv``) and ``df.attrs["file"]``.
    """
    path = data_path(relative_path)
    shown = _shown_path(path)
    if not path.exists():
        raise DataFileError(shown, "the file does not exist", hint="check the name, or run `git status` to see if it was deleted")
    check_before_parsing(path, shown, schema, sep=sep, encoding=encoding)
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


def check_before_parsing(path: Path, shown: str, schema=None, *, sep: str = ",", encoding: str = "utf-8-sig") -> None:
    """Cheap checks before a CSV is parsed: its size, its encoding and its header's columns.

    A file that is too big, not UTF-8 text, or whose first line is not a header with the schema's
    columns raises :class:`~analysis.core.errors.DataFileError` at once, without reading the rest.
    """
    try:
        size = path.stat().st_size
        with open(path, "rb") as handle:
            head = handle.read(MAX_HEADER_BYTES + 1)
    except IsADirectoryError:
        raise DataFileError(shown, "is a folder, not a data file") from None
    except OSError as error:
        raise DataFileError(shown, f"cannot be read ({error.strerror or error})") from None
    if size > MAX_FILE_BYTES:
        raise DataFileError(shown, f"the file is {size / 2**20:.1f} MB, more than the {MAX_FILE_BYTES // 2**20} MB limit "
                            "for a data file of the kit", hint="is it the right file? A real table of this kit is far smaller")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head:
        raise DataFileError(shown, "the file is not UTF-8 text (it looks like UTF-16 or a binary file)",
                            hint="save it as 'CSV UTF-8 (comma delimited)'")
    first, newline, _ = head.partition(b"\n")
    if not newline and len(head) > MAX_HEADER_BYTES:
        raise DataFileError(shown, f"the first line is longer than {MAX_HEADER_BYTES // 1024} KB, so it is not a CSV header",
                            line=1, hint="is it the right file?")
    try:
        header_text = first.decode(encoding).strip("\r")
    except UnicodeDecodeError:
        raise DataFileError(shown, f"the header is not {encoding.replace('-sig', '').upper()} text",
                            line=1, hint="save it as 'CSV UTF-8 (comma delimited)'") from None
    columns = getattr(schema, "columns", None)
    if not columns or not header_text:
        return
    header = next(csv.reader([header_text], delimiter=sep), [])
    for name, column in columns.items():
        if getattr(column, "regex", False) or not getattr(column, "required", True):
            continue
        if name not in header:
            from analysis.core.errors import shorten

            has = ", ".join(header)
            has = has if len(has) <= 200 else shorten(has, 200)
            raise DataFileError(shown, f"required column {name!r} is missing (the file has: {has})", line=1, column=name)


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
    """The problem a person should fix first, worded with its line (header = line 1) and column.

    Order: a missing column, then problems of single cells in file order (a wrong type before a
    failed check on the same cell), then duplicates and checks that span a whole row.
    """
    cases = _in_reading_order(errors.failure_cases)
    first = cases.iloc[0]
    column = first.get("column")
    if column is None or (isinstance(column, float) and pd.isna(column)):
        column = None
    check = str(first.get("check"))
    value = _plain_value(first.get("failure_case"))
    line = _line(first.get("index"))
    if check == "column_in_dataframe":
        expected = ", ".join(map(str, frame.columns))
        return DataFileError(shown_file, f"required column {value!r} is missing (the file has: {expected})", line=1, column=value)
    if check.startswith("coerce_dtype") or "dtype" in check:
        if line is None and column in frame.columns:  # pandera reports the value; find its line
            line = _line_of(frame, column, value)
        return DataFileError(shown_file, f"{value!r} is not a valid {_dtype_word(check)}{_more(cases, {line})}", line=line, column=column)
    if check == "multiple_fields_uniqueness":
        names = list(getattr(errors.schema, "unique", None) or [column])
        key = frame.loc[first["index"], names]
        lines = [int(i) + 2 for i in frame.index[(frame[names] == key.values).all(axis=1)]]
        shown = ", ".join(f"{n}={v!r}" for n, v in zip(names, key.tolist()))
        return DataFileError(shown_file, f"the combination {shown} appears more than once ({_lines(lines)}); each combination must be "
                             f"unique{_more(cases, set(lines))}", line=lines[-1], column=", ".join(names))
    if check == "field_uniqueness" or "unique" in check:
        lines = sorted({int(i) + 2 for i in frame.index[frame[column].astype(str) == str(value)]} | {line} - {None})
        return DataFileError(shown_file, f"{value!r} appears more than once ({_lines(lines)}); each value must be unique"
                             f"{_more(cases, set(lines))}", line=lines[-1], column=column)
    if check == "not_nullable":
        return DataFileError(shown_file, f"a value is missing (empty cell){_more(cases, {line})}", line=line, column=column)
    if first.get("schema_context") == "DataFrameSchema":  # a check across a row's columns, not of this cell
        problem = _row_check_problem(errors.schema, first, frame)
        return DataFileError(shown_file, f"{problem}{_more(cases, {line})}", line=line)
    problem = _check_problem(errors.schema, first, value, check)
    return DataFileError(shown_file, f"{problem}{_more(cases, {line})}", line=line, column=column)


def _in_reading_order(cases: pd.DataFrame) -> pd.DataFrame:
    def rank(row):
        check = str(row["check"])
        if check == "column_in_dataframe":
            return 0
        if row.get("schema_context") == "Column" and check not in ("field_uniqueness",):
            return 1
        return 2

    order = cases.assign(
        _rank=cases.apply(rank, axis=1),
        _line=pd.to_numeric(cases["index"], errors="coerce").fillna(float("inf")),
        _type=~cases["check"].astype(str).str.contains("dtype"),
        _number=pd.to_numeric(cases["check_number"], errors="coerce").fillna(-1),
    )
    return order.sort_values(["_rank", "_line", "_type", "_number"], kind="stable")


def _row_check_problem(schema, case, frame: pd.DataFrame) -> str:
    """Words for a failed check that spans a row: the rule it states, and the row's values it compares."""
    try:
        rule = schema.checks[int(case["check_number"])].error or str(case["check"])
    except (AttributeError, TypeError, ValueError, IndexError):
        rule = str(case["check"])
    import re

    # The columns the rule names (else the row's first three, which say which row it is)
    named = [c for c in frame.columns if re.search(rf"\b{re.escape(str(c))}\b", rule)] or list(frame.columns[:3])
    try:
        row = frame.loc[case["index"]]
        shown = ", ".join(f"{name}={_plain_value(row[name])!r}" for name in named)
    except (KeyError, TypeError):
        return f"this row breaks the rule: {rule}"
    return f"this row breaks the rule: {rule} ({shown}); correct whichever of them is wrong"


def _check_problem(schema, case, value, check: str) -> str:
    """Words for a failed check: the allowed values, the expected form, or the limit."""
    stats = {}
    try:
        stats = schema.columns[case["column"]].checks[int(case["check_number"])].statistics or {}
    except (AttributeError, KeyError, TypeError, ValueError, IndexError):
        pass
    if "allowed_values" in stats:
        from analysis.core.errors import _short_list, closest

        allowed = [str(v) for v in stats["allowed_values"]]
        near = closest(str(value), allowed)
        hint = f" Did you mean {near!r}?" if near is not None and near != str(value) else ""
        return f"{value!r} is not an allowed value.{hint} Allowed: {_short_list(allowed)}"
    if "pattern" in stats:
        import re

        text = str(value)
        if text.isdigit():
            for width in range(len(text) + 1, 8):  # a spreadsheet drops leading zeros: "06" -> 6
                if re.fullmatch(stats["pattern"], text.zfill(width)):
                    return (f"{value!r} is too short for a code of this column: a spreadsheet may have dropped a "
                            f"leading zero (write {text.zfill(width)!r}; codes are text, so keep their zeros)")
        return f"{value!r} does not have the expected form (pattern {stats['pattern']})"
    if "min_value" in stats and "max_value" not in stats:
        below = "is negative" if stats["min_value"] == 0 else f"is below {stats['min_value']}"
        return f"{value!r} {below}; allowed: {stats['min_value']} or more"
    return f"{value!r} fails the check {check}"


def _plain_value(value):
    """A numpy scalar as the plain Python value it holds (so messages show -5, not np.int64(-5))."""
    return value.item() if hasattr(value, "item") and not isinstance(value, (str, bytes)) else value


def _line(index):
    return int(index) + 2 if index is not None and not pd.isna(index) else None


def _lines(lines) -> str:
    lines = sorted(set(lines))
    return f"line{'s' if len(lines) > 1 else ''} " + (", ".join(map(str, lines[:-1])) + " and " if len(lines) > 1 else "") + str(lines[-1])


def _more(cases: pd.DataFrame, shown_lines: set) -> str:
    """"; problems on 2 more lines" when other lines of the file fail too."""
    others = {_line(i) for i in cases["index"]} - set(shown_lines) - {None}
    return f"; problems on {len(others)} more line{'s' if len(others) != 1 else ''} of this file" if others else ""


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


SOURCES_COLUMNS = ("file", "title", "source", "quality")


@cached_by_files(("sources.csv",), copy=False)
def _sources() -> tuple[dict, ...]:
    manifest = data_dir() / "sources.csv"
    shown = _shown_path(manifest)
    with open(manifest, newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        rows = tuple(reader)
    if not header:
        raise DataFileError(shown, "the file is empty (no header, no rows)", hint="it names the source of every data file")
    for name in SOURCES_COLUMNS:
        if name not in header:
            raise DataFileError(shown, f"required column {name!r} is missing (the file has: {', '.join(header)})", line=1, column=name)
    for number, row in enumerate(rows, start=2):
        if not (row.get("file") or "").strip():
            raise DataFileError(shown, "a value is missing (empty cell)", line=number, column="file")
    return rows


def source_of(relative_path: str | Path) -> dict:
    """The row of ``data/sources.csv`` describing a data file (empty dict if it has none).

    >>> source_of("article/specialties.csv")["quality"]
    'claims (not evidence)'
    """
    manifest = data_dir() / "sources.csv"
    if not manifest.exists():
        return {}
    wanted = Path(relative_path).as_posix()
    for row in _sources():
        if fnmatch.fnmatch(wanted, row["file"]):
            return dict(row)
    return {}
