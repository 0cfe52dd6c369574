"""Every kind of data file the kit loads, deliberately corrupted: the loader must refuse it with a
:class:`DataFileError` that names the file, the line (header = line 1) and the column.

Each test copies ``data/`` to a temporary folder, breaks one file there, points the kit at the copy
(``MEDCODING_DATA_DIR``) and calls the file's own loader. Two problems concern the whole file and
have no line or column: an empty file, and a header with no rows; for them the file and the problem
are asserted, and that no line is claimed.
"""

from __future__ import annotations

import csv
import io
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

from analysis.data import ai_exposure

from analysis.data import article

from analysis.data import careers

from analysis.data import evidence

from analysis.data import oews

from analysis.topics import job_outlook as outlook

from analysis.data import states
from analysis.data.tables import data_dir
from analysis.core.errors import DataFileError

SOURCE_DATA = data_dir()


@dataclass(frozen=True)
class Kind:
    """One kind of data file, its loader, and which columns to break."""

    name: str
    file: str  # relative to data/
    load: Callable
    drop: str  # a required column to remove
    number: str | None = None  # a number column: text and (unless allowed) a negative value go here
    negative_allowed: bool = False
    duplicates_allowed: bool = False
    state: str | None = None  # column holding a state abbreviation (unknown state)
    fips: str | None = None  # column holding a two-digit FIPS code
    sep: str = ","
    keep_lines: int | None = None  # shorten big files (the test stays fast; the layout is unchanged)


KINDS = [
    Kind("state wages 2024", evidence.STATE_WAGE_FILES[2024], lambda: evidence.load_state_wages(2024),
         drop="annual_median_usd", number="annual_mean_usd", state="state_abbr", fips="state_fips"),
    Kind("state wages 2023", evidence.STATE_WAGE_FILES[2023], lambda: evidence.load_state_wages(2023),
         drop="hourly_mean_usd", number="hourly_mean_usd", state="state_abbr", fips="state_fips"),
    Kind("state percentiles 2023", evidence.PERCENTILES_2023_FILE, evidence.load_state_percentiles_2023,
         drop="annual_p90_usd", number="annual_p10_usd", state="state_abbr", fips="state_fips"),
    Kind("national facts", evidence.NATIONAL_FACTS_FILE, evidence.load_national_facts, drop="unit", number="value"),
    Kind("certification surveys", evidence.SURVEYS_FILE, evidence.load_certification_surveys, drop="measure", number="value"),
    Kind("reference us_states", states.STATES_FILE, states.states_table, drop="state_abbr", number="tile_row",
         negative_allowed=True, fips="state_fips"),
    Kind("OEWS official layout (national May 2021)", oews.NATIONAL_2021_FILE, oews.load_national_2021,
         drop="A_MEDIAN", number="A_MEDIAN", keep_lines=40),
    Kind("OEWS raw state rows (May 2023)", "evidence/raw/state_M2023_dl_29-2072_rows.csv",
         lambda: oews.load_oews_file("evidence/raw/state_M2023_dl_29-2072_rows.csv"),
         drop="OCC_CODE", number="A_MEAN", sep=";"),
    Kind("AI exposure occ_level", ai_exposure.EXPOSURE_FILE, ai_exposure.load_exposure,
         drop="dv_rating_beta", number="dv_rating_alpha"),
    Kind("reference career_soc_map", careers.CAREER_SOC_MAP_FILE, careers.load_career_soc_map, drop="soc_code"),
    Kind("projections 2020-30", outlook.PROJECTIONS_2020_30_FILE, outlook.load_projections_2020_30,
         drop="pct_emp_change_2020_2030", number="pct_emp_change_2020_2030", negative_allowed=True,
         duplicates_allowed=True),
]


def _article_kind(name: str) -> Kind:
    """An article table: break ``claim_id``; the number column is its first whole-number or decimal column."""
    schema = article.ARTICLE_TABLES[name]
    numbers = [c for c, col in schema.columns.items() if str(col.dtype) in ("Int64", "float64")
               and any(chk.name == "greater_than_or_equal_to" for chk in col.checks)]
    return Kind(f"article {name}", f"article/{name}.csv", lambda: article.load_article_table(name),
                drop="claim_id", number=numbers[0] if numbers else None)


KINDS += [_article_kind(name) for name in sorted(article.ARTICLE_TABLES)]

