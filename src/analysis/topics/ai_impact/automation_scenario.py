"""The what-if scenario: how much human work would remain in each role if a share of its routine work
were automated by a horizon year. Every input is an assumption (a notebook parameter); it is not a forecast.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from functools import lru_cache

import pandas as pd

from analysis.calc.formula import Var
from analysis.core.errors import InputError, closest
from analysis.core.params import Number, Param, read_json
from analysis.data.ai_exposure import SCENARIO_BASE_YEAR
from analysis.data.article import load_alternative_careers, load_career_path
from analysis.present.markdown import Markdown


# The default routine shares: ASSUMPTIONS chosen for teaching, not data. Keys are the article's
# career levels (career_path.csv) and two of its alternative careers (alternative_careers.csv).
DEFAULT_ROUTINE_SHARES = {
    "Junior/Entry Coder": 0.8,  # "Basic CPT/ICD-10, data entry": mostly straightforward cases
    "Certified Coder": 0.6,
    "Senior Coder": 0.3,  # "Complex cases, mentoring"
    "Coding Auditor": 0.2,  # reviews other people's and tools' codes
    "Coding Supervisor": 0.2,
    "Coding Manager": 0.1,
    "Director of HIM/Coding": 0.05,
    "Clinical Documentation Improvement (CDI)": 0.2,
    "Compliance Officer": 0.1,
}

# How the scenario groups roles on its chart (the kit's grouping, following the article's AI section).
ROLE_GROUPS = {
    "Junior/Entry Coder": "entry-level production coding",
    "Certified Coder": "entry-level production coding",
    "Senior Coder": "senior coding",
    "Coding Auditor": "auditing / CDI / compliance",
    "Clinical Documentation Improvement (CDI)": "auditing / CDI / compliance",
    "Compliance Officer": "auditing / CDI / compliance",
    "Coding Supervisor": "management",
    "Coding Manager": "management",
    "Director of HIM/Coding": "management",
}


@lru_cache(maxsize=1)
def article_roles() -> tuple[tuple[str, int | None], ...]:
    """The roles the scenario may use: the article's 7 career levels (with their level), then its 6 alternative careers.

    >>> article_roles()[0], article_roles()[7]
    (('Junior/Entry Coder', 1), ('Clinical Documentation Improvement (CDI)', None))
    """
    path = load_career_path().sort_values("level")
    careers = load_alternative_careers()
    return tuple([(t, int(level)) for t, level in zip(path.title, path.level)] + [(c, None) for c in careers.career])


def _role(key) -> str:
    roles = article_roles()
    levels = {level: title for title, level in roles if level is not None}
    text = str(key).strip()
    if text.isdigit() and int(text) in levels:
        return levels[int(text)]
    by_lower = {title.lower(): title for title, _ in roles}
    if text.lower() in by_lower:
        return by_lower[text.lower()]
    raise InputError("routine_share_by_level", key, reason="not a career level or alternative career of the article",
                     suggestion=closest(text, [t for t, _ in roles]),
                     allowed=f"a level 1-{len(levels)} or one of: " + "; ".join(t for t, _ in roles))


def _share_value(name: str, value) -> float:
    if isinstance(value, str):
        try:
            value = float(value.strip().rstrip("%")) / (100 if value.strip().endswith("%") else 1)
        except ValueError:
            raise InputError(name, value, reason="must be a number", allowed="a share from 0 to 1 (0.8 means 80%)") from None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InputError(name, value, reason="must be a number", allowed="a share from 0 to 1 (0.8 means 80%)")
    if not math.isfinite(value):
        raise InputError(name, value, reason="must be a finite number (not nan or infinity)", allowed="a share from 0 to 1 (0.8 means 80%)")
    if value < 0 or value > 1:
        suggestion = value / 100 if 2 <= value <= 100 else None  # 80 probably meant 80%
        raise InputError(name, value, reason="a share must be between 0 and 1" + (" (write 80% as 0.8)" if suggestion else ""),
                         suggestion=suggestion, allowed="a share from 0 to 1 (0.8 means 80%)")
    return value


def routine_shares(value) -> dict[str, float]:
    """Each role's routine share of work, from a dict, a list or text; roles not given keep their default.

    * dict: ``{"Junior/Entry Coder": 0.9, 4: 0.3}`` (a title, or a career level 1-7);
    * list: one share per career level, 1 to 7 in order (the alternative careers keep their default);
    * text: ``"Junior/Entry Coder=0.9, Coding Auditor=0.3"`` or JSON (the papermill CLI passes text).

    Shares are fractions from 0 to 1. The result lists every default role, in order, plus any other role given.

    >>> shares = routine_shares({"junior/entry coder": 0.9, 4: 0.3})
    >>> shares["Junior/Entry Coder"], shares["Coding Auditor"], shares["Senior Coder"]
    (0.9, 0.3, 0.3)
    >>> routine_shares("Coding Auditor=0.25")["Coding Auditor"]
    0.25
    >>> routine_shares([1, 0.9, 0.5, 0.4, 0.3, 0.2, 0.1])["Coding Manager"]
    0.2
    >>> routine_shares({"Senior Coder": 80})
    Traceback (most recent call last):
    ...
    analysis.core.errors.InputError: routine_share_by_level['Senior Coder']=80: a share must be between 0 and 1 (write 80% as 0.8). Did you mean 0.8? Allowed: a share from 0 to 1 (0.8 means 80%).
    """
    if value is None:
        value = {}
    if isinstance(value, str):
        text = value.strip()
        if text.startswith(("{", "[")):
            value = read_json("routine_share_by_level", value, reason="looks like JSON but cannot be read",
                              allowed='a dict such as {"Junior/Entry Coder": 0.8}')
        else:
            pairs = {}
            for part in filter(None, (p.strip() for p in re.split(r"[,;]", text))):
                key, sep, number = part.rpartition("=") if "=" in part else part.rpartition(":")
                if not sep:
                    raise InputError("routine_share_by_level", value, reason=f"{part!r} has no '=' between role and share",
                                     allowed="text like 'Junior/Entry Coder=0.9, Coding Auditor=0.3'")
                pairs[key.strip()] = number
            value = pairs
    levels = [title for title, level in article_roles() if level is not None]
    if isinstance(value, (list, tuple)):
        if len(value) != len(levels):
            raise InputError("routine_share_by_level", value,
                             reason=f"a list needs one share per career level ({len(levels)}), it has {len(value)}",
                             allowed="a list of " + str(len(levels)) + " shares in level order: " + "; ".join(levels))
        value = dict(zip(levels, value))
    if not isinstance(value, dict):
        raise InputError("routine_share_by_level", value, reason="must be a dict, a list or text",
                         allowed='a dict such as {"Junior/Entry Coder": 0.8}')
    shares = dict(DEFAULT_ROUTINE_SHARES)
    for key, share in value.items():
        role = _role(key)
        shares[role] = _share_value(f"routine_share_by_level[{role!r}]", share)
    return shares


class RoutineShares(Param):
    """A parameter: each career level's routine share of work (see :func:`routine_shares`)."""

    def normalize(self, value):
        return routine_shares(value)

    def allowed(self) -> str:
        return ("a dict of role -> share from 0 to 1 (roles: the article's career levels and alternative careers), "
                "a list of 7 shares for levels 1-7, or text like 'Junior/Entry Coder=0.9'")


