"""The topic's charts: the distribution of ratings, the two raters side by side, and the scenario.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from analysis.data.ai_exposure import (
    EXPOSURE_FILE, MEDICAL_RECORDS_CODE, Occupation, RATER_NAMES, lookup_measure, lookup_rater,
)
from analysis.present import theme
from analysis.present.controls import slider

from analysis.topics.ai_impact.ranks import highlighted, ranked_exposure, standing
from analysis.topics.ai_impact.raters import rater_agreement, raters_compared
from analysis.topics.ai_impact.automation_scenario import DEFAULT_ROUTINE_SHARES, HUMAN_WORK_INDEX_FORMULA, scenario


_HIGHLIGHT_COLORS = {"the article's occupation": theme.HIGHLIGHT, "compared": theme.COMPARED, "other": theme.MUTED}


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Columns altair can serialise: nullable ints and floats as plain objects, missing values as None."""
    frame = frame.astype({c: object for c in frame.columns if str(frame[c].dtype) in ("Int64", "Float64", "boolean")})
    return frame.where(frame.notna(), None)


def _source_subtitle() -> str:
    return ("Source: Eloundou, Manning, Mishkin, Rock, 'GPTs are GPTs' (Science 2024), occupation-level ratings "
            f"(data/{EXPOSURE_FILE}).")


def exposure_distribution_chart(rater: str, measure: str, compare_with: list[Occupation]) -> alt.LayerChart:
    """A histogram of all 923 occupations' ratings with Medical Records Specialists and the compared ones marked.

    >>> spec = exposure_distribution_chart("gpt4", "E1", []).to_dict()
    >>> spec["title"]["text"]
    'Ratings by GPT-4 on E1, 923 occupations: Medical Records Specialists rank 149 (derived)'
    """
    ranked = ranked_exposure(rater, measure)
    rater, measure = lookup_rater(rater), lookup_measure(measure)
    marks = standing(rater, measure, compare_with)
    own = marks.iloc[0]
    base = alt.Chart(_plain(ranked[["rating"]]))  # the bars need the ratings only
    bars = base.mark_bar(color=theme.MUTED).encode(
        x=alt.X("rating:Q", bin=alt.Bin(step=0.05), title=f"Exposure rating, {measure} (share of tasks, 0 to 1)"),
        y=alt.Y("count():Q", title="Number of occupations"),
        tooltip=[alt.Tooltip("rating:Q", bin=alt.Bin(step=0.05), title="Rating bin"),
                 alt.Tooltip("count():Q", title="Occupations in the bin")],
    )
    data = _plain(marks[["title", "onet_soc_code", "role", "rating", "rank_derived", "percentile_rank_derived",
                         "how_it_relates"]])
    color = alt.Color("role:N", title=None, scale=alt.Scale(domain=list(_HIGHLIGHT_COLORS)[:2],
                                                            range=list(_HIGHLIGHT_COLORS.values())[:2]),
                      legend=alt.Legend(orient="bottom"))
    tooltip = [alt.Tooltip("title:N", title="Occupation"), alt.Tooltip("onet_soc_code:N", title="O*NET-SOC code"),
               alt.Tooltip("rating:Q", title=f"{RATER_NAMES[rater]} rating, {measure}"),
               alt.Tooltip("rank_derived:Q", title="Rank, 1 = most exposed (derived)"),
               alt.Tooltip("percentile_rank_derived:Q", title="Percentile rank (derived)"),
               alt.Tooltip("how_it_relates:N", title="How it relates to the article (the kit's editorial map)")]
    rules = alt.Chart(data).mark_rule(strokeWidth=2).encode(x=alt.X("rating:Q"), color=color, tooltip=tooltip)
    label = alt.Chart(data[data.role == "the article's occupation"]).mark_text(
        align="left", dx=4, dy=-4, baseline="bottom", color=theme.INK, fontWeight="bold",
    ).encode(x=alt.X("rating:Q"), y=alt.YValue(0), text=alt.Text("title:N"), tooltip=tooltip)
    title = (f"Ratings by {RATER_NAMES[rater]} on {measure}, {int(own.n_occupations)} occupations: "
             f"Medical Records Specialists rank {int(own.rank_derived)} (derived)")
    return alt.layer(
        bars, rules, label,
        title=alt.Title(title, subtitle=[_source_subtitle(), "Grey bars: all occupations. Lines: the occupations named "
                                         "in the table; hover for their rank."]),
        width=520, height=260,
    )


