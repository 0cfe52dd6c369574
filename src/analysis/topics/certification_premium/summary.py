"""The report's opening summary.
"""

from __future__ import annotations

import pandas as pd

from analysis.present.formats import money, percent, signed_money
from analysis.present.report_summary import Figure, Finding, Summary, verdict_text

from analysis.topics.certification_premium.sources import premium_basis, premium_sources
from analysis.topics.certification_premium.parameters import PARAMETERS
from analysis.topics.certification_premium.value import costs_from, value_over_horizon


def report_summary(p) -> Summary:
    """The report's opening summary: the premium by source, and what it is worth under the assumptions.

    >>> s = report_summary(PARAMETERS.check({}))
    >>> [f.kind for f in s.figures]
    ['claim', 'claim', 'derived', 'assumption', 'derived']
    """
    basis = premium_basis(p.premium_source, len(p.credentials))
    costs = costs_from(p)
    pv = value_over_horizon(basis, costs, p.discount_rate, p.horizon_years).cumulative_pv_usd_derived.iloc[-1]
    kind = "claim" if p.premium_source == "article" else "evidence"
    rate = percent(100 * p.discount_rate)
    figures = [
        Figure(f"Average with the credential ({basis.source_label})", money(basis.with_usd), kind, basis.with_what),
        Figure(f"Average without ({basis.source_label})", money(basis.without_usd), kind, "non-certified"),
        Figure("Premium", f"{money(basis.premium_usd_derived)} a year", "derived", "with minus without"),
        Figure("Discount rate", rate, "assumption", "parameter discount_rate"),
        Figure(f"Present value over {p.horizon_years} years", signed_money(pv), "derived",
               "certification_premium.present_value, net of the assumed costs"),
    ]
    sources = premium_sources()
    derived = sources.premium_pct_derived.dropna()
    stated = pd.concat([sources.stated_pct_low, sources.stated_pct_high]).dropna()
    findings = [
        Finding(f"The sources state premiums from {percent(stated.min())} to {percent(stated.max())}; their own averages "
                f"give {percent(derived.min())} to {percent(derived.max())}.", "derived"),
        Finding("None of these figures is BLS data: BLS publishes no split by certification, and the surveys are "
                "self-reported.", "evidence"),
        Finding(f"Under the assumed costs and a {rate} discount rate, the premium from {basis.source_label} is worth "
                f"{signed_money(pv)} over {p.horizon_years} years.", "assumption"),
    ]
    return Summary(figures, Finding(verdict_text("certification", "certification figures"), "derived"), findings)
