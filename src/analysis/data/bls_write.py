"""Writing an import into ``data/``: the ``sources.csv`` rows, and every file or none.

:func:`read_sources` and :func:`with_row` keep the rows of ``data/sources.csv`` as dicts (a file's row is
replaced, a new file's row added at the end); :func:`sources_bytes` writes them back with every unchanged
line exactly as it was. :func:`write_all_atomic` puts the new files and ``sources.csv`` in place together,
so that a failure leaves ``data/`` byte-identical.
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

from analysis.core.paths import data_dir

SOURCES_FILE = "sources.csv"
SOURCES_HEADER = ("file", "title", "source", "quality", "sha256", "imported", "released")


def read_sources() -> list[dict]:
    """The rows of data/sources.csv (none if it does not exist)."""
    path = data_dir() / SOURCES_FILE
    if not path.exists():
        return []
    with open(path, newline="", encoding="utf-8-sig") as handle:
        return [dict(r) for r in csv.DictReader(handle)]


def with_row(rows: list[dict], row: dict) -> list[dict]:
    """A copy of ``rows`` with ``row`` in place of its file's row, or added at the end."""
    rows = [dict(r) for r in rows]
    for i, existing in enumerate(rows):
        if existing.get("file") == row["file"]:
            rows[i] = {**existing, **row}
            return rows
    return rows + [dict(row)]


def sources_bytes(rows: list[dict]) -> bytes:
    """sources.csv with its rows in order; an unchanged row is written back exactly as it was."""
    path = data_dir() / SOURCES_FILE
    lines = path.read_text(encoding="utf-8-sig").splitlines() if path.exists() else [",".join(SOURCES_HEADER)]
    header = next(csv.reader([lines[0]]))
    if list(header)[:len(SOURCES_HEADER)] != list(SOURCES_HEADER):
        header = list(SOURCES_HEADER) + [h for h in header if h not in SOURCES_HEADER]
    old_rows = read_sources()
    out = [lines[0] if header == next(csv.reader([lines[0]])) else _csv_line(header)]
    for i, row in enumerate(rows):
        if i < len(old_rows) and old_rows[i] == row and i + 1 < len(lines):
            out.append(lines[i + 1])
        else:
            out.append(_csv_line([row.get(h) or "" for h in header]))
    return ("\n".join(out) + "\n").encode()


def _csv_line(values) -> str:
    """One CSV line, quoted as the csv module does, without its line end."""
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
