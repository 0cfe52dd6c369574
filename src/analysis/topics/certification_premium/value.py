"""What a credential is worth under the stated costs: payback and present value (derived).

The formulas are written once (:mod:`analysis.calc.formula`): the helpers here evaluate them in Python
and the present-value chart's controls evaluate the same trees as Vega expressions in the report page.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.calc.formula import Var, where
from analysis.core.errors import InputError
from analysis.present.formats import money, signed_money
from analysis.present.markdown import Markdown
from analysis.present.tables import table_view

from analysis.topics.certification_premium.sources import ARTICLE, PremiumBasis, SURVEYS, premium_basis
from analysis.topics.certification_premium.parameters import PARAMETERS


# The formulas, written once: the helpers below evaluate them in Python and the present-value chart's
# controls evaluate the same trees as Vega expressions in the report page (analysis.calc.formula).
UPFRONT_FORMULA = Var("n_credentials") * Var("exam_cost_usd") + Var("n_credentials") * Var("study_hours") * Var("study_hour_value_usd")
PAYBACK_FORMULA = where(Var("annual_net_usd") <= 0, None, Var("upfront_usd") / Var("annual_net_usd"))
PRESENT_VALUE_FORMULA = -Var("upfront_usd") + Var("annual_net_usd") * where(
    Var("rate") == 0, Var("years"), (1 - (1 + Var("rate")) ** -Var("years")) / Var("rate"))


@dataclass(frozen=True)
class Costs:
    """The cost of getting certified, from the parameters (assumptions, not data).

    ``upfront_usd`` = credentials x (exam fee + study hours x value of an hour); ``membership_usd`` is paid every year.

    >>> Costs(1, 425, 190, 80, 23.45).upfront_usd
    2301.0
    """

    n_credentials: int
    exam_cost_usd: float
    membership_cost_usd: float
    study_hours: float
    study_hour_value_usd: float

    @property
    def exams_usd(self) -> float:
        return float(self.n_credentials * self.exam_cost_usd)

    @property
    def study_time_usd(self) -> float:
        return float(self.n_credentials * self.study_hours * self.study_hour_value_usd)

    @property
    def upfront_usd(self) -> float:
        return float(UPFRONT_FORMULA.evaluate(n_credentials=self.n_credentials, exam_cost_usd=self.exam_cost_usd,
                                              study_hours=self.study_hours, study_hour_value_usd=self.study_hour_value_usd))

    def to_frame(self) -> pd.DataFrame:
        rows = [
            ("exam fees", self.exams_usd, f"{self.n_credentials} x ${self.exam_cost_usd:,g} (assumption)"),
            ("study time", self.study_time_usd,
             f"{self.n_credentials} x {self.study_hours:g} hours x ${self.study_hour_value_usd:,g} an hour (assumptions)"),
            ("upfront cost (derived)", self.upfront_usd, "exam fees + study time"),
            ("membership, every year", float(self.membership_cost_usd), "assumption"),
        ]
        return pd.DataFrame(rows, columns=["item", "usd", "basis"])


def costs_from(p) -> Costs:
    """The :class:`Costs` of the checked notebook parameters ``p`` (one exam and one study plan per credential).

    >>> costs_from(PARAMETERS.check({"credentials": "CPC, CRC"})).upfront_usd
    4602.0
    """
    return Costs(len(p.credentials), p.exam_cost_usd, p.membership_cost_usd, p.study_hours, p.study_hour_value_usd)


def money_view(frame: pd.DataFrame):
    """:func:`analysis.topics.salary_by_state.table_view`, with signs on dollar columns that hold a negative amount and
    payback shown in years to two decimals ("never" when the cost is never repaid).

    >>> html = money_view(pd.DataFrame({"net_usd_derived": [-2301.0, 11810.0], "payback_years_derived": [0.1948, None]})).to_html()
    >>> "-$2,301" in html and "+$11,810" in html and "0.19 years" in html and "never" in html
    True
    >>> "$425" in money_view(pd.DataFrame({"usd": [425.0], "net_usd": [-1.0]})).to_html()
    True
    """
    styler = table_view(frame)
    signed = {c: signed_money for c in frame.columns if "usd" in str(c) and pd.api.types.is_numeric_dtype(frame[c])
              and bool((frame[c].astype("Float64") < 0).any())}
    if "payback_years_derived" in frame.columns:
        signed["payback_years_derived"] = lambda v: "never" if v is None or pd.isna(v) else f"{v:.2f} years"
    # Styler.format with a dict resets the columns it is not given, so name the subset.
    return styler.format(signed, subset=list(signed), escape="html") if signed else styler


def payback_years(upfront_usd: float, annual_net_usd: float) -> float | None:
    """Years until the yearly net gain repays the upfront cost: ``upfront / annual net`` (no discounting).

    None when the net gain is zero or negative: the cost is never repaid.

    >>> round(payback_years(2301, 11810), 4)
    0.1948
    >>> payback_years(1000, 0) is None, payback_years(0, 500)
    (True, 0.0)
    """
    return PAYBACK_FORMULA.evaluate(upfront_usd=upfront_usd, annual_net_usd=annual_net_usd)


def present_value(annual_net_usd: float, rate: float, years: int, upfront_usd: float = 0.0) -> float:
    """Net present value of a constant yearly gain over ``years`` years, minus an upfront cost.

    .. math:: PV = -C + \\sum_{t=1}^{H} \\frac{N}{(1 + r)^t} = -C + N \\cdot \\frac{1 - (1 + r)^{-H}}{r}

    with C the upfront cost (paid today), N the yearly net gain (premium minus membership, received
    at the end of each year), r the discount rate and H the horizon in years; for r = 0, PV = -C + N H.
    Amounts stay in the source's own dollars (no inflation adjustment, no taxes, no raises).

    >>> round(present_value(1000, 0.05, 3), 2)
    2723.25
    >>> present_value(1000, 0, 3, upfront_usd=500)
    2500.0
    """
    if rate < 0:
        raise InputError("discount_rate", rate, reason="must be at least 0", allowed="a number from 0 to 0.5")
    if years < 0:
        raise InputError("horizon_years", years, reason="must be at least 0", allowed="a whole number of years")
    return float(PRESENT_VALUE_FORMULA.evaluate(upfront_usd=upfront_usd, annual_net_usd=annual_net_usd, rate=rate, years=years))


def value_over_horizon(basis: PremiumBasis, costs: Costs, rate: float, years: int) -> pd.DataFrame:
    """Year by year: premium, membership, net gain, its discounted value and the running total (all derived).

    Year 0 is the upfront cost. The last ``cumulative_pv_usd_derived`` equals :func:`present_value`.

    >>> v = value_over_horizon(premium_basis("article"), Costs(1, 425, 190, 80, 23.45), 0.03, 10)
    >>> bool(round(v.cumulative_pv_usd_derived.iloc[-1], 2) == round(present_value(11810, 0.03, 10, 2301.0), 2))
    True
    """
    net = basis.premium_usd_derived - costs.membership_cost_usd
    rows = [dict(year=0, premium_usd=0.0, membership_usd=0.0, net_usd_derived=-costs.upfront_usd, discount_factor_derived=1.0)]
    for t in range(1, years + 1):
        rows.append(dict(year=t, premium_usd=float(basis.premium_usd_derived), membership_usd=-float(costs.membership_cost_usd),
                         net_usd_derived=float(net), discount_factor_derived=(1 + rate) ** -t))
    frame = pd.DataFrame(rows)
    frame["pv_usd_derived"] = frame.net_usd_derived * frame.discount_factor_derived
    frame["cumulative_pv_usd_derived"] = frame.pv_usd_derived.cumsum()
    return frame


def value_summary(basis: PremiumBasis, costs: Costs, rate: float, years: int) -> Markdown:
    """The premium, payback and present value in words, each labelled by kind.

    >>> text = value_summary(premium_basis("article"), Costs(1, 425, 190, 80, 23.45), 0.03, 10).data
    >>> "$12,000 a year" in text and "0.19 years" in text
    True
    """
    net = basis.premium_usd_derived - costs.membership_cost_usd
    payback = payback_years(costs.upfront_usd, net)
    pv = present_value(net, rate, years, costs.upfront_usd)
    floor = " at least" if basis.with_is_floor else ""
    lines = [f"Premium,{floor} {money(basis.premium_usd_derived)} a year = {money(basis.with_usd)} ({basis.with_what}) - "
             f"{money(basis.without_usd)} (non-certified), {basis.premium_pct_derived:.1f}% (derived from {basis.source_label}).",
             f"Net of membership ({money(costs.membership_cost_usd)} a year, assumption): {signed_money(net)} a year (derived).",
             ("Payback: never: the yearly net gain is not positive (derived)." if payback is None else
              f"Payback of the upfront cost ({money(costs.upfront_usd)}): {payback:.2f} years, about {payback * 12:.1f} "
              f"months (derived, undiscounted)."),
             f"Present value over {years} years at {rate:.1%} a year: {signed_money(round(pv, 2))} (derived; "
             f"formula in `certification.present_value`)."]
    if basis.note:
        lines.append(f"Note: {basis.note}")
    return Markdown("  \n".join(lines))


def pv_by_source(costs: Costs, rate: float, years: int, n_credentials: int) -> pd.DataFrame:
    """Payback and present value under every premium source with two averages (derived), same assumptions.

    >>> t = pv_by_source(Costs(1, 425, 190, 80, 23.45), 0.03, 10, 1).set_index("source_key")
    >>> int(t.loc["article", "premium_usd_derived"]), int(t.loc["aapc_2023", "premium_usd_derived"])
    (12000, 9969)
    """
    rows = []
    for key in [ARTICLE, *SURVEYS]:
        basis = premium_basis(key, n_credentials)
        net = basis.premium_usd_derived - costs.membership_cost_usd
        rows.append(dict(source_key=key, source=basis.source_label, without_usd=basis.without_usd, with_usd=basis.with_usd,
                         premium_usd_derived=basis.premium_usd_derived, premium_pct_derived=basis.premium_pct_derived,
                         payback_years_derived=payback_years(costs.upfront_usd, net),
                         present_value_usd_derived=present_value(net, rate, years, costs.upfront_usd)))
    frame = pd.DataFrame(rows)
    frame["payback_years_derived"] = frame.payback_years_derived.astype("Float64")
    return frame
