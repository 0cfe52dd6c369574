"""The builder on a Dask cluster: ``medcoding build --scheduler local:N`` or ``--scheduler tcp://host:8786``.

:class:`DaskCluster` connects (or starts a ``LocalCluster``) and checks, before the output folder is
touched, that a scheduler answers and that every worker runs the same kit and data as this machine
(:func:`kit_fingerprint`). :class:`DaskExecutor` is an :class:`~analysis.build.executor.Executor`:

- **execute** jobs run on the Dask workers. Each worker process keeps one warm kernel, as a local pool
  worker does: :class:`KernelPlugin` runs :func:`analysis.build.worker.worker_init` once per worker
  process (embedded: Dask owns its signals and output; a Dask worker is daemonic, so the worker starts
  no process pool, only its kernel). As a local pool does, the kernels start when the runner says
  kernel jobs are due (:meth:`DaskExecutor.start`; the runner starts kernels before the printer): the plugin is
  registered in a thread of its own, so the first job waits for it, not the runner; a build with
  nothing to run starts no kernel. Kernels talk over IPC sockets in a private folder, so kernels
  starting at once on one machine cannot race for TCP ports (papermill#511). The task writes the HTML
  to a temporary folder of its own and returns its bytes; this process writes them next to the report
  and the :class:`~analysis.build.runner.Runner` records the manifest and moves them into place exactly
  as for a local build, so a report built here is up to date for a local build and the other way round.
- **print** jobs run on this machine, in the local printer pool: the HTML to print is in ``--out`` here,
  Chromium (0.5-0.8 GB each) is needed on one machine only, and printing a PDF (about 1 s) is a small
  part of a report's time next to running its notebook.

A worker killed mid-task: Dask's scheduler runs the task again on another worker (up to its
``allowed-failures``, then the report is reported failed); nothing partial is ever written, because
only finished bytes reach this process.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import tempfile
import threading
import uuid
from concurrent.futures import Future
from pathlib import Path

from analysis.build import worker
from analysis.build.executor import LocalExecutor
from analysis.build.files import write_atomic, write_temporary
from analysis.build.stale import code_key
from analysis.core.errors import InputError
from analysis.core.paths import PACKAGE_DIR, data_dir

#: Seconds to wait for a scheduler (and for the workers of a ``local:N`` cluster) to answer.
CONNECT_TIMEOUT = 10
SCHEDULER_FORMS = "local:N (a Dask LocalCluster of N worker processes on this machine) or tcp://HOST:PORT"
INSTALL_HINT = "pip install '.[dask]' (or `make setup`, whose lock includes it)"


def dask_installed() -> bool:
    import importlib.util

    return importlib.util.find_spec("distributed") is not None


def check_scheduler(text: str) -> str:
    """``text`` if it names a scheduler form the builder knows, else :class:`InputError`.

    >>> check_scheduler("local:2"), check_scheduler("tcp://10.0.0.5:8786")
    ('local:2', 'tcp://10.0.0.5:8786')
    >>> check_scheduler("local:0")
    Traceback (most recent call last):
    ...
    analysis.core.errors.InputError: --scheduler='local:0': needs at least one worker. Allowed: local:N (a Dask LocalCluster of N worker processes on this machine) or tcp://HOST:PORT.
    """
    text = str(text).strip()
    local = re.fullmatch(r"local:(\d+)", text)
    if local:
        if int(local.group(1)) < 1:
            raise InputError("--scheduler", text, reason="needs at least one worker", allowed=SCHEDULER_FORMS)
        return text
    if re.fullmatch(r"(tcp|tls|inproc|ucx)://\S+", text):
        return text
    raise InputError("--scheduler", text, allowed=SCHEDULER_FORMS, suggestion="local:2")


def _folder_digest(folder: Path) -> str:
    """A hash of every file under ``folder`` (relative names and contents; caches left out)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in Path(folder).rglob("*") if p.is_file() and "__pycache__" not in p.parts
                       and not p.name.endswith(".pyc")):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:12]


