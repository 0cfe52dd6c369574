"""Hostile but realistic input: every bad value, folder or file gets a short message and an exit code,
and nothing on disk that the kit did not make is touched (checked byte for byte with a snapshot).

These run no notebook (the builder stops before any kernel starts, or its runner is replaced); the
cases that need a real report are in test_build.py (disk full, PDF without Chromium) and
test_export_browser.py (HTML injection in a real Chromium).
"""

from __future__ import annotations

import errno
import json
import math
import os
import shutil
from pathlib import Path

import pytest
from conftest import papermill
from file_snapshots import snapshot

import analysis.build
from analysis.build import files, index, plan as planner
from analysis.build.runner import Runner
from analysis.core.env import DATA_DIR_ENV
from analysis.core.paths import data_dir
from analysis.core.topics import TOPICS
from analysis.cli import main
from analysis.core.errors import DataFileError, InputError, closest, shorten
from analysis.core.params import Number, check_notebook_parameters, parameters_for

ROOT = Path(__file__).resolve().parents[1]
PAYLOAD = """CPC <img src="http://203.0.113.7/spec.png" onerror="document.title='XSS'">"""


@pytest.fixture
def place(tmp_path, monkeypatch):
    """A working folder holding someone's own files (never to be touched), made the current folder."""
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / ".draft.tmp-2024.md").write_text("a draft another tool is writing")
    (tmp_path / "thesis.md").write_text("my work")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / ".index.tmp-1.lock").write_text("lock of another program")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(capsys, *argv):
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def one_paragraph(err: str) -> None:
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) <= 3, err


# ---------------------------------------------------------------------------------------------- --out


@pytest.mark.parametrize("out, expected", [
    ("", "is empty"),
    (".", "is the current folder"),
    ("notes", "holds files the kit did not make (.draft.tmp-2024.md)"),
    ("thesis.md", "is a file, not a folder"),
    ("thesis.md/reports", "thesis.md is a file, not a folder"),
    (str(ROOT), "is the project folder"),
])
def test_out_that_is_not_a_dedicated_reports_folder_is_refused(place, capsys, out, expected):
    before = snapshot(place)
    code, _, err = run(capsys, "build", "--state", "TX", "--format", "html", "--out", out)
    assert code == 2
    assert expected in err and "--out" in err and "Nothing was built" in err
    one_paragraph(err)
    assert snapshot(place) == before
    assert not (ROOT / files.LOCK_NAME).exists() and not (ROOT / "states").exists()


def test_out_symlink_loop_is_named_as_such(place, capsys):
    (place / "loop_a").symlink_to(place / "loop_b")
    (place / "loop_b").symlink_to(place / "loop_a")
    before = snapshot(place)
    code, _, err = run(capsys, "build", "--state", "TX", "--out", "loop_a/reports")
    assert code == 2 and "symbolic link loop" in err
    assert snapshot(place) == before


@pytest.mark.parametrize("problem, words", [
    (errno.EROFS, "read-only file system"),
    (errno.EACCES, "not allowed to write"),
    (errno.ENOSPC, "disk is full"),
])
def test_out_that_cannot_be_written_is_refused_with_the_reason(place, capsys, monkeypatch, problem, words):
    out = place / "reports"
    out.mkdir()

    def refuse(*args, **kwargs):
        raise OSError(problem, os.strerror(problem), str(out / files.LOCK_NAME))

    monkeypatch.setattr(analysis.build, "build_lock", refuse)  # where build() takes its lock
    before = snapshot(place)
    # --out relative to the working folder: an absolute temporary path can pass 80 characters, and is then cut.
    code, _, err = run(capsys, "build", "--state", "TX", "--format", "html", "--out", "reports")
    assert code == 2 and words in err and "--out='reports'" in err
    one_paragraph(err)
    assert snapshot(place) == before


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root may write into a read-only folder")
def test_out_read_only_for_real(place, capsys):
    out = place / "reports"
    out.mkdir()
    out.chmod(0o555)
    try:
        code, _, err = run(capsys, "build", "--state", "TX", "--format", "html", "--out", str(out))
    finally:
        out.chmod(0o755)
    assert code == 2 and "not allowed to write" in err
    assert list(out.iterdir()) == []


@pytest.mark.parametrize("contents", [[], ["states/TX.html", files.MANIFEST_NAME], ["index.html", files.LOG_NAME]],
                         ids=["empty", "earlier build", "kit names only"])
