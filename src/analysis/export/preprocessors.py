"""How a notebook becomes a report for readers: the exporter's tag configuration and its own nbconvert
preprocessors, run after nbconvert's ``TagRemovePreprocessor``.

One notebook serves two audiences. Cells that only a notebook user can act on (learning objectives,
"Try changing ..." prompts, how to set the parameters, exercises) carry a cell tag, and nbconvert's
``TagRemovePreprocessor`` leaves them out of the report: which tags do that is the configuration of
:func:`report_config`, not a search of the cells' text.

* :class:`MoveTaggedCellsFirst`: the cell tagged ``report-summary`` (a topic's ``report_summary(p)``)
  opens the report, while the notebook keeps its narrative first.
* :class:`ChartEmbedPreprocessor`: every chart as small embed code, numbered in page order, in a
  ``<figure>`` with its text alternative (:mod:`analysis.present.chart_text`).
* :class:`StableIdsPreprocessor`: cell ids and pandas table ids numbered in order instead of random
  ones, so the same notebook always gives the same bytes.

>>> sorted(REMOVED_CELL_TAGS)
['exercise', 'injected-parameters', 'notebook-only', 'parameters', 'remove-cell']
>>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("intro"),
...     nbformat.v4.new_markdown_cell("summary", metadata={"tags": ["report-summary"]})])
>>> nb, _ = MoveTaggedCellsFirst().preprocess(nb, {})
>>> [c.source for c in nb.cells]
['summary', 'intro']
"""

from __future__ import annotations

import json
import re

import nbformat
from nbconvert.preprocessors import Preprocessor
from traitlets import Unicode
from traitlets.config import Config

from analysis.export.errors import ReportError
from analysis.present import chart_text, rendering

#: Cells with one of these tags stay out of reports (configured on nbconvert's TagRemovePreprocessor).
REMOVED_CELL_TAGS = frozenset({
    "notebook-only",  # teaching prose for someone working in the notebook
    "exercise",  # exercises (for JupyterLab; an instructor's copy would show solutions)
    "remove-cell",  # the Jupyter Book / nbconvert convention, honoured too
    "parameters", "injected-parameters",  # the code that sets parameters (the header lists their values)
})
#: Cells with one of these tags lose their outputs in reports.
REMOVED_OUTPUT_TAGS = frozenset({"remove-output"})
#: The tag of the cell a report opens with.
SUMMARY_TAG = "report-summary"


def report_config() -> Config:
    """The nbconvert configuration of the report exporter: which tags remove a cell or its outputs."""
    return Config({"TagRemovePreprocessor": {
        "enabled": True,
        "remove_cell_tags": sorted(REMOVED_CELL_TAGS),
        "remove_all_outputs_tags": sorted(REMOVED_OUTPUT_TAGS),
    }})


class MoveTaggedCellsFirst(Preprocessor):
    """Move the cells tagged :attr:`tag` (in their order) to the top of the notebook."""

    tag = Unicode(SUMMARY_TAG, help="cells with this tag open the report").tag(config=True)

    def preprocess(self, nb, resources):
        first = [c for c in nb.cells if self.tag in c.get("metadata", {}).get("tags", [])]
        if first:
            nb.cells = first + [c for c in nb.cells if self.tag not in c.get("metadata", {}).get("tags", [])]
        return nb, resources

_VEGALITE_MIMETYPE = re.compile(r"application/vnd\.vegalite\.v\d+(\+json|\.json)")


class ChartEmbedPreprocessor(Preprocessor):
    """Charts (Vega-Lite mimetypes or the kit's embed code) as embed code numbered 1, 2... in page order,
    each in a ``<figure>`` captioned with its text alternative."""

    def preprocess(self, nb, resources):
        charts = 0
        for cell in nb.cells:
            for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
                specs = chart_specs(output)
                if specs is not None:
                    html = "\n".join(chart_text.figure_html(spec, charts + i + 1) for i, spec in enumerate(specs))
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
