"""The ``medcoding`` command line: its sub-commands, its messages and its exit codes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from analysis.cli import main, make_parser
from analysis.core.params import parameters_for


def test_params_lists_a_notebooks_declared_parameters(capsys):
    assert main(["params", "state_report"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("Parameters of state_report")
    assert parameters_for("state_report").help() in out
    assert main(["params", "notebooks/01_salary_by_state.ipynb"]) == 0
    out = capsys.readouterr().out
    assert "compare_with (default ['TX', 'NY', 'FL'])" in out
    # The year's default is "latest", and the listing says which year that is now.
    assert "year (default 'latest'): " in out and "Allowed: latest (now 2024), 2024, 2023." in out


def test_data_import_without_a_file_or_action_is_a_usage_error(capsys):
    assert main(["data"]) == 2
    assert "required" in capsys.readouterr().err
    assert main(["data", "import"]) == 2
    assert "FILE" in capsys.readouterr().err


def test_params_of_an_unknown_notebook_suggests_one(capsys):
    assert main(["params", "salary_by_stat"]) == 2
    assert "Did you mean 'salary_by_state'?" in capsys.readouterr().err


@pytest.mark.parametrize("argv, expected", [
    (["build", "--format", "htm"], "Did you mean 'html'?"),
    (["build", "--paper", "Leter"], "--paper='Leter' is not allowed. Did you mean 'letter'? Allowed: letter, a4."),
    (["build", "--jobs", "0"], "must be at least 1"),
    (["build", "--jobs", "two"], "whole number"),
    (["biuld"], "invalid choice"),
    ([], "required"),
])
def test_bad_command_lines_exit_2_with_a_message(capsys, argv, expected):
    assert main(argv) == 2
    assert expected in capsys.readouterr().err


def test_build_options_reach_the_builder(monkeypatch, tmp_path):
    seen = {}

    class Done:
        exit_code = 0

        def text(self):
            return "done"

    def fake_build(**options):
        seen.update(options)
        return Done()

    monkeypatch.setattr("analysis.build.build", fake_build)
    code = main(["build", "--state", "CA,TX", "--topic", "specialty", "-p", "year=2023", "-p", "measure=mean",
                 "--format", "pdf,html", "--jobs", "3", "--force", "--out", str(tmp_path), "--fresh-kernels",
                 "--paper", "A4"])
    assert code == 0
    assert seen["states"] == "CA,TX" and seen["topics"] == "specialty"
    assert seen["assignments"] == ["year=2023", "measure=mean"]
    assert seen["formats"] == ("pdf", "html") and seen["jobs"] == 3 and seen["force"] and seen["fresh_kernels"]
    assert seen["out"] == Path(tmp_path) and seen["paper"] == "a4"
    assert make_parser().parse_args(["build"]).format is None  # default: html and pdf, PDFs skipped without Chromium


@pytest.mark.parametrize("command", [
    [sys.executable, "-m", "analysis"],
    [str(Path(sys.executable).with_name("medcoding"))],
])
def test_console_script_and_module_both_run(tmp_path, command):
    if not Path(command[0]).exists():
        pytest.skip("the console script is not installed (run `make setup`)")
    done = subprocess.run([*command, "build", "--state", "CA", "-p", "yeer=2023", "--out", str(tmp_path / "r")],
                          capture_output=True, text=True, env=os.environ)
    assert done.returncode == 2
    assert "Did you mean 'year'?" in done.stderr
    assert not (tmp_path / "r").exists()


def test_assignments_subcommand_writes_student_and_instructor_versions(tmp_path):
    assert main(["assignments", "--out", str(tmp_path)]) == 0
    students = sorted(p.name for p in (tmp_path / "student").glob("*.ipynb"))
    assert "01_salary_by_state.ipynb" in students
    assert students == sorted(p.name for p in (tmp_path / "instructor").glob("*.ipynb"))
