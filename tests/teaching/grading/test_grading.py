"""Personalised assignments and safe grading: full marks from the key, zero when unanswered or tampered, bad cases."""

import csv
import json
import os
import pickle
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from analysis.core.env import ANSWERS_ENV
from analysis.core.params import parameters_for
from analysis.teaching.exercises import find_exercise, save_answer
from analysis.teaching.grading import assign, grade, key as keys
from analysis.teaching.grading.collect import read_submissions
from analysis.teaching.grading.execute import Limits, decode
from analysis.teaching.grading.feedback import write_feedback
from analysis.teaching.grading.gradebook import write_gradebook
from analysis.teaching.grading.roster import RosterError, assign_states, read_roster_text
from analysis.teaching.grading.summary import write_summary

ROOT = Path(__file__).resolve().parents[3]
NOTEBOOK = "01_salary_by_state.ipynb"
OUTLOOK = "02_job_outlook.ipynb"  # graded exercises that do not depend on the parameters
STATES = {"s01": "TX", "s02": "NY", "s03": "OH", "s04": "CA", "s05": "CA", "s06": "CA", "s07": "WA", "s08": "CA",
          "s09": "CA", "s10": "CA", "s11": "CA", "s12": "CA", "s13": "FL"}


def _roster_text():
    lines = ["student_id,name,state"] + [f"{sid},Student {sid},{state}" for sid, state in STATES.items()]
    lines[2] = "s02,Ben <b>bold</b>,NY"
    return "\n".join(lines) + "\n"


