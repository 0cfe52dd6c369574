"""The notebook's parameters: the specialty, the experience level, and an optional state.
"""

from __future__ import annotations

from analysis.core.params import Choice, ParameterSet, Text
from analysis.data.states import ALLOWED_FORMS

from analysis.topics.specialty.specialties import lookup_specialty
from analysis.topics.specialty.experience import EXPERIENCE_LEVELS
from analysis.topics.specialty.state_wages import _optional_state


PARAMETERS = ParameterSet(
    "specialty",
    [
        Text("specialty", "Risk Adjustment/HCC", "The specialty to highlight (one of the article's ten).",
             check=lookup_specialty, allowed_text="one of the article's ten specialties, e.g. 'Cardiology' or 'hcc'"),
        Choice("experience_level", "mid-career", list(EXPERIENCE_LEVELS),
               "Which of the article's national experience bands to show beside the specialty: entry (0-2 years), "
               "mid-career (3-7 years) or senior (8+ years)."),
        Text("state", None, "Optional: a state whose BLS wage level is compared with the nation's (a ratio, derived). "
             "None = national only.", check=_optional_state, optional=True, allowed_text=ALLOWED_FORMS),
    ],
    examples=[
        # The top of the article's specialty table, for a senior coder.
        {"specialty": "Auditing", "experience_level": "senior"},
        # The baseline itself, for a new coder in the state with the lowest BLS median.
        {"specialty": "General Outpatient", "experience_level": "entry", "state": "Mississippi"},
        # A short key and a state given as a FIPS code (papermill turns "06" into 6; both mean California).
        {"specialty": "ob_gyn", "state": "06"},
    ],
)
