"""Salary by specialty: the article's ten specialties, their premium over general coding, the HCC niche,
experience bands, and the career moves the article names beside real BLS wages.

Backs ``notebooks/03_specialty.ipynb``. The specialty ranges, credentials, demand levels, experience
bands and the HCC section are the article's **claims** (``data/article/``); midpoints, premiums,
ranks and ratios are computed here and labelled **derived**. The BLS figures are evidence: national
percentiles of Medical Records Specialists (``bls_national_facts_29-2072.csv``), state medians (May
2024 state file), and the national wages of other occupations (May 2021 national file, via
:mod:`analysis.data.careers`). ``data/`` has **no** salary by state and specialty, and none is made up: a
state's wage level is shown as a ratio to the nation, and the specialty ranges stay national.

Its modules, each imported here so that the notebook, the tests and the exercise registry use the topic by its
one name (``analysis.topics.specialty``): ``specialties`` (the article's table and its HCC niche);
``experience`` (bands, ladder, BLS percentiles); ``state_wages`` (a state's wage level as a ratio);
``parameters``; ``careers`` (the career moves); ``charts``; ``exercises`` (notebook 03's expected answers);
``summary`` (the report's opening summary).

>>> t = specialty_table().set_index("specialty")
>>> t.loc["Risk Adjustment/HCC", ["midpoint_usd_derived", "premium_midpoint_usd_derived"]].tolist()
[63500.0, 16500.0]
>>> round(float(t.loc["Risk Adjustment/HCC", "premium_midpoint_pct_derived"]), 2)
35.11
"""

from __future__ import annotations

# Shown by the notebook and used by the tests under the topic's name.
from analysis.present.tables import table_view

from analysis.topics.specialty.specialties import (
    BASELINE, specialty_names, lookup_specialty, specialty_table, specialty_view, specialty_headline, hcc_statements,
    hcc_check,
)
from analysis.topics.specialty.experience import (
    EXPERIENCE_LEVELS, BLS_PERCENTILE_PERIOD, experience_band, ladder_rungs, ladder_view, bls_national_percentiles,
    experience_note,
)
from analysis.topics.specialty.state_wages import STATE_WAGE_YEAR, state_note, state_to_national_ratio
from analysis.topics.specialty.parameters import PARAMETERS
from analysis.topics.specialty.careers import careers_view, career_map_view
from analysis.topics.specialty.charts import (
    specialty_chart, premium_chart, experience_chart, careers_chart, coder_and_careers_chart,
)
from analysis.topics.specialty.exercises import (
    exercise_highest_midpoint, exercise_premium_pct, exercise_specialties_paying_more, exercise_midpoint_chart,
)
from analysis.topics.specialty.summary import report_summary
