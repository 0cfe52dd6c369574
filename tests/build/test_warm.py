"""The warm builder (:mod:`analysis.build.warm`): a real one, started as ``medcoding build`` starts it, serving real
builds (kernel, exporter, Chromium). What it must never do: change what a report is, serve a build it does not
match, be reachable by others, or leave anything behind when a build is stopped or killed."""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
import time
from pathlib import Path

import pytest
from file_snapshots import snapshot

from analysis import build as builder
from analysis.build import warm
from analysis.cli import main
from analysis.core.env import KEEP_WARM_ENV, STRICT_ENV, WARM_DIR_ENV
from analysis.core.errors import InputError

pytestmark = pytest.mark.slow


@pytest.fixture
def warm_dir(monkeypatch):
    """A runtime folder of this test's own (short: a Unix socket's path has at most 107 bytes)."""
    parent = Path(tempfile.mkdtemp(prefix="mcw-"))
    monkeypatch.setenv(WARM_DIR_ENV, str(parent / "w"))
    monkeypatch.delenv(KEEP_WARM_ENV, raising=False)
    yield parent / "w"
    # Stop what the test left, including a warm builder a build spawned just before the end, which takes its lock
    # a moment later: until none has run for 1.5 s.
    quiet_since = time.monotonic()
    while time.monotonic() - quiet_since < 1.5:
        if warm.stop():
            quiet_since = time.monotonic()
        time.sleep(0.2)
    shutil.rmtree(parent, ignore_errors=True)


def ready_builder(timeout: float = 90) -> int:
    """Wait until the warm builder runs and listens; its process id."""
    where = warm.place()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pid = warm.running(where)
        if pid and where.socket.exists():
            return pid
        time.sleep(0.1)
    raise AssertionError(f"no warm builder listening after {timeout} s; its log:\n{where.log.read_text()[-3000:]}")


def gone(pid: int, timeout: float = 60) -> bool:
    """Has the warm builder ``pid`` gone, its lock released? (Its process can look gone, a zombie, while its
    last threads still hold the lock: a new one started then would find it taken.)"""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not warm.alive(pid) and warm.running(warm.place()) != pid:
            return True
        time.sleep(0.1)
    return False


def one_report(out, **options):
    options.setdefault("formats", ("html",))
    return builder.build(states="TX", out=out, progress=False, log=lambda *a, **k: None, **options)


def test_a_rebuild_is_served_warm_and_its_report_is_byte_identical(warm_dir, tmp_path):
    cold = one_report(tmp_path / "cold", formats=("html", "pdf"), keep_warm=2)
    assert cold.exit_code == 0, cold.text()
    assert cold.warm.startswith("A warm builder starts"), cold.warm
    pid = ready_builder()
    served = one_report(tmp_path / "warm", formats=("html", "pdf"), keep_warm=2)
    assert served.exit_code == 0, served.text()
    assert served.warm.startswith("Built by the warm builder"), served.warm
    assert (tmp_path / "warm/states/TX.html").read_bytes() == (tmp_path / "cold/states/TX.html").read_bytes()
    from pypdf import PdfReader

    texts = [[page.extract_text() for page in PdfReader(tmp_path / f"{b}/states/TX.pdf").pages] for b in ("cold", "warm")]
    assert texts[0] == texts[1] and len(texts[0]) >= 2
    # What the manifest records lets the next build see the report as up to date; nothing temporary is left.
    again = one_report(tmp_path / "warm", formats=("html", "pdf"), keep_warm=2)
    assert [o.status for o in again.outcomes] == ["skipped"]
    assert not [p for p in (tmp_path / "warm").rglob("*") if ".tmp-medcoding-" in p.name]
    # It served two builds and still runs: the same process.
    forced = one_report(tmp_path / "warm", force=True, keep_warm=2)
    assert forced.warm.startswith("Built by the warm builder") and warm.running(warm.place()) == pid


def test_a_build_it_does_not_match_runs_on_its_own_and_the_builder_leaves(warm_dir, tmp_path, monkeypatch):
    warm.spawn(2)
    pid = ready_builder()
    monkeypatch.setenv(STRICT_ENV, "strict")  # the notebooks would behave differently: not served by that kernel
    summary = one_report(tmp_path / "out", keep_warm=2)
    assert summary.exit_code == 0, summary.text()
    assert not summary.warm.startswith("Built by the warm builder")
    assert gone(pid), "the warm builder out of step with a build did not leave"
    assert "leaving: a build came whose variables differs" in warm.place().log.read_text()


def test_a_second_build_finds_it_busy_and_does_not_wait(warm_dir, tmp_path):
    warm.spawn(2)
    ready_builder()
    options = dict(log_path=tmp_path / "log", timeout=600, build_id="0" * 12)
    first = warm.connect(2, **options)
    assert first is not None
    started = time.monotonic()
    assert warm.connect(2, **options) is None
    assert time.monotonic() - started < warm.ANSWER_WITHIN
    first.close()
    second = warm.connect(2, **options)
    assert second is not None
    second.close()


