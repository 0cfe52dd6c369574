"""Build every report: one per state (and DC), one per topic notebook, and an index page.

``medcoding build`` (:mod:`analysis.cli`) calls :func:`build`, which reads as its stages:

1. **plan** (:mod:`~analysis.build.plan`): selection and ``-p`` values checked, in this process, before
   anything is written or any kernel starts;
2. **check and lock the output folder** (:mod:`~analysis.build.files`): a dedicated reports folder
   only; one build per folder; only the marked temporary files of a killed build removed;
3. **run** (:mod:`~analysis.build.runner`): what is stale (:mod:`~analysis.build.stale`) goes to an
   executor (:mod:`~analysis.build.executor`: this process for one or two reports, else process pools
   of :mod:`~analysis.build.worker`), each
   file written atomically and recorded in the manifest;
4. **index** (:mod:`~analysis.build.index`): built once every other report's HTML is recorded, linking
   the reports on disk (the last PDFs print meanwhile);
5. **summary** (:mod:`~analysis.build.summary`): what was built, skipped or failed, and the exit code.

Output layout (``--out``, default ``reports/``)::

    index.html                                   clickable map of the states + list of every report
    states/TX.html, states/TX.pdf                one per state and DC, default parameters
    states/TX--measure=mean.html                 the same report with a parameter changed
    topics/certification_premium.html, .pdf      one per topic notebook, its defaults
    topics/certification_premium--discount_rate=0.05.html
    _failed/states/TX.ipynb                      the executed notebook of a report that failed
"""

from __future__ import annotations

import functools
import time
from pathlib import Path

from analysis.build import executor as executors
from analysis.build.executor import Executor, InProcessExecutor, LocalExecutor
from analysis.build.files import (LOG_NAME, BuildError, build_lock, cannot_write, check_out_folder, load_manifest,
                                  new_build_id, use_build_id)
from analysis.build.index import index_parameters
from analysis.build import plan as planning
from analysis.build.grid import Grids, plan_grid
from analysis.build.plan import FORMATS, capped_jobs, check_formats, check_paper, check_timeout, default_jobs
from analysis.build.runner import Runner
from analysis.build.summary import Summary
from analysis.core.errors import InputError
from analysis.core.paths import NOTEBOOKS_DIR

__all__ = ["BuildError", "Executor", "FORMATS", "InProcessExecutor", "LocalExecutor", "NOTEBOOKS_DIR", "Summary", "build", "default_jobs"]


def build(*, states: str | None = None, topics: str | None = None, assignments: list[str] | None = None,
          formats: tuple[str, ...] | None = None, jobs: int | None = None, force: bool = False,
          out: Path | str = "reports", notebooks_dir: Path | str = NOTEBOOKS_DIR, index: bool = False,
          fresh_kernels: bool = False, allow_other_files: bool = False, timeout: float = 600,
          progress: bool | None = None, log=print, executor: Executor | None = None, paper: str = "letter",
          scheduler: str | None = None, grid: list[str] | Grids | None = None, keep_warm: float = 0) -> Summary:
    """Build the selected reports (all by default). Returns a :class:`~analysis.build.summary.Summary`.

    ``paper`` is the PDFs' paper size (:func:`~analysis.build.plan.check_paper`: letter or a4); a PDF
    printed on another size is stale.

    Raises :class:`~analysis.core.errors.InputError` for a bad selection, parameter, timeout or output
    folder (:func:`~analysis.build.files.check_out_folder`), before anything is written, and
    :class:`~analysis.build.files.BuildError` when another build holds the output folder or a file cannot
    be written (the earlier reports and manifest then stay). ``scheduler`` (``local:N`` or ``tcp://...``)
    runs the notebooks on Dask (:mod:`~analysis.build.dask_executor`); ``grid`` (``["year=2023,2024", ...]``)
    builds one report per combination, and a :class:`~analysis.build.grid.Grids` (the grids of a file, from
    :func:`~analysis.build.grid.read_grid_file`) one per combination of each (:mod:`~analysis.build.grid`).
    ``keep_warm`` (minutes; ``medcoding build`` gives 10) lets a small build use a warm builder, and leaves
    one after a build that ran a notebook (:mod:`~analysis.build.warm`).
    """
    started = time.perf_counter()
    explicit_pdf = formats is not None and "pdf" in formats
    formats = check_formats(formats or FORMATS)
    timeout = check_timeout(timeout)
    paper = check_paper(paper)
    make_plan = planning.plan if not grid else functools.partial(plan_grid, grid)
    reports = make_plan(states=states, topics=topics, assignments=assignments, formats=formats,
                        notebooks_dir=Path(notebooks_dir), index=index or bool(grid))  # InputError here: nothing written yet
    check_out_folder(out, allow_other_files=allow_other_files)
    out = Path(out)
    dask = None
    if scheduler is not None and executor is None:
        from analysis.build.dask_executor import DaskCluster

        dask = DaskCluster.connect(scheduler)  # no Dask, no scheduler, another kit: InputError, nothing written
    jobs = dask.workers if dask else capped_jobs(jobs or default_jobs(), log)
    build_id = new_build_id()
    use_build_id(build_id)
    try:
        lock = _locked(out, build_id)
    except BaseException:
        if dask is not None:
            dask.close()
        raise
    try:
        manifest = load_manifest(out)
        options = dict(log_path=out / LOG_NAME, fresh_kernels=fresh_kernels, timeout=timeout, build_id=build_id)
        if executor is None and dask is not None:
            executor = dask.executor(**options)
        # Without an executor given, one is chosen once the runner knows how many reports are due: a few run
        # in this process (nothing to start but a kernel), more in process pools.
        # A warm builder only for the local kind of build: not for an executor given, Dask or fresh kernels.
        warm_minutes = keep_warm if executor is None and dask is None and not fresh_kernels else 0
        runner = Runner(out, manifest, executor, jobs, progress, log, paper=paper,
                        choose_executor=lambda due: executors.choose(due, jobs, warm_minutes, **options))
        # The index links the reports on disk: it runs once every other report's HTML is recorded (their PDFs may
        # still be printing; it does not link them).
        runner.last = [(r, functools.partial(index_parameters, manifest, out)) for r in reports if r.kind == "index"]
        try:
            runner.run([r for r in reports if r.kind != "index"], force)
        finally:
            if runner.executor is not None:
                runner.executor.close()
    except OSError as error:  # the log, a folder... (the manifest has its own message)
        raise BuildError(f"{error.filename or out}: {cannot_write(error)}. Reports finished before this are complete; "
                         "the others are as they were. Fix that and run the build again.") from None
    finally:
        lock.__exit__(None, None, None)
        if dask is not None:
            dask.close()
    note = ""
    if warm_minutes and not runner.interrupted and any("html" in o.formats for o in runner.outcomes):
        from analysis.build import warm

        if isinstance(runner.executor, warm.WarmExecutor):
            note = "Built by the warm builder"
        elif warm.spawn(warm_minutes):  # for the next build: its kernel and browser start now, in the background
            note = "A warm builder starts"
        if note:
            note += (f"; it waits {warm_minutes:g} min for the next small build (--keep-warm 0: none; "
                     "`medcoding warm --stop` stops it).")
    return Summary(runner.outcomes, time.perf_counter() - started, out, runner.interrupted, explicit_pdf,
                   128 + int(runner.signal), note)


def _locked(out: Path, build_id: str):
    """The output folder made and locked for this build (its lock context, entered)."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        lock = build_lock(out, build_id)
        lock.__enter__()
    except OSError as error:
        raise InputError("--out", str(out), reason=cannot_write(error), allowed="a folder you can write to") from None
    return lock
