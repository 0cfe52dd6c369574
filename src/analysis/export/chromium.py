"""PDF reports: the offline HTML report printed by a real headless Chromium, one browser reused for many.

:class:`ChromiumPrinter` prints such pages to PDF after every chart is drawn (charts stay vector
graphics; print CSS keeps each on one page and within the page width). :func:`find_chromium` finds
the browser; :class:`ChromiumMissing` says how to get one.

Measured on the 2-core machine (2026-11, Chromium 156's headless shell, ``benchmarks/stage_profile.py``): a
report prints in ~0.4 s with the browser and its page reused (~0.3 s to launch it once). A print costs ~0.5 s of
CPU: the renderer ~0.44 (the 1.3 MB page parsed and the Vega bundle run, ~0.07 s of wall time; the charts
compiled and drawn, ~0.12 s; the page laid out and printed, ~0.15 s; its garbage collected), playwright's node
driver, the browser and Python ~0.02 each. With the full ``chromium`` of the same version the browser and its
GPU process (which draws a screen nobody sees) added ~0.1 s more. The first report a new page prints costs
~0.2-0.4 s more (a new renderer compiling and running the bundle the first time, the print pipeline);
:meth:`ChromiumPrinter.warm_up` pays that while nothing waits.

    with ChromiumPrinter(find_chromium()) as printer:
        printer.print_pdf(path, path.with_suffix(".pdf"))
"""

from __future__ import annotations

import contextlib
import glob
import html as html_lib
import io
import os
import re
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from analysis.core.env import CHROMIUM_ENV
from analysis.core.errors import lookup
from analysis.export.errors import ChartsNotDrawn, ChromiumMissing, ReportError

#: Flags for every headless Chromium the kit starts (with a fresh profile each time): nothing runs
#: in the background, nothing is fetched or synced. (No ``--disable-features``: playwright passes its own
#: list, and a second one would replace it.) Tried for a cheaper print and left out, as none changed a
#: print's CPU beyond the noise (±10%, 16 prints each): ``--js-flags=--no-opt``, ``--max-opt=1``,
#: ``--no-maglev``, ``--in-process-gpu``, ``--num-raster-threads=1``, ``--no-zygote``,
#: ``--disable-gpu-compositing``.
BROWSER_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # The printer collects a page's garbage after each report (see PRINTS_PER_PAGE).
    "--js-flags=--expose-gc",
)

#: A page's renderer keeps every report it printed until V8 collects its garbage, which it does late:
#: left alone, 40 prints grew the printer to 1.7 GiB (PSS; each print kept two more documents alive). So
#: the printer collects the page's garbage after each report (``gc()``, which ``--js-flags=--expose-gc``
#: gives pages; ~0.04 s of CPU), and its memory stayed flat over 80 prints. This limit used to do that job
#: alone, with a new page every 5 reports, and each new renderer compiles and runs the Vega bundle again
#: (~0.6 s of CPU). Measured on full cold builds (57 reports, 2 jobs, the full chromium): 42.6 s and 1.39 GiB
#: peak with the collection, against 45.0 s and 1.31 GiB with a page every 5 (the limit is 1.5 GiB; with the
#: headless shell, 1.23 GiB). The limit stays, high, in case something else grows.
PRINTS_PER_PAGE = 50

#: Paper sizes a PDF can be printed on (``medcoding build --paper``), and their names in playwright.
PAPER_SIZES = {"letter": "Letter", "a4": "A4"}