def _assign(base, notebooks):
    source = base / "notebooks"
    source.mkdir()
    for name in notebooks:
        shutil.copy(ROOT / "notebooks" / name, source / name)
    (base / "roster.csv").write_text(_roster_text(), encoding="utf-8")
    students, names, key_path = assign.write_assignments(base / "roster.csv", source=source, out=base / "dist")
    assert names == list(notebooks)
    return json.loads(key_path.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def assigned(tmp_path_factory):
    """The salary notebook assigned to a class of 13 (its graded answers all depend on the state: no kernel needed)."""
    base = tmp_path_factory.mktemp("assigned")
    return base, _assign(base, [NOTEBOOK])


def _with_parameters(nb, key, sid, source=None, notebook=NOTEBOOK):
    nb = nbformat.from_dict(json.loads(json.dumps(nb)))
    index = keys.parameters_cell_index(nb)
    nb.cells[index].source = source or key["students"][sid]["notebooks"][notebook]["parameters_source"]
    return nb


def _small(cells, source=f"notebooks/{NOTEBOOK}"):
    nb = new_notebook(cells=[new_code_cell('state = "CA"', metadata={"tags": ["parameters"]})]
                      + [new_code_cell(c) for c in cells])
    nb.metadata["medcoding"] = {"version": "student", "source": source}
    return nb


def _once_per_session(tmp_path_factory, name, make, timeout=1200):
    """``make(folder)`` run by one pytest-xdist worker; the others wait and read its pickled result."""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # the session's folder, above each worker's own
    folder = root / name
    folder.mkdir(exist_ok=True)
    done, failed = folder / "result.pickle", folder / "failed"
    try:
        os.close(os.open(folder / "lock", os.O_CREAT | os.O_EXCL))
    except FileExistsError:
        deadline = time.monotonic() + timeout
        while not (done.exists() or failed.exists()):
            assert time.monotonic() < deadline, f"another test worker did not finish {name} in {timeout} s"
            time.sleep(0.5)
    else:
        try:
            result = make(folder)
        except BaseException as err:
            failed.write_text(repr(err))
            raise
        (folder / "result.tmp").write_bytes(pickle.dumps(result))
        (folder / "result.tmp").replace(done)
    if failed.exists():
        raise AssertionError(f"{name} failed in another test worker: {failed.read_text()}")
    return pickle.loads(done.read_bytes())


def _grade_a_class(folder):
    """A small class graded once: every case of the issue, with real kernels."""
    base = folder / "assigned"
    base.mkdir()
    key = _assign(base, [NOTEBOOK, OUTLOOK])
    subs = folder / "submissions"
    subs.mkdir()
    instructor = nbformat.read(base / "dist" / "instructor" / NOTEBOOK, as_version=4)

    def put(sid, nb, name=NOTEBOOK):
        (subs / sid).mkdir(exist_ok=True)
        nbformat.write(nb, subs / sid / name)

    put("s01", _with_parameters(instructor, key, "s01"))                       # full marks
    put("s01", nbformat.read(base / "dist" / "instructor" / OUTLOOK, as_version=4), name=OUTLOOK)
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
    put("s11", _small(["x = 1"], source=f"notebooks/{OUTLOOK}"))
    put("zz99", _with_parameters(instructor, key, "s01"))                      # not in the roster
    put("s12", _small(["x = 1"]))
    put("s12", _small(["x = 2"]), name="01_salary_by_state (1).ipynb")         # two submissions
    put("s13", _small(["from analysis.notebook import start\nfrom analysis.teaching.exercises import find_exercise\n"
                       "p = start('salary_by_state', globals())\n"
                       "rank_of_state = find_exercise('salary_by_state.rank_of_state').compute(p)"]))
    before = {str(p): p.read_bytes() for p in sorted(subs.rglob("*")) if p.is_file()}
    key_bytes = (base / "dist" / "grading-key" / "key.json").read_bytes()
    roster_ids = {sid: f"Student {sid}" for sid in STATES}
    jobs, decided = grade.plan(read_submissions(subs, set(roster_ids)), key, roster_ids, Limits(timeout=120, max_output_mb=10))
    for job in jobs:
        if job.student_id == "s04":
            job.limits = Limits(timeout=6)
    results = grade.run_jobs(jobs, 2) + decided
    out = folder / "grades"
    out.mkdir()
    write_gradebook(results, key, roster_ids, out / "gradebook.csv")
    write_feedback(results, key, roster_ids, out / "feedback")
    write_summary(results, key, out / "summary.html")
    rows = {(r["student_id"], r["notebook"]): r for r in csv.DictReader(open(out / "gradebook.csv", encoding="utf-8"))}
    return {"rows": rows, "out": out, "subs": subs, "before": before, "key": key, "base": base, "key_bytes": key_bytes,
            "results": results}


@pytest.fixture(scope="session")
def graded_class(tmp_path_factory):
    return _once_per_session(tmp_path_factory, "graded_class", _grade_a_class)


# --------------------------------------------------------------------------- assignments (no kernel)


def test_each_student_gets_their_parameters_and_no_graded_check(assigned):
    base, key = assigned
    for sid, state in (("s01", "TX"), ("s02", "NY")):
        nb = nbformat.read(base / "dist" / "student" / sid / NOTEBOOK, as_version=4)
        params = nb.cells[keys.parameters_cell_index(nb)].source
        assert params.startswith(f"state: str = '{state}'  # the state"), params
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
    assert run.returncode == 2 and "--scheduler: 'yarn' is not a scheduler" in run.stderr
    assert "Allowed: local" in run.stderr and "tcp://HOST:PORT" in run.stderr and "Did you mean 'local'?" in run.stderr


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

    from analysis.teaching.exercises import make_entry

    chart = alt.Chart(pd.DataFrame({"a": [1], "b": ["x"]})).mark_bar().encode(x="a:Q", y="b:N")
    entry = make_entry(chart)
    assert grade.judge(entry, decode({"kind": "chart", "value": chart.to_dict()}))[0] == "correct"
    wrong = chart.mark_point().to_dict()
    assert grade.judge(entry, decode({"kind": "chart", "value": wrong}))[0] == "not yet"


def test_graded_answers_ship_no_hash_to_students(assigned):
    base, key = assigned
    student_text = "".join(p.read_text(encoding="utf-8") for p in (base / "dist" / "student").rglob("*.ipynb"))
    for entry in key["students"]["s01"]["notebooks"][NOTEBOOK]["expected"].values():
        assert entry["hash"] not in student_text and (entry.get("rough") or entry["hash"]) not in student_text


def _demo_source(folder, points_of_rank=0):
    """The exercise fixture as a source folder; its in-notebook @computed exercise is left ungraded (points 0)."""
    nb = nbformat.read(ROOT / "tests" / "fixtures" / "exercise_demo.ipynb", as_version=4)
    for cell in nb.cells:
        if 'check("demo.rank_of_state"' in cell.source:
            cell.metadata["medcoding"] = {"points": points_of_rank}
    (folder / "source").mkdir()
    nbformat.write(nb, folder / "source" / "exercise_demo.ipynb")
    (folder / "roster.csv").write_text("student_id,name\ns1,A\n", encoding="utf-8")
    return folder / "source"


def _demo_answers(path, top_state):
    import altair as alt

    from analysis.data.evidence import load_state_wages, national_fact

    wages = load_state_wages(2024)
    save_answer("demo.national_median", int(national_fact("May 2023", "annual_median").value), tolerance=1, path=path)
    save_answer("demo.top_state", top_state(wages), type="state", path=path)
    save_answer("demo.lowest_three", list(wages.nsmallest(3, "annual_median_usd").state_abbr), type="set",
                item_type="state", path=path)
    save_answer("demo.chart", alt.Chart(wages).mark_bar().encode(x="annual_median_usd:Q", y="state:N", tooltip=["state"]),
                path=path)
    return path


@pytest.mark.notebook
def test_parameter_independent_answers_come_from_the_solutions(tmp_path, monkeypatch):
    """The key is made by running the instructor version; the kit's hashes only cross-check it."""
    source = _demo_source(tmp_path)
    highest = lambda wages: wages.loc[wages.annual_median_usd.idxmax(), "state"]  # noqa: E731
    monkeypatch.setenv(ANSWERS_ENV, str(_demo_answers(tmp_path / "right.json", highest)))
    _, names, key_path = assign.write_assignments(tmp_path / "roster.csv", source=source, out=tmp_path / "dist")
    expected = json.loads(key_path.read_text())["students"]["s1"]["notebooks"]["exercise_demo.ipynb"]["expected"]
    assert sorted(expected) == ["demo.chart", "demo.lowest_three", "demo.national_median", "demo.top_state"]
    for exercise_id, entry in expected.items():
        stored = find_exercise(exercise_id)
        assert {k: entry.get(k) for k in keys.ANSWER_FIELDS} == {k: stored.get(k) for k in keys.ANSWER_FIELDS}
    # A kit whose stored answer disagrees with the solution: refused, nothing written.
    second = lambda wages: wages.sort_values("annual_median_usd").state.iloc[-2]  # noqa: E731
    monkeypatch.setenv(ANSWERS_ENV, str(_demo_answers(tmp_path / "wrong.json", second)))
    with pytest.raises(keys.GradingKeyError, match="demo.top_state: the solution's answer does not match"):
        assign.write_assignments(tmp_path / "roster.csv", source=source, out=tmp_path / "dist2")
    assert not (tmp_path / "dist2").exists()


# --------------------------------------------------------------------------- grading a class (real kernels)


def _kernels_of_this_process() -> list[str]:
    mine = str(os.getpid())
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = stat.read_text().rsplit(")", 1)[1].split()[1]
            command = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, IndexError):
            continue
        if parent == mine and "ipykernel_launcher" in command:
            found.append(command)
    return found


