"""Salary by specialty: the article's ten specialties, their premium over general coding, the HCC niche,
experience bands, and the career moves the article names beside real BLS wages.

Backs ``notebooks/03_specialty.ipynb``. The specialty ranges, credentials, demand levels, experience
bands and the HCC section are the article's **claims** (``data/article/``); midpoints, premiums,
ranks and ratios are computed here and labelled **derived**. The BLS figures are evidence: national
percentiles of Medical Records Specialists (``bls_national_facts_29-2072.csv``), state medians (May
2024 state file), and the national wages of other occupations (May 2021 national file, via
:mod:`analysis.data.careers`). ``data/`` has **no** salary by state and specialty, and none is made up: a
state's wage level is shown as a ratio to the nation, and the specialty ranges stay national.

>>> t = specialty_table().set_index("specialty")
>>> t.loc["Risk Adjustment/HCC", ["midpoint_usd_derived", "premium_midpoint_usd_derived"]].tolist()
[63500.0, 16500.0]
>>> round(float(t.loc["Risk Adjustment/HCC", "premium_midpoint_pct_derived"]), 2)
35.11
"""

from __future__ import annotations

import re
from functools import lru_cache

import altair as alt
import pandas as pd

from analysis.data.article import DEMAND_LEVELS, load_career_path, load_hcc_niche, load_national_overview, load_specialties
from analysis.data.cache import files_stamp
from analysis.data.careers import (BLS_WAGE_COLUMNS, CAREER_SOC_MAP_FILE, career_wages, coder_baseline, range_text,
                                   years_text)
from analysis.data.oews import MEDICAL_RECORDS
from analysis.core.errors import InputError, closest
from analysis.data.evidence import national_fact, state_wage_measure
from analysis.teaching.exercises import computed, hint
from analysis.present import theme
from analysis.present.markdown import Markdown
from analysis.present.report_summary import Figure, Finding, Summary, plain
from analysis.core.params import Choice, ParameterSet, Text
from analysis.present.formats import money, percent, signed_money
from analysis.present.tables import table_view  # noqa: F401  (the notebook shows tables with it)
from analysis.topics.salary_by_state import national_wage
from analysis.data.states import ALLOWED_FORMS, State, lookup_state
from analysis.calc.units import SalaryRange, premium

BASELINE = "General Outpatient"
"""The article's general coding row: every specialty's premium is measured against it."""

# Experience levels: the article's national overview bands (claim_id in national_overview.csv).
EXPERIENCE_LEVELS = {"entry": "national.entry_level", "mid-career": "national.mid_career", "senior": "national.senior"}

STATE_WAGE_YEAR = 2024  # the latest BLS state file with medians for all 51 areas
BLS_PERCENTILE_PERIOD = "May 2023"  # national percentiles in data/ for this period; the article's median is May 2023's


# --------------------------------------------------------------------------- specialties


def specialty_names() -> list[str]:
    """The article's ten specialties, as printed, in the article's order.

    >>> specialty_names()[:3]
    ['General Outpatient', 'Emergency Department', 'Surgery/Orthopedics']
    """
    return load_specialties().specialty.tolist()


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(text).strip().lower()).strip("_")


def lookup_specialty(value) -> str:
    """A specialty by its name or its short key (case and punctuation ignored); returns the name as printed.

    The short key is the end of the row's ``claim_id``: "risk_adjustment_hcc", "ob_gyn", "auditing" ...;
    "hcc" is accepted for Risk Adjustment/HCC.

    >>> lookup_specialty("risk adjustment/hcc"), lookup_specialty("ob_gyn"), lookup_specialty("HCC")
    ('Risk Adjustment/HCC', 'OB/GYN', 'Risk Adjustment/HCC')
    >>> lookup_specialty("cardiolgy")
    Traceback (most recent call last):
    ...
    analysis.core.errors.InputError: specialty='cardiolgy': not one of the article's ten specialties. Did you mean 'Cardiology'? Allowed: General Outpatient, Emergency Department, Surgery/Orthopedics, Cardiology, Radiology, OB/GYN, Anesthesia, Inpatient (Hospital), Risk Adjustment/HCC, Auditing.
    """
    table = load_specialties()
    names = table.specialty.tolist()
    keys = {_key(n): n for n in names}
    keys.update({cid.split(".", 1)[1]: n for cid, n in zip(table.claim_id, names)})
    keys["hcc"] = "Risk Adjustment/HCC"
    wanted = _key(value)
    if wanted in keys:
        return keys[wanted]
    near = closest(str(value), names + list(keys))  # a name or a short key; suggest the name either way
    raise InputError("specialty", value, allowed=names, suggestion=None if near is None else keys.get(_key(near), near),
                     reason="not one of the article's ten specialties")


def _optional_state(value):
    """A state, or None for "no state" (papermill passes ``-p state None`` as None, a person may type "none")."""
    if value is None or (isinstance(value, str) and value.strip().lower() in ("", "none", "null")):
        return None
    return lookup_state(value)


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


