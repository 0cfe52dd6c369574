"""Personalised assignments and safe grading: full marks from the key, zero when unanswered or tampered, bad cases."""

import csv
import hashlib
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from analysis.exercises import find_exercise
from analysis.grading import assign, grade, key as keys
from analysis.grading.collect import read_submissions
from analysis.grading.execute import Limits
from analysis.grading.roster import RosterError, assign_states, read_roster_text
from analysis.params import parameters_for

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = "01_salary_by_state.ipynb"
STATES = {"s01": "TX", "s02": "NY", "s03": "OH", "s04": "CA", "s05": "CA", "s06": "CA", "s07": "WA", "s08": "CA",
          "s09": "CA", "s10": "CA", "s11": "CA", "s12": "CA", "s13": "FL"}


def _roster_text():
    lines = ["student_id,name,state"] + [f"{sid},Student {sid},{state}" for sid, state in STATES.items()]
    lines[2] = "s02,Ben <b>bold</b>,NY"
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="session")
def assigned(tmp_path_factory):
    """The salary notebook assigned to a class of 13 (no kernel needed)."""
    base = tmp_path_factory.mktemp("assigned")
    source = base / "notebooks"
    source.mkdir()
    shutil.copy(ROOT / "notebooks" / NOTEBOOK, source / NOTEBOOK)
    (base / "roster.csv").write_text(_roster_text(), encoding="utf-8")
    students, notebooks, key_path = assign.write_assignments(base / "roster.csv", source=source, out=base / "dist")
    return base, json.loads(key_path.read_text(encoding="utf-8"))


def _with_parameters(nb, key, sid, source=None):
    nb = nbformat.from_dict(json.loads(json.dumps(nb)))
    index = keys.parameters_cell_index(nb)
    nb.cells[index].source = source or key["students"][sid]["notebooks"][NOTEBOOK]["parameters_source"]
    return nb


def _small(cells, source=f"notebooks/{NOTEBOOK}"):
    nb = new_notebook(cells=[new_code_cell('state = "CA"', metadata={"tags": ["parameters"]})]
                      + [new_code_cell(c) for c in cells])
    nb.metadata["medcoding"] = {"version": "student", "source": source}
    return nb


