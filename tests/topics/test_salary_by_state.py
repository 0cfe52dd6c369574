import re

import pandas as pd
import pytest

from analysis.topics import salary_by_state as salary
from analysis.topics import state_report
from analysis.core.errors import InputError
from analysis.data.evidence import load_state_wages
from analysis.data.states import lookup_state


def states(*codes):
    return [lookup_state(c) for c in codes]


TX, CA, NY, MS, NV, DC, AL = states("TX", "CA", "NY", "MS", "NV", "DC", "AL")


def test_texas_2024_median_beside_the_national_median():
    row = salary.wage_comparison(TX, [], 2024, "median").set_index("role")
    assert int(row.loc["chosen state", "wage_usd"]) == 47230
    assert int(row.loc["national", "wage_usd"]) == 50250
    assert int(row.loc["chosen state", "difference_from_national_usd_derived"]) == 47230 - 50250


def test_national_figure_matches_year_and_measure_or_is_missing():
    assert int(salary.national_wage(2023, "median").value) == 48780
    comparison = salary.wage_comparison(TX, [CA], 2024, "mean")
    national = comparison.set_index("state_abbr").loc["US"]
    assert pd.isna(national.wage_usd) and "not available" in national.role
    assert comparison.difference_from_national_usd_derived.isna().all()
    assert int(comparison.set_index("state_abbr").loc["TX", "wage_usd"]) == 51020


def test_peers_are_deduplicated_and_exclude_the_chosen_state():
    comparison = salary.wage_comparison(CA, [TX, CA, TX, NY], 2024, "median")
    assert comparison.state_abbr.tolist() == ["CA", "TX", "NY", "US"]


def test_ranks_cover_51_areas_in_2024_and_35_for_2023_medians():
    r24 = salary.ranked_wages(2024, "median")
    assert len(r24) == 51 and r24.rank_derived.min() == 1 and r24.rank_derived.max() <= 51
    top = r24.loc[r24.rank_derived == 1, "wage_usd"].iloc[0]
    assert top == r24.wage_usd.max()
    r23 = salary.ranked_wages(2023, "median").set_index("state_abbr")
    assert int(r23.areas_ranked.iloc[0]) == 35
    assert pd.isna(r23.loc["TX", "wage_usd"]) and pd.isna(r23.loc["TX", "rank_derived"])
    assert not pd.isna(r23.loc["NY", "rank_derived"])


def test_every_area_has_a_tile_and_no_two_share_one():
    tiles = salary.ranked_wages(2024, "mean")[["tile_row", "tile_col"]]
    assert tiles.notna().all().all() and not tiles.duplicated().any()


def test_tile_map_highlights_the_chosen_state_and_keeps_gaps_visible():
    spec = salary.wage_tile_map(TX, 2023, "median", [NY]).to_dict()
    rows = next(iter(spec["datasets"].values()))
    roles = {r["state_abbr"]: r["role"] for r in rows}
    assert len(rows) == 51 and roles["TX"] == "chosen state" and roles["NY"] == "compared state" and roles["DC"] == "other"
    texas = next(r for r in rows if r["state_abbr"] == "TX")
    assert texas["wage_text"] == "not available" and texas["wage_usd"] is None
    assert "Texas has no figure" in spec["title"]["text"]


def _tiles_as_drawn(chart) -> dict[tuple[str, str], dict]:
    """Each tile of a tile map as Vega draws it (vl-convert's SVG): its last opaque fill, its label and the label's colour."""
    import vl_convert

    from analysis.present import theme

    theme.enable()
    svg = vl_convert.vegalite_to_svg(chart.to_dict())
    tiles: dict[tuple[str, str], dict] = {}
    marks = [("path", a, "") for a in re.findall(r"<path ([^>]*)/>", svg)]
    marks += [("text", a, re.sub(r"<[^>]+>", " ", t)) for a, t in re.findall(r"<text ([^>]*)>(.*?)</text>", svg)]
    for tag, attrs, text in marks:
        place = re.search(r"tile_col: (\d+); tile_row: (\d+)", attrs)
        fill = re.search(r' fill="([^"]+)"', attrs)
        if not place or not fill or 'fill-opacity="0"' in attrs:
            continue
        tile = tiles.setdefault(place.groups(), {})
        if tag == "path":
            tile["fill"] = fill.group(1)  # the wage's colour is drawn over the grey
        else:
            tile["label"], tile["label_colour"] = text.split(), fill.group(1)
    return tiles


def _hex(colour: str) -> str:
    rgb = re.fullmatch(r"rgb\((\d+), (\d+), (\d+)\)", colour)
    return "#" + "".join(f"{int(c):02x}" for c in rgb.groups()) if rgb else colour


