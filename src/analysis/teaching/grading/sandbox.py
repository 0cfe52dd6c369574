"""The kernel launch wrapper: limits and isolation applied to a student's kernel before it starts.

The grader starts each student kernel as::

    python -m analysis.teaching.grading.sandbox --memory-mb 1536 --cpu-seconds 300 --workdir DIR -- python -m ipykernel_launcher -f ...

The wrapper, in the kernel's own process (so nothing in the student's code can lift them):

* sets resource limits with :func:`resource.setrlimit`: address space (memory), CPU seconds (a
  backstop behind the grader's wall-clock limit) and the largest file it may write;
* where the system allows it (``unshare`` and root, or unprivileged user namespaces), moves the kernel
  into a new **network namespace** holding only a loopback device (no route out) and a new **mount
  namespace** in which every file system is read-only except ``--workdir``, the throwaway folder
  holding the submission. The kernel talks to the grader over Unix sockets in that folder, which
  work across network namespaces;
* then replaces itself with the kernel (``os.execvp``), after writing what it managed to set up to
  ``<workdir>/.sandbox.json`` for the gradebook's ``isolation`` column.

Limits: resource limits and namespaces are Linux features; elsewhere the kernel runs with the limits
:mod:`resource` offers and the gradebook says ``isolation: none``. A kernel is not a security
boundary against a determined attacker with a kernel exploit; it stops the mistakes and the pranks.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys

INNER_FLAG = "--inside-namespace"
PSEUDO_FILESYSTEMS = {"proc", "sysfs", "devtmpfs", "devpts", "mqueue", "cgroup", "cgroup2", "tmpfs", "securityfs",
                      "debugfs", "tracefs", "pstore", "bpf", "configfs", "fusectl", "hugetlbfs", "binfmt_misc",
                      "autofs", "efivarfs", "nsfs"}


def namespaces_available() -> str | None:
    """How to unshare here: ``"root"`` or ``"user"`` (user namespace first), or None when not possible."""
    if not sys.platform.startswith("linux") or shutil.which("unshare") is None:
        return None
    for how, flags in (("root", ["-n", "-m"]), ("user", ["-r", "-n", "-m"])):
        if how == "root" and os.geteuid() != 0:
            continue
        try:
            done = subprocess.run(["unshare", *flags, "true"], capture_output=True, timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if done.returncode == 0:
            return how
    return None


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
        if kind in PSEUDO_FILESYSTEMS or point == workdir or point.startswith(("/proc", "/sys", "/dev")):
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
    parser.add_argument(INNER_FLAG, dest="inside", action="store_true")
    args = parser.parse_args(own)
    report_path = os.path.join(args.workdir, ".sandbox.json")
    if args.isolate == "auto" and not args.inside:
        how = namespaces_available()
        if how:
            flags = ["-n", "-m"] if how == "root" else ["-r", "-n", "-m"]
            os.execvp("unshare", ["unshare", *flags, "--propagation", "private", sys.executable, "-m",
                                  "analysis.teaching.grading.sandbox", *own, INNER_FLAG, "--", *command])
    isolation = _isolate(os.path.realpath(args.workdir)) if args.inside else []
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
