"""Executed notebook -> offline HTML report -> PDF printed by a real headless Chromium.

:func:`html_report` turns an executed notebook into one self-contained HTML page: code hidden,
outputs and narrative kept, a header with the title, the date of the data, the parameters and a
table of contents, the sources at the end. Vega, Vega-Lite and Vega-Embed are in the page once, so
every chart draws, stays interactive (tooltips) and needs no network; no script, style or font comes
from elsewhere. The same notebook always gives byte-identical HTML.

:class:`ChromiumPrinter` prints such pages to PDF with one browser reused for many reports, after
every chart is drawn (charts stay vector graphics; print CSS keeps each on one page and within the
page width). :func:`find_chromium` finds the browser; :class:`ChromiumMissing` says how to get one.

Measured on the 2-core machine (busy): the Vega bundle costs ~1.5 s once per process; an export then
takes 0.05-0.15 s; printing takes 0.3-0.5 s a report with the browser and its page reused (~1.3 s to
launch it once), against ~1.7-2 s a report for ``chromium --print-to-pdf``, which starts a browser
each time. Static SVG charts from vl-convert were not chosen for PDFs: ~1.4 s more in every kernel,
and the HTML would lose its tooltips.

    html = html_report(executed_nb, title="Texas", data_date="May 2024", sources=[...])
    path.write_text(html, encoding="utf-8")
    with ChromiumPrinter(find_chromium()) as printer:
        printer.print_pdf(path, path.with_suffix(".pdf"))
"""

from __future__ import annotations

import ast
import copy
import functools
import glob
import html as html_lib
import io
import json
import os
import re
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from . import chart_text, rendering
from .errors import AnalysisError
from .report_preprocessors import MoveTaggedCellsFirst, report_config

TEMPLATES = Path(__file__).with_name("templates")
TEMPLATE_NAME = "medcoding_report"
CHROMIUM_ENV = "MEDCODING_CHROMIUM"

#: Flags for every headless Chromium the kit starts (with a fresh profile each time): nothing runs
#: in the background, nothing is fetched or synced.
BROWSER_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)

#: Paper sizes a PDF can be printed on (``medcoding build --paper``), as playwright names them.
PAPER_SIZES = {"letter": "Letter", "a4": "A4"}

# Browser names looked up on PATH, in this order, after $MEDCODING_CHROMIUM.
_BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")

#: The PDF's and the page's keywords.
REPORT_KEYWORDS = "medical coding, medical records specialists, SOC 29-2072, BLS OEWS, salary, job outlook, certification"

_VEGALITE_MIMETYPE = re.compile(r"application/vnd\.vegalite\.v\d+(\+json|\.json)")


class ReportError(AnalysisError):
    """A report could not be made from a notebook (the message says why and what to do)."""


class ChromiumMissing(ReportError):
    """No headless Chromium was found, so PDF reports cannot be printed.

    >>> print(ChromiumMissing())  # doctest: +ELLIPSIS
    No Chromium or Chrome browser was found, so PDF reports cannot be printed (HTML reports can). ...
    """

    def __init__(self, problem: str | None = None):
        message = problem or "No Chromium or Chrome browser was found, so PDF reports cannot be printed (HTML reports can)."
        super().__init__(
            message + " To get one on Debian or Ubuntu: `sudo apt-get install chromium` (or `sudo make system-deps`);"
            f" or point {CHROMIUM_ENV}=/path/to/chrome at a Chrome or Chromium already installed."
        )


class ChartsNotDrawn(ReportError):
    """A report page did not finish drawing its charts, so it was not printed."""


# ---------------------------------------------------------------------------------------------- HTML


@functools.lru_cache(maxsize=1)
def vega_bundle() -> str:
    """Vega, Vega-Lite and Vega-Embed as one script (~0.9 MB), made once per process (~1 s).

    It comes from vl-convert (no network) and sets ``window.vegaEmbed``. The template inserts it as
    a value, never parsed as Jinja (it contains ``{#``), inside a function wrapper.
    """
    import vl_convert

    # "</script" inside the code would end the page's <script> element early.
    return re.sub(r"</(script)", r"<\\/\1", vl_convert.javascript_bundle(), flags=re.I)


