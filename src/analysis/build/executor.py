"""How build jobs run: a small executor interface, and the local one (process pools).

The runner (:mod:`analysis.build.runner`) only submits jobs and receives results; an executor decides
where they run. A job is ``(stage, job dict)`` with stage ``"execute"`` (run the notebook, write the
HTML; needs a kernel) or ``"print"`` (print the PDF from the HTML on disk; needs a browser); a result
is a dict (see :mod:`analysis.build.worker`). To run builds elsewhere (e.g. a Dask cluster), write a
class with the same four methods and pass it to :func:`analysis.build.build`.
"""

from __future__ import annotations

import contextlib
import threading
import time
from pathlib import Path
from typing import Protocol

from analysis.core.paths import data_dir

STAGES = ("execute", "print")
#: At most this many reports due: they run in the main process (see :func:`choose`).
IN_PROCESS_UP_TO = 2


class Executor(Protocol):
    """Where build jobs run. Futures must be ``concurrent.futures``-like (``result()``)."""

    def start(self, stage: str, workers: int) -> None:
        """Get (up to) ``workers`` workers for ``stage`` starting now, without waiting for them: a browser
        starts while kernels start, and a kernel is warm before its first job. May be called again."""

    def submit(self, stage: str, job: dict):
        """Run one job; return a future of its result dict."""

    def wait_any(self, futures: list) -> list:
        """Block until at least one of ``futures`` is done; return the done ones."""

    def stop(self) -> None:
        """Stop at once (Ctrl-C): cancel what has not started, make the workers clean up and exit."""

    # Optional: ``release(stage)``, told when no more jobs of ``stage`` will come (the runner calls it if the
    # executor has it): its workers may go, e.g. the kernels while the last PDFs print.

    def close(self) -> None:
        """Wait for the workers to finish and release them."""


