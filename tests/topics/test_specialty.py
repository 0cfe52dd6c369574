"""analysis.topics.specialty and analysis.data.careers: the article's specialty table, derived premiums, the HCC check,
experience bands, the state ratio (no state-by-specialty figure), and the career moves beside BLS wages."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from analysis.data import article

from analysis.data import careers

from analysis.topics import specialty
from analysis.core.errors import DataFileError, InputError
from analysis.data.evidence import national_fact, load_state_wages
from analysis.data.oews import load_national_2021
from analysis.data.states import lookup_state
from analysis.calc.units import premium


@pytest.fixture(scope="module")
def table():
    return specialty.specialty_table().set_index("specialty")


# --------------------------------------------------------------------------- specialty table


def test_table_keeps_the_article_figures_and_derives_midpoints(table):
    raw = article.load_specialties().set_index("specialty")
    assert list(table.index) == list(raw.index) and len(table) == 10
    assert (table.salary_low_usd == raw.salary_low_usd).all() and (table.salary_high_usd == raw.salary_high_usd).all()
    assert (table.midpoint_usd_derived == (raw.salary_low_usd + raw.salary_high_usd) / 2).all()


def test_premium_is_measured_against_general_outpatient_with_units_premium(table):
    base = table.loc["General Outpatient", "midpoint_usd_derived"]
    assert base == 47000
    for name, row in table.iterrows():
        expected = premium(base, row.midpoint_usd_derived)
        assert row.premium_midpoint_usd_derived == expected.absolute
        assert row.premium_midpoint_pct_derived == pytest.approx(expected.percent)
    hcc = table.loc["Risk Adjustment/HCC"]
    assert (hcc.premium_midpoint_usd_derived, round(hcc.premium_midpoint_pct_derived, 3)) == (16500, 35.106)
    assert table.loc["General Outpatient", "premium_midpoint_usd_derived"] == 0


def test_midpoint_ranks_share_ties(table):
    assert table.loc["Auditing", "midpoint_rank_derived"] == 1
    assert table.loc["Surgery/Orthopedics", "midpoint_rank_derived"] == table.loc["Inpatient (Hospital)", "midpoint_rank_derived"] == 4
    assert table.loc["General Outpatient", "midpoint_rank_derived"] == 10


def test_view_puts_the_chosen_specialty_first():
    view = specialty.specialty_view(specialty.specialty_table(), "OB/GYN")
    assert view.specialty.iloc[0] == "OB/GYN" and view.specialty.iloc[1] == "Auditing" and len(view) == 10


def test_chart_highlights_the_chosen_specialty_and_has_tooltips():
    spec = specialty.specialty_chart(specialty.specialty_table(), "Cardiology").to_dict()
    rows = next(iter(spec["datasets"].values()))
    assert [r["specialty"] for r in rows if r["chosen"]] == ["Cardiology"]
    assert any("tooltip" in layer["encoding"] for layer in spec["layer"])


# --------------------------------------------------------------------------- specialty parameter


@pytest.mark.parametrize("typed, expected", [("Risk Adjustment/HCC", "Risk Adjustment/HCC"), ("risk adjustment hcc", "Risk Adjustment/HCC"),
                                             ("hcc", "Risk Adjustment/HCC"), ("ob_gyn", "OB/GYN"), ("OB/GYN", "OB/GYN"),
                                             ("inpatient (hospital)", "Inpatient (Hospital)"), ("AUDITING", "Auditing")])
def test_lookup_specialty_accepts_names_and_short_keys(typed, expected):
    assert specialty.lookup_specialty(typed) == expected


def test_misspelled_specialty_is_refused_with_a_suggestion_and_the_allowed_list():
    with pytest.raises(InputError) as info:
        specialty.PARAMETERS.check({"specialty": "cardiolgy"})
    err = info.value
    assert err.name == "specialty" and err.suggestion == "Cardiology"
    assert "Allowed: General Outpatient" in str(err) and "Auditing" in str(err)


def test_unknown_experience_level_lists_the_allowed_levels():
    with pytest.raises(InputError, match="Allowed: entry, mid-career, senior"):
        specialty.PARAMETERS.check({"experience_level": "junior"})


@pytest.mark.parametrize("typed, abbr", [("06", "CA"), (6, "CA"), ("mississippi", "MS"), (None, None), ("None", None), ("", None)])
def test_state_parameter_is_optional_and_accepts_codes(typed, abbr):
    state = specialty.PARAMETERS.check({"state": typed}).state
    assert (state.abbr if state else None) == abbr


def test_misspelled_state_gets_a_suggestion():
    with pytest.raises(InputError) as info:
        specialty.PARAMETERS.check({"state": "Texsa"})
    assert info.value.name == "state" and info.value.suggestion == "Texas"


def test_examples_are_documented_and_valid():
    assert len(specialty.PARAMETERS.examples) >= 3
    for example in specialty.PARAMETERS.examples:
        specialty.PARAMETERS.check(example)


# --------------------------------------------------------------------------- HCC


def test_hcc_superlatives_are_checked_against_the_article_table(table):
    check = specialty.hcc_check().set_index("question")
    best = table.midpoint_usd_derived.idxmax()
    assert best == "Auditing"
    assert check.loc["highest midpoint of the ten?", "answer"] == "no"
    assert "Auditing" in check.loc["highest midpoint of the ten?", "detail"]
    assert check.loc["the only 'Very High' demand level?", "answer"] == "yes"


def test_hcc_statements_keep_the_article_wording():
    statements = specialty.hcc_statements()
    raw = article.load_hcc_niche()
    assert statements.statement.tolist() == raw.statement.tolist()
    assert statements.attrs["file"] == "article/hcc_niche.csv"


# --------------------------------------------------------------------------- experience


def test_experience_levels_are_the_article_bands():
    overview = article.load_national_overview().set_index("claim_id")
    for level, claim_id in specialty.EXPERIENCE_LEVELS.items():
        assert overview.loc[claim_id, "measure"] == "experience_band"
    assert specialty.PARAMETERS.params["experience_level"].choices == list(specialty.EXPERIENCE_LEVELS)


@pytest.mark.parametrize("level, titles", [
    ("entry", ["Junior/Entry Coder", "Certified Coder"]),
    ("mid-career", ["Certified Coder", "Senior Coder", "Coding Auditor", "Coding Supervisor"]),
    ("senior", ["Coding Auditor", "Coding Supervisor", "Coding Manager", "Director of HIM/Coding"]),
])
def test_ladder_rungs_are_those_whose_years_overlap_the_band(level, titles):
    assert specialty.ladder_rungs(level).title.tolist() == titles


def test_experience_note_compares_two_claims_without_a_combined_figure():
    text = specialty.experience_note("Auditing", "entry").data
    assert "above the band's top ($44,000) by $16,000" in text
    assert "does not say what a coder in this specialty earns at this experience level" in text
    shared = specialty.experience_note("Cardiology", "mid-career").data
    assert "share $50,000–$58,000" in shared


def test_experience_chart_draws_an_open_band_to_its_stated_figure_only():
    spec = specialty.experience_chart("Auditing", "senior").to_dict()
    rows = [r for data in spec["datasets"].values() for r in data if "kind" in r]
    band = next(r for r in rows if r["kind"].startswith("experience"))
    assert (band["low"], band["high"]) == (58000, 72000) and "open-ended" in band["text"]


def test_bls_percentiles_come_from_the_national_facts():
    pct = specialty.bls_national_percentiles().set_index("measure").value
    for measure in pct.index:
        assert pct[measure] == national_fact("May 2023", measure).value
    assert pct["annual_median"] == 48780


# --------------------------------------------------------------------------- state


def test_state_ratio_is_the_bls_state_median_over_the_national_median():
    own = load_state_wages(2024).set_index("state_abbr").annual_median_usd["MS"]
    national = national_fact("May 2024", "annual_median").value
    assert specialty.state_to_national_ratio(lookup_state("MS")) == pytest.approx(own / national)


def test_state_note_invents_no_state_by_specialty_figure():
    state = lookup_state("CA")
    text = specialty.state_note(state).data
    shown = {int(m.replace(",", "")) for m in re.findall(r"\$([\d,]+)", text)}
    own = int(load_state_wages(2024).set_index("state_abbr").annual_median_usd["CA"])
    assert shown == {own, int(national_fact("May 2024", "annual_median").value)}
    assert "no** salary by state *and* specialty" in text


# --------------------------------------------------------------------------- careers


def test_career_map_covers_the_named_occupations_with_a_rationale():
    mapping = careers.load_career_soc_map()
    assert {"13-1041", "11-9111", "29-9021", "13-2011", "43-3021"} <= set(mapping.soc_code)
    assert mapping.rationale.str.len().min() >= 20
    assert set(mapping.match) <= set(careers.MATCH_GRADES)
    assert set(article.load_alternative_careers().claim_id) <= set(mapping.claim_id)


def test_career_wages_are_the_bls_file_figures():
    wages = careers.career_wages()
    national = load_national_2021()
    national = national[national.o_group == "detailed"].set_index("occ_code")
    for row in wages.itertuples():
        assert row.bls_title == national.loc[row.soc_code, "occ_title"]
        assert row.bls_median_usd == national.loc[row.soc_code, "a_median"]
        assert row.bls_p90_usd == national.loc[row.soc_code, "a_pct90"]
        assert row.bls_employment == national.loc[row.soc_code, "tot_emp"]


def test_open_ended_article_range_has_no_midpoint_and_no_difference():
    wages = careers.career_wages().set_index("claim_id")
    consultant = wages.loc["alt_career.medical_coding_consultant"]
    assert pd.isna(consultant.article_midpoint_usd_derived) and pd.isna(consultant.difference_midpoint_minus_bls_median_usd_derived)
    compliance = wages.loc["alt_career.compliance_officer"]
    assert compliance.difference_midpoint_minus_bls_median_usd_derived == (75000 + 100000) / 2 - 71650


def test_careers_chart_marks_open_ranges_and_puts_the_coder_band_on_top():
    spec = specialty.coder_and_careers_chart("senior").to_dict()
    rows = next(iter(spec["datasets"].values()))
    assert rows[0]["role"] == "Medical coder, Senior (8+ years)" and rows[0]["art_high"] == 72000
    consultant = next(r for r in rows if r["role"] == "Medical Coding Consultant")
    assert consultant["art_high"] == 150000 and "or more" in consultant["art_text"]


def test_a_wrong_occupation_title_in_the_map_is_reported_with_its_line(data_copy):
    path = data_copy / careers.CAREER_SOC_MAP_FILE
    path.write_text(path.read_text().replace("13-1041,Compliance Officers", "13-1014,Compliance Officers"))
    with pytest.raises(DataFileError) as info:
        careers.career_wages()
    assert "line 4" in str(info.value) and "soc_code" in str(info.value)


def test_an_unknown_claim_id_in_the_map_is_reported(data_copy):
    path = data_copy / careers.CAREER_SOC_MAP_FILE
    path.write_text(path.read_text().replace("alt_career.cdi,", "alt_career.cdx,"))
    with pytest.raises(DataFileError, match="'alt_career.cdx' is not a claim_id"):
        careers.load_career_soc_map()
