"""Job outlook: BLS Employment Projections rounds beside the article's outlook claims.

Backs ``notebooks/02_job_outlook.ipynb``. The projection rounds (base employment, percent change,
annual openings) come from ``data/evidence/bls_national_facts_29-2072.csv``; the article's figures
from ``data/article/job_outlook.csv`` (claims); related occupations from the BLS 2020-30 projections
file. Employment at a horizon year is **derived**: the round's percent change is spread evenly
(linear interpolation) over its ten years, see :func:`project_employment`.

>>> p = projection("2024-34", 2034)
>>> p.base_employment, p.pct_change_used, p.projected_employment_derived
(194800, 7.0, 208436.0)
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

import altair as alt
import pandas as pd
import pandera.pandas as pa

from analysis.data.article import load_job_outlook
from analysis.data.tables import read_table
from analysis.calc.formula import Var
from analysis.core.errors import DataFileError, InputError
from analysis.data.evidence import NATIONAL_FACTS_FILE, employment_year, load_state_wages, national_fact
from analysis.teaching.exercises import computed, hint
from analysis.present import theme
from analysis.present.markdown import Markdown
from analysis.present.controls import derived_param, slider
from analysis.present.formats import count, percent
from analysis.present.report_summary import Figure, Finding, Summary, first_sentence, plain, verdict_text
from analysis.core.params import Number, ParameterSet
from analysis.data.bls_years import RoundChoice, ep_rounds
from analysis.present.tables import table_view  # noqa: F401  (the notebook shows tables with it)

PROJECTIONS_2020_30_FILE = "evidence/gpts-are-gpts/occupations_projections_processed.csv"
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
        RoundChoice("projection_round", "2024-34",
                    "Which projection: a BLS Employment Projections round data/ holds (2024-34, 2025-35, and any newer "
                    "round imported with `medcoding data import`), or 'article' for the "
                    "article's own figures (8% over 2024-2034 from ~240,000 jobs; claims).", extra=["article"]),
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


# --------------------------------------------------------------------------- projection rounds


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
    key = PARAMETERS.params["projection_round"].normalize(key)
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


def projection_chart(chosen: Projection) -> alt.Chart:
    """Lines of derived employment for every round, the chosen one thick, with a mark at the horizon year.

    A growth-rate control (starting at the rate the report uses; its label gives the published rate) redraws
    a what-if line for the chosen round with :data:`PROJECTED_EMPLOYMENT_FORMULA`, the formula of
    :func:`project_employment`; the signal ``projected_employment_at_horizon`` holds its value at the horizon.

    >>> spec = projection_chart(projection("2024-34")).to_dict()
    >>> spec["title"]["text"]
    'Projected employment of medical records specialists (derived), to 2034'
    >>> [p["bind"]["name"] for p in spec["params"] if "bind" in p]
    ['Percent change 2024-2034 for the what-if line (published: 7%)']
    """
    paths = projection_paths(chosen)
    paths["employment_text"] = paths.employment_derived.map(lambda v: f"{v:,.1f}".removesuffix(".0"))
    paths["chosen_text"] = paths.chosen.map({True: "chosen", False: "for comparison"})
    tooltip = [alt.Tooltip("scenario:N", title="Projection"), alt.Tooltip("kind:N", title="Kind"),
               alt.Tooltip("year:O", title="Year"), alt.Tooltip("pct_change:Q", title="Change over the period (%)"),
               alt.Tooltip("employment_text:N", title="Employment (derived)")]
    base = alt.Chart(paths).encode(
        x=alt.X("year:O", title="Year"),
        y=alt.Y("employment_derived:Q", title="Employment (jobs, derived)", scale=alt.Scale(zero=False),
                axis=alt.Axis(format=",d")),
        color=alt.Color("scenario:N", title="Projection", legend=alt.Legend(orient="bottom", columns=1, labelLimit=400)),
        tooltip=tooltip,
    )
    lines = base.mark_line().encode(
        strokeWidth=alt.when(alt.datum.chosen).then(alt.value(4)).otherwise(alt.value(1.5)),
        strokeDash=alt.StrokeDash("kind:N", title="Kind", legend=alt.Legend(orient="bottom")),
    )
    points = base.mark_point(filled=True, size=30)
    horizon = base.transform_filter(alt.datum.chosen & (alt.datum.year == chosen.horizon_year)).mark_point(
        shape="diamond", size=220, filled=True).encode(color=alt.value(theme.INK))
    what_if, growth = _growth_control_layer(chosen)
    return (lines + points + horizon + what_if).add_params(*growth).properties(
        title=alt.Title(f"Projected employment of medical records specialists (derived), to {chosen.horizon_year}",
                        subtitle=["Derived: each round's percent change spread evenly over its ten years (BLS projects "
                                  "only the end year). Black diamond: the chosen projection at horizon_year.",
                                  "Black dotted line: the chosen round at the percent change set below (what-if).",
                                  f"Sources: BLS EP rounds in data/{NATIONAL_FACTS_FILE}; the article's figures in "
                                  "data/article/job_outlook.csv (claims)."]),
        width=520, height=300,
    )


def _growth_control_layer(chosen: Projection):
    """The what-if line of :func:`projection_chart` and its parameters: the control and the horizon value."""
    r = chosen.round
    names = {"base": repr(r.base_employment), "start_year": repr(r.start_year), "end_year": repr(r.end_year),
             "pct_change": "growth_pct"}
    label = (f"Percent change {r.start_year}-{r.end_year} for the what-if line "
             f"(published: {percent(r.pct_change)}{'' if r.kind == 'BLS evidence' else ', a claim'})")
    params = [slider("growth_pct", chosen.pct_change_used, label, -30, 30, 0.1),
              derived_param("projected_employment_at_horizon",
                            PROJECTED_EMPLOYMENT_FORMULA.vega({**names, "year": repr(chosen.horizon_year)}))]
    years = pd.DataFrame({"year": range(r.start_year, r.end_year + 1)})
    line = alt.Chart(years).mark_line(color=theme.INK, strokeDash=[2, 2], strokeWidth=2).transform_calculate(
        employment_derived=PROJECTED_EMPLOYMENT_FORMULA.vega({**names, "year": "datum.year"}),
    ).encode(x="year:O", y="employment_derived:Q")
    return line, params


# --------------------------------------------------------------------------- growth vs the average


def load_projections_2020_30() -> pd.DataFrame:
    """BLS Employment Projections 2020-30: percent employment change by occupation title (1,046 rows).

    The file's last line is its source note, not an occupation; it is kept in ``attrs["source_line"]``.
    Some titles are BLS aggregates and a few appear twice (an aggregate and its only detail).

    >>> p = load_projections_2020_30()
    >>> float(p.set_index("occupation").loc["Total, all occupations", "pct_emp_change_2020_2030"])
    7.7
    """
    schema = pa.DataFrameSchema(
        {"occupation": pa.Column(str), "pct_emp_change_2020_2030": pa.Column(float, nullable=True, coerce=True)},
        strict=True,
    )
    frame = read_table(PROJECTIONS_2020_30_FILE, schema)
    note = frame.occupation.str.startswith("Source:") & frame.pct_emp_change_2020_2030.isna()
    if frame.pct_emp_change_2020_2030[~note].isna().any():
        line = int(frame.index[~note & frame.pct_emp_change_2020_2030.isna()][0]) + 2
        raise DataFileError(f"data/{PROJECTIONS_2020_30_FILE}", "an occupation has no percent change", line=line,
                            column="pct_emp_change_2020_2030")
    attrs = dict(frame.attrs, source_line=" ".join(frame.occupation[note]))
    frame = frame[~note].reset_index(drop=True)
    frame.attrs.update(attrs)
    return frame


ALL_OCCUPATIONS_2020_30 = "Total, all occupations"
# The 2020-30 aggregate that contains medical records specialists (the round has no separate row for them).
MEDICAL_RECORDS_2020_30 = ("Medical dosimetrists, medical records specialists, and health technologists and "
                           "technicians, all other")


def _one_2020_30(title: str) -> float:
    table = load_projections_2020_30()
    hits = table[table.occupation == title]
    if len(hits) != 1:
        raise DataFileError(f"data/{PROJECTIONS_2020_30_FILE}", f"expected one row titled {title!r}, found {len(hits)}",
                            column="occupation")
    return float(hits.pct_emp_change_2020_2030.iloc[0])


def growth_vs_average(chosen_round: str) -> pd.DataFrame:
    """Medical records growth beside the all-occupation growth, round by round; a gap stays a gap.

    The difference (percent points, derived) is computed only within one round.

    >>> g = growth_vs_average("2024-34").set_index(["round", "occupation"])
    >>> g.loc[("2024-34", "All occupations"), "percent_change"] is pd.NA
    True
    >>> float(g.loc[("2020-30", "All occupations"), "percent_change"])
    7.7
    >>> float(g.loc[("2020-30", MEDICAL_RECORDS_2020_30), "difference_pct_points_derived"])
    0.8
    """
    claims = load_job_outlook().set_index("claim_id")
    average = claims.loc["outlook.national_average_growth"]
    rows = []
    for key in bls_round_keys():
        r = projection_round(key)
        rows.append((key, "Medical records specialists (SOC 29-2072)", r.pct_change, r.kind, r.sources["pct_change"]))
        everyone = _all_occupations(key)
        rows.append((key, "All occupations", pd.NA, "not in data/",
                     f"data/ holds no all-occupation figure for the {key} round; none is invented") if everyone is None else
                    (key, "All occupations", float(everyone.value), "BLS evidence",
                     f"data/ ({everyone.source}; {everyone.source_quality})"))
    article = projection_round("article")
    rows.append(("article", "Medical records specialists (SOC 29-2072)", article.pct_change, "article claim",
                 article.sources["pct_change"]))
    rows.append(("article", "All occupations", float(average.pct), "article claim",
                 f"data/article/job_outlook.csv: \"{average.original_text}\" (claim; no round or source given)"))
    source = f"data/{PROJECTIONS_2020_30_FILE} (BLS Employment Projections 2020-30, processed copy)"
    rows.append(("2020-30", MEDICAL_RECORDS_2020_30, _one_2020_30(MEDICAL_RECORDS_2020_30), "BLS evidence",
                 source + "; an aggregate that contains medical records specialists"))
    rows.append(("2020-30", "All occupations", _one_2020_30(ALL_OCCUPATIONS_2020_30), "BLS evidence",
                 source + f"; row {ALL_OCCUPATIONS_2020_30!r}"))
    frame = pd.DataFrame(rows, columns=["round", "occupation", "percent_change", "kind", "source"])
    frame["percent_change"] = frame["percent_change"].astype("Float64")
    everyone = frame[frame.occupation == "All occupations"].set_index("round")["percent_change"]
    frame["difference_pct_points_derived"] = [
        pd.NA if occ == "All occupations" else _exact_difference(pct, everyone[rnd]) for rnd, occ, pct in
        zip(frame["round"], frame.occupation, frame["percent_change"])]
    frame["difference_pct_points_derived"] = frame.difference_pct_points_derived.astype("Float64")
    frame["chosen"] = frame["round"] == PARAMETERS.params["projection_round"].normalize(chosen_round)
    return frame


def _all_occupations(key: str):
    """The all-occupations percent change of a round (an imported BLS table has it), or None."""
    from analysis.data.evidence import load_national_facts

    facts = load_national_facts()
    rows = facts[(facts.series == f"EP {key} all occupations") & (facts.measure == "pct_change")]
    return rows.iloc[0] if len(rows) == 1 else None


def _exact_difference(a, b):
    """``a - b`` for figures printed with a few decimals, without float noise (8.5 - 7.7 is 0.8, not 0.80000000000000071).

    >>> _exact_difference(8.5, 7.7), _exact_difference(8.0, pd.NA) is pd.NA
    (0.8, True)
    """
    if pd.isna(a) or pd.isna(b):
        return pd.NA
    return float(Decimal(str(float(a))) - Decimal(str(float(b))))


# --------------------------------------------------------------------------- the article's claims


def outlook_claims_vs_bls() -> pd.DataFrame:
    """Each number in the article's outlook table beside the BLS figures it can be held against.

    Differences are derived (article minus BLS); relative differences only for counts.

    >>> c = outlook_claims_vs_bls()
    >>> c[c.claim_id == "outlook.current_employment"][["bls_value", "difference_derived"]].values.tolist()
    [[194800.0, 45200.0], [200700.0, 39300.0]]
    >>> c[c.claim_id == "outlook.projected_growth"].difference_derived.tolist()
    [1.0, 0.0]
    """
    claims = load_job_outlook().set_index("claim_id")
    rows = []

    def add(claim_id, article_value, unit, compared_with, bls_value, source):
        claim = claims.loc[claim_id]
        rows.append(dict(claim_id=claim_id, article_says=claim.original_text, article_value=article_value,
                         unit=unit, compared_with=compared_with, bls_value=bls_value, source=source))

    for key in bls_round_keys():
        r = projection_round(key)
        add("outlook.projected_growth", float(claims.loc["outlook.projected_growth"].pct), "percent",
            f"EP {key} percent change {r.start_year}-{r.end_year}", r.pct_change, r.sources["pct_change"])
    for key in bls_round_keys():
        r = projection_round(key)
        add("outlook.current_employment", float(claims.loc["outlook.current_employment"]["count"]), "jobs",
            f"EP {key} base employment ({r.start_year})", r.base_employment, r.sources["base_employment"])
    for key in bls_round_keys():
        r = projection_round(key)
        add("outlook.annual_openings", float(claims.loc["outlook.annual_openings"]["count"]), "openings a year",
            f"EP {key} annual openings", r.annual_openings, r.sources["annual_openings"])
    average = float(claims.loc["outlook.national_average_growth"].pct)
    add("outlook.national_average_growth", average, "percent", "all occupations, EP 2024-34", pd.NA,
        "data/ holds no all-occupation figure for 2024-34")
    add("outlook.national_average_growth", average, "percent", "all occupations, EP 2020-30 (a different round)",
        _one_2020_30(ALL_OCCUPATIONS_2020_30), f"data/{PROJECTIONS_2020_30_FILE}; not comparable with a 2024-34 claim, "
        "so no difference is computed")
    frame = pd.DataFrame(rows)
    frame["bls_value"] = frame.bls_value.astype("Float64")
    same_round = ~frame.compared_with.str.contains("different round")
    frame["difference_derived"] = pd.array(
        [_exact_difference(a, b) if same else pd.NA for a, b, same in zip(frame.article_value, frame.bls_value, same_round)],
        dtype="Float64")
    counts = frame.unit != "percent"
    frame["difference_pct_derived"] = (frame.difference_derived / frame.bls_value * 100).where(counts).astype("Float64")
    return frame[["claim_id", "article_says", "article_value", "unit", "compared_with", "bls_value",
                  "difference_derived", "difference_pct_derived", "source"]]


# --------------------------------------------------------------------------- where the jobs are


def employment_by_state(year: int | None = None) -> pd.DataFrame:
    """Employment by state in May ``year`` (default: the newest year with employment), largest first, with rank
    and share of the 51-state sum (both derived).

    >>> e = employment_by_state()
    >>> int(e.employment.sum()), e.state_abbr.iloc[0], e.attrs["year"]
    (187770, 'TX', 2024)
    """
    year = employment_year(year)
    wages = load_state_wages(year)
    frame = wages[["state_fips", "state", "state_abbr", "employment"]].sort_values(
        ["employment", "state"], ascending=[False, True]).reset_index(drop=True)
    total = int(frame.employment.sum())
    frame["rank_derived"] = frame.employment.rank(ascending=False, method="min").astype("Int64")
    frame["share_of_51_state_sum_pct_derived"] = (frame.employment / total * 100).astype("Float64")
    frame.attrs.update(wages.attrs)
    frame.attrs["year"] = year
    return frame


def employment_sum_note() -> Markdown:
    """Why the 51 state figures do not add up to the national employment, with the numbers from data/.

    >>> print(employment_sum_note().data)  # doctest: +ELLIPSIS
    The 51 state figures (May 2024) add up to 187,770 jobs (derived; the same sum is recorded in ...) ...
    """
    jobs = employment_by_state()
    total, year = int(jobs.employment.sum()), jobs.attrs["year"]
    recorded = None
    if year == 2024:  # the curated facts record the May 2024 sum; an imported year has none recorded
        recorded = national_fact("May 2024", "employment_sum_51_areas")
    if recorded is not None and int(recorded.value) != total:  # the recorded sum and the state file must agree
        raise DataFileError(f"data/{NATIONAL_FACTS_FILE}", f"employment_sum_51_areas is {recorded.value:,.0f} but the "
                            f"51 state rows add up to {total:,}", column="value")
    base = projection_round("2024-34")
    where = f"the same sum is recorded in `data/{NATIONAL_FACTS_FILE}`" if recorded is not None else f"from `data/{jobs.attrs['file']}`"
    return Markdown(
        f"The 51 state figures (May {year}) add up to {total:,} jobs (derived; {where}) and that is **not** the national estimate: BLS state estimates do not add up "
        f"exactly to a national figure. The Employment Projections base for {base.start_year} is "
        f"{base.base_employment:,} jobs, from a different BLS programme. Compare the article's "
        f"\"~{projection_round('article').base_employment:,}\" with both.")


def employment_chart(frame: pd.DataFrame | None = None) -> alt.Chart:
    """Bars of May 2024 employment by state, largest first, with rank and share in the tooltip.

    >>> employment_chart().to_dict()["title"]["text"]
    'Where the jobs are: employment of medical records specialists by state, May 2024'
    """
    frame = employment_by_state() if frame is None else frame
    data = pd.DataFrame({
        "state": frame.state, "employment": frame.employment.astype(int),
        "rank_text": [f"{int(r)} of {len(frame)}" for r in frame.rank_derived],
        "share_text": [f"{v:.1f}%" for v in frame.share_of_51_state_sum_pct_derived],
    })
    return alt.Chart(data).mark_bar().encode(
        x=alt.X("employment:Q", title=f"Employment (jobs), May {frame.attrs.get('year', 2024)}", axis=alt.Axis(format=",d")),
        y=alt.Y("state:N", sort="-x", title=None),
        tooltip=[alt.Tooltip("state:N", title="State"), alt.Tooltip("employment:Q", title="Employment", format=",d"),
                 alt.Tooltip("rank_text:N", title="Rank (derived)"),
                 alt.Tooltip("share_text:N", title="Share of the 51-state sum (derived)")],
    ).properties(
        title=alt.Title(f"Where the jobs are: employment of medical records specialists by state, May {frame.attrs.get('year', 2024)}",
                        subtitle=[f"Source: BLS OEWS May {frame.attrs.get('year', 2024)} (data/{frame.attrs.get('file', 'evidence')}). "
                                  f"The 51 bars add up to {int(frame.employment.sum()):,} (derived), not to the national estimate."]),
        width=420, height=alt.Step(13),
    )


# --------------------------------------------------------------------------- related occupations

# Titles of the 2020-30 projections file, each with why it is related to medical coding.
RELATED_OCCUPATIONS_2020_30 = {
    MEDICAL_RECORDS_2020_30: "the BLS aggregate that contains medical records specialists",
    "Health information technologists, medical registrars, surgical assistants, and healthcare practitioners "
    "and technical workers, all other": "contains health information technologists (RHIT/RHIA work)",
    "Medical and health services managers": "coding manager, HIM director, revenue cycle manager",
    "Compliance officers": "the article's 'Compliance Officer' path",
    "Billing and posting clerks": "medical billing, the neighbouring job",
    "Medical secretaries and administrative assistants": "front-office health records work",
    "Medical transcriptionists": "another health-records job",
    ALL_OCCUPATIONS_2020_30: "reference: every occupation",
}


def related_occupations() -> pd.DataFrame:
    """Percent employment change 2020-30 for occupations related to medical coding, largest first.

    >>> r = related_occupations().set_index("occupation")
    >>> float(r.loc["Compliance officers", "pct_emp_change_2020_2030"]), r.loc["Compliance officers", "round"]
    (6.2, '2020-30')
    """
    rows = [(title, _one_2020_30(title), why) for title, why in RELATED_OCCUPATIONS_2020_30.items()]
    frame = pd.DataFrame(rows, columns=["occupation", "pct_emp_change_2020_2030", "why_related"])
    frame.insert(1, "round", "2020-30")
    return frame.sort_values("pct_emp_change_2020_2030", ascending=False).reset_index(drop=True)


def related_occupations_chart(frame: pd.DataFrame | None = None) -> alt.Chart:
    """Bars of the 2020-30 percent change of related occupations; the all-occupation figure as a rule.

    >>> related_occupations_chart().to_dict()["title"]["text"]
    'How related occupations were projected to grow, BLS Employment Projections 2020-30'
    """
    frame = related_occupations() if frame is None else frame
    data = frame.assign(
        short=[t if len(t) <= 60 else t[:57] + "..." for t in frame.occupation],
        group=["all occupations" if t == ALL_OCCUPATIONS_2020_30 else "contains medical records specialists"
               if t == MEDICAL_RECORDS_2020_30 else "related occupation" for t in frame.occupation],
    )
    everyone = float(data.loc[data.occupation == ALL_OCCUPATIONS_2020_30, "pct_emp_change_2020_2030"].iloc[0])
    # Colour is not the only cue: the occupation that contains medical records specialists is also outlined.
    bars = alt.Chart(data).mark_bar(strokeWidth=2).encode(
        x=alt.X("pct_emp_change_2020_2030:Q", title="Projected employment change 2020-30 (%)"),
        y=alt.Y("short:N", sort="-x", title=None),
        color=alt.Color("group:N", title=None, legend=alt.Legend(orient="bottom"),
                        scale=alt.Scale(domain=["contains medical records specialists", "related occupation", "all occupations"],
                                        range=[theme.HIGHLIGHT, theme.COMPARED, theme.MUTED])),
        stroke=alt.condition("datum.group == 'contains medical records specialists'", alt.value(theme.INK), alt.value(None)),
        tooltip=[alt.Tooltip("occupation:N", title="Occupation (BLS title)"),
                 alt.Tooltip("pct_emp_change_2020_2030:Q", title="Change 2020-30 (%)"),
                 alt.Tooltip("why_related:N", title="Why it is here")],
    )
    rule = alt.Chart(pd.DataFrame({"pct": [everyone], "label": ["all occupations"]})).mark_rule(
        strokeDash=[4, 3], color=theme.INK).encode(x="pct:Q", tooltip=[alt.Tooltip("pct:Q", title="All occupations (%)")])
    return (bars + rule).properties(
        title=alt.Title("How related occupations were projected to grow, BLS Employment Projections 2020-30",
                        subtitle=[f"Source: data/{PROJECTIONS_2020_30_FILE} (processed copy of BLS EP 2020-30). "
                                  "An older round than 2024-34: compare within the chart, not with the rounds above.",
                                  "Dashed line: all occupations."]),
        width=420,
    )


# --------------------------------------------------------------------------- exercises (notebook 02)
# Kept apart at the end: the expected answer of notebook 02's parameter-dependent exercise, computed when a
# student runs check("job_outlook.projected_employment", answer, p); no message shows it. The exercises
# that do not depend on the parameters are hashed in exercise_answers.json.


@lru_cache(maxsize=64)
def _projection_for(round_key: str, horizon_year: int | None, growth_override_pct: float | None) -> Projection:
    """:func:`projection`, remembered: a check computes the answer and each hint's wrong answer from the same few."""
    return projection(round_key, horizon_year, growth_override_pct)


