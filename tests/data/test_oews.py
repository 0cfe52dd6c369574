"""The official BLS OEWS file layout: read faithfully, markers kept as statuses, bad files refused.

The raw file is re-read here with the csv module, independently of the loader, so a test fails if
the loader changes, drops or invents a number.
"""

from __future__ import annotations

import csv
import io
import shutil

import pandas as pd
import pytest

from analysis.data import oews
from analysis.data.tables import data_path
from analysis.core.errors import DataFileError, InputError
from analysis.data.evidence import load_state_wages

RAW_STATE_FILE = "evidence/raw/state_M2023_dl_29-2072_rows.csv"


@pytest.fixture(scope="module")
def national():
    return oews.load_national_2021()


@pytest.fixture(scope="module")
def raw_rows():
    """The national file as text cells, header first (line numbers = list index + 1)."""
    text = data_path(oews.NATIONAL_2021_FILE).read_text(encoding="utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def write_csv(path, rows, *, sep=",", encoding="utf-8-sig", newline="\r\n"):
    out = io.StringIO()
    csv.writer(out, delimiter=sep, lineterminator=newline).writerows(rows)
    path.write_text(out.getvalue(), encoding=encoding)
    return path


# ------------------------------------------------------------------ the May 2021 national file


def test_medical_records_row_as_published(national):
    row = national.set_index("occ_code").loc["29-2072"]
    assert row.occ_title == "Medical Records Specialists" and row.o_group == "detailed"
    assert int(row.tot_emp) == 180570
    assert [int(row[c]) for c in ("a_mean", "a_pct10", "a_pct25", "a_median", "a_pct75", "a_pct90")] == [
        48310, 29430, 36930, 46660, 59120, 74200]
    assert [float(row[c]) for c in ("h_mean", "h_median")] == [23.23, 22.43]
    assert national.attrs["period"] == "May 2021"
    assert national.attrs["source"]["quality"] == "BLS estimates (official file layout)"


def test_every_published_number_is_read_exactly(national, raw_rows):
    header, body = raw_rows[0], raw_rows[1:]
    assert len(national) == len(body)
    for name in oews.WAGES + ("TOT_EMP",):
        column = name.lower()
        raw = [r[header.index(name)] for r in body]
        numbers = [None if cell in ("*", "**", "#") else float(cell.replace(",", "")) for cell in raw]
        loaded = [None if pd.isna(v) else float(v) for v in national[column]]
        assert loaded == numbers, name


def test_markers_become_statuses_and_never_numbers(national, raw_rows):
    header, body = raw_rows[0], raw_rows[1:]
    expected = {"*": "suppressed", "**": "suppressed", "#": "top_coded"}
    for name in oews.WAGES:
        raw = [r[header.index(name)] for r in body]
        status = national[f"{name.lower()}_status"].tolist()
        assert status == [expected.get(cell, "value") for cell in raw], name
        assert national.loc[national[f"{name.lower()}_status"] != "value", name.lower()].isna().all(), name
    assert (national.a_pct90_status == "top_coded").sum() == sum(r[header.index("A_PCT90")] == "#" for r in body) > 0


def test_codes_stay_text_and_types_are_numbers(national):
    assert national.area.eq("99").all() and national.naics.eq("000000").all()
    assert str(national.tot_emp.dtype) == "Int64" and str(national.a_median.dtype) == "Int64"
    assert str(national.h_median.dtype) == "Float64"
    assert national.annual.dtype == "boolean" and int(national.annual.sum()) == 83


def test_a_code_listed_as_broad_and_detailed_is_not_a_duplicate(national):
    rows = national[national.occ_code == "13-1020"]
    assert sorted(rows.o_group) == ["broad", "detailed"]
    assert oews.occupation_wages("13-1020").o_group.tolist() == ["detailed"]


def test_cached_table_cannot_be_changed_by_a_caller():
    first = oews.load_national_2021()
    first.loc[0, "occ_title"] = "changed"
    assert oews.load_national_2021().loc[0, "occ_title"] == "All Occupations"


# ------------------------------------------------------------------ occupation_wages, to_long


def test_occupation_wages_in_the_order_asked():
    wages = oews.occupation_wages("29-9021, 29-2072.00, 43-3021")
    assert wages.occ_code.tolist() == ["29-9021", "29-2072", "43-3021"]
    assert wages.attrs["period"] == "May 2021"


@pytest.mark.parametrize("bad, words", [("29-2027", "Did you mean '29-2072'"), ("292072", "a SOC code like"),
                                        ("11-1011.03", "a SOC code like")])
def test_occupation_wages_rejects_unknown_codes(bad, words):
    with pytest.raises(InputError, match=words):
        oews.occupation_wages([bad])


def test_to_long_keeps_statuses_and_missing_values():
    long = oews.to_long(oews.occupation_wages(["11-1011", "29-2072"]))
    assert len(long) == 2 * 12
    ceo = long[(long.occ_code == "11-1011") & (long.pay == "annual")].set_index("statistic")
    assert ceo.loc["p90", "status"] == "top_coded" and pd.isna(ceo.loc["p90", "value"])
    assert ceo.loc["median", "value"] == 179520
    records = long[long.occ_code == "29-2072"].set_index("measure")
    assert records.loc["a_median", "value"] == 46660 and records.loc["a_median", "statistic"] == "median"


# ------------------------------------------------------------------ other layouts


def test_raw_state_rows_agree_with_the_tidy_2023_file():
    rows = oews.load_oews_file(RAW_STATE_FILE)
    assert rows.attrs["period"] == "May 2023" and rows.attrs["file"] == RAW_STATE_FILE
    tidy = load_state_wages(2023, include_territories=True).set_index("state")
    raw = rows.set_index("area_title")
    assert len(raw) == len(tidy) == 54
    for name in tidy.index:
        assert float(raw.loc[name, "h_mean"]) == float(tidy.loc[name, "hourly_mean_usd"]), name
        assert int(raw.loc[name, "a_mean"]) == int(tidy.loc[name, "annual_mean_usd"]), name
    assert set(rows.a_mean_status) == {"value"}


def test_excel_export_reads_the_same(tmp_path, raw_rows, national):
    """Lower-case headers, semicolons, Windows code page, no BOM, empty rows and an empty extra column."""
    rows = [[h.lower() for h in raw_rows[0]] + [""]] + [r + [""] for r in raw_rows[1:]] + [[""] * (len(raw_rows[0]) + 1)] * 2
    title = raw_rows[0].index("OCC_TITLE")
    rows[1][title] = "All Occupations (caf\u00e9)"  # a byte that is not UTF-8 in cp1252
    path = write_csv(tmp_path / "national_M2021_dl.csv", rows, sep=";", encoding="cp1252", newline="\n")
    with pytest.raises(UnicodeDecodeError):
        path.read_text(encoding="utf-8")
    loaded = oews.load_oews_file(path)
    assert loaded.occ_title[0] == "All Occupations (caf\u00e9)"
    expected = national.copy()
    expected.loc[0, "occ_title"] = "All Occupations (caf\u00e9)"
    pd.testing.assert_frame_equal(loaded, expected)


def test_a_file_from_anywhere_says_it_was_supplied(tmp_path, raw_rows):
    path = write_csv(tmp_path / "national_M2024_dl.csv", raw_rows[:30])
    table = oews.load_oews_file(str(path))
    assert len(table) == 29 and table.attrs["period"] == "May 2024"
    assert "file" not in table.attrs  # not under data/: no data/ path is claimed
    assert "supplied by the user" in table.attrs["source_text"]
    assert table.attrs["source"]["quality"].startswith("as supplied")


def test_older_column_names(tmp_path, raw_rows):
    header = ["OCC_GROUP" if h == "O_GROUP" else h for h in raw_rows[0]]
    table = oews.load_oews_file(write_csv(tmp_path / "old.csv", [header] + raw_rows[1:10]))
    assert "o_group" in table.columns and table.attrs["period"] is None


# ------------------------------------------------------------------ refused files


def corrupt(rows, line, column, value):
    rows = [list(r) for r in rows]
    rows[line - 1][rows[0].index(column)] = value
    return rows


@pytest.mark.parametrize("column, value, words", [
    ("TOT_EMP", "#", "'#' is not a valid whole number"),  # top-coding applies to wages only
    ("A_MEDIAN", "46,66O", "'46,66O' is not a valid whole number"),
    ("H_MEDIAN", "-1.50", "-1.5 is negative"),
    ("AREA", "9", "dropped a leading zero"),
    ("OCC_CODE", "292072", "expected form"),
    ("O_GROUP", "detial", "Did you mean 'detail"),
    ("ANNUAL", "maybe", "true/false"),
])
def test_bad_cells_are_refused_with_line_and_column(tmp_path, raw_rows, column, value, words):
    path = write_csv(tmp_path / "bad.csv", corrupt(raw_rows[:20], 7, column, value))
    with pytest.raises(DataFileError) as info:
        oews.load_oews_file(path)
    err = info.value
    assert (err.line, err.column) == (7, column)
    assert words in str(err) and "bad.csv" in str(err)


def test_a_file_without_any_measure_is_refused(tmp_path, raw_rows):
    keep = [raw_rows[0].index(c) for c in ("OCC_CODE", "OCC_TITLE")]
    path = write_csv(tmp_path / "codes.csv", [[r[i] for i in keep] for r in raw_rows[:5]])
    with pytest.raises(DataFileError, match="no employment or wage column") as info:
        oews.load_oews_file(path)
    assert info.value.line == 1


def test_the_same_column_twice_is_refused(tmp_path, raw_rows):
    rows = [r + [r[raw_rows[0].index("A_MEDIAN")]] for r in raw_rows[:5]]
    rows[0][-1] = "a_median"
    with pytest.raises(DataFileError, match="are both A_MEDIAN") as info:
        oews.load_oews_file(write_csv(tmp_path / "twice.csv", rows))
    assert (info.value.line, info.value.column) == (1, "a_median")


def test_a_workbook_or_a_missing_file_is_explained(tmp_path):
    workbook = tmp_path / "national_M2024_dl.xlsx"
    workbook.write_bytes(b"PK\x03\x04")
    with pytest.raises(DataFileError, match="not a readable Excel workbook"):
        oews.load_oews_file(workbook)
    with pytest.raises(DataFileError, match="does not exist"):
        oews.load_oews_file(tmp_path / "nowhere.csv")


def test_national_file_must_keep_its_full_layout(tmp_path, monkeypatch, raw_rows):
    data = tmp_path / "data"
    shutil.copytree(data_path("."), data)
    drop = raw_rows[0].index("A_PCT90")
    write_csv(data / oews.NATIONAL_2021_FILE, [r[:drop] + r[drop + 1:] for r in raw_rows[:10]])
    monkeypatch.setenv("MEDCODING_DATA_DIR", str(data))
    with pytest.raises(DataFileError, match="required column 'A_PCT90' is missing") as info:
        oews.load_national_2021()
    assert info.value.line == 1


def test_a_state_file_with_an_unknown_state_code_is_refused(tmp_path, raw_rows):
    """A dropped-in state file (AREA_TYPE 2): each AREA must be a known state FIPS code, kept as text."""
    header = raw_rows[0]
    rows = [header] + [corrupt([header, raw_rows[597]], 2, "AREA_TYPE", "2")[1]] * 3
    rows = [list(r) for r in rows]
    for line, (code, title) in enumerate([("01", "Alabama"), ("57", "Atlantis"), ("06", "California")], start=2):
        rows[line - 1][header.index("AREA")] = code
        rows[line - 1][header.index("AREA_TITLE")] = title
    with pytest.raises(DataFileError, match="'57' is not the FIPS code") as info:
        oews.load_oews_file(write_csv(tmp_path / "state_M2024_dl.csv", rows))
    assert (info.value.line, info.value.column) == (3, "AREA")
    rows[2][header.index("AREA")] = "02"
    table = oews.load_oews_file(write_csv(tmp_path / "state_M2024_dl.csv", rows))
    assert table.area.tolist() == ["01", "02", "06"] and table.area_type.tolist() == [2, 2, 2]


def test_may_2021_top_coding_note_agrees_with_the_file(national):
    """The module text says May 2021's '#' means >= $100.00/hour or $208,000/year: no published percentile reaches it."""
    hourly = national[[c.lower() for c in oews.HOURLY_WAGES if c != "H_MEAN"]].max().max()
    annual = national[[c.lower() for c in oews.ANNUAL_WAGES if c != "A_MEAN"]].max().max()
    assert (float(hourly), int(annual)) == (99.72, 207420)
    assert hourly < 100.00 and annual < 208000
    assert "$99.72 and $207,420" in oews.__doc__ and "$100.00 per hour or $208,000 per year" in oews.__doc__
