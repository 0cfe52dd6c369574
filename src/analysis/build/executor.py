"""How build jobs run: a small executor interface, and the local one (process pools).

The runner (:mod:`analysis.build.runner`) only submits jobs and receives results; an executor decides
where they run. A job is ``(stage, job dict)`` with stage ``"execute"`` (run the notebook, write the
HTML; needs a kernel) or ``"print"`` (print the PDF from the HTML on disk; needs a browser); a result
is a dict (see :mod:`analysis.build.worker`). To run builds elsewhere (e.g. a Dask cluster), write a
class with the same four methods and pass it to :func:`analysis.build.build`.
"""

from __future__ import annotations

import contextlib
import time
from pathlib import Path
from typing import Protocol

from analysis.build import worker
from analysis.core.paths import data_dir

STAGES = ("execute", "print")


class Executor(Protocol):
    """Where build jobs run. Futures must be ``concurrent.futures``-like (``result()``)."""

    def start(self, stage: str, workers: int) -> None:
        """Get ``workers`` workers for ``stage`` ready now (a browser starts while kernels start)."""

    def submit(self, stage: str, job: dict):
        """Run one job; return a future of its result dict."""

    def wait_any(self, futures: list) -> list:
        """Block until at least one of ``futures`` is done; return the done ones."""

    def stop(self) -> None:
        """Stop at once (Ctrl-C): cancel what has not started, make the workers clean up and exit."""

    def close(self) -> None:
        """Wait for the workers to finish and release them."""


class LocalExecutor:
    """Two process pools (``spawn``) on this machine: ``jobs`` kernel workers, and printer workers (one
    per two kernel workers). One browser for two workers instead of one each keeps a 2-job build under
    2 GB (a Chromium that has printed a few reports holds 0.5-0.8 GB)."""

    def __init__(self, jobs: int, *, log_path: Path, fresh_kernels: bool = False, timeout: float = 600,
                 build_id: str = "0" * 12):
        self.jobs, self.build_id = max(1, int(jobs)), build_id
        self.log_path, self.fresh_kernels, self.timeout = Path(log_path), fresh_kernels, timeout
        self.pools: dict = {}
        self.stop_event = None
        self.log_reset = False

    def start(self, stage: str, workers: int) -> None:
        self._pool(stage, workers)

    def submit(self, stage: str, job: dict):
        if stage == "execute":
            return self._pool(stage, self.jobs).submit(worker.execute_job, job)
        return self._pool(stage, max(1, self.jobs // 2)).submit(worker.print_job, job)

    def wait_any(self, futures: list) -> list:
        from concurrent.futures import FIRST_COMPLETED, wait

        finished, _ = wait(futures, return_when=FIRST_COMPLETED)
        return list(finished)

    def _pool(self, stage, workers):
        if stage in self.pools:
            return self.pools[stage]
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

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
        pools, self.pools = list(self.pools.values()), {}
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
        for executor in self.pools.values():
            executor.shutdown(wait=True)
        self.pools = {}
