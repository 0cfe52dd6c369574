"""Why a report could not be made or printed."""

from __future__ import annotations

from analysis.core.env import CHROMIUM_ENV
from analysis.core.errors import AnalysisError


class ReportError(AnalysisError):
    """A report could not be made from a notebook (the message says why and what to do)."""


class ChromiumMissing(ReportError):
    """No headless Chromium was found, so PDF reports cannot be printed.

    >>> print(ChromiumMissing())  # doctest: +ELLIPSIS
    No Chromium or Chrome browser was found, so PDF reports cannot be printed (HTML reports can). ...
    """

    def __init__(self, problem: str | None = None):
        message = problem or "No Chromium or Chrome browser was found, so PDF reports cannot be printed (HTML reports can)."
        super().__init__(
            message + " To get one on Debian: `sudo apt-get install chromium-headless-shell` (or `chromium`; or `sudo make system-deps`);"
            f" or point {CHROMIUM_ENV}=/path/to/chrome at a Chrome or Chromium already installed."
        )


class ChartsNotDrawn(ReportError):
    """A report page did not finish drawing its charts, so it was not printed."""