# Browser names looked up on PATH, in this order, after $MEDCODING_CHROMIUM. Chromium's headless shell first
# (Debian's chromium-headless-shell, the same Chromium without the desktop browser around it; playwright's own
# choice for headless work): it printed the same reports (text, tags, pages) with 15-20% less CPU a print and
# ~140 MiB less memory than the full chromium of the same version (0.47-0.52 s against 0.59-0.62 s, 30 prints).
_BROWSER_NAMES = ("chromium-headless-shell", "chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def find_chromium() -> Path | None:
    """A Chromium or Chrome to print PDFs with, or None.

    Looks at ``$MEDCODING_CHROMIUM`` (which must then be a program), then for ``chromium-headless-shell``,
    ``chromium``, ``chromium-browser``, ``google-chrome`` and ``google-chrome-stable`` on the PATH, then for a
    browser that playwright has installed (the kit never downloads one).
    """
    chosen = os.environ.get(CHROMIUM_ENV, "").strip()
    if chosen:
        path = Path(chosen).expanduser()
        if path.is_file() and os.access(path, os.X_OK):
            return path
        found = shutil.which(chosen)
        if found:
            return Path(found)
        raise ChromiumMissing(f"{CHROMIUM_ENV}={chosen!r} is not a program that can be run.")
    for name in _BROWSER_NAMES:
        found = shutil.which(name)
        if found:
            return Path(found)
    return _playwright_browser()


def _playwright_browser() -> Path | None:
    """A Chromium that ``playwright install`` put in its cache, if any (newest first)."""
    roots = [os.environ.get("PLAYWRIGHT_BROWSERS_PATH", ""), "~/.cache/ms-playwright"]
    patterns = ("chromium-*/chrome-linux*/chrome", "chromium_headless_shell-*/chrome-linux*/headless_shell")
    for root in filter(None, roots):
        for pattern in patterns:
            for candidate in sorted(glob.glob(os.path.join(os.path.expanduser(root), pattern)), reverse=True):
                if os.access(candidate, os.X_OK):
                    return Path(candidate)
    return None


@dataclass
class PrintResult:
    """What happened while a report was printed."""

    pdf_path: Path
    charts: int
    seconds: float
    blocked_requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)


