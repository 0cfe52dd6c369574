"""How values are written for a reader: money, signed money, counts, ranks, survey months, and missing values.

The one place the kit formats values (data-8 ``formats`` style): a missing value is always written
:data:`NOT_AVAILABLE`, never 0 or an empty cell.

>>> money(51020), signed_money(-3020), count(1234567), rank_text(3, 51), money(None)
('$51,020', '-$3,020', '1,234,567', '3 of 51', 'not available')
>>> percent(7.0, sign=True), percent(23.25), chart_number(47230.4, money=True), chart_number(0.23529)
('+7%', '23.2%', '$47,230', '0.235')
"""

from __future__ import annotations

import numbers

NOT_AVAILABLE = "not available"


def missing(value) -> bool:
    """True for None, NaN and pandas' NA (without importing pandas for a plain number).

    >>> missing(None), missing(float("nan")), missing(0)
    (True, True, False)
    """
    if value is None:
        return True
    try:
        import pandas as pd

        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def plain_value(value) -> str:
    """A value as text: whole numbers with thousands commas.

    >>> plain_value(2500), plain_value(2.5), plain_value("CA")
    ('2,500', '2.5', 'CA')
    """
    if missing(value):
        return NOT_AVAILABLE
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, numbers.Real):
        number = float(value)
        return f"{int(number):,}" if number.is_integer() else f"{number:,}"
    return str(value)


def year_value(value) -> str:
    """A year as text, without a thousands comma.

    >>> year_value(2024.0)
    '2024'
    """
    return NOT_AVAILABLE if missing(value) else str(int(value)) if isinstance(value, numbers.Real) else str(value)


def survey_month(year, latest=None) -> str:
    """A BLS OEWS survey as a reader sees it: "May 2024", and "(latest in data/)" when it is the newest one ``data/``
    holds (a notebook's ``year = "latest"`` moves with ``medcoding data import``, so the report says which it was).

    >>> survey_month(2024, latest=2024), survey_month(2023, latest=2024)
    ('May 2024 (latest in data/)', 'May 2023')
    """
    return f"May {year_value(year)}" + (" (latest in data/)" if latest is not None and year == latest else "")


def money(value) -> str:
    """$ and commas for whole dollars; "not available" for a missing value.

    >>> money(51020), money(None), money(24.16)
    ('$51,020', 'not available', '$24.16')
    """
    if missing(value):
        return NOT_AVAILABLE
    number = float(value)
    return f"${int(number):,}" if number.is_integer() else f"${number:,.2f}"


def signed_money(value) -> str:
    """Money with its sign, for differences.

    >>> signed_money(-3020), signed_money(150)
    ('-$3,020', '+$150')
    """
    if missing(value):
        return NOT_AVAILABLE
    return ("-" if value < 0 else "+") + money(abs(value))


def count(value) -> str:
    """A count with thousands commas."""
    return NOT_AVAILABLE if missing(value) else f"{int(value):,}"


def rank_text(rank, areas) -> str:
    """ "3 of 51"."""
    return NOT_AVAILABLE if missing(rank) else f"{int(rank)} of {int(areas)}"


def percent(value, digits: int = 1, sign: bool = False) -> str:
    """A percentage to at most ``digits`` decimals (no trailing zeros), with its sign if ``sign``.

    >>> percent(-3.04), percent(12.0), percent(None)
    ('-3%', '12%', 'not available')
    """
    if missing(value):
        return NOT_AVAILABLE
    text = f"{float(value):+,.{digits}f}" if sign else f"{float(value):,.{digits}f}"
    return (text.rstrip("0").rstrip(".") if "." in text else text) + "%"


def chart_number(value, money: bool = False) -> str:
    """A number in a chart's text alternative: whole (with commas) from 1,000 up or when it is whole,
    else three significant digits; with $ when ``money``.

    >>> chart_number(-1500.5, money=True), chart_number(12.0), chart_number(1.23456)
    ('-$1,500', '12', '1.23')
    """
    number = float(value)
    text = f"{abs(number):,.0f}" if number.is_integer() or abs(number) >= 1000 else f"{abs(number):,.3g}"
    return ("-" if number < 0 else "") + ("$" if money else "") + text
