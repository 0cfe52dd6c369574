"""The expected answers of notebook 04's exercises.

They depend on the parameters (credentials, premium source, costs, rate, horizon), so they are computed
when a student runs ``check("certification_premium.<name>", answer, p)``; no message shows them.
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from analysis.teaching.exercises import computed, hint

from analysis.topics.certification_premium.sources import premium_basis
from analysis.topics.certification_premium.parameters import PARAMETERS
from analysis.topics.certification_premium.value import Costs, costs_from, payback_years, pv_by_source


def _by_source(p) -> pd.DataFrame:
    """:func:`pv_by_source` under the notebook's parameters (the table the exercises ask about)."""
    return _pv_by_source_for(costs_from(p), p.discount_rate, p.horizon_years, len(p.credentials))


@lru_cache(maxsize=16)
def _pv_by_source_for(costs: Costs, rate: float, years: int, n_credentials: int) -> pd.DataFrame:
    """:func:`pv_by_source`, remembered: a check computes the answer and each hint's wrong answer from the same table."""
    return pv_by_source(costs, rate, years, n_credentials)


def _net_premium(p) -> float:
    """The chosen source's yearly premium net of membership (derived)."""
    return premium_basis(p.premium_source, len(p.credentials)).premium_usd_derived - p.membership_cost_usd


@computed("certification_premium.largest_present_value", type="text", hints=[
    hint("That is the right source, written as its label. Answer with its key, the way `premium_source` takes it "
         "(the `source_key` column).", wrong=lambda p: _by_source(p).set_index("source_key").source[exercise_largest_present_value(p)]),
    hint("That source has the smallest present value (the shortest bar); the question asks for the largest.",
         wrong=lambda p: _by_source(p).set_index("source_key").present_value_usd_derived.idxmin()),
    hint("That is the source you chose (the highlighted bar). Is its bar the longest?", wrong=lambda p: p.premium_source),
], explain="Every bar uses the same costs, rate and horizon: only the premium differs. The largest premium is not "
           "the most trustworthy one: section 2 shows how far the sources disagree and why.")
def exercise_largest_present_value(p) -> str:
    """The key of the premium source with the largest present value under the parameters (derived).

    >>> exercise_largest_present_value(PARAMETERS.check({}))
    'survey_2020'
    """
    return _by_source(p).set_index("source_key").present_value_usd_derived.idxmax()


@computed("certification_premium.payback_years", tolerance=0.001, hints=[
    hint("That looks like months: divide by 12 to get years.", times=12),
    hint("You divided by the whole premium. Subtract the yearly membership first: the upfront cost is repaid by the "
         "premium net of membership.", wrong=lambda p: costs_from(p).upfront_usd / premium_basis(
             p.premium_source, len(p.credentials)).premium_usd_derived),
    hint("Upside down: divide the upfront cost by the yearly net gain, not the other way round.",
         wrong=lambda p: _net_premium(p) / costs_from(p).upfront_usd),
    hint("Your upfront cost leaves out study time (credentials x study hours x value of an hour).",
         wrong=lambda p: costs_from(p).exams_usd / _net_premium(p)),
], explain="Payback is derived and undiscounted, and it assumes the whole premium arrives from the first year on: "
           "no source here shows that. The present value in section 3 discounts it.")
def exercise_payback_years(p) -> float | None:
    """Years until the chosen source's premium, net of membership, repays the upfront cost (derived, unrounded).

    None when the net gain is not positive (the cost is never repaid: the check then says there is no answer).

    >>> round(exercise_payback_years(PARAMETERS.check({})), 6), exercise_payback_years(
    ...     PARAMETERS.check({"membership_cost_usd": 20000})) is None
    (0.194835, True)
    """
    return payback_years(costs_from(p).upfront_usd, _net_premium(p))


@computed("certification_premium.present_value_spread", tolerance=1, hints=[
    hint("That is the spread of the yearly premiums. The question asks about the present values "
         "(present_value_usd_derived).", wrong=lambda p: float(_by_source(p).premium_usd_derived.max()
                                                              - _by_source(p).premium_usd_derived.min())),
    hint("That is the largest present value itself: subtract the smallest.",
         wrong=lambda p: float(_by_source(p).present_value_usd_derived.max())),
], explain="With every assumption held fixed, the choice of source alone moves the answer by this much. "
           "That is the price of the sources' disagreement.")
def exercise_present_value_spread(p) -> float:
    """The largest minus the smallest present value across the premium sources, same assumptions (derived).

    >>> round(exercise_present_value_spread(PARAMETERS.check({})), 2)
    52349.85
    """
    pv = _by_source(p).present_value_usd_derived
    return float(pv.max() - pv.min())
