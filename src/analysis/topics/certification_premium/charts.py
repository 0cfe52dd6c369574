"""The topic's charts: the premium by source, the present value by source (with what-if controls), the earnings path.
"""

from __future__ import annotations

import json

import altair as alt
import pandas as pd

from analysis.present import theme
from analysis.present.controls import derived_param, money_expr, signed_money_expr, slider
from analysis.present.formats import money, signed_money

from analysis.topics.certification_premium.sources import PremiumBasis, premium_basis, premium_sources
from analysis.topics.certification_premium.value import (
    Costs, PAYBACK_FORMULA, PRESENT_VALUE_FORMULA, UPFRONT_FORMULA, pv_by_source,
)
from analysis.topics.certification_premium.career_ladder import earnings_path


#: The chosen source's marks in the highlight colour, the others muted. Channels are written typed, not with
#: ``alt.condition``: altair finds a condition dict's channel class by hashing its whole schema (~2 ms each time).
_CHOSEN_COLOUR = alt.ColorValue(theme.MUTED, condition={"test": "datum.chosen", "value": theme.HIGHLIGHT})


def sources_chart(table: pd.DataFrame, chosen: str) -> alt.Chart:
    """Stated premiums (hollow; a line for a range) and derived ones (filled), one row per statement.

    Rows of the chosen ``premium_source`` are drawn in colour with bold labels, the others in grey.

    >>> sources_chart(premium_sources(), "article").to_dict()["title"]["text"]
    'Certification premium, percent: what each source states and what its own averages give'
    """
    data = table.assign(
        chosen=table.source_key == chosen,
        stated_low=table.stated_pct_low.astype(float), stated_high=table.stated_pct_high.astype(float),
        derived=[None if pd.isna(v) else float(v) for v in table.premium_pct_derived],
        stated_label=[_pct_text(lo, hi) for lo, hi in zip(table.stated_pct_low, table.stated_pct_high)],
        derived_label=[("not available (no pair of averages)" if pd.isna(v) else f"{v:.1f}%") for v in table.premium_pct_derived],
        pair_label=[("not available" if pd.isna(a) else f"{money(b)} vs {money(a)}") for a, b in zip(table.without_usd, table.with_usd)],
    )[["label", "kind", "chosen", "stated_low", "stated_high", "derived", "stated_label", "derived_label", "pair_label", "source_detail"]]
    tooltip = [alt.Tooltip("label:N", title="Source"), alt.Tooltip("stated_label:N", title="Stated premium"),
               alt.Tooltip("derived_label:N", title="Premium from its averages (derived)"),
               alt.Tooltip("pair_label:N", title="Certified vs non-certified"), alt.Tooltip("source_detail:N", title="Where")]
    colour = _CHOSEN_COLOUR
    # Colour is not the only cue: the chosen rows' labels are bold.
    bold = {"condition": {"test": f"indexof({json.dumps(list(data.label[data.chosen]))}, datum.value) >= 0", "value": "bold"},
            "value": "normal"}
    base = alt.Chart().encode(y=alt.Y("label:N", sort=list(data.label), title=None,  # data: on the layer
                                      axis=alt.Axis(labelLimit=330, labelFontWeight=bold)), tooltip=tooltip)
    x = alt.X("stated_low:Q", title="Premium over non-certified pay (%)", scale=alt.Scale(domain=[0, 45]))
    ranges = base.transform_filter("isValid(datum.stated_low) && datum.stated_low != datum.stated_high").mark_rule(
        strokeWidth=3).encode(x=x, x2=alt.X2("stated_high:Q"), color=colour)
    stated = base.transform_filter("isValid(datum.stated_low)").mark_point(shape="circle", size=90, filled=False, strokeWidth=2).encode(
        x=x, color=colour)
    stated_high = base.transform_filter("isValid(datum.stated_low) && datum.stated_low != datum.stated_high").mark_point(
        shape="circle", size=90, filled=False, strokeWidth=2).encode(x=alt.X("stated_high:Q"), color=colour)
    derived = base.transform_filter("isValid(datum.derived)").mark_point(shape="diamond", size=110, filled=True).encode(
        x=alt.X("derived:Q"), color=colour)
    return alt.layer(
        ranges, stated, stated_high, derived, data=data,
        title=alt.Title("Certification premium, percent: what each source states and what its own averages give",
                        subtitle=["Hollow circle: stated (a line: a stated range). Filled diamond: (certified - non-certified) / "
                                  "non-certified, derived.",
                                  "Sources: data/article/certification_premium.csv and certification_status.csv (claims); "
                                  "data/evidence/certification_salary_surveys.csv (self-reported surveys)."]),
        width=380,
    )


