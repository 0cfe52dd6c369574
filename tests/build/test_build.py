"""The report builder: parameters checked before anything runs, incremental rebuilds, atomic writes,
failures kept apart, interrupted builds, deterministic HTML, PDF and the index page.

Most tests share one small build (two state reports, HTML only) made once per test process and copy
its output folder before changing anything.
"""

from __future__ import annotations

import errno
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from conftest import papermill
from file_snapshots import snapshot

from analysis import build as builder
from analysis.build import files
from analysis.build import plan as planner
from analysis.build.summary import Outcome, Summary
from analysis.core.env import DATA_DIR_ENV
from analysis.core.paths import NOTEBOOKS_DIR, data_dir
from analysis.cli import main
from analysis.core.errors import InputError

BLS_2024 = "evidence/bls_oews_may2024_state_29-2072.csv"
SURVEYS = "evidence/certification_salary_surveys.csv"


def run_build(out, data, **options):
    """``builder.build`` with the kit's data replaced by the copy ``data`` (as MEDCODING_DATA_DIR does)."""
    before = os.environ.get(DATA_DIR_ENV)
    os.environ[DATA_DIR_ENV] = str(data)
    try:
        options.setdefault("formats", ("html",))
        options.setdefault("progress", False)
        options.setdefault("jobs", 2)
        return builder.build(out=out, **options)
    finally:
        if before is None:
            os.environ.pop(DATA_DIR_ENV, None)
        else:
            os.environ[DATA_DIR_ENV] = before


def by_id(summary):
    return {o.id: o for o in summary.outcomes}


def report_files(out: Path) -> set[str]:
    return {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file() and not p.name.startswith(".")}


