"""The topic's charts: the projection (with a what-if growth control), employment by state, related occupations.
"""

from __future__ import annotations

import json

import altair as alt
import pandas as pd

from analysis.data.evidence import NATIONAL_FACTS_FILE
from analysis.data.states import State, lookup_state
from analysis.present import theme
from analysis.present.controls import derived_param, slider
from analysis.present.formats import percent

from analysis.topics.job_outlook.projections import (
    PROJECTED_EMPLOYMENT_FORMULA, Projection, projection, projection_paths,
)
from analysis.topics.job_outlook.projections_2020_30 import (
    ALL_OCCUPATIONS_2020_30, MEDICAL_RECORDS_2020_30, PROJECTIONS_2020_30_FILE, related_occupations,
)
from analysis.topics.job_outlook.employment import employment_by_state


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
    base = alt.Chart().encode(  # the data goes in once, on the layer
        x=alt.X("year:O", title="Year"),
        y=alt.Y("employment_derived:Q", title="Employment (jobs, derived)", scale=alt.Scale(zero=False),
                axis=alt.Axis(format=",d")),
        color=alt.Color("scenario:N", title="Projection", legend=alt.Legend(orient="bottom", columns=1, labelLimit=400)),
        tooltip=tooltip,
    )
    lines = base.mark_line().encode(
        strokeWidth=alt.StrokeWidthValue(1.5, condition=[{"test": alt.datum.chosen, "value": 4}]),
        strokeDash=alt.StrokeDash("kind:N", title="Kind", legend=alt.Legend(orient="bottom")),
    )
    points = base.mark_point(filled=True, size=30)
    horizon = base.transform_filter(alt.datum.chosen & (alt.datum.year == chosen.horizon_year)).mark_point(
        shape="diamond", size=220, filled=True).encode(color=alt.ColorValue(theme.INK))
    what_if, growth = _growth_control_layer(chosen)
    return alt.layer(
        lines, points, horizon, what_if, data=paths, params=[g.param for g in growth],
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
    ).encode(x=alt.X("year:O"), y=alt.Y("employment_derived:Q"))
    return line, params


def employment_chart(frame: pd.DataFrame | None = None) -> alt.Chart:
    """Bars of May 2024 employment by state, largest first, with rank and share in the tooltip.

    >>> employment_chart().to_dict()["title"]["text"]
    'Where the jobs are: employment of medical records specialists by state, May 2024'
    """
    frame = employment_by_state() if frame is None else frame
    return employment_bars(frame).properties(
        title=alt.Title(f"Where the jobs are: employment of medical records specialists by state, May {frame.attrs.get('year', 2024)}",
                        subtitle=[f"Source: BLS OEWS May {frame.attrs.get('year', 2024)} (data/{frame.attrs.get('file', 'evidence')}). "
                                  f"The 51 bars add up to {int(frame.employment.sum()):,} (derived), not to the national estimate."]),
        width=420, height=alt.Step(13),
    )


def employment_bars(frame: pd.DataFrame, state: State | None = None, label_size: int | None = None) -> alt.Chart:
    """Bars of employment by state (:func:`employment_by_state`), largest first, rank and share in the tooltip;
    no title or size (the caller's). With ``state``, its bar is highlighted by its colour, an outline and a bold
    label (the state report's chart); ``label_size`` sets the size of the state names.

    >>> spec = employment_bars(employment_by_state(), lookup_state("TX"), label_size=8).to_dict()
    >>> spec["encoding"]["color"]["scale"]["domain"], spec["encoding"]["y"]["axis"]["labelFontSize"]
    (["this report's state", 'other states'], 8)
    """
    data = pd.DataFrame({
        "state": frame.state, "employment": frame.employment.astype(int),
        "rank_text": [f"{int(r)} of {len(frame)}" for r in frame.rank_derived],
        "share_text": [f"{v:.1f}%" for v in frame.share_of_51_state_sum_pct_derived],
    })
    axis, highlight = {}, {}
    if label_size is not None:
        axis["labelFontSize"] = label_size
    if state is not None:
        data["role"] = ["this report's state" if a == state.abbr else "other states" for a in frame.state_abbr]
        axis["labelFontWeight"] = {"condition": {"test": f"datum.value == {json.dumps(state.name)}", "value": "bold"},
                                   "value": "normal"}
        highlight = dict(
            color=alt.Color("role:N", title=None, scale=alt.Scale(domain=["this report's state", "other states"],
                                                                  range=[theme.HIGHLIGHT, theme.MUTED]),
                            legend=alt.Legend(orient="bottom")),
            stroke=alt.StrokeValue(None, condition={"test": "datum.role == \"this report's state\"", "value": theme.INK}))
    return alt.Chart(data).mark_bar().encode(
        x=alt.X("employment:Q", title=f"Employment (jobs), May {frame.attrs.get('year', 2024)}", axis=alt.Axis(format=",d")),
        y=alt.Y("state:N", sort="-x", title=None, **({"axis": alt.Axis(**axis)} if axis else {})),
        tooltip=[alt.Tooltip("state:N", title="State"), alt.Tooltip("employment:Q", title="Employment", format=",d"),
                 alt.Tooltip("rank_text:N", title="Rank (derived)"),
                 alt.Tooltip("share_text:N", title="Share of the 51-state sum (derived)")],
        **highlight,
    )


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
        stroke=alt.StrokeValue(None, condition={"test": "datum.group == 'contains medical records specialists'",
                                                "value": theme.INK}),
        tooltip=[alt.Tooltip("occupation:N", title="Occupation (BLS title)"),
                 alt.Tooltip("pct_emp_change_2020_2030:Q", title="Change 2020-30 (%)"),
                 alt.Tooltip("why_related:N", title="Why it is here")],
    )
    rule = alt.Chart(pd.DataFrame({"pct": [everyone], "label": ["all occupations"]})).mark_rule(
        strokeDash=[4, 3], color=theme.INK).encode(x=alt.X("pct:Q"), tooltip=[alt.Tooltip("pct:Q", title="All occupations (%)")])
    return alt.layer(
        bars, rule,
        title=alt.Title("How related occupations were projected to grow, BLS Employment Projections 2020-30",
                        subtitle=[f"Source: data/{PROJECTIONS_2020_30_FILE} (processed copy of BLS EP 2020-30). "
                                  "An older round than 2024-34: compare within the chart, not with the rounds above.",
                                  "Dashed line: all occupations."]),
        width=420,
    )