def rater_scatter(measure: str, compare_with: list[Occupation]) -> alt.LayerChart:
    """Human vs GPT-4 rating for all 923 occupations; the highlighted ones coloured and labelled; zoom and pan.

    >>> spec = rater_scatter("E1", []).to_dict()
    >>> spec["title"]["text"].startswith("Human vs GPT-4 ratings on E1, 923 occupations: Pearson r = ")
    True
    """
    measure = lookup_measure(measure)
    frame = raters_compared(measure)
    codes = [o.code for o in highlighted(compare_with)]
    frame["role"] = ["the article's occupation" if c == MEDICAL_RECORDS_CODE else "compared" if c in codes else "other"
                     for c in frame.onet_soc_code]
    agreement = rater_agreement(frame, "gpt4_rating", "human_rating")
    data = _plain(frame)
    tooltip = [alt.Tooltip("title:N", title="Occupation"), alt.Tooltip("onet_soc_code:N", title="O*NET-SOC code"),
               alt.Tooltip("gpt4_rating:Q", title=f"GPT-4, {measure}"),
               alt.Tooltip("human_rating:Q", title=f"Human annotators, {measure}"),
               alt.Tooltip("gpt4_minus_human_derived:Q", title="GPT-4 minus human (derived)")]
    x = alt.X("human_rating:Q", title=f"Human annotators' rating, {measure} (0 to 1)", scale=alt.Scale(domain=[0, 1]))
    y = alt.Y("gpt4_rating:Q", title=f"GPT-4's rating, {measure} (0 to 1)", scale=alt.Scale(domain=[0, 1]))
    color = alt.Color("role:N", title=None, scale=alt.Scale(domain=list(_HIGHLIGHT_COLORS), range=list(_HIGHLIGHT_COLORS.values())),
                      legend=alt.Legend(orient="bottom", symbolOpacity=1))
    diagonal = alt.Chart(pd.DataFrame({"human_rating": [0.0, 1.0], "gpt4_rating": [0.0, 1.0]})).mark_line(
        color=theme.INK, opacity=0.5, strokeDash=[4, 4]).encode(x=x, y=y)
    others = alt.Chart(data[data.role == "other"]).mark_circle(size=18, opacity=0.45).encode(x=x, y=y, color=color, tooltip=tooltip)
    marked = data[data.role != "other"]
    points = alt.Chart(marked).mark_circle(size=90, opacity=1).encode(x=x, y=y, color=color, tooltip=tooltip)
    # The marked points are named beside them (a cue besides colour), in black for full contrast.
    labels = alt.Chart(marked).mark_text(align="left", dx=6, dy=-6, fontSize=10, color=theme.INK).encode(
        x=x, y=y, text=alt.Text("title:N"), tooltip=tooltip)
    title = (f"Human vs GPT-4 ratings on {measure}, {int(agreement.n_occupations)} occupations: "
             f"Pearson r = {agreement.pearson_r_derived!r} (derived)")
    return alt.layer(
        diagonal, others, points, labels,
        title=alt.Title(title, subtitle=[_source_subtitle(), "Dashed line: both raters agree. Above it GPT-4 rates "
                                         "higher. Scroll to zoom, drag to pan."]),
        width=460, height=460,
    ).interactive()


