"""The print stage: a report's HTML (on disk) printed to its PDF by the worker's headless Chromium.

One browser is kept per printer worker for all its reports (:func:`printer`; its page collects its garbage
after each report and is renewed every :data:`~analysis.export.chromium.PRINTS_PER_PAGE` reports), started and
warmed up (on a small report page that runs the reports' own Vega bundle) as soon as the worker is, so that it is
ready when the first HTML is and prints that one as fast as the next. A build with no Chromium still writes its
HTML: each print job says why its PDF was skipped.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from analysis.build.execute_stage import first_line
from analysis.build.files import temp_path

def print_pdf(state, job: dict, result: dict) -> None:
    """Print the job's HTML to its PDF (a temporary file); a failure is noted in ``result["pdf_error"]``."""
    browser = printer(state)
    if browser is None:
        result["pdf_skipped"] = state.chromium_problem
        return
    pdf_path = Path(job["pdf"])
    tmp_pdf = temp_path(pdf_path)
    state.temp_files.add(tmp_pdf)
    try:
        browser.print_pdf(Path(job["html"]), tmp_pdf, paper=job.get("paper", "letter"))
        result["written"].append("pdf")
        # Moved into place by the main process, after the manifest records it; it stays in the registry so that
        # this worker removes it if the main process dies first.
        result["pdf_temp"] = str(tmp_pdf)
    except Exception as error:
        result["pdf_error"] = f"PDF not printed: {type(error).__name__}: {first_line(str(error))}"
        with contextlib.suppress(FileNotFoundError):
            tmp_pdf.unlink()
        state.temp_files.discard(tmp_pdf)


def printer(state):
    """``state``'s browser (started and warmed up now if it is not running), or None if there is no Chromium."""
    if state.printer is None and state.chromium_problem is None:
        from concurrent.futures import ThreadPoolExecutor

        from analysis.export.chromium import ChromiumMissing, ChromiumPrinter, find_chromium

        try:
            path = find_chromium()
            if path is None:
                raise ChromiumMissing()
            # The warm-up page (the exporter's imports, the Vega bundle from the cache, one small export: ~0.2 s,
            # ~0.6 s more in a process that has not imported the exporter) is made while the browser starts, which
            # is mostly waiting here.
            with ThreadPoolExecutor(max_workers=1, thread_name_prefix="medcoding-warm-up") as pool:
                page = pool.submit(_warm_up_page)
                state.printer = ChromiumPrinter(path).__enter__()
        except ChromiumMissing as missing:
            state.chromium_problem = str(missing)
            return None
        with contextlib.suppress(Exception):  # a warm-up that fails costs nothing: the first report tries again
            state.printer.warm_up(page.result(), wait=False)  # loads while nothing waits; a report interrupts it
    return state.printer


def _warm_up_page() -> str:
    from analysis.export.html import warm_up_page

    return warm_up_page()


def close_printer(state) -> None:
    """Close ``state``'s browser, if it has one."""
    if state.printer is not None:
        with contextlib.suppress(Exception):
            state.printer.close()
    state.printer = None
