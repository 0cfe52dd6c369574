"""Job outlook: BLS Employment Projections rounds beside the article's outlook claims.

Backs ``notebooks/02_job_outlook.ipynb``. The projection rounds (base employment, percent change,
annual openings) come from ``data/evidence/bls_national_facts_29-2072.csv``; the article's figures
from ``data/article/job_outlook.csv`` (claims); related occupations from the BLS 2020-30 projections
file. Employment at a horizon year is **derived**: the round's percent change is spread evenly
(linear interpolation) over its ten years, see :func:`project_employment`.

Its modules, each imported here so that the notebook, the tests and the exercise registry use the topic by its
one name (``analysis.topics.job_outlook``): ``projections`` (the rounds and the projected employment);
``parameters``; ``projections_2020_30`` (growth beside the average, related occupations); ``claims`` (the
article's outlook figures beside BLS); ``employment`` (jobs by state); ``charts``; ``exercises`` (notebook
02's expected answer); ``summary`` (the report's opening summary).

>>> p = projection("2024-34", 2034)
>>> p.base_employment, p.pct_change_used, p.projected_employment_derived
(194800, 7.0, 208436.0)
"""

from __future__ import annotations

# Shown by the notebook and used by the tests under the topic's name.
from analysis.present.formats import percent
from analysis.present.tables import table_view

from analysis.topics.job_outlook.projections import (
    ROUND_KEYS, round_keys, bls_round_keys, FIRST_YEAR, LAST_YEAR, PROJECTION_ROUND, ProjectionRound, projection_round,
    PROJECTED_EMPLOYMENT_FORMULA, project_employment, Projection, projection, projection_paths,
)
from analysis.topics.job_outlook.parameters import PARAMETERS
from analysis.topics.job_outlook.projections_2020_30 import (
    PROJECTIONS_2020_30_FILE, load_projections_2020_30, ALL_OCCUPATIONS_2020_30, MEDICAL_RECORDS_2020_30,
    growth_vs_average, RELATED_OCCUPATIONS_2020_30, related_occupations,
)
from analysis.topics.job_outlook.claims import outlook_claims_vs_bls
from analysis.topics.job_outlook.employment import employment_by_state, employment_sum_note
from analysis.topics.job_outlook.charts import projection_chart, employment_chart, employment_bars, related_occupations_chart
from analysis.topics.job_outlook.exercises import exercise_projected_employment
from analysis.topics.job_outlook.summary import report_summary