def _pct_text(low, high) -> str:
    if pd.isna(low):
        return "none stated"
    return f"{low:g}%" if low == high else f"{low:g}–{high:g}%"


def pv_chart(table: pd.DataFrame, chosen: str, years: int, rate: float, costs: Costs | None = None) -> alt.Chart:
    """Present value of the premium under each source (derived), chosen source highlighted.

    With ``costs``, the chart has controls for the costs, the discount rate and the horizon (starting at the
    report's values); the page recomputes every bar and the chosen source's payback and present value with
    the formulas of :func:`present_value`, :func:`payback_years` and :class:`Costs` (one definition each).

    >>> t = pv_by_source(Costs(1, 425, 190, 80, 23.45), 0.03, 10, 1)
    >>> pv_chart(t, "article", 10, 0.03).to_dict()["title"]["text"]
    'Present value of certifying over 10 years at 3.0%, by premium source (derived)'
    >>> spec = pv_chart(t, "article", 10, 0.03, Costs(1, 425, 190, 80, 23.45)).to_dict()
    >>> spec["vconcat"][1]["title"]["text"]
    'Present value of certifying, by premium source (derived), at the rate and horizon set below'
    >>> [p["name"] for p in spec["params"]][:3]
    ['exam_cost_usd', 'membership_cost_usd', 'study_hours']
    """
    data = table.assign(
        chosen=table.source_key == chosen, pv=table.present_value_usd_derived.astype(float),
        pv_text=table.present_value_usd_derived.map(lambda v: signed_money(round(v, 2))),
        premium_text=[f"{money(p)} a year ({q:.1f}%)" for p, q in zip(table.premium_usd_derived, table.premium_pct_derived)],
        payback_text=table.payback_years_derived.map(lambda v: "never" if pd.isna(v) else f"{v:.2f} years"),
    )[["source", "chosen", "pv", "pv_text", "premium_text", "payback_text"]]
    if costs is not None:
        data["premium_usd"] = table.premium_usd_derived.astype(float)
    base = alt.Chart().encode(  # the data goes in once, on the layer
        y=alt.Y("source:N", sort="-x", title=None, axis=alt.Axis(labelLimit=300)),
        tooltip=[alt.Tooltip("source:N", title="Premium source"), alt.Tooltip("premium_text:N", title="Premium (derived)"),
                 alt.Tooltip("payback_text:N", title="Payback (derived)"), alt.Tooltip("pv_text:N", title="Present value (derived)")])
    if costs is not None:
        base = base.transform_calculate(**_live_value_fields(costs))
    # Colour is not the only cue: the chosen source's bar is also outlined.
    bars = base.mark_bar(strokeWidth=2).encode(
        x=alt.X("pv:Q", title="Present value (USD)", axis=alt.Axis(format="$,d")),
        color=_CHOSEN_COLOUR, stroke=alt.StrokeValue(None, condition={"test": "datum.chosen", "value": theme.INK}))
    labels = base.mark_text(align="left", dx=3).encode(x=alt.X("pv:Q"), text=alt.Text("pv_text:N"))
    subtitle = ["Premium = the source's certified minus non-certified average; costs are the notebook's "
                "assumptions (parameters), the same for every bar."]
    if costs is None:
        return alt.layer(
            bars, labels, data=data,
            title=alt.Title(f"Present value of certifying over {years} years at {rate:.1%}, by premium source (derived)",
                            subtitle=subtitle),
            width=380,
        )
    chosen_row = table.set_index("source_key").loc[chosen]
    params = _cost_controls(costs, rate, years) + _chosen_value_signals(costs, float(chosen_row.premium_usd_derived))
    headline = alt.Chart(alt.Data(values=[{}])).mark_text(align="left", baseline="top", fontSize=13, fontWeight="bold").encode(
        x=alt.XValue(0), y=alt.YValue(0), text=alt.Text("headline:N")).transform_calculate(
        headline=f"'{chosen_row.source}: upfront cost ' + {money_expr('round(chosen_upfront_usd * 100) / 100')} + "
                 "', payback ' + (chosen_payback_years === null ? 'never' : format(chosen_payback_years, '.2f') + ' years')"
                 f" + ', present value ' + {signed_money_expr('chosen_present_value_usd')} + ' (derived)'"
    ).properties(width=380, height=18)
    chart = alt.layer(
        bars, labels, data=data,
        title=alt.Title("Present value of certifying, by premium source (derived), at the rate and horizon set below",
                        subtitle=subtitle),
        width=380,
    )
    return alt.vconcat(headline, chart, params=[p.param for p in params])


