"""BLS Employment Projections rounds (evidence) and the article's own figures (claims), and employment
projected to a horizon year (derived: the round's percent change spread evenly over its ten years).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.calc.formula import Var
from analysis.core.errors import InputError
from analysis.data.article import load_job_outlook
from analysis.data.bls_years import RoundChoice, ep_rounds
from analysis.data.evidence import NATIONAL_FACTS_FILE, national_fact


ROUND_KEYS = ("2024-34", "2025-35", "article")  # as shipped; round_keys() adds rounds imported later


def round_keys() -> tuple[str, ...]:
    """Every BLS round data/ holds (``medcoding data import`` adds newer ones), then "article".

    >>> round_keys()
    ('2024-34', '2025-35', 'article')
    """
    return tuple(ep_rounds()) + ("article",)


def bls_round_keys() -> tuple[str, ...]:
    """The BLS rounds only (:func:`round_keys` without "article")."""
    return round_keys()[:-1]


FIRST_YEAR, LAST_YEAR = 2024, 2035  # the earliest base year and latest end year of the rounds above

#: Which projection (a parameter of the notebook; :func:`projection_round` reads a round's key through it).
PROJECTION_ROUND = RoundChoice("projection_round", "2024-34",
                               "Which projection: a BLS Employment Projections round data/ holds (2024-34, 2025-35, and "
                               "any newer round imported with `medcoding data import`), or 'article' for the "
                               "article's own figures (8% over 2024-2034 from ~240,000 jobs; claims).", extra=["article"])


@dataclass(frozen=True)
class ProjectionRound:
    """One projection: its period, base employment, percent change and annual openings, each with its source."""

    key: str
    label: str
    kind: str  # "BLS evidence" or "article claim"
    start_year: int
    end_year: int
    base_employment: int
    pct_change: float
    annual_openings: int | None
    sources: dict


def projection_round(key: str) -> ProjectionRound:
    """The facts of a round: ``"2024-34"``, ``"2025-35"`` (BLS EP, from data/evidence) or ``"article"`` (claims).

    >>> r = projection_round("2025-35")
    >>> r.start_year, r.end_year, r.base_employment, r.pct_change, r.annual_openings
    (2025, 2035, 200700, 8.0, 14000)
    >>> a = projection_round("article")
    >>> a.base_employment, a.pct_change, a.annual_openings, a.kind
    (240000, 8.0, 14800, 'article claim')
    """
    key = PROJECTION_ROUND.normalize(key)
    if key == "article":
        claims = load_job_outlook().set_index("claim_id")
        growth = claims.loc["outlook.projected_growth"]
        employed = claims.loc["outlook.current_employment"]
        openings = claims.loc["outlook.annual_openings"]
        where = "data/article/job_outlook.csv"
        return ProjectionRound(
            key, "article's outlook table", "article claim", int(growth.period_start_year), int(growth.period_end_year),
            int(employed["count"]), float(growth.pct), int(openings["count"]),
            {"base_employment": f"{where}: \"{employed.statement}\" (claim)",
             "pct_change": f"{where}: \"{growth.statement}\" (claim)",
             "annual_openings": f"{where}: \"{openings.statement}\" (claim)"})
    start = int(key[:4])
    end = start + 10
    series = f"EP {key}"
    base = national_fact(str(start), "base_employment", series)
    change = national_fact(key, "pct_change", series)
    openings = national_fact(key, "annual_openings", series)
    return ProjectionRound(
        key, f"BLS Employment Projections {key}", "BLS evidence", start, end, int(base.value), float(change.value),
        int(openings.value),
        {name: f"data/{NATIONAL_FACTS_FILE} ({row.source}; {row.source_quality}; unit: {row.unit})"
         for name, row in [("base_employment", base), ("pct_change", change), ("annual_openings", openings)]})


# Written once: project_employment evaluates it; the projection chart's growth control evaluates it in the page.
# One division at the end keeps whole-number results exact (194800 x 1.07 would give 208436.00000000003).
PROJECTED_EMPLOYMENT_FORMULA = Var("base") * (100 * (Var("end_year") - Var("start_year"))
                                              + Var("pct_change") * (Var("year") - Var("start_year"))) / (
    100 * (Var("end_year") - Var("start_year")))


def project_employment(base: float, pct_change: float, start_year: int, end_year: int, year: int) -> float:
    """Employment in ``year`` (derived): ``base`` grown by the share of ``pct_change`` for the years elapsed.

    Linear interpolation: ``base x (1 + pct_change/100 x (year - start_year) / (end_year - start_year))``.
    BLS projects only the end year; the years in between are this helper's assumption.

    >>> project_employment(194800, 7, 2024, 2034, 2034)
    208436.0
    >>> project_employment(194800, 7, 2024, 2034, 2029)
    201618.0
    >>> project_employment(194800, 7, 2024, 2034, 2024)
    194800.0
    >>> project_employment(194800, 7, 2024, 2034, 2040)
    Traceback (most recent call last):
    ...
    analysis.core.errors.InputError: year=2040: must lie within the projection period. Allowed: a year from 2024 to 2034.
    """
    if not start_year <= year <= end_year:
        raise InputError("year", year, allowed=f"a year from {start_year} to {end_year}",
                         reason="must lie within the projection period")
    return PROJECTED_EMPLOYMENT_FORMULA.evaluate(base=base, pct_change=pct_change, start_year=start_year,
                                                 end_year=end_year, year=year)


@dataclass(frozen=True)
class Projection:
    """A round projected to a horizon year, optionally with a what-if percent change."""

    round: ProjectionRound
    horizon_year: int
    growth_override_pct: float | None

    @property
    def base_employment(self) -> int:
        return self.round.base_employment

    @property
    def pct_change_used(self) -> float:
        return float(self.round.pct_change if self.growth_override_pct is None else self.growth_override_pct)

    @property
    def fraction_of_period_derived(self) -> float:
        return (self.horizon_year - self.round.start_year) / (self.round.end_year - self.round.start_year)

    @property
    def projected_employment_derived(self) -> float:
        r = self.round
        return project_employment(r.base_employment, self.pct_change_used, r.start_year, r.end_year, self.horizon_year)

    @property
    def change_in_jobs_derived(self) -> float:
        return self.projected_employment_derived - self.base_employment

    def to_frame(self) -> pd.DataFrame:
        """The projection as a table: each figure with its unit, kind (evidence, claim, what-if, derived) and source."""
        r = self.round
        what_if = self.growth_override_pct is not None
        rows = [
            (f"employment in {r.start_year} (base year)", r.base_employment, "jobs", r.kind, r.sources["base_employment"]),
            (f"percent change {r.start_year}-{r.end_year}, from the {r.label}", r.pct_change, "percent", r.kind,
             r.sources["pct_change"]),
        ]
        if what_if:
            rows.append((f"percent change {r.start_year}-{r.end_year} used instead (what-if)", self.growth_override_pct,
                         "percent", "what-if (parameter growth_override_pct), not data", "notebook parameter"))
        rows += [
            (f"share of the {r.start_year}-{r.end_year} period elapsed by {self.horizon_year}",
             self.fraction_of_period_derived, "fraction", "derived", "(horizon - start) / (end - start)"),
            (f"projected employment in {self.horizon_year}", self.projected_employment_derived, "jobs",
             "derived" + (" from a what-if" if what_if else ""), "base x (1 + change x share elapsed), linear"),
            (f"change in jobs {r.start_year}-{self.horizon_year}", self.change_in_jobs_derived, "jobs",
             "derived" + (" from a what-if" if what_if else ""), "projected - base"),
            ("annual openings (average a year over the period)", r.annual_openings, "openings a year", r.kind,
             r.sources["annual_openings"]),
        ]
        return pd.DataFrame(rows, columns=["item", "value", "unit", "kind", "source"])


def projection(round_key: str, horizon_year: int | None = None, growth_override_pct: float | None = None) -> Projection:
    """Project employment for a round to ``horizon_year`` (default: the round's last year).

    >>> p = projection("article", 2029)
    >>> p.projected_employment_derived, p.change_in_jobs_derived
    (249600.0, 9600.0)
    >>> projection("2024-34", 2030, growth_override_pct=4).projected_employment_derived
    199475.2
    >>> projection("2025-35", 2024)
    Traceback (most recent call last):
    ...
    analysis.core.errors.InputError: horizon_year=2024: the BLS Employment Projections 2025-35 covers 2025 to 2035 only. Allowed: a year from 2025 to 2035.
    """
    period = projection_round(round_key)
    year = period.end_year if horizon_year is None else int(horizon_year)
    if not period.start_year <= year <= period.end_year:
        raise InputError("horizon_year", year, allowed=f"a year from {period.start_year} to {period.end_year}",
                         reason=f"the {period.label} covers {period.start_year} to {period.end_year} only")
    return Projection(period, year, growth_override_pct)


def projection_paths(chosen: Projection) -> pd.DataFrame:
    """Year-by-year derived employment for every round (and the what-if, if any), for a chart.

    >>> paths = projection_paths(projection("2024-34"))
    >>> sorted(paths.scenario.unique())
    ['BLS Employment Projections 2024-34', 'BLS Employment Projections 2025-35', "article's outlook table"]
    >>> float(paths.query("scenario == \\"article's outlook table\\" and year == 2034").employment_derived.item())
    259200.0
    """
    rows = []
    scenarios = [(projection_round(k), None) for k in round_keys()]
    if chosen.growth_override_pct is not None:
        scenarios.append((chosen.round, chosen.growth_override_pct))
    for period, override in scenarios:
        pct = period.pct_change if override is None else override
        name = period.label if override is None else f"what-if: {override:g}% over {period.start_year}-{period.end_year}"
        for year in range(period.start_year, period.end_year + 1):
            rows.append(dict(scenario=name, kind=period.kind if override is None else "what-if", year=year,
                             pct_change=pct,
                             employment_derived=project_employment(period.base_employment, pct, period.start_year,
                                                                   period.end_year, year),
                             chosen=(period.key == chosen.round.key and override == chosen.growth_override_pct)))
    return pd.DataFrame(rows)
