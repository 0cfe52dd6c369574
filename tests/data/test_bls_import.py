"""`medcoding data import`: official BLS files (built here in the exact layout, synthetic numbers) into a copy of data/."""

from __future__ import annotations

import nbformat
import pytest
from conftest import ROOT, output_text, papermill
from file_snapshots import snapshot

import bls_official_files as bls
from analysis import cli
from analysis.calc import claims
from analysis.core.errors import InputError
from analysis.data import bls_import, bls_years, evidence
from analysis.topics import job_outlook as outlook
from analysis.topics import salary_by_state as salary


@pytest.fixture
def downloads(tmp_path):
    folder = tmp_path / "downloads"
    folder.mkdir()
    return folder


def run_cli(*args, capsys):
    code = cli.main(["data", "import", *map(str, args)])
    out = capsys.readouterr()
    return code, out.out, out.err


# ---------------------------------------------------------------------------------------------- good files


def test_state_national_and_projections_import_and_every_default_moves(data_copy, downloads, capsys):
    before = snapshot(data_copy)
    code, out, err = run_cli(bls.state_zip(downloads), bls.national_zip(downloads), bls.ep_workbook(downloads), capsys=capsys)
    assert code == 0, err
    assert "wrote data/evidence/bls_oews_may2025_state_29-2072.csv" in out and "medcoding build" in out
    after = snapshot(data_copy)
    # Older files are untouched; three new files and three new rows of sources.csv.
    changed = {k for k in before if before[k] != after.get(k)}
    assert changed == {"sources.csv"}
    assert set(after) - set(before) == {"evidence/bls_oews_may2025_state_29-2072.csv", "evidence/bls_oews_may2025_national.csv",
                                        "evidence/bls_ep_2026-36_29-2072.csv"}
    old_lines = before["sources.csv"].decode().splitlines()
    new_lines = after["sources.csv"].decode().splitlines()
    assert new_lines[:len(old_lines)] == old_lines and len(new_lines) == len(old_lines) + 3
    row = evidence.read_table("evidence/bls_oews_may2025_state_29-2072.csv", None).attrs["source"]
    assert row["sha256"] == __import__("hashlib").sha256((downloads / "oesm25st.zip").read_bytes()).hexdigest()
    assert row["released"] == "2026-05-15" and row["quality"] == "BLS estimates (official file)" and row["imported"]

    # The new year is the default, with the file's own figures; territories are not kept.
    assert bls_years.state_years() == [2023, 2024, 2025]
    p = salary.PARAMETERS.check({"state": "TX"})
    assert p.year == 2025
    wages = evidence.load_state_wages(2025).set_index("state_abbr")
    assert len(wages) == 51
    assert (int(wages.annual_mean_usd["TX"]), int(wages.annual_median_usd["WY"])) == (bls.synthetic_state_mean("48"), 66056)
    assert int(salary.national_wage(2025, "median").value) == 55555  # the official file, preferred to secondary copies
    # Claims are held against every year present, the new one included; the new round is shown for context.
    table = claims.claims_table().set_index("claim_id")
    assert "May 2025" in " ".join(claims._claims("state")[0].evidence[i].label for i in range(6))
    assert len(claims._claims("state")[0].evidence) == 6  # 3 years x (mean, median)
    assert any("EP 2026-36" in e.label for c in claims._claims("outlook") for e in c.evidence)
    assert table.loc["outlook.projected_growth", "verdict"] == "differs"  # the 2024-34 round still decides
    assert "2026-36" in outlook.round_keys()
    assert outlook.projection_round("2026-36").base_employment == 211100


def test_same_file_again_changes_nothing_and_says_so(data_copy, downloads, capsys):
    file = bls.state_zip(downloads)
    assert run_cli(file, bls.national_zip(downloads), capsys=capsys)[0] == 0
    before = snapshot(data_copy)
    code, out, _ = run_cli(file, capsys=capsys)
    assert code == 0 and "already imported" in out and "nothing changed" in out
    assert snapshot(data_copy) == before


def test_a_different_file_for_a_present_year_needs_replace_and_says_what_changes(data_copy, downloads, capsys):
    assert run_cli(bls.state_zip(downloads), bls.national_zip(downloads), capsys=capsys)[0] == 0
    rows = bls.state_rows()
    mean = bls.OEWS_COLUMNS.index("A_MEAN")
    for row in rows:
        if row[0] == "48" and row[8] == "29-2072":
            row[mean] = 77777
    other = bls.state_zip(downloads / "..", rows=rows, name="oesm25st.zip")
    before = snapshot(data_copy)
    code, _, err = run_cli(other, capsys=capsys)
    assert code == 2 and "--replace" in err and "TX annual_mean_usd: 77048 -> 77777" in err
    assert snapshot(data_copy) == before
    assert cli.main(["data", "import", "--replace", str(other)]) == 0
    assert "TX annual_mean_usd: 77048 -> 77777" in capsys.readouterr().out
    assert int(evidence.load_state_wages(2025).set_index("state_abbr").annual_mean_usd["TX"]) == 77777


def test_the_csv_inside_the_zip_and_the_workbook_alone_are_read_too(data_copy, downloads):
    book = bls.workbook_bytes("state_M2025_dl", [c.lower() for c in bls.OEWS_COLUMNS], bls.state_rows())
    path = downloads / "state_M2025_dl.xlsx"
    path.write_bytes(book)
    done = bls_import.import_files([path, bls.national_zip(downloads)])
    assert done[0].period == "May 2025" and done[0].action == "new"


# ---------------------------------------------------------------------------------------------- a state year needs its nation


