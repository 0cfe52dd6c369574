"""Build every report: one per state (and DC), one per topic notebook, and an index page.

``medcoding build`` (:mod:`analysis.cli`) calls :func:`build`, which reads as its stages:

1. **plan** (:mod:`~analysis.build.plan`): selection and ``-p`` values checked, in this process, before
   anything is written or any kernel starts;
2. **lock and tidy** (:mod:`~analysis.build.files`): one build per output folder; temporary files of a
   killed build removed; the manifest read;
3. **run** (:mod:`~analysis.build.runner`): what is stale (:mod:`~analysis.build.stale`) goes to an
   executor (:mod:`~analysis.build.executor`; process pools of :mod:`~analysis.build.worker`), each
   file written atomically and recorded in the manifest;
4. **index** (:mod:`~analysis.build.index`): built last, linking the reports on disk;
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

import time
from pathlib import Path

from analysis.build.executor import Executor, LocalExecutor
from analysis.build.files import LOG_NAME, BuildError, build_lock, load_manifest, sweep_temporary_files
from analysis.build.index import index_parameters
from analysis.build import plan as planning
from analysis.build.plan import FORMATS, check_formats, default_jobs
from analysis.build.runner import Runner
from analysis.build.summary import Summary
from analysis.core.paths import NOTEBOOKS_DIR

__all__ = ["BuildError", "Executor", "FORMATS", "LocalExecutor", "NOTEBOOKS_DIR", "Summary", "build", "default_jobs"]


def build(*, states: str | None = None, topics: str | None = None, assignments: list[str] | None = None,
          formats: tuple[str, ...] | None = None, jobs: int | None = None, force: bool = False,
          out: Path | str = "reports", notebooks_dir: Path | str = NOTEBOOKS_DIR, index: bool = False,
          fresh_kernels: bool = False, timeout: float = 600, progress: bool | None = None, log=print,
          executor: Executor | None = None) -> Summary:
    """Build the selected reports (all by default). Returns a :class:`~analysis.build.summary.Summary`.

    Raises :class:`~analysis.core.errors.InputError` for a bad selection or parameter, before anything is
    written, and :class:`~analysis.build.files.BuildError` when another build holds the output folder.
    """
    started = time.perf_counter()
    explicit_pdf = formats is not None and "pdf" in formats
    formats = check_formats(formats or FORMATS)
    out, jobs = Path(out), jobs or default_jobs()
    reports = planning.plan(states=states, topics=topics, assignments=assignments, formats=formats,
                   notebooks_dir=Path(notebooks_dir), index=index)  # InputError here: nothing written yet
    out.mkdir(parents=True, exist_ok=True)
    with build_lock(out):
        sweep_temporary_files(out)
        manifest = load_manifest(out)
        executor = executor or LocalExecutor(jobs, log_path=out / LOG_NAME, fresh_kernels=fresh_kernels, timeout=timeout)
        runner = Runner(out, manifest, executor, jobs, progress, log)
        try:
            runner.run([r for r in reports if r.kind != "index"], force)
            index_page = [r for r in reports if r.kind == "index"]
            if index_page and not runner.interrupted:  # last: it links the reports on disk now
                index_page[0].params = index_parameters(manifest, out)
                runner.run(index_page, force)
        finally:
            executor.close()
    return Summary(runner.outcomes, time.perf_counter() - started, out, runner.interrupted, explicit_pdf,
                   128 + int(runner.signal))