def kit_fingerprint() -> str:
    """What must be the same on every machine of a build: the kit's version, its code and its data.

    >>> fingerprint = kit_fingerprint()
    >>> fingerprint.startswith("medcoding-outlook ") and " code " in fingerprint and " data " in fingerprint
    True
    """
    from analysis import __version__

    return f"medcoding-outlook {__version__}, code {_folder_digest(PACKAGE_DIR)}, data {_folder_digest(data_dir())}"


try:  # Dask registers only its own plugin classes; this module is imported only when --scheduler is used
    from distributed import WorkerPlugin as _WorkerPlugin
except ImportError:
    _WorkerPlugin = object


class KernelPlugin(_WorkerPlugin):
    """A Dask worker plugin: set the worker process up once as a build kernel worker (its kernel warm)."""

    name = "medcoding-build-kernel"

    def __init__(self, config: dict):
        self.config = config

    def setup(self, worker=None):
        from analysis.build import worker as build_worker

        global _FINGERPRINT
        _FINGERPRINT = kit_fingerprint()  # this build's: the kit on a long-running worker may have been updated since
        build_worker.close_worker()  # the kernel of an earlier build on this worker, if any
        # The kernel's socket folder goes in the worker's Dask scratch folder, which Dask cleans even after a kill.
        config = dict(self.config, data_dir=str(data_dir()), embedded=True, role="kernel",
                      scratch=getattr(worker, "local_directory", None))
        build_worker.worker_init(config, threading.Event())

    def teardown(self, worker=None):
        from analysis.build import worker as build_worker

        build_worker.close_worker()  # a kernel still starting (a build with nothing to run) is shut down too


_FINGERPRINT: str | None = None


def run_execute(job: dict, fingerprint: str) -> dict:
    """On a Dask worker: refuse a build of another kit or data; else execute the job in this worker's kernel,
    with its files in a temporary folder of its own, and return their bytes."""
    global _FINGERPRINT
    if _FINGERPRINT is None:
        _FINGERPRINT = kit_fingerprint()
    if _FINGERPRINT != fingerprint:
        return {"ok": False, "written": [], "error": _mismatch(_worker_name(), _FINGERPRINT, fingerprint)}
    folder = _job_folder()
    try:
        local = dict(job, html=os.path.join(folder, Path(job["html"]).name),
                     failed=os.path.join(folder, Path(job["failed"]).name))
        result = worker.execute_job(local)
        state = worker.worker_state()
        for key, kind in (("html_temp", "html_bytes"), ("failed_notebook", "failed_bytes")):
            if result.get(key):
                result[kind] = Path(result.pop(key)).read_bytes()
                if state is not None:
                    state.temp_files.clear()
        if result.get("code"):  # this module runs the job but does not shape the report: same record as a local build
            result["code"].pop(code_key(__file__), None)
        result["worker"] = f"{_worker_name()} pid {os.getpid()}"
        return result
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _job_folder() -> str:
    """A new folder for one job's files, in the Dask worker's own scratch space (``local_directory``) when there is
    one: Dask removes that with the worker, and purges the one a killed worker left when the next starts. A folder
    in the system's temporary folder stayed there whenever a worker was killed mid-report."""
    with contextlib.suppress(Exception):
        from distributed import get_worker

        return tempfile.mkdtemp(prefix="medcoding-job-", dir=get_worker().local_directory)
    return tempfile.mkdtemp(prefix="medcoding-dask-")


def _worker_name() -> str:
    with contextlib.suppress(Exception):
        from distributed import get_worker

        return get_worker().address
    return f"pid {os.getpid()}"


def _mismatch(where: str, theirs: str, ours: str) -> str:
    return (f"the Dask worker {where} has {theirs}, but this machine has {ours}; refused. Install the same kit version "
            "and copy the same data/ on every machine (or share the project folder)")


