"""Money arithmetic the article and BLS use: salary ranges, hourly vs annual pay, premiums.

BLS turns an hourly wage into an annual one with 2,080 hours (52 weeks x 40 hours).

>>> hourly_to_annual(23.45)
48776.0
>>> annual_to_hourly(48780)
23.45
>>> parse_salary_range("$38,000–$44,000")
SalaryRange(low=38000, high=44000, open_ended=False, open_from=None)
>>> parse_salary_range("$72,000+")
SalaryRange(low=72000, high=None, open_ended=True, open_from=72000)
>>> premium(43000, 55000)
Premium(absolute=12000, percent=27.906976744186046)
"""

from __future__ import annotations

import math
import re
from typing import NamedTuple

from analysis.core.errors import InputError

HOURS_PER_YEAR = 2080  # BLS: 52 weeks x 40 hours


class SalaryRange(NamedTuple):
    """A salary range in dollars.

    A range that ends in "+" ("$72,000+", "$90,000–$120,000+") is open-ended: ``high`` is None (the
    text gives no top, so none is invented) and ``open_from`` keeps the figure the "+" is attached to.
    """

    low: int
    high: int | None
    open_ended: bool
    open_from: int | None = None

    @property
    def midpoint(self) -> float | None:
        """Middle of the range; None for an open-ended range (there is no top to average with).

        >>> SalaryRange(42000, 52000, False).midpoint
        47000.0
        >>> SalaryRange(72000, None, True, 72000).midpoint is None
        True
        """
        return None if self.high is None else (self.low + self.high) / 2


class Premium(NamedTuple):
    """How much more ``with_`` earns than ``without``: in dollars and in percent of ``without``."""

    absolute: float
    percent: float


_MONEY = r"\$?\s*(\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?\s*(k|K)?"


def parse_money(text: str) -> int:
    """A dollar amount written as text ("$48,780", "55k") as a whole number of dollars.

    >>> parse_money("$48,780")
    48780
    >>> parse_money("55k")
    55000
    """
    match = re.fullmatch(r"\s*" + _MONEY + r"\s*", str(text))
    if not match:
        raise InputError("amount", text, allowed="a dollar amount such as '$48,780' or '55k'")
    value = int(match.group(1).replace(",", ""))
    return value * 1000 if match.group(2) else value


def parse_salary_range(text: str) -> SalaryRange:
    """Read "$38,000–$44,000", "$38,000-$44,000", "$72,000+" or "$48,780" into a SalaryRange.

    A range ending in "+" is open-ended: its upper bound stays unknown (None), never invented.

    >>> parse_salary_range("$90,000–$120,000+")
    SalaryRange(low=90000, high=None, open_ended=True, open_from=120000)
    >>> parse_salary_range("$48,780")
    SalaryRange(low=48780, high=48780, open_ended=False, open_from=None)
    >>> parse_salary_range("about fifty thousand")
    Traceback (most recent call last):
    ...
    analysis.core.errors.InputError: salary range='about fifty thousand' is not allowed. Allowed: text like '$38,000–$44,000', '$72,000+' or '$48,780'.
    """
    cleaned = str(text).strip().replace("\u2013", "-").replace("\u2014", "-").replace(" to ", "-")
    match = re.fullmatch(_MONEY + r"\s*(?:-\s*" + _MONEY + r")?\s*(\+)?", cleaned)
    if not match:
        raise InputError("salary range", text, allowed="text like '$38,000–$44,000', '$72,000+' or '$48,780'")
    low = parse_money(match.group(1) + (match.group(2) or ""))
    plus = match.group(5) is not None
    if match.group(3) is None:
        return SalaryRange(low, None, True, low) if plus else SalaryRange(low, low, False)
    high = parse_money(match.group(3) + (match.group(4) or ""))
    if high < low:
        raise InputError("salary range", text, reason=f"the high end {high:,} is below the low end {low:,}")
    return SalaryRange(low, None, True, high) if plus else SalaryRange(low, high, False)


def hourly_to_annual(hourly: float, hours: float = HOURS_PER_YEAR) -> float:
    """Annual pay from an hourly wage, the BLS way (2,080 hours a year).

    >>> hourly_to_annual(20)
    41600.0
    """
    _check_amount("hourly wage", hourly)
    return float(hourly) * hours


def annual_to_hourly(annual: float, hours: float = HOURS_PER_YEAR, ndigits: int | None = 2) -> float:
    """Hourly wage from annual pay (BLS: annual / 2,080), rounded to cents like BLS prints it.

    >>> annual_to_hourly(41600)
    20.0
    >>> annual_to_hourly(48780, ndigits=None)
    23.451923076923077
    """
    _check_amount("annual pay", annual)
    value = float(annual) / hours
    return value if ndigits is None else round(value, ndigits)


def premium(without: float, with_: float) -> Premium:
    """The premium of ``with_`` over ``without``: dollars, and percent of ``without``.

    >>> premium(46321, 56290).absolute
    9969
    >>> round(premium(46321, 56290).percent, 1)
    21.5
    """
    _check_amount("pay without", without)
    _check_amount("pay with", with_)
    if without == 0:
        raise InputError("pay without", without, reason="a premium in percent needs a base above zero")
    return Premium(with_ - without, (with_ - without) / without * 100)


def _check_amount(name: str, value) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
        raise InputError(name, value, allowed="a number of dollars")
    if value < 0:
        raise InputError(name, value, reason="pay cannot be negative", allowed="zero or more")