class ChromiumPrinter:
    """One headless Chromium (driven by playwright, never downloaded), reused to print many reports.

    One browser page is reused too, for :data:`PRINTS_PER_PAGE` reports: a new one costs a new renderer
    process, about as much CPU as printing a report (measured: 1.5 s a report with a new context each,
    0.6 s reusing one), but one kept for ever keeps growing. Every
    page load has the network cut: a request that is not for a local file is blocked and listed in the
    :class:`PrintResult` (a route through Python: a report makes one request, its own file, so it costs
    ~2 ms of CPU; a context with ``offline=True`` and no route measured the same). :meth:`print_pdf` waits
    until every chart is drawn and raises :class:`ChartsNotDrawn` if one fails or they take longer than
    ``timeout`` seconds.
    """

    def __init__(self, executable: str | os.PathLike | None = None, *, timeout: float = 30.0, paper: str = "letter"):
        path = Path(executable) if executable else find_chromium()
        if path is None:
            raise ChromiumMissing()
        self.executable, self.timeout, self.paper = path, timeout, lookup("paper", paper, PAPER_SIZES)
        self._playwright = self._browser = self._page = None
        self._page_prints = 0
        self._result: PrintResult | None = None
        self._warm_up_file: Path | None = None  # the warm-up page, in a temporary folder of this printer

    def __enter__(self) -> "ChromiumPrinter":
        from playwright.sync_api import sync_playwright

        self._playwright = sync_playwright().start()
        try:
            # playwright gives the browser a fresh, temporary profile (user-data-dir).
            self._browser = self._playwright.chromium.launch(
                executable_path=str(self.executable),
                headless=True,
                args=[flag for flag in BROWSER_FLAGS if flag != "--headless"],
            )
        except Exception as error:
            self._playwright.stop()
            self._playwright = None
            first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            raise ChromiumMissing(f"The browser {self.executable} did not start ({first_line}).") from error
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def browser(self):
        """The running playwright ``Browser``, for opening pages of your own (the tests do).

        Only one playwright can run in a thread, so code that prints reports and also drives the
        browser itself uses this one.
        """
        if self._browser is None:
            raise ReportError("The printer is not open: use `with ChromiumPrinter(path) as printer:`.")
        return self._browser

    def close(self) -> None:
        """Close the browser (``with`` does it for you)."""
        if self._browser is not None:
            self._browser.close()
            self._browser = self._page = None
            self._page_prints = 0
        if self._playwright is not None:
            self._playwright.stop()
            self._playwright = None
        if self._warm_up_file is not None:
            shutil.rmtree(self._warm_up_file.parent, ignore_errors=True)
            self._warm_up_file = None

    def warm_up(self, page_html: str | None = None, *, wait: bool = True) -> None:
        """Open the page on a small report and print it (to nothing), so that the first report prints as fast as
        the next.

        The page (:func:`analysis.export.html.warm_up_page`; ``page_html`` if already made) comes from the same
        exporter and template as the reports: it runs the same Vega bundle and draws a chart, so the renderer has
        compiled and run that code and laid out the same styles before the first report comes. It is a file: page,
        like the reports, so that they reuse the renderer process started here.

        With ``wait=False`` (what a build does) this returns as soon as the page starts loading, and it is not
        printed: the page loads while nothing waits on the printer, and a report that comes sooner interrupts it
        instead of waiting for it (measured, the report's HTML ready 0-1.2 s after the browser's start: its PDF done
        0.5-0.85 s after the HTML, against 0.45-1.1 s waiting for the warm-up and 0.8 s without one).
        """
        if page_html is None:
            from analysis.export.html import warm_up_page

            page_html = warm_up_page()
        if self._warm_up_file is None:
            import tempfile

            self._warm_up_file = Path(tempfile.mkdtemp(prefix="medcoding-warm-up-")) / "warm-up.html"
        self._warm_up_file.write_text(page_html, encoding="utf-8")
        page = self._open_page()
        try:
            page.goto(self._warm_up_file.as_uri(), wait_until="load" if wait else "commit", timeout=self.timeout * 1000)
            if not wait:
                return
            self._wait_for_charts(page, "the warm-up page")
            about = page.evaluate(_ABOUT_PAGE)
            pdf_with_metadata(self._pdf(page, self.paper, about), title=about["title"], subject=about["subject"],
                              keywords=about["keywords"], language=about["lang"])
        except Exception:
            self._close_page()  # the first report gets a new page
            raise

    def _open_page(self):
        if self._page is None or self._page.is_closed():
            context = self._browser.new_context(viewport={"width": 816, "height": 1056})
            page = context.new_page()
            page.route("**/*", self._route)
            page.on("console", lambda msg: msg.type == "error" and self._note_error(page, msg.text))
            page.on("pageerror", lambda error: self._note_error(page, str(error)))
            self._page = page
        return self._page

    def _route(self, route) -> None:
        url = route.request.url
        if url.startswith(("file://", "data:", "blob:", "about:")):
            route.continue_()
        else:
            if self._result is not None:
                self._result.blocked_requests.append(url)
            route.abort()

    def _note_error(self, page, text: str) -> None:
        # Not the report's: a warm-up page still loading when the report's navigation began.
        if self._result is not None and not (self._warm_up_file and page.url == self._warm_up_file.as_uri()):
            self._result.console_errors.append(text)

    def print_pdf(self, html_path: str | os.PathLike, pdf_path: str | os.PathLike, *, paper: str | None = None) -> PrintResult:
        """Open ``html_path``, wait until every chart is drawn, write the PDF to ``pdf_path``.

        The PDF is tagged (a structure tree for screen readers), has bookmarks from the headings, and
        carries the page's title, description (as subject), keywords and language in its metadata. The
        paper is ``paper`` (one of :data:`PAPER_SIZES`; by default the printer's, Letter unless set);
        margins come from the print CSS; each page has a header with the date of the data, and a footer
        with the title and "page x of y".
        """
        paper = self.paper if paper is None else lookup("paper", paper, PAPER_SIZES)
        if self._browser is None:
            raise ReportError("ChromiumPrinter.print_pdf needs the printer opened first: `with ChromiumPrinter(path) as printer:`.")
        started = time.perf_counter()
        self._result = result = PrintResult(Path(pdf_path), 0, 0.0)
        page = self._open_page()
        try:
            page.goto(Path(html_path).resolve().as_uri(), wait_until="load", timeout=self.timeout * 1000)
            result.charts = self._wait_for_charts(page, html_path)
            about = page.evaluate(_ABOUT_PAGE)
            pdf = self._pdf(page, paper, about)
            Path(pdf_path).write_bytes(pdf_with_metadata(pdf, title=about["title"], subject=about["subject"],
                                                         keywords=about["keywords"], language=about["lang"]))
            page.evaluate("() => window.gc && window.gc()")  # see PRINTS_PER_PAGE
        except Exception:
            # A page in an unknown state is not reused for the next report.
            self._close_page()
            raise
        finally:
            self._result = None
        self._page_prints += 1
        if self._page_prints >= PRINTS_PER_PAGE:
            self._close_page()  # its memory goes now; the next report opens a new page
        result.seconds = time.perf_counter() - started
        return result

    def _wait_for_charts(self, page, html_path) -> int:
        """Wait until the page has drawn every chart; the number drawn, or :class:`ChartsNotDrawn`."""
        try:
            page.wait_for_function("() => window.medcodingCharts && window.medcodingCharts.done", timeout=self.timeout * 1000)
        except Exception as error:
            raise ChartsNotDrawn(
                f"{html_path}: the charts were not all drawn within {self.timeout:g} s, so no PDF was printed."
                " Open the HTML report in a browser to see which chart is missing."
            ) from error
        state = page.evaluate("() => window.medcodingCharts")
        if state["failed"]:
            raise ChartsNotDrawn(f"{html_path}: {len(state['failed'])} chart(s) could not be drawn: {'; '.join(state['failed'])}")
        return state["drawn"]

    @staticmethod
    def _pdf(page, paper: str, about: dict) -> bytes:
        """The page printed: tagged, with bookmarks, a header and a footer (the same for the warm-up and reports)."""
        return page.pdf(
            format=PAPER_SIZES[paper],
            print_background=True,
            display_header_footer=True,
            header_template=_header(about["date"]),
            footer_template=_footer(about["title"]),
            tagged=True,
            outline=True,
        )

    def _close_page(self) -> None:
        if self._page is not None:
            with contextlib.suppress(Exception):
                self._page.context.close()
        self._page, self._page_prints = None, 0


