"""Markdown the helpers write: money signs kept as money, and the "Source: ..." line of a table or chart."""

from __future__ import annotations

import re

from IPython import display



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

    >>> from analysis.data.evidence import load_state_wages
    >>> print(source_note(load_state_wages(2024)).data)
    *Source: BLS OEWS May 2024, Medical Records Specialists (SOC 29-2072), by state (`data/evidence/bls_oews_may2024_state_29-2072.csv`).*
    """
    source = frame.attrs.get("source") or {}
    title = frame.attrs.get("source_text") or source.get("title") or "see data/sources.csv"
    file = frame.attrs.get("file")
    text = f"*Source: {title}" + (f" (`data/{file}`)" if file else "") + (f"; {extra}" if extra else "") + ".*"
    return Markdown(text)