def test_a_state_year_without_its_national_figures_is_refused_and_names_the_file_to_add(data_copy, downloads, capsys):
    # Notebook 01 and the state report set every state beside the national median of the same survey; data/ holds
    # one for May 2025 (a secondary copy) but none for May 2026.
    before = snapshot(data_copy)
    code, out, err = run_cli(bls.state_zip(downloads, 2026), capsys=capsys)
    assert code == 2 and out == ""
    assert "oesm26st.zip: data/ holds no national May 2026 median of 29-2072" in err
    assert "medcoding data import oesm26st.zip oesm26nat.zip" in err and "data/ is unchanged" in err
    assert snapshot(data_copy) == before
    assert bls_years.state_years() == [2023, 2024]


def test_the_national_file_may_come_first_then_the_state_file_alone(data_copy, downloads, capsys):
    assert run_cli(bls.national_zip(downloads, 2026), capsys=capsys)[0] == 0
    assert run_cli(bls.state_zip(downloads, 2026), capsys=capsys)[0] == 0
    assert bls_years.state_years() == [2023, 2024, 2026]
    assert int(salary.national_wage(2026, "median").value) == 55555


# ---------------------------------------------------------------------------------------------- bad files


def _not_oews(folder):
    path = folder / "budget.xlsx"
    path.write_bytes(bls.workbook_bytes("Sheet1", ["Item", "Amount"], [["rent", 1]], extra_sheet=False))
    return path


def _older_year(folder):
    return bls.state_zip(folder, 2022)


def _missing_column(folder):
    drop = bls.OEWS_COLUMNS.index("A_MEDIAN")
    header = bls.OEWS_COLUMNS[:drop] + bls.OEWS_COLUMNS[drop + 1:]
    return bls.state_zip(folder, header=header, rows=[r[:drop] + r[drop + 1:] for r in bls.state_rows()])


def _suppressed(folder):
    return bls.state_zip(folder, rows=bls.state_rows(suppress=("A_MEDIAN",)))


def _no_data_sheet(folder):
    book = bls.workbook_bytes("Field Descriptions", ["Field", "Field Description"], [["area", "code"]], extra_sheet=False)
    return bls.zip_with(folder / "oesm25st.zip", {"oesm25st/field_descriptions.xlsx": book, "oesm25st/readme.txt": b"x"})


def _corrupt_zip(folder):
    good = bls.state_zip(folder).read_bytes()
    path = folder / "oesm25st.zip"
    path.write_bytes(good[: len(good) // 2])
    return path


def _corrupt_workbook(folder):
    return bls.zip_with(folder / "oesm25st.zip", {"oesm25st/state_M2025_dl.xlsx": b"PK\x03\x04 this is not a workbook"})


def _state_missing(folder):
    return bls.state_zip(folder, rows=bls.state_rows(leave_out=("WY",)))


BAD = {
    "not an OEWS file": (_not_oews, "not a BLS OEWS or Employment Projections file"),
    "older year": (_older_year, "May 2022 is older than May 2024"),
    "missing column": (_missing_column, "'A_MEDIAN' is missing"),
    "suppressed value": (_suppressed, "A_MEDIAN of 29-2072 in Texas is suppressed"),
    "zip with no data sheet": (_no_data_sheet, "no data sheet with an OCC_CODE column"),
    "corrupt zip": (_corrupt_zip, "not a readable zip archive"),
    "corrupt workbook": (_corrupt_workbook, "not a readable Excel workbook"),
    "state missing": (_state_missing, "no 29-2072 row for 1 of the 51 areas: Wyoming"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_a_bad_file_is_refused_by_name_and_data_stays_byte_identical(data_copy, downloads, capsys, case):
    make, expected = BAD[case]
    bad = make(downloads)
    good = bls.national_zip(downloads)  # given first: nothing of it may be written either
    before = snapshot(data_copy)
    code, out, err = run_cli(good, bad, capsys=capsys)
    assert code == 2
    assert expected in err and bad.name in err, err
    assert "data/ is unchanged" in err
    assert out == ""
    assert snapshot(data_copy) == before


def test_no_figure_is_offered_for_a_year_without_a_file(data_copy):
    with pytest.raises(InputError, match=r"year=2025 is not allowed. Allowed: latest \(now 2024\), 2024, 2023."):
        salary.PARAMETERS.check({"year": 2025})


# ---------------------------------------------------------------------------------------------- the notebooks on the new year


IMPORTED_YEAR_SHOWN = {
    # The salary notebook's exercises compare the state medians with the national median of the same survey.
    "01_salary_by_state.ipynb": ("WY", ["**Wyoming**, May 2025 (latest in data/), median annual wage: **$66,056**",
                                        "National median, May 2025: $55,555"]),
    "state_report.ipynb": ("TX", ["**Texas**, May 2025 (latest in data/), median annual wage: **$66,048**",
                                  "National median, May 2025: $55,555",
                                  "employed **1,480** medical records specialists in May 2025"]),
}


@pytest.mark.notebook
@pytest.mark.parametrize("notebook", list(IMPORTED_YEAR_SHOWN))
def test_notebooks_run_on_the_imported_year_by_default(data_copy, downloads, tmp_path, notebook):
    bls_import.import_files([bls.state_zip(downloads), bls.national_zip(downloads)])
    state, expected = IMPORTED_YEAR_SHOWN[notebook]
    out = tmp_path / notebook
    done = papermill(ROOT / "notebooks" / notebook, out, "-p", "state", state, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    text = output_text(nbformat.read(out, as_version=4))
    assert [e for e in expected if e not in text] == []