def specialty_table() -> pd.DataFrame:
    """The article's specialty table with derived columns: midpoint, premium over General Outpatient, rank.

    Premiums use :func:`analysis.calc.units.premium`: the specialty's midpoint against General Outpatient's
    midpoint ($47,000), in dollars and in percent of $47,000; also the difference of the low ends and
    of the high ends. ``midpoint_rank_derived``: 1 = highest midpoint (ties share a rank).

    >>> t = specialty_table().set_index("specialty")
    >>> [int(v) for v in t.loc["Auditing", ["midpoint_usd_derived", "premium_low_usd_derived", "premium_high_usd_derived", "midpoint_rank_derived"]]]
    [70000, 18000, 28000, 1]
    >>> float(t.loc[BASELINE, "premium_midpoint_pct_derived"])
    0.0
    """
    # Read again only when a file is edited; a copy (attrs included) keeps the cache intact.
    return _specialty_table(files_stamp("article/specialties.csv", "sources.csv")).copy()


@lru_cache(maxsize=2)
def _specialty_table(stamp) -> pd.DataFrame:
    table = load_specialties()
    attrs = dict(table.attrs)
    ranges = [SalaryRange(int(lo), int(hi), False) for lo, hi in zip(table.salary_low_usd, table.salary_high_usd)]
    base = ranges[table.specialty.tolist().index(BASELINE)]
    premiums = [premium(base.midpoint, r.midpoint) for r in ranges]
    frame = table.assign(
        midpoint_usd_derived=[r.midpoint for r in ranges],
        premium_midpoint_usd_derived=[p.absolute for p in premiums],
        premium_midpoint_pct_derived=[p.percent for p in premiums],
        premium_low_usd_derived=[r.low - base.low for r in ranges],
        premium_high_usd_derived=[r.high - base.high for r in ranges],
    )
    frame["midpoint_rank_derived"] = frame.midpoint_usd_derived.rank(ascending=False, method="min").astype(int)
    frame["demand_rank"] = frame.demand_level.map({d: i for i, d in enumerate(reversed(DEMAND_LEVELS), start=1)})
    frame.attrs.update(attrs)
    return frame


def specialty_view(table: pd.DataFrame, chosen: str) -> pd.DataFrame:
    """The columns a reader needs, chosen specialty first, the rest by midpoint (highest first).

    >>> specialty_view(specialty_table(), "Cardiology").specialty.tolist()[:2]
    ['Cardiology', 'Auditing']
    """
    ordered = pd.concat([table[table.specialty == chosen],
                         table[table.specialty != chosen].sort_values("midpoint_usd_derived", ascending=False, kind="stable")])
    return ordered[["specialty", "salary_low_usd", "salary_high_usd", "midpoint_usd_derived", "premium_midpoint_usd_derived",
                    "premium_midpoint_pct_derived", "certification", "demand_level"]].reset_index(drop=True)


def specialty_headline(specialty: str) -> Markdown:
    """The chosen specialty in words: its range and credential (claims), midpoint, premium and rank (derived).

    >>> print(specialty_headline("Cardiology").data.splitlines()[0].strip())
    **Cardiology**: $50,000–$63,000 a year, credential CPC + CCC, demand *Medium* (the article's claims).
    """
    row = specialty_table().set_index("specialty").loc[specialty]
    lines = [f"**{specialty}**: {money(row.salary_low_usd)}–{money(row.salary_high_usd)} a year, credential "
             f"{row.certification}, demand *{row.demand_level}* (the article's claims).",
             f"Midpoint {money(row.midpoint_usd_derived)}, rank {int(row.midpoint_rank_derived)} of 10 by midpoint (derived)."]
    if specialty == BASELINE:
        lines.append(f"{BASELINE} is the baseline: every other specialty's premium is measured against it.")
    else:
        lines.append(f"Premium over {BASELINE} (midpoint $47,000): {signed_money(row.premium_midpoint_usd_derived)} a year, "
                     f"{row.premium_midpoint_pct_derived:+.1f}% (derived); low ends {signed_money(row.premium_low_usd_derived)}, "
                     f"high ends {signed_money(row.premium_high_usd_derived)} (derived).")
    return Markdown("  \n".join(lines))