# What the PDF's header and metadata need from the page (its head's meta tags, written by export.html).
_ABOUT_PAGE = """() => {
  const meta = (name) => (document.querySelector(`meta[name="${name}"]`) || {}).content || "";
  return {title: document.title, subject: meta("description"), keywords: meta("keywords"),
          date: meta("medcoding-data-date"), lang: document.documentElement.lang || ""};
}"""


def _header(data_date: str) -> str:
    """Page header: the date of the data (the footer has the title and the page number)."""
    date = f"Data as of {html_lib.escape(data_date)}" if data_date else ""
    return f'<div style="font-size:8px;color:#444;width:100%;margin:0 0.6in;text-align:right">{date}</div>'


def _footer(title: str) -> str:
    """Page footer: the report's title and 'page N of M' (Chromium fills in the numbers)."""
    return (
        '<div style="font-size:8px;color:#444;width:100%;margin:0 0.6in;display:flex;justify-content:space-between">'
        f'<span>{html_lib.escape(title)}</span><span>page <span class="pageNumber"></span> of <span class="totalPages"></span></span></div>'
    )


_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")


def pdf_with_metadata(data: bytes, *, title: str, subject: str, keywords: str, language: str) -> bytes:
    """The PDF ``data`` with title, subject, keywords and language set (Chromium writes the title, and the
    language of a tagged PDF, but no subject or keywords).

    An incremental update: Chromium's bytes, its tags and bookmarks, stay as they are; a new version of the
    document information (and of the catalog, if the language differs) and a cross-reference section for them
    are added at the end. pypdf reads the objects and writes their text; it is not asked to clone the whole
    document, which costs ~0.08 s a report (its ``PdfWriter(incremental=True)`` reads every object), against
    ~0.01 s this way.
    """
    from pypdf import PdfReader
    from pypdf.generic import DictionaryObject, IndirectObject, NameObject, NumberObject, TextStringObject

    found = _STARTXREF.search(data, max(0, len(data) - 1024))
    reader = PdfReader(io.BytesIO(data))
    if found is None or not data.startswith(b"xref", int(found.group(1))) or "/Root" not in reader.trailer:
        return _pdf_with_metadata_rewritten(data, title=title, subject=subject, keywords=keywords, language=language)
    trailer = reader.trailer
    size = int(trailer["/Size"])
    changed = {}  # (number, generation) -> the object's new version
    info_ref = trailer.raw_get("/Info") if "/Info" in trailer else None
    if isinstance(info_ref, IndirectObject):
        info_key = (info_ref.idnum, info_ref.generation)
        old_info = info_ref.get_object()
    else:
        info_key, size = (size, 0), size + 1
        old_info = {}
    info = DictionaryObject({NameObject(name): value for name, value in old_info.items()})
    for name, value in (("/Title", title), ("/Subject", subject), ("/Keywords", keywords)):
        info[NameObject(name)] = TextStringObject(value)
    changed[info_key] = info
    root_ref = trailer.raw_get("/Root")
    root = root_ref.get_object()
    if language and root.get("/Lang") != language:
        new_root = DictionaryObject({NameObject(name): value for name, value in root.items()})
        new_root[NameObject("/Lang")] = TextStringObject(language)
        changed[(root_ref.idnum, root_ref.generation)] = new_root

    out = io.BytesIO()
    out.write(data if data.endswith(b"\n") else data + b"\n")
    offsets = {}
    for (number, generation), value in sorted(changed.items()):
        offsets[number] = (out.tell(), generation)
        out.write(f"{number} {generation} obj\n".encode())
        value.write_to_stream(out)
        out.write(b"\nendobj\n")
    xref_at = out.tell()
    # Object 0's entry first, as other incremental writers do: readers that expect a section to start at 0 (pypdf
    # in strict mode) do not renumber the objects.
    out.write(b"xref\n0 1\n0000000000 65535 f\r\n")
    for number, (offset, generation) in sorted(offsets.items()):
        out.write(f"{number} 1\n{offset:010d} {generation:05d} n\r\n".encode())
    new_trailer = DictionaryObject({
        NameObject("/Size"): NumberObject(size),
        NameObject("/Root"): root_ref,
        NameObject("/Info"): IndirectObject(info_key[0], info_key[1], reader),
        NameObject("/Prev"): NumberObject(int(found.group(1))),
    })
    if "/ID" in trailer:
        new_trailer[NameObject("/ID")] = trailer.raw_get("/ID")
    out.write(b"trailer\n")
    new_trailer.write_to_stream(out)
    out.write(f"\nstartxref\n{xref_at}\n%%EOF\n".encode())
    return out.getvalue()


def _pdf_with_metadata_rewritten(data: bytes, *, title: str, subject: str, keywords: str, language: str) -> bytes:
    """The same, for a PDF whose cross-references are a stream (not what Chromium writes): pypdf's own
    incremental update."""
    from pypdf import PdfWriter
    from pypdf.generic import NameObject, TextStringObject

    writer = PdfWriter(io.BytesIO(data), incremental=True)
    writer.add_metadata({"/Title": title, "/Subject": subject, "/Keywords": keywords})
    if language:
        writer._root_object[NameObject("/Lang")] = TextStringObject(language)
    updated = io.BytesIO()
    writer.write(updated)
    return updated.getvalue()