CORRUPTIONS = ["missing column", "text in a number column", "duplicate row", "unknown state", "negative value",
               "empty file", "header only", "FIPS code lost its zero"]


def _applies(kind: Kind, corruption: str) -> bool:
    return {
        "text in a number column": kind.number is not None,
        "negative value": kind.number is not None and not kind.negative_allowed,
        "duplicate row": not kind.duplicates_allowed,
        "unknown state": kind.state is not None,
        "FIPS code lost its zero": kind.fips is not None,
    }.get(corruption, True)


CASES = [pytest.param(kind, corruption, id=f"{kind.name}: {corruption}")
         for kind in KINDS for corruption in CORRUPTIONS if _applies(kind, corruption)]


# ------------------------------------------------------------------ helpers


def _clear_caches():
    states.states_table.cache_clear()
    evidence._schemas.cache_clear()
    oews._national_2021.cache_clear()
    ai_exposure._load_exposure.cache_clear()


@pytest.fixture
def data_copy(tmp_path, monkeypatch):
    copy = tmp_path / "data"
    shutil.copytree(SOURCE_DATA, copy)
    monkeypatch.setenv("MEDCODING_DATA_DIR", str(copy))
    _clear_caches()
    yield copy
    _clear_caches()


class CsvFile:
    """A data file as rows of cells, written back with its own separator, BOM and line ends."""

    def __init__(self, path: Path, sep: str):
        raw = path.read_bytes()
        self.path, self.sep = path, sep
        self.bom = raw.startswith(b"\xef\xbb\xbf")
        self.newline = "\r\n" if b"\r\n" in raw else "\n"
        self.rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=sep))

    def column(self, name: str) -> int:
        return self.rows[0].index(name)

    def write(self, rows=None) -> None:
        out = io.StringIO()
        csv.writer(out, delimiter=self.sep, lineterminator=self.newline).writerows(self.rows if rows is None else rows)
        self.path.write_text(out.getvalue(), encoding="utf-8-sig" if self.bom else "utf-8")


def _corrupt(copy: Path, kind: Kind, corruption: str):
    """Break the file; return (line, column) the error must name (None where it concerns the whole file)."""
    table = CsvFile(copy / kind.file, kind.sep)
    if kind.keep_lines:
        table.rows = table.rows[: kind.keep_lines]
    line = 3  # every file has at least two data rows
    if corruption == "missing column":
        drop = table.column(kind.drop)
        table.rows = [r[:drop] + r[drop + 1:] for r in table.rows]
        table.write()
        return 1, kind.drop
    if corruption == "text in a number column":
        table.rows[line - 1][table.column(kind.number)] = "abc"
        table.write()
        return line, kind.number
    if corruption == "negative value":
        table.rows[line - 1][table.column(kind.number)] = "-5"
        table.write()
        return line, kind.number
    if corruption == "duplicate row":
        table.rows.append(list(table.rows[line - 1]))
        table.write()
        return len(table.rows), "any"
    if corruption == "unknown state":
        table.rows[line - 1][table.column(kind.state)] = "ZZ"
        table.write()
        return line, kind.state
    if corruption == "FIPS code lost its zero":
        fips = table.column(kind.fips)
        line = next(n for n, row in enumerate(table.rows[1:], start=2) if row[fips].startswith("0"))
        table.rows[line - 1][fips] = table.rows[line - 1][fips].lstrip("0")
        table.write()
        return line, kind.fips
    if corruption == "empty file":
        table.path.write_bytes(b"")
        return None, None
    if corruption == "header only":
        table.write(table.rows[:1])
        return None, None
    raise AssertionError(corruption)


# ------------------------------------------------------------------ the tests


def test_every_loaded_file_kind_is_covered():
    """A data file added to data/ without a case here makes this fail (the LICENSE and texts excepted)."""
    covered = {kind.file for kind in KINDS} | {"sources.csv"}
    files = {p.relative_to(SOURCE_DATA).as_posix() for p in SOURCE_DATA.rglob("*.csv")}
    assert files - covered == set()


def test_untouched_copy_loads(data_copy):
    for kind in KINDS:
        assert len(kind.load()) > 0, kind.name