@pytest.fixture(scope="session")
def graded_class(assigned, tmp_path_factory):
    """A small class graded once: every case of the issue, with real kernels."""
    base, key = assigned
    subs = tmp_path_factory.mktemp("submissions")
    instructor = nbformat.read(base / "dist" / "instructor" / NOTEBOOK, as_version=4)

    def put(sid, nb, name=NOTEBOOK):
        (subs / sid).mkdir(exist_ok=True)
        nbformat.write(nb, subs / sid / name)

    put("s01", _with_parameters(instructor, key, "s01"))                       # full marks
    shutil.copytree(base / "dist" / "student" / "s02", subs / "s02")          # unanswered
    tampered = _with_parameters(instructor, key, "s03", 'state = "CA"\nyear = 2023')
    rank_cell = next(i for i, c in enumerate(tampered.cells) if c.source.startswith("rank_of_state ="))
    tampered.cells.insert(rank_cell + 1, new_code_cell(
        "rank_of_state = '<script>alert(1)</script>'\n"
        "def check(*args, **kwargs):\n    return 'Correct.'\n"
        f"open({str(base / 'dist' / 'grading-key' / 'key.json')!r}, 'w').write('{{}}')"))
    for cell in tampered.cells:
        if 'check("salary_by_state.rank_of_state"' in cell.source:
            cell.source = "check('salary_by_state.rank_of_state', 1, p)"
    put("s03", tampered)
    put("s04", _small(["a = 1", "while True:\n    pass"]))
    put("s05", _small(["big = bytearray(64 * 2**30)"]))
    put("s06", _small(["import os\nos._exit(1)"]))
    put("s07", _small([f"import shutil\nshutil.rmtree({str(subs)!r}, ignore_errors=True)\n"
                       f"shutil.rmtree({str(base)!r}, ignore_errors=True)",
                       "import socket\nsocket.create_connection(('1.1.1.1', 80), timeout=3)"]))
    put("s08", _small(["for _ in range(110):\n    print('x' * 2**20)"]))
    (subs / "s09").mkdir()
    (subs / "s09" / "answers.txt").write_text("42", encoding="utf-8")
    (subs / "s10").mkdir()
    (subs / "s10" / NOTEBOOK).write_text('{"cells": [', encoding="utf-8")
    put("s11", _small(["x = 1"], source="notebooks/02_job_outlook.ipynb"))
    put("zz99", _with_parameters(instructor, key, "s01"))                      # not in the roster
    put("s12", _small(["x = 1"]))
    put("s12", _small(["x = 2"]), name="01_salary_by_state (1).ipynb")         # two submissions
    put("s13", _small(["from analysis.notebook import start\nfrom analysis.exercises import find_exercise\n"
                       "p = start('salary_by_state', globals())\n"
                       "rank_of_state = find_exercise('salary_by_state.rank_of_state').compute(p)"]))
    before = {p: p.read_bytes() for p in sorted(subs.rglob("*")) if p.is_file()}
    key_bytes = (base / "dist" / "grading-key" / "key.json").read_bytes()
    roster_ids = {sid: f"Student {sid}" for sid in STATES}
    jobs, decided = grade.plan(read_submissions(subs, set(roster_ids)), key, roster_ids, Limits(timeout=120, max_output_mb=10))
    for job in jobs:
        if job.student_id == "s04":
            job.limits = Limits(timeout=6)
    results = grade.run_jobs(jobs, 2) + decided
    out = tmp_path_factory.mktemp("grades")
    from analysis.grading.feedback import write_feedback
    from analysis.grading.gradebook import write_gradebook
    from analysis.grading.summary import write_summary

    write_gradebook(results, key, roster_ids, out / "gradebook.csv")
    write_feedback(results, key, roster_ids, out / "feedback")
    write_summary(results, key, out / "summary.html")
    rows = {(r["student_id"], r["notebook"]): r for r in csv.DictReader(open(out / "gradebook.csv", encoding="utf-8"))}
    return {"rows": rows, "out": out, "subs": subs, "before": before, "key": key, "base": base, "key_bytes": key_bytes,
            "results": results}


# --------------------------------------------------------------------------- assignments (no kernel)


def test_each_student_gets_their_parameters_and_no_graded_check(assigned):
    base, key = assigned
    for sid, state in (("s01", "TX"), ("s02", "NY")):
        nb = nbformat.read(base / "dist" / "student" / sid / NOTEBOOK, as_version=4)
        params = nb.cells[keys.parameters_cell_index(nb)].source
        assert params.startswith(f"state = '{state}'"), params
        text = json.dumps(nb)
        assert 'check(\\"salary_by_state.' not in text and "Graded after you hand in" in text
        assert nb.metadata["medcoding"]["student_id"] == sid
        assert key["students"][sid]["notebooks"][NOTEBOOK]["parameters"] == {"state": state}


def test_key_is_outside_student_folder_and_differs_per_student(assigned):
    base, key = assigned
    assert (base / "dist" / "grading-key" / "key.json").is_file()
    assert not list((base / "dist" / "student").rglob("key.json"))
    tx = key["students"]["s01"]["notebooks"][NOTEBOOK]["expected"]["salary_by_state.rank_of_state"]
    ny = key["students"]["s02"]["notebooks"][NOTEBOOK]["expected"]["salary_by_state.rank_of_state"]
    assert tx["hash"] != ny["hash"]
    student_text = "".join(p.read_text(encoding="utf-8") for p in (base / "dist" / "student").rglob("*.ipynb"))
    assert tx["hash"] not in student_text and "rough" not in student_text