def test_dedicated_out_folders_are_accepted(tmp_path, contents):
    out = tmp_path / "reports"
    out.mkdir()
    for name in contents:
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_text("{}")
    files.check_out_folder(out)
    files.check_out_folder(tmp_path / "new" / "folder")
    files.check_out_folder(ROOT / "reports")  # the kit's own folder, with its README


def test_the_users_files_survive_a_build_even_when_allowed_into_their_folder(place, capsys, monkeypatch):
    """The issue's reproduction: another tool's hidden ``.draft.tmp-2024.md`` used to be swept away."""
    ran = []
    monkeypatch.setattr(Runner, "run", lambda self, reports, force: ran.append(len(reports)))
    before = snapshot(place)
    code, out, err = run(capsys, "build", "--state", "TX", "--format", "html", "--out", ".",
                         files.ALLOW_OTHER_FILES_FLAG, "--no-progress")
    assert code == 0, err
    assert ran == [1]
    after = snapshot(place, skip=(files.LOCK_NAME,))
    assert after == before  # the lock file is the only thing the kit added


# ---------------------------------------------------------------------------------------------- temporary files


def test_only_the_kits_marked_temporary_files_of_a_killed_build_are_removed(tmp_path):
    out = tmp_path / "reports"
    (out / "states").mkdir(parents=True)
    (out / "notes").mkdir()
    killed = "0123456789ab"
    theirs = {
        out / "notes" / ".draft.tmp-2024.md": "another tool's draft",
        out / "states" / ".TX.tmp-4242.html": "no build id: not provably the kit's",
        out / "states" / f".TX.tmp-medcoding-ffffffffffff-1.html": "another build's, not recorded as killed",
        out / "notes" / f".x.tmp-medcoding-{killed}-1.html": "in a folder the kit does not write",
    }
    for path, text in theirs.items():
        path.write_text(text)
    ours = out / "states" / f".CA.tmp-medcoding-{killed}-77.html"
    ours.write_text("half a report")
    (out / files.LOCK_NAME).write_text(f"12345\n{killed}\n")  # what a killed build leaves
    before = snapshot(out, skip=(ours.relative_to(out).as_posix(), files.LOCK_NAME))
    with files.build_lock(out, "abcdefabcdef"):
        assert (out / files.LOCK_NAME).read_text().split() == [str(os.getpid()), "abcdefabcdef"]
    assert not ours.exists()
    assert snapshot(out, skip=(files.LOCK_NAME,)) == before
    assert (out / files.LOCK_NAME).read_text() == ""  # ended normally: nothing left to sweep


def test_temporary_names_carry_the_build_id(monkeypatch, tmp_path):
    monkeypatch.setattr(files, "_build_id", "00aa00aa00aa")
    name = files.temp_path(tmp_path / "TX.html").name
    assert name.startswith(".TX.tmp-medcoding-00aa00aa00aa-") and name.endswith(".html")


# ---------------------------------------------------------------------------------------------- messages


LONG = "x" * 100_000


@pytest.mark.parametrize("argv, expected", [
    (["--notebooks", "/nonexistent", "--topic", "specialty"], "--notebooks='/nonexistent': the folder does not exist"),
    (["--notebooks", str(ROOT / "README.md"), "--topic", "specialty"], "is a file, not a folder"),
    (["--state", "all,TX"], "'all' cannot be combined with other states"),
    (["--topic", "specialty,all"], "'all' cannot be combined with other topic names"),
    (["--state", "6"], "Did you mean '06'?"),
    (["--state", "CA,9"], "Did you mean '09'?"),
    (["--topic", "ai"], "Did you mean 'ai_impact'?"),
    (["--topic", "salary"], "Did you mean 'salary_by_state'?"),
    (["--topic", "certification"], "Did you mean 'certification_premium'?"),
    (["--state", LONG], "…' (100000 characters)"),
    (["--topic", LONG], "…' (100000 characters)"),
    (["--state", "TX", "-p", f"measure={LONG}"], "…' (100000 characters)"),
    (["--timeout", "-5"], "must be a positive number of seconds"),
    (["--timeout", "0"], "must be a positive number of seconds"),
    (["--timeout", "nan"], "must be a positive number of seconds"),
    (["--timeout", "inf"], "must be a positive number of seconds"),
    (["--timeout", "soon"], "must be a number of seconds"),
    (["--jobs", LONG], "…' (100000 characters)"),
])
def test_bad_command_lines_get_one_short_message(place, capsys, argv, expected):
    before = snapshot(place)
    code, _, err = run(capsys, "build", *argv, "--out", "reports")
    assert code == 2
    assert expected in err
    assert len(err) < 1500 and "Traceback" not in err
    assert snapshot(place) == before


