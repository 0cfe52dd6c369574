"""Executed notebook -> offline HTML report, through an nbconvert preprocessor pipeline.

:func:`html_report` turns an executed notebook into one self-contained HTML page: code hidden,
outputs and narrative kept, a header with the title, the date of the data, the parameters and a
table of contents, the sources at the end. Vega, Vega-Lite and Vega-Embed are in the page once, so
every chart draws, stays interactive (tooltips) and needs no network; no script, style or font comes
from elsewhere. The same notebook always gives byte-identical HTML. Which cells the report drops and
how its outputs are made stable are the preprocessors of :mod:`analysis.export.preprocessors`.

Measured on the 2-core machine (busy): an export takes 0.05-0.15 s; the Vega bundle is read from the kit's
cache (:mod:`analysis.export.bundle`; ~1.1 s the first time it is made). Static SVG charts from vl-convert were not chosen for PDFs: ~1.4 s more in every
kernel, and the HTML would lose its tooltips.

    html = html_report(executed_nb, title="Texas", data_date="May 2024", sources=[...])
    path.write_text(html, encoding="utf-8")
"""
from __future__ import annotations

import functools
import html as html_lib
import json
import os
import re
import threading
from pathlib import Path

import nbformat

from analysis.export.bundle import start_vega_bundle, vega_bundle  # noqa: F401  (start_vega_bundle: for the build)
from analysis.export.errors import ReportError
from analysis.export.preprocessors import (ChartEmbedPreprocessor, MoveTaggedCellsFirst, StableIdsPreprocessor,
                                          report_config)
from analysis.core.params import parameters_cell_values
from analysis.present import rendering, theme

TEMPLATES = Path(__file__).with_name("templates")
TEMPLATE_NAME = "medcoding_report"
#: The page's description (and the PDF's subject, after the title) and keywords.
REPORT_SUBJECT = "public evidence (BLS and others) beside the claims of a 2026 medical-coding career article"
REPORT_KEYWORDS = "medical coding, medical records specialists, SOC 29-2072, BLS OEWS, salary, job outlook, certification"



# ---------------------------------------------------------------------------------------------- HTML


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
    nb = nbformat.from_dict(dict(executed_nb))
    nb.metadata = nbformat.from_dict({**executed_nb.metadata, "title": title})
    shown = report_parameters(executed_nb) if parameters is None else [(k, repr(v), True) for k, v in parameters.items()]
    resources = {
        "metadata": {"name": title, "path": str(notebook_dir or "")},
        "medcoding": {
            "title": title,
            "data_date": data_date,
            "subject": f"{title}: {REPORT_SUBJECT}",
            "keywords": REPORT_KEYWORDS,
            "sources": list(sources),
            "parameters": shown,
            "vega_bundle": vega_bundle(),
            "embed_options": json.dumps(rendering.EMBED_OPTIONS, sort_keys=True),
        },
    }
    # One export at a time: nbconvert's exporter re-registers filters on itself for each notebook, and the
    # printer's warm-up page may be made in another thread of a build.
    with _EXPORT_LOCK:
        body, _ = _exporter().from_notebook_node(nb, resources=resources)
    return with_content_security_policy(_with_table_of_contents(body))


_EXPORT_LOCK = threading.Lock()

# The warm-up page's chart: drawn as the reports draw theirs (named data, a layer of bars and labels, a tooltip,
# axis titles, the kit's theme), small.
_WARM_UP_CHART = {
    **theme.theme_config(),
    "title": "Warm-up chart",
    "data": {"name": "warm-up"},
    "datasets": {"warm-up": [{"group": "first", "value": 1.5, "label": "1.5"}, {"group": "second", "value": 2.25, "label": "2.25"}]},
    "encoding": {"x": {"field": "group", "type": "nominal", "title": "Group"},
                 "y": {"field": "value", "type": "quantitative", "title": "Value"}},
    "layer": [{"mark": {"type": "bar"}, "encoding": {"tooltip": [{"field": "value", "type": "quantitative"}]}},
              {"mark": {"type": "text", "dy": -6}, "encoding": {"text": {"field": "label", "type": "nominal"}}}],
}


@functools.lru_cache(maxsize=1)
def warm_up_page() -> str:
    """A small report page made by the same exporter and template as every report: the same Vega bundle and
    chart-drawing script in its head, the same styles, one chart and one table. A headless browser that has
    loaded and printed it has compiled and run that code once, so its first real report costs no more than the
    next (:meth:`analysis.export.chromium.ChromiumPrinter.warm_up`). Made once per process.
    """
    table = {"text/html": "<table><tr><th>group</th><th>value</th></tr><tr><td>first</td><td>1.5</td></tr></table>",
             "text/plain": "group value"}
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Warm-up\n\nA page printed before the first report, and dropped."),
        nbformat.v4.new_code_cell("table", outputs=[nbformat.v4.new_output("execute_result", table, execution_count=1)]),
        nbformat.v4.new_code_cell("chart", outputs=[nbformat.v4.new_output("display_data", {rendering.LAB_MIMETYPE: _WARM_UP_CHART})]),
    ])
    return html_report(nb, title="Warm-up", data_date="(none: a warm-up page)", sources=["None"], parameters={})


@functools.lru_cache(maxsize=1)
def _exporter():
    from nbconvert import HTMLExporter

    # Which cells a report leaves out is configuration of nbconvert's own TagRemovePreprocessor
    # (preprocessors.report_config): notebook-only teaching prose, parameter cells, exercises, remove-cell.
    return HTMLExporter(
        config=report_config(),
        preprocessors=[MoveTaggedCellsFirst, ChartEmbedPreprocessor, StableIdsPreprocessor],
        extra_template_basedirs=[str(TEMPLATES)],
        template_name=TEMPLATE_NAME,
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
        # Validate the notebook once, not after each of nbconvert's dozen preprocessors (~0.4 s a report).
        optimistic_validation=True,
    )


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
            defaults.update(parameters_cell_values(cell.source))
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
