"""The worker processes: a kernel worker executes notebooks (one kernel kept for many) and writes the
HTML; a printer worker keeps one headless Chromium and prints PDFs.

Kernels. Each worker starts its kernel from the Python running the build (``sys.executable -m
ipykernel_launcher``) rather than a named kernel spec, so a build never fails with ``NoSuchKernel``
and the kernel always imports the same ``analysis`` code the build hashed. The kernel is reused for
the worker's next report (that saves the 2-4 s of importing pandas and altair per report): before each
notebook :mod:`analysis.build.kernel_probe` puts it back to a clean state. ``--fresh-kernels`` starts
a new kernel for every report instead; the tests check both give byte-identical HTML.

A job is a dict (see :meth:`analysis.build.runner.Runner.jobs`); a result is a dict with ``ok``,
``written`` and, on failure, ``error``. Both are plain data, so any executor can carry them.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import sys
import time
from pathlib import Path

from analysis.build import kernel_probe
from analysis.build.files import temp_path, use_build_id, write_atomic, write_temporary
from analysis.build.plan import data_date
from analysis.build.stale import code_key, sha256
from analysis.core.env import DATA_DIR_ENV, TARGET_ENV
from analysis.core.paths import PACKAGE_DIR

#: A Chromium that printed many reports holds on to ~20 MB more for each (measured: 450 MB after the
#: first, 800 MB after the twentieth), so each printer starts a fresh one after this many PDFs (~1 s).
PRINTS_PER_BROWSER = 8
#: Tag of the cells the builder adds around a notebook (and removes before export).
INTERNAL_TAG = "medcoding-build-internal"
DEPS_MIMETYPE = kernel_probe.DEPS_MIMETYPE

_PRELUDE = '''import sys as _sys
if "_medcoding_build" not in _sys.modules:
    import importlib.util as _util
    _spec = _util.spec_from_file_location("_medcoding_build", {probe!r})
    _sys.modules["_medcoding_build"] = _module = _util.module_from_spec(_spec)
    _spec.loader.exec_module(_module)
    _module.install()
_sys.modules["_medcoding_build"].begin({data!r}, {package!r}, {cwd!r})'''

_EPILOGUE = 'import sys as _sys\n_sys.modules["_medcoding_build"].end()'

_W: "_WorkerState | None" = None


class _WorkerState:
    def __init__(self, config, stop_event):
        self.config, self.stop_event = config, stop_event
        # What the notebooks' start() reads: given to every kernel (a worker process also sets it on itself).
        self.kernel_env = {TARGET_ENV: "html", DATA_DIR_ENV: config["data_dir"], "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
        self.kernel_output = None  # where kernels write their stdout/stderr; None: as this process does
        self.kernel = None
        self.printer = None
        self.prints = 0
        self.chromium_problem: str | None = None
        self.temp_files: set = set()
        self.code: dict[str, str] = {}
        self.thread = None


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
    _W = _WorkerState(config, stop_event)
    if not embedded:
        signal.signal(signal.SIGTERM, _worker_terminate)
        from multiprocessing import util

        util.Finalize(_W, _worker_close, exitpriority=10)
        _watch_parent(os.getppid())
    if config["role"] == "printer":
        _printer(_W)  # start the browser now, while the kernel workers start their kernels
        return
    from concurrent.futures import ThreadPoolExecutor

    # Kernel work runs in one thread of its own: nbclient then installs no signal handlers of its own,
    # so SIGTERM always reaches _worker_terminate; one thread keeps one event loop for the kernel client.
    _W.thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kernel")
    # The kernel starts (and imports pandas and altair) while this process imports the exporter: the two
    # overlap, and the first job finds a warm kernel. Jobs queue behind it on the same thread.
    _W.thread.submit(_start_kernel, _W)
    from analysis.export import html  # (imported once per worker; its modules are code inputs)

    html.start_vega_bundle()  # made while the kernel starts, not during the first report's export

    _W.code = _worker_code()


def main_process_state(config, stop_event, log_file):
    """The state of a worker that is this process itself (:class:`~analysis.build.executor.InProcessExecutor`):
    nothing is redirected or signalled; kernels write to ``log_file``."""
    state = _WorkerState({**config, "role": "main"}, stop_event)
    state.kernel_output = log_file
    return state


def prepare_exporter(state) -> None:
    """Import the exporter (and papermill) and note the code the worker itself runs, as a worker process does
    at start-up; meant to run while the kernel starts."""
    from analysis.export import html

    html.start_vega_bundle()
    import papermill  # noqa: F401

    _register_engine()
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
            state.thread.submit(state.kernel.shutdown).result(timeout=10)
    if state.printer is not None:
        with contextlib.suppress(Exception):
            state.printer.close()


#: What a kernel imports before its first notebook (not with ``--fresh-kernels``): what every report imports.
WARM_MODULES = ("analysis.notebook", "analysis.topics.state_report")
_WARM = """import sys as _sys
import importlib.util as _util
_spec = _util.spec_from_file_location("_medcoding_build", {probe!r})
_sys.modules["_medcoding_build"] = _module = _util.module_from_spec(_spec)
_spec.loader.exec_module(_module)
_module.install()
_module.warm({modules!r})
del _sys, _util, _spec, _module"""


def _start_kernel(state) -> None:
    """Start the worker's kernel now (in the kernel thread); warm it unless every report gets a fresh one.
    A kernel that does not start is left for the first job, which then reports why."""
    kernel = _Kernel(state)
    try:
        kernel.start(None if state.config["fresh_kernels"] else
                     _WARM.format(probe=kernel_probe.__file__, modules=list(WARM_MODULES)))
    except Exception:
        with contextlib.suppress(Exception):
            kernel.shutdown()
        return
    state.kernel = kernel


class _Kernel:
    """One kernel, started from this Python, kept for many notebooks."""

    def __init__(self, state=None):
        self.km = _kernel_manager(state.kernel_env if state else {}, state.kernel_output if state else None)
        self.kc = None
        self.last_nb = None

    def start(self, code: str | None = None, timeout: float = 120) -> None:
        """Start the kernel and its client as nbclient would, then run ``code`` in it (if given)."""
        from jupyter_core.utils import run_sync

        async def go():
            # As nbclient does: IPython's history in memory, not in a shared sqlite file.
            await self.km.start_kernel(extra_arguments=["--HistoryManager.hist_file=:memory:"])
            self.kc = self.km.client()
            self.kc.start_channels()
            await self.kc.wait_for_ready(timeout=timeout)
            self.kc.allow_stdin = False
            if code is None:
                return
            msg_id = self.kc.execute(code, silent=True, store_history=False)
            while True:  # until the kernel is idle again, so that no message of this is left for the notebook
                msg = await self.kc.get_iopub_msg(timeout=timeout)
                if (msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "status"
                        and msg["content"]["execution_state"] == "idle"):
                    break
            reply = await self.kc.get_shell_msg(timeout=timeout)
            if reply["content"]["status"] != "ok":
                raise RuntimeError(f"warming the kernel failed: {reply['content'].get('ename')}: {reply['content'].get('evalue')}")

        run_sync(go)()

    def _remove_socket_folder(self):
        import shutil

        shutil.rmtree(os.path.dirname(self.km.ip), ignore_errors=True)

    def pid(self):
        provisioner = getattr(self.km, "provisioner", None)
        process = getattr(provisioner, "process", None)
        return getattr(process, "pid", None)

    def kill(self):
        pid = self.pid()
        if pid:
            with contextlib.suppress(OSError):
                os.killpg(pid, signal.SIGKILL)  # the kernel leads its own session
        with contextlib.suppress(Exception):
            self.km.cleanup_connection_file()
        self._remove_socket_folder()

    def shutdown(self):
        from jupyter_core.utils import run_sync

        if self.kc is not None:
            with contextlib.suppress(Exception):
                self.kc.stop_channels()
            self.kc = None
        if self.km.has_kernel:
            try:
                run_sync(self.km.shutdown_kernel)(now=True)
            except Exception:
                self.kill()
        self._remove_socket_folder()


def _kernel_manager(env: dict, output=None):
    from jupyter_client.kernelspec import KernelSpec
    from jupyter_client.manager import AsyncKernelManager

    class ThisPythonKernelManager(AsyncKernelManager):
        """A kernel started as ``sys.executable -m ipykernel_launcher``: no kernel spec lookup at all."""

        @property
        def kernel_spec(self):
            if self._kernel_spec is None:
                from ipykernel.kernelspec import RESOURCES, get_kernel_dict

                self._kernel_spec = KernelSpec(resource_dir=RESOURCES, **get_kernel_dict(), env=env)
            return self._kernel_spec

        async def _async_pre_start_kernel(self, **kw):
            if output is not None:  # also for a kernel nbclient starts (after a failure, --fresh-kernels)
                kw.setdefault("stdout", output)
                kw.setdefault("stderr", output)
            return await super()._async_pre_start_kernel(**kw)

    # "python3": the name nbclient knows as an IPython kernel (history kept in memory, not in a shared file).
    # IPC sockets in a private folder instead of TCP ports: no port can be taken by another kernel between
    # choosing and binding it (papermill#511), and nothing listens on the network.
    import tempfile

    folder = tempfile.mkdtemp(prefix="medcoding-kernel-")
    return ThisPythonKernelManager(kernel_name="python3", transport="ipc", ip=os.path.join(folder, "k"))


_ENGINE = "medcoding-reused-kernel"


def _register_engine():
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines

    class ReusedKernelEngine(NBClientEngine):
        """papermill's nbclient engine, executing in a kernel the worker keeps between notebooks."""

        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None, stderr_file=None,
                                     start_timeout=60, execution_timeout=None, **kwargs):
            kernel = kwargs.pop("medcoding_kernel")
            kernel.last_nb = nb_man.nb
            client = PapermillNotebookClient(nb_man, km=kernel.km, timeout=execution_timeout,
                                             startup_timeout=start_timeout, kernel_name=kernel_name,
                                             log_output=False, record_timing=False)
            client.kc = kernel.kc
            try:
                return client.execute()
            finally:
                kernel.kc = client.kc

    if _ENGINE not in papermill_engines._engines:
        papermill_engines.register(_ENGINE, ReusedKernelEngine)


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
        _execute_and_export(state, job, result)
    except _JobFailed as failure:
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
    _print_pdf(state, job, Path(job["html"]), result)
    result["seconds"] = time.perf_counter() - started
    return result


