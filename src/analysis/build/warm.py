"""The warm builder: a kernel and a browser kept ready between builds, so that rebuilding a report after an
edit does not start them again.

A small build (one or two reports, :data:`~analysis.build.executor.IN_PROCESS_UP_TO`) spends most of its
time starting things: the kernel and pandas and altair in it, the exporter, Chromium. After a build that
ran a notebook, ``medcoding build`` leaves a *warm builder* (:func:`spawn`): a process of its own that starts
all of those once and then waits, for ``--keep-warm`` minutes (10 by default, 0 for none), for the next
small build. That build (:func:`connect`) hands it its jobs (:class:`WarmExecutor`, an executor like the
others), so only the notebook's cells, the export and the print are left to wait for.

What a report is made of never comes from the warm builder's memory:

- the kernel forgets the kit's modules before every notebook (:mod:`~analysis.build.kernel_probe`), so an
  edit to ``src/analysis`` reaches the next report; the builder itself leaves (and the build falls back to
  its own process) when its own code (the exporter, the templates), the installed packages, the Python,
  the data folder or a ``MEDCODING_*`` variable differ from the build's (:meth:`~analysis.build.warm_server.WarmServer.mismatch`);
- the jobs and results are the same plain dicts every executor carries, run by the worker's own functions,
  so the reports are byte-identical to those of a build without it (the tests check).

It talks over a Unix socket in a folder only this user can open (:func:`runtime_folder`), with a random
key (:mod:`multiprocessing.connection`), one build at a time: a second build finds it busy and runs on
its own. ``medcoding warm --stop`` stops it (SIGTERM); it also leaves on its own when idle, and when a build
it serves is interrupted.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
import sys
import threading
import time
from pathlib import Path

from analysis.core.env import DATA_DIR_ENV, KEEP_WARM_ENV, TARGET_ENV, WARM_DIR_ENV
from analysis.core.paths import PACKAGE_DIR

#: Minutes a warm builder waits for the next build when nothing says otherwise.
DEFAULT_MINUTES = 10
#: Seconds a build waits for a warm builder to answer before running on its own.
ANSWER_WITHIN = 5.0
#: Variables (besides every ``MEDCODING_*``) that change what a notebook does: a warm builder started
#: with other values does not serve the build.
_ENVIRONMENT_NAMES = ("LANG", "LANGUAGE", "TZ", "PYTHONPATH", "PYTHONHASHSEED")


def keep_warm_minutes(value=None) -> float:
    """Minutes a warm builder stays: ``value`` if given, else ``$MEDCODING_KEEP_WARM``, else :data:`DEFAULT_MINUTES`.

    >>> keep_warm_minutes(0), keep_warm_minutes("2.5")
    (0.0, 2.5)
    """
    from analysis.core.errors import InputError

    given = value if value is not None else os.environ.get(KEEP_WARM_ENV, "").strip() or DEFAULT_MINUTES
    try:
        minutes = float(given)
    except ValueError:
        minutes = -1.0
    if not 0 <= minutes <= 24 * 60:
        name = "--keep-warm" if value is not None else KEEP_WARM_ENV
        raise InputError(name, str(given), reason=f"is not a number of minutes (try {DEFAULT_MINUTES}, or 0 for no warm builder)",
                         allowed="0 to 1440")
    return minutes


def runtime_folder() -> Path | None:
    """The folder for the warm builder's socket, key and log: ``$MEDCODING_WARM_DIR``, else
    ``$XDG_RUNTIME_DIR/medcoding-outlook``, else ``<temp>/medcoding-outlook-<uid>``; made private (0700).
    None if it is not this user's alone (then no warm builder is used)."""
    import tempfile

    chosen = os.environ.get(WARM_DIR_ENV, "").strip()
    if chosen:
        folder = Path(chosen)
    elif os.environ.get("XDG_RUNTIME_DIR") and os.path.isdir(os.environ["XDG_RUNTIME_DIR"]):
        folder = Path(os.environ["XDG_RUNTIME_DIR"]) / "medcoding-outlook"
    else:
        folder = Path(tempfile.gettempdir()) / f"medcoding-outlook-{os.getuid()}"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = folder.lstat()
    except OSError:
        return None
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o077:
        return None  # a link, another user's folder, or one others can open: not used
    return folder


