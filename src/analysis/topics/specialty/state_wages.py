"""A state's BLS wage level beside the nation's, as a ratio (derived). data/ has no salary by state and
specialty: the specialty ranges stay national.
"""

from __future__ import annotations

import pandas as pd

from analysis.data.evidence import state_wage_measure
from analysis.data.states import State, lookup_state
from analysis.present.formats import money
from analysis.present.markdown import Markdown
from analysis.topics.salary_by_state import national_wage


STATE_WAGE_YEAR = 2024  # the latest BLS state file with medians for all 51 areas


def _optional_state(value):
    """A state, or None for "no state" (papermill passes ``-p state None`` as None, a person may type "none")."""
    if value is None or (isinstance(value, str) and value.strip().lower() in ("", "none", "null")):
        return None
    return lookup_state(value)


def state_note(state: State | None) -> Markdown:
    """How the state's BLS median relates to the national median (ratio, derived); no state-by-specialty figure.

    >>> print(state_note(lookup_state("MS")).data.splitlines()[0].strip())
    **Mississippi**, May 2024 median annual wage of Medical Records Specialists: $39,970 (BLS OEWS state file).
    >>> "0.795" in state_note(lookup_state("MS")).data
    True
    >>> state_note(None).data.startswith("No state chosen")
    True
    """
    if state is None:
        return Markdown("No state chosen (`state = None`): everything here is national. Set `state` to see how a "
                        "state's wage level compares with the nation's.")
    wages = state_wage_measure(STATE_WAGE_YEAR, "median").set_index("state_abbr")
    own = wages.wage_usd.get(state.abbr)
    national = national_wage(STATE_WAGE_YEAR, "median")
    lines = [f"**{state.name}**, May {STATE_WAGE_YEAR} median annual wage of Medical Records Specialists: {money(own)} "
             f"(BLS OEWS state file)."]
    if national is None or pd.isna(own):
        lines.append("No ratio can be computed: a figure is not available in `data/`.")
    else:
        ratio = state_to_national_ratio(state)
        lines.append(f"National median, May {STATE_WAGE_YEAR}: {money(national.value)} ({national.source_quality}).")
        lines.append(f"Ratio state / nation: {ratio:.3f}, i.e. {(ratio - 1) * 100:+.1f}% (derived).")
    lines.append("`data/` has **no** salary by state *and* specialty. The article's specialty ranges carry no state, and "
                 "the kit does not multiply them by this ratio: that would assume every specialty pays the same relative "
                 "amount in every state, which no source here shows. The ratio describes all coders in the state, not a specialty.")
    return Markdown("  \n".join(lines))


def state_to_national_ratio(state: State) -> float | None:
    """The state's BLS median divided by the national median, same year (derived); None if either is missing.

    >>> round(state_to_national_ratio(lookup_state("CA")), 4)
    1.1881
    """
    own = state_wage_measure(STATE_WAGE_YEAR, "median").set_index("state_abbr").wage_usd.get(state.abbr)
    national = national_wage(STATE_WAGE_YEAR, "median")
    if national is None or own is None or pd.isna(own):
        return None
    return int(own) / float(national.value)
