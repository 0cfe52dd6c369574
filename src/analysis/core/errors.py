"""Errors worded for a student: what was wrong, what is allowed, what to try.

Every error the kit raises on purpose is a subclass of :class:`AnalysisError`, so a notebook or the
report builder can catch them all and show the message without a traceback wall.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable


#: Longest value an error message repeats; a longer one is cut (a pasted file should not fill the screen).
MAX_SHOWN = 80


def shorten(value, limit: int = MAX_SHOWN) -> str:
    """``repr(value)``, cut to ``limit`` characters with "…" and its full length when longer. A path
    (``os.PathLike``) is shown whole, as text: a file name cut short would not say which file.

    >>> shorten("TX")
    "'TX'"
    >>> shorten("x" * 1000)  # doctest: +ELLIPSIS
    "'xxxxxxxx...xxx…' (1000 characters)"
    >>> from pathlib import Path
    >>> shorten(Path("/tmp") / ("x" * 100) / "grids.txt")  # doctest: +ELLIPSIS
    "'/tmp/xxx...xxx/grids.txt'"
    """
    if isinstance(value, os.PathLike):
        return repr(os.fspath(value))
    text = repr(value)
    if len(text) <= limit:
        return text
    size = len(value) if isinstance(value, (str, bytes, list, tuple, dict)) else len(text)
    return f"{text[:limit]}…' ({size} characters)" if isinstance(value, str) else f"{text[:limit]}… ({size} long)"


class AnalysisError(Exception):
    """Base class for the kit's own, explained errors."""

    def _render_traceback_(self):
        # IPython (JupyterLab, papermill) shows these lines instead of a traceback wall: the message says it all.
        return [f"{type(self).__name__}: {self}"]


class InputError(AnalysisError, ValueError):
    """A value given by a person (a parameter, an argument) is not allowed.

    >>> err = InputError("state", "Texsa", allowed=["Texas", "Utah"], suggestion="Texas")
    >>> print(err)
    state='Texsa' is not allowed. Did you mean 'Texas'? Allowed: Texas, Utah.
    """

    def __init__(self, name: str, value, *, allowed=None, suggestion=None, reason: str | None = None):
        self.name, self.value, self.allowed, self.suggestion = name, value, allowed, suggestion
        message = f"{name}={shorten(value)} is not allowed."
        if reason:
            message = f"{name}={shorten(value)}: {reason}."
        if suggestion is not None:
            message += f" Did you mean {suggestion!r}?"
        if allowed is not None:
            message += f" Allowed: {allowed if isinstance(allowed, str) else _short_list(allowed)}."
        super().__init__(message)


class DataFileError(AnalysisError, ValueError):
    """A data file is missing, empty or malformed.

    ``line`` is the line number in the file as a text editor shows it (the header is line 1).

    >>> print(DataFileError("data/x.csv", "'abc' is not a number", line=3, column="wage"))
    data/x.csv, line 3, column 'wage': 'abc' is not a number
    """

    def __init__(self, file, problem: str, *, line=None, column=None, hint: str | None = None):
        self.file, self.problem, self.line, self.column = str(file), problem, line, column
        where = [self.file]
        if line is not None:
            where.append(f"line {line}")
        if column is not None:
            where.append(f"column {column!r}")
        message = f"{', '.join(where)}: {problem}"
        if hint:
            message += f" ({hint})"
        super().__init__(message)


def closest(value: str, choices: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The choice most like ``value`` (case-insensitive), or None when nothing is close.

    >>> closest("califronia", ["California", "Colorado"])
    'California'
    >>> closest("zzz", ["California"]) is None
    True

    A short value that begins, or is part of, exactly one choice suggests it too:

    >>> closest("ai", ["salary_by_state", "ai_impact"]), closest("salary", ["salary_by_state", "ai_impact"])
    ('ai_impact', 'salary_by_state')
    >>> closest("new", ["New York", "New Jersey"]) is None  # two begin with it: no guess
    True
    """
    choices = list(choices)
    lowered = {str(c).lower(): c for c in choices}
    key = str(value).strip().lower()
    match = difflib.get_close_matches(key, list(lowered), n=1, cutoff=cutoff)
    if match:
        return lowered[match[0]]
    if len(key) >= 2:
        for found in ([c for c in lowered if c.startswith(key)], [c for c in lowered if key in c]):
            if len(found) == 1:
                return lowered[found[0]]
    return None


def _fold(value) -> str:
    return str(value).strip().lower()


def lookup(name: str, value, choices: Iterable, *, aliases: dict | None = None, fold=_fold, reason: str | None = None,
           allowed=None, given=None):
    """The choice that ``value`` names, matched after ``fold`` (by default: case and outer spaces ignored);
    else an :class:`InputError` naming ``name``, what is allowed and the closest choice.

    ``aliases`` maps other spellings to a choice. The one did-you-mean lookup the kit uses.

    >>> lookup("measure", " Mean", ["median", "mean"])
    'mean'
    >>> lookup("measure", "meen", ["median", "mean"])
    Traceback (most recent call last):
    ...
    analysis.core.errors.InputError: measure='meen' is not allowed. Did you mean 'mean'? Allowed: median, mean.
    """
    choices = list(choices)
    text = fold(value)
    table = {fold(choice): choice for choice in choices}
    table.update({fold(other): choice for other, choice in (aliases or {}).items()})
    if text in table:
        return table[text]
    raise InputError(name, value if given is None else given, allowed=choices if allowed is None else allowed,
                     suggestion=closest(text, choices), reason=reason)


def _short_list(items, limit: int = 12) -> str:
    items = [str(i) for i in items]
    if len(items) <= limit:
        return ", ".join(items)
    return ", ".join(items[:limit]) + f", ... ({len(items)} in all)"
