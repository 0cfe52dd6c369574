"""Tables as a reader sees them: a pandas Styler with every value written by :mod:`analysis.present.formats`
and, in HTML and PDF reports, every column header labelled for people (:mod:`analysis.present.labels`)."""

from __future__ import annotations

import pandas as pd

from analysis.present.formats import NOT_AVAILABLE, missing, money, plain_value, signed_money, year_value
from analysis.present.labels import for_readers


def table_view(frame: pd.DataFrame):
    """A frame ready to show: money with $ and thousands commas, missing values as "not available".

    Columns ending in ``_pct_derived`` are shown to one decimal (they are computed here, not data).
    In a long table with ``value`` and ``unit`` columns, values in USD are shown as money ($30.80).

    >>> html = table_view(pd.DataFrame({"wage_usd": [51020, pd.NA], "difference_pct_derived": [23.2032, None]})).to_html()
    >>> "$51,020" in html and "not available" in html and "23.2" in html and "23.20" not in html
    True
    """
    formatters = {}
    for column in frame.columns:
        if str(column).endswith("_pct_derived"):
            formatters[column] = lambda v: NOT_AVAILABLE if missing(v) else f"{v:,.1f}"
        elif "usd" in str(column):
            formatters[column] = _money_or_signed(str(column))
        elif "year" in str(column):
            formatters[column] = year_value
        else:
            formatters[column] = plain_value
    # escape="html": a cell's text comes from a data file and must show as text, never become markup.
    styler = frame.style.format(formatters, escape="html")
    styler = styler.format_index(escape="html", axis=0).format_index(escape="html", axis=1)
    if {"value", "unit"} <= set(frame.columns):  # a long table: money rows are the ones whose unit is USD
        money_rows = frame.index[frame.unit.astype(str).str.startswith("USD")]
        styler = styler.format(money, subset=pd.IndexSlice[money_rows, ["value"]], escape="html")
    return for_readers(styler.hide(axis="index"))


def rounded_view(frame: pd.DataFrame, digits: int = 3):
    """A table for people from any frame: no index column, missing as "not available", numbers with
    thousands separators and at most ``digits`` decimals, and (in reports) labelled columns.

    >>> html = rounded_view(pd.DataFrame({"rating": [0.235294117, None], "n_occupations": [923, 1]})).to_html()
    >>> "0.235" in html and "0.2352" not in html and "not available" in html and "923" in html
    True
    """
    styler = frame.style.format(precision=digits, thousands=",", na_rep=NOT_AVAILABLE, escape="html")
    return for_readers(styler.format_index(escape="html", axis=1).hide(axis="index"))


def _money_or_signed(column: str):
    return signed_money if "difference" in column else money