class Share(Number):
    """A fraction from 0 to 1; a value like 50 gets the hint "did you mean 0.5?"."""

    def __init__(self, name, default, doc):
        super().__init__(name, default, doc, minimum=0, maximum=1)

    def normalize(self, value):
        if isinstance(value, (int, float)) and not isinstance(value, bool) and 2 <= value <= 100:  # 50 probably meant 50%
            raise InputError(self.name, value, reason="a share must be between 0 and 1 (write 50% as 0.5)",
                             suggestion=value / 100, allowed=self.allowed())
        return super().normalize(value)


def phase_in(year: int, horizon_year: int, base_year: int = SCENARIO_BASE_YEAR) -> Decimal:
    """How far automation has got by ``year``: 0 in the base year, 1 from the horizon year on, linear between.

    >>> phase_in(2026, 2030), phase_in(2028, 2030), phase_in(2030, 2030), phase_in(2031, 2030)
    (Decimal('0'), Decimal('0.5'), Decimal('1'), Decimal('1'))
    """
    if horizon_year <= base_year:
        raise InputError("horizon_year", horizon_year, reason=f"must be after the scenario's base year {base_year}",
                         allowed=f"a year after {base_year}")
    return min(Decimal(1), max(Decimal(0), Decimal(year - base_year) / Decimal(horizon_year - base_year)))