class _JobFailed(Exception):
    pass


def _execute_and_export(state, job, result):
    import nbformat

    nb = nbformat.reads(job["notebook_text"], as_version=4)
    prelude = _PRELUDE.format(probe=kernel_probe.__file__, data=state.config["data_dir"], package=str(PACKAGE_DIR), cwd=job["cwd"])
    internal = {"tags": [INTERNAL_TAG]}
    nb.cells.insert(0, nbformat.v4.new_code_cell(prelude, metadata=internal))
    nb.cells.append(nbformat.v4.new_code_cell(_EPILOGUE, metadata=internal))
    clock = time.perf_counter()
    executed, error = _execute(state, nb, job)
    result["phases"] = {"execute": time.perf_counter() - clock}
    if executed is not None:
        executed.metadata.setdefault("papermill", {})["input_path"] = job["notebook_path"] or "(generated index notebook)"
    if error is not None:
        kept = None
        if executed is not None:
            _strip_internal(executed)
            write_atomic(Path(job["failed"]), nbformat.writes(executed), registry=state.temp_files)
            kept = job["failed"]
        result["failed_notebook"] = kept
        raise _JobFailed(error)
    deps = _dependencies(executed)
    _strip_internal(executed)
    from analysis.export.html import html_report

    titles = [title for _, title, _ in deps["sources"]]
    sources = [f"{title or 'data file'} (data/{file}{'; ' + quality if quality else ''})" for file, title, quality in deps["sources"]]
    clock = time.perf_counter()
    # The index's parameters are its links: not worth a line in its header.
    shown = {} if job["kind"] == "index" else None
    html = html_report(executed, title=job["title"], data_date=data_date(titles), sources=sources, parameters=shown)
    result["phases"]["export"] = time.perf_counter() - clock
    # The main process moves it into place once the manifest records it (a report and its record change together).
    # It stays in the registry: if the main process dies before moving it, this worker removes it on its way out.
    temp = write_temporary(Path(job["html"]), html, registry=state.temp_files)
    result["html_temp"] = str(temp)
    result["written"].append("html")
    result.update(ok=True, code={**state.code, **{code_key(p): d for p, d in deps["code"].items()}}, data=deps["data"])


