"""The notebook's parameters: the rater and measure, the occupations compared, and the scenario's assumptions.
"""

from __future__ import annotations

from analysis.core.params import Number, ParameterSet, Text
from analysis.data.ai_exposure import OccupationList, SCENARIO_BASE_YEAR, lookup_measure, lookup_rater

from analysis.topics.ai_impact.automation_scenario import DEFAULT_ROUTINE_SHARES, RoutineShares, Share


PARAMETERS = ParameterSet(
    "ai_impact",
    [
        Text("rater", "gpt4", "Whose exposure ratings to use: GPT-4's or the human annotators'.", check=lookup_rater,
             allowed_text="gpt4 or human"),
        Text("exposure_measure", "E1", "Which published exposure measure: E1 (an LLM alone), E1+0.5*E2 or E1+E2 "
             "(adding software built on an LLM).", check=lookup_measure, allowed_text="E1, E1+0.5*E2 or E1+E2"),
        OccupationList("compare_with", ["Billing and Posting Clerks", "Health Information Technologists and Medical Registrars",
                                        "Medical and Health Services Managers", "Compliance Officers", "Accountants and Auditors"],
                       "Occupations to show beside Medical Records Specialists (O*NET-SOC codes or titles)."),
        Number("horizon_year", 2030, "Scenario: the year by which the share routine_share_automated is reached "
               "(assumption).", minimum=SCENARIO_BASE_YEAR + 1, maximum=2050, integer=True),
        Share("routine_share_automated", 0.5, "Scenario: the share of routine work automated by the horizon year "
              "(assumption, 0 to 1)."),
        RoutineShares("routine_share_by_level", dict(DEFAULT_ROUTINE_SHARES),
                      "Scenario: how much of each role's work is routine (assumptions, 0 to 1; defaults are the "
                      "kit's teaching assumptions, not data)."),
    ],
    examples=[
        # The human annotators' ratings instead of GPT-4's, everything else as default.
        {"rater": "human"},
        # The widest measure (with software built on an LLM), beside occupations where the raters disagree most,
        # given by title and by code.
        {"exposure_measure": "E1+E2", "compare_with": ["Medical Transcriptionists", "Data Entry Keyers", "43-3021.00"]},
        # A baseline: nothing automated, so every role stays at 100; routine shares given as a list for levels 1-7.
        {"exposure_measure": "E1+0.5*E2", "routine_share_automated": 0.0,
         "routine_share_by_level": [0.9, 0.7, 0.4, 0.2, 0.2, 0.1, 0.05]},
        # A fast scenario to 2035, with two roles changed in the text form the papermill CLI passes.
        {"rater": "human", "horizon_year": 2035, "routine_share_automated": 0.9,
         "routine_share_by_level": "Junior/Entry Coder=0.95, Coding Auditor=0.4", "compare_with": "Compliance Officers"},
    ],
)
