"""The kernel launch wrapper: limits and isolation applied to a student's kernel before it starts.

The grader starts each student kernel as::

    python -m analysis.teaching.grading.sandbox --memory-mb 1536 --cpu-seconds 300 --workdir DIR -- python -m ipykernel_launcher -f ...

The wrapper, in the kernel's own process (so nothing in the student's code can lift them):

* sets resource limits with :func:`resource.setrlimit`: address space (memory), CPU seconds (a
  backstop behind the grader's wall-clock limit) and the largest file it may write;
* where the system allows it (``unshare`` and root, or unprivileged user namespaces), moves the kernel
  into a new **network namespace** holding only a loopback device (no route out), a new **mount
  namespace** in which every file system is read-only except ``--workdir``, the throwaway folder
  holding the submission, and a new **PID namespace** whose first process is the kernel: when the
  kernel ends (or ``unshare``, which the grader stops, dies: ``--kill-child``), Linux kills every
  process the student's code started, even one that left the kernel's session. The kernel talks to
  the grader over Unix sockets in that folder, which work across network namespaces;
* joins ``--cgroup``, a pids cgroup the grader made for this submission (:func:`make_pids_cgroup`,
  where it can: root and a writable cgroup file system), so a fork bomb stops at ``pids.max`` tasks
  (``RLIMIT_NPROC`` is no limit for root, and for another user it counts all their processes); the
  grader kills what is left in it and removes it after the run (:func:`remove_cgroup`);
* asks Linux to kill the kernel if the grading process dies (``PR_SET_PDEATHSIG``), so no kernel
  outlives a grader that was killed;
* then replaces itself with the kernel (``os.execvp``), after writing what it managed to set up to
  ``<workdir>/.sandbox.json`` for the gradebook's ``isolation`` column.

Without namespaces, processes a student starts in the kernel's own session die with it (the grader
kills the kernel's process group); one that starts a session of its own (``os.setsid``) can outlive the
run unless the pids cgroup was made. Limits: resource limits, namespaces and cgroups are Linux
features; elsewhere the kernel runs with the limits :mod:`resource` offers and the gradebook says
``isolation: none``. A kernel is not a security boundary against a determined attacker with a kernel
exploit; it stops the mistakes and the pranks.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

INNER_FLAG = "--inside-namespace"
# Left writable inside the sandbox (they hold no one's files); cgroup file systems are made read-only too,
# so that a kernel run as root cannot leave its pids cgroup or raise its limit.
PSEUDO_FILESYSTEMS = {"proc", "sysfs", "devtmpfs", "devpts", "mqueue", "tmpfs", "securityfs",
                      "debugfs", "tracefs", "pstore", "bpf", "configfs", "fusectl", "hugetlbfs", "binfmt_misc",
                      "autofs", "efivarfs", "nsfs"}
#: ``unshare`` flags, strongest first: network, mounts and PIDs (the kernel as the namespace's first
#: process, killed with ``unshare``); then without the PID namespace (older ``unshare``, or not allowed).
UNSHARE_FLAGS = (["-n", "-m", "--propagation", "private", "-p", "--fork", "--kill-child", "--mount-proc"],
                 ["-n", "-m", "--propagation", "private"])
#: Tasks (processes and threads) one submission may have at once, where a pids cgroup can be made.
DEFAULT_MAX_PROCESSES = 256


@functools.lru_cache(maxsize=1)
def namespaces_available() -> list[str] | None:
    """The ``unshare`` flags that work here (with ``-r`` first for an unprivileged user namespace), or None.

    Asked once per process: each try starts ``unshare``."""
    if not sys.platform.startswith("linux") or shutil.which("unshare") is None:
        return None
    prefixes = ([[]] if os.geteuid() == 0 else []) + [["-r"]]
    for flags in UNSHARE_FLAGS:
        for prefix in prefixes:
            try:
                done = subprocess.run(["unshare", *prefix, *flags, "true"], capture_output=True, timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                continue
            if done.returncode == 0:
                return prefix + flags
    return None


def _cgroup_roots() -> list[Path]:
    """Where this process may make a child pids cgroup: its own cgroup in the v1 ``pids`` hierarchy, or in
    the unified (v2) one, as mounted here."""
    roots = []
    with contextlib.suppress(OSError):
        mine = {}
        for line in Path("/proc/self/cgroup").read_text().splitlines():
            _, controllers, path = line.split(":", 2)
            for name in controllers.split(",") if controllers else [""]:
                mine[name] = path
        for line in Path("/proc/self/mountinfo").read_text().splitlines():
            fields = line.split()
            separator = fields.index("-")
            kind, options = fields[separator + 1], fields[separator + 3].split(",")
            point = Path(fields[4].encode().decode("unicode_escape"))
            if kind == "cgroup" and "pids" in options and "pids" in mine:
                roots.append(point / mine["pids"].lstrip("/"))
            elif kind == "cgroup2" and "" in mine:
                roots.append(point / mine[""].lstrip("/"))
    return roots


def make_pids_cgroup(max_processes: int = DEFAULT_MAX_PROCESSES) -> Path | None:
    """A new pids cgroup of at most ``max_processes`` tasks for one submission, or None where none can be
    made (not root, no writable cgroup file system, no pids controller). Remove it with :func:`remove_cgroup`."""
    if not sys.platform.startswith("linux") or max_processes <= 0:
        return None
    for root in _cgroup_roots():
        folder = root / f"medcoding-grade-{uuid.uuid4().hex[:12]}"
        try:
            folder.mkdir()
        except OSError:
            continue
        try:
            (folder / "pids.max").write_text(str(int(max_processes)))
            return folder
        except OSError:  # no pids controller in this one
            with contextlib.suppress(OSError):
                folder.rmdir()
    return None


def remove_cgroup(folder: Path | None, timeout: float = 10) -> None:
    """Kill every process left in ``folder`` (a cgroup :func:`make_pids_cgroup` made), then remove it."""
    if folder is None:
        return
    folder = Path(folder)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            pids = [int(p) for p in (folder / "cgroup.procs").read_text().split()]
        except (OSError, ValueError):
            break
        if not pids:
            break
        with contextlib.suppress(OSError):
            (folder / "cgroup.kill").write_text("1")  # v2: all at once
        for pid in pids:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        time.sleep(0.05)
    while True:
        try:
            folder.rmdir()
            return
        except OSError:
            if time.monotonic() > deadline:
                return
            time.sleep(0.05)


def _join_cgroup(folder: str) -> str | None:
    try:
        Path(folder, "cgroup.procs").write_text(str(os.getpid()))
        limit = Path(folder, "pids.max").read_text().strip()
    except OSError:
        return None
    return f"processes: at most {limit} (pids cgroup)"


def _die_with_parent() -> None:
    """Ask Linux to SIGKILL this process (and the kernel it becomes) when its parent dies."""
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(Exception):
        import ctypes

        parent = os.getppid()
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1 = PR_SET_PDEATHSIG
        if os.getppid() != parent:  # the parent died before the request: nobody is waiting for this kernel
            os._exit(1)


def _set_limits(memory_mb: int, cpu_seconds: int, file_mb: int) -> list[str]:
    try:
        import resource
    except ImportError:  # pragma: no cover - not on Linux/macOS
        return []
    applied = []
    for name, limit, label in (("RLIMIT_AS", memory_mb * 2**20, f"memory {memory_mb} MB"),
                               ("RLIMIT_CPU", cpu_seconds, f"CPU {cpu_seconds} s"),
                               ("RLIMIT_FSIZE", file_mb * 2**20, f"files up to {file_mb} MB")):
        kind = getattr(resource, name, None)
        if kind is None or not limit:
            continue
        try:
            resource.setrlimit(kind, (limit, limit))
            applied.append(label)
        except (ValueError, OSError):
            pass
    return applied


def _mount_points() -> list[tuple[str, str]]:
    """(mount point, file system type) of every mount, from /proc/self/mountinfo."""
    points = []
    with open("/proc/self/mountinfo", encoding="utf-8") as info:
        for line in info:
            fields = line.split()
            separator = fields.index("-")
            point = fields[4].encode().decode("unicode_escape")
            points.append((point, fields[separator + 1]))
    return points


def _isolate(workdir: str) -> list[str]:
    """Inside fresh namespaces: loopback up, every disk file system read-only but ``workdir``."""
    done = []
    if shutil.which("ip"):
        if subprocess.run(["ip", "link", "set", "lo", "up"], capture_output=True).returncode == 0:
            done.append("network: loopback only")
    else:
        done.append("network: none")
    if subprocess.run(["mount", "--bind", workdir, workdir], capture_output=True).returncode != 0:
        return done
    failed = 0
    for point, kind in _mount_points():
        if kind in PSEUDO_FILESYSTEMS or point == workdir or (
                point.startswith(("/proc", "/sys", "/dev")) and kind not in ("cgroup", "cgroup2")):
            continue
        if subprocess.run(["mount", "-o", "remount,bind,ro", point], capture_output=True).returncode != 0:
            failed += 1
    done.append("files: read-only outside the submission folder" + (f" ({failed} mounts left writable)" if failed else ""))
    return done


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if "--" not in argv:
        print("usage: python -m analysis.teaching.grading.sandbox [options] -- KERNEL COMMAND...", file=sys.stderr)
        return 2
    split = argv.index("--")
    own, command = argv[:split], argv[split + 1:]
    parser = argparse.ArgumentParser(prog="python -m analysis.teaching.grading.sandbox")
    parser.add_argument("--memory-mb", type=int, default=0)
    parser.add_argument("--cpu-seconds", type=int, default=0)
    parser.add_argument("--file-mb", type=int, default=0)
    parser.add_argument("--workdir", required=True)
    parser.add_argument("--isolate", choices=("auto", "off"), default="auto")
    parser.add_argument("--cgroup", default=None, help="a pids cgroup made for this submission, to join")
    parser.add_argument("--processes", default=None, help=argparse.SUPPRESS)  # (passed on by the outer wrapper)
    parser.add_argument(INNER_FLAG, dest="inside", action="store_true")
    args = parser.parse_args(own)
    report_path = os.path.join(args.workdir, ".sandbox.json")
    _die_with_parent()
    processes = args.processes
    if not args.inside:
        # Before unshare (and before the file systems become read-only): every process started from here on is in it.
        processes = (_join_cgroup(args.cgroup) if args.cgroup else None) or "processes: not limited (no pids cgroup here)"
    if args.isolate == "auto" and not args.inside:
        flags = namespaces_available()
        if flags:
            inner = [a for a in own if a != "--processes" and not a.startswith("--processes=")]
            os.execvp("unshare", ["unshare", *flags, sys.executable, "-m", "analysis.teaching.grading.sandbox", *inner,
                                  f"--processes={processes}", INNER_FLAG, "--", *command])
    isolation = _isolate(os.path.realpath(args.workdir)) if args.inside else []
    if args.inside and os.getpid() == 1:
        isolation.append("processes: own PID namespace (all end with the kernel)")
    if processes:
        isolation.append(processes)
    os.chdir(args.workdir)  # the bind mount hides the folder the process was started in
    limits = _set_limits(args.memory_mb, args.cpu_seconds, args.file_mb)
    try:
        with open(report_path, "w", encoding="utf-8") as report:
            json.dump({"isolation": isolation, "limits": limits}, report)
    except OSError:
        pass
    os.execvp(command[0], command)
    return 1  # pragma: no cover - execvp does not return


if __name__ == "__main__":
    sys.exit(main())
