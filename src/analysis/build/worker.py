"""The build's workers: set-up, signals and the two job functions an executor runs.

A kernel worker runs the execute stage (:mod:`analysis.build.execute_stage`: the notebook in its kernel,
:mod:`analysis.build.kernel`, then the HTML); a printer worker runs the print stage
(:mod:`analysis.build.print_stage`: one headless Chromium, PDFs). A worker is a process of a pool set
up once by :func:`worker_init`, or this process itself (:func:`main_process_state`, for one or two
reports).

A job is a dict (see :meth:`analysis.build.runner.Runner.jobs`); a result is a dict with ``ok``,
``written`` and, on failure, ``error``. Both are plain data, so any executor can carry them.
"""

from __future__ import annotations

import contextlib
import functools
import os
import signal
import sys
import time
from pathlib import Path

from analysis.build import execute_stage, print_stage
from analysis.build.execute_stage import DEPS_MIMETYPE, INTERNAL_TAG  # noqa: F401  (their names here too)
from analysis.build.files import use_build_id
from analysis.build.kernel import WARM_MODULES, register_engine, start_kernel  # noqa: F401
from analysis.build.stale import code_key, sha256
from analysis.core.env import DATA_DIR_ENV, TARGET_ENV
from analysis.core.paths import PACKAGE_DIR

_W: "WorkerState | None" = None


