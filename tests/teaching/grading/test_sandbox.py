"""The grading sandbox: what a student's code starts does not outlive the run, and a fork bomb is bounded.

These start real kernels through the real wrapper (:mod:`analysis.teaching.grading.sandbox`). What the
system offers decides how: a PID namespace (root, or unprivileged user namespaces) ends every process
with the kernel; a pids cgroup (root and a writable cgroup file system) bounds and ends them. On a
system with neither, the README says what is left, and these tests are skipped (never passed silently:
the ``isolation`` text they check is the gradebook's).
"""

from __future__ import annotations

import glob
import os
import subprocess
import threading
import time
import uuid

import pytest
from nbformat.v4 import new_code_cell, new_notebook

from analysis.teaching.grading import sandbox
from analysis.teaching.grading.execute import Limits, run_submission


def _processes_named(marker: str) -> list[str]:
    found = []
    for cmdline in glob.glob("/proc/[0-9]*/cmdline"):
        try:
            text = open(cmdline, "rb").read().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if marker in text:
            found.append(text)
    return found


@pytest.fixture
def cgroups_made(monkeypatch):
    """The pids cgroups the grader makes in this test (other tests may grade at the same time)."""
    from analysis.teaching.grading import execute

    made = []

    def recording(max_processes):
        folder = sandbox.make_pids_cgroup(max_processes)
        made.append(folder)
        return folder

    monkeypatch.setattr(execute, "make_pids_cgroup", recording)
    return made


def _run(cells, **limits):
    return run_submission(new_notebook(cells=[new_code_cell(c) for c in cells]), {"x": "x"}, Limits(**limits))


def _can_make_a_cgroup() -> bool:
    probe = sandbox.make_pids_cgroup(8)
    sandbox.remove_cgroup(probe)
    return probe is not None


@pytest.mark.notebook
def test_processes_a_submission_starts_are_gone_after_it_even_in_a_session_of_their_own(cgroups_made):
    if "-p" not in (sandbox.namespaces_available() or []) and not _can_make_a_cgroup():
        pytest.skip("neither a PID namespace nor a pids cgroup can be made here: see the README")
    marker = f"{uuid.uuid4().int % 10**6 + 10**6}"  # a `sleep` argument no one else uses
    execution = _run([f"import subprocess\nsubprocess.Popen(['sleep', '{marker}1'])",
                      f"import subprocess\nsubprocess.Popen(['sleep', '{marker}2'], start_new_session=True)",
                      f"import os\nif os.fork() == 0:\n    os.setsid()\n    os.execvp('sleep', ['sleep', '{marker}3'])",
                      "while True:\n    pass"], timeout=8)
    assert execution.status.startswith("timed out"), execution.status
    assert "PID namespace" in execution.isolation or "pids cgroup" in execution.isolation, execution.isolation
    time.sleep(0.5)
    assert _processes_named(f"sleep {marker}") == []
    assert len(cgroups_made) == 1 and (cgroups_made[0] is None or not cgroups_made[0].exists())


@pytest.mark.notebook
def test_a_fork_bomb_stops_at_the_submissions_process_limit(cgroups_made):
    if not _can_make_a_cgroup():
        pytest.skip("no pids cgroup can be made here (needs root and a writable cgroup file system): see the README")
    peak, stop = [0], threading.Event()

    def watch():  # the submission's cgroup, while it runs
        while not stop.is_set():
            for folder in [f for f in cgroups_made if f is not None]:
                try:
                    peak[0] = max(peak[0], int((folder / "pids.current").read_text()))
                except (OSError, ValueError):
                    pass
            time.sleep(0.1)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    # A gentle bomb (each copy sleeps between forks): the machine is shared; the limit is what is tested.
    execution = _run(["import os, time\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n"
                      "    time.sleep(0.5)"], timeout=8, max_processes=48)
    stop.set()
    watcher.join()
    assert execution.status.startswith("timed out"), execution.status
    assert "processes: at most 48 (pids cgroup)" in execution.isolation
    assert 8 < peak[0] <= 48, peak[0]
    assert not cgroups_made[0].exists()


def test_a_cgroup_is_made_and_removed_with_what_runs_in_it():
    folder = sandbox.make_pids_cgroup(16)
    if folder is None:
        pytest.skip("no pids cgroup can be made here (needs root and a writable cgroup file system)")
    assert (folder / "pids.max").read_text().strip() == "16"
    child = subprocess.Popen(["sleep", "600"], preexec_fn=lambda: open(folder / "cgroup.procs", "w").write(str(os.getpid())))
    try:
        time.sleep(0.2)
        assert str(child.pid) in (folder / "cgroup.procs").read_text().split()
        sandbox.remove_cgroup(folder)
        assert child.wait(timeout=10) == -9
        assert not folder.exists()
    finally:
        if child.poll() is None:
            child.kill()
