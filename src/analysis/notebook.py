"""What every topic notebook calls first: set up charts for where it is shown, check its parameters.

The first code cell after a notebook's ``parameters`` cell is::

    from analysis.notebook import start
    p = start("salary_by_state", globals())

``p`` then holds the checked parameter values (``p.state`` is a :class:`~analysis.states.State`).
"""

from __future__ import annotations

import re
import types

from IPython import display

from . import rendering
from .params import check_notebook_parameters


def start(notebook: str, namespace: dict) -> types.SimpleNamespace:
    """Configure the chart renderer for the output target, then check the notebook's parameters."""
    import pandas as pd

    rendering.configure()
    # Show claims and occupation titles in full: a cut-off quote could change its meaning.
    pd.set_option("display.max_colwidth", None)
    return check_notebook_parameters(notebook, namespace)


class Markdown(display.Markdown):
    """Markdown output in which a dollar sign is money, not the start of a formula.

    JupyterLab and nbconvert read text between two ``$`` signs as LaTeX math, so "$47,230 and
    $50,250" would lose its bold and spacing. Every helper that writes Markdown uses this class.

    >>> print(Markdown("**$47,230** vs $50,250")._repr_markdown_())
    **\\$47,230** vs \\$50,250
    """

    def _repr_markdown_(self):
        return re.sub(r"(?<!\\)\$", r"\\$", self.data)


def source_note(frame, extra: str | None = None) -> Markdown:
    """A "Source: ..." line for a table or chart built from ``frame`` (read from ``frame.attrs``).

    >>> from analysis.evidence import load_state_wages
    >>> print(source_note(load_state_wages(2024)).data)
    *Source: BLS OEWS May 2024, Medical Records Specialists (SOC 29-2072), by state (`data/evidence/bls_oews_may2024_state_29-2072.csv`).*
    """
    source = frame.attrs.get("source") or {}
    title = frame.attrs.get("source_text") or source.get("title") or "see data/sources.csv"
    file = frame.attrs.get("file")
    text = f"*Source: {title}" + (f" (`data/{file}`)" if file else "") + (f"; {extra}" if extra else "") + ".*"
    return Markdown(text)