class WorkerState:
    """What one worker keeps between jobs: its kernel (and the thread that talks to it), its browser, the
    temporary files it has written and not yet handed over, and the hashes of the code it runs itself."""

    def __init__(self, config, stop_event):
        self.config, self.stop_event = config, stop_event
        # What the notebooks' start() reads: given to every kernel (a worker process also sets it on itself).
        self.kernel_env = {TARGET_ENV: "html", DATA_DIR_ENV: config["data_dir"], "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
        self.kernel_output = None  # where kernels write their stdout/stderr; None: as this process does
        self.kernel = None
        self.printer = None
        self.chromium_problem: str | None = None
        self.temp_files: set = set()
        self.code: dict[str, str] = {}
        self.thread = None
        self.terminate = None  # in a worker process: how to stop it at once when the build is stopped


def worker_init(config, stop_event):
    """Set up a worker (role "kernel" or "printer"): its own process group, output to the build log, signals."""
    global _W
    use_build_id(config["build_id"])  # marks this worker's temporary files as the build's
    # Embedded (in a Dask worker): the process, its signals and its output belong to Dask, not to the build.
    embedded = config.get("embedded", False)
    if not embedded:
        os.setpgrp()  # Ctrl-C in the terminal reaches the main process only; it stops the workers itself
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        log = os.open(config["log"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        os.dup2(log, 1)
        os.dup2(log, 2)
    os.environ[TARGET_ENV] = "html"  # the renderer switch the notebooks' start() reads
    os.environ[DATA_DIR_ENV] = config["data_dir"]
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    _W = WorkerState(config, stop_event)
    _W.terminate = functools.partial(_worker_terminate, signal.SIGTERM, None)
    if not embedded:
        signal.signal(signal.SIGTERM, _worker_terminate)
        from multiprocessing import util

        util.Finalize(_W, _worker_close, exitpriority=10)
        _watch_parent(os.getppid())
    if config["role"] == "printer":
        print_stage.printer(_W)  # start the browser now, while the kernel workers start their kernels
        return
    from concurrent.futures import ThreadPoolExecutor

    # Kernel work runs in one thread of its own: nbclient then installs no signal handlers of its own,
    # so SIGTERM always reaches _worker_terminate; one thread keeps one event loop for the kernel client.
    _W.thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kernel")
    # The kernel starts (and imports pandas and altair) while this process imports the exporter: the two
    # overlap, and the first job finds a warm kernel. Jobs queue behind it on the same thread.
    _W.thread.submit(start_kernel, _W)
    from analysis.export import html  # (imported once per worker; its modules are code inputs)

    html.start_vega_bundle()  # made while the kernel starts, not during the first report's export

    _W.code = _worker_code()


def main_process_state(config, stop_event, log_file):
    """The state of a worker that is this process itself (:class:`~analysis.build.executor.InProcessExecutor`):
    nothing is redirected or signalled; kernels write to ``log_file``."""
    state = WorkerState({**config, "role": "main"}, stop_event)
    state.kernel_output = log_file
    return state


def prepare_exporter(state) -> None:
    """Import the exporter (and papermill) and note the code the worker itself runs, as a worker process does
    at start-up; meant to run while the kernel starts."""
    from analysis.export import html

    html.start_vega_bundle()
    import papermill  # noqa: F401

    register_engine()
    state.code = _worker_code()


def stop_main_process_state(state) -> None:
    """Stop at once (Ctrl-C) in this process: kill the kernel, remove the temporary files."""
    state.stop_event.set()
    for path in list(state.temp_files):
        with contextlib.suppress(OSError):
            os.unlink(path)
    if state.kernel is not None:
        state.kernel.kill()


def _watch_parent(parent: int) -> None:
    """If the main process dies (even by SIGKILL), stop this worker as if it had been sent SIGTERM,
    rather than let it finish its report for nobody and linger."""
    import threading

    def watch():
        while os.getppid() == parent:
            time.sleep(0.5)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="watch-parent", daemon=True).start()


def _worker_code() -> dict[str, str]:
    """The code the worker itself runs for every report: the analysis modules it imported and the templates."""
    files = {os.path.abspath(m.__file__) for n, m in list(sys.modules.items())
             if (n == "analysis" or n.startswith("analysis.")) and getattr(m, "__file__", None)}
    files |= {str(p) for p in (PACKAGE_DIR / "export" / "templates").rglob("*") if p.is_file()}
    return {code_key(p): sha256(Path(p)) for p in sorted(files)}


def _worker_terminate(signum, frame):
    """SIGTERM from the main process: remove temporary files, stop the kernel and the browser, exit."""
    state = _W
    if state is not None:
        for path in list(state.temp_files):
            with contextlib.suppress(OSError):
                os.unlink(path)
        if state.kernel is not None:
            state.kernel.kill()
    os._exit(143)


def _worker_close():
    state = _W
    if state is None:
        return
    if state.kernel is not None:
        with contextlib.suppress(Exception):
            state.thread.submit(state.kernel.discard).result(timeout=10)
    if state.printer is not None:
        with contextlib.suppress(Exception):
            state.printer.close()


def worker_state() -> "WorkerState | None":
    """This process's worker state: None before :func:`worker_init` and after :func:`close_worker`."""
    return _W


def close_worker() -> None:
    """Stop this process's kernel (waiting behind one still starting) and browser, and forget the state: for a
    worker that outlives a build (a Dask worker). A pool worker's state is closed when its process exits."""
    global _W
    state = _W
    if state is not None and state.thread is not None:
        with contextlib.suppress(Exception):
            state.thread.submit(int).result(timeout=120)
    _worker_close()
    _W = None


def ready() -> int:
    """A no-op job: submitting it makes a pool start a worker now (its set-up starts the kernel or browser)."""
    return os.getpid()


def execute_job(job: dict, state=None) -> dict:
    """In a kernel worker (or ``state``'s): execute one report's notebook and write its HTML."""
    state = state or _W
    started = time.perf_counter()
    result = {"ok": False, "written": [], "seconds": 0.0, "worker": os.getpid()}
    if state.stop_event.is_set():
        result["error"] = "the build was stopped"
        return result
    try:
        execute_stage.execute_and_export(state, job, result)
    except execute_stage.JobFailed as failure:
        result["error"] = str(failure)
    except Exception as error:  # a bug or a broken environment: report it, keep the worker going
        result["error"] = f"{type(error).__name__}: {error}"
    result["seconds"] = time.perf_counter() - started
    return result


def print_job(job: dict, state=None) -> dict:
    """In a printer worker (or ``state``'s): print one report's HTML (on disk) to its PDF."""
    state = state or _W
    started = time.perf_counter()
    result = {"ok": True, "written": [], "worker": os.getpid()}
    if state.stop_event.is_set():
        return {"ok": False, "written": [], "error": "the build was stopped"}
    print_stage.print_pdf(state, job, result)
    result["seconds"] = time.perf_counter() - started
    return result
