"""The notebook's parameters: the projection round, the horizon year and a what-if growth rate.
"""

from __future__ import annotations

from analysis.core.errors import InputError
from analysis.core.params import Number, ParameterSet

from analysis.topics.job_outlook.projections import (
    FIRST_YEAR, LAST_YEAR, PROJECTION_ROUND, bls_round_keys, projection_round,
)


class _OutlookParameters(ParameterSet):
    """Also checks the parameters together: the horizon year must lie within the chosen round."""

    def check(self, values):
        self.params["horizon_year"].maximum = max(LAST_YEAR, *(int(k[:4]) + 10 for k in bls_round_keys()))
        checked = super().check(values)
        period = projection_round(checked.projection_round)
        if checked.horizon_year is None:  # documented default: the round's last year
            checked.horizon_year = period.end_year
        elif not period.start_year <= checked.horizon_year <= period.end_year:
            raise InputError("horizon_year", checked.horizon_year,
                             allowed=f"a year from {period.start_year} to {period.end_year} for projection_round={period.key!r}",
                             reason=f"the {period.label} covers {period.start_year} to {period.end_year} only")
        return checked


PARAMETERS = _OutlookParameters(
    "job_outlook",
    [
        PROJECTION_ROUND,
        Number("horizon_year", None, "The year to project employment to (derived, linear within the round). "
               "None = the round's last year (2034, or 2035 for 2025-35).",
               minimum=FIRST_YEAR, maximum=LAST_YEAR, integer=True, optional=True),
        Number("growth_override_pct", None, "What-if: a percent change over the round's ten years to use "
               "instead of the round's own (None = use the round's).", minimum=-100, maximum=100, optional=True),
    ],
    examples=[
        # The newer BLS round, to its last year 2035.
        {"projection_round": "2025-35"},
        # The article's own numbers taken at face value.
        {"projection_round": "article"},
        # What if employment grew at the article's "4% national average" instead, looking to 2030?
        {"horizon_year": 2030, "growth_override_pct": 4},
    ],
)