def specialty_chart(table: pd.DataFrame, chosen: str) -> alt.Chart:
    """Each specialty's salary range as a bar (claim) with its midpoint (derived), coloured by demand level.

    The chosen specialty is drawn solid with a black outline; the others are faded. Sorted by midpoint.

    >>> spec = specialty_chart(specialty_table(), "Auditing").to_dict()
    >>> spec["title"]["text"]
    "The article's salary range by specialty: Auditing highlighted"
    """
    data = table.assign(
        chosen=table.specialty == chosen,
        range_text=[f"{money(lo)}–{money(hi)}" for lo, hi in zip(table.salary_low_usd, table.salary_high_usd)],
        midpoint_text=table.midpoint_usd_derived.map(money),
        premium_text=[f"{signed_money(a)} ({p:+.1f}%)" for a, p in zip(table.premium_midpoint_usd_derived,
                                                                         table.premium_midpoint_pct_derived)],
        low=table.salary_low_usd.astype(float), high=table.salary_high_usd.astype(float),
        mid=table.midpoint_usd_derived.astype(float),
    )[["specialty", "low", "high", "mid", "range_text", "midpoint_text", "premium_text", "certification", "demand_level", "chosen"]]
    order = data.sort_values("mid", ascending=False, kind="stable").specialty.tolist()
    tooltip = [alt.Tooltip("specialty:N", title="Specialty"), alt.Tooltip("range_text:N", title="Salary range (claim)"),
               alt.Tooltip("midpoint_text:N", title="Midpoint (derived)"),
               alt.Tooltip("premium_text:N", title=f"Premium over {BASELINE}, midpoints (derived)"),
               alt.Tooltip("certification:N", title="Credential (claim)"), alt.Tooltip("demand_level:N", title="Demand (claim)")]
    base = alt.Chart(data).encode(y=alt.Y("specialty:N", sort=order, title=None), tooltip=tooltip)
    bars = base.mark_bar(height=14).encode(
        x=alt.X("low:Q", title="Annual salary (USD)", axis=alt.Axis(format="$,d"), scale=alt.Scale(zero=False)),
        x2="high:Q",
        color=alt.Color("demand_level:N", title="Demand (claim)", sort=list(reversed(DEMAND_LEVELS)),
                        scale=alt.Scale(domain=list(reversed(DEMAND_LEVELS)), scheme="orangered", reverse=True)),
        opacity=alt.condition("datum.chosen", alt.value(1.0), alt.value(0.4)),
        stroke=alt.condition("datum.chosen", alt.value(theme.INK), alt.value(None)),
        strokeWidth=alt.condition("datum.chosen", alt.value(2), alt.value(0)),
    )
    mids = base.mark_tick(color=theme.INK, thickness=2, size=14).encode(x="mid:Q")
    return (bars + mids).properties(
        title=alt.Title(f"The article's salary range by specialty: {chosen} highlighted",
                        subtitle=["Bars: the article's ranges (claims, no year or source given); tick: midpoint (derived).",
                                  "Source: data/article/specialties.csv."]),
        width=440,
    )


def premium_chart(table: pd.DataFrame, chosen: str) -> alt.Chart:
    """Premium over General Outpatient, midpoint against midpoint, in percent (derived), chosen specialty highlighted.

    >>> premium_chart(specialty_table(), "Radiology").to_dict()["title"]["text"]
    'Premium over General Outpatient (midpoints, derived): Radiology highlighted'
    """
    data = table.assign(
        chosen=table.specialty == chosen,
        pct=table.premium_midpoint_pct_derived.astype(float),
        usd_text=table.premium_midpoint_usd_derived.map(signed_money),
        pct_text=table.premium_midpoint_pct_derived.map(lambda v: f"{v:+.1f}%"),
    )[["specialty", "pct", "usd_text", "pct_text", "chosen", "certification"]]
    order = data.sort_values("pct", ascending=False, kind="stable").specialty.tolist()
    base = alt.Chart(data).encode(
        y=alt.Y("specialty:N", sort=order, title=None),
        tooltip=[alt.Tooltip("specialty:N", title="Specialty"), alt.Tooltip("pct_text:N", title="Premium, percent (derived)"),
                 alt.Tooltip("usd_text:N", title="Premium, dollars a year (derived)"),
                 alt.Tooltip("certification:N", title="Credential (claim)")])
    # Colour is not the only cue: the chosen bar is also outlined, and its name is in the title.
    bars = base.mark_bar(strokeWidth=2).encode(
        x=alt.X("pct:Q", title=f"Premium over {BASELINE} midpoint (%)"),
        color=alt.condition("datum.chosen", alt.value(theme.HIGHLIGHT), alt.value(theme.MUTED)),
        stroke=alt.condition("datum.chosen", alt.value(theme.INK), alt.value(None)))
    labels = base.mark_text(align="left", dx=3).encode(x="pct:Q", text="pct_text:N")
    return (bars + labels).properties(
        title=alt.Title(f"Premium over {BASELINE} (midpoints, derived): {chosen} highlighted",
                        subtitle=[f"(specialty midpoint - {BASELINE} midpoint) / {BASELINE} midpoint, from the article's ranges "
                                  "(data/article/specialties.csv)."]),
        width=420,
    )


# --------------------------------------------------------------------------- HCC niche


def hcc_statements() -> pd.DataFrame:
    """The article's HCC section, one statement per row (claims), with its own label.

    >>> hcc_statements().topic.tolist()[:2]
    ['ranking', 'salary']
    """
    frame = load_hcc_niche()
    view = frame.assign(what=frame.label.fillna("(section lead)"))[["topic", "what", "statement"]]
    view.attrs.update(frame.attrs)
    return view


