"""The expected answers of notebook 01's exercises.

They depend on the parameters, so they are computed when a student runs
``check("salary_by_state.<name>", answer, p)``; no message shows them.
"""

from __future__ import annotations

from functools import lru_cache

from analysis.calc.units import HOURS_PER_YEAR
from analysis.data.evidence import STATE_WAGE_FILES, load_state_wages, state_wage_measure
from analysis.teaching.exercises import computed, hint

from analysis.topics.salary_by_state.parameters import PARAMETERS
from analysis.topics.salary_by_state.wages import _int_or_none, national_wage, ranked_wages


@lru_cache(maxsize=8)
def _exercise_ranks(year: int, measure: str) -> dict[str, tuple[int | None, int | None]]:
    """Each state's (rank from the highest, rank from the lowest), remembered: a check needs both, repeatedly."""
    frame = ranked_wages(year, measure)
    from_lowest = frame.wage_usd.rank(ascending=True, method="min")
    return {abbr: (_int_or_none(rank), _int_or_none(low))
            for abbr, rank, low in zip(frame.state_abbr, frame.rank_derived, from_lowest)}


def _rank_from_lowest(p) -> int:
    """The chosen state's rank counted from the lowest wage (a common slip when reading a rank)."""
    return _exercise_ranks(p.year, p.measure)[p.state.abbr][1]


@computed("salary_by_state.rank_of_state", hints=[
    hint("That is the rank counted from the lowest wage. Rank 1 is the highest wage: count from the top.",
         wrong=_rank_from_lowest),
], explain="A rank is derived: it depends on the snapshot and the measure. Change `year` or `measure`, re-run the "
           "notebook and look again: a rank among 35 areas (the May 2023 medians) is not a rank among 51.")
def exercise_rank_of_state(p) -> int | None:
    """The chosen state's rank by the May ``p.year`` ``p.measure`` wage (1 = highest; None without a figure).

    >>> exercise_rank_of_state(PARAMETERS.check({"state": "TX"}))
    43
    >>> exercise_rank_of_state(PARAMETERS.check({"state": "TX", "year": 2023})) is None
    True
    """
    return _exercise_ranks(p.year, p.measure)[p.state.abbr][0]


def _hourly_mean_2023(p) -> float:
    """The state's May 2023 hourly mean as printed in the 2023 file (a tempting column to copy)."""
    return float(load_state_wages(2023).set_index("state_abbr").hourly_mean_usd[p.state.abbr])


@computed("salary_by_state.hourly_equivalent", tolerance=0.01, hints=[
    hint("That looks like the annual wage itself: divide it by the hours of a BLS work year (2,080).",
         times=HOURS_PER_YEAR),
    hint("That looks like a monthly figure (a year's pay / 12). The question asks for an hourly one: "
         "divide the annual wage by 2,080 hours.", times=HOURS_PER_YEAR / 12),
    hint("That is the May 2023 hourly mean printed in the 2023 file (hourly_mean_usd). The question asks you to "
         "convert the chosen year and measure's annual wage, the one in the headline, into an hourly one.",
         wrong=_hourly_mean_2023),
], explain="An hourly figure computed from an annual one is derived: it assumes a full-time year of 2,080 hours "
           "(52 weeks of 40 hours), as BLS does. Part-time coders are paid for fewer hours.")
def exercise_hourly_equivalent(p) -> float | None:
    """The chosen state's annual wage (May ``p.year``, ``p.measure``) / 2,080 hours, unrounded (None without a figure).

    >>> round(exercise_hourly_equivalent(PARAMETERS.check({"state": "TX"})), 4)
    22.7067
    """
    wage = _int_or_none(state_wage_measure(p.year, p.measure).set_index("state_abbr").wage_usd[p.state.abbr])
    return None if wage is None else wage / HOURS_PER_YEAR


@lru_cache(maxsize=8)
def _medians_above(year: int, national_usd: float) -> int:
    medians = state_wage_measure(year, "median").wage_usd
    return int((medians > national_usd).fillna(False).sum())


def _count_below_national_median(p) -> int:
    medians = state_wage_measure(p.year, "median").wage_usd
    return int((medians < national_wage(p.year, "median").value).fillna(False).sum())


def _count_above_other_years_median(p) -> int:
    others = [y for y in STATE_WAGE_FILES if y != p.year and national_wage(y, "median") is not None]
    if not others:
        return -1  # no other year to confuse it with
    other = min(others, key=lambda y: (abs(y - p.year), -y))  # the year next to it (May 2023 beside May 2024)
    return _medians_above(p.year, national_wage(other, "median").value)


@computed("salary_by_state.states_above_national_median", hints=[
    hint("That counts the states below the national median; the question asks for those above it.",
         wrong=_count_below_national_median),
    hint("It looks as if you compared with the national median of the other BLS year. Compare the states' medians "
         "with `national_median`, the national median of the same year.", wrong=_count_above_other_years_median),
], explain="Now compare with the article: its top-10 table gives mean salaries without a year or a source. A state "
           "above the national median is not necessarily in the article's table, and the other way round.")
def exercise_states_above_national_median(p) -> int:
    """How many states' May ``p.year`` median is above the national median of that year (states without one not counted).

    >>> exercise_states_above_national_median(PARAMETERS.check({})), exercise_states_above_national_median(
    ...     PARAMETERS.check({"year": 2023}))
    (24, 19)
    """
    return _medians_above(p.year, national_wage(p.year, "median").value)
