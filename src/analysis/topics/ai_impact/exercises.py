"""The expected answers of notebook 05's exercises.

They depend on the parameters (rater, measure, scenario assumptions), so they are computed when a student
runs ``check("ai_impact.<name>", answer, p)``; no message shows them.
"""

from __future__ import annotations

import pandas as pd

from analysis.data.ai_exposure import MEDICAL_RECORDS_CODE, load_exposure, rating_column
from analysis.teaching.exercises import computed, hint

from analysis.topics.ai_impact.ranks import ranked_exposure
from analysis.topics.ai_impact.automation_scenario import human_work_index
from analysis.topics.ai_impact.parameters import PARAMETERS


ENTRY_LEVEL_ROLE = "Junior/Entry Coder"  # the article's career level 1: the scenario's entry-level coding


def _own_standing(p) -> pd.Series:
    """Medical Records Specialists' row of :func:`ranked_exposure` for the chosen rater and measure."""
    return ranked_exposure(p.rater, p.exposure_measure).set_index("onet_soc_code").loc[MEDICAL_RECORDS_CODE]


@computed("ai_impact.percentile_rank", tolerance=0.05, hints=[
    hint("That looks like a fraction: a percentile rank runs from 0 to 100.", times=0.01),
    hint("That is the rank (1 = the most exposed), not the percentile rank.",
         wrong=lambda p: int(_own_standing(p).rank_derived)),
    hint("That counts from the most exposed end (the share rated higher). A percentile rank counts the occupations "
         "rated lower.", wrong=lambda p: 100 - float(_own_standing(p).percentile_rank_derived)),
    hint("That is the percent rated strictly lower. The percentile rank also counts half of the occupations with the "
         "same rating, itself included.", wrong=lambda p: 100 * int(_own_standing(p).n_lower) / int(_own_standing(p).n_occupations)),
], explain="A percentile rank is derived: it says where the occupation stands among the 923 rated ones on this "
           "rater and measure, not what share of its tasks is exposed (that is the rating itself).")
def exercise_percentile_rank(p) -> float:
    """Medical Records Specialists' percentile rank among all occupations, chosen rater and measure (derived).

    >>> round(exercise_percentile_rank(PARAMETERS.check({})), 4), round(exercise_percentile_rank(
    ...     PARAMETERS.check({"rater": "human"})), 4)
    (83.857, 75.1354)
    """
    return float(_own_standing(p).percentile_rank_derived)


def _entry_share(p) -> float:
    return p.routine_share_by_level[ENTRY_LEVEL_ROLE]


@computed("ai_impact.entry_level_index", tolerance=0.01, hints=[
    hint("That looks like a fraction: the index is a percent of the base year's work (base year = 100).", times=0.01),
    hint("That is the share of the role's work automated by the horizon. The index is the work that remains: "
         "100 minus that.", wrong=lambda p: 100 * p.routine_share_automated * _entry_share(p)),
    hint("You left out the role's routine share: only routine work is automated, so multiply the share automated by "
         "the Junior/Entry Coder's routine share.", wrong=lambda p: 100 * (1 - p.routine_share_automated)),
], explain="Scenario arithmetic, not a forecast: every input is an assumption you can change in the parameters "
           "cell. Change `routine_share_by_level` and check again.")
def exercise_entry_level_index(p) -> float:
    """The Junior/Entry Coder's human-work index at the horizon year (base year = 100; scenario, derived).

    >>> exercise_entry_level_index(PARAMETERS.check({})), exercise_entry_level_index(PARAMETERS.check(
    ...     {"routine_share_automated": 0.9, "routine_share_by_level": "Junior/Entry Coder=0.95"}))
    (60.0, 14.5)
    """
    return human_work_index(_entry_share(p), p.routine_share_automated)


@computed("ai_impact.rated_higher_count", hints=[
    hint("With >= the count includes Medical Records Specialists themselves and any occupation with the same rating. "
         "The question asks for the occupations rated higher: use >.",
         wrong=lambda p: int(_own_standing(p).n_higher) + int(_own_standing(p).n_tied) + 1),
    hint("That counts the occupations rated lower; the question asks for those rated higher.",
         wrong=lambda p: int(_own_standing(p).n_lower)),
    hint("That is the rank (one more than the number rated higher).", wrong=lambda p: int(_own_standing(p).rank_derived)),
    hint("That count uses the other rater's ratings. Use the column of the chosen rater (`column`).",
         wrong=lambda p: _count_higher_by(p, "human" if p.rater == "gpt4" else "gpt4")),
], explain="Compare with the headline of section 1: it counts the same occupations. Occupations with exactly the "
           "same rating are not rated higher.")
def exercise_rated_higher_count(p) -> int:
    """How many occupations the chosen rater rates higher than Medical Records Specialists on the chosen measure.

    >>> exercise_rated_higher_count(PARAMETERS.check({})), exercise_rated_higher_count(PARAMETERS.check(
    ...     {"exposure_measure": "E1+E2"}))
    (148, 0)
    """
    return _count_higher_by(p, p.rater)


def _count_higher_by(p, rater: str) -> int:
    exposure = load_exposure()
    column = rating_column(rater, p.exposure_measure)
    own = exposure.set_index("onet_soc_code").loc[MEDICAL_RECORDS_CODE, column]
    return int((exposure[column] > own).sum())