def hcc_check() -> pd.DataFrame:
    """The HCC section's two superlatives held against the article's own specialty table (derived).

    "highest-demand": is Risk Adjustment/HCC's demand level the top level, and the only one there?
    "highest-paying": is its midpoint, its low end, its high end the highest of the ten?

    >>> check = hcc_check().set_index("question")
    >>> check.loc["highest midpoint of the ten?", ["answer", "detail"]].tolist()
    ['no', 'Auditing has $70,000; Risk Adjustment/HCC has $63,500 (rank 2 of 10)']
    >>> check.loc["the only 'Very High' demand level?", "answer"]
    'yes'
    """
    t = specialty_table().set_index("specialty")
    hcc = t.loc["Risk Adjustment/HCC"]
    rows = []
    top = DEMAND_LEVELS[-1]
    at_top = t.index[t.demand_level == top].tolist()
    rows.append((f"the only {top!r} demand level?", "yes" if at_top == ["Risk Adjustment/HCC"] else "no",
                 f"specialties at {top!r}: {', '.join(at_top) or 'none'}"))
    for label, column in (("midpoint", "midpoint_usd_derived"), ("low end", "salary_low_usd"), ("high end", "salary_high_usd")):
        best = t[column].max()
        leaders = t.index[t[column] == best].tolist()
        rank = int(t[column].rank(ascending=False, method="min")["Risk Adjustment/HCC"])
        answer = "yes" if hcc[column] == best else "no"
        detail = (f"{', '.join(leaders)} {'has' if len(leaders) == 1 else 'have'} {money(best)}"
                  + ("" if answer == "yes" and len(leaders) == 1 else f"; Risk Adjustment/HCC has {money(hcc[column])} (rank {rank} of 10)"))
        rows.append((f"highest {label} of the ten?", answer, detail))
    return pd.DataFrame(rows, columns=["question", "answer", "detail"])


# --------------------------------------------------------------------------- experience


def experience_band(level: str) -> pd.Series:
    """The article's national experience band for ``level`` (claim).

    >>> band = experience_band("senior")
    >>> band.metric, int(band.salary_low_usd), band.salary_high_usd is pd.NA, int(band.salary_open_from_usd)
    ('Senior (8+ years)', 58000, True, 72000)
    """
    return load_national_overview().set_index("claim_id").loc[EXPERIENCE_LEVELS[level]]


def ladder_rungs(level: str) -> pd.DataFrame:
    """The career-ladder rungs whose experience range overlaps the band's years (derived from the years columns).

    The article's rungs overlap each other ("4–7 years", "5–8 years"), so several rungs match a band.

    >>> ladder_rungs("entry").title.tolist()
    ['Junior/Entry Coder', 'Certified Coder']
    >>> ladder_rungs("senior").title.tolist()
    ['Coding Auditor', 'Coding Supervisor', 'Coding Manager', 'Director of HIM/Coding']
    """
    band = experience_band(level)
    path = load_career_path()
    band_high = float("inf") if band.years_high is pd.NA else int(band.years_high)
    rung_high = path.years_high.astype("Float64").fillna(float("inf"))
    overlaps = (path.years_low <= band_high) & (rung_high >= int(band.years_low))
    return path[overlaps][["level", "title", "salary_low_usd", "salary_high_usd", "salary_high_open", "salary_open_from_usd",
                           "years_low", "years_high", "years_high_open", "key_skills"]].reset_index(drop=True)


def ladder_view(level: str) -> pd.DataFrame:
    """:func:`ladder_rungs` for reading: ranges written as the article prints them.

    >>> ladder_view("senior").set_index("title").loc["Director of HIM/Coding", ["salary", "experience"]].tolist()
    ['$90,000–$120,000+', '10+ years']
    """
    rungs = ladder_rungs(level)
    return pd.DataFrame({
        "level": rungs.level, "title": rungs.title,
        "salary": [range_text(lo, hi, of) for lo, hi, of in zip(rungs.salary_low_usd, rungs.salary_high_usd, rungs.salary_open_from_usd)],
        "experience": [years_text(lo, hi, op) for lo, hi, op in zip(rungs.years_low, rungs.years_high, rungs.years_high_open)],
        "key_skills": rungs.key_skills,
    })


def bls_national_percentiles(period: str = BLS_PERCENTILE_PERIOD) -> pd.DataFrame:
    """The national annual wage percentiles of Medical Records Specialists that ``data/`` holds for ``period``.

    >>> bls_national_percentiles()[["statistic", "value"]].values.tolist()
    [['10th percentile', 35080.0], ['25th percentile', 39620.0], ['median', 48780.0], ['75th percentile', 61960.0], ['90th percentile', 77810.0]]
    """
    names = {"annual_p10": "10th percentile", "annual_p25": "25th percentile", "annual_median": "median",
             "annual_p75": "75th percentile", "annual_p90": "90th percentile"}
    rows = []
    for measure, label in names.items():
        try:
            fact = national_fact(period, measure)
        except InputError:  # data/ has no such figure for this period: leave it out, do not fill it in
            continue
        rows.append(dict(statistic=label, measure=measure, value=float(fact.value), source=fact.source,
                         source_quality=fact.source_quality))
    return pd.DataFrame(rows)


