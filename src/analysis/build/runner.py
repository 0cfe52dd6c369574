"""Run a planned build: decide what is stale, submit jobs to an executor, record what comes back.

:class:`Runner` knows nothing about processes: it hands jobs to an :class:`~analysis.build.executor.Executor`
and receives results. A failing report does not stop the others: its executed notebook is kept under
``_failed/`` and the earlier report stays. Each finished report is recorded in the manifest (written
atomically after every report, so an interrupted build keeps what it finished).
"""

from __future__ import annotations

import collections
import contextlib
import hashlib
import os
import signal
import sys
from pathlib import Path

from analysis.build.files import FAILED_DIR, MANIFEST_NAME, BuildError, cannot_write, save_manifest
from analysis.build.stale import Hashes, code_key, environment_fingerprint, notebook_bytes, stale_reason
from analysis.build.summary import Outcome
from analysis.core.paths import NOTEBOOKS_DIR


class _Interrupted(BaseException):
    """SIGINT or SIGTERM arrived: stop the build now."""


class Runner:
    """Decides what to build, hands the jobs to an executor, records the results.

    Kernel jobs execute notebooks and write the HTML; print jobs print the PDF of a report as soon as
    its HTML is written, while the kernels go on with the next notebooks.
    """

    def __init__(self, out, manifest, executor, jobs, progress, log, paper: str = "letter", choose_executor=None):
        """``executor`` None: ``choose_executor(number of reports due)`` gives one when the first job is due."""
        self.out, self.manifest, self.executor, self.jobs = out, manifest, executor, max(1, int(jobs))
        self.paper = paper
        self.printers = max(1, self.jobs // 2)  # as the local executor has: one per two kernel workers
        self.choose_executor = choose_executor
        #: Reports built after every other one's HTML (the index), each with the function that gives its parameters
        #: then: [(report, parameters)]. Counted when choosing the executor.
        self.last: list = []
        self.released: set[str] = set()
        self.progress, self.log = progress, log
        self.outcomes: list[Outcome] = []
        self.interrupted = False
        self.signal = signal.SIGINT
        self.environment = environment_fingerprint()
        self.hashes = Hashes()

    # -- deciding
    def _work(self, reports, force):
        work = []
        for report in reports:
            notebook_text = notebook_bytes(report)
            notebook_sha = hashlib.sha256(notebook_text).hexdigest()
            entry = self.manifest["reports"].get(report.id)
            reasons = {fmt: stale_reason(report, entry, fmt, out=self.out, notebook_sha=notebook_sha,
                                         environment=self.environment, hashes=self.hashes, force=force,
                                         paper=self.paper)
                       for fmt in dict.fromkeys(("html",) + report.formats)}
            wanted = {fmt: reasons[fmt] for fmt in report.formats}
            if not any(wanted.values()):
                self.outcomes.append(Outcome(report.id, "skipped"))
                continue
            # Only the PDF is missing or out of date: print it from the HTML on disk, no kernel needed.
            print_only = reasons["html"] is None and wanted.get("pdf") is not None
            if print_only and self._chromium_problem() is not None:
                self.outcomes.append(Outcome(report.id, "skipped", pdf_skipped=self._chromium_problem()))
                continue
            reason = next(r for r in wanted.values() if r)
            work.append((report, dict(
                id=report.id, kind=report.kind, title=report.title, params=report.params,
                notebook_text=notebook_text.decode("utf-8"), notebook_sha=notebook_sha,
                notebook_path=str(report.notebook) if report.notebook else None,
                cwd=str(report.notebook.parent if report.notebook else NOTEBOOKS_DIR),
                formats=report.formats, print_only=print_only, reason=reason, paper=self.paper,
                html=str(report.output(self.out, "html")), pdf=str(report.output(self.out, "pdf")),
                failed=str(self.out / FAILED_DIR / f"{report.id}.ipynb"))))
        return work

    # -- running
    def run(self, reports, force):
        """Build what is stale among ``reports``, then among :attr:`last`, whose parameters are asked for once
        every other report's HTML is recorded (the index: it links the reports on disk), so that it runs while
        the last PDFs still print. With no notebook left to run, the executor may let its kernels go."""
        later, self.last = self.last, []
        work = self._work(reports, force)
        if not work and later:  # nothing to wait for: the last reports' parameters are known now
            work, later = self._work(_with_parameters(later), force), []
        if not work:
            return
        if self.executor is None:
            self.executor = self.choose_executor(len(work) + len(later))
        total = len(work) + len(later)
        bar = self._progress_bar(total)
        pending, executed = {}, {}
        waiting: collections.deque = collections.deque()  # notebooks not yet handed to the executor
        # Before the first job is handed over: a Ctrl-C while it is (to a warm builder, say) stops the build too.
        previous = {sig: signal.signal(sig, self._on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
        done = 0
        try:
            self._start(work)
            self._submit(work, pending, waiting)
            while pending:
                finished = self.executor.wait_any(list(pending))
                for future in finished:
                    stage, report, job = pending.pop(future)
                    try:
                        result = future.result()
                    except Exception as error:  # the worker died (killed, out of memory...)
                        result = {"ok": False, "written": [], "error": f"the worker process stopped: {type(error).__name__}: {error}"}
                    if stage == "execute":
                        self._record_execution(report, job, result)
                        if result.get("ok") and "pdf" in job["formats"]:
                            executed[report.id] = result
                            pending[self.executor.submit("print", job)] = ("print", report, job)
                            continue
                        outcome = self._outcome(report, job, result, None)
                    else:
                        self._record_print(report, result)
                        outcome = self._outcome(report, job, executed.pop(report.id, None), result)
                    self.outcomes.append(outcome)
                    done += 1
                    self._tick(bar, done, total, outcome)
                self._hand_over(pending, waiting)
                if waiting or any(stage == "execute" for stage, _, _ in pending.values()):
                    continue
                if later:  # every other report's HTML is recorded: the last ones can link them now
                    last = _with_parameters(later)
                    more, later = self._work(last, force), []
                    total -= len(last) - len(more)  # up to date: not waited for
                    if bar is not None:
                        bar.total = total
                        bar.refresh()
                    self._start(more)
                    self._submit(more, pending, waiting)
                if not waiting and not any(stage == "execute" for stage, _, _ in pending.values()):
                    self._release("execute")
        except _Interrupted:
            self.interrupted = True
            self.executor.stop()
        except BuildError:  # a finished report could not be recorded (disk full...): stop, keep what is on disk
            self.executor.stop()
            raise
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            if bar is not None:
                bar.close()

    def _start(self, work) -> None:
        """Start the workers ``work`` needs now (browsers while kernels start; kernels warm before their first job)."""
        executions = sum(not job["print_only"] for _, job in work)
        if executions:
            self.executor.start("execute", min(self.jobs, executions))
        if any("pdf" in job["formats"] for _, job in work):
            self.executor.start("print", max(1, min(self.printers, len(work))))

    def _submit(self, work, pending, waiting) -> None:
        """Print jobs go to the executor now; notebooks wait their turn (:meth:`_hand_over`), the topic reports
        first: their PDFs take longest to print, so the build does not end waiting for one."""
        for report, job in work:
            if job["print_only"]:
                pending[self.executor.submit("print", job)] = ("print", report, job)
        waiting.extend(sorted(((r, j) for r, j in work if not j["print_only"]), key=lambda rj: rj[0].kind != "topic"))
        self._hand_over(pending, waiting)

    def _hand_over(self, pending, waiting) -> None:
        """Give the executor as many notebooks as keep every core busy to the end: one per worker, but fewer while
        PDFs wait for a printer (printing is about as much work as running the notebook: the printers then get
        their cores, rather than a pile of PDFs being left to print after the last notebook)."""
        stages = [stage for stage, _, _ in pending.values()]
        running = stages.count("execute")
        limit = self.jobs if stages.count("print") <= self.printers else max(1, self.jobs - self.printers)
        while waiting and running < limit:
            report, job = waiting.popleft()
            pending[self.executor.submit("execute", job)] = ("execute", report, job)
            running += 1

    def _release(self, stage: str) -> None:
        """Tell the executor that no more jobs of ``stage`` will come (if it wants to know: it may stop those workers)."""
        release = getattr(self.executor, "release", None)
        if release is not None and stage not in self.released:
            self.released.add(stage)
            release(stage)

    def _on_signal(self, signum, frame):
        self.signal = signum
        raise _Interrupted(signum)

    def _chromium_problem(self) -> str | None:
        """Why no PDF can be printed (no Chromium), asked only when a PDF is due without a notebook to run."""
        if not hasattr(self, "_chromium"):
            from analysis.export.chromium import ChromiumMissing, find_chromium

            try:
                self._chromium = None if find_chromium() is not None else str(ChromiumMissing())
            except ChromiumMissing as missing:
                self._chromium = str(missing)
        return self._chromium

    def _progress_bar(self, total):
        show = sys.stderr.isatty() if self.progress is None else self.progress
        if not show:
            return None
        from tqdm import tqdm

        return tqdm(total=total, unit="report", desc="Building", file=sys.stderr, dynamic_ncols=True)

    def _tick(self, bar, done, total, outcome):
        if bar is not None:
            bar.set_postfix_str(f"{outcome.id} {outcome.status}", refresh=False)
            bar.update(1)
        elif self.progress is None:  # not a terminal: one line per report, for logs
            self.log(f"[{done}/{total}] {outcome.status} {outcome.id} ({outcome.seconds:.1f} s; {outcome.reason})",
                     file=sys.stderr)

    # -- recording
    def _record_execution(self, report, job, result):
        if not result.get("ok"):
            return  # the entry (if any) still describes the report on disk, which is kept
        temp = Path(result["html_temp"])
        html = temp.stat()  # os.replace keeps size and mtime: the entry describes the file as it will be
        entry = dict(
            notebook=code_key(report.notebook) if report.notebook else "(generated)",
            notebook_sha=job["notebook_sha"], params=report.params, environment=self.environment,
            code=result["code"], data=result["data"], title=report.title,
            outputs={"html": {"size": html.st_size, "mtime_ns": html.st_mtime_ns}})
        self._commit(report, "html", temp, entry)
        with contextlib.suppress(FileNotFoundError):
            Path(job["failed"]).unlink()

    def _record_print(self, report, result):
        entry = self.manifest["reports"].get(report.id)
        temp = result.get("pdf_temp")
        if temp is None:
            return
        if entry is None or "pdf" not in result.get("written", ()):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temp)
            return
        pdf = Path(temp).stat()
        printed = {"size": pdf.st_size, "mtime_ns": pdf.st_mtime_ns, "paper": self.paper}
        entry = {**entry, "outputs": {**entry["outputs"], "pdf": printed}}
        self._commit(report, "pdf", Path(temp), entry)

    def _commit(self, report, fmt, temp: Path, entry: dict) -> None:
        """Record ``entry`` in the manifest, then move the finished file ``temp`` into place.

        If the manifest cannot be written (disk full...), the file is not moved: the report and the
        manifest on disk both stay as they were, and the build stops with a message.
        """
        previous = self.manifest["reports"].get(report.id)
        self.manifest["reports"][report.id] = entry
        final = report.output(self.out, fmt)
        try:
            save_manifest(self.out, self.manifest)
        except OSError as error:
            if previous is None:
                del self.manifest["reports"][report.id]
            else:
                self.manifest["reports"][report.id] = previous
            with contextlib.suppress(OSError):
                temp.unlink()
            raise BuildError(
                f"{self.out / MANIFEST_NAME}: {cannot_write(error)}, so the build stopped. {report.id}.{fmt} and the "
                f"manifest are as they were before this build; reports finished earlier in it are complete. "
                f"Free some space (or fix the folder) and run the build again.") from None
        try:
            os.replace(temp, final)
        except OSError as error:
            with contextlib.suppress(OSError):
                temp.unlink()
            raise BuildError(f"{final}: {cannot_write(error)}, so the build stopped; the earlier {final.name} stays "
                             "and will be rebuilt by the next build.") from None

    def _outcome(self, report, job, executed, printed) -> Outcome:
        """One report's outcome from its execution result and its print result (either may be None)."""
        parts = [r for r in (executed, printed) if r is not None]
        written = tuple(fmt for r in parts for fmt in r.get("written", ()))
        phases = dict((executed or {}).get("phases", {}))
        if printed is not None and "seconds" in printed:
            phases["pdf"] = printed["seconds"]
        seconds = sum(r.get("seconds", 0.0) for r in parts)
        failure = next((r.get("error") or r.get("pdf_error") for r in parts if not r.get("ok") or r.get("pdf_error")), None)
        if failure:
            status, reason = "failed", failure
        else:
            status, reason = ("built" if written else "skipped"), job["reason"]
        return Outcome(report.id, status, written, reason, (executed or {}).get("failed_notebook"),
                       (printed or {}).get("pdf_skipped"), seconds, phases, (executed or printed or {}).get("worker"))


def _with_parameters(later) -> list:
    """The reports of ``later`` (``[(report, parameters)]``), each given its parameters now."""
    for report, parameters in later:
        report.params = parameters()
    return [report for report, _ in later]
