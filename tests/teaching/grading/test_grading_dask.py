"""``medcoding grade --scheduler ...`` on a real Dask LocalCluster: the same grades as the local pool would give
(full marks for the key), and a scheduler that does not answer stops the command before anything is graded."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import nbformat
import pytest

from analysis.cli import main
from analysis.teaching.grading import assign, key as keys

pytest.importorskip("distributed")

ROOT = Path(__file__).resolve().parents[3]
NOTEBOOK = "01_salary_by_state.ipynb"


def _class_of_two(base: Path):
    """Two students handing in the instructor version with their own parameters (the key: full marks)."""
    (base / "notebooks").mkdir()
    shutil.copy(ROOT / "notebooks" / NOTEBOOK, base / "notebooks" / NOTEBOOK)
    (base / "roster.csv").write_text("student_id,name,state\nd01,Ada,TX\nd02,Ben,OH\n", encoding="utf-8")
    assign.write_assignments(base / "roster.csv", source=base / "notebooks", out=base / "dist")
    key = json.loads((base / "dist" / "grading-key" / "key.json").read_text(encoding="utf-8"))
    instructor = nbformat.read(base / "dist" / "instructor" / NOTEBOOK, as_version=4)
    index = keys.parameters_cell_index(instructor)
    for sid, entry in key["students"].items():
        nb = nbformat.from_dict(json.loads(json.dumps(instructor)))
        nb.cells[index].source = entry["notebooks"][NOTEBOOK]["parameters_source"]
        (base / "subs" / sid).mkdir(parents=True)
        nbformat.write(nb, base / "subs" / sid / NOTEBOOK)


def _grade(base: Path, *scheduler: str) -> int:
    return main(["grade", str(base / "subs"), "--roster", str(base / "roster.csv"), "--key",
                 str(base / "dist" / "grading-key"), "--out", str(base / "grades"), "--timeout", "300", *scheduler])


@pytest.mark.cluster
@pytest.mark.slow
@pytest.mark.notebook
def test_grading_on_a_dask_local_cluster_gives_full_marks_for_the_key(tmp_path, capsys):
    _class_of_two(tmp_path)
    assert _grade(tmp_path, "--scheduler", "local:2") == 0, capsys.readouterr().err
    rows = list(csv.DictReader(open(tmp_path / "grades" / "gradebook.csv", encoding="utf-8")))
    assert sorted(r["student_id"] for r in rows) == ["d01", "d02"]
    for row in rows:
        assert row["status"] == "graded" and row["total"] == row["max"] and float(row["max"]) > 0, row
    assert "Graded 2 of 2 rows" in capsys.readouterr().out


def test_a_grading_scheduler_that_does_not_answer_stops_before_anything_is_graded(tmp_path, capsys, monkeypatch):
    from analysis.build import dask_executor

    monkeypatch.setattr(dask_executor, "CONNECT_TIMEOUT", 2)
    (tmp_path / "roster.csv").write_text("student_id,name\ns1,A\n", encoding="utf-8")
    (tmp_path / "subs").mkdir()
    (tmp_path / "dist" / "grading-key").mkdir(parents=True)
    assert _grade(tmp_path, "--scheduler", "tcp://127.0.0.1:9") == 2
    err = capsys.readouterr().err
    assert "no Dask scheduler answered" in err and "tcp://127.0.0.1:9" in err and "Nothing was graded" in err
    assert not (tmp_path / "grades").exists()
