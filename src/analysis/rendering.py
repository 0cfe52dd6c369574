"""One explicit switch per output target: JupyterLab, HTML report, PDF report.

Set by the environment variable ``MEDCODING_TARGET`` (``lab`` when unset), so the notebooks stay
identical for every target. (Placeholder: the report builder's issue fills in html and pdf.)
"""

from __future__ import annotations

import os

TARGET_ENV = "MEDCODING_TARGET"
TARGETS = ("lab", "html", "pdf")


def target() -> str:
    value = os.environ.get(TARGET_ENV, "lab").strip().lower() or "lab"
    if value not in TARGETS:
        from .errors import InputError, closest

        raise InputError(TARGET_ENV, value, allowed=TARGETS, suggestion=closest(value, TARGETS))
    return value


def configure() -> str:
    """Enable the altair renderer for the current target and return the target's name."""
    import altair as alt

    current = target()
    alt.renderers.enable("default")
    return current
