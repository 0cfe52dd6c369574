"""The builder on a real Dask LocalCluster: same bytes as the local pool, faults, refusals; grids (no notebooks)."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import pytest
from conftest import need

from analysis.build import build
from analysis.build.files import TEMP_MARK
from analysis.build.grid import parse_grid, plan_grid
from analysis.cli import main
from analysis.core.errors import InputError

distributed = pytest.importorskip("distributed")

STATES = "CA,TX,NY,FL"


def _snapshot(folder: Path) -> dict:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def cluster():
    import logging

    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                                  silence_logs=logging.ERROR) as local:
        yield local


# ------------------------------------------------------------------------------------------- grids


def test_grid_expands_to_one_report_per_combination_each_at_its_own_path():
    reports = plan_grid(["state=CA,TX", "year=2023,2024", "measure=median,mean"], formats=("html",))
    states = [r for r in reports if r.kind == "state"]
    assert len(states) == 2 * 2 * 2
    assert len({r.id for r in states}) == 8
    assert {(r.params["state"], r.params["year"], r.params.get("measure", "median")) for r in states} == {
        (s, y, m) for s in ("CA", "TX") for y in (2023, 2024) for m in ("median", "mean")}
    assert reports[-1].kind == "index"


def test_grid_state_all_means_every_state():
    reports = plan_grid(["state=all", "measure=median,mean"], formats=("html",))
    assert len([r for r in reports if r.kind == "state"]) == 2 * 51


@pytest.mark.parametrize("items, named", [
    (["state=CA", "year=2023,2099"], "2099"),
    (["state=CA", "measure=median,average"], "average"),
    (["state=CA,Texsa", "year=2023"], "Texsa"),
    (["year"], "NAME=VALUE"),
    (["state=CA", "colour=red"], "colour"),
])
def test_a_bad_grid_value_is_refused_before_anything_is_written(tmp_path, capsys, items, named):
    out = tmp_path / "reports"
    assert main(["build", "--format", "html", "--out", str(out), "--grid", *items]) == 2
    assert named in capsys.readouterr().err
    assert not out.exists()


def test_grid_and_p_for_the_same_name_is_refused():
    with pytest.raises(InputError, match="measure"):
        plan_grid(["state=CA", "measure=median,mean"], assignments=["measure=mean"])
    assert parse_grid(["year=2023,2023"]) == {"year": ["2023"]}


# ------------------------------------------------------------------------------------------- refusals


def test_unreachable_scheduler_exits_2_and_writes_nothing(tmp_path, capsys, monkeypatch):
    from analysis.build import dask_executor

    monkeypatch.setattr(dask_executor, "CONNECT_TIMEOUT", 2)
    out = tmp_path / "reports"
    out.mkdir()
    (out / "earlier.txt").write_text("kept")
    before = _snapshot(out)
    code = main(["build", "--state", "CA", "--format", "html", "--out", str(out), "--out-allow-other-files",
                 "--scheduler", "tcp://127.0.0.1:9"])
    err = capsys.readouterr().err
    assert code == 2
    assert "no Dask scheduler answered" in err and "tcp://127.0.0.1:9" in err
    assert _snapshot(out) == before and sorted(os.listdir(out)) == ["earlier.txt"]


def test_missing_dask_is_named_with_the_install_command(tmp_path, capsys, monkeypatch):
    from analysis.build import dask_executor

    monkeypatch.setattr(dask_executor, "dask_installed", lambda: False)
    assert main(["build", "--state", "CA", "--out", str(tmp_path / "r"), "--scheduler", "local:2"]) == 2
    assert "pip install '.[dask]'" in capsys.readouterr().err
    assert not (tmp_path / "r").exists()


@pytest.mark.cluster
@pytest.mark.slow
def test_a_worker_with_other_data_is_refused_naming_both(tmp_path, data_copy):
    import logging

    from analysis.build.dask_executor import DaskCluster, kit_fingerprint

    ours = kit_fingerprint()  # the client reads the real data/ ...
    (data_copy / "sources.csv").write_bytes((data_copy / "sources.csv").read_bytes() + b"\n")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=":0",
                                  silence_logs=logging.ERROR) as other:  # ... its worker (env inherited) the copy
        os.environ.pop("MEDCODING_DATA_DIR")
        client = distributed.Client(other)
        connected = DaskCluster(client)
        try:
            with pytest.raises(InputError) as refused:
                connected.check_workers()
        finally:
            client.close()
    message = str(refused.value)
    assert ours in message and "refused" in message
    assert message.count("medcoding-outlook 0.1.0, code ") == 2  # the worker's and ours, which differ in data


# ------------------------------------------------------------------------------------------- builds


def _pdf_text_and_pages(pdf: Path) -> tuple[str, str]:
    """What a reader gets from a PDF: its text, line by line in reading order, and its page count (the file's bytes
    carry its print date).

    Not ``pdftotext -layout``: the columns of spaces it adds follow positions to a fraction of a point, and a
    chart's labels can move by 0.05 pt with the order a browser printed the reports in, which two builds need not
    share (measured: Texas printed just before California shrinks the labels of California's scaled-down tile map
    by 0.3%, with the same SVG; Chromium's renderer carries some state from one page to the next).
    """
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return text, re.search(r"^Pages:\s+(\d+)", info, re.M).group(1)


@pytest.mark.cluster
@pytest.mark.slow
@pytest.mark.browser
def test_dask_build_is_identical_to_the_local_pool_and_shares_the_manifest(tmp_path, cluster):
    from analysis.export.chromium import find_chromium

    printing = bool(find_chromium() and shutil.which("pdftotext") and shutil.which("pdfinfo"))
    formats = ("html", "pdf") if printing else ("html",)
    local, remote = tmp_path / "local", tmp_path / "dask"
    first = build(states=STATES, formats=formats, jobs=2, out=local, progress=False, log=lambda *a, **k: None)
    second = build(states=STATES, formats=formats, out=remote, progress=False, log=lambda *a, **k: None,
                   scheduler=cluster.scheduler_address)
    assert first.exit_code == 0 and second.exit_code == 0, (first.text(), second.text())
    assert [o.formats for o in second.outcomes if o.status == "built"] == [formats] * 4
    htmls = sorted(p.relative_to(local) for p in local.rglob("*.html"))
    assert len(htmls) == 4
    for name in htmls:  # HTML: byte for byte
        assert (local / name).read_bytes() == (remote / name).read_bytes(), name
    pdfs = sorted(p.relative_to(local) for p in local.rglob("*.pdf"))
    assert pdfs == sorted(p.relative_to(remote) for p in remote.rglob("*.pdf"))
    for name in pdfs:  # PDF: the same text on the same number of pages
        ours, theirs = _pdf_text_and_pages(local / name), _pdf_text_and_pages(remote / name)
        assert ours[1] == theirs[1], name
        assert ours[0] == theirs[0] and "Medical coding in" in ours[0], name
    ours, theirs = (json.loads((f / ".build-manifest.json").read_text())["reports"] for f in (local, remote))
    for entry in (*ours.values(), *theirs.values()):
        outputs = entry.pop("outputs")
        assert sorted(outputs) == sorted(formats)
    assert ours == theirs
    # The manifest is shared: a local build finds the Dask-built reports up to date, and Dask the local ones.
    again = build(states=STATES, formats=formats, jobs=1, out=remote, progress=False, log=lambda *a, **k: None)
    assert {o.status for o in again.outcomes} == {"skipped"}
    again = build(states=STATES, formats=formats, out=local, progress=False, log=lambda *a, **k: None,
                  scheduler=cluster.scheduler_address)
    assert {o.status for o in again.outcomes} == {"skipped"}
    need("Chromium and poppler-utils (pdftotext, pdfinfo)", printing)  # last: the HTML was compared either way


def _job_folders_in_system_temp() -> list[str]:
    return sorted(p.name for p in Path(tempfile.gettempdir()).glob("medcoding-dask-*"))


@pytest.mark.cluster
@pytest.mark.slow
def test_a_worker_killed_mid_build_leaves_complete_or_failed_reports_never_partial(tmp_path, cluster):
    out = tmp_path / "reports"
    before = _job_folders_in_system_temp()
    with distributed.Client(cluster.scheduler_address) as watcher:
        pids = watcher.run(os.getpid)
        killed = []

        def kill_a_busy_worker():
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and not killed:
                busy = [a for a, tasks in watcher.processing().items() if any("medcoding-execute" in str(t) for t in tasks)]
                if busy:
                    time.sleep(1.0)  # inside the notebook by now
                    os.kill(pids[busy[0]], signal.SIGKILL)
                    killed.append(busy[0])
                time.sleep(0.2)

        thread = threading.Thread(target=kill_a_busy_worker, daemon=True)
        thread.start()
        summary = build(states="CA,TX", formats=("html",), out=out, progress=False, log=lambda *a, **k: None,
                        scheduler=cluster.scheduler_address)
        thread.join(5)
    assert killed, "no worker was busy to kill"
    manifest = json.loads((out / ".build-manifest.json").read_text())["reports"]
    for outcome in summary.outcomes:
        assert outcome.status in ("built", "failed")
        path = out / f"{outcome.id}.html"
        if outcome.status == "built":
            assert path.stat().st_size == manifest[outcome.id]["outputs"]["html"]["size"]
            assert path.read_text().rstrip().endswith("</html>")
        else:
            assert not path.exists() and outcome.id not in manifest
    assert not [p for p in out.rglob("*") if p.name.startswith(TEMP_MARK)]
    assert sorted(p.name for p in out.rglob("*.html")) == sorted(
        f"{o.id.split('/')[1]}.html" for o in summary.outcomes if o.status == "built")
    assert _job_folders_in_system_temp() == before  # a killed worker's job folder used to stay there


@pytest.mark.cluster
@pytest.mark.slow
def test_grading_scheduler_dask_is_a_client_that_runs_module_level_jobs_in_other_processes():
    from analysis.cli import GRADING_SCHEDULERS

    with GRADING_SCHEDULERS["dask"](1) as executor:
        assert isinstance(executor, distributed.Client)
        assert executor.submit(os.getpid).result(timeout=60) != os.getpid()