def experience_chart(specialty: str, level: str) -> alt.Chart:
    """The experience band and the specialty range (claims) against the BLS national wage distribution (evidence).

    The article gives no salary by specialty *and* experience; the chart puts the two ranges it does give
    on one axis with the BLS percentiles as vertical lines, and invents nothing in between.

    >>> experience_chart("Cardiology", "entry").to_dict()["title"]["text"]
    "Cardiology and the article's Entry-Level (0–2 years) band against the BLS national wage distribution"
    """
    band = experience_band(level)
    spec = specialty_table().set_index("specialty").loc[specialty]
    band_open = bool(band.salary_high_open)
    band_top = int(band.salary_open_from_usd) if band_open else int(band.salary_high_usd)
    rows = [
        dict(row=f"{band.metric} (all coders)", low=float(band.salary_low_usd), high=float(band_top), kind="experience band (claim)",
             text=f"{money(band.salary_low_usd)}–{money(band_top)}" + ("+ (open-ended: no top given)" if band_open else "")),
        dict(row=f"{specialty} (all experience levels)", low=float(spec.salary_low_usd), high=float(spec.salary_high_usd),
             kind="specialty range (claim)", text=f"{money(spec.salary_low_usd)}–{money(spec.salary_high_usd)}"),
    ]
    ranges = pd.DataFrame(rows)
    pct = bls_national_percentiles()
    pct = pct.assign(value_text=pct.value.map(money), source_text=pct.source + " [" + pct.source_quality + "]")
    y = alt.Y("row:N", sort=list(ranges.row), title=None)
    bars = alt.Chart(ranges).mark_bar(height=22).encode(
        y=y, x=alt.X("low:Q", title="Annual salary (USD)", axis=alt.Axis(format="$,d"), scale=alt.Scale(zero=False)),
        x2="high:Q", color=alt.Color("kind:N", title=None, legend=alt.Legend(orient="bottom"),
                                     scale=alt.Scale(domain=["experience band (claim)", "specialty range (claim)"],
                                                     range=[theme.COMPARED, theme.HIGHLIGHT])),
        tooltip=[alt.Tooltip("row:N", title="Range"), alt.Tooltip("text:N", title="Article (claim)")])
    rules = alt.Chart(pct).mark_rule(strokeDash=[4, 3], color=theme.INK).encode(
        x="value:Q", tooltip=[alt.Tooltip("statistic:N", title=f"BLS {BLS_PERCENTILE_PERIOD}, national"),
                              alt.Tooltip("value_text:N", title="Annual wage"), alt.Tooltip("source_text:N", title="Source")])
    labels = alt.Chart(pct).mark_text(angle=270, align="left", dx=4, dy=-4, fontSize=10, color=theme.INK).encode(
        x="value:Q", y=alt.value(0), text="statistic:N")
    return (rules + bars + labels).properties(
        title=alt.Title(f"{specialty} and the article's {band.metric} band against the BLS national wage distribution",
                        subtitle=[f"Dashed lines: BLS OEWS {BLS_PERCENTILE_PERIOD} national percentiles, Medical Records Specialists "
                                  "(secondary copies; data/evidence/bls_national_facts_29-2072.csv).",
                                  "Bars: the article's claims. The article gives no salary by specialty and experience together."]),
        width=440, height=130,
    )


def experience_note(specialty: str, level: str) -> Markdown:
    """Where the specialty range sits against the experience band (derived comparisons of the two claims).

    >>> print(experience_note("Auditing", "entry").data.splitlines()[1].strip())
    Auditing's low end ($60,000) is above the band's top ($44,000) by $16,000 (derived).
    """
    band = experience_band(level)
    spec = specialty_table().set_index("specialty").loc[specialty]
    band_open = bool(band.salary_high_open)
    band_top = int(band.salary_open_from_usd) if band_open else int(band.salary_high_usd)
    lines = [f"The article's **{band.metric}** band: {money(band.salary_low_usd)}–{money(band_top)}"
             + ("+ (open-ended)" if band_open else "") + f"; **{specialty}**: {money(spec.salary_low_usd)}–"
             f"{money(spec.salary_high_usd)} (claims)."]
    if spec.salary_low_usd > band_top and not band_open:
        lines.append(f"{specialty}'s low end ({money(spec.salary_low_usd)}) is above the band's top ({money(band_top)}) "
                     f"by {money(spec.salary_low_usd - band_top)} (derived).")
    elif spec.salary_high_usd < band.salary_low_usd:
        lines.append(f"{specialty}'s high end ({money(spec.salary_high_usd)}) is below the band's bottom "
                     f"({money(band.salary_low_usd)}) by {money(band.salary_low_usd - spec.salary_high_usd)} (derived).")
    else:
        low, high = max(int(spec.salary_low_usd), int(band.salary_low_usd)), min(int(spec.salary_high_usd), band_top)
        lines.append(f"The two ranges share {money(low)}–{money(high)} (derived)"
                     + ("; the band's top is open-ended, so they may share more." if band_open else "."))
    lines.append("The article does not say what a coder in this specialty earns at this experience level; "
                 "these are two separate claims side by side.")
    return Markdown("  \n".join(lines))


