"""What a build did: one :class:`Outcome` per report, and the :class:`Summary` with its text and exit code."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from analysis.build.files import LOG_NAME
from analysis.build.plan import FORMATS


@dataclasses.dataclass
class Outcome:
    """What happened to one report in a build."""

    id: str
    status: str  # "built", "skipped" (up to date), "failed"
    formats: tuple[str, ...] = ()  # formats written
    reason: str = ""  # why it was built, or why it failed
    failed_notebook: str | None = None
    pdf_skipped: str | None = None  # why no PDF was printed (no Chromium...)
    seconds: float = 0.0
    phases: dict = dataclasses.field(default_factory=dict)  # seconds spent executing, exporting, printing
    worker: int | None = None  # the worker's process id


@dataclasses.dataclass
class Summary:
    outcomes: list[Outcome]
    seconds: float
    out: Path
    interrupted: bool = False
    pdf_requested_explicitly: bool = False
    interrupted_code: int = 130
    #: What the build did with a warm builder (:mod:`analysis.build.warm`): a sentence for the reader, or "".
    warm: str = ""

    def count(self, status: str) -> int:
        return sum(o.status == status for o in self.outcomes)

    @property
    def pdf_skipped(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.pdf_skipped]

    @property
    def exit_code(self) -> int:
        """0 when every report asked for was built (or up to date); 1 if one failed; 128 + signal if interrupted.

        A PDF skipped because no Chromium was found fails the build only if PDF was asked for with --format.
        """
        if self.interrupted:
            return self.interrupted_code
        if self.count("failed"):
            return 1
        if self.pdf_skipped and self.pdf_requested_explicitly:
            return 1
        return 0

    def text(self) -> str:
        built = [o for o in self.outcomes if o.status == "built"]
        lines = []
        skipped_pdf = self.pdf_skipped
        if skipped_pdf and self.pdf_requested_explicitly:
            # Asked for by name and not done: say that first, and what was written instead.
            html_only = sum("html" in o.formats for o in skipped_pdf)
            lines.append(f"FAILED: PDF was asked for with --format but no PDF could be printed for {len(skipped_pdf)} "
                         f"report{'s' if len(skipped_pdf) != 1 else ''} (no usable Chromium; see below)."
                         + (f" Only the HTML of {html_only} of them was written." if html_only else " Nothing was written for them."))
        files = sum(len(o.formats) for o in built)
        breakdown = ", ".join(f"{sum(fmt in o.formats for o in built)} {fmt.upper()}" for fmt in FORMATS)
        if skipped_pdf and self.pdf_requested_explicitly:
            done = f"Wrote {files} file{'s' if files != 1 else ''} ({breakdown}) for {len(built)} report{'s' if len(built) != 1 else ''}"
        else:
            done = f"Built {len(built)} report{'s' if len(built) != 1 else ''}"
            if built and (skipped_pdf or any(o.formats != built[0].formats for o in built)):
                done += f" ({breakdown})"
        lines.append(f"{done}, skipped {self.count('skipped')} up to date, failed {self.count('failed')}, in {self.seconds:.1f} s"
                     + (f" ({self.seconds / len(built):.2f} s a report)" if built else "") + f". Output: {self.out}/")
        if self.interrupted:
            lines.append("The build was interrupted: the reports listed as built are complete; the others are as before.")
        for o in self.outcomes:
            if o.status == "failed":
                lines.append(f"  FAILED {o.id}: {o.reason}")
                if o.failed_notebook:
                    lines.append(f"         executed notebook kept at {o.failed_notebook}")
        if skipped_pdf:
            reasons = sorted({o.pdf_skipped for o in skipped_pdf})
            lines.append(f"PDF not printed for {len(skipped_pdf)} report(s): " + " ".join(reasons))
        if any(o.status == "failed" for o in self.outcomes):
            lines.append(f"Kernel and browser messages: {self.out / LOG_NAME}")
        if self.warm:
            lines.append(self.warm)
        return "\n".join(lines)
