"""The warm builder's process (:mod:`analysis.build.warm` says what it is for): started by
:func:`~analysis.build.warm.spawn` as ``python -m analysis.build.warm_server --minutes N``.

:class:`WarmServer` keeps one :class:`~analysis.build.executor.InProcessExecutor` started (a kernel with pandas
and altair imported, the exporter, Chromium) and serves one build at a time over its Unix socket: a build's
hello is checked (:meth:`WarmServer.mismatch`), its jobs run on the executor's lanes and their results go back
as they finish. It leaves when idle for its minutes, when a build it does not match comes, when it gets
SIGTERM (``medcoding warm --stop``), and when a build it serves is stopped or goes away mid-job (then its
kernel is killed and its temporary files removed first).
"""

from __future__ import annotations

import contextlib
import os
import threading
import time

from analysis.build.stale import code_key
from analysis.build.warm import DEFAULT_MINUTES, Place, alive, environment, place
from analysis.core.env import TARGET_ENV
from analysis.core.paths import PACKAGE_DIR


class WarmServer:
    """The warm builder: one :class:`~analysis.build.executor.InProcessExecutor` kept started, serving one build
    at a time, until idle for ``minutes`` (a build may change that), stopped, or out of step with a build."""

    def __init__(self, where: Place, minutes: float):
        from analysis.build.executor import InProcessExecutor

        self.where, self.minutes = where, minutes
        self.environment = environment()
        # The kit's files as they are before this process loads any more of them: an edit to one it has loaded
        # (the exporter, the templates, the builder) makes it leave (:meth:`mismatch`).
        self.code = _kit_files()
        self.executor = InProcessExecutor(log_path=where.log, timeout=600)
        self.lock = threading.Lock()
        self.busy = False
        self.leaving = False
        self.last_used = time.monotonic()

    def warm(self) -> None:
        """Start the kernel (and the exporter) and the browser, as a small build's first moments do."""
        self.executor.start("execute", 1)
        self.executor.start("print", 1)
        # What the reports record as the worker's code: as a local build's (these modules run jobs, shape nothing).
        self.executor.lanes["execute"].submit(self._forget_own_code)

    def _forget_own_code(self) -> None:
        from analysis.build import warm

        for module in (__file__, warm.__file__):
            self.executor.state.code.pop(code_key(module), None)

    def mismatch(self, hello: dict) -> str | None:
        """Why this warm builder cannot serve a build that says ``hello`` (None: it can)."""
        from analysis.build import worker

        for name, value in self.environment.items():
            if hello.get(name) != value:
                return f"{name} differs"
        for key, digest in worker._worker_code().items():  # what this process has loaded, hashed now
            if self.code.get(key) != digest:
                return f"{key} changed"
        state = self.executor.state
        if state.kernel is not None and not alive(state.kernel.pid()):
            return "its kernel stopped"
        browser = self.executor.lanes["print"].submit(_browser_alive, state)
        with contextlib.suppress(Exception):  # still warming up: alive
            if not browser.result(timeout=0.5):
                return "its browser stopped"
        return None

    def serve(self, listener) -> None:
        threading.Thread(target=self._accept, args=(listener,), name="medcoding-warm-accept", daemon=True).start()
        while True:
            time.sleep(0.5)
            with self.lock:
                idle = not self.busy and time.monotonic() - self.last_used > self.minutes * 60
                if idle or self.leaving:
                    self.leaving = True
                    break
        self.leave()

    def _accept(self, listener) -> None:
        while True:
            try:
                connection = listener.accept()
            except Exception:  # a wrong key, a client gone mid-handshake
                continue
            with self.lock:
                refuse = self.busy or self.leaving
                self.busy = self.busy or not refuse
            if refuse:
                with contextlib.suppress(Exception):
                    connection.send(("busy", {}))
                    connection.close()
                continue
            threading.Thread(target=self._session, args=(connection,), name="medcoding-warm-session", daemon=True).start()

    def _session(self, connection) -> None:
        """One build: its hello, its jobs (results sent as they finish), then its close or stop. A build that goes
        away without a word (killed) after handing over a job is treated as stopped."""
        from analysis.build.files import use_build_id

        jobs: list = []
        try:
            _, hello = connection.recv()
            problem = self.mismatch(hello)
            if problem is not None:
                connection.send(("stale", {"why": problem}))
                print(f"leaving: a build came whose {problem}", flush=True)
                self._leave_now()
                return
            self.minutes = float(hello.get("minutes", self.minutes))
            use_build_id(hello["build_id"])  # its temporary files carry the build's id, as a worker's do
            self.executor.state.config["timeout"] = hello["timeout"]
            log_start = self.where.log.stat().st_size
            connection.send(("ready", {"pid": os.getpid(), "log": str(self.where.log)}))
            self._jobs(connection, log_start, jobs)
        except Exception:
            if jobs:
                self._stop_jobs(jobs)
        finally:
            self._rewarm()
            with self.lock:
                self.busy = False
                self.last_used = time.monotonic()
            with contextlib.suppress(Exception):  # after it is free: the build waits for this (warm.WarmExecutor)
                connection.close()

    def _rewarm(self) -> None:
        """A report that failed took its kernel with it: start and warm the next one now, not in the next build."""
        from analysis.build import worker

        state = self.executor.state
        if not self.leaving and state is not None and state.kernel is None and state.thread is not None:
            state.thread.submit(worker.start_kernel, state)

    def _jobs(self, connection, log_start: int, jobs: list) -> None:
        send_lock = threading.Lock()

        def send_result(number, future):
            try:
                result = future.result()
            except Exception as error:
                result = {"ok": False, "written": [], "error": f"{type(error).__name__}: {error}"}
            with send_lock, contextlib.suppress(Exception):
                connection.send(("result", number, result))

        while True:
            message = connection.recv()
            if message[0] == "submit":
                _, number, stage, job = message
                print(f"{time.strftime('%H:%M:%S')} {stage} {job['id']}", flush=True)  # the log says what it does
                future = self.executor.submit(stage, job)
                jobs.append(future)
                future.add_done_callback(lambda f, n=number: send_result(n, f))
            elif message[0] == "close":
                for future in jobs:
                    with contextlib.suppress(Exception):
                        future.result()
                # The build has moved its files into place (or removed them): nothing left to clean up for it.
                self.executor.state.temp_files.clear()
                jobs.clear()
                with send_lock:
                    connection.send(("closed", self._log_since(log_start)))
                return
            elif message[0] == "stop":
                self._stop_jobs(jobs)
                with send_lock, contextlib.suppress(Exception):
                    connection.send(("stopped", self._log_since(log_start)))
                return

    def _log_since(self, offset: int) -> str:
        with contextlib.suppress(OSError), open(self.where.log, "rb") as log:
            log.seek(offset)
            return log.read(1 << 20).decode("utf-8", "replace")
        return ""

    def _stop_jobs(self, jobs: list) -> None:
        """Stop now (:meth:`_stop_now`), wait for the jobs under way to end (they fail fast without a kernel), then
        remove the temporary files once more: one written just as the kernel was killed goes too."""
        from concurrent.futures import wait

        from analysis.build import worker

        self._stop_now()
        wait(jobs, timeout=30)
        worker.stop_main_process_state(self.executor.state)

    def _stop_now(self) -> None:
        """Kill the kernel, remove the temporary files, and leave."""
        from analysis.build import worker

        worker.stop_main_process_state(self.executor.state)
        self._leave_now()

    def _leave_now(self) -> None:
        self.leaving = True  # no lock: also called from the SIGTERM handler, which may interrupt a holder of it

    def leave(self) -> None:
        """Remove the socket and key, stop the kernel and the browser, exit (within 30 s whatever happens)."""
        threading.Timer(30, os._exit, args=(0,)).start()
        for path in (self.where.socket, self.where.key):
            with contextlib.suppress(OSError):
                path.unlink()
        with contextlib.suppress(Exception):
            self.executor.close()
        os._exit(0)