def test_roster_problems_are_named():
    with pytest.raises(RosterError, match="did you mean 'state'|Did you mean 'state'"):
        read_roster_text("student_id,name,stat\ns1,A,TX\n", known_parameters={"state", "year"})
    with pytest.raises(RosterError, match="already on line 2"):
        read_roster_text("student_id,name\ns1,A\ns1,B\n")
    with pytest.raises(RosterError, match="letters, digits"):
        read_roster_text("student_id,name\n../x,A\n")
    with pytest.raises(RosterError, match="missing: student_id"):
        read_roster_text("id,name\ns1,A\n")


def test_states_random_is_repeatable_and_round_robin_cycles():
    roster = read_roster_text("student_id,name\n" + "".join(f"s{i},N\n" for i in range(5)))
    first = [s.parameters["state"] for s in assign_states(roster, "random", seed=3)]
    assert first == [s.parameters["state"] for s in assign_states(roster, "random", seed=3)]
    assert [s.parameters["state"] for s in assign_states(roster, "round-robin", states=["CA", "TX"])] == ["CA", "TX", "CA", "TX", "CA"]


def test_points_are_read_from_the_check_cell():
    nb = new_notebook(cells=[new_code_cell('check("a.b", x)', metadata={"medcoding": {"points": 3}}),
                             new_code_cell('check("a.c", y)', metadata={"medcoding": {"points": 0}}),
                             new_code_cell('check("a.d", z)')])
    assert [(e.exercise_id, e.points) for e in keys.graded_exercises(nb)] == [("a.b", 3), ("a.d", 1)]


def test_cli_reports_a_missing_key_and_bad_scheduler(tmp_path):
    (tmp_path / "r.csv").write_text("student_id,name\ns1,A\n", encoding="utf-8")
    (tmp_path / "subs").mkdir()
    run = subprocess.run([sys.executable, "-m", "analysis", "grade", str(tmp_path / "subs"), "--roster",
                          str(tmp_path / "r.csv"), "--key", str(tmp_path / "nokey"), "--out", str(tmp_path / "g")],
                         capture_output=True, text=True)
    assert run.returncode == 2 and "no grading key" in run.stderr and not (tmp_path / "g").exists()
    run = subprocess.run([sys.executable, "-m", "analysis", "grade", str(tmp_path / "subs"), "--roster",
                          str(tmp_path / "r.csv"), "--scheduler", "yarn"], capture_output=True, text=True)
    assert run.returncode == 2 and "allowed: local" in run.stderr


def test_zip_of_a_class_folder_is_read(tmp_path):
    with zipfile.ZipFile(tmp_path / "c.zip", "w") as z:
        z.writestr("export/s1/01_salary_by_state.ipynb", "{}")
        z.writestr("export/s2/01_salary_by_state.ipynb", "{}")
        z.writestr("export/../../evil.ipynb", "{}")
    found = read_submissions(tmp_path / "c.zip", {"s1", "s2"})
    assert [(s.student_id, s.file, s.problem is None) for s in found][:2] == [("s1", NOTEBOOK, True), ("s2", NOTEBOOK, True)]


def test_decode_reads_a_chart_spec_that_the_chart_check_accepts():
    import altair as alt
    import pandas as pd

    from analysis.exercises import make_entry

    chart = alt.Chart(pd.DataFrame({"a": [1], "b": ["x"]})).mark_bar().encode(x="a:Q", y="b:N")
    entry = make_entry(chart)
    assert grade.judge(entry, grade.decode({"kind": "chart", "value": chart.to_dict()}))[0] == "correct"
    wrong = chart.mark_point().to_dict()
    assert grade.judge(entry, grade.decode({"kind": "chart", "value": wrong}))[0] == "not yet"


# --------------------------------------------------------------------------- grading a class (real kernels)


@pytest.mark.notebook
def test_full_marks_from_the_key(graded_class):
    row = graded_class["rows"][("s01", NOTEBOOK)]
    assert (row["status"], row["total"], row["max"]) == ("graded", "3", "3"), row


