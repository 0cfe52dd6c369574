"""US states, DC and territories: look one up by name, abbreviation or FIPS code.

>>> lookup_state("tx").name
'Texas'
>>> lookup_state("06").abbr
'CA'
>>> lookup_state("new york").fips
'36'
>>> lookup_state("Washington D.C.").abbr
'DC'
>>> lookup_state("Califrnia")
Traceback (most recent call last):
...
analysis.core.errors.InputError: state='Califrnia': not a US state, DC or territory name, abbreviation or FIPS code. Did you mean 'California'? Allowed: a name (Texas), a two-letter abbreviation (TX) or a two-digit FIPS code as text ('48').
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandera.pandas as pa

from analysis.data.cache import cached_by_files
from analysis.data.tables import read_table
from analysis.core.errors import InputError, closest

STATES_FILE = "reference/us_states.csv"
ALLOWED_FORMS = "a name (Texas), a two-letter abbreviation (TX) or a two-digit FIPS code as text ('48')"

# Other spellings people type for the District of Columbia.
_ALIASES = {"washington dc": "DC", "washington d.c.": "DC", "d.c.": "DC", "dc": "DC", "district of columbia": "DC"}

STATES_SCHEMA = pa.DataFrameSchema(
    {
        "state_fips": pa.Column(str, pa.Check.str_matches(r"^\d{2}$"), unique=True),
        "state": pa.Column(str, unique=True),
        "state_abbr": pa.Column(str, pa.Check.str_matches(r"^[A-Z]{2}$"), unique=True),
        "kind": pa.Column(str, pa.Check.isin(["state", "district", "territory"])),
        "tile_row": pa.Column("Int64", nullable=True, coerce=True),
        "tile_col": pa.Column("Int64", nullable=True, coerce=True),
    },
    strict=True,
)


@dataclass(frozen=True)
class State:
    """One area: ``fips`` is a two-character string ("06"), never a number."""

    fips: str
    name: str
    abbr: str
    kind: str

    def __str__(self) -> str:
        return f"{self.name} ({self.abbr})"


@cached_by_files((STATES_FILE, "sources.csv"))
def states_table():
    """The reference table: 50 states, DC and 3 territories, with tile-grid positions.

    >>> t = states_table()
    >>> int((t.kind != "territory").sum())
    51
    """
    return read_table(STATES_FILE, STATES_SCHEMA)


def all_states(include_territories: bool = False) -> list[State]:
    """Every area as a :class:`State`, alphabetical by name; 51 (50 states + DC) by default.

    >>> len(all_states()), len(all_states(include_territories=True))
    (51, 54)
    """
    table = states_table()
    if not include_territories:
        table = table[table.kind != "territory"]
    return [State(r.state_fips, r.state, r.state_abbr, r.kind) for r in table.sort_values("state").itertuples()]


def lookup_state(value, *, include_territories: bool = False, name: str = "state") -> State:
    """Find a state by name, two-letter abbreviation or FIPS code (any case, spaces trimmed).

    A number is read as a FIPS code (``6`` -> California), because papermill's ``-p state 06``
    arrives as the number 6. ``name`` is the parameter name used in error messages.
    """
    areas = all_states(include_territories=True)
    allowed = [s for s in areas if include_territories or s.kind != "territory"]
    if isinstance(value, bool) or value is None:
        raise InputError(name, value, allowed=ALLOWED_FORMS, reason="a state must be given as text")
    if isinstance(value, int):
        value = f"{value:02d}"
    text = re.sub(r"\s+", " ", str(value).strip())
    key = text.lower()
    key = _ALIASES.get(key, key).lower()
    for area in areas:
        if key in (area.name.lower(), area.abbr.lower(), area.fips):
            if area in allowed:
                return area
            raise InputError(name, value, allowed="the 50 states and DC", reason=f"{area.name} is a territory, and this analysis covers only the 50 states and DC")
    if text.isdigit() and len(text) == 1 and any(area.fips == text.zfill(2) for area in allowed):
        # A FIPS code that lost its leading zero (a spreadsheet, or papermill typing "06" as 6).
        raise InputError(name, value, allowed=ALLOWED_FORMS, suggestion=text.zfill(2),
                         reason="FIPS codes have two digits, written as text")
    names = [s.name for s in allowed] + [s.abbr for s in allowed]
    suggestion = closest(text, names) if len(text) > 2 else None
    if suggestion is not None and len(suggestion) == 2:
        suggestion = next(s.name for s in allowed if s.abbr == suggestion)
    raise InputError(name, value, allowed=ALLOWED_FORMS, suggestion=suggestion,
                     reason="not a US state, DC or territory name, abbreviation or FIPS code")


def lookup_states(values, **kwargs) -> list[State]:
    """Look up several states; accepts a list or a comma-separated string ("CA, TX").

    >>> [s.abbr for s in lookup_states("california, tx")]
    ['CA', 'TX']
    >>> lookup_states([])
    []
    """
    if isinstance(values, str):
        values = [v for v in values.split(",") if v.strip()]
    return [lookup_state(v, **kwargs) for v in values]
