"""The summary every report opens with: key figures with their sources, the verdict on the article's
claims, and three to five findings in plain words; its shape and how it is shown.

Nothing in a summary is typed in: each topic module's ``report_summary(p)`` reads every figure from
``data/`` or computes it with the topic's helpers (the index's: :func:`analysis.build.index.kit_summary`),
and each item carries its kind: ``evidence`` (public data), ``claim`` (the article), ``derived``
(computed by a tested helper) or ``assumption`` (a parameter). A notebook shows it in the code cell
tagged ``report-summary`` right after its start cell; the report exporter moves that cell to the top
(:class:`analysis.export.preprocessors.MoveTaggedCellsFirst`), so the notebook keeps its narrative first.

>>> s = Summary([Figure("Median annual wage, May 2024", "$47,230", "evidence", "BLS OEWS May 2024")],
...             Finding("1 matches.", "derived"), [Finding(t, "derived") for t in ("a", "b", "c")])
>>> print(s.text())
Summary
Median annual wage, May 2024: $47,230 (evidence; BLS OEWS May 2024)
Verdict on the article's claims: 1 matches. (derived)
- a (derived)
- b (derived)
- c (derived)
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

KINDS = ("evidence", "claim", "derived", "assumption")

@dataclass(frozen=True)
class Figure:
    """One key figure: what it is, its value as shown, its kind and where it comes from."""

    label: str
    value: str
    kind: str
    source: str


@dataclass(frozen=True)
class Finding:
    """One sentence a reader takes away, with its kind."""

    text: str
    kind: str


@dataclass
class Summary:
    """Key figures, the verdict on the article's claims, and three to five findings."""

    figures: list[Figure]
    verdict: Finding
    findings: list[Finding]
    heading: str = "Summary"
    extra: list[str] = field(default_factory=list)

    def __post_init__(self):
        for item in [*self.figures, self.verdict, *self.findings]:
            if item.kind not in KINDS:
                raise ValueError(f"{item!r}: kind must be one of {', '.join(KINDS)}")
        if not 3 <= len(self.findings) <= 5:
            raise ValueError(f"a summary has three to five findings, not {len(self.findings)}")

    def text(self) -> str:
        """The summary as plain text (what a screen reader says, give or take the table)."""
        lines = [self.heading]
        lines += [f"{f.label}: {f.value} ({f.kind}; {f.source})" for f in self.figures]
        lines.append(f"Verdict on the article's claims: {self.verdict.text} ({self.verdict.kind})")
        lines += [f"- {f.text} ({f.kind})" for f in self.findings]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        e = html.escape
        rows = "\n".join(
            f'<tr><th scope="row">{e(f.label)}</th><td class="medcoding-figure-value">{e(f.value)}</td>'
            f"<td>{_kind(f.kind)}</td><td>{e(f.source)}</td></tr>"
            for f in self.figures
        )
        findings = "\n".join(f"<li>{e(f.text)} {_kind(f.kind)}</li>" for f in self.findings)
        return (
            f'<section class="medcoding-summary" aria-labelledby="summary">\n<h2 id="summary">{e(self.heading)}</h2>\n'
            '<table class="medcoding-key-figures">\n<caption>Key figures</caption>\n'
            '<thead><tr><th scope="col">Figure</th><th scope="col">Value</th><th scope="col">Kind</th>'
            '<th scope="col">Source</th></tr></thead>\n'
            f"<tbody>\n{rows}\n</tbody>\n</table>\n"
            f'<p class="medcoding-verdict"><strong>Verdict on the article\'s claims:</strong> {e(self.verdict.text)} '
            f"{_kind(self.verdict.kind)}</p>\n"
            f'<h3 id="findings">Findings</h3>\n<ul class="medcoding-findings">\n{findings}\n</ul>\n'
            + "".join(f"<p>{e(text)}</p>\n" for text in self.extra)
            + "</section>"
        )


def _kind(kind: str) -> str:
    # The kind is written out in words, so colour is never the only cue.
    return f'<span class="medcoding-kind medcoding-kind-{html.escape(kind)}">({html.escape(kind)})</span>'


# ---------------------------------------------------------------------------------------------- wording


def plain(text) -> str:
    """Text from a data file without Markdown code marks.

    >>> plain("`measure` = median")
    'measure = median'
    """
    return str(text).replace("`", "")


def first_sentence(text: str) -> str:
    """The first sentence of a note.

    >>> first_sentence("It differs. By a lot.")
    'It differs.'
    """
    head, dot, _ = str(text).partition(". ")
    return head + ("." if dot or not head.endswith(".") else "")


def verdict_text(topic: str, what: str) -> str:
    """One sentence counting the verdicts on the article's claims of ``topic`` (:mod:`analysis.calc.claims`).

    >>> verdict_text("outlook", "outlook figures")  # doctest: +ELLIPSIS
    "Of the article's ... outlook figures checked against the evidence, ... differ..."
    """
    from analysis.calc import claims

    total, counts = claims.verdict_counts(topic)
    words = {"matches": "match", "differs": "differ", "no evidence": "have no evidence in data/"}
    parts = [f"{n} {words.get(v, v)}" for v, n in counts.items() if n]
    return f"Of the article's {total} {what} checked against the evidence, " + ", ".join(parts) + "."