def _chosen(p) -> Projection:
    return _projection_for(p.projection_round, p.horizon_year, p.growth_override_pct)


def _without_dividing_by_100(p) -> float:
    """The slip of using "7" for 7%: base x (1 + 7 x share elapsed)."""
    chosen = _chosen(p)
    return chosen.base_employment * (1 + chosen.pct_change_used * chosen.fraction_of_period_derived)


@computed("job_outlook.projected_employment", tolerance=1, hints=[
    hint("That is the base-year employment, before any growth: grow it by the percent change for the share of the "
         "period that has elapsed.", wrong=lambda p: _chosen(p).base_employment),
    hint("That is the change in jobs. The question asks for the employment level: add the change to the base-year "
         "employment.", wrong=lambda p: _chosen(p).change_in_jobs_derived),
    hint("Did you use the percent as a plain number? A percent change has to be divided by 100 before you "
         "multiply (8% is 0.08).", wrong=_without_dividing_by_100),
    hint("That is the projection for the last year of the round. By `horizon_year` only part of the period has "
         "elapsed: multiply the percent change by the share elapsed.",
         wrong=lambda p: _projection_for(p.projection_round, None, p.growth_override_pct).projected_employment_derived),
    hint("That uses the round's own percent change. With `growth_override_pct` set, use the what-if rate instead.",
         wrong=lambda p: _projection_for(p.projection_round, p.horizon_year, None).projected_employment_derived),
], explain="Your number is derived, not a BLS figure: BLS projects only the end year, and spreading the change "
           "evenly over the years in between is this kit's assumption.")