def html_report(
    executed_nb: nbformat.NotebookNode,
    *,
    title: str,
    data_date: str,
    sources: list[str],
    parameters: dict | None = None,
    notebook_dir: str | os.PathLike | None = None,
) -> str:
    """The offline HTML report of an executed notebook, as a string (same notebook, same bytes).

    ``parameters`` overrides the values shown in the header; by default they are read from the
    notebook: the ``parameters`` cell's defaults, replaced by what papermill injected.
    ``notebook_dir`` is the folder that relative image links in Markdown cells start from (the
    images are put into the page); by default the current directory.
    """
    nb = _report_notebook(executed_nb, title)
    shown = report_parameters(executed_nb) if parameters is None else [(k, repr(v), True) for k, v in parameters.items()]
    resources = {
        "metadata": {"name": title, "path": str(notebook_dir or "")},
        "medcoding": {
            "title": title,
            "data_date": data_date,
            "subject": f"{title}: public evidence (BLS and others) beside the claims of a 2026 medical-coding career article",
            "keywords": REPORT_KEYWORDS,
            "sources": list(sources),
            "parameters": shown,
            "vega_bundle": vega_bundle(),
            "embed_options": json.dumps(rendering.EMBED_OPTIONS, sort_keys=True),
        },
    }
    body, _ = _exporter().from_notebook_node(nb, resources=resources)
    return with_content_security_policy(_with_table_of_contents(body))


@functools.lru_cache(maxsize=1)
def _exporter():
    from nbconvert import HTMLExporter

    return HTMLExporter(
        config=report_config(),
        preprocessors=[MoveTaggedCellsFirst],
        extra_template_basedirs=[str(TEMPLATES)],
        template_name=TEMPLATE_NAME,
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
        # Validate the notebook once, not after each of nbconvert's dozen preprocessors (~0.4 s a report).
        optimistic_validation=True,
    )


def _report_notebook(executed_nb, title: str):
    """A copy of the notebook as the report shows it: charts as embed code numbered in order, each in a
    figure with its text alternative, stable cell ids, pandas table ids numbered in order. Which cells
    the report leaves out (tags) is the exporter's configuration: :func:`report_preprocessors.report_config`."""
    nb = copy.deepcopy(executed_nb)
    nb.metadata["title"] = title
    cells, charts = [], 0
    for cell in nb.cells:
        if cell.cell_type == "code":
            for output in cell.outputs:
                specs = _chart_specs(output)
                if specs is not None:
                    html = "\n".join(chart_text.figure_html(spec, charts + i + 1) for i, spec in enumerate(specs))
                    charts += len(specs)
                    output["data"] = nbformat.from_dict({"text/html": html})
        # Random ids (papermill's injected cell gets a new one each run) would change every report.
        cell["id"] = f"cell-{len(cells) + 1}"
        cells.append(cell)
    nb.cells = cells
    stable_table_ids(nb)
    return nb


def _chart_specs(output) -> list[dict] | None:
    """The chart specs an output shows, or None if it shows no chart."""
    data = output.get("data") or {}
    html = data.get("text/html", "")
    if isinstance(html, list):
        html = "".join(html)
    if f'class="{rendering.CHART_CLASS}-spec"' in html:
        return rendering.specs_in_html(html)
    for mimetype, value in data.items():
        if _VEGALITE_MIMETYPE.fullmatch(mimetype):
            return [json.loads(value) if isinstance(value, str) else dict(value)]
    if "vegaEmbed" in html and "altair-viz-" in html:
        raise ReportError(
            "A chart in this notebook was drawn by altair's default renderer, which loads Vega from the "
            "internet and so cannot go into an offline report. Let the notebook call "
            "`analysis.notebook.start(...)` (it picks the renderer) and do not call `alt.renderers.enable` yourself."
        )
    return None


