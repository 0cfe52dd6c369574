"""Which BLS years and projection rounds ``data/`` holds, found from the files themselves.

``medcoding data import`` (:mod:`analysis.data.bls_import`) writes one file per OEWS year and per
Employment Projections round next to the older ones; nothing else needs editing for the kit to use
them. This module finds them by name, so that a notebook's ``year = "latest"`` means the newest May
survey on disk, and a year without a file is never offered (nor invented).

* state wages, one file a year: ``evidence/bls_oews_may2024_state_29-2072.csv``;
* national OEWS rows (the kit's occupations, official layout): ``evidence/bls_oews_may2025_national.csv``;
* Employment Projections rounds (long form, like the national facts): ``evidence/bls_ep_2025-35_29-2072.csv``.

>>> state_years()[:2]
[2023, 2024]
>>> YEAR.normalize("latest") == latest_state_year()
True
>>> YEAR.normalize("2023")
2023
"""

from __future__ import annotations

import re

from analysis.core.errors import InputError, closest
from analysis.core.params import Param
from analysis.core.paths import data_dir

LATEST = "latest"

STATE_FILE = "evidence/bls_oews_may{year}_state_29-2072.csv"
NATIONAL_FILE = "evidence/bls_oews_may{year}_national.csv"
EP_FILE = "evidence/bls_ep_{round}_29-2072.csv"

_STATE_NAME = re.compile(r"^bls_oews_may(\d{4})_state_29-2072\.csv$")
_NATIONAL_NAME = re.compile(r"^bls_oews_may(\d{4})_national\.csv$")
_EP_NAME = re.compile(r"^bls_ep_(\d{4}-\d{2})_29-2072\.csv$")


def _evidence_names() -> list[str]:
    folder = data_dir() / "evidence"
    try:
        return sorted(entry.name for entry in folder.iterdir() if entry.is_file())
    except FileNotFoundError:
        return []


def state_files() -> dict[int, str]:
    """Every year with a state wage file, oldest first: ``{2023: "evidence/...may2023...", ...}``."""
    found = {int(m.group(1)): f"evidence/{m.group(0)}" for m in map(_STATE_NAME.match, _evidence_names()) if m}
    return dict(sorted(found.items()))


def state_years() -> list[int]:
    """The May surveys ``data/`` holds state wages for, oldest first."""
    return list(state_files())


def latest_state_year() -> int:
    """The newest May survey with state wages in ``data/``."""
    years = state_years()
    if not years:
        raise InputError("year", LATEST, reason=f"data/evidence/ holds no BLS state wage file ({STATE_FILE.format(year='YYYY')})")
    return years[-1]


def national_files() -> dict[int, str]:
    """Imported national OEWS files (the kit's occupations, official layout), by year, oldest first."""
    found = {int(m.group(1)): f"evidence/{m.group(0)}" for m in map(_NATIONAL_NAME.match, _evidence_names()) if m}
    return dict(sorted(found.items()))


def ep_files() -> dict[str, str]:
    """Imported Employment Projections rounds (``"2025-35"``), oldest first."""
    found = {m.group(1): f"evidence/{m.group(0)}" for m in map(_EP_NAME.match, _evidence_names()) if m}
    return dict(sorted(found.items()))


def resolve_year(value) -> int:
    """``"latest"`` -> the newest year on disk; a year (2024 or "2024") -> itself if ``data/`` has it.

    >>> resolve_year(1999)
    Traceback (most recent call last):
    ...
    analysis.core.errors.InputError: year=1999 is not allowed. Allowed: latest (now 2024), 2024, 2023.
    """
    return YEAR.normalize(value)


class LatestYear(Param):
    """A BLS survey year: ``"latest"`` (the newest in ``data/``, resolved when checked) or a year present there.

    The allowed years are read from ``data/`` each time, so a file imported after the kit was
    loaded is accepted without a restart.
    """

    def __init__(self, name: str = "year", doc: str = "Which BLS OEWS snapshot (May of that year)."):
        super().__init__(name, LATEST, doc)

    def normalize(self, value):
        years = state_years()
        text = str(value).strip().lower() if not isinstance(value, bool) else ""
        if text == LATEST:
            return latest_state_year()
        if re.fullmatch(r"\d{4}", text) and int(text) in years:
            return int(text)
        # A year without a file is not offered: the kit never invents its figures.
        raise InputError(self.name, value, allowed=self.allowed(),
                         suggestion=closest(text, [LATEST] + [str(y) for y in years]) if not text.isdigit() else None)

    def allowed(self) -> str:
        return ", ".join([f"{LATEST} (now {latest_state_year()})"] + [str(y) for y in reversed(state_years())])

    def type_text(self) -> str:
        return "str | int"  # "latest", or a year such as 2023


YEAR = LatestYear()


def ep_rounds() -> list[str]:
    """The BLS Employment Projections rounds ``data/`` holds in full (base employment, percent change and openings
    of 29-2072), oldest first: the curated facts file and any imported round.

    >>> ep_rounds()[:2]
    ['2024-34', '2025-35']
    """
    from analysis.data.evidence import load_national_facts

    facts = load_national_facts()
    rounds = []
    for series in sorted(set(facts.series)):
        match = re.fullmatch(r"EP (\d{4}-\d{2})", series)
        if match and {"base_employment", "pct_change", "annual_openings"} <= set(facts[facts.series == series].measure):
            rounds.append(match.group(1))
    return rounds


class RoundChoice(Param):
    """A projection round from those in ``data/`` (read each time), plus fixed extra choices such as ``"article"``."""

    def __init__(self, name: str, default, doc: str, extra=()):
        super().__init__(name, default, doc)
        self.extra = list(extra)

    @property
    def choices(self) -> list:
        return ep_rounds() + self.extra

    def normalize(self, value):
        text = str(value).strip().lower()
        for choice in self.choices:
            if text == choice.lower():
                return choice
        raise InputError(self.name, value, allowed=self.choices, suggestion=closest(text, self.choices))

    def allowed(self) -> str:
        return ", ".join(self.choices)