def local_client(workers: int):
    """A ``distributed.Client`` on a new LocalCluster of ``workers`` single-thread processes (closed with the client)."""
    if not dask_installed():
        raise InputError("--scheduler", "dask", reason=f"needs Dask, which is not installed here. Install it with "
                         f"{INSTALL_HINT}, or use --scheduler local")
    import logging

    from distributed import Client

    return Client(n_workers=max(1, int(workers)), threads_per_worker=1, processes=True, dashboard_address=":0",
                  silence_logs=logging.ERROR)


def _skip_exit_collection() -> None:
    """In a worker of a LocalCluster about to close: leave every object out of the interpreter's last garbage
    collections. After a build a worker holds pandas, altair, nbconvert...; collecting them all on the way out
    took 0.5-1.5 s of the cluster's close on 2 busy cores, and 0.1 s without. The memory goes with the process."""
    import gc

    gc.freeze()


class DaskCluster:
    """A connection to a Dask scheduler (and the ``LocalCluster`` behind it for ``local:N``)."""

    def __init__(self, client, cluster=None):
        self.client, self.cluster = client, cluster

    @classmethod
    def connect(cls, scheduler: str) -> "DaskCluster":
        """Connect and check the workers. :class:`InputError` (nothing written) when Dask is missing, no
        scheduler answers, it has no workers, or a worker runs another kit or data."""
        scheduler = check_scheduler(scheduler)
        if not dask_installed():
            raise InputError("--scheduler", scheduler, reason=f"needs Dask, which is not installed here. Install it with "
                             f"{INSTALL_HINT}, or leave --scheduler out to build with local processes")
        import logging

        from distributed import Client, LocalCluster

        cluster = None
        try:
            if scheduler.startswith("local:"):
                cluster = LocalCluster(n_workers=int(scheduler.split(":")[1]), threads_per_worker=1, processes=True,
                                       dashboard_address=":0", silence_logs=logging.ERROR)
                client = Client(cluster, timeout=CONNECT_TIMEOUT)
            else:
                client = Client(scheduler, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError) as error:
            if cluster is not None:
                cluster.close()
            raise InputError("--scheduler", scheduler, reason=f"no Dask scheduler answered there within {CONNECT_TIMEOUT} s "
                             f"({type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}). Start one "
                             "(`dask scheduler`, then `dask worker ADDRESS` on each machine) or check the address",
                             suggestion="local:2") from None
        connected = cls(client, cluster)
        try:
            connected.check_workers()
        except BaseException:
            connected.close()
            raise
        return connected

    @property
    def workers(self) -> int:
        return max(1, sum(w.get("nthreads", 1) for w in self.client.scheduler_info()["workers"].values()))

    def check_workers(self) -> None:
        try:
            self.client.wait_for_workers(1, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError):
            raise InputError("--scheduler", self.client.scheduler.address, reason=f"the scheduler has no workers (none "
                             f"joined within {CONNECT_TIMEOUT} s); start `dask worker ADDRESS` on each machine") from None
        ours = kit_fingerprint()
        for address, theirs in sorted(self.client.run(kit_fingerprint).items()):
            if theirs != ours:
                raise InputError("--scheduler", self.client.scheduler.address, reason=_mismatch(address, theirs, ours))

    def executor(self, **options) -> "DaskExecutor":
        return DaskExecutor(self.client, workers=self.workers, **options)

    def close(self) -> None:
        if self.cluster is not None:  # ours, and about to end: see _skip_exit_collection
            with contextlib.suppress(Exception):
                self.client.run(_skip_exit_collection, on_error="return")
        with contextlib.suppress(Exception):
            self.client.close()
        if self.cluster is not None:
            with contextlib.suppress(Exception):
                self.cluster.close()