@pytest.mark.notebook
def test_no_kernel_outlives_its_submission():
    from analysis.teaching.grading.execute import run_submission

    finished = run_submission(new_notebook(cells=[new_code_cell("x = 41 + 1")]), {"x": "x"}, Limits(timeout=60))
    looping = run_submission(new_notebook(cells=[new_code_cell("while True:\n    pass")]), {"x": "x"}, Limits(timeout=3))
    assert (finished.status, decode(finished.answers["x"])) == ("ran", 42)
    assert looping.status.startswith("timed out")
    time.sleep(1)
    assert _kernels_of_this_process() == []


@pytest.mark.notebook
def test_full_marks_from_the_key(graded_class):
    row = graded_class["rows"][("s01", NOTEBOOK)]
    assert (row["status"], row["total"], row["max"]) == ("graded", "3", "3"), row
    # Three of its four answers are parameter-independent: their key entries came from running the solutions.
    row = graded_class["rows"][("s01", OUTLOOK)]
    assert (row["status"], row["total"], row["max"]) == ("graded", "4", "4"), row
    assert row["job_outlook.employment_chart"] == row["job_outlook.third_most_jobs"] == "1"


@pytest.mark.notebook
def test_unanswered_student_version_scores_zero(graded_class):
    row = graded_class["rows"][("s02", NOTEBOOK)]
    assert (row["status"], row["total"]) == ("graded", "0"), row
    handed_in = [r for r in graded_class["results"] if r.student_id == "s02"]
    assert sorted(r.notebook for r in handed_in) == [NOTEBOOK, OUTLOOK]
    assert {e.status for r in handed_in for e in r.exercises} == {"unanswered"}


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
def test_stranger_memory_and_registry_use_are_reported(graded_class):
    rows = graded_class["rows"]
    assert rows[("zz99", NOTEBOOK)]["status"] == "student not in the roster"
    assert "ran out of memory" in rows[("s05", NOTEBOOK)]["problems"]
    # Asking the registry with one's own parameters gives what the kit's helpers give: flagged, points kept.
    s13 = rows[("s13", NOTEBOOK)]
    assert "find_exercise" in s13["review"] and (s13["salary_by_state.rank_of_state"], s13["total"]) == ("1", "1"), s13
    assert rows[("s01", NOTEBOOK)]["review"] == ""
    assert "find_exercise" not in (graded_class["out"] / "feedback" / "s13.html").read_text(encoding="utf-8")


@pytest.mark.notebook
def test_deleting_files_and_sockets_change_nothing(graded_class):
    after = {str(p): p.read_bytes() for p in sorted(graded_class["subs"].rglob("*")) if p.is_file()}
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
    assert {"salary_by_state.rank_of_state", "job_outlook.states_for_half", "total", "max", "status", "review"} <= set(first)
    assert len({r["student_id"] for r in rows.values()}) == 14
    assert (rows[("s04", OUTLOOK)]["status"], rows[("s04", OUTLOOK)]["max"]) == ("not submitted", "4")
    assert (rows[("s02", OUTLOOK)]["status"], rows[("s02", OUTLOOK)]["total"]) == ("graded", "0")


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