@pytest.mark.parametrize("kind, corruption", CASES)
def test_corrupted_file_is_refused_with_file_line_and_column(data_copy, kind, corruption):
    line, column = _corrupt(data_copy, kind, corruption)
    with pytest.raises(DataFileError) as info:
        kind.load()
    err, message = info.value, str(info.value)
    assert f"data/{kind.file}" in message
    if line is None:  # the whole file is wrong: no line or column to point at
        assert err.line is None and err.column is None
        assert ("empty" if corruption == "empty file" else "no data rows") in message
        return
    assert err.line == line and f"line {line}," in message
    if column == "any":  # a duplicate names the column (or columns) that must be unique
        assert err.column and f"column {err.column!r}" in message and "more than once" in message
    else:
        assert err.column == column and f"column {column!r}" in message
    if corruption == "FIPS code lost its zero":
        assert "leading zero" in message


def test_fips_codes_stay_text_in_every_state_file():
    for kind in KINDS:
        if kind.fips:
            table = kind.load()
            assert table[kind.fips].map(type).eq(str).all() and table[kind.fips].str.fullmatch(r"\d{2}").all(), kind.name


def test_article_state_table_rejects_an_unknown_state(data_copy):
    kind = _article_kind("state_salaries")
    table = CsvFile(data_copy / kind.file, ",")
    table.rows[2][table.column("state_abbr")] = "ZZ"
    table.write()
    with pytest.raises(DataFileError) as info:
        kind.load()
    assert (info.value.line, info.value.column) == (3, "state_abbr")  # rows[0] is the header
    assert "'ZZ'" in str(info.value) and "state" in str(info.value)


def test_state_file_rejects_a_row_whose_code_name_and_abbreviation_name_different_areas(data_copy):
    # Texas's and Utah's abbreviations swapped: each column alone is still valid, only the rows disagree
    table = CsvFile(data_copy / evidence.STATE_WAGE_FILES[2024], ",")
    abbr = table.column("state_abbr")
    rows = {r[abbr]: i for i, r in enumerate(table.rows)}
    table.rows[rows["TX"]][abbr], table.rows[rows["UT"]][abbr] = "UT", "TX"
    table.write()
    evidence.load_state_wages.cache_clear()
    with pytest.raises(DataFileError) as info:
        evidence.load_state_wages(2024)
    assert f"data/{evidence.STATE_WAGE_FILES[2024]}" in str(info.value)
    assert info.value.line == min(rows["TX"], rows["UT"]) + 1  # the first such row (rows[0] is the header, line 1)
    # The rule the row breaks and the row's values, not a check of one cell that passed (it said "'48' does not have
    # the expected form" before)
    assert "FIPS code, name and abbreviation must name the same area" in str(info.value)
    assert "state_fips='48', state='Texas', state_abbr='UT'" in str(info.value) or \
        "state_fips='49', state='Utah', state_abbr='TX'" in str(info.value)
    assert "expected form" not in str(info.value)


def test_a_rule_across_a_row_is_named_with_the_values_it_compares(data_copy):
    kind = _article_kind("career_path")
    table = CsvFile(data_copy / kind.file, ",")
    low, high = table.column("salary_low_usd"), table.column("salary_high_usd")
    number, row = next((i, r) for i, r in enumerate(table.rows) if i and r[low] and r[high] and r[low] != r[high])
    row[low], row[high] = max(row[low], row[high], key=int), min(row[low], row[high], key=int)
    table.write()
    with pytest.raises(DataFileError) as info:
        kind.load()
    assert info.value.line == number + 1
    assert f"salary_low_usd must not be above salary_high_usd (salary_low_usd={row[low]!r}, salary_high_usd={row[high]!r})" \
        in str(info.value)


# ------------------------------------------------------------------ the manifest, data/sources.csv


def test_sources_manifest_without_its_file_column(data_copy):
    table = CsvFile(data_copy / "sources.csv", ",")
    drop = table.column("file")
    table.write([r[:drop] + r[drop + 1:] for r in table.rows])
    with pytest.raises(DataFileError) as info:
        evidence.load_national_facts()
    assert (info.value.line, info.value.column) == (1, "file")
    assert "data/sources.csv" in str(info.value)


def test_empty_sources_manifest(data_copy):
    (data_copy / "sources.csv").write_bytes(b"")
    with pytest.raises(DataFileError, match="data/sources.csv: the file is empty"):
        evidence.load_national_facts()