def _execute(state, nb, job):
    """Execute ``nb`` in the worker's kernel (a new one after a failure). Returns (notebook, error text)."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    _register_engine()
    used = []

    def run():
        # Here, in the kernel thread, after the warm kernel's start queued before it: deciding in the job's
        # thread raced that start (a second, cold kernel was started and left running).
        if state.kernel is None:  # the last one failed or did not start (or --fresh-kernels): papermill starts one
            state.kernel = _Kernel(state)
        kernel = state.kernel
        used.append(kernel)
        return papermill.execute_notebook(
            nb, None, parameters=job["params"], engine_name=_ENGINE, kernel_name="python3", progress_bar=False,
            log_output=False, execution_timeout=state.config["timeout"], start_timeout=120, medcoding_kernel=kernel)

    error = None
    try:
        executed = state.thread.submit(run).result()
    except PapermillExecutionError as failure:
        executed = used[0].last_nb
        error = f"{failure.ename}: {_first_line(failure.evalue)} (in code cell {failure.exec_count})"
    except Exception as failure:
        executed = used[0].last_nb if used else None
        error = f"{type(failure).__name__}: {_first_line(str(failure))}"
    if used and (error is not None or state.config["fresh_kernels"] or state.stop_event.is_set()):
        # A kernel that failed may be busy or broken: the next report gets a new one.
        with contextlib.suppress(Exception):
            state.thread.submit(used[0].shutdown).result(timeout=30)
        state.kernel = None
    if state.stop_event.is_set() and state.config["role"] != "main":
        _worker_terminate(signal.SIGTERM, None)
    return executed, error


def _first_line(text: str) -> str:
    text = re.sub(r"\x1b\[[0-9;]*m", "", str(text)).strip()
    return text.splitlines()[0] if text else ""




def _strip_internal(nb) -> None:
    nb.cells = [c for c in nb.cells if INTERNAL_TAG not in c.get("metadata", {}).get("tags", [])]


def _dependencies(nb) -> dict:
    for cell in reversed(nb.cells):
        if INTERNAL_TAG in cell.get("metadata", {}).get("tags", []):
            for output in cell.get("outputs", []):
                found = output.get("data", {}).get(DEPS_MIMETYPE)
                if found is not None:
                    return json.loads(found) if isinstance(found, str) else dict(found)
    raise _JobFailed("the notebook ran but did not report what it read (the build's last cell did not run)")


def _print_pdf(state, job, html_path: Path, result) -> None:
    """Print ``html_path`` to the job's PDF (atomically); a failure is noted in ``result["pdf_error"]``."""
    printer = _printer(state)
    if printer is None:
        result["pdf_skipped"] = state.chromium_problem
        return
    pdf_path = Path(job["pdf"])
    tmp_pdf = temp_path(pdf_path)
    state.temp_files.add(tmp_pdf)
    try:
        state.prints += 1
        printer.print_pdf(html_path, tmp_pdf, paper=job.get("paper", "letter"))
        result["written"].append("pdf")
        # Moved into place by the main process, after the manifest records it; it stays in the registry so that
        # this worker removes it if the main process dies first.
        result["pdf_temp"] = str(tmp_pdf)
    except Exception as error:
        result["pdf_error"] = f"PDF not printed: {type(error).__name__}: {_first_line(str(error))}"
        with contextlib.suppress(FileNotFoundError):
            tmp_pdf.unlink()
        state.temp_files.discard(tmp_pdf)


def _printer(state):
    if state.printer is not None and state.prints >= PRINTS_PER_BROWSER:
        with contextlib.suppress(Exception):
            state.printer.close()
        state.printer, state.prints = None, 0
    if state.printer is None and state.chromium_problem is None:
        from analysis.export.chromium import ChromiumMissing, ChromiumPrinter, find_chromium

        try:
            path = find_chromium()
            if path is None:
                raise ChromiumMissing()
            state.printer = ChromiumPrinter(path).__enter__()
        except ChromiumMissing as missing:
            state.chromium_problem = str(missing)
    return state.printer