# Written once: human_work_index evaluates it (on Decimals); the scenario chart's control evaluates it in the page.
HUMAN_WORK_INDEX_FORMULA = 100 * (1 - Var("share_automated") * Var("routine_share") * Var("phase"))


def human_work_index(routine_share: float, share_automated: float, phase: Decimal = Decimal(1)) -> float:
    """The scenario's formula for one role: 100 x (1 - share_automated x routine_share x phase).

    Exact decimal arithmetic, so 0.5 x 0.8 gives 0.4, not 0.4000000000000001.

    >>> human_work_index(0.8, 0.5), human_work_index(0.8, 0.5, Decimal("0.5")), human_work_index(0.2, 0.5)
    (60.0, 80.0, 90.0)
    """
    value = HUMAN_WORK_INDEX_FORMULA.evaluate(share_automated=Decimal(str(share_automated)),
                                              routine_share=Decimal(str(routine_share)), phase=Decimal(phase))
    return float(value)


def scenario(shares: dict[str, float], share_automated: float, horizon_year: int,
             base_year: int = SCENARIO_BASE_YEAR) -> pd.DataFrame:
    """A what-if, NOT a forecast: each role's human work, year by year, if routine work were automated.

    For a role whose work is a share ``r`` routine (an assumption), with a share ``a`` of routine work
    automated by ``horizon_year`` (an assumption), phased in linearly from ``base_year``::

        phase(t)           = (t - base_year) / (horizon_year - base_year), kept between 0 and 1
        human_work_index   = 100 x (1 - a x r x phase(t))        (base_year = 100)

    The index is the role's human work-hours as a percent of its base-year work-hours, holding the
    volume of records to code fixed and adding no new review work: both are simplifications, not
    findings. Reading it as demand for workers in the role is a further assumption.

    >>> s = scenario({"Junior/Entry Coder": 0.8, "Coding Auditor": 0.2}, 0.5, 2030)
    >>> s[s.year == 2030].set_index("role").human_work_index_derived.to_dict()
    {'Junior/Entry Coder': 60.0, 'Coding Auditor': 90.0}
    >>> s[(s.year == 2028) & (s.role == "Junior/Entry Coder")].human_work_index_derived.item()
    80.0
    """
    levels = {title: level for title, level in article_roles()}
    rows = []
    for year in range(base_year, horizon_year + 1):
        phase = phase_in(year, horizon_year, base_year)
        for role, share in shares.items():
            rows.append(dict(role=role, level=levels.get(role), group=ROLE_GROUPS.get(role, "other alternative careers"),
                             year=year, routine_share_assumed=share, share_automated_assumed=share_automated,
                             phase_derived=float(phase),
                             human_work_index_derived=human_work_index(share, share_automated, phase)))
    frame = pd.DataFrame(rows)
    frame["level"] = frame.level.astype("Int64")
    frame["work_automated_pct_derived"] = [float(Decimal(100) - Decimal(str(v))) for v in frame.human_work_index_derived]
    frame.attrs.update(base_year=base_year, horizon_year=horizon_year, share_automated=share_automated,
                       source_text="scenario arithmetic on the notebook's assumptions (parameters); "
                                   "roles from the article's career path and alternative careers (claims)")
    return frame