def exercise_projected_employment(p) -> float:
    """The derived employment at ``p.horizon_year`` for the chosen round (and what-if rate, if any).

    >>> exercise_projected_employment(PARAMETERS.check({})), exercise_projected_employment(
    ...     PARAMETERS.check({"horizon_year": 2030, "growth_override_pct": 4}))
    (208436.0, 199475.2)
    """
    return _chosen(p).projected_employment_derived


# --------------------------------------------------------------------------- the report's summary


def report_summary(p) -> Summary:
    """The report's opening summary: the projection, and the article's outlook figures beside BLS.

    >>> s = report_summary(PARAMETERS.check({}))
    >>> s.figures[1].label, s.figures[1].kind
    ('Change 2024-2034', 'evidence')
    """
    from analysis.calc import claims

    proj = projection(p.projection_round, p.horizon_year, p.growth_override_pct)
    r = proj.round
    kind = "claim" if r.key == "article" else "evidence"
    projected = "assumption" if p.growth_override_pct is not None else "derived"
    figures = [
        Figure(f"Employment in {r.start_year}", count(r.base_employment), kind, r.label),
        Figure(f"Change {r.start_year}-{r.end_year}", percent(r.pct_change, sign=True), kind, r.label),
        Figure("Openings a year", count(r.annual_openings), kind, r.label),
        Figure(f"Projected employment in {proj.horizon_year}", count(proj.projected_employment_derived), projected,
               "base x (1 + change x share of the period elapsed), linear"),
    ]
    findings = [
        Finding(f"Spread evenly over the {r.label}, employment reaches {count(proj.projected_employment_derived)} in "
                f"{proj.horizon_year}, {count(proj.change_in_jobs_derived)} more than in {r.start_year}.", projected),
    ]
    table = claims.claims_table("outlook").set_index("claim_id")
    for key in ("outlook.current_employment", "outlook.projected_growth"):
        if key in table.index:
            findings.append(Finding(f"The article: {plain(table.loc[key, 'claim'])}. "
                                    f"{first_sentence(table.loc[key, 'note'])}", "derived"))
    jobs = employment_by_state()
    top = jobs.head(3)
    findings.append(Finding(f"{', '.join(top.state)} hold {percent(top.share_of_51_state_sum_pct_derived.sum())} of the "
                            f"jobs the states report (May {jobs.attrs['year']}).", "derived"))
    return Summary(figures, Finding(verdict_text("outlook", "outlook figures"), "derived"), findings)
