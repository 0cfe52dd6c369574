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
    # Text in a styled table comes from data files: shown as text, never read as HTML.
    pd.set_option("styler.format.escape", "html")
    return check_notebook_parameters(notebook, namespace)


class Markdown(display.Markdown):
    """Markdown output in which a dollar sign is money, not the start of a formula, and HTML is text.

    JupyterLab and nbconvert read text between two ``$`` signs as LaTeX math, so "$47,230 and
    $50,250" would lose its bold and spacing. Every helper that writes Markdown uses this class.

    >>> print(Markdown("**$47,230** vs $50,250")._repr_markdown_())
    **\\$47,230** vs \\$50,250

    The helpers put text from data files and parameters into their Markdown, so no HTML tag and no
    image can come through: ``<`` is written as an entity (it still shows as ``<``) and ``![`` loses
    its meaning (an image would be fetched when a report opens).

    >>> print(Markdown('CPC <img src="http://203.0.113.7/x.png"> ![x](http://203.0.113.7/y.png)')._repr_markdown_())
    CPC &lt;img src="http://203.0.113.7/x.png"> !\\[x](http://203.0.113.7/y.png)
    """

    def _repr_markdown_(self):
        text = re.sub(r"(?<!\\)\$", r"\\$", self.data)
        return text.replace("<", "&lt;").replace("![", "!\\[")


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