def scenario_at_horizon(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per role: its assumed routine share and its human-work index at the horizon year (derived).

    >>> s = scenario_at_horizon(scenario({"Junior/Entry Coder": 0.8, "Coding Auditor": 0.2}, 0.5, 2030))
    >>> s[["role", "routine_share_assumed", "human_work_index_derived"]].values.tolist()
    [['Junior/Entry Coder', 0.8, 60.0], ['Coding Auditor', 0.2, 90.0]]
    """
    horizon = frame.attrs["horizon_year"]
    at = frame[frame.year == horizon].reset_index(drop=True)
    at = at[["role", "level", "group", "routine_share_assumed", "share_automated_assumed",
             "human_work_index_derived", "work_automated_pct_derived"]]
    at.attrs.update(frame.attrs)
    return at


def assumptions_table(shares: dict[str, float], share_automated: float, horizon_year: int) -> pd.DataFrame:
    """Every assumption the scenario rests on, with its value and where it comes from.

    >>> t = assumptions_table(DEFAULT_ROUTINE_SHARES, 0.5, 2030)
    >>> t.iloc[0].tolist()
    ['share of routine work automated by the horizon year', 0.5, 'assumption (parameter routine_share_automated)']
    """
    rows = [
        ("share of routine work automated by the horizon year", share_automated, "assumption (parameter routine_share_automated)"),
        ("horizon year", horizon_year, "assumption (parameter horizon_year)"),
        ("base year (index = 100)", SCENARIO_BASE_YEAR, "the article's year"),
        ("automation phases in linearly from the base year", "yes", "assumption (built into the scenario)"),
        ("volume of records to code", "held at its base-year level", "assumption (built into the scenario)"),
        ("new review or audit work created by automation", "none counted", "assumption (built into the scenario)"),
    ]
    for role, share in shares.items():
        default = DEFAULT_ROUTINE_SHARES.get(role)
        origin = "assumption (default)" if default == share else "assumption (you changed it)"
        rows.append((f"routine share of a {role}'s work", share, f"{origin}, parameter routine_share_by_level"))
    frame = pd.DataFrame(rows, columns=["assumption", "value", "kind"])
    frame["value"] = frame["value"].astype(object)
    return frame


def scenario_headline(frame: pd.DataFrame) -> Markdown:
    """The scenario in two sentences, labelled as a scenario on stated assumptions, not a forecast.

    >>> text = scenario_headline(scenario({"Junior/Entry Coder": 0.8, "Coding Auditor": 0.2}, 0.5, 2030)).data
    >>> text.splitlines()[0]
    '**Scenario, not a forecast.** If 0.5 of routine coding work were automated by 2030 (assumption), then (derived):'
    >>> "Junior/Entry Coder: 60.0 (routine share 0.8, assumption)" in text
    True
    """
    at = scenario_at_horizon(frame)
    lines = [f"**Scenario, not a forecast.** If {frame.attrs['share_automated']!r} of routine coding work were automated "
             f"by {frame.attrs['horizon_year']} (assumption), then (derived):"]
    for r in at.itertuples():
        lines.append(f"- {r.role}: {r.human_work_index_derived!r} (routine share {r.routine_share_assumed!r}, assumption)")
    lines.append(f"Each number is that role's human work-hours in {frame.attrs['horizon_year']} as a percent of "
                 f"{frame.attrs['base_year']} (= 100). The gap between entry-level coding and auditing comes only "
                 f"from the routine shares you assumed; no data here measures them.")
    return Markdown("\n".join(lines))