def test_a_build_that_vanishes_mid_report_leaves_the_folder_as_it_was(warm_dir, tmp_path):
    out = tmp_path / "out"
    assert one_report(out, keep_warm=2).exit_code == 0
    pid = ready_builder()
    before = snapshot(out)
    from analysis.build.runner import Runner
    from analysis.build.files import load_manifest
    from analysis.build.plan import plan

    runner = Runner(out, load_manifest(out), None, 1, False, lambda *a, **k: None)
    (report,) = plan(states="TX", formats=("html",))
    (_, job), = runner._work([report], force=True)
    executor = warm.connect(2, log_path=tmp_path / "log", timeout=600, build_id="feedc0ffee00")
    assert executor is not None
    executor.submit("execute", job)
    time.sleep(0.3)  # the notebook is running
    executor.connection.close()  # as if the build were killed: no close, no stop
    assert gone(pid), "the warm builder did not leave after its build vanished"
    assert snapshot(out) == before


def test_it_leaves_when_idle_or_told_to(warm_dir, capsys):
    warm.spawn(0.05)  # 3 seconds
    pid = ready_builder()
    assert gone(pid, timeout=60)
    assert not warm.place().socket.exists() and not warm.place().key.exists()
    warm.spawn(2)
    ready_builder()
    assert main(["warm"]) == 0 and "is running" in capsys.readouterr().out
    assert main(["warm", "--stop"]) == 0 and "stopped" in capsys.readouterr().out
    assert warm.running(warm.place()) is None
    assert main(["warm"]) == 0 and "No warm builder is running" in capsys.readouterr().out


def test_a_folder_others_can_open_is_not_used(warm_dir, tmp_path):
    warm_dir.mkdir(mode=0o755)
    os.chmod(warm_dir, 0o755)
    assert warm.runtime_folder() is None
    assert warm.spawn(2) is False
    assert warm.connect(2, log_path=tmp_path / "log", timeout=600, build_id="0" * 12) is None
    os.chmod(warm_dir, 0o700)
    assert warm.runtime_folder() == warm_dir
    assert stat.S_IMODE(warm_dir.stat().st_mode) == 0o700


def test_no_warm_builder_when_told_so_or_for_fresh_kernels(warm_dir, tmp_path):
    assert one_report(tmp_path / "a", keep_warm=0).warm == ""
    assert one_report(tmp_path / "b", keep_warm=2, fresh_kernels=True).warm == ""
    assert warm.running(warm.place()) is None


@pytest.mark.parametrize("value", ["-1", "ten", "1441", "nan"])
def test_keep_warm_must_be_minutes(value, warm_dir, capsys, monkeypatch):
    with pytest.raises(InputError, match="--keep-warm"):
        warm.keep_warm_minutes(value)
    assert main(["build", "--state", "TX", "--keep-warm", value]) == 2
    assert "--keep-warm" in capsys.readouterr().err
    monkeypatch.setenv(KEEP_WARM_ENV, value)
    with pytest.raises(InputError, match=KEEP_WARM_ENV):
        warm.keep_warm_minutes()


@pytest.mark.parametrize("after", [0.0, 0.3, 0.6], ids=["at-once", "mid-notebook", "late"])
def test_ctrl_c_in_a_served_build_leaves_the_folder_as_it_was(warm_dir, tmp_path, after):
    import signal
    import subprocess
    import sys

    out = tmp_path / "out"
    assert one_report(out, keep_warm=2).exit_code == 0
    pid = ready_builder()
    before = snapshot(out, skip=(".build.log",))
    process = subprocess.Popen([sys.executable, "-m", "analysis", "build", "--state", "TX", "--format", "html", "--force",
                                "--out", str(out), "--no-progress", "--keep-warm", "2"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    log = warm.place().log
    deadline = time.monotonic() + 60
    while " execute states/TX" not in log.read_text() and time.monotonic() < deadline:
        time.sleep(0.05)  # until the warm builder has the served build's notebook
    time.sleep(after)  # then in its kernel, or being exported
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=60)
    if process.returncode == 0 and after:  # a fast machine finished first: a whole report, nothing temporary
        assert snapshot(out, skip=(".build.log", ".build-manifest.json")) == before
        assert not [p for p in out.rglob("*") if ".tmp-medcoding-" in p.name]
        return
    assert process.returncode == 128 + signal.SIGINT, stdout + stderr
    assert "interrupted" in stdout
    assert gone(pid), "the warm builder did not leave after its build was stopped"
    assert snapshot(out, skip=(".build.log",)) == before
