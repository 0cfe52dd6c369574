"""The topic's charts: the comparison bars, the tile map of every state, and the state explorer (a state
selector and year and measure buttons that work in the offline HTML report).

The tile maps draw the wage on the theme's sequential scheme; a tile with no figure is grey and says "n/a",
and its label is ink or the page's white, whichever keeps WCAG AA contrast with the tile.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from analysis.data.evidence import STATE_WAGE_FILES
from analysis.data.states import State, lookup_state
from analysis.present import theme
from analysis.present.formats import NOT_AVAILABLE, missing, money, rank_text, signed_money

from analysis.topics.salary_by_state.wages import (
    _int_or_none, _wage_source, national_wage, ranked_wages, wage_comparison,
)


def comparison_chart(comparison: pd.DataFrame) -> alt.Chart:
    """Bars of the chosen state, its peers and the nation (from :func:`wage_comparison`), with tooltips.

    >>> chart = comparison_chart(wage_comparison(lookup_state("TX"), [lookup_state("CA")], 2024, "median"))
    >>> chart.to_dict()["title"]["text"]
    'Median annual wage, May 2024: Texas beside California and the nation'
    """
    year, measure = comparison.attrs["year"], comparison.attrs["measure"]
    data = comparison.assign(
        wage_text=comparison.wage_usd.map(money),
        rank_text=[rank_text(r, n) for r, n in zip(comparison.rank_derived, comparison.areas_ranked)],
        difference_text=comparison.difference_from_national_usd_derived.map(signed_money),
        bar_usd=comparison.wage_usd.astype("Float64").fillna(0).astype(float),
        source=comparison.source.map(_plain),
    )[["area", "role", "bar_usd", "wage_text", "rank_text", "difference_text", "source"]]
    chosen = comparison.area.iloc[0]
    others = [a for a in comparison.area.iloc[1:-1]]
    title = f"{measure.capitalize()} annual wage, May {year}: {chosen} beside " + (
        f"{', '.join(others)} and the nation" if others else "the nation")
    tooltip = [alt.Tooltip("area:N", title="Area"), alt.Tooltip("wage_text:N", title=f"{measure.capitalize()} wage"),
               alt.Tooltip("rank_text:N", title="Rank (derived)"),
               alt.Tooltip("difference_text:N", title="Difference from national (derived)"),
               alt.Tooltip("source:N", title="Source")]
    base = alt.Chart().encode(  # the data goes in once, on the layer
        y=alt.Y("area:N", sort=list(comparison.area), title=None),
        tooltip=tooltip,
    )
    roles = list(dict.fromkeys(comparison.role))
    bars = base.mark_bar().encode(
        x=alt.X("bar_usd:Q", title=f"{measure.capitalize()} annual wage (USD)", axis=alt.Axis(format="$,d")),
        color=alt.Color("role:N", title=None, scale=alt.Scale(domain=roles, range=[_role_colour(r) for r in roles]),
                        legend=alt.Legend(orient="bottom")),
        stroke=CHOSEN_STATE_OUTLINE,
    )
    labels = base.mark_text(align="left", dx=4).encode(x=alt.X("bar_usd:Q"), text=alt.Text("wage_text:N"))
    return alt.layer(
        bars, labels, data=data,
        title=alt.Title(title, subtitle=["Source: BLS OEWS (state files and national facts in data/evidence/).",
                                         "A missing bar says 'not available': no figure is filled in."]),
        width=420,
    )


def _role_colour(role: str) -> str:
    """The chosen state in the highlight colour, the compared ones in the second, the nation muted."""
    return {"chosen state": theme.HIGHLIGHT, "compared state": theme.COMPARED}.get(role, theme.MUTED)


def tile_frame(frame: pd.DataFrame, **extra) -> pd.DataFrame:
    """What every static tile map draws, one row per area of :func:`ranked_wages`: its tile, wage (missing
    stays missing), texts and label colour; ``extra`` columns go before the label colour.

    >>> list(tile_frame(ranked_wages(2024, "median"), role="other").columns)[-2:]
    ['role', 'label_color']
    """
    wages = frame.wage_usd.astype("Float64")
    return pd.DataFrame({
        "state": frame.state, "state_abbr": frame.state_abbr,
        "tile_row": frame.tile_row.astype(int), "tile_col": frame.tile_col.astype(int),
        "wage_usd": [None if pd.isna(v) else float(v) for v in wages],
        "wage_text": frame.wage_usd.map(money),
        "rank_text": [rank_text(r, n) for r, n in zip(frame.rank_derived, frame.areas_ranked)],
        **extra,
        "label_color": tile_label_colours(wages),
    })


def tile_label_colours(wages: pd.Series) -> list[str]:
    """Each tile's label colour: ink, or the page's white on the darkest tiles (WCAG AA either way)."""
    low, high = (None if pd.isna(v) else float(v) for v in (wages.min(), wages.max()))
    return [theme.text_colour(None if pd.isna(v) else float(v), low, high) for v in wages]


#: A tile's label: its state, and "n/a" below it where there is no figure (so grey is not the only cue).
TILE_LABEL = "isValid(datum.wage_usd) ? datum.state_abbr : datum.state_abbr + '\\nn/a'"
#: A tile label's colour, from its row's ``label_color`` (a value, not a scale: the tiles' colour scale is the wage's).
#: Channels are written typed (``alt.ColorValue``, ``alt.Text``...), not as strings or ``alt.when``/``alt.condition``
#: dicts: altair finds a dict's channel class by hashing its whole schema (~2 ms each time).
TILE_LABEL_COLOUR = alt.ColorValue(theme.INK, condition=[{"test": alt.datum.label_color == theme.PAPER, "value": theme.PAPER}])
#: The chosen state's bar outlined in ink (colour is not its only cue).
CHOSEN_STATE_OUTLINE = alt.StrokeValue(None, condition={"test": "datum.role == 'chosen state'", "value": theme.INK})


def wage_tile_map(state: State, year: int, measure: str, compare_with: list[State] = ()) -> alt.Chart:
    """Every state as a tile, coloured by wage; the chosen state in a thick black frame, compared states dashed.

    DC keeps its own tile. Tiles without a figure are light grey, marked "n/a", and say "not available".

    >>> spec = wage_tile_map(lookup_state("DC"), 2024, "median").to_dict()
    >>> spec["title"]["text"]
    'Median annual wage by state, May 2024: District of Columbia ranks 1 of 51'
    """
    frame = ranked_wages(year, measure)
    own = frame.set_index("state_abbr").loc[state.abbr]
    rank = "has no figure" if pd.isna(own.rank_derived) else f"ranks {int(own.rank_derived)} of {int(own.areas_ranked)}"
    peers = {s.abbr for s in compare_with} - {state.abbr}
    data = tile_frame(frame, role=["chosen state" if a == state.abbr else "compared state" if a in peers else "other"
                                   for a in frame.state_abbr])
    tooltip = [alt.Tooltip("state:N", title="State"), alt.Tooltip("wage_text:N", title=f"{measure.capitalize()} wage"),
               alt.Tooltip("rank_text:N", title="Rank (derived)")]
    base = alt.Chart().encode(  # the data goes in once, on the layer
        x=alt.X("tile_col:O", axis=None), y=alt.Y("tile_row:O", axis=None), tooltip=tooltip)
    empty = base.mark_rect(color=theme.MISSING, stroke=theme.PAPER, strokeWidth=2)
    colored = base.transform_filter("isValid(datum.wage_usd)").mark_rect(stroke=theme.PAPER, strokeWidth=2).encode(
        color=alt.Color("wage_usd:Q", title=f"{measure.capitalize()} wage (USD)", scale=alt.Scale(scheme=theme.SEQUENTIAL),
                        legend=alt.Legend(format="$,d")))
    frames = [base.transform_filter("datum.role == 'chosen state'").mark_rect(fillOpacity=0, stroke=theme.INK, strokeWidth=4)]
    if peers:  # an empty layer would be an unnamed image to a screen reader
        frames.append(base.transform_filter("datum.role == 'compared state'").mark_rect(
            fillOpacity=0, stroke=theme.INK, strokeWidth=2, strokeDash=[4, 2]))
    labels = base.transform_calculate(label=TILE_LABEL).mark_text(fontSize=11, lineBreak="\n").encode(
        text=alt.Text("label:N"), color=TILE_LABEL_COLOUR)
    return alt.layer(
        empty, colored, *frames, labels, data=data,
        title=alt.Title(f"{measure.capitalize()} annual wage by state, May {year}: {state.name} {rank}",
                        subtitle=[f"Source: {_plain(_wage_source(year, measure))}.",
                                  "Each square is one state (DC included); grey, marked n/a = not available; thick black "
                                  "frame = chosen state, dashed frame = compared states. Rank 1 = highest (derived)."]),
        width=440, height=320,
    )


MEASURES = ("median", "mean")
_EXPLORER_ROLES = ("chosen state", "compared state", "national")


def state_choices() -> pd.DataFrame:
    """Every area's wage, rank and difference from the national figure, for every year data/ holds and both measures.

    One row per (year, measure, area) plus a national row (``state_abbr == "US"``) per year and measure: the
    figures the report page shows when a reader picks a state, a year and a measure, computed here (so they
    equal :func:`wage_comparison`) and carried in the chart's data. Missing figures stay missing ("not available").

    >>> c = state_choices().set_index(["year", "measure", "state_abbr"])
    >>> row = c.loc[(2024, "median", "TX")]
    >>> int(row.wage_usd), int(row.rank_derived), int(row.difference_from_national_usd_derived), row.rank_text
    (47230, 43, -3020, '43 of 51')
    >>> c.loc[(2023, "median", "WY")].wage_text, c.loc[(2024, "mean", "CA")].difference_text
    ('not available', 'not available')
    """
    rows = []
    for year in sorted(STATE_WAGE_FILES):
        for measure in MEASURES:
            ranked = ranked_wages(year, measure)
            national = national_wage(year, measure)
            national_usd = None if national is None else int(national.value)
            label_colours = tile_label_colours(ranked.wage_usd.astype("Float64"))
            for r, label_colour in zip(ranked.itertuples(), label_colours):
                wage = _int_or_none(r.wage_usd)
                diff = None if wage is None or national_usd is None else wage - national_usd
                rows.append(dict(year=year, measure=measure, state=r.state, state_abbr=r.state_abbr,
                                 tile_row=int(r.tile_row), tile_col=int(r.tile_col), wage_usd=wage, wage_text=money(wage),
                                 rank_derived=_int_or_none(r.rank_derived), areas_ranked=int(r.areas_ranked),
                                 rank_text=rank_text(r.rank_derived, r.areas_ranked),
                                 difference_from_national_usd_derived=diff, difference_text=signed_money(diff),
                                 national_text=money(national_usd),
                                 label_color=label_colour))
            rows.append(dict(year=year, measure=measure, state="United States", state_abbr="US", tile_row=None,
                             tile_col=None, wage_usd=national_usd, wage_text=money(national_usd), rank_derived=None,
                             areas_ranked=None, rank_text=NOT_AVAILABLE, difference_from_national_usd_derived=None,
                             difference_text=NOT_AVAILABLE, national_text=money(national_usd), label_color=theme.INK))
    frame = pd.DataFrame(rows)
    for column in ("tile_row", "tile_col", "wage_usd", "rank_derived", "areas_ranked", "difference_from_national_usd_derived"):
        frame[column] = frame[column].astype("Int64")
    return frame


def state_explorer(state: State, year: int, measure: str, compare_with: list[State] = ()) -> alt.VConcatChart:
    """The tile map, the comparison bars and the chosen state's figures, with a state selector and year and
    measure buttons that work in the offline HTML report (Vega-Lite params; they start at the report's settings).

    >>> spec = state_explorer(lookup_state("TX"), 2024, "median").to_dict()
    >>> [(p["name"], p["value"]) for p in spec["params"]]
    [('chosen_state', 'TX'), ('chosen_year', 2024), ('chosen_measure', 'median')]
    >>> len(spec["params"][0]["bind"]["options"])
    51
    """
    from analysis.present import controls

    data = state_choices()
    areas = data[(data.year == data.year.max()) & (data.measure == MEASURES[0]) & (data.state_abbr != "US")]
    areas = areas.sort_values("state")
    peers = [s.abbr for s in compare_with if s != state]
    params = [controls.select("chosen_state", state.abbr, "State", list(areas.state_abbr), list(areas.state)),
              controls.radio("chosen_year", year, "BLS OEWS survey (May of)", sorted(STATE_WAGE_FILES)),
              controls.radio("chosen_measure", measure, "Annual wage measure", list(MEASURES))]
    # JSON-friendly: missing figures as null (Vega's isValid), never as a filled-in number
    records = [{k: None if missing(v) else v.item() if hasattr(v, "item") else v for k, v in row.items()}
               for row in data.to_dict(orient="records")]
    # The views carry no data and the compositions get their properties when made: altair deep-copies every view
    # on each .properties()/.add_params() and into each layer. The records go in once, on the finished chart,
    # as a plain dict: altair moves them to the spec's top-level "datasets" (as it does a DataFrame's rows).
    shown = alt.Chart().transform_filter("datum.year == chosen_year && datum.measure == chosen_measure")
    peer_list = "[" + ", ".join(f"'{a}'" for a in peers) + "]"

    tiles = shown.transform_filter("datum.state_abbr != 'US'").encode(
        x=alt.X("tile_col:O", axis=None), y=alt.Y("tile_row:O", axis=None),
        tooltip=[alt.Tooltip("state:N", title="State"), alt.Tooltip("wage_text:N", title="Wage"),
                 alt.Tooltip("rank_text:N", title="Rank (derived)")])
    tile_map = alt.layer(
        tiles.mark_rect(color=theme.MISSING, stroke=theme.PAPER, strokeWidth=2),
        tiles.transform_filter("isValid(datum.wage_usd)").mark_rect(stroke=theme.PAPER, strokeWidth=2).encode(
            color=alt.Color("wage_usd:Q", title="Annual wage (USD)", scale=alt.Scale(scheme=theme.SEQUENTIAL),
                            legend=alt.Legend(format="$,d"))),
        # the frames repeat what the figures above say: hidden from screen readers (an empty layer has no text)
        *([tiles.transform_filter(f"indexof({peer_list}, datum.state_abbr) >= 0 && datum.state_abbr != chosen_state")
           .mark_rect(fillOpacity=0, stroke=theme.INK, strokeWidth=2, strokeDash=[4, 2], aria=False)] if peers else []),
        tiles.transform_filter("datum.state_abbr == chosen_state").mark_rect(fillOpacity=0, stroke=theme.INK, strokeWidth=4,
                                                                             aria=False),
        tiles.transform_calculate(label=TILE_LABEL).mark_text(fontSize=11, lineBreak="\n").encode(
            text=alt.Text("label:N"), color=TILE_LABEL_COLOUR),
        width=440, height=320, title=alt.Title(
            "Annual wage by state: the chosen state in a thick black frame" + (", compared states dashed" if peers else ""),
            subtitle=["Source: BLS OEWS state files (data/evidence/). Grey, marked n/a = not available. "
                      "Rank 1 = highest (derived)."]))

    bars = shown.transform_filter(
        f"datum.state_abbr == chosen_state || datum.state_abbr == 'US' || indexof({peer_list}, datum.state_abbr) >= 0"
    ).transform_calculate(
        role="datum.state_abbr == chosen_state ? 'chosen state' : datum.state_abbr == 'US' ? 'national' : 'compared state'",
        order=f"datum.state_abbr == chosen_state ? 0 : datum.state_abbr == 'US' ? 99 : 1 + indexof({peer_list}, datum.state_abbr)",
        bar_usd="isValid(datum.wage_usd) ? datum.wage_usd : 0",
    ).encode(y=alt.Y("state:N", sort=alt.EncodingSortField("order"), title=None),
             tooltip=[alt.Tooltip("state:N", title="Area"), alt.Tooltip("wage_text:N", title="Wage"),
                      alt.Tooltip("rank_text:N", title="Rank (derived)"),
                      alt.Tooltip("difference_text:N", title="Difference from national (derived)")])
    comparison = alt.layer(
        bars.mark_bar().encode(
            x=alt.X("bar_usd:Q", title="Annual wage (USD)", axis=alt.Axis(format="$,d")),
            color=alt.Color("role:N", title=None, legend=alt.Legend(orient="bottom"), scale=alt.Scale(
                domain=list(_EXPLORER_ROLES), range=[_role_colour(r) for r in _EXPLORER_ROLES])),
            stroke=CHOSEN_STATE_OUTLINE),
        bars.mark_text(align="left", dx=4).encode(x=alt.X("bar_usd:Q"), text=alt.Text("wage_text:N")),
        width=300, title=alt.Title("The chosen state beside the nation",
                                   subtitle=["A missing bar says 'not available': no figure is filled in."]))

    figures = shown.transform_filter("datum.state_abbr == chosen_state").transform_calculate(
        wage_line="datum.state + ', May ' + datum.year + ' ' + datum.measure + ' annual wage: ' + datum.wage_text",
        rank_line="'Rank among the areas with a figure (1 = highest; derived): ' + datum.rank_text",
        difference_line="'Difference from the national ' + datum.measure + ' (' + datum.national_text + '): ' "
                        "+ datum.difference_text + ' (derived)'",
    )
    panel = alt.layer(*[figures.mark_text(align="left", baseline="top", fontSize=13, fontWeight=weight).encode(
        x=alt.XValue(0), y=alt.YValue(offset), text=alt.Text(f"{line}:N"))
        for line, offset, weight in [("wage_line", 0, "bold"), ("rank_line", 22, "normal"), ("difference_line", 44, "normal")]],
        width=440, height=64, title="The chosen state's figures (BLS OEWS; rank and difference derived)")

    return alt.vconcat(
        panel, tile_map, comparison, params=[p.param for p in params], data={"values": records},
        title=alt.Title("Choose a state, a survey year and a wage measure",
                        subtitle=["The page starts at this report's settings; the reset button returns to them."]))


def _plain(text: str) -> str:
    return text.replace("`", "")