class Place:
    """The files of the warm builder for this kit, Python and data folder (``warm-<key>.*`` in the runtime folder)."""

    def __init__(self, folder: Path, data_dir: str):
        key = hashlib.sha256("\0".join([sys.executable, str(PACKAGE_DIR), os.path.abspath(data_dir)]).encode()).hexdigest()
        self.stem = folder / f"warm-{key[:12]}"
        self.socket, self.key, self.lock, self.log = (Path(f"{self.stem}.{s}") for s in ("sock", "key", "lock", "log"))


def place() -> Place | None:
    """Where the warm builder of this kit, Python and data folder keeps its files (None: no private runtime folder)."""
    from analysis.core.paths import data_dir

    folder = runtime_folder()
    return None if folder is None else Place(folder, str(data_dir()))


def environment() -> dict:
    """What must be the same in a build and the warm builder serving it (besides its code: :meth:`~analysis.build.warm_server.WarmServer.mismatch`)."""
    from analysis.build.stale import environment_fingerprint
    from analysis.core.paths import data_dir

    variables = {k: v for k, v in os.environ.items()
                 if (k.startswith("MEDCODING_") and k not in (KEEP_WARM_ENV, WARM_DIR_ENV)) or k in _ENVIRONMENT_NAMES
                 or k.startswith("LC_")}
    variables.pop(DATA_DIR_ENV, None)  # compared as the folder itself, below
    variables.pop(TARGET_ENV, None)  # set by every worker for its kernels
    return dict(python=sys.executable, packages=environment_fingerprint(), package_dir=str(PACKAGE_DIR),
                data_dir=os.path.abspath(str(data_dir())), variables=variables)


# -- the build's side

def connect(minutes: float, *, log_path, timeout: float, build_id: str, fresh_kernels: bool = False,
            **_ignored) -> "WarmExecutor | None":
    """The warm builder for this build, ready and now reserved for it (it then waits ``minutes`` after the build);
    None if there is none, it is busy, or it does not match the build (it then leaves: the build runs on its own).
    The keyword arguments are those of :class:`~analysis.build.executor.LocalExecutor`."""
    if fresh_kernels:
        return None
    where = place()
    if where is None or not where.socket.exists():
        return None
    connection = _open(where)
    if connection is None:
        return None
    try:
        connection.send(("hello", dict(environment(), timeout=timeout, build_id=build_id,
                                       minutes=minutes)))
        if not connection.poll(ANSWER_WITHIN):
            raise TimeoutError
        answer, _ = connection.recv()
    except Exception:
        connection.close()
        return None
    if answer != "ready":
        connection.close()
        return None
    return WarmExecutor(connection, Path(log_path))


def _open(where: Place):
    """A connection to the warm builder at ``where`` (key checked both ways), or None within :data:`ANSWER_WITHIN`."""
    from multiprocessing.connection import Client

    try:
        key = where.key.read_bytes()
    except OSError:
        return None
    opened: list = []

    def attempt():
        with contextlib.suppress(Exception):
            opened.append(Client(str(where.socket), family="AF_UNIX", authkey=key))

    thread = threading.Thread(target=attempt, daemon=True)
    thread.start()
    thread.join(ANSWER_WITHIN)
    return opened[0] if opened else None


