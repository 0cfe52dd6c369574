import pandas as pd
import pytest

from analysis.topics import salary_by_state as salary
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
