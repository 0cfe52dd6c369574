"""The report's own nbconvert preprocessors, run after nbconvert's ``TagRemovePreprocessor``.

* :class:`ChartEmbedPreprocessor`: every chart as small embed code, numbered in page order.
* :class:`StableIdsPreprocessor`: cell ids and pandas table ids numbered in order instead of random
  ones, so the same notebook always gives the same bytes.
"""

from __future__ import annotations

import json
import re

import nbformat
from nbconvert.preprocessors import Preprocessor

from analysis.export.errors import ReportError
from analysis.present import rendering

#: Tags of the cells a report leaves out (configured on nbconvert's TagRemovePreprocessor).
PARAMETER_TAGS = {"parameters", "injected-parameters"}
DROPPED_TAGS = {"remove-cell", "exercise"}

_VEGALITE_MIMETYPE = re.compile(r"application/vnd\.vegalite\.v\d+(\+json|\.json)")


class ChartEmbedPreprocessor(Preprocessor):
    """Charts (Vega-Lite mimetypes or the kit's embed code) as embed code numbered 1, 2... in page order."""

    def preprocess(self, nb, resources):
        charts = 0
        for cell in nb.cells:
            for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
                specs = chart_specs(output)
                if specs is not None:
                    html = "\n".join(rendering.chart_html(spec, charts + i + 1) for i, spec in enumerate(specs))
                    charts += len(specs)
                    output["data"] = nbformat.from_dict({"text/html": html})
        return nb, resources


class StableIdsPreprocessor(Preprocessor):
    """Cell ids ``cell-1``, ``cell-2``... (papermill's injected cell gets a random one each run) and
    pandas Styler tables ``T_1``, ``T_2``... instead of their random ids."""

    def preprocess(self, nb, resources):
        for number, cell in enumerate(nb.cells, 1):
            cell["id"] = f"cell-{number}"
        stable_table_ids(nb)
        return nb, resources


def chart_specs(output) -> list[dict] | None:
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