@pytest.mark.parametrize("make, gaps", [
    (lambda: salary.wage_tile_map(TX, 2023, "median", [NY]), 16),
    (lambda: salary.wage_tile_map(CA, 2024, "mean"), 0),
    (lambda: salary.state_explorer(TX, 2023, "median", [NY]), 16),
    (lambda: state_report.overview_map({"TX": "states/TX.html"}, 2023), 16),
    (lambda: state_report.overview_map({"TX": "states/TX.html"}), 0),
], ids=["tile map 2023 median", "tile map 2024 mean", "state explorer", "index map 2023 median", "index map"])
def test_tile_labels_keep_wcag_aa_contrast_and_missing_tiles_say_so(make, gaps):
    from analysis.present import theme

    tiles = _tiles_as_drawn(make())
    assert len(tiles) == 51 and all(len(t) == 3 for t in tiles.values())
    ratios = {place: theme.contrast_ratio(_hex(t["fill"]), _hex(t["label_colour"])) for place, t in tiles.items()}
    assert min(ratios.values()) >= 4.5, sorted(ratios.items(), key=lambda item: item[1])[:3]
    # grey is not the only cue: exactly the grey tiles say "n/a"
    missing = {place for place, t in tiles.items() if _hex(t["fill"]).lower() == theme.MISSING.lower()}
    assert {place for place, t in tiles.items() if t["label"][1:] == ["n/a"]} == missing and len(missing) == gaps


def test_comparison_chart_has_tooltips_and_no_invalid_json():
    chart = salary.comparison_chart(salary.wage_comparison(NY, [TX], 2023, "median"))
    text = chart.to_json()
    assert "NaN" not in text and "tooltip" in text and "not available" in text


def test_headline_says_when_a_figure_or_the_national_comparison_is_missing():
    text = salary.headline(TX, 2023, "median").data
    assert "not available" in text and "35 areas" in text
    assert "No national May 2024 mean" in salary.headline(CA, 2024, "mean").data
    assert "Employment, May 2024: 20,390" in salary.headline(TX, 2024, "median").data


def test_profile_holds_two_dated_snapshots():
    profile = salary.state_profile(NV).set_index(["snapshot", "measure"]).value
    assert profile[("May 2023", "annual mean wage")] == 48110
    assert profile[("May 2024", "annual mean wage")] == 63950
    assert "Nevada's mean was $48,110 in May 2023 and $63,950 in May 2024" in salary.snapshot_caveat(CA).data


def test_article_claim_beside_bls_with_derived_differences():
    table = salary.article_vs_bls(AL).set_index("bls_figure")
    wages24 = load_state_wages(2024).set_index("state_abbr")
    assert int(table.loc["May 2024 mean", "article_usd"]) == 38900
    assert int(table.loc["May 2024 mean", "bls_usd"]) == wages24.loc["AL", "annual_mean_usd"]
    assert int(table.loc["May 2024 mean", "difference_usd_derived"]) == 38900 - wages24.loc["AL", "annual_mean_usd"]
    assert table.loc["May 2024 mean", "article_table"] == "lowest" and int(table.loc["May 2024 mean", "article_rank"]) == 45
    assert "Lowest-Paying States" in salary.article_claim_note(AL).data


def test_article_not_listing_a_state_is_said_not_filled():
    assert salary.article_vs_bls(TX).empty
    assert "do not list Texas" in salary.article_claim_note(TX).data


def test_remote_work_difference_is_employer_minus_local():
    r = salary.remote_work(MS, CA, 2024, "mean")
    wages = load_state_wages(2024).set_index("state_abbr").annual_mean_usd
    assert r.difference_usd_derived == wages["CA"] - wages["MS"]
    frame = r.to_frame()
    assert frame.kind.tolist().count("article claim") == 2
    assert frame.usd_a_year.iloc[-1] == r.difference_usd_derived + 8000


def test_remote_work_with_a_missing_wage_leaves_the_difference_missing():
    r = salary.remote_work(TX, NY, 2023, "median")
    assert r.local_usd is None and r.difference_usd_derived is None
    assert r.to_frame().usd_a_year.isna().sum() == 4


def test_table_view_shows_missing_as_not_available_and_money_with_dollars():
    html = salary.table_view(salary.state_profile(TX)).to_html()
    assert "not available" in html and "$51,020" in html and "$47,230" in html
    assert "20,390" in html and "$20,390" not in html


def test_defaults_and_every_example_pass_the_declared_checks():
    defaults = salary.PARAMETERS.check({})
    assert defaults.state == CA and defaults.year == 2024 and defaults.measure == "median"
    assert len(salary.PARAMETERS.examples) >= 3
    for example in salary.PARAMETERS.examples:
        salary.PARAMETERS.check(example)
    assert salary.PARAMETERS.check({"state": 6, "compare_with": "TX, fl"}).compare_with == [TX, lookup_state("FL")]


def test_misspelled_state_gets_a_suggestion():
    with pytest.raises(InputError) as info:
        salary.PARAMETERS.check({"state": "Texsa"})
    assert info.value.suggestion == "Texas"
    with pytest.raises(InputError, match="Did you mean 'Mississippi'"):
        salary.PARAMETERS.check({"employer_state": "Misisippi"})
