"""The expected answers of notebook 03's exercises.

They are computed from the article's table (and the chosen specialty, where the question is about it) when a
student runs ``check("specialty.<name>", answer, p)``; no message shows them.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from analysis.teaching.exercises import computed, hint

from analysis.topics.specialty.specialties import BASELINE, specialty_table
from analysis.topics.specialty.parameters import PARAMETERS


def _midpoints() -> pd.Series:
    return specialty_table().set_index("specialty").midpoint_usd_derived


@computed("specialty.highest_midpoint", type="text", hints=[
    hint("That is the specialty the article calls \"the highest-paying\". Read the ticks (the midpoints) on the chart "
         "rather than the article's words: is its tick the one furthest to the right?", wrong="Risk Adjustment/HCC"),
    hint("That specialty has the lowest midpoint: the highest is at the other end of the chart.",
         wrong=lambda p: _midpoints().idxmin()),
], explain="The article calls Risk Adjustment/HCC \"the highest-paying specialty\"; its own table, read by midpoints, "
           "does not say so. Section 3 holds the superlative against the table in three readings.")
def exercise_highest_midpoint(p) -> str:
    """The specialty with the highest midpoint in the article's table (derived; the first one if two tie).

    The answer does not depend on the parameters; ``p`` is taken for the uniform ``check(id, answer, p)``.

    >>> exercise_highest_midpoint(PARAMETERS.check({}))
    'Auditing'
    """
    return _midpoints().idxmax()


def _premium_over_the_chosen(p) -> float:
    """The slip of dividing by the chosen specialty's midpoint instead of the baseline's."""
    m = _midpoints()
    return float((m[p.specialty] - m[BASELINE]) / m[p.specialty] * 100)


def _premium_of_low_ends(p) -> float:
    """The slip of comparing the low ends of the ranges instead of their midpoints."""
    low = specialty_table().set_index("specialty").salary_low_usd
    return float((low[p.specialty] - low[BASELINE]) / low[BASELINE] * 100)


@computed("specialty.premium_pct", tolerance=0.05, hints=[
    hint("That looks like a fraction: a percent is the fraction x 100.", times=0.01),
    hint("That is the premium in dollars a year. The question asks for it in percent of General Outpatient's midpoint.",
         wrong=lambda p: float(specialty_table().set_index("specialty").premium_midpoint_usd_derived[p.specialty])),
    hint("You divided by the chosen specialty's midpoint. A premium over General Outpatient is measured in percent of "
         "General Outpatient's midpoint.", wrong=_premium_over_the_chosen),
    hint("That is the chosen midpoint as a percent of General Outpatient's. The premium is the part above 100%: "
         "subtract 100.", wrong=lambda p: float(_midpoints()[p.specialty] / _midpoints()[BASELINE] * 100)),
    hint("That compares the low ends of the two ranges. The question asks for the midpoints: (low + high) / 2.",
         wrong=_premium_of_low_ends),
], explain="Your number is derived from two of the article's ranges, which name no source or year: it compares "
           "midpoints of ranges, not what two particular coders are paid.")
def exercise_premium_pct(p) -> float:
    """The chosen specialty's midpoint premium over General Outpatient, in percent (derived, unrounded).

    >>> round(exercise_premium_pct(PARAMETERS.check({})), 4), exercise_premium_pct(PARAMETERS.check({"specialty": "General Outpatient"}))
    (35.1064, 0.0)
    """
    return float(specialty_table().set_index("specialty").premium_midpoint_pct_derived[p.specialty])


@computed("specialty.specialties_paying_more", hints=[
    hint("One too many? With >= the chosen specialty counts itself (and any specialty tied with it). The question "
         "asks for the specialties whose midpoint is higher: use >.",
         wrong=lambda p: int((_midpoints() >= _midpoints()[p.specialty]).sum())),
    hint("That counts the specialties whose midpoint is lower than the chosen one's; the question asks for higher.",
         wrong=lambda p: int((_midpoints() < _midpoints()[p.specialty]).sum())),
], explain="A specialty tied with the chosen one (the same midpoint) is not higher, so it is not counted. "
           "Try `specialty = \"Radiology\"`, which shares its midpoint with another specialty, and check again.")
def exercise_specialties_paying_more(p) -> int:
    """How many of the ten specialties have a higher midpoint than the chosen one (derived).

    >>> exercise_specialties_paying_more(PARAMETERS.check({})), exercise_specialties_paying_more(
    ...     PARAMETERS.check({"specialty": "Radiology"}))
    (1, 6)
    """
    return int((_midpoints() > _midpoints()[p.specialty]).sum())


@computed("specialty.midpoint_chart", hints=[
    hint("The question asks for a bar chart: one bar per specialty (.mark_bar()).", on="mark"),
    hint("The x axis should show each specialty's midpoint (midpoint_usd_derived) as a quantity (:Q).", on="x"),
    hint("The y axis should list the specialties by name (specialty) as categories (:N).", on="y"),
], explain="Compare your chart with the one in section 1: it draws each whole range, not only its midpoint. "
           "What does a chart of midpoints hide?")
def exercise_midpoint_chart(p) -> alt.Chart:
    """The reference chart: bars of the derived midpoints by specialty, with a tooltip (checked by its structure).

    >>> spec = exercise_midpoint_chart(PARAMETERS.check({})).to_dict()
    >>> spec["mark"]["type"], spec["encoding"]["x"]["field"], spec["encoding"]["y"]["field"]
    ('bar', 'midpoint_usd_derived', 'specialty')
    """
    table = specialty_table()[["specialty", "midpoint_usd_derived"]]
    return alt.Chart(table).mark_bar().encode(x="midpoint_usd_derived:Q", y="specialty:N",
                                              tooltip=["specialty", "midpoint_usd_derived"])
