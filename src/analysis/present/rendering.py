"""One explicit switch per output target: JupyterLab, HTML report, PDF report.

The target comes from the environment variable ``MEDCODING_TARGET`` (``lab`` when unset), so a
notebook is the same file for every target; :func:`configure` (called by
``analysis.notebook.start``) picks the altair renderer for it:

``lab`` (default)
    Each chart is a Vega-Lite mimetype output that JupyterLab draws with the Vega it ships, with no
    network. altair 6.3's own ``mimetype`` renderer emits ``application/vnd.vegalite.v6.json``, which
    JupyterLab 4.6 does not know (it renders Vega-Lite v3-v5 mimetypes, with Vega-Lite 5.6) and
    shows as plain text; so the chart is sent as ``application/vnd.vegalite.v5+json``.
``html``
    Each chart is a few hundred bytes of embed code (a ``<div>`` and its spec as JSON) and no
    JavaScript library: the report template (:mod:`analysis.export.html`) puts Vega, Vega-Lite and
    Vega-Embed into the page once, and draws every chart when the page loads.
``pdf``
    The same as ``html``: a PDF is the offline HTML report printed by a headless Chromium after every
    chart is drawn, so charts stay vector graphics with selectable text.

>>> import os
>>> os.environ.pop(TARGET_ENV, None) and None
>>> target()
'lab'
>>> os.environ[TARGET_ENV] = "HTML"
>>> target()
'html'
>>> os.environ[TARGET_ENV] = "pfd"
>>> target()
Traceback (most recent call last):
...
analysis.core.errors.InputError: MEDCODING_TARGET='pfd' is not allowed. Did you mean 'pdf'? Allowed: lab, html, pdf.
>>> del os.environ[TARGET_ENV]
"""

from __future__ import annotations

import itertools
import json
import os
import re

from analysis.core.env import TARGET_ENV
from analysis.core.errors import lookup
from analysis.present import theme

TARGETS = ("lab", "html", "pdf")

#: The mimetype JupyterLab 4.6 draws offline (with its own Vega-Lite 5.6; specs from altair 6 draw, and
#: the browser console notes the version difference).
LAB_MIMETYPE = "application/vnd.vegalite.v5+json"

#: Options for vega-embed, the same in JupyterLab and in reports. SVG keeps charts vector (and their
#: text searchable) in PDFs; no action opens a web page (the Vega Editor would need the network).
EMBED_OPTIONS = {
    "renderer": "svg",
    "actions": {"export": True, "source": False, "compiled": False, "editor": False},
}

#: CSS class and id prefix of a chart's ``<div>`` in HTML output.
CHART_CLASS = "medcoding-chart"

_RENDERER_FOR = {"lab": "medcoding-lab", "html": "medcoding-embed", "pdf": "medcoding-embed"}
_chart_numbers = itertools.count(1)


def target() -> str:
    """The output target named by ``MEDCODING_TARGET``: ``lab`` (unset), ``html`` or ``pdf``."""
    value = os.environ.get(TARGET_ENV, "lab").strip().lower() or "lab"
    return lookup(TARGET_ENV, value, TARGETS)


def configure() -> str:
    """Enable the altair renderer for the current target and the kit's colour theme; return the target's name.

    The theme (:mod:`analysis.present.theme`) is enabled here so that notebooks, HTML and PDF reports
    all draw with the same colour-blind-safe palette.

    >>> import altair as alt
    >>> configure()
    'lab'
    >>> alt.renderers.active, alt.theme.active
    ('medcoding-lab', 'medcoding')
    """
    import altair as alt

    current = target()
    alt.renderers.register("medcoding-lab", lab_bundle)
    alt.renderers.register("medcoding-embed", embed_bundle)
    alt.renderers.enable(_RENDERER_FOR[current])
    theme.enable()
    return current


def lab_bundle(spec: dict, **_options) -> tuple[dict, dict]:
    """The output JupyterLab draws offline: the Vega-Lite spec under :data:`LAB_MIMETYPE`.

    The ``text/plain`` part is what a front end without a Vega-Lite renderer shows instead.

    >>> data, metadata = lab_bundle({"mark": "bar", "title": "Wages"})
    >>> sorted(data)
    ['application/vnd.vegalite.v5+json', 'text/plain']
    >>> print(data["text/plain"])
    Chart: Wages (open this notebook in JupyterLab 4 to see it; see analysis.present.rendering)
    """
    data = {
        LAB_MIMETYPE: spec,
        "text/plain": f"Chart: {chart_title(spec) or 'untitled'} "
        "(open this notebook in JupyterLab 4 to see it; see analysis.present.rendering)",
    }
    return data, {LAB_MIMETYPE: {"embed_options": EMBED_OPTIONS}}


def embed_bundle(spec: dict, **_options) -> dict:
    """The output of a chart in an HTML or PDF report: small embed code, no JavaScript library.

    >>> html = embed_bundle({"mark": "bar"})["text/html"]
    >>> html.startswith('<div class="medcoding-chart" id="medcoding-chart-')
    True
    >>> len(html) < 300
    True
    """
    return {"text/html": chart_html(spec, next(_chart_numbers))}


def chart_html(spec: dict, number: int) -> str:
    """The embed code of chart ``number``: an empty ``<div>`` and the spec as JSON beside it.

    The report page draws every such chart when it loads. The JSON is written with sorted keys and
    ``<`` escaped, so the same spec always gives the same text and cannot end the ``<script>`` early.

    >>> print(chart_html({"title": "</script>", "mark": "bar"}, 2))
    <div class="medcoding-chart" id="medcoding-chart-2"></div>
    <script type="application/json" class="medcoding-chart-spec" data-chart="medcoding-chart-2">{"mark":"bar","title":"\\u003c/script>"}</script>
    """
    chart_id = f"{CHART_CLASS}-{int(number)}"
    text = json.dumps(spec, sort_keys=True, separators=(",", ":"), ensure_ascii=False).replace("<", "\\u003c")
    return (
        f'<div class="{CHART_CLASS}" id="{chart_id}"></div>\n'
        f'<script type="application/json" class="{CHART_CLASS}-spec" data-chart="{chart_id}">{text}</script>'
    )


# Attributes in any order: the report's HTML writer reorders them.
_SPEC_IN_HTML = re.compile(rf'<script\b[^>]*\bclass="{CHART_CLASS}-spec"[^>]*>(.*?)</script>', re.S)


def specs_in_html(html: str) -> list[dict]:
    """The chart specs in embed code written by :func:`chart_html` (or in a report made of it), in order.

    >>> specs_in_html(chart_html({"mark": "point"}, 7) + chart_html({"mark": "bar"}, 1))
    [{'mark': 'point'}, {'mark': 'bar'}]
    >>> specs_in_html('<script class="medcoding-chart-spec" data-chart="c" type="application/json">{}</script>')
    [{}]
    """
    return [json.loads(text) for text in _SPEC_IN_HTML.findall(html)]


def chart_title(spec: dict) -> str:
    """A chart's title as plain text ('' when it has none).

    >>> chart_title({"title": {"text": ["Median wage", "by state"], "subtitle": "BLS"}})
    'Median wage by state'
    >>> chart_title({"mark": "bar"})
    ''
    """
    title = spec.get("title", "")
    if isinstance(title, dict):
        title = title.get("text", "")
    if isinstance(title, list):
        title = " ".join(str(part) for part in title)
    return str(title)
