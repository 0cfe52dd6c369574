import pandas as pd
import pytest

from analysis.topics import job_outlook as outlook
from analysis.core.errors import InputError


def test_rounds_come_from_the_national_facts_and_the_article():
    r24, r25, article = (outlook.projection_round(k) for k in ("2024-34", "2025-35", "article"))
    assert (r24.base_employment, r24.pct_change, r24.annual_openings) == (194800, 7.0, 14200)
    assert (r25.start_year, r25.end_year, r25.base_employment) == (2025, 2035, 200700)
    assert (article.base_employment, article.pct_change, article.annual_openings) == (240000, 8.0, 14800)
    assert r24.kind == "BLS evidence" and article.kind == "article claim"


@pytest.mark.parametrize("year, expected", [(2024, 194800.0), (2029, 194800 * 1.035), (2034, 194800 * 1.07)])
def test_linear_interpolation_of_the_projected_change(year, expected):
    assert outlook.project_employment(194800, 7, 2024, 2034, year) == pytest.approx(expected, rel=1e-12)


def test_whole_number_projections_are_exact():
    assert outlook.project_employment(194800, 7, 2024, 2034, 2034) == 208436.0
    assert outlook.projection("2025-35").projected_employment_derived == 216756.0


def test_projection_outside_its_round_is_refused():
    with pytest.raises(InputError, match="2024 to 2034"):
        outlook.project_employment(194800, 7, 2024, 2034, 2035)
    with pytest.raises(InputError, match="horizon_year=2024"):
        outlook.projection("2025-35", 2024)


def test_what_if_override_replaces_the_round_change_and_is_labelled():
    p = outlook.projection("2024-34", 2030, growth_override_pct=4)
    assert p.pct_change_used == 4.0
    assert p.projected_employment_derived == pytest.approx(194800 * (1 + 0.04 * 0.6))
    frame = p.to_frame()
    assert frame.kind.str.contains("what-if").sum() >= 2
    assert frame.loc[frame.item.str.startswith("projected employment"), "kind"].item() == "derived from a what-if"


def test_parameters_default_horizon_is_the_round_end_and_is_checked_together():
    assert outlook.PARAMETERS.check({}).horizon_year == 2034
    assert outlook.PARAMETERS.check({"projection_round": "2025-35"}).horizon_year == 2035
    with pytest.raises(InputError, match="covers 2025 to 2035"):
        outlook.PARAMETERS.check({"projection_round": "2025-35", "horizon_year": 2024})
    with pytest.raises(InputError) as info:
        outlook.PARAMETERS.check({"projection_round": "artcle"})
    assert info.value.suggestion == "article"
    assert len(outlook.PARAMETERS.examples) >= 3
    for example in outlook.PARAMETERS.examples:
        outlook.PARAMETERS.check(example)


def test_growth_vs_average_keeps_the_2024_34_gap_and_compares_within_rounds():
    g = outlook.growth_vs_average("2025-35").set_index(["round", "occupation"])
    assert pd.isna(g.loc[("2024-34", "All occupations"), "percent_change"])
    assert pd.isna(g.loc[("2024-34", "Medical records specialists (SOC 29-2072)"), "difference_pct_points_derived"])
    assert g.loc[("article", "Medical records specialists (SOC 29-2072)"), "difference_pct_points_derived"] == 4.0
    assert g.loc[("2020-30", "All occupations"), "percent_change"] == 7.7
    assert g.loc[("2020-30", outlook.MEDICAL_RECORDS_2020_30), "difference_pct_points_derived"] == 0.8
    assert g.loc[("2025-35", "All occupations"), "chosen"] and not g.loc[("2024-34", "All occupations"), "chosen"]


def test_claims_against_both_rounds():
    c = outlook.outlook_claims_vs_bls()
    growth = c[c.claim_id == "outlook.projected_growth"]
    assert growth.bls_value.tolist() == [7.0, 8.0] and growth.difference_derived.tolist() == [1.0, 0.0]
    employed = c[c.claim_id == "outlook.current_employment"].iloc[0]
    assert employed.difference_derived == 45200
    assert employed.difference_pct_derived == pytest.approx(45200 / 194800 * 100)
    openings = c[c.claim_id == "outlook.annual_openings"]
    assert openings.bls_value.tolist() == [14200.0, 14000.0]
    average = c[c.claim_id == "outlook.national_average_growth"]
    assert average.bls_value.isna().iloc[0] and average.difference_derived.isna().all()


def test_state_employment_sum_is_not_the_national_estimate():
    e = outlook.employment_by_state()
    assert len(e) == 51 and int(e.employment.sum()) == 187770
    assert e.share_of_51_state_sum_pct_derived.sum() == pytest.approx(100)
    note = outlook.employment_sum_note().data
    assert "187,770" in note and "194,800" in note and "**not** the national estimate" in note


def test_related_occupations_are_labelled_2020_30_and_found_exactly():
    r = outlook.related_occupations()
    assert set(r["round"]) == {"2020-30"}
    assert set(outlook.RELATED_OCCUPATIONS_2020_30) == set(r.occupation)
    assert r.set_index("occupation").loc["Total, all occupations", "pct_emp_change_2020_2030"] == 7.7
    assert r.pct_emp_change_2020_2030.is_monotonic_decreasing


def test_projection_file_source_line_is_not_an_occupation():
    p = outlook.load_projections_2020_30()
    assert not p.occupation.str.startswith("Source:").any()
    assert p.attrs["source_line"].startswith("Source: Employment Projections program")


def test_paths_chart_marks_the_chosen_round_and_the_what_if():
    paths = outlook.projection_paths(outlook.projection("article", 2030, 5))
    chosen = paths[paths.chosen]
    assert set(chosen.scenario) == {"what-if: 5% over 2024-2034"}
    assert chosen.employment_derived.iloc[-1] == pytest.approx(240000 * 1.05)
    assert "NaN" not in outlook.projection_chart(outlook.projection("2024-34")).to_json()
