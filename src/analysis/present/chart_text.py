"""Text alternatives for the charts of a report: what a screen reader says and a PDF carries.

Each chart of an HTML or PDF report is put in a ``<figure>`` whose caption is a short summary
generated from the chart's own Vega-Lite spec and data (its title, what it plots, how many values,
the lowest and the highest); the same text becomes the spec's ``description``, which Vega turns into
the SVG's ``aria-label``. Nothing is typed by hand, so the text cannot drift from the chart.

>>> spec = {"title": "Wages", "mark": "bar", "data": {"values": [
...     {"state": "Texas", "wage_usd": 47230}, {"state": "Ohio", "wage_usd": 48000}]},
...     "encoding": {"x": {"field": "wage_usd", "type": "quantitative", "title": "Median wage (USD)"},
...                  "y": {"field": "state", "type": "nominal"}}}
>>> print(describe(spec))
Wages. Bar chart of Median wage (USD) for 2 values of state: lowest Texas ($47,230), highest Ohio ($48,000).
"""

from __future__ import annotations

import html
import math

from analysis.present import controls, rendering
from analysis.present.formats import chart_number

_MARK_NAMES = {"bar": "Bar", "line": "Line", "point": "Dot", "circle": "Dot", "rect": "Tile", "area": "Area",
               "tick": "Tick", "rule": "Rule", "text": "Text", "square": "Dot", "boxplot": "Box"}


def _layers(spec: dict) -> list[dict]:
    """The single views of a (possibly layered or concatenated) spec, each with the data it sees."""
    views = []

    def walk(node, data):
        data = node.get("data", data)
        for key in ("layer", "hconcat", "vconcat", "concat"):
            for child in node.get(key, []) or []:
                walk(child, data)
        if "mark" in node:
            views.append({**node, "data": data})

    walk(spec, spec.get("data"))
    return views


def _rows(spec: dict, data) -> list[dict]:
    if not isinstance(data, dict):
        return []
    if "values" in data and isinstance(data["values"], list):
        return [r for r in data["values"] if isinstance(r, dict)]
    return [r for r in spec.get("datasets", {}).get(data.get("name"), []) if isinstance(r, dict)]


def _number(value: float, field: str) -> str:
    return chart_number(value, money="usd" in field.lower() or "wage" in field.lower())


def _title(channel: dict) -> str:
    title = channel.get("title")
    if isinstance(title, list):
        title = " ".join(map(str, title))
    return str(title or channel.get("field", ""))


def describe(spec: dict) -> str:
    """A one- or two-sentence summary of ``spec`` and its data (see the module's example)."""
    parts = [rendering.chart_title(spec).strip()]
    for view in _layers(spec):
        encoding = view.get("encoding", {})
        channels = [encoding.get(c) for c in ("x", "y") if isinstance(encoding.get(c), dict) and encoding[c].get("field")]
        quantitative = [c for c in channels if c.get("type") == "quantitative"]
        categories = [c for c in channels if c.get("type") in ("nominal", "ordinal")]
        if not quantitative:
            continue
        rows = _rows(spec, view.get("data"))
        value = quantitative[0]
        field = value["field"]
        numbers = [(r[field], r) for r in rows if isinstance(r.get(field), (int, float)) and not isinstance(r.get(field), bool)
                   and math.isfinite(r[field])]
        if not numbers:
            continue
        mark = view["mark"]["type"] if isinstance(view["mark"], dict) else view["mark"]
        low, high = min(numbers, key=lambda n: n[0]), max(numbers, key=lambda n: n[0])
        if categories:
            name = categories[0]["field"]
            parts.append(f"{_MARK_NAMES.get(mark, mark.capitalize())} chart of {_title(value)} for {len(numbers)} values "
                         f"of {_title(categories[0])}: lowest {low[1].get(name)} ({_number(low[0], field)}), "
                         f"highest {high[1].get(name)} ({_number(high[0], field)}).")
        else:
            parts.append(f"{_MARK_NAMES.get(mark, mark.capitalize())} chart of {len(numbers)} values of {_title(value)}, "
                         f"from {_number(low[0], field)} to {_number(high[0], field)}.")
        break
    text = ". ".join(p.rstrip(".") for p in parts if p) + "." if any(parts) else "Chart."
    return text.replace("..", ".")


def figure_html(spec: dict, number: int) -> str:
    """Chart ``number`` as a ``<figure>``: the embed code of :func:`analysis.present.rendering.chart_html` with the
    spec's ``description`` set (unless it has one), and the summary as a visible caption.

    >>> print(figure_html({"title": "<b>", "mark": "bar"}, 3))  # doctest: +ELLIPSIS
    <figure class="medcoding-figure" aria-labelledby="medcoding-chart-3-text">
    <div class="medcoding-chart" id="medcoding-chart-3"></div>
    <script ...>{"description":"\\u003cb>.","mark":"bar","title":"\\u003cb>"}</script>
    <figcaption class="medcoding-chart-text" id="medcoding-chart-3-text"><span class="medcoding-chart-label">Chart:</span> &lt;b&gt;.</figcaption>
    </figure>
    """
    text = describe(spec)
    spec = {**spec, "description": spec.get("description") or text}
    chart = rendering.chart_html(spec, number)
    caption_id = f"{rendering.CHART_CLASS}-{int(number)}-text"
    shown = controls.shown_values(spec)
    if shown:  # a chart with controls says which values it shows (the page starts, and the PDF prints, at these)
        chart += f'\n<p class="{controls.SHOWN_CLASS}">{html.escape(shown)}</p>'
    return (
        f'<figure class="medcoding-figure" aria-labelledby="{caption_id}">\n{chart}\n'
        f'<figcaption class="medcoding-chart-text" id="{caption_id}"><span class="medcoding-chart-label">Chart:</span> '
        f"{html.escape(text)}</figcaption>\n</figure>"
    )
