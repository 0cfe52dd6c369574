"""The topic's charts: the specialty ranges, the premiums, the experience bands, and the career moves.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from analysis.data.article import DEMAND_LEVELS
from analysis.data.careers import BLS_WAGE_COLUMNS, CAREER_SOC_MAP_FILE, career_wages, coder_baseline
from analysis.data.oews import MEDICAL_RECORDS
from analysis.present import theme
from analysis.present.formats import money, signed_money

from analysis.topics.specialty.specialties import BASELINE, specialty_table
from analysis.topics.specialty.experience import (
    BLS_PERCENTILE_PERIOD, band_top_usd, bls_national_percentiles, experience_band,
)


#: The chosen row's mark outlined in ink (colour is not its only cue). Channels are written typed, not with
#: ``alt.condition``: altair finds a condition dict's channel class by hashing its whole schema (~2 ms each time).
_CHOSEN_OUTLINE = alt.StrokeValue(None, condition={"test": "datum.chosen", "value": theme.INK})


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
    base = alt.Chart().encode(y=alt.Y("specialty:N", sort=order, title=None), tooltip=tooltip)  # data: on the layer
    bars = base.mark_bar(height=14).encode(
        x=alt.X("low:Q", title="Annual salary (USD)", axis=alt.Axis(format="$,d"), scale=alt.Scale(zero=False)),
        x2=alt.X2("high:Q"),
        color=alt.Color("demand_level:N", title="Demand (claim)", sort=list(reversed(DEMAND_LEVELS)),
                        scale=alt.Scale(domain=list(reversed(DEMAND_LEVELS)), scheme="orangered", reverse=True)),
        opacity=alt.OpacityValue(0.4, condition={"test": "datum.chosen", "value": 1.0}),
        stroke=_CHOSEN_OUTLINE,
        strokeWidth=alt.StrokeWidthValue(0, condition={"test": "datum.chosen", "value": 2}),
    )
    mids = base.mark_tick(color=theme.INK, thickness=2, size=14).encode(x=alt.X("mid:Q"))
    return alt.layer(
        bars, mids, data=data,
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
    base = alt.Chart().encode(  # the data goes in once, on the layer
        y=alt.Y("specialty:N", sort=order, title=None),
        tooltip=[alt.Tooltip("specialty:N", title="Specialty"), alt.Tooltip("pct_text:N", title="Premium, percent (derived)"),
                 alt.Tooltip("usd_text:N", title="Premium, dollars a year (derived)"),
                 alt.Tooltip("certification:N", title="Credential (claim)")])
    # Colour is not the only cue: the chosen bar is also outlined, and its name is in the title.
    bars = base.mark_bar(strokeWidth=2).encode(
        x=alt.X("pct:Q", title=f"Premium over {BASELINE} midpoint (%)"),
        color=alt.ColorValue(theme.MUTED, condition={"test": "datum.chosen", "value": theme.HIGHLIGHT}),
        stroke=_CHOSEN_OUTLINE)
    labels = base.mark_text(align="left", dx=3).encode(x=alt.X("pct:Q"), text=alt.Text("pct_text:N"))
    return alt.layer(
        bars, labels, data=data,
        title=alt.Title(f"Premium over {BASELINE} (midpoints, derived): {chosen} highlighted",
                        subtitle=[f"(specialty midpoint - {BASELINE} midpoint) / {BASELINE} midpoint, from the article's ranges "
                                  "(data/article/specialties.csv)."]),
        width=420,
    )


def experience_chart(specialty: str, level: str) -> alt.Chart:
    """The experience band and the specialty range (claims) against the BLS national wage distribution (evidence).

    The article gives no salary by specialty *and* experience; the chart puts the two ranges it does give
    on one axis with the BLS percentiles as vertical lines, and invents nothing in between.

    >>> experience_chart("Cardiology", "entry").to_dict()["title"]["text"]
    "Cardiology and the article's Entry-Level (0–2 years) band against the BLS national wage distribution"
    """
    band = experience_band(level)
    spec = specialty_table().set_index("specialty").loc[specialty]
    band_open, band_top = band_top_usd(band)
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
        x2=alt.X2("high:Q"), color=alt.Color("kind:N", title=None, legend=alt.Legend(orient="bottom"),
                                     scale=alt.Scale(domain=["experience band (claim)", "specialty range (claim)"],
                                                     range=[theme.COMPARED, theme.HIGHLIGHT])),
        tooltip=[alt.Tooltip("row:N", title="Range"), alt.Tooltip("text:N", title="Article (claim)")])
    rules = alt.Chart(pct).mark_rule(strokeDash=[4, 3], color=theme.INK).encode(
        x=alt.X("value:Q"), tooltip=[alt.Tooltip("statistic:N", title=f"BLS {BLS_PERCENTILE_PERIOD}, national"),
                              alt.Tooltip("value_text:N", title="Annual wage"), alt.Tooltip("source_text:N", title="Source")])
    labels = alt.Chart(pct).mark_text(angle=270, align="left", dx=4, dy=-4, fontSize=10, color=theme.INK).encode(
        x=alt.X("value:Q"), y=alt.YValue(0), text=alt.Text("statistic:N"))
    return alt.layer(
        rules, bars, labels,
        title=alt.Title(f"{specialty} and the article's {band.metric} band against the BLS national wage distribution",
                        subtitle=[f"Dashed lines: BLS OEWS {BLS_PERCENTILE_PERIOD} national percentiles, Medical Records Specialists "
                                  "(secondary copies; data/evidence/bls_national_facts_29-2072.csv).",
                                  "Bars: the article's claims. The article gives no salary by specialty and experience together."]),
        width=440, height=130,
    )


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
    enc = alt.Chart().encode(y=alt.Y("role:N", sort=order, title=None), tooltip=tooltip)  # data: on the layer
    money = alt.Axis(format="$,d")
    outer = enc.mark_rule(color=theme.BLUE, strokeWidth=2).encode(
        x=alt.X("bls_p10_usd:Q", title="Annual wage (USD)", axis=money), x2=alt.X2("bls_p90_usd:Q"))
    inner = enc.mark_rule(color=theme.BLUE, strokeWidth=7, opacity=0.6).encode(
        x=alt.X("bls_p25_usd:Q"), x2=alt.X2("bls_p75_usd:Q"))
    median = enc.mark_tick(color=theme.INK, thickness=3, size=18).encode(x=alt.X("bls_median_usd:Q"))
    article = enc.transform_filter("isValid(datum.art_low)").mark_bar(color=theme.ORANGE, opacity=0.55, height=8, yOffset=-9).encode(
        x=alt.X("art_low:Q"), x2=alt.X2("art_high:Q"))
    return alt.layer(
        outer, inner, median, article, data=data,
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