def report_parameters(nb) -> list[tuple[str, str, bool]]:
    """(name, value as typed in Python, set for this report?) for each parameter of a notebook.

    Defaults come from the cell tagged ``parameters`` (plain assignments); papermill records the
    values it injected in the notebook's metadata.

    >>> nb = nbformat.v4.new_notebook()
    >>> nb.cells = [nbformat.v4.new_code_cell("state = 'CA'  # a state\\nyear = 2024", metadata={"tags": ["parameters"]})]
    >>> nb.metadata["papermill"] = {"parameters": {"state": "TX"}}
    >>> report_parameters(nb)
    [('state', "'TX'", True), ('year', '2024', False)]
    """
    defaults: dict[str, object] = {}
    for cell in nb.cells:
        if cell.cell_type == "code" and "parameters" in cell.get("metadata", {}).get("tags", []):
            for node in ast.parse(cell.source).body:
                if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                    try:
                        defaults[node.targets[0].id] = ast.literal_eval(node.value)
                    except ValueError:
                        defaults[node.targets[0].id] = ast.unparse(node.value)
    given = dict(nb.metadata.get("papermill", {}).get("parameters", {}) or {})
    names = list(defaults) + [name for name in given if name not in defaults]
    return [(name, repr(given.get(name, defaults.get(name))), name in given) for name in names]


_HEAD_PART = re.compile(r"<script([^>]*)>(.*?)</script>|</head>", re.S)
_HEAD_START = re.compile(r'<head>\s*<meta charset="utf-8"\s*/?>', re.I)


def with_content_security_policy(page: str) -> str:
    """Add a Content-Security-Policy to the page's head: the browser then runs only the report's own
    scripts (those in the head, named by their hashes) and loads nothing from anywhere.

    Every text from data, parameters and notebooks is escaped already; this is the second line of
    defence: if some text ever came through as markup, an ``<img src="http://...">`` would not be
    fetched and an ``onerror=`` or ``<script>`` would not run. Styles stay inline (pandas tables
    need them); images and fonts only from ``data:``; Vega compiles its expressions, so ``eval`` is
    allowed, for the page's own scripts only.

    >>> page = '<html><head><meta charset="utf-8"/><script>go()</script></head><body></body></html>'
    >>> print(with_content_security_policy(page))  # doctest: +ELLIPSIS
    <html><head><meta charset="utf-8"/>
    <meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'sha256-...' 'unsafe-eval'; ...">...
    """
    import base64
    import hashlib

    # The head's scripts, in order, up to the real </head> (the Vega bundle's own text contains "</head>").
    scripts = []
    for match in _HEAD_PART.finditer(page):
        if match.group(0) == "</head>":
            break
        if not match.group(1).strip():  # an executable script (not a JSON data block)
            scripts.append(match.group(2))
    else:
        raise ReportError("The report page has no </head>, so its content security policy cannot be set.")
    head_end = match.start()
    hashes = ["'sha256-" + base64.b64encode(hashlib.sha256(code.encode("utf-8")).digest()).decode() + "'"
              for code in scripts]
    policy = "; ".join([
        "default-src 'none'", f"script-src {' '.join(hashes)} 'unsafe-eval'", "style-src 'unsafe-inline'",
        "img-src data: blob:", "font-src data:", "connect-src 'none'", "media-src 'none'", "object-src 'none'",
        "frame-src 'none'", "worker-src blob:", "base-uri 'none'", "form-action 'none'",
    ])
    meta = f'\n<meta http-equiv="Content-Security-Policy" content="{policy}">'
    start = _HEAD_START.search(page, 0, head_end)
    at = start.end() if start else page.index(">", page.find("<head")) + 1
    return page[:at] + meta + page[at:]


_HEADING = re.compile(r'<h([1-6])([^>]*?)\sid="([^"]+)"([^>]*)>(.*?)</h\1>', re.S)
_TAG = re.compile(r"<[^>]+>")