def test_notebooks_symlink_loop_is_named_as_such(place, capsys):
    (place / "nb").symlink_to(place / "nb")
    code, _, err = run(capsys, "build", "--notebooks", "nb", "--topic", "specialty", "--out", "reports")
    assert code == 2 and "symbolic link loop" in err and "not allowed" not in err


def test_params_command_suggests_by_prefix(capsys):
    code, _, err = run(capsys, "params", "salary")
    assert code == 2 and "Did you mean 'salary_by_state'?" in err


def test_closest_and_shorten():
    assert closest("ai", ["salary_by_state", "ai_impact"]) == "ai_impact"
    assert closest("state", ["salary_by_state", "state_report"]) == "state_report"  # begins with it: preferred
    assert closest("e", ["specialty", "state_report"]) is None  # one letter: no guess
    assert shorten("x" * 10) == repr("x" * 10)
    assert len(shorten(LONG)) < 120


def test_jobs_are_capped_at_the_cpus_in_one_line(monkeypatch, capsys):
    monkeypatch.setattr(planner, "usable_cpus", lambda: 2)
    lines = []
    assert planner.capped_jobs(1000, log=lambda text, **_: lines.append(text)) == 2
    assert lines == ["--jobs 1000: this machine can run 2 at once, so 2 workers will be used."]
    assert planner.capped_jobs(2, log=lambda text, **_: lines.append(text)) == 2 and len(lines) == 1
    assert main(["build", "--help"]) == 0
    assert f"Capped at one per CPU ({planner.usable_cpus()} here)" in " ".join(capsys.readouterr().out.split())


def test_a_capped_build_says_so_and_runs_no_more_workers(place, capsys, monkeypatch):
    seen = []
    monkeypatch.setattr(planner, "usable_cpus", lambda: 2)
    monkeypatch.setattr(Runner, "run", lambda self, reports, force: seen.append(self.jobs))
    code, _, err = run(capsys, "build", "--state", "all", "--format", "html", "--jobs", "1000", "--out", "reports",
                       "--no-progress")
    assert code == 0 and seen == [2]
    assert "--jobs 1000: this machine can run 2 at once" in err


# ---------------------------------------------------------------------------------------------- parameters


def _number_parameters():
    for topic in TOPICS:
        for param in parameters_for(topic):
            if isinstance(param, Number):
                yield topic, param.name


NUMBERS = list(_number_parameters())


def test_every_notebook_has_number_parameters_to_check():
    assert {topic for topic, _ in NUMBERS} >= {"job_outlook", "certification_premium", "ai_impact", "salary_by_state"} - {"salary_by_state"}
    assert len(NUMBERS) >= 10


@pytest.mark.parametrize("topic, name", NUMBERS, ids=[f"{t}.{n}" for t, n in NUMBERS])
@pytest.mark.parametrize("text", ["nan", "inf", "-inf", "NaN", "1e999"])
def test_nan_and_infinity_are_refused_by_every_number_parameter(place, capsys, topic, name, text):
    selection = ["--state", "TX"] if topic == "state_report" else ["--topic", topic]
    before = snapshot(place)
    code, _, err = run(capsys, "build", *selection, "-p", f"{name}={text}", "--out", "reports")
    assert code == 2, err
    assert f"{name}=" in err and "finite number" in err
    one_paragraph(err)
    assert snapshot(place) == before


@pytest.mark.parametrize("topic, name", NUMBERS, ids=[f"{t}.{n}" for t, n in NUMBERS])
@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_nan_and_infinity_are_refused_in_the_notebook_too(topic, name, value):
    namespace = {**parameters_for(topic).defaults(), name: value}
    with pytest.raises(InputError, match="finite number"):
        check_notebook_parameters(topic, namespace)


def test_routine_shares_refuse_nan():
    from analysis.topics.ai_impact import routine_shares

    for text in ("Coding Auditor=nan", "Coding Auditor=inf", '{"Coding Auditor": NaN}'):
        with pytest.raises(InputError, match="finite|between 0 and 1"):
            routine_shares(text)


