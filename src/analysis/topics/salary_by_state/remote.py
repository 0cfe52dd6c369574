"""The remote-work arithmetic: a coder's local wage beside a remote employer's state wage, and the article's commute savings.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.data.article import load_remote_advantages, load_remote_work_models
from analysis.data.evidence import state_wage_measure
from analysis.data.states import State, lookup_state
from analysis.present.markdown import Markdown

from analysis.topics.salary_by_state.wages import _int_or_none


@dataclass(frozen=True)
class RemoteWork:
    """Local wage vs a remote employer's state wage (BLS), their difference (derived), and the article's commute savings (claim)."""

    local: State
    employer: State
    year: int
    measure: str
    local_usd: int | None
    employer_usd: int | None
    commute_savings_low_usd: int
    commute_savings_high_usd: int

    @property
    def difference_usd_derived(self) -> int | None:
        """Employer state's wage minus the local wage; None when either is not available."""
        if self.local_usd is None or self.employer_usd is None:
            return None
        return self.employer_usd - self.local_usd

    def to_frame(self) -> pd.DataFrame:
        diff = self.difference_usd_derived
        label = f"May {self.year} {self.measure} annual wage"
        rows = [
            (f"{label}, {self.local.name} (where the coder lives)", self.local_usd, "BLS evidence"),
            (f"{label}, {self.employer.name} (where the employer is)", self.employer_usd, "BLS evidence"),
            ("employer state's wage minus local wage", diff, "derived"),
            ("commute savings, low end ('Save $3,000-$8,000/year')", self.commute_savings_low_usd, "article claim"),
            ("commute savings, high end", self.commute_savings_high_usd, "article claim"),
            ("wage difference + commute savings, low end", None if diff is None else diff + self.commute_savings_low_usd,
             "derived (BLS difference + the article's claim)"),
            ("wage difference + commute savings, high end", None if diff is None else diff + self.commute_savings_high_usd,
             "derived (BLS difference + the article's claim)"),
        ]
        frame = pd.DataFrame(rows, columns=["item", "usd_a_year", "kind"])
        frame["usd_a_year"] = frame.usd_a_year.astype("Int64")
        return frame


def remote_work(local: State, employer: State, year: int, measure: str) -> RemoteWork:
    """The remote-work arithmetic for a coder living in ``local`` and working for an employer in ``employer``.

    >>> r = remote_work(lookup_state("MS"), lookup_state("CA"), 2024, "median")
    >>> r.local_usd, r.employer_usd, r.difference_usd_derived
    (39970, 59700, 19730)
    >>> r.commute_savings_low_usd, r.commute_savings_high_usd
    (3000, 8000)
    """
    wages = state_wage_measure(year, measure).set_index("state_abbr").wage_usd
    savings = load_remote_advantages().set_index("topic").loc["no_commute_costs"]
    return RemoteWork(local, employer, year, measure, _int_or_none(wages[local.abbr]), _int_or_none(wages[employer.abbr]),
                      int(savings.savings_low_usd), int(savings.savings_high_usd))


def remote_work_note() -> Markdown:
    """The assumption behind the arithmetic, with the article's own caveat quoted.

    >>> "some employers pay geographically" in remote_work_note().data
    True
    """
    fully = load_remote_work_models().set_index("work_model").loc["Fully Remote"]
    return Markdown("**Assumption:** a remote employer pays the wage typical of its own state. The BLS figures "
                    "are for jobs located in each state, and the article itself notes for fully remote work: "
                    f"\"{fully.salary_impact}\" (claim). The commute savings are the article's claim, not evidence.")