# --------------------------------------------------------------------------- state


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


# --------------------------------------------------------------------------- careers


def careers_view() -> pd.DataFrame:
    """The career moves table for reading: article range (claim), matched occupation and BLS May 2021 wages.

    >>> row = careers_view().set_index("article_role").loc["Medical Coding Consultant"]
    >>> row.article_range, int(row.bls_median_usd)
    ('$80,000–$150,000+', 93000)
    """
    wages = career_wages()
    view = wages.assign(article_range=[range_text(lo, hi, of) for lo, hi, of in
                                       zip(wages.salary_low_usd, wages.salary_high_usd, wages.salary_open_from_usd)])
    view = view[["article_role", "article_range", "article_midpoint_usd_derived", "soc_code", "bls_title", "match",
                 "bls_p10_usd", "bls_median_usd", "bls_p90_usd", "difference_midpoint_minus_bls_median_usd_derived"]]
    view.attrs.update(wages.attrs)
    return view


def careers_chart(wages: pd.DataFrame | None = None, coder_band: pd.Series | None = None) -> alt.Chart:
    """Each article role: the article's range (orange, claim) over the matched BLS occupation's wages (blue, evidence), in :mod:`analysis.present.theme` colours.

    BLS wages are drawn as a thin line from the 10th to the 90th percentile, a thick one from the 25th
    to the 75th, and a tick at the median. An open-ended article range ("$80,000–$150,000+") is drawn
    to the figure the "+" is attached to and marked "or more". The coder's own occupation is the top row;
    ``coder_band`` (a row of the article's national overview, e.g. its "Mid-Career (3–7 years)" band) puts
    the article's range for coders there.

    >>> spec = careers_chart().to_dict()
    >>> spec["title"]["text"]
    'Article salary ranges for career moves beside BLS national wages of matching occupations'
    """
    wages = career_wages() if wages is None else wages
    base = coder_baseline()
    coder = dict(art_low=None, art_high=None, art_text="(no band chosen)")
    role = f"Medical coder (Medical Records Specialists, {MEDICAL_RECORDS})"
    if coder_band is not None:
        open_ = bool(coder_band.salary_high_open)
        top = coder_band.salary_open_from_usd if open_ else coder_band.salary_high_usd
        coder = dict(art_low=float(coder_band.salary_low_usd), art_high=float(top),
                     art_text=f"${int(coder_band.salary_low_usd):,}–${int(top):,}" + (" or more (open-ended)" if open_ else ""))
        role = f"Medical coder, {coder_band.metric}"
    rows = [dict(role=role, soc=f"{MEDICAL_RECORDS} {base.bls_title}", match="the coder's own occupation",
                 **{c: base[c] for c in BLS_WAGE_COLUMNS}, **coder)]
    for r in wages.itertuples():
        open_ = bool(r.salary_high_open)
        top = r.salary_open_from_usd if open_ else r.salary_high_usd
        rows.append(dict(role=r.article_role, soc=f"{r.soc_code} {r.bls_title}", match=r.match,
                         **{c: getattr(r, c) for c in BLS_WAGE_COLUMNS},
                         art_low=float(r.salary_low_usd), art_high=float(top),
                         art_text=f"${int(r.salary_low_usd):,}–${int(top):,}" + (" or more (open-ended)" if open_ else "")))
    data = pd.DataFrame(rows)
    for column in BLS_WAGE_COLUMNS:
        data[column] = [None if pd.isna(v) else float(v) for v in data[column]]
    data["median_text"] = data.bls_median_usd.map(lambda v: "not available" if pd.isna(v) else f"${v:,.0f}")
    data["p10_p90_text"] = [("not available" if pd.isna(a) or pd.isna(b) else f"${a:,.0f}–${b:,.0f}")
                            for a, b in zip(data.bls_p10_usd, data.bls_p90_usd)]
    order = list(data.role)
    tooltip = [alt.Tooltip("role:N", title="Article role"), alt.Tooltip("art_text:N", title="Article range (claim)"),
               alt.Tooltip("soc:N", title="Matched BLS occupation"), alt.Tooltip("match:N", title="Match (editorial)"),
               alt.Tooltip("median_text:N", title="BLS median, May 2021"),
               alt.Tooltip("p10_p90_text:N", title="BLS 10th-90th percentile, May 2021")]
    enc = alt.Chart(data).encode(y=alt.Y("role:N", sort=order, title=None), tooltip=tooltip)
    money = alt.Axis(format="$,d")
    outer = enc.mark_rule(color=theme.BLUE, strokeWidth=2).encode(
        x=alt.X("bls_p10_usd:Q", title="Annual wage (USD)", axis=money), x2="bls_p90_usd:Q")
    inner = enc.mark_rule(color=theme.BLUE, strokeWidth=7, opacity=0.6).encode(x="bls_p25_usd:Q", x2="bls_p75_usd:Q")
    median = enc.mark_tick(color=theme.INK, thickness=3, size=18).encode(x="bls_median_usd:Q")
    article = enc.transform_filter("isValid(datum.art_low)").mark_bar(color=theme.ORANGE, opacity=0.55, height=8, yOffset=-9).encode(
        x="art_low:Q", x2="art_high:Q")
    return (outer + inner + median + article).properties(
        title=alt.Title("Article salary ranges for career moves beside BLS national wages of matching occupations",
                        subtitle=["Orange: the article's range (claim, 2026, no source named). Blue: BLS OEWS May 2021 national "
                                  "wages, 10th-90th percentile (thin), 25th-75th (thick), median (black tick).",
                                  f"Which occupation matches which role is an editorial choice: data/{CAREER_SOC_MAP_FILE}."]),
        width=460,
    )