def test_an_explained_error_shows_no_traceback_in_a_notebook():
    error = InputError("discount_rate", math.nan, reason="must be a finite number")
    assert error._render_traceback_() == [f"InputError: {error}"]


@pytest.mark.notebook
def test_papermill_cli_refuses_nan_with_the_message_not_a_traceback_wall(tmp_path):
    out = tmp_path / "out.ipynb"
    done = papermill(ROOT / "notebooks" / "02_job_outlook.ipynb", out, "-p", "growth_override_pct", "nan", cwd=tmp_path)
    assert done.returncode != 0  # papermill's own exit code for a notebook that stopped
    message = "growth_override_pct=nan: must be a finite number (not nan or infinity)"
    assert message in done.stderr
    import nbformat

    errors = [o for c in nbformat.read(out, as_version=4).cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert len(errors) == 1 and errors[0].traceback == [f"InputError: {message}. Allowed: a number from -100 to 100, or None."]


# ---------------------------------------------------------------------------------------------- data files


@pytest.fixture
def data(tmp_path, monkeypatch):
    """A copy of data/ the kit reads instead (MEDCODING_DATA_DIR)."""
    copy = tmp_path / "data"
    shutil.copytree(data_dir(), copy)
    monkeypatch.setenv(DATA_DIR_ENV, str(copy))
    from analysis.data.states import states_table

    states_table.cache_clear()
    yield copy
    states_table.cache_clear()


def _utf16(path: Path) -> None:
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16"))


def _drop_column(path: Path, column: str) -> None:
    import csv

    rows = list(csv.reader(path.open(encoding="utf-8-sig", newline="")))
    index = rows[0].index(column)
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows([r[:index] + r[index + 1:] for r in rows])


def _junk(path: Path, megabytes: int = 50) -> None:
    header = path.read_text(encoding="utf-8-sig").splitlines()[0]
    line = ",".join(["junk"] * (header.count(",") + 1)) + "\n"
    with path.open("w", encoding="utf-8") as handle:
        handle.write(header + "\n")
        handle.write(line * (megabytes * 1024 * 1024 // len(line)))


@pytest.mark.parametrize("spoil, expected", [
    (_utf16, "not UTF-8 text (it looks like UTF-16"),
    (lambda p: _drop_column(p, "state_abbr"), "required column 'state_abbr' is missing"),
    (_junk, "more than the 16 MB limit"),
], ids=["utf-16", "missing column", "50 MB of junk"])
def test_a_spoiled_states_table_stops_the_build_with_a_message(data, place, capsys, monkeypatch, spoil, expected):
    spoil(data / "reference" / "us_states.csv")
    _must_not_parse_spoiled(monkeypatch, data / "reference" / "us_states.csv")
    before = snapshot(place)
    code, _, err = run(capsys, "build", "--state", "TX", "--format", "html", "--out", "reports")
    assert code == 1
    assert "reference/us_states.csv" in err and expected in err and "Nothing was built" in err
    one_paragraph(err)
    assert snapshot(place) == before


def _must_not_parse_spoiled(monkeypatch, spoiled: Path):
    """Make pandas refuse to parse ``spoiled``: the kit must reject it from its size, encoding or header."""
    import pandas as pd

    original = pd.read_csv

    def read_csv(path, *args, **kwargs):
        if Path(path) == spoiled:
            raise AssertionError(f"{spoiled} was parsed: it should have been refused before")
        return original(path, *args, **kwargs)

    monkeypatch.setattr(pd, "read_csv", read_csv)


DATA_FILES = ["article/specialties.csv", "article/job_outlook.csv", "evidence/bls_oews_may2024_state_29-2072.csv",
              "reference/career_soc_map.csv"]


def _loader(relative: str):
    """The kit's own reader of a data file (its schema), as the notebooks call it."""
    from analysis.data import article
    from analysis.data import careers
    from analysis.data import evidence

    return {
        "article/specialties.csv": article.load_specialties,
        "article/job_outlook.csv": article.load_job_outlook,
        "evidence/bls_oews_may2024_state_29-2072.csv": lambda: evidence.load_state_wages(2024),
        "reference/career_soc_map.csv": careers.load_career_soc_map,
    }[relative]


@pytest.mark.parametrize("relative", DATA_FILES)
@pytest.mark.parametrize("spoil, expected", [
    (_utf16, "not UTF-8 text"),
    (lambda p: _junk(p, 20), "more than the 16 MB limit"),
    (lambda p: p.write_bytes(b"\x00\x01binary" * 1000), "not UTF-8 text"),
    (lambda p: p.write_text("x" * 200_000), "first line is longer than 64 KB"),
], ids=["utf-16", "20 MB of junk", "binary", "one huge line"])
def test_spoiled_data_files_are_refused_before_parsing(data, monkeypatch, relative, spoil, expected):
    try:
        load = _loader(relative)
    except (AttributeError, ImportError) as missing:
        pytest.fail(f"the loader of {relative} moved: {missing}")
    spoil(data / relative)
    _must_not_parse_spoiled(monkeypatch, data / relative)
    with pytest.raises(DataFileError) as info:
        load()
    assert relative in str(info.value) and expected in str(info.value)


@pytest.mark.parametrize("relative", DATA_FILES)
def test_a_missing_column_is_named_from_the_header_alone(data, monkeypatch, relative):
    path = data / relative
    column = path.read_text(encoding="utf-8-sig").splitlines()[0].split(",")[1]
    _drop_column(path, column)
    _must_not_parse_spoiled(monkeypatch, path)
    with pytest.raises(DataFileError, match=rf"required column '{column}' is missing"):
        _loader(relative)()


# ---------------------------------------------------------------------------------------------- assignments


@pytest.mark.parametrize("out, expected", [
    ("thesis.md", "is a file, not a folder"),
    ("thesis.md/dist", "thesis.md is a file, not a folder"),
    ("", "is empty"),
])
def test_assignments_out_that_cannot_be_a_folder_is_refused(place, capsys, out, expected):
    before = snapshot(place)
    code, _, err = run(capsys, "assignments", "--out", out)
    assert code == 2 and expected in err and "Nothing was written" in err
    one_paragraph(err)
    assert snapshot(place) == before


def test_assignments_source_that_does_not_exist_is_refused(place, capsys):
    before = snapshot(place)
    code, _, err = run(capsys, "assignments", "--source", "/nonexistent", "--out", "dist")
    assert code == 2 and "the folder does not exist" in err
    assert snapshot(place) == before


def test_assignments_out_that_cannot_be_written(place, capsys, monkeypatch):
    import nbformat

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), "dist/student/00_start_here.ipynb")

    monkeypatch.setattr(nbformat, "write", full)
    code, _, err = run(capsys, "assignments", "--out", "dist")
    assert code == 2 and "disk is full" in err
    one_paragraph(err)


# ---------------------------------------------------------------------------------------------- escaping, no browser


def test_table_and_markdown_helpers_escape_text_from_data():
    import pandas as pd

    from analysis.notebook import Markdown
    from analysis.topics.state_report import report_list
    from analysis.topics.salary_by_state import table_view

    html = table_view(pd.DataFrame({"certification": [PAYLOAD], PAYLOAD: [1]})).to_html()
    assert "<img" not in html and "&lt;img" in html
    shown = Markdown(f"credential {PAYLOAD} ![x](http://203.0.113.7/y.png)")._repr_markdown_()
    assert "<img" not in shown and "![" not in shown
    links = report_list([[f"Topic {PAYLOAD} [x](javascript:alert(1))", "topics/x.html"]])._repr_markdown_()
    assert "<img" not in links and "](javascript" not in links


def test_report_page_escapes_title_sources_and_parameters():
    import nbformat

    from analysis.export.html import html_report

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# A report")]
    page = html_report(nb, title=PAYLOAD, data_date=PAYLOAD, sources=[PAYLOAD], parameters={"specialty": PAYLOAD})
    assert "<img" not in page.split("</head>", 1)[1].replace("<img src=\"${", "")
    assert page.count('http-equiv="Content-Security-Policy"') == 1
    assert "default-src 'none'" in page and "img-src data: blob:" in page


def test_manifest_titles_reach_the_index_escaped(tmp_path):
    out = tmp_path / "reports"
    (out / "topics").mkdir(parents=True)
    (out / "topics" / "x.html").write_text("x")
    manifest = {"version": files.MANIFEST_VERSION, "reports": {"topics/x--a=b": {"title": PAYLOAD}}}
    (out / "topics" / "x--a=b.html").write_text("x")
    links = index.index_parameters(manifest, out)
    from analysis.topics.state_report import report_list

    assert "<img" not in report_list(links["other_links"])._repr_markdown_()
    json.dumps(links)