def raters_side_by_side_chart(measure: str, compare_with: list[Occupation]) -> alt.LayerChart:
    """For each highlighted occupation, the GPT-4 and the human rating as two dots joined by a line.

    >>> spec = raters_side_by_side_chart("E1+E2", []).to_dict()
    >>> spec["title"]["text"]
    'Two raters, one occupation at a time: ratings on E1+E2'
    """
    measure = lookup_measure(measure)
    marks = standing("gpt4", measure, compare_with)
    long = marks.melt(id_vars=["title", "onet_soc_code", "gpt4_minus_human_derived"], value_vars=["gpt4_rating", "human_rating"],
                      var_name="rater", value_name="rater_rating")
    long["rater"] = long.rater.map({"gpt4_rating": "GPT-4", "human_rating": "human annotators"})
    data = _plain(long)
    y = alt.Y("title:N", sort=list(marks.title), title=None, axis=alt.Axis(labelLimit=360))
    tooltip = [alt.Tooltip("title:N", title="Occupation"), alt.Tooltip("rater:N", title="Rater"),
               alt.Tooltip("rater_rating:Q", title=f"Rating, {measure}"),
               alt.Tooltip("gpt4_minus_human_derived:Q", title="GPT-4 minus human (derived)")]
    line = alt.Chart().mark_line(color=theme.MUTED).encode(  # the data goes in once, on the layer
        x=alt.X("rater_rating:Q"), y=y, detail=alt.Detail("title:N"))
    # The two raters differ in shape as well as colour (one legend shows both).
    raters = ["GPT-4", "human annotators"]
    dots = alt.Chart().mark_point(size=120, opacity=1, filled=True).encode(
        x=alt.X("rater_rating:Q", title=f"Exposure rating, {measure} (0 to 1)", scale=alt.Scale(domain=[0, 1])),
        y=y, color=alt.Color("rater:N", title="Rater", scale=alt.Scale(domain=raters, range=[theme.ORANGE, theme.BLUE]),
                             legend=alt.Legend(orient="bottom")),
        shape=alt.Shape("rater:N", title="Rater", scale=alt.Scale(domain=raters, range=["circle", "square"])),
        tooltip=tooltip,
    )
    return alt.layer(
        line, dots, data=data,
        title=alt.Title(f"Two raters, one occupation at a time: ratings on {measure}", subtitle=[_source_subtitle()]),
        width=460,
    )


def scenario_chart(frame: pd.DataFrame) -> alt.Chart:
    """Each role's human-work index from the base year to the horizon year; titled as a scenario, not a forecast.

    A control sets the share of routine work automated (starting at the report's assumption); the page
    recomputes every line with :data:`HUMAN_WORK_INDEX_FORMULA`, the formula of :func:`human_work_index`.

    >>> spec = scenario_chart(scenario(DEFAULT_ROUTINE_SHARES, 0.5, 2030)).to_dict()
    >>> spec["title"]["text"]
    'SCENARIO (not a forecast): human work by role if a share of routine work (set below) were automated by 2030'
    >>> [p["value"] for p in spec["params"] if isinstance(p.get("bind"), dict)]
    [0.5]
    """
    data = _plain(frame[["role", "group", "year", "routine_share_assumed", "share_automated_assumed", "phase_derived",
                         "human_work_index_derived"]])
    selection = alt.selection_point(fields=["group"], bind="legend")
    share = slider("share_automated", float(frame.attrs["share_automated"]),
                   f"Share of routine work automated by {frame.attrs['horizon_year']} (assumption, 0 to 1)", 0, 1, 0.05)
    tooltip = [alt.Tooltip("role:N", title="Role (from the article)"), alt.Tooltip("group:N", title="Group (the kit's)"),
               alt.Tooltip("year:O", title="Year"),
               alt.Tooltip("human_work_index_derived:Q", title=f"Human work, {frame.attrs['base_year']} = 100 (derived)"),
               alt.Tooltip("routine_share_assumed:Q", title="Routine share (assumption)"),
               alt.Tooltip("share_automated_assumed:Q", title="Share of routine work automated by the horizon (assumption)")]
    names = {"share_automated": "share_automated", "routine_share": "datum.routine_share_assumed",
             "phase": "datum.phase_derived"}
    return alt.Chart(data).mark_line(point=True).transform_calculate(
        share_automated_assumed="share_automated",
        human_work_index_derived=HUMAN_WORK_INDEX_FORMULA.vega(names),
    ).encode(
        x=alt.X("year:O", title="Year", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("human_work_index_derived:Q", title=f"Human work-hours, {frame.attrs['base_year']} = 100 (scenario, derived)",
                scale=alt.Scale(domain=[0, 100])),
        color=alt.Color("group:N", title="Click a group", legend=alt.Legend(orient="right")),
        detail="role:N",
        opacity=alt.condition(selection, alt.value(1), alt.value(0.15)),
        tooltip=tooltip,
    ).add_params(selection, share).properties(
        title=alt.Title(f"SCENARIO (not a forecast): human work by role if a share of routine work (set below) were "
                        f"automated by {frame.attrs['horizon_year']}",
                        subtitle=["Built on the assumptions in the table above (notebook parameters), not on data.",
                                  "Roles: the article's career path and alternative careers (claims)."]),
        width=480, height=300,
    )
