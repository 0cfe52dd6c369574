"""The one matching rule of a claim against evidence figures, with no tolerance.

* ``exact``: a candidate equal to the printed figure (compared as printed decimals, without float noise);
* ``at_least``: an open figure ("$81,000+", "Over 14,800"), borne out by a candidate at least that figure;
* ``range``: a range ("20–25%"), borne out by a candidate inside it, ends included.

:mod:`analysis.calc.claims` applies it to the article's claims and the evidence in ``data/``.

>>> verdict("range", 20, [19, 27], high=25), verdict("at_least", 14800, [16200])
('differs', 'matches')
"""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

from analysis.core.errors import InputError, closest

VERDICTS = ("matches", "differs", "no evidence")
KINDS = ("exact", "at_least", "range")


def same_number(a, b) -> bool:
    """Exact equality of two printed figures, without float noise: 23.45 == 23.450, 48780 == 48780.0.

    >>> same_number(48780, 48780.0), same_number(23.45, 23.45), same_number(48780, 48770)
    (True, True, False)
    """
    return Decimal(repr(float(a))) == Decimal(repr(float(b)))


def satisfies(kind: str, claimed: float, value: float, high: float | None = None) -> bool:
    """Does one evidence ``value`` bear out the claim? No tolerance: see the module text.

    >>> satisfies("exact", 48780, 48780), satisfies("exact", 48780, 48781)
    (True, False)
    >>> satisfies("at_least", 81000, 71361), satisfies("range", 20, 25, 25)
    (False, True)
    """
    if kind == "exact":
        return same_number(claimed, value)
    if kind == "at_least":
        return float(value) >= float(claimed)
    if kind == "range":
        return float(claimed) <= float(value) <= float(high)
    raise InputError("claim kind", kind, allowed=KINDS, suggestion=closest(kind, KINDS))


def verdict(kind: str, claimed: float, values, high: float | None = None) -> str:
    """"matches" if any candidate value satisfies the claim, "differs" if none does, "no evidence" if there is none.

    Missing values (a state with no May 2023 median) are not candidates.

    >>> verdict("exact", 48780, [50250, 48780])
    'matches'
    >>> verdict("exact", 240000, [194800])
    'differs'
    >>> verdict("exact", 4, [pd.NA])
    'no evidence'
    """
    present = [v for v in values if not missing(v)]
    if not present:
        return "no evidence"
    return "matches" if any(satisfies(kind, claimed, v, high) for v in present) else "differs"


def distance(kind: str, claimed: float, value: float, high: float | None = None) -> float:
    """How far ``value`` is from satisfying the claim (0 when it does); used to pick the nearest figure.

    >>> distance("exact", 62300, 68080), distance("range", 20, 27, 25), distance("at_least", 81000, 90000)
    (5780.0, 2.0, 0.0)
    """
    claimed, value = float(claimed), float(value)
    if kind == "range":
        return max(claimed - value, value - float(high), 0.0)
    if kind == "at_least":
        return max(claimed - value, 0.0)
    return abs(claimed - value)


def missing(value) -> bool:
    """No figure: None, NaN or pd.NA (a string is a value).

    >>> missing(pd.NA), missing(None), missing(0)
    (True, True, False)
    """
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))
