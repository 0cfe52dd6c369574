"""AI and medical coding: published LLM-exposure ratings, the article's claims, and a labelled scenario.

Backs ``notebooks/05_ai_impact.ipynb``. Three kinds of content, kept apart on purpose:

* **evidence**: the LLM-exposure ratings of 923 O*NET-SOC occupations published with Eloundou,
  Manning, Mishkin and Rock, "GPTs are GPTs" (Science, 2024), in
  ``data/evidence/gpts-are-gpts/occ_level.csv``. Each occupation has a rating from 0 to 1 by two raters
  (GPT-4 and human annotators) on three measures: ``E1`` (the share of the occupation's tasks an LLM
  alone could speed up a lot), ``E1+0.5*E2`` and ``E1+E2`` (adding tasks that software built on an
  LLM could speed up). Ranks, percentile ranks, differences and correlations computed from them here
  are labelled **derived**.
* **claims**: the article's "Will AI Replace Medical Coders?" section (qualitative, no numbers).
* **a scenario**: what-if arithmetic on assumptions that are notebook parameters. It is not a
  forecast and not evidence (see :func:`scenario`).

Its modules, each imported here so that the notebook, the tests and the exercise registry use the topic by its
one name (``analysis.topics.ai_impact``): ``ranks`` (where an occupation stands); ``raters`` (GPT-4 and human
raters compared); ``claims`` (the article's statements); ``automation_scenario`` (the what-if scenario);
``parameters``; ``charts``; ``exercises`` (notebook 05's expected answers); ``summary`` (the report's opening
summary).

>>> exposure = load_exposure()
>>> len(exposure)
923
>>> row = exposure.set_index("onet_soc_code").loc[MEDICAL_RECORDS_CODE]
>>> row.title, float(row.dv_rating_alpha)
('Medical Records Specialists', 0.23529411764705882)
"""

from __future__ import annotations

# Shown by the notebook and used by the tests under the topic's name.
from analysis.data.ai_exposure import (
    EXPOSURE_FILE, EXPOSURE_SCHEMA, MEASURES, MEASURE_MEANINGS, MEDICAL_RECORDS_CODE, NOT_AVAILABLE, OCCUPATION_FORMS,
    Occupation, OccupationList, RATERS, RATER_NAMES, SCENARIO_BASE_YEAR, how_it_relates, load_exposure, lookup_measure,
    lookup_occupation, lookup_rater, occupation_list, rating_column,
)
from analysis.present.tables import rounded_view

from analysis.topics.ai_impact.ranks import percentile_ranks, ranked_exposure, highlighted, standing, standing_headline
from analysis.topics.ai_impact.raters import rater_agreement, raters_compared, agreement_summary, largest_disagreements
from analysis.topics.ai_impact.claims import EVIDENCE_NOTES, article_claims, claims_note
from analysis.topics.ai_impact.automation_scenario import (
    DEFAULT_ROUTINE_SHARES, ROLE_GROUPS, article_roles, routine_shares, RoutineShares, Share, phase_in,
    HUMAN_WORK_INDEX_FORMULA, human_work_index, scenario, scenario_at_horizon, assumptions_table, scenario_headline,
)
from analysis.topics.ai_impact.parameters import PARAMETERS
from analysis.topics.ai_impact.charts import (
    exposure_distribution_chart, rater_scatter, raters_side_by_side_chart, scenario_chart,
)
from analysis.topics.ai_impact.exercises import (
    ENTRY_LEVEL_ROLE, exercise_percentile_rank, exercise_entry_level_index, exercise_rated_higher_count,
)
from analysis.topics.ai_impact.summary import report_summary
