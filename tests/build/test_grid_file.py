"""``medcoding build --grid-file FILE``: many grids from a text file, every line checked before anything runs.

A file that is not a file of grids, or a line that is not a grid or asks for a report that cannot be built,
stops the build with exit code 2 and a message naming the file, the line, what is allowed and a suggestion;
nothing is written anywhere (checked byte for byte). No notebook runs here: the planned reports are looked
at, and the one build that is let through has its runner replaced.
"""

from __future__ import annotations

import pytest
from file_snapshots import snapshot

import analysis.build
from analysis.build.grid import GridFileError, Grids, plan_grid, read_grid_file
from analysis.cli import main
from analysis.core.errors import InputError


@pytest.fixture
def place(tmp_path, monkeypatch):
    """A working folder with someone's own files (never to be touched), made the current folder."""
    (tmp_path / "notes.md").write_text("my notes")
    (tmp_path / "earlier").mkdir()
    (tmp_path / "earlier" / "TX.html").write_text("an earlier report")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def refused(capsys, place, grid_file, *more) -> str:
    """Run the build with ``grid_file``; it must exit 2, say nothing was built and write nothing; its message."""
    before = snapshot(place)
    code = main(["build", "--grid-file", str(grid_file), "--format", "html", "--out", "reports", *more])
    err = capsys.readouterr().err
    assert code == 2, err
    assert "Traceback" not in err and "Nothing was built" in err
    assert len(err.strip().splitlines()) <= 3, err
    assert snapshot(place) == before
    assert not (place / "reports").exists()
    return err


GOOD = "# every state report for two years\nstate=CA,TX year=2023,2024\n\n"


@pytest.mark.parametrize("line, expected", [
    ("state=NY measure=median,meen", ["measure='meen'", "Did you mean 'mean'?", "Allowed: median, mean"]),
    ("state=NY yera=2023", ["'yera'", "Did you mean 'year'?", "Allowed:"]),
    ("state=CA,Texsa", ["'Texsa'", "Did you mean 'Texas'?"]),
    ("state=CA year=2099", ["2099", "Allowed:"]),
    ("state=CA year", ["'year'", "NAME=VALUE", "Did you mean 'year=2023,2024'?"]),
    ("state=CA year=2023 year=2024", ["year is given twice", "year=2023,2024"]),
    ('state=CA "year=2023', ["No closing quotation", "close the quote"]),
    ("topic=salary_by_stat year=2023", ["salary_by_stat", "Did you mean 'salary_by_state'?"]),
])
def test_a_bad_line_is_named_with_the_file_the_line_what_is_allowed_and_a_suggestion(place, capsys, line, expected):
    grid_file = place / "grids.txt"
    grid_file.write_text(GOOD + line + "\n")
    err = refused(capsys, place, grid_file)
    assert f"--grid-file '{grid_file}', line 4" in err, err
    assert line.split()[0] in err  # the line as written
    for part in expected:
        assert part in err, (part, err)
    assert "Fix or remove that line" in err


@pytest.mark.parametrize("content, expected", [
    (b"", "holds no grid"),
    (b"# only a comment\n\n   \n", "holds no grid"),
    ("state=CA year=2023\n".encode("utf-16"), "not UTF-8 text (it looks like UTF-16"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not UTF-8 text"),
    (b"state=CA year=2023\nstate=TX measure=m\xe9dian\n", "line 2 is not UTF-8 text"),
])
def test_a_file_that_is_not_a_file_of_grids_is_refused(place, capsys, content, expected):
    grid_file = place / "grids.txt"
    grid_file.write_bytes(content)
    err = refused(capsys, place, grid_file)
    assert f"--grid-file='{grid_file}'" in err and expected in err
    assert "Allowed: one grid per line" in err and "state=all year=2023,2024" in err  # the form, with an example


def test_a_missing_file_a_folder_and_a_huge_file_are_refused(place, capsys):
    assert "the file does not exist" in refused(capsys, place, place / "no-such-grids.txt")
    assert "is a folder, not a file" in refused(capsys, place, place / "earlier")
    huge = place / "huge.txt"
    with open(huge, "wb") as handle:  # sparse: 5 MB without writing them
        handle.truncate(5 * 2**20)
    assert "more than the 1 MB a file of grids may be" in refused(capsys, place, huge)


def test_a_line_and_the_command_line_that_disagree_are_refused(place, capsys):
    grid_file = place / "grids.txt"
    grid_file.write_text("state=CA year=2023,2024\n")
    err = refused(capsys, place, grid_file, "--state", "TX")
    assert "line 1" in err and "--state is given too" in err
    err = refused(capsys, place, grid_file, "-p", "year=2023")
    assert "line 1" in err and "year is given with -p too" in err


def test_every_line_is_planned_and_each_report_once(tmp_path):
    grid_file = tmp_path / "grids.txt"
    grid_file.write_text("# two grids and a repeat\n"
                         "state=CA,TX year=2023,2024 measure=median,mean\n"
                         "topic=certification_premium discount_rate=0.04,0.05   # a topic notebook\n"
                         "state=\"California\" year=2023\n")
    grids = read_grid_file(grid_file, also=["state=NY", "year=2023"])
    assert [g.source for g in grids] == [f"{grid_file}, line 2", f"{grid_file}, line 3", f"{grid_file}, line 4", "--grid"]
    reports = plan_grid(grids, formats=("html",))
    ids = [r.id for r in reports]
    assert len(ids) == len(set(ids))
    states = {r.id for r in reports if r.kind == "state"}
    assert states == {f"states/{s}--measure={m}--year={y}" for s in ("CA", "TX") for m in ("mean",) for y in (2023, 2024)} | {
        f"states/{s}--year={y}" for s in ("CA", "TX") for y in (2023, 2024)} | {"states/NY--year=2023"}
    assert {r.id for r in reports if r.kind == "topic"} == {
        "topics/certification_premium--discount_rate=0.04", "topics/certification_premium--discount_rate=0.05"}
    assert ids[-1] == "index"


def test_the_command_line_hands_the_files_grids_to_the_build(place, capsys, monkeypatch):
    seen = {}

    def fake_build(**options):  # the planning is tested above; here: what the command passes on
        seen.update(options)
        raise InputError("--out", "reports", reason="stopped by the test")

    monkeypatch.setattr(analysis.build, "build", fake_build)
    grid_file = place / "grids.txt"
    grid_file.write_text("state=CA year=2023,2024\n")
    assert main(["build", "--grid-file", str(grid_file), "--grid", "state=TX", "--out", "reports"]) == 2
    assert isinstance(seen["grid"], Grids)
    assert [g.items for g in seen["grid"]] == [("state=CA", "year=2023,2024"), ("state=TX",)]


def test_a_grid_file_error_is_an_input_error_naming_the_option():
    error = GridFileError("g.txt", 3, "state=CA year=2099", InputError("year", 2099, allowed=[2023, 2024]))
    assert isinstance(error, InputError) and error.name == "--grid-file" and error.line == 3
