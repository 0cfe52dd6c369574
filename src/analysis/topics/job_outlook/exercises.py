"""The expected answer of notebook 02's parameter-dependent exercise.

It is computed when a student runs ``check("job_outlook.projected_employment", answer, p)``; no message
shows it. The exercises that do not depend on the parameters are hashed in ``exercise_answers.json``.
"""

from __future__ import annotations

from functools import lru_cache

from analysis.teaching.exercises import computed, hint

from analysis.topics.job_outlook.projections import Projection, projection
from analysis.topics.job_outlook.parameters import PARAMETERS


@lru_cache(maxsize=64)
def _projection_for(round_key: str, horizon_year: int | None, growth_override_pct: float | None) -> Projection:
    """:func:`projection`, remembered: a check computes the answer and each hint's wrong answer from the same few."""
    return projection(round_key, horizon_year, growth_override_pct)


def _chosen(p) -> Projection:
    return _projection_for(p.projection_round, p.horizon_year, p.growth_override_pct)


def _without_dividing_by_100(p) -> float:
    """The slip of using "7" for 7%: base x (1 + 7 x share elapsed)."""
    chosen = _chosen(p)
    return chosen.base_employment * (1 + chosen.pct_change_used * chosen.fraction_of_period_derived)


@computed("job_outlook.projected_employment", tolerance=1, hints=[
    hint("That is the base-year employment, before any growth: grow it by the percent change for the share of the "
         "period that has elapsed.", wrong=lambda p: _chosen(p).base_employment),
    hint("That is the change in jobs. The question asks for the employment level: add the change to the base-year "
         "employment.", wrong=lambda p: _chosen(p).change_in_jobs_derived),
    hint("Did you use the percent as a plain number? A percent change has to be divided by 100 before you "
         "multiply (8% is 0.08).", wrong=_without_dividing_by_100),
    hint("That is the projection for the last year of the round. By `horizon_year` only part of the period has "
         "elapsed: multiply the percent change by the share elapsed.",
         wrong=lambda p: _projection_for(p.projection_round, None, p.growth_override_pct).projected_employment_derived),
    hint("That uses the round's own percent change. With `growth_override_pct` set, use the what-if rate instead.",
         wrong=lambda p: _projection_for(p.projection_round, p.horizon_year, None).projected_employment_derived),
], explain="Your number is derived, not a BLS figure: BLS projects only the end year, and spreading the change "
           "evenly over the years in between is this kit's assumption.")
def exercise_projected_employment(p) -> float:
    """The derived employment at ``p.horizon_year`` for the chosen round (and what-if rate, if any).

    >>> exercise_projected_employment(PARAMETERS.check({})), exercise_projected_employment(
    ...     PARAMETERS.check({"horizon_year": 2030, "growth_override_pct": 4}))
    (208436.0, 199475.2)
    """
    return _chosen(p).projected_employment_derived
