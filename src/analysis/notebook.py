"""What a notebook imports: ``start`` (check parameters, set up charts), ``Markdown`` and ``source_note``.

A short, stable name for students (``from analysis.notebook import start``); the code lives in
:mod:`analysis.topics` and :mod:`analysis.present.markdown`.
"""

from analysis.present.markdown import Markdown, source_note
from analysis.topics import start

__all__ = ["Markdown", "source_note", "start"]