def _with_table_of_contents(page: str) -> str:
    """Fill the contents placeholder with links to the page's headings (levels 1-3), and make
    heading ids unique so every link goes to its own heading."""
    entries, seen = [], {}

    def visit(match):
        level, before, anchor, after, inner = match.groups()
        seen[anchor] = seen.get(anchor, 0) + 1
        if seen[anchor] > 1:
            new = f"{anchor}-{seen[anchor]}"
            inner = inner.replace(f'href="#{anchor}"', f'href="#{new}"')
            anchor = new
        text = html_lib.unescape(_TAG.sub("", inner.replace("¶", ""))).strip()
        if int(level) <= 3 and text:
            entries.append((int(level), anchor, text))
        return f'<h{level}{before} id="{anchor}"{after}>{inner}</h{level}>'

    page = _HEADING.sub(visit, page)
    items = "\n".join(
        f'<li class="toc-level-{level}"><a href="#{html_lib.escape(anchor)}">{html_lib.escape(text)}</a></li>'
        for level, anchor, text in entries
    )
    return page.replace("<!-- medcoding:toc -->", f"<ul>\n{items}\n</ul>", 1)


# ---------------------------------------------------------------------------------------------- PDF


def find_chromium() -> Path | None:
    """A Chromium or Chrome to print PDFs with, or None.

    Looks at ``$MEDCODING_CHROMIUM`` (which must then be a program), then for ``chromium``,
    ``chromium-browser``, ``google-chrome`` and ``google-chrome-stable`` on the PATH, then for a
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

    One browser page is reused too: opening a new one costs about as much as printing a report. Every
    page load has the network cut: a request that is not for a local file is blocked and listed in the
    :class:`PrintResult`. :meth:`print_pdf` waits until every chart is drawn and raises
    :class:`ChartsNotDrawn` if one fails or they take longer than ``timeout`` seconds.
    """

    def __init__(self, executable: str | os.PathLike | None = None, *, timeout: float = 30.0, paper: str = "letter"):
        path = Path(executable) if executable else find_chromium()
        if path is None:
            raise ChromiumMissing()
        if paper not in PAPER_SIZES:
            from .errors import InputError, closest

            raise InputError("paper", paper, allowed=tuple(PAPER_SIZES), suggestion=closest(paper, tuple(PAPER_SIZES)))
        self.executable, self.timeout, self.paper = path, timeout, paper
        self._playwright = self._browser = self._page = None
        self._result: PrintResult | None = None

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
        if self._playwright is not None:
            self._playwright.stop()
            self._playwright = None

    def _open_page(self):
        if self._page is None or self._page.is_closed():
            context = self._browser.new_context(viewport={"width": 816, "height": 1056})
            page = context.new_page()
            page.route("**/*", self._route)
            page.on("console", lambda msg: msg.type == "error" and self._note_error(msg.text))
            page.on("pageerror", lambda error: self._note_error(str(error)))
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

    def _note_error(self, text: str) -> None:
        if self._result is not None:
            self._result.console_errors.append(text)

    def print_pdf(self, html_path: str | os.PathLike, pdf_path: str | os.PathLike) -> PrintResult:
        """Open ``html_path``, wait until every chart is drawn, write the PDF to ``pdf_path``.

        The PDF is tagged (a structure tree for screen readers), has bookmarks from the headings, and
        carries the page's title, description (as subject), keywords and language in its metadata. The
        paper is the printer's (Letter by default); margins come from the print CSS; each page has a
        header with the title and the date of the data, and a footer with "page x of y".
        """
        if self._browser is None:
            raise ReportError("ChromiumPrinter.print_pdf needs the printer opened first: `with ChromiumPrinter(path) as printer:`.")
        started = time.perf_counter()
        self._result = result = PrintResult(Path(pdf_path), 0, 0.0)
        page = self._open_page()
        try:
            page.goto(Path(html_path).resolve().as_uri(), wait_until="load", timeout=self.timeout * 1000)
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
            result.charts = state["drawn"]
            about = page.evaluate(_ABOUT_PAGE)
            page.pdf(
                path=str(pdf_path),
                format=PAPER_SIZES[self.paper],
                prefer_css_page_size=False,
                print_background=True,
                display_header_footer=True,
                header_template=_header(about["title"], about["date"]),
                footer_template=_footer(about["title"]),
                tagged=True,
                outline=True,
            )
            set_pdf_metadata(pdf_path, title=about["title"], subject=about["subject"], keywords=about["keywords"],
                             language=about["lang"])
        except Exception:
            # A page in an unknown state is not reused for the next report.
            page.context.close()
            self._page = None
            raise
        finally:
            self._result = None
        result.seconds = time.perf_counter() - started
        return result