class LocalExecutor:
    """Two process pools (``spawn``) on this machine: ``jobs`` kernel workers, and printer workers (one
    per two kernel workers). Printing a report costs about as much CPU as running its notebook (measured
    on 2 cores: ~0.7 s against ~0.8 s), so one printer per two kernel workers, kept busy by the runner
    (it holds a notebook back while PDFs wait for a printer), keeps every core busy; and one browser
    (~450 MB) for two workers keeps a 2-job build under 1.5 GB."""

    def __init__(self, jobs: int, *, log_path: Path, fresh_kernels: bool = False, timeout: float = 600,
                 build_id: str = "0" * 12):
        self.jobs, self.build_id = max(1, int(jobs)), build_id
        self.log_path, self.fresh_kernels, self.timeout = Path(log_path), fresh_kernels, timeout
        self.printers = max(1, self.jobs // 2)
        self.pools: dict = {}
        self.released: list = []  # pools told that no more jobs come: their workers finish and exit
        self.started: dict[str, list] = {}
        self.stop_event = None
        self.log_reset = False

    def start(self, stage: str, workers: int) -> None:
        from analysis.build import worker

        # A spawn pool starts a process only when a job arrives, so without these a printer (and its browser)
        # would start only when the first HTML is done. One no-op each: the workers start now, in parallel.
        pool = self._pool(stage, self.jobs if stage == "execute" else self.printers)
        for _ in range(min(workers, pool._max_workers) - len(self.started.get(stage, ()))):
            self.started.setdefault(stage, []).append(pool.submit(worker.ready))

    def submit(self, stage: str, job: dict):
        from analysis.build import worker

        if stage == "execute":
            return self._pool(stage, self.jobs).submit(worker.execute_job, job)
        return self._pool(stage, self.printers).submit(worker.print_job, job)

    def wait_any(self, futures: list) -> list:
        from concurrent.futures import FIRST_COMPLETED, wait

        finished, _ = wait(futures, return_when=FIRST_COMPLETED)
        return list(finished)

    def release(self, stage: str) -> None:
        """No more jobs of ``stage``: its workers exit once done (kernels stop now, not when the last PDF is printed)."""
        pool = self.pools.pop(stage, None)
        self.started.pop(stage, None)
        if pool is not None:
            pool.shutdown(wait=False)
            self.released.append(pool)

    def _pool(self, stage, workers):
        if stage in self.pools:
            return self.pools[stage]
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        from analysis.build import worker

        context = multiprocessing.get_context("spawn")
        if self.stop_event is None:
            self.stop_event = context.Event()
        if not self.log_reset:
            self.log_path.write_text("")
            self.log_reset = True
        role = "kernel" if stage == "execute" else "printer"
        config = dict(role=role, data_dir=str(data_dir()), log=str(self.log_path), fresh_kernels=self.fresh_kernels,
                      timeout=self.timeout, build_id=self.build_id)
        self.pools[stage] = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=worker.worker_init,
                                                initargs=(config, self.stop_event))
        return self.pools[stage]

    def stop(self) -> None:
        pools, self.pools, self.started = list(self.pools.values()) + self.released, {}, {}
        self.released = []
        if self.stop_event is not None:
            self.stop_event.set()
        processes = []
        for executor in pools:
            processes += list((getattr(executor, "_processes", None) or {}).values())
            executor.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            with contextlib.suppress(Exception):
                process.terminate()  # SIGTERM: the worker removes its temporary files and stops its kernel
        deadline = time.monotonic() + 10
        for process in processes:
            process.join(max(0.1, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()

    def close(self) -> None:
        for executor in [*self.pools.values(), *self.released]:
            executor.shutdown(wait=True)
        self.pools, self.started, self.released = {}, {}, []


def choose(due: int, jobs: int, keep_warm: float = 0, **options):
    """The executor for a build with ``due`` reports to run: for a few, the warm builder if one is ready
    (:mod:`analysis.build.warm`; asked only when ``keep_warm`` minutes > 0) or this process; else process
    pools. ``options``: those of :class:`LocalExecutor` (all take the same)."""
    if due <= IN_PROCESS_UP_TO:
        if keep_warm > 0:
            from analysis.build import warm

            ready = warm.connect(keep_warm, **options)
            if ready is not None:
                return ready
        return InProcessExecutor(**options)
    return LocalExecutor(jobs, **options)


class _Lane:
    """One daemon thread running calls in order; ``submit`` returns a ``concurrent.futures.Future``.
    Daemon, so that a call stuck on a killed kernel never keeps an interrupted build from exiting."""

    def __init__(self, name: str):
        import queue

        self.calls: queue.SimpleQueue = queue.SimpleQueue()
        self.thread = threading.Thread(target=self._run, name=name, daemon=True)
        self.thread.start()

    def submit(self, function, *args):
        from concurrent.futures import Future

        future = Future()
        self.calls.put((future, function, args))
        return future

    def _run(self):
        while True:
            future, function, args = self.calls.get()
            if future is None:
                return
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(function(*args))
            except BaseException as error:  # handed to whoever waits on the future
                future.set_exception(error)

    def close(self, timeout: float | None = None):
        self.calls.put((None, None, None))
        self.thread.join(timeout)


class InProcessExecutor:
    """Jobs run in this process, for a build of one or two reports (an instructor's rebuild after an edit).

    Starting worker processes means importing the kit, pandas' neighbours and the exporter again in
    each (~2 s on 2 cores) before the kernel is even asked for. Here, from :meth:`start` on, things
    overlap: the kernel starts (and imports pandas and altair) in its own process while this process
    imports papermill and the exporter (and a child makes the Vega bundle); only if a PDF is due,
    Chromium starts and warms up while the notebook runs. The jobs are the
    worker's own functions (:func:`analysis.build.worker.execute_job`, ``print_job``), so the reports
    are byte-identical to those of :class:`LocalExecutor`.
    """

    def __init__(self, jobs: int = 1, *, log_path: Path, fresh_kernels: bool = False, timeout: float = 600,
                 build_id: str = "0" * 12):
        self.log_path = Path(log_path)
        self.config = dict(role="main", data_dir=str(data_dir()), log=str(self.log_path), fresh_kernels=fresh_kernels,
                           timeout=timeout, build_id=build_id)
        self.state = None
        self.lanes: dict[str, _Lane] = {}
        self.kernel_started = None  # the future of the kernel's start, while one is starting
        self.log_file = None

    def _lane(self, stage: str) -> _Lane:
        from analysis.build import worker

        if self.state is None:
            self.log_file = open(self.log_path, "w")  # noqa: SIM115  (closed in close())
            self.state = worker.main_process_state(self.config, threading.Event(), self.log_file)
        if stage not in self.lanes:
            self.lanes[stage] = _Lane(f"medcoding-{stage}")
            if stage == "execute":
                # The kernel's own thread (as in a worker process) starts it now; this lane imports the
                # exporter meanwhile, before its first job.
                self.state.thread = _Lane("medcoding-kernel")
                if not self.config["fresh_kernels"]:
                    self.kernel_started = self.state.thread.submit(worker.start_kernel, self.state)
                self.lanes[stage].submit(worker.prepare_exporter, self.state)
            else:
                self.lanes[stage].submit(self._start_printer)
        return self.lanes[stage]

    def _start_printer(self) -> None:
        """Start (and warm up) the browser once the kernel has started and warmed up, if one is starting: the two
        at once only slow each other down on 2 cores (measured at load ~4: 3.80 s for one report, HTML + PDF,
        against 3.49 s this way), and the browser is still ready before the notebook's cells are done."""
        from analysis.build import worker

        if self.kernel_started is not None:
            with contextlib.suppress(Exception):
                self.kernel_started.result()
        worker.print_stage.printer(self.state)

    def start(self, stage: str, workers: int) -> None:
        self._lane(stage)

    def submit(self, stage: str, job: dict):
        from analysis.build import worker

        function = worker.execute_job if stage == "execute" else worker.print_job
        return self._lane(stage).submit(function, job, self.state)

    def wait_any(self, futures: list) -> list:
        from concurrent.futures import FIRST_COMPLETED, wait

        finished, _ = wait(futures, return_when=FIRST_COMPLETED)
        return list(finished)

    def release(self, stage: str) -> None:
        """No more notebooks: the kernel shuts down now, in its own thread, while the PDF prints."""
        if stage == "execute" and self.state is not None and self.state.thread is not None:
            self.state.thread.submit(_shutdown_kernel, self.state)

    def stop(self) -> None:
        from analysis.build import worker

        if self.state is not None:
            worker.stop_main_process_state(self.state)
            if self.state.thread is not None:  # a kernel still starting is killed once it has started
                self.state.thread.submit(worker.stop_main_process_state, self.state)
        self.lanes = {}  # their daemon threads end with the process

    def close(self) -> None:
        from analysis.build import worker

        state = self.state
        stopping = None
        if state is not None and state.thread is not None:
            # Queued behind whatever the kernel thread still has (a kernel still starting is then shut down too);
            # the browser closes meanwhile.
            stopping = state.thread.submit(_shutdown_kernel, state)
        if state is not None and "print" in self.lanes:
            self.lanes["print"].submit(worker.print_stage.close_printer, state)  # in its own thread: playwright is bound to it
        for lane in self.lanes.values():
            lane.close()
        if stopping is not None:
            with contextlib.suppress(Exception):
                stopping.result(timeout=60)
            state.thread.close(timeout=10)
        self.lanes, self.state = {}, None
        if self.log_file is not None:
            self.log_file.close()
            self.log_file = None


def _shutdown_kernel(state) -> None:
    kernel, state.kernel = state.kernel, None
    if kernel is not None:
        kernel.discard()