@pytest.mark.notebook
def test_unanswered_student_version_scores_zero(graded_class):
    row = graded_class["rows"][("s02", NOTEBOOK)]
    assert (row["status"], row["total"]) == ("graded", "0"), row
    result = next(r for r in graded_class["results"] if r.student_id == "s02")
    assert {e.status for e in result.exercises} == {"unanswered"}


@pytest.mark.notebook
def test_tampering_only_loses_the_tampered_exercise(graded_class):
    row = graded_class["rows"][("s03", NOTEBOOK)]
    assert row["status"] == "graded", row
    assert row["salary_by_state.rank_of_state"] == "0"
    # Its own parameters cell was replaced by the roster's (OH, 2024): the other answers follow them.
    assert row["salary_by_state.hourly_equivalent"] == "1" and row["salary_by_state.states_above_national_median"] == "1"
    assert "Read-only file system" in row["problems"]


@pytest.mark.notebook
@pytest.mark.parametrize("sid, status", [
    ("s04", "timed out"), ("s06", "kernel died"), ("s08", "too much output"), ("s09", "not a notebook"),
    ("s10", "corrupt notebook"), ("s11", "another assignment's notebook"), ("s12", "two submissions"),
    ("s13", "graded"), ("s05", "graded"), ("s07", "graded")])
def test_bad_submissions_get_a_clear_status(graded_class, sid, status):
    rows = [r for (s, _), r in graded_class["rows"].items() if s == sid]
    assert any(r["status"].startswith(status) for r in rows), rows


@pytest.mark.notebook
def test_stranger_memory_and_oracle_are_reported(graded_class):
    rows = graded_class["rows"]
    assert rows[("zz99", NOTEBOOK)]["status"] == "student not in the roster"
    assert "ran out of memory" in rows[("s05", NOTEBOOK)]["problems"]
    assert rows[("s13", NOTEBOOK)]["total"] == "0" and "find_exercise" in rows[("s13", NOTEBOOK)]["problems"]


@pytest.mark.notebook
def test_deleting_files_and_sockets_change_nothing(graded_class):
    after = {p: p.read_bytes() for p in sorted(graded_class["subs"].rglob("*")) if p.is_file()}
    assert after == graded_class["before"]
    assert (graded_class["base"] / "dist" / "grading-key" / "key.json").read_bytes() == graded_class["key_bytes"]
    row = graded_class["rows"][("s07", NOTEBOOK)]
    assert "Read-only file system" in row["problems"] or "isolation" in row
    assert "unreachable" in row["problems"] or "OSError" in row["problems"], row["problems"]
    assert "read-only" in row["isolation"] and "network" in row["isolation"]


@pytest.mark.notebook
def test_gradebook_columns_and_missing_work(graded_class):
    rows = graded_class["rows"]
    first = next(iter(rows.values()))
    assert list(first)[:3] == ["student_id", "name", "notebook"]
    assert {"salary_by_state.rank_of_state", "total", "max", "status"} <= set(first)
    assert len({r["student_id"] for r in rows.values()}) == 14


@pytest.mark.notebook
def test_feedback_is_escaped_and_never_shows_the_answer(graded_class):
    page = (graded_class["out"] / "feedback" / "s03.html").read_text(encoding="utf-8")
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "Ben <b>" not in (graded_class["out"] / "feedback" / "s02.html").read_text(encoding="utf-8")
    p = parameters_for("salary_by_state").check({"state": "OH"})
    rank = find_exercise("salary_by_state.rank_of_state").compute(p)
    hourly = find_exercise("salary_by_state.hourly_equivalent").compute(p)
    assert f"{hourly:.2f}" not in page and f"rank {rank}" not in page
    assert "Correct." in page and "Not yet" in page
    assert not (graded_class["out"] / "feedback" / "zz99.html").exists()


@pytest.mark.notebook
def test_summary_has_an_offline_chart_and_hints(graded_class):
    page = (graded_class["out"] / "summary.html").read_text(encoding="utf-8")
    assert "<svg" in page and "salary_by_state.rank_of_state" in page
    assert "http://" not in page.replace("http://www.w3.org", "") and "<script" not in page