_ABOUT_PAGE = """() => {
  const meta = (name) => (document.querySelector(`meta[name="${name}"]`) || {}).content || "";
  return {title: document.title, subject: meta("description"), keywords: meta("keywords"),
          date: meta("medcoding-data-date"), lang: document.documentElement.lang || ""};
}"""


def _header(title: str, data_date: str) -> str:
    """Page header: the date of the data (the footer has the title and the page number)."""
    date = f"Data as of {html_lib.escape(data_date)}" if data_date else ""
    return f'<div style="font-size:8px;color:#444;width:100%;margin:0 0.6in;text-align:right">{date}</div>'



def set_pdf_metadata(pdf_path, *, title: str, subject: str, keywords: str, language: str) -> None:
    """Write title, subject, keywords and language into a PDF (Chromium writes only the title).

    An incremental update (pypdf): the bytes Chromium wrote, its tags and bookmarks stay as they are.
    """
    from pypdf import PdfWriter
    from pypdf.generic import NameObject, TextStringObject

    writer = PdfWriter(str(pdf_path), incremental=True)
    writer.add_metadata({"/Title": title, "/Subject": subject, "/Keywords": keywords})
    if language:
        writer._root_object[NameObject("/Lang")] = TextStringObject(language)
    updated = io.BytesIO()
    writer.write(updated)
    Path(pdf_path).write_bytes(updated.getvalue())


def _footer(title: str) -> str:
    """Page footer: the report's title and 'page N of M' (Chromium fills in the numbers)."""
    return (
        '<div style="font-size:8px;color:#444;width:100%;margin:0 0.6in;display:flex;justify-content:space-between">'
        f'<span>{html_lib.escape(title)}</span><span>page <span class="pageNumber"></span> of <span class="totalPages"></span></span></div>'
    )


_STYLER_TABLE = re.compile(r'<table id="T_([0-9a-f]+)"')


def stable_table_ids(nb) -> None:
    """Number pandas Styler tables in order (``T_1``, ``T_2``...) instead of their random ids, so the same
    notebook gives the same HTML (each id is only used inside its own output).

    >>> cell = {"cell_type": "code", "outputs": [{"output_type": "execute_result",
    ...         "data": {"text/html": '<style>#T_9f3a2_row0 {}</style><table id="T_9f3a2"><td id="T_9f3a2_row0">'}}]}
    >>> nb = {"cells": [cell]}
    >>> stable_table_ids(nb)
    >>> nb["cells"][0]["outputs"][0]["data"]["text/html"]
    '<style>#T_1_row0 {}</style><table id="T_1"><td id="T_1_row0">'
    """
    number = 0
    for cell in nb["cells"]:
        for output in cell.get("outputs", []):
            data = output.get("data") or {}
            html = data.get("text/html")
            if html is None:
                continue
            text = "".join(html) if isinstance(html, list) else html
            for found in dict.fromkeys(_STYLER_TABLE.findall(text)):
                number += 1
                text = re.sub(rf"\bT_{found}(?![0-9a-f])", f"T_{number}", text)
            data["text/html"] = text