class WarmExecutor:
    """An :class:`~analysis.build.executor.Executor` whose jobs run in the warm builder (already started)."""

    def __init__(self, connection, log_path: Path):
        from concurrent.futures import Future

        self.connection, self.log_path = connection, log_path
        self.futures: dict[int, Future] = {}
        self.numbers = iter(range(1, sys.maxsize))
        self.send_lock = threading.Lock()
        self.closed = threading.Event()
        self.reader = threading.Thread(target=self._read, name="medcoding-warm-reader", daemon=True)
        self.reader.start()

    def start(self, stage: str, workers: int) -> None:
        """Nothing to start: the warm builder's kernel and browser are running."""

    def submit(self, stage: str, job: dict):
        from concurrent.futures import Future

        number, future = next(self.numbers), Future()
        self.futures[number] = future
        self._send(("submit", number, stage, _absolute(job)))
        return future

    def wait_any(self, futures: list) -> list:
        from concurrent.futures import FIRST_COMPLETED, wait

        finished, _ = wait(futures, return_when=FIRST_COMPLETED)
        return list(finished)

    def stop(self) -> None:
        """Ctrl-C: the warm builder kills its kernel, removes its temporary files and leaves."""
        with contextlib.suppress(Exception):
            self._send(("stop",))
            self.closed.wait(10)
        self._end()

    def close(self) -> None:
        """The build is over: the warm builder waits for the next one (its kernel's output goes to the build's log)."""
        with contextlib.suppress(Exception):
            self._send(("close",))
            self.closed.wait(60)
        self._end()

    def _send(self, message) -> None:
        with self.send_lock:
            self.connection.send(message)

    def _read(self) -> None:
        """Results as they come; when the warm builder has gone, every job still waiting fails with a reason."""
        why = "the warm builder stopped"
        try:
            while True:
                message = self.connection.recv()
                if message[0] == "result":
                    _, number, result = message
                    future = self.futures.pop(number, None)
                    if future is not None:
                        future.set_result(result)
                elif message[0] in ("closed", "stopped"):
                    self._write_log(message[1])
                    # Then wait for the warm builder to hang up, which it does once it is free again: a build
                    # that comes right after this one finds it ready, not busy.
                    with contextlib.suppress(EOFError, OSError):
                        while True:
                            self.connection.recv()
                    return
        except Exception as error:
            why = f"the warm builder stopped ({type(error).__name__})"
        finally:
            for future in self.futures.values():
                if not future.done():
                    future.set_exception(RuntimeError(f"{why}; build again (with --keep-warm 0 to do without it)"))
            self.closed.set()

    def _write_log(self, text: str) -> None:
        """The build's log: what the warm builder's kernel and browser said during this build."""
        with contextlib.suppress(OSError), open(self.log_path, "w") as log:
            log.write(text)

    def _end(self) -> None:
        with contextlib.suppress(Exception):
            self.connection.close()
        self.reader.join(5)


#: Job fields that are paths: made absolute, since the warm builder runs in a folder of its own.
_PATH_FIELDS = ("html", "pdf", "failed", "cwd", "notebook_path")


def _absolute(job: dict) -> dict:
    return {**job, **{k: os.path.abspath(job[k]) for k in _PATH_FIELDS if job.get(k)}}


def spawn(minutes: float) -> bool:
    """Start a warm builder in the background for ``minutes`` (none if one is already running). True if started."""
    import subprocess

    where = place()
    if where is None or minutes <= 0 or running(where):
        return False
    with open(where.log, "ab") as log:
        subprocess.Popen([sys.executable, "-m", "analysis.build.warm_server", "--minutes", str(minutes)],
                         stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True,
                         close_fds=True, cwd=str(where.stem.parent))
    return True


def running(where: Place) -> int | None:
    """The process id of the warm builder at ``where`` if one is running (it holds its lock file), else None."""
    import fcntl

    try:
        handle = open(where.lock)  # noqa: SIM115
    except OSError:
        return None
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            with contextlib.suppress(ValueError):
                return int(handle.read().strip() or 0) or -1
            return -1
        fcntl.flock(handle, fcntl.LOCK_UN)
    return None


def status() -> str:
    """One line: is a warm builder running for this kit and data folder?"""
    where = place()
    if where is None:
        return "No warm builder: the runtime folder is not private to this user."
    pid = running(where)
    if pid is None:
        return "No warm builder is running."
    return f"A warm builder is running (process {pid}; its log: {where.log})."


def stop() -> bool:
    """Stop the warm builder now (SIGTERM: a build it is serving fails, and leaves nothing behind). True if one was running."""
    import signal

    where = place()
    pid = None if where is None else running(where)
    if pid is None:
        return False
    if pid > 0:  # written by the process that holds the lock: the warm builder itself
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 30
    while running(where) is not None and time.monotonic() < deadline:
        time.sleep(0.05)
    return True


def alive(pid) -> bool:
    """Is process ``pid`` running (not gone, not a zombie)?"""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except (OSError, IndexError, TypeError):
        return False