def copy_tree(source: Path, target: Path) -> Path:
    shutil.copytree(source, target, copy_function=shutil.copy2)
    return target


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Two state reports (CA, TX), HTML, built once from a copy of data/."""
    root = tmp_path_factory.mktemp("built")
    data = copy_tree(data_dir(), root / "data")
    out = root / "reports"
    summary = run_build(out, data, states="CA,TX")
    assert summary.exit_code == 0, summary.text()
    return {"out": out, "data": data, "summary": summary}


# ---------------------------------------------------------------------------------------------- before anything runs


def test_areas_are_those_of_analysis_states():
    from analysis.data.states import all_states

    assert planner._areas() == [(s.abbr, s.name) for s in all_states()]


def test_data_dir_rule_matches_analysis_data(monkeypatch, tmp_path):
    from analysis.data import tables as data

    assert data_dir() == data.data_dir()
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path))
    assert data_dir() == data.data_dir() == tmp_path


@pytest.mark.parametrize("argv, expected", [
    (["--state", "CA", "-p", "meassure=mean"], "Did you mean 'measure'?"),
    (["--state", "CA", "-p", "year=2022"], "Allowed: latest (now 2024), 2024, 2023"),
    (["--state", "Texsa"], "Did you mean 'Texas'?"),
    (["--topic", "certificaton_premium"], "Did you mean 'certification_premium'?"),
    (["--topic", "certification_premium", "-p", "state=TX"], "no selected notebook"),
    (["--state", "CA", "-p", "state=TX"], "--state"),
    (["--state", "CA", "-p", "year"], "name=value"),
])
def test_bad_selection_or_parameter_is_rejected_before_anything_is_written(tmp_path, capsys, argv, expected):
    out = tmp_path / "reports"
    code = main(["build", *argv, "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2
    assert expected in err
    assert "Nothing was built" in err
    assert not out.exists()  # no folder, no lock, no log: no kernel or worker was started


def test_bad_parameter_leaves_earlier_reports_untouched(built, tmp_path):
    out = copy_tree(built["out"], tmp_path / "reports")
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    with pytest.raises(InputError, match="Did you mean 'measure'"):
        run_build(out, built["data"], states="CA", assignments=["meassure=mean"])
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_parameters_are_typed_and_canonical():
    # Typed values, never guessed strings; a value equal to the default names no file of its own.
    assert planner.resolve_parameters("state_report", {"measure": "MEAN", "year": "2023"}, fixed={"state": "tx"}) == {
        "state": "TX", "measure": "mean", "year": 2023}
    assert planner.resolve_parameters("state_report", {"measure": "median"}, fixed={"state": "06"}) == {"state": "CA"}
    assert planner.resolve_parameters("salary_by_state", {"compare_with": "tx, fl"}) == {"compare_with": ["TX", "FL"]}
    # year's default "latest" moves with data/: asking for 2024 by name is a report of its own, "latest" is the default.
    assert planner.resolve_parameters("salary_by_state", {"year": "2024"}) == {"year": 2024}
    assert planner.resolve_parameters("salary_by_state", {"year": "Latest"}) == {}
    reports = planner.plan(states="tx,California,06", assignments=["measure=mean"], formats=("html",))
    assert [r.id for r in reports] == ["states/TX--measure=mean", "states/CA--measure=mean"]
    assert reports[0].params == {"state": "TX", "measure": "mean"}
    assert reports[0].title == "Medical coding in Texas (measure=mean)"


def test_everything_is_every_state_every_topic_and_the_index():
    reports = planner.plan()
    states = [r for r in reports if r.kind == "state"]
    topics = {r.topic for r in reports if r.kind == "topic"}
    assert len(states) == 51 and {"states/DC", "states/WY"} <= {r.id for r in states}
    assert topics == set(planner.topic_notebooks()) and "salary_by_state" in topics
    assert "start_here" not in topics and "troubleshooting" not in topics  # no declared parameters: not reports
    assert reports[-1].id == "index"


def test_write_atomic_keeps_the_old_file_when_the_new_one_cannot_be_finished(tmp_path, monkeypatch):
    target = tmp_path / "TX.html"
    target.write_text("old, complete report")

    def fail(*args):
        raise OSError("disk full")

    monkeypatch.setattr(files.os, "replace", fail)
    with pytest.raises(OSError):
        files.write_atomic(target, "new report")
    assert target.read_text() == "old, complete report"
    assert [p.name for p in tmp_path.iterdir()] == ["TX.html"]  # no temporary file left


# ---------------------------------------------------------------------------------------------- builds


def test_state_selection_builds_exactly_those(built):
    out = built["out"]
    assert report_files(out) == {"states/CA.html", "states/TX.html"}
    assert {o.id: o.status for o in built["summary"].outcomes} == {"states/CA": "built", "states/TX": "built"}
    ca = (out / "states" / "CA.html").read_text()
    assert "<title>Medical coding in California</title>" in ca and "Texas" in (out / "states" / "TX.html").read_text()
    assert "cdn.jsdelivr" not in ca  # offline page
    manifest = json.loads((out / files.MANIFEST_NAME).read_text())
    entry = manifest["reports"]["states/CA"]
    assert entry["params"] == {"state": "CA"}
    assert BLS_2024 in entry["data"] and SURVEYS not in entry["data"]  # what the notebook read, recorded
    assert "src/analysis/topics/salary_by_state/wages.py" in entry["code"] and "src/analysis/export/html.py" in entry["code"]


def test_nothing_changed_nothing_rebuilt_without_importing_pandas(built):
    out = built["out"]
    mtimes = {p: p.stat().st_mtime_ns for p in out.rglob("*.html")}
    script = ("import sys\nfrom analysis.cli import main\n"
              f"code = main(['build', '--state', 'CA,TX', '--format', 'html', '--out', {str(out)!r}])\n"
              "assert 'pandas' not in sys.modules and 'altair' not in sys.modules, 'the no-op path imported pandas'\n"
              "sys.exit(code)")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          env={**os.environ, DATA_DIR_ENV: str(built["data"])})
    assert done.returncode == 0, done.stderr
    assert "Built 0 reports, skipped 2 up to date" in done.stdout
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*.html")} == mtimes


def test_touching_or_changing_inputs(built, tmp_path):
    out = copy_tree(built["out"], tmp_path / "reports")
    data = copy_tree(built["data"], tmp_path / "data")
    # Touching a file (same content) and changing a file the state reports never read: nothing to do.
    os.utime(data / BLS_2024)
    surveys = data / SURVEYS
    surveys.write_text(surveys.read_text() + "\n")
    summary = run_build(out, data, states="CA,TX")
    assert {o.status for o in summary.outcomes} == {"skipped"}
    # Changing one state's row of a file both reports read rebuilds both (each shows every state's rank).
    table = data / BLS_2024
    lines = table.read_text().splitlines()
    row = next(i for i, line in enumerate(lines) if ",TX," in line)
    cells = lines[row].split(",")
    cells[3] = str(int(cells[3]) + 10)  # employment
    lines[row] = ",".join(cells)
    table.write_text("\n".join(lines) + "\n")
    summary = run_build(out, data, states="CA,TX")
    assert {o.id: (o.status, o.reason) for o in summary.outcomes} == {
        "states/CA": ("built", f"data changed: {BLS_2024}"), "states/TX": ("built", f"data changed: {BLS_2024}")}
    assert f"{int(cells[3]):,}" in (out / "states" / "TX.html").read_text()


def test_a_newly_imported_bls_year_rebuilds_the_reports_that_default_to_the_latest(built, tmp_path, monkeypatch):
    # The reports found their years by listing data/evidence/; the probe recorded that listing as an input.
    import bls_official_files as bls
    from analysis.data.bls_import import import_files

    out = copy_tree(built["out"], tmp_path / "reports")
    data = copy_tree(built["data"], tmp_path / "data")
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    monkeypatch.setenv(DATA_DIR_ENV, str(data))
    import_files([bls.state_zip(downloads), bls.national_zip(downloads)])
    pinned = run_build(out, data, states="TX", assignments=["year=2024"])  # a year asked for by name stays that year
    assert [(o.id, o.status) for o in pinned.outcomes] == [("states/TX--year=2024", "built")]
    assert "May 2024 (latest" not in (out / "states" / "TX--year=2024.html").read_text()
    summary = run_build(out, data, states="CA,TX")
    assert {o.id: o.status for o in summary.outcomes} == {"states/CA": "built", "states/TX": "built"}
    assert all(o.reason.startswith("data changed: ") for o in summary.outcomes), [o.reason for o in summary.outcomes]
    assert "May 2025 (latest in data/)" in (out / "states" / "TX.html").read_text()
    assert {o.status for o in run_build(out, data, states="CA,TX").outcomes} == {"skipped"}


def test_changed_parameter_is_a_report_of_its_own(built, tmp_path):
    out = copy_tree(built["out"], tmp_path / "reports")
    ca = (out / "states" / "CA.html").read_bytes()
    summary = run_build(out, built["data"], states="CA", assignments=["measure=mean"])
    assert [(o.id, o.status) for o in summary.outcomes] == [("states/CA--measure=mean", "built")]
    assert (out / "states" / "CA.html").read_bytes() == ca
    assert "measure = &#x27;mean&#x27;" in (out / "states" / "CA--measure=mean.html").read_text() or \
           "'mean'" in (out / "states" / "CA--measure=mean.html").read_text()


def test_same_html_whether_in_this_process_or_a_worker_with_its_kernel_reused(built, tmp_path):
    # The shared build (two reports) ran in the main process, chosen by build() itself; here one worker
    # process of the pool runs TX then CA in the same, reused kernel.
    assert {o.worker for o in built["summary"].outcomes} == {os.getpid()}
    out = copy_tree(built["out"], tmp_path / "reports")
    pool = builder.LocalExecutor(1, log_path=tmp_path / "build.log")
    summary = run_build(out, built["data"], states="TX,CA", jobs=1, force=True, executor=pool)
    assert summary.exit_code == 0, summary.text()
    assert len({o.worker for o in summary.outcomes}) == 1 and os.getpid() not in {o.worker for o in summary.outcomes}
    for name in ("CA.html", "TX.html"):
        assert (out / "states" / name).read_bytes() == (built["out"] / "states" / name).read_bytes()


def test_a_failing_report_is_kept_apart_and_the_others_are_built(built, tmp_path):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    nb = nbformat.read(NOTEBOOKS_DIR / "state_report.ipynb", as_version=4)
    start = next(i for i, c in enumerate(nb.cells) if "start(" in c.source)
    nb.cells.insert(start + 1, nbformat.v4.new_code_cell(
        'if p.state.abbr == "TX":\n    raise ValueError("a deliberate failure for Texas")'))
    nbformat.write(nb, notebooks / "state_report.ipynb")
    out = copy_tree(built["out"], tmp_path / "reports")
    earlier_tx = (out / "states" / "TX.html").read_bytes()

    summary = run_build(out, built["data"], states="CA,TX", notebooks_dir=notebooks)

    outcomes = by_id(summary)
    assert outcomes["states/CA"].status == "built" and outcomes["states/CA"].reason == "notebook changed"
    assert outcomes["states/TX"].status == "failed"
    assert "ValueError: a deliberate failure for Texas" in outcomes["states/TX"].reason
    assert summary.exit_code == 1
    kept = out / "_failed" / "states" / "TX.ipynb"
    assert outcomes["states/TX"].failed_notebook == str(kept)
    assert "a deliberate failure for Texas" in kept.read_text()
    assert "FAILED states/TX" in summary.text() and str(kept) in summary.text()
    assert (out / "states" / "TX.html").read_bytes() == earlier_tx  # the earlier report stays


def _wait_for_a_finished_report(out: Path, since: float, process, timeout=240):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the build ended before it could be interrupted: {process.communicate()}")
        if any(p.stat().st_mtime > since for p in (out / "states").glob("*.html")):
            return
        time.sleep(0.2)
    pytest.fail("no report was finished in time")


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


def _assert_only_complete_reports(out: Path, earlier: dict[str, bytes]):
    assert not [p for p in out.rglob("*") if files.TEMP_MARK in p.name]
    for page in out.rglob("*.html"):
        assert page.read_text().rstrip().endswith("</html>"), page
    for name, content in earlier.items():
        # Either the earlier report or a complete new one, which is the same bytes (same inputs).
        assert (out / "states" / name).read_bytes() == content


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_an_interrupted_build_leaves_no_partial_report(built, tmp_path, sig):
    out = copy_tree(built["out"], tmp_path / "reports")
    earlier = {name: (out / "states" / name).read_bytes() for name in ("CA.html", "TX.html")}
    since = time.time()
    process = subprocess.Popen(
        [sys.executable, "-m", "analysis", "build", "--state", "CA,TX,NY,FL,OH,WA", "--format", "html", "--force",
         "--jobs", "2", "--out", str(out), "--no-progress"],
        env={**os.environ, DATA_DIR_ENV: str(built["data"])}, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _wait_for_a_finished_report(out, since, process)
    workers = _children(process.pid)
    process.send_signal(sig)
    process.communicate(timeout=60)
    if sig == signal.SIGTERM:
        assert process.returncode == 128 + signal.SIGTERM
    # Workers notice their main process is gone (even after SIGKILL), clean up and exit.
    deadline = time.monotonic() + 30
    while any(Path(f"/proc/{pid}").exists() for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(Path(f"/proc/{pid}").exists() for pid in workers)
    _assert_only_complete_reports(out, earlier)
    # The manifest is whole JSON and the next build finishes the job.
    json.loads((out / files.MANIFEST_NAME).read_text())


@pytest.mark.browser
def test_pdf_is_printed_from_the_html_on_disk(built, tmp_path):
    from analysis.export.chromium import find_chromium

    if find_chromium() is None:
        pytest.skip("no Chromium: PDFs cannot be printed here")
    out = copy_tree(built["out"], tmp_path / "reports")
    summary = run_build(out, built["data"], states="CA", formats=("html", "pdf"))
    outcome = by_id(summary)["states/CA"]
    assert (outcome.status, outcome.formats) == ("built", ("pdf",))  # the HTML was up to date: no kernel ran
    pdf = out / "states" / "CA.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
        assert "Medical coding in California" in text
    again = run_build(out, built["data"], states="CA", formats=("html", "pdf"))
    assert by_id(again)["states/CA"].status == "skipped"
    # Another paper size: only the PDF is printed again, on that paper.
    a4 = by_id(run_build(out, built["data"], states="CA", formats=("html", "pdf"), paper="a4"))["states/CA"]
    assert (a4.status, a4.formats, a4.reason) == ("built", ("pdf",), "paper size changed")
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
        assert re.search(r"Page size:.*\(A4\)", info) and re.search(r"Tagged:\s+yes", info), info


def test_without_chromium_html_is_built_and_pdf_skipped_with_a_note(built, tmp_path, monkeypatch):
    out = copy_tree(built["out"], tmp_path / "reports")
    monkeypatch.setenv("MEDCODING_CHROMIUM", str(tmp_path / "no-such-browser"))
    # Default formats (html and pdf): the HTML is up to date, the PDF cannot be printed; that is not a failure.
    summary = run_build(out, built["data"], states="CA", formats=None)
    outcome = by_id(summary)["states/CA"]
    assert outcome.status == "skipped" and "apt-get install chromium" in outcome.pdf_skipped
    assert summary.exit_code == 0
    assert "PDF not printed for 1 report(s)" in summary.text()
    # PDF asked for by name: the build says it could not do what was asked.
    assert run_build(out, built["data"], states="CA", formats=("pdf",)).exit_code == 1
    assert not (out / "states" / "CA.pdf").exists()


def test_pdf_asked_for_without_chromium_says_what_was_and_was_not_done(built, tmp_path, monkeypatch, capsys):
    out = copy_tree(built["out"], tmp_path / "reports")
    before = snapshot(out, skip=(files.LOG_NAME,))
    monkeypatch.setenv("MEDCODING_CHROMIUM", str(tmp_path / "no-such-browser"))
    monkeypatch.setenv(DATA_DIR_ENV, str(built["data"]))
    code = main(["build", "--state", "CA", "--format", "pdf", "--out", str(out), "--no-progress"])
    printed = capsys.readouterr().out
    assert code == 1
    assert printed.startswith("FAILED: PDF was asked for with --format but no PDF could be printed for 1 report")
    assert "Built 1 report" not in printed and "apt-get install chromium" in printed
    assert snapshot(out, skip=(files.LOG_NAME,)) == before


def test_summary_never_says_built_beside_a_pdf_it_could_not_print():
    outcome = Outcome("states/TX", "built", ("html",), "new", pdf_skipped="No Chromium was found.")
    text = Summary([outcome], 1.0, Path("reports"), pdf_requested_explicitly=True).text()
    assert text.splitlines()[0].startswith("FAILED: PDF was asked for") and "Only the HTML of 1 of them was written" in text
    assert "Wrote 1 file (1 HTML, 0 PDF) for 1 report" in text and "Built 1 report" not in text
    default = Summary([outcome], 1.0, Path("reports")).text()  # PDF not asked for by name: a note only
    assert default.startswith("Built 1 report (1 HTML, 0 PDF)") and "PDF not printed for 1 report(s)" in default


def test_disk_full_while_the_manifest_is_written_keeps_the_earlier_reports(built, tmp_path, monkeypatch, capsys):
    out = copy_tree(built["out"], tmp_path / "reports")
    (tmp_path / "notes.txt").write_text("someone's notes beside the reports")
    before = snapshot(tmp_path, skip=("reports/" + files.LOG_NAME,))
    original = files.write_atomic

    def disk_full(path, data, **kwargs):
        if Path(path).name == files.MANIFEST_NAME:
            with open(files.temp_path(Path(path)), "wb") as handle:  # a half-written temporary file, as on a full disk
                handle.write(b'{"version": 1, "rep')
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        return original(path, data, **kwargs)

    monkeypatch.setattr(files, "write_atomic", disk_full)
    monkeypatch.setenv(DATA_DIR_ENV, str(built["data"]))
    code = main(["build", "--state", "TX", "--format", "html", "--force", "--out", str(out), "--no-progress"])
    err = capsys.readouterr().err
    assert code == 1
    assert "the disk is full" in err and files.MANIFEST_NAME in err and "as they were" in err and "Traceback" not in err
    assert snapshot(tmp_path, skip=("reports/" + files.LOG_NAME,)) == before  # no temporary file left either


def test_index_links_every_report_from_the_map(built, tmp_path):
    out = copy_tree(built["out"], tmp_path / "reports")
    summary = run_build(out, built["data"], index=True)
    assert [(o.id, o.status) for o in summary.outcomes] == [("index", "built")]
    page = (out / "index.html").read_text()
    # The chart's spec is in the page as JSON (attribute order as the exporter writes it).
    specs = re.findall(r'<script[^>]*class="medcoding-chart-spec"[^>]*>(.*?)</script>', page, re.S)
    tiles = json.loads(specs[0])
    rows = [row for rows in tiles["datasets"].values() for row in rows]
    links = {row["state_abbr"]: row["report"] for row in rows if row["report"]}
    assert links == {"CA": "states/CA.html", "TX": "states/TX.html"}
    assert all(layer["encoding"]["href"] == {"field": "report", "type": "nominal"} for layer in tiles["layer"])


# ---------------------------------------------------------------------------------------------- the state report notebook

STATE_NOTEBOOK = NOTEBOOKS_DIR / "state_report.ipynb"


def test_state_report_charts_are_followed_by_a_prompt():
    """(Stored clean, kernel, parameters and start cell: tests/test_notebooks.py, for every notebook.)"""
    nb = nbformat.read(STATE_NOTEBOOK, as_version=4)
    # Every chart is followed by an italic "Try changing ..." prompt.
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and ("chart(" in cell.source or "tile_map(" in cell.source):
            after = next(c for c in nb.cells[i + 1:] if c.cell_type == "markdown")
            assert after.source.startswith("*Try changing"), cell.source


def _papermill(tmp_path, params: dict):
    out = tmp_path / "out.ipynb"
    args = [a for name, value in params.items() for a in ("-p", name, str(value))]
    done = papermill(STATE_NOTEBOOK, out, *args)  # as a student runs it
    assert done.returncode == 0, done.stderr[-3000:]
    nb = nbformat.read(out, as_version=4)
    assert not [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    return "\n".join(str(v) for c in nb.cells for o in c.get("outputs", []) for v in o.get("data", {}).values())


def _examples():
    from analysis.topics.state_report import PARAMETERS

    return [{}] + PARAMETERS.examples


@pytest.mark.notebook
@pytest.mark.parametrize("params", _examples(), ids=lambda p: ",".join(f"{k}={v}" for k, v in p.items()) or "defaults")
def test_state_report_runs_with_each_documented_parameter_set(tmp_path, params):
    from analysis.topics.state_report import PARAMETERS

    shown = _papermill(tmp_path, params)
    checked = PARAMETERS.check(params)
    assert f"**{checked.state.name}**" in shown
    assert "ranks" in shown and "Projected employment" in shown
    if checked.year == 2023 and checked.state.abbr == "WY":
        assert "not available" in shown  # no May 2023 median for Wyoming in data/: shown as a gap
