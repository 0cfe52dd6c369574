"""The execute stage: one report's notebook run in the worker's kernel, then its HTML written.

The builder puts a cell of its own before the notebook (it resets the kernel and starts recording what
the notebook reads: :mod:`analysis.build.kernel_probe`) and one after it (it reports those files); both
are removed before export. The HTML is written to a temporary file that the main process moves into
place once the manifest records it.
"""

from __future__ import annotations

import contextlib
import json
import re
import time
from pathlib import Path

from analysis.build import kernel_probe
from analysis.build.files import write_atomic, write_temporary
from analysis.build.kernel import ENGINE, Kernel, register_engine
from analysis.build.plan import data_date
from analysis.build.stale import code_key
from analysis.core.paths import PACKAGE_DIR

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


class JobFailed(Exception):
    """The report failed in a way its result explains (a cell raised, the kernel died...)."""


def execute_and_export(state, job: dict, result: dict) -> None:
    """Run ``job``'s notebook in ``state``'s kernel and write its HTML (temporary); fill in ``result``.
    Raises :class:`JobFailed` after keeping the executed notebook of a report that failed."""
    import nbformat

    nb = nbformat.reads(job["notebook_text"], as_version=4)
    prelude = _PRELUDE.format(probe=kernel_probe.__file__, data=state.config["data_dir"], package=str(PACKAGE_DIR), cwd=job["cwd"])
    internal = {"tags": [INTERNAL_TAG]}
    nb.cells.insert(0, nbformat.v4.new_code_cell(prelude, metadata=internal))
    nb.cells.append(nbformat.v4.new_code_cell(_EPILOGUE, metadata=internal))
    clock = time.perf_counter()
    executed, error = execute(state, nb, job)
    result["phases"] = {"execute": time.perf_counter() - clock}
    if executed is not None:
        executed.metadata.setdefault("papermill", {})["input_path"] = job["notebook_path"] or "(generated index notebook)"
    if error is not None:
        kept = None
        if executed is not None and not state.stop_event.is_set():  # stopped: the build leaves nothing new behind
            strip_internal(executed)
            write_atomic(Path(job["failed"]), nbformat.writes(executed), registry=state.temp_files)
            kept = job["failed"]
        result["failed_notebook"] = kept
        raise JobFailed(error)
    deps = dependencies(executed)
    strip_internal(executed)
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
    if state.stop_event.is_set():  # stopped while exporting: nothing new is written
        raise JobFailed("the build was stopped")
    temp = write_temporary(Path(job["html"]), html, registry=state.temp_files)
    result["html_temp"] = str(temp)
    result["written"].append("html")
    result.update(ok=True, code={**state.code, **{code_key(p): d for p, d in deps["code"].items()}}, data=deps["data"])


def execute(state, nb, job):
    """Execute ``nb`` in the worker's kernel (a new one after a failure). Returns (notebook, error text)."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    register_engine()
    used = []

    def run():
        # Here, in the kernel thread, after the warm kernel's start queued before it: deciding in the job's
        # thread raced that start (a second, cold kernel was started and left running).
        if state.kernel is None:  # the last one failed or did not start (or --fresh-kernels): papermill starts one
            state.kernel = Kernel(state.kernel_env, state.kernel_output, state.config.get("scratch"))
        kernel = state.kernel
        used.append(kernel)
        return papermill.execute_notebook(
            nb, None, parameters=job["params"], engine_name=ENGINE, kernel_name="python3", progress_bar=False,
            log_output=False, execution_timeout=state.config["timeout"], start_timeout=120, medcoding_kernel=kernel)

    error = None
    try:
        running = state.thread.submit(run)
        warm_exporter()  # while the notebook runs, not after it
        executed = running.result()
    except PapermillExecutionError as failure:
        executed = used[0].last_nb
        error = f"{failure.ename}: {first_line(failure.evalue)} (in code cell {failure.exec_count})"
    except Exception as failure:
        executed = used[0].last_nb if used else None
        error = f"{type(failure).__name__}: {first_line(str(failure))}"
    if used and (error is not None or state.config["fresh_kernels"] or state.stop_event.is_set()):
        # A kernel that failed may be busy or broken: the next report gets a new one.
        with contextlib.suppress(Exception):
            state.thread.submit(used[0].shutdown).result(timeout=30)
        state.kernel = None
    if state.stop_event.is_set() and state.terminate is not None:
        state.terminate()  # a worker process stopped by the main process: clean up and exit now
    return executed, error


_exporter_warm = False


def warm_exporter() -> None:
    """Export a small notebook once per process (and drop the page): nbconvert's templates are then
    compiled, its preprocessors and Markdown renderer imported and the Vega bundle collected (~0.2-0.5 s,
    otherwise spent after the first notebook has run). The exporter keeps no state between notebooks."""
    global _exporter_warm
    if _exporter_warm:
        return
    _exporter_warm = True
    import nbformat

    from analysis.export.html import html_report

    table = {"text/html": "<table><tr><th>a</th></tr><tr><td>1</td></tr></table>", "text/plain": "a 1"}
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Warm-up\n\nA *small* page, [exported](#) and dropped."),
        nbformat.v4.new_code_cell("table", outputs=[nbformat.v4.new_output("execute_result", table, execution_count=1)])])
    with contextlib.suppress(Exception):  # the first report will say what is wrong, if anything is
        html_report(nb, title="Warm-up", data_date="", sources=[], parameters={})


def first_line(text: str) -> str:
    """The first line of an error message, without terminal colours."""
    text = re.sub(r"\x1b\[[0-9;]*m", "", str(text)).strip()
    return text.splitlines()[0] if text else ""


def strip_internal(nb) -> None:
    nb.cells = [c for c in nb.cells if INTERNAL_TAG not in c.get("metadata", {}).get("tags", [])]


def dependencies(nb) -> dict:
    """What the builder's last cell reported: the data files and code the notebook read."""
    for cell in reversed(nb.cells):
        if INTERNAL_TAG in cell.get("metadata", {}).get("tags", []):
            for output in cell.get("outputs", []):
                found = output.get("data", {}).get(DEPS_MIMETYPE)
                if found is not None:
                    return json.loads(found) if isinstance(found, str) else dict(found)
    raise JobFailed("the notebook ran but did not report what it read (the build's last cell did not run)")