def coder_and_careers_chart(level: str) -> alt.Chart:
    """The career moves chart (:func:`careers_chart`), with the article's band for ``level`` on the coder's row.

    >>> "Medical coder, Senior (8+ years)" in str(coder_and_careers_chart("senior").to_dict())
    True
    """
    return careers_chart(career_wages(), coder_band=experience_band(level))


def career_map_view() -> pd.DataFrame:
    """Which BLS occupation stands for which article role, and why (the editorial map).

    >>> career_map_view().shape[1]
    4
    """
    wages = career_wages()
    return wages[["article_role", "soc_code", "match", "rationale"]]


# --------------------------------------------------------------------------- exercises (notebook 03)
# Kept apart at the end: the expected answers of notebook 03's exercises, computed from the article's table
# (and the chosen specialty, where the question is about it) when a student runs
# check("specialty.<name>", answer, p). No message shows them.


def _midpoints() -> pd.Series:
    return specialty_table().set_index("specialty").midpoint_usd_derived


@computed("specialty.highest_midpoint", type="text", hints=[
    hint("That is the specialty the article calls \"the highest-paying\". Read the ticks (the midpoints) on the chart "
         "rather than the article's words: is its tick the one furthest to the right?", wrong="Risk Adjustment/HCC"),
    hint("That specialty has the lowest midpoint: the highest is at the other end of the chart.",
         wrong=lambda p: _midpoints().idxmin()),
], explain="The article calls Risk Adjustment/HCC \"the highest-paying specialty\"; its own table, read by midpoints, "
           "does not say so. Section 3 holds the superlative against the table in three readings.")
def exercise_highest_midpoint(p) -> str:
    """The specialty with the highest midpoint in the article's table (derived; the first one if two tie).

    The answer does not depend on the parameters; ``p`` is taken for the uniform ``check(id, answer, p)``.

    >>> exercise_highest_midpoint(PARAMETERS.check({}))
    'Auditing'
    """
    return _midpoints().idxmax()


def _premium_over_the_chosen(p) -> float:
    """The slip of dividing by the chosen specialty's midpoint instead of the baseline's."""
    m = _midpoints()
    return float((m[p.specialty] - m[BASELINE]) / m[p.specialty] * 100)


def _premium_of_low_ends(p) -> float:
    """The slip of comparing the low ends of the ranges instead of their midpoints."""
    low = specialty_table().set_index("specialty").salary_low_usd
    return float((low[p.specialty] - low[BASELINE]) / low[BASELINE] * 100)


@computed("specialty.premium_pct", tolerance=0.05, hints=[
    hint("That looks like a fraction: a percent is the fraction x 100.", times=0.01),
    hint("That is the premium in dollars a year. The question asks for it in percent of General Outpatient's midpoint.",
         wrong=lambda p: float(specialty_table().set_index("specialty").premium_midpoint_usd_derived[p.specialty])),
    hint("You divided by the chosen specialty's midpoint. A premium over General Outpatient is measured in percent of "
         "General Outpatient's midpoint.", wrong=_premium_over_the_chosen),
    hint("That is the chosen midpoint as a percent of General Outpatient's. The premium is the part above 100%: "
         "subtract 100.", wrong=lambda p: float(_midpoints()[p.specialty] / _midpoints()[BASELINE] * 100)),
    hint("That compares the low ends of the two ranges. The question asks for the midpoints: (low + high) / 2.",
         wrong=_premium_of_low_ends),
], explain="Your number is derived from two of the article's ranges, which name no source or year: it compares "
           "midpoints of ranges, not what two particular coders are paid.")
