"""How a notebook becomes a report for readers: nbconvert configuration and preprocessors.

One notebook serves two audiences. Cells that only a notebook user can act on (learning objectives,
"Try changing ..." prompts, how to set the parameters, discussion questions, exercises) carry a cell
tag and nbconvert's ``TagRemovePreprocessor`` leaves them out of the report: which tags do that is the
configuration below, not a search of the cells' text. The cell tagged ``report-summary`` (the summary
of :mod:`analysis.summary`) is moved to the top, so a report opens with what a reader came for while
the notebook keeps its narrative first.

>>> sorted(REMOVED_CELL_TAGS)
['exercise', 'injected-parameters', 'notebook-only', 'parameters', 'remove-cell']
>>> import nbformat
>>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("intro"),
...     nbformat.v4.new_markdown_cell("summary", metadata={"tags": ["report-summary"]})])
>>> nb, _ = MoveTaggedCellsFirst().preprocess(nb, {})
>>> [c.source for c in nb.cells]
['summary', 'intro']
"""

from __future__ import annotations

from nbconvert.preprocessors import Preprocessor
from traitlets import Unicode
from traitlets.config import Config

#: Cells with one of these tags stay out of reports.
REMOVED_CELL_TAGS = frozenset({
    "notebook-only",  # teaching prose for someone working in the notebook
    "exercise",  # exercises (an instructor's copy would show solutions)
    "remove-cell",  # the Jupyter Book / nbconvert convention, honoured too
    "parameters", "injected-parameters",  # the code that sets parameters (the header lists their values)
})
#: Cells with this tag keep their input hidden but lose their outputs in reports.
REMOVED_OUTPUT_TAGS = frozenset({"remove-output"})
#: The tag of the cell a report opens with.
SUMMARY_TAG = "report-summary"


class MoveTaggedCellsFirst(Preprocessor):
    """Move the cells tagged :attr:`tag` (in their order) to the top of the notebook."""

    tag = Unicode(SUMMARY_TAG, help="cells with this tag open the report").tag(config=True)

    def preprocess(self, nb, resources):
        first = [c for c in nb.cells if self.tag in c.get("metadata", {}).get("tags", [])]
        if first:
            nb.cells = first + [c for c in nb.cells if self.tag not in c.get("metadata", {}).get("tags", [])]
        return nb, resources


def report_config() -> Config:
    """The nbconvert configuration of the report exporter."""
    config = Config()
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_cell_tags = set(REMOVED_CELL_TAGS)
    config.TagRemovePreprocessor.remove_all_outputs_tags = set(REMOVED_OUTPUT_TAGS)
    return config
