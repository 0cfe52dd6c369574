"""Salary by state: one state's BLS wage beside the nation, its peers, its rank, and the article's claim.

Backs ``notebooks/01_salary_by_state.ipynb``. Every wage comes from the BLS OEWS state files in
``data/evidence/`` (May 2024: mean and median; May 2023: mean for every area, median for 35 areas);
differences and ranks are computed here and labelled **derived**.

Its modules, each imported here so that the notebook, the tests and the exercise registry use the topic by its
one name (``analysis.topics.salary_by_state``): ``parameters``; ``wages`` (the BLS figures: national, ranks,
comparisons, snapshots); ``claims`` (the article's state salaries beside them); ``remote`` (the remote-work
arithmetic); ``charts``; ``exercises`` (notebook 01's expected answers); ``summary`` (the report's opening
summary).

>>> tx = lookup_state("TX")
>>> row = wage_comparison(tx, [], 2024, "median").set_index("area").loc["Texas"]
>>> int(row.wage_usd), int(row.rank_derived), int(row.difference_from_national_usd_derived)
(47230, 43, -3020)
"""

from __future__ import annotations

# Shown by the notebook and used by the tests under the topic's name.
from analysis.data.evidence import STATE_WAGE_FILES
from analysis.data.states import lookup_state
from analysis.present.formats import missing, money, rank_text, signed_money
from analysis.present.tables import table_view

from analysis.topics.salary_by_state.parameters import MEASURE, PARAMETERS
from analysis.topics.salary_by_state.wages import (
    national_wage, ranked_wages, wage_comparison, headline, state_profile, snapshot_caveat,
)
from analysis.topics.salary_by_state.claims import article_vs_bls, article_claim_note
from analysis.topics.salary_by_state.remote import RemoteWork, remote_work, remote_work_note
from analysis.topics.salary_by_state.charts import (
    comparison_chart, tile_frame, tile_label_colours, TILE_LABEL, TILE_LABEL_COLOUR, wage_tile_map, MEASURES, state_choices,
    state_explorer,
)
from analysis.topics.salary_by_state.exercises import (
    exercise_rank_of_state, exercise_hourly_equivalent, exercise_states_above_national_median,
)
from analysis.topics.salary_by_state.summary import (
    report_summary, wage_figures, wage_finding, state_claim_verdict, remote_finding,
)
