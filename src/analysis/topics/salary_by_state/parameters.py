"""The notebook's parameters: the state, the survey year, the wage measure, the states compared, the employer's state.
"""

from __future__ import annotations

from analysis.core.params import Choice, ParameterSet, Text
from analysis.data.bls_years import LatestYear
from analysis.data.states import ALLOWED_FORMS, lookup_state


#: Which BLS annual wage (also a parameter of the state report).
MEASURE = Choice("measure", "median", ["median", "mean"],
                 "Which annual wage: the median (half earn less) or the mean (the average). "
                 "May 2023 medians exist for 35 areas only (Alabama to North Dakota).")

PARAMETERS = ParameterSet(
    "salary_by_state",
    [
        Text("state", "CA", "The state to look at.", check=lookup_state, allowed_text=ALLOWED_FORMS),
        LatestYear("year", "Which BLS OEWS snapshot: 'latest' (the newest May survey in data/) or one of the years "
                   "data/ holds (May 2024, May 2023, and any newer year imported with `medcoding data import`)."),
        MEASURE,
        Text("compare_with", ["TX", "NY", "FL"], "States to show beside it.", check=lookup_state,
             multiple=True, optional=True, allowed_text=ALLOWED_FORMS),
        Text("employer_state", "NY", "For the remote-work arithmetic: the state a remote employer is in.",
             check=lookup_state, allowed_text=ALLOWED_FORMS),
    ],
    examples=[
        # Texas, May 2024 median, with the default peers.
        {"state": "TX"},
        # May 2023 median: from a partial copy, so the peer Texas shows "not available".
        {"state": "new york", "year": 2023},
        # A FIPS code, the mean wage, two peers.
        {"state": "06", "measure": "mean", "compare_with": ["TX", "FL"]},
        # The article's scenario: a coder in Mississippi working for a California employer.
        {"state": "Mississippi", "employer_state": "CA"},
    ],
)