def exercise_premium_pct(p) -> float:
    """The chosen specialty's midpoint premium over General Outpatient, in percent (derived, unrounded).

    >>> round(exercise_premium_pct(PARAMETERS.check({})), 4), exercise_premium_pct(PARAMETERS.check({"specialty": "General Outpatient"}))
    (35.1064, 0.0)
    """
    return float(specialty_table().set_index("specialty").premium_midpoint_pct_derived[p.specialty])


@computed("specialty.specialties_paying_more", hints=[
    hint("One too many? With >= the chosen specialty counts itself (and any specialty tied with it). The question "
         "asks for the specialties whose midpoint is higher: use >.",
         wrong=lambda p: int((_midpoints() >= _midpoints()[p.specialty]).sum())),
    hint("That counts the specialties whose midpoint is lower than the chosen one's; the question asks for higher.",
         wrong=lambda p: int((_midpoints() < _midpoints()[p.specialty]).sum())),
], explain="A specialty tied with the chosen one (the same midpoint) is not higher, so it is not counted. "
           "Try `specialty = \"Radiology\"`, which shares its midpoint with another specialty, and check again.")
def exercise_specialties_paying_more(p) -> int:
    """How many of the ten specialties have a higher midpoint than the chosen one (derived).

    >>> exercise_specialties_paying_more(PARAMETERS.check({})), exercise_specialties_paying_more(
    ...     PARAMETERS.check({"specialty": "Radiology"}))
    (1, 6)
    """
    return int((_midpoints() > _midpoints()[p.specialty]).sum())


@computed("specialty.midpoint_chart", hints=[
    hint("The question asks for a bar chart: one bar per specialty (.mark_bar()).", on="mark"),
    hint("The x axis should show each specialty's midpoint (midpoint_usd_derived) as a quantity (:Q).", on="x"),
    hint("The y axis should list the specialties by name (specialty) as categories (:N).", on="y"),
], explain="Compare your chart with the one in section 1: it draws each whole range, not only its midpoint. "
           "What does a chart of midpoints hide?")
def exercise_midpoint_chart(p) -> alt.Chart:
    """The reference chart: bars of the derived midpoints by specialty, with a tooltip (checked by its structure).

    >>> spec = exercise_midpoint_chart(PARAMETERS.check({})).to_dict()
    >>> spec["mark"]["type"], spec["encoding"]["x"]["field"], spec["encoding"]["y"]["field"]
    ('bar', 'midpoint_usd_derived', 'specialty')
    """
    table = specialty_table()[["specialty", "midpoint_usd_derived"]]
    return alt.Chart(table).mark_bar().encode(x="midpoint_usd_derived:Q", y="specialty:N",
                                              tooltip=["specialty", "midpoint_usd_derived"])


# --------------------------------------------------------------------------- the report's summary


def report_summary(p) -> Summary:
    """The report's opening summary: the chosen specialty's range and premium, and the HCC claim checked.

    >>> s = report_summary(PARAMETERS.check({}))
    >>> s.figures[0].kind, s.figures[1].kind
    ('claim', 'derived')
    """
    table = specialty_table().set_index("specialty")
    row = table.loc[p.specialty]
    top = table.midpoint_usd_derived.idxmax()
    figures = [
        Figure(f"{p.specialty}: the article's range", f"{money(row.salary_low_usd)}-{money(row.salary_high_usd)}",
               "claim", "the article's specialty table (no source or year)"),
        Figure("Midpoint of the range", money(row.midpoint_usd_derived), "derived", "(low + high) / 2"),
        Figure(f"Premium over {BASELINE}", percent(row.premium_midpoint_pct_derived, sign=True), "derived",
               "midpoint against the baseline's midpoint"),
        Figure("Highest midpoint of the ten", f"{top}, {money(table.midpoint_usd_derived.max())}", "derived",
               "the article's own table"),
    ]
    check = hcc_check().set_index("question")
    question = "highest midpoint of the ten?"
    verdict = Finding("The article calls Risk Adjustment/HCC the \"highest-paying\" specialty: by its own table that is "
                      f"{'true' if check.loc[question, 'answer'] == 'yes' else 'not so'} "
                      f"({plain(check.loc[question, 'detail'])}). No specialty figure has a source, so none can be "
                      "checked against BLS.", "derived")
    above = int((table.premium_midpoint_pct_derived > 20).sum())
    findings = [
        Finding(f"{p.specialty} pays {percent(row.premium_midpoint_pct_derived)} more than general outpatient coding at "
                "the midpoints of the article's ranges.", "derived"),
        Finding(f"{above} of the ten specialties beat general outpatient coding by more than 20% in the article's "
                "own table.", "derived"),
        Finding("data/ holds no salary by specialty from BLS or any survey: every specialty figure here is the "
                "article's.", "evidence"),
    ]
    return Summary(figures, verdict, findings)