class DaskExecutor:
    """Kernel jobs on the Dask workers (their results written here), print jobs in a local printer pool."""

    def __init__(self, client, *, workers: int, log_path: Path, fresh_kernels: bool = False, timeout: float = 600,
                 build_id: str = "0" * 12):
        self.client, self.workers = client, workers
        self.fingerprint = kit_fingerprint()
        self.config = dict(log=str(log_path), fresh_kernels=fresh_kernels, timeout=timeout, build_id=build_id)
        # One printer per two kernel workers, as locally, but never more than this machine's CPUs.
        self.printer_pool = LocalExecutor(min(2 * os.cpu_count(), workers), log_path=log_path,
                                          fresh_kernels=fresh_kernels, timeout=timeout, build_id=build_id)
        self.registering: Future | None = None  # done when every worker has its kernel worker set up
        self.remote: dict = {}
        self.temp_files: set = set()
        self.lock = threading.Lock()

    def start(self, stage: str, workers: int) -> None:
        if stage == "print":
            self.printer_pool.start(stage, workers)
        elif self.registering is None:
            # Every worker, and any that joins later; in a thread, so that start() returns at once.
            self.registering = Future()
            self.registering.set_running_or_notify_cancel()
            threading.Thread(target=self._register, args=(self.registering,), name="medcoding-dask-plugin",
                             daemon=True).start()

    def _register(self, done: Future) -> None:
        try:
            self.client.register_plugin(KernelPlugin(self.config))
        except BaseException as error:  # raised by the first submit
            done.set_exception(error if isinstance(error, Exception) else RuntimeError(repr(error)))
        else:
            done.set_result(KernelPlugin.name)

    def submit(self, stage: str, job: dict):
        if stage == "print":
            return self.printer_pool.submit(stage, job)
        self.start(stage, self.workers)
        try:
            self.registering.result()  # the workers' kernels are set up
        except Exception as error:  # they could not be: each report is failed with the reason
            failed = Future()
            failed.set_exception(error)
            return failed
        remote = self.client.submit(run_execute, job, self.fingerprint, pure=False,
                                    key=f"medcoding-execute-{job['id']}-{uuid.uuid4().hex[:8]}")
        local = Future()
        local.set_running_or_notify_cancel()
        with self.lock:
            self.remote[local] = remote
        remote.add_done_callback(lambda done: self._arrived(done, job, local))
        return local

    def _arrived(self, remote, job, local: Future) -> None:
        """A task finished (in a Dask client thread): put its bytes next to the report, as a local worker would."""
        with self.lock:
            self.remote.pop(local, None)
        try:
            result = remote.result()
            if "html_bytes" in result:
                result["html_temp"] = str(write_temporary(Path(job["html"]), result.pop("html_bytes"),
                                                          registry=self.temp_files))
            if "failed_bytes" in result:
                write_atomic(Path(job["failed"]), result.pop("failed_bytes"))
                result["failed_notebook"] = job["failed"]
        except BaseException as error:  # the task was lost (its workers killed too often), cancelled...
            local.set_exception(error if isinstance(error, Exception) else RuntimeError(repr(error)))
            return
        local.set_result(result)

    def wait_any(self, futures: list) -> list:
        from concurrent.futures import FIRST_COMPLETED, wait

        finished, _ = wait(futures, return_when=FIRST_COMPLETED)
        return list(finished)

    def stop(self) -> None:
        with self.lock:
            remote, self.remote = list(self.remote.values()), {}
        with contextlib.suppress(Exception):
            self.client.cancel(remote, force=True)
        self.printer_pool.stop()
        self._remove_temporary_files()

    def close(self) -> None:
        self.printer_pool.close()
        if self.registering is not None:
            with contextlib.suppress(Exception):
                self.registering.result(timeout=120)  # (a build stopped before its first job: still under way)
            with contextlib.suppress(Exception):
                self.client.unregister_worker_plugin(KernelPlugin.name)  # stops the workers' kernels
        self._remove_temporary_files()

    def _remove_temporary_files(self) -> None:
        for path in list(self.temp_files):  # those the runner moved into place are gone already
            with contextlib.suppress(OSError):
                os.unlink(path)
        self.temp_files.clear()