def _cost_controls(costs: Costs, rate: float, years: int) -> list:
    """The controls of :func:`pv_chart`, starting at the notebook's parameters."""
    return [
        slider("exam_cost_usd", costs.exam_cost_usd, "Exam fee per credential (USD, assumption)", 0, 1000, 1),
        slider("membership_cost_usd", costs.membership_cost_usd, "Membership a year (USD, assumption)", 0, 500, 1),
        slider("study_hours", costs.study_hours, "Study hours per credential (assumption)", 0, 400, 1),
        slider("study_hour_value_usd", costs.study_hour_value_usd, "Value of a study hour (USD, assumption)", 0, 100, 0.01),
        slider("discount_rate", rate, "Discount rate a year (assumption)", 0, 0.5, 0.005),
        slider("horizon_years", years, "Horizon (years)", 1, 40, 1),
    ]


def _formula_names(costs: Costs, net: str, upfront: str) -> dict[str, str]:
    """How the formulas' names read in the page: controls by their names, the credential count fixed."""
    return {"n_credentials": str(costs.n_credentials), "rate": "discount_rate", "years": "horizon_years",
            "annual_net_usd": net, "upfront_usd": upfront}


def _live_value_fields(costs: Costs) -> dict[str, str]:
    """Each bar's upfront cost, net gain, present value and texts, recomputed from the controls."""
    names = _formula_names(costs, "datum.net_usd", "datum.upfront_usd")
    return {
        "upfront_usd": UPFRONT_FORMULA.vega(names),
        "net_usd": "datum.premium_usd - membership_cost_usd",
        "pv": PRESENT_VALUE_FORMULA.vega(names),
        "payback_years": PAYBACK_FORMULA.vega(names),
        "pv_text": signed_money_expr("datum.pv"),
        "payback_text": "datum.payback_years === null ? 'never' : format(datum.payback_years, '.2f') + ' years'",
    }


def _chosen_value_signals(costs: Costs, premium_usd: float) -> list:
    """The chosen source's upfront cost, payback and present value as signals (the headline reads them)."""
    names = _formula_names(costs, "chosen_net_usd", "chosen_upfront_usd")
    return [
        derived_param("chosen_upfront_usd", UPFRONT_FORMULA.vega(names)),
        derived_param("chosen_net_usd", f"{premium_usd!r} - membership_cost_usd"),
        derived_param("chosen_payback_years", PAYBACK_FORMULA.vega(names)),
        derived_param("chosen_present_value_usd", PRESENT_VALUE_FORMULA.vega(names)),
    ]


def earnings_path_chart(path: pd.DataFrame, basis: PremiumBasis) -> alt.Chart:
    """Three lines over years of experience: with the credential, and the two readings of without (scenario).

    >>> earnings_path_chart(earnings_path(premium_basis("article"), 10), premium_basis("article")).to_dict()["title"]["text"]
    "Scenario: pay along the article's career ladder with and without the credential (derived)"
    """
    names = {"with_credential_usd_derived": "with the credential (ladder midpoints)",
             "without_entry_only_usd_derived": "without: stays entry-level (article's words)",
             "without_premium_model_usd_derived": f"without: ladder less the premium ({basis.premium_pct_derived:.1f}%)"}
    long = path.melt(id_vars=["years_of_experience", "rung"], value_vars=list(names), var_name="scenario", value_name="usd")
    long["scenario"] = long.scenario.map(names)
    long = long.dropna(subset=["usd"])
    long["usd"] = long.usd.astype(float)
    long["usd_text"] = long.usd.map(lambda v: money(round(v, 2)))
    return alt.Chart(long).mark_line(point=True).encode(
        x=alt.X("years_of_experience:Q", title="Years of experience", axis=alt.Axis(tickMinStep=1)),
        y=alt.Y("usd:Q", title="Annual pay (USD)", axis=alt.Axis(format="$,d")),
        color=alt.Color("scenario:N", title=None, sort=list(names.values()), legend=alt.Legend(orient="bottom", columns=1, labelLimit=500)),
        strokeDash=alt.StrokeDash("scenario:N", sort=list(names.values()), legend=None),
        tooltip=[alt.Tooltip("scenario:N", title="Scenario"), alt.Tooltip("years_of_experience:Q", title="Years of experience"),
                 alt.Tooltip("rung:N", title="Ladder rung (with credential)"), alt.Tooltip("usd_text:N", title="Pay (derived)")],
    ).properties(
        title=alt.Title("Scenario: pay along the article's career ladder with and without the credential (derived)",
                        subtitle=["A scenario on stated assumptions, not a forecast: midpoints of the article's ranges "
                                  "(data/article/career_path.csv), premium from " + basis.source_label + "."]),
        width=440, height=260,
    )