def _kit_files() -> dict[str, str]:
    """Every Python file and template of the kit, hashed (as the manifest names code: ``{key: sha256}``)."""
    from analysis.build.stale import sha256

    return {code_key(str(p)): sha256(p) for pattern in ("*.py", "templates/**/*")
            for p in sorted(PACKAGE_DIR.rglob(pattern)) if p.is_file()}


def _browser_alive(state) -> bool:
    """In the print lane (playwright is bound to it): is the browser, if one was started, still connected?"""
    printer = state.printer
    return printer is None or printer._browser is None or printer._browser.is_connected()


def main(argv=None) -> int:
    """``python -m analysis.build.warm_server --minutes N``: run a warm builder (what :func:`~analysis.build.warm.spawn` starts)."""
    import argparse
    import fcntl
    import secrets
    import signal
    from multiprocessing.connection import Listener

    from analysis.build.files import write_atomic

    parser = argparse.ArgumentParser(prog="python -m analysis.build.warm_server", description=main.__doc__)
    parser.add_argument("--minutes", type=float, default=DEFAULT_MINUTES)
    args = parser.parse_args(argv)
    where = place()
    if where is None:
        return 1
    lock = open(where.lock, "a+")  # noqa: SIM115  (held while the process lives)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return 0  # one is already running
    lock.seek(0)
    lock.truncate()
    lock.write(f"{os.getpid()}\n")
    lock.flush()
    os.environ[TARGET_ENV] = "html"  # as a worker process: the renderer switch the notebooks' start() reads
    with contextlib.suppress(OSError):
        where.socket.unlink()  # left by one that was killed (this process holds the lock: it is no one's now)
    key = secrets.token_bytes(32)
    old_umask = os.umask(0o077)
    try:
        write_atomic(where.key, key)
        listener = Listener(str(where.socket), family="AF_UNIX", authkey=key)
    finally:
        os.umask(old_umask)
    server = WarmServer(where, args.minutes)
    signal.signal(signal.SIGTERM, lambda *_: server._stop_now())
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    server.warm()
    server.serve(listener)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
