"""The exercises of notebooks 03 (specialty), 04 (certification premium) and 05 (AI impact): right answers pass
for more than one set of parameters, common mistakes get their hint, and no message gives the expected answer away.

Every expected answer here is computed by the topic module when a student checks (``@computed``), so none of them
is in ``exercise_answers.json``. The tests compare with values taken from the helpers' own tables, and where the
arithmetic is short, with the same figure worked out again from the data.
"""

from pathlib import Path

import altair as alt
import pandas as pd
import pytest
from conftest import run_strict, shows

from analysis.topics import ai_impact as ai
from analysis.topics import certification_premium as cert
from analysis.topics import specialty as sp
from analysis.data.article import load_specialties
from analysis.teaching.exercises import CORRECT, NOT_YET, UNAVAILABLE, evaluate

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = {
    "specialty": ROOT / "notebooks" / "03_specialty.ipynb",
    "certification_premium": ROOT / "notebooks" / "04_certification_premium.ipynb",
    "ai_impact": ROOT / "notebooks" / "05_ai_impact.ipynb",
}


def sp_p(**values):
    return sp.PARAMETERS.check(values)


def cert_p(**values):
    return cert.PARAMETERS.check(values)


def ai_p(**values):
    return ai.PARAMETERS.check(values)






def test_the_renderings_check_can_fail():
    assert shows("Not yet: the premium is 35.11 percent.", 35.1063829787234) == ["35.11"]
    assert shows("148 occupations", 148) == ["148"]
    assert not shows("within ±0.05 of it", 5)


def midpoints_from_the_claims() -> pd.Series:
    """Each specialty's midpoint worked out again from the article's low and high ends."""
    claims = load_specialties().set_index("specialty")
    return (claims.salary_low_usd + claims.salary_high_usd) / 2


# --------------------------------------------------------------------------- 03 specialty


@pytest.mark.parametrize("values", [{}, {"specialty": "Auditing", "experience_level": "senior"}])
def test_highest_midpoint_is_the_top_of_the_table(values):
    p = sp_p(**values)
    table = sp.specialty_table()
    top = table.loc[table.midpoint_rank_derived == 1, "specialty"]
    assert len(top) == 1 and top.item() == midpoints_from_the_claims().idxmax()
    assert sp.exercise_highest_midpoint(p) == top.item()
    for answer in (top.item(), top.item().upper(), f"  {top.item().lower()} "):
        assert evaluate("specialty.highest_midpoint", answer, p).status == CORRECT
    assert evaluate("specialty.highest_midpoint", "Cardiology", p).status == NOT_YET


def test_highest_midpoint_hints_for_the_articles_word_and_the_wrong_end():
    p = sp_p()
    lowest = midpoints_from_the_claims().idxmin()
    assert "calls \"the highest-paying\"" in evaluate("specialty.highest_midpoint", "Risk Adjustment/HCC", p).message
    assert "other end of the chart" in evaluate("specialty.highest_midpoint", lowest, p).message
    assert "Put the answer in quotes" in evaluate("specialty.highest_midpoint", 1, p).message


@pytest.mark.parametrize("values, name", [({}, "Risk Adjustment/HCC"), ({"specialty": "ob_gyn", "state": "06"}, "OB/GYN")])
def test_premium_pct_is_the_tables_premium(values, name):
    p = sp_p(**values)
    expected = float(sp.specialty_table().set_index("specialty").premium_midpoint_pct_derived[name])
    mids = midpoints_from_the_claims()
    assert expected == pytest.approx((mids[name] - mids[sp.BASELINE]) / mids[sp.BASELINE] * 100)
    assert sp.exercise_premium_pct(p) == expected
    for answer in (expected, round(expected, 1), round(expected, 2), expected + 0.04):
        assert evaluate("specialty.premium_pct", answer, p).status == CORRECT, answer
    assert evaluate("specialty.premium_pct", expected + 0.2, p).status == NOT_YET


def test_the_baseline_has_no_premium():
    p = sp_p(specialty="General Outpatient")
    assert evaluate("specialty.premium_pct", 0, p).status == CORRECT
    assert "subtract 100" in evaluate("specialty.premium_pct", 100, p).message


def test_premium_pct_hints_name_the_usual_slips():
    p = sp_p(specialty="Cardiology")
    t = sp.specialty_table().set_index("specialty")
    chosen, base = float(t.midpoint_usd_derived["Cardiology"]), float(t.midpoint_usd_derived[sp.BASELINE])
    low, base_low = float(t.salary_low_usd["Cardiology"]), float(t.salary_low_usd[sp.BASELINE])
    slips = {
        "a fraction": (chosen - base) / base,
        "in dollars": chosen - base,
        "divided by the chosen specialty's midpoint": (chosen - base) / chosen * 100,
        "subtract 100": chosen / base * 100,
        "low ends": (low - base_low) / base_low * 100,
    }
    for words, answer in slips.items():
        feedback = evaluate("specialty.premium_pct", answer, p)
        assert feedback.status == NOT_YET and words in feedback.message, (words, feedback.message)


@pytest.mark.parametrize("values, name", [({}, "Risk Adjustment/HCC"), ({"specialty": "Radiology"}, "Radiology")])
def test_specialties_paying_more_counts_strictly_higher_midpoints(values, name):
    p = sp_p(**values)
    mids = midpoints_from_the_claims()
    expected = int((mids > mids[name]).sum())
    assert sp.exercise_specialties_paying_more(p) == expected
    assert evaluate("specialty.specialties_paying_more", expected, p).status == CORRECT
    assert "use >" in evaluate("specialty.specialties_paying_more", int((mids >= mids[name]).sum()), p).message
    assert "lower" in evaluate("specialty.specialties_paying_more", int((mids < mids[name]).sum()), p).message


def test_a_tie_is_not_higher():
    # Radiology shares its midpoint with another specialty: >= counts both of them, one more than the rank shows.
    mids = midpoints_from_the_claims()
    assert int((mids == mids["Radiology"]).sum()) == 2
    rank = int(sp.specialty_table().set_index("specialty").midpoint_rank_derived["Radiology"])
    assert sp.exercise_specialties_paying_more(sp_p(specialty="Radiology")) == rank - 1


def test_midpoint_chart_is_checked_by_its_structure():
    p = sp_p()
    table = sp.specialty_table()
    good = alt.Chart(table).mark_bar().encode(x=alt.X("midpoint_usd_derived:Q", title="Midpoint (derived)"),
                                              y=alt.Y("specialty:N", sort="-x"), tooltip=["specialty", "midpoint_usd_derived"])
    assert evaluate("specialty.midpoint_chart", good, p).status == CORRECT
    line = alt.Chart(table).mark_line().encode(x="midpoint_usd_derived:Q", y="specialty:N", tooltip=["specialty"])
    assert "one bar per specialty" in evaluate("specialty.midpoint_chart", line, p).message
    swapped = alt.Chart(table).mark_bar().encode(x="specialty:N", y="midpoint_usd_derived:Q", tooltip=["specialty"])
    assert "swapped" in evaluate("specialty.midpoint_chart", swapped, p).message
    no_tooltip = alt.Chart(table).mark_bar().encode(x="midpoint_usd_derived:Q", y="specialty:N")
    assert "no tooltip" in evaluate("specialty.midpoint_chart", no_tooltip, p).message
    low_end = alt.Chart(table).mark_bar().encode(x="salary_low_usd:Q", y="specialty:N", tooltip=["specialty"])
    assert "midpoint (midpoint_usd_derived)" in evaluate("specialty.midpoint_chart", low_end, p).message
    assert "expected an altair chart" in evaluate("specialty.midpoint_chart", table, p).message


# --------------------------------------------------------------------------- 04 certification premium


def present_values(p) -> pd.DataFrame:
    return cert.pv_by_source(cert.costs_from(p), p.discount_rate, p.horizon_years, len(p.credentials)).set_index("source_key")


CERT_SETS = [{}, {"credentials": ["CPC", "CRC"], "premium_source": "aapc_older", "horizon_years": 5},
             {"credentials": ["CPC", "CRC", "CPMA"], "premium_source": "survey_2020", "discount_rate": 0.07}]


@pytest.mark.parametrize("values", CERT_SETS[:2])
def test_largest_present_value_is_the_longest_bar(values):
    p = cert_p(**values)
    table = present_values(p)
    expected = table.present_value_usd_derived.idxmax()
    # Same costs for every source, so the largest present value goes with the largest premium.
    assert expected == table.premium_usd_derived.idxmax()
    assert cert.exercise_largest_present_value(p) == expected
    assert evaluate("certification_premium.largest_present_value", expected.upper(), p).status == CORRECT
    assert "written as its label" in evaluate("certification_premium.largest_present_value",
                                              table.source[expected], p).message
    assert "smallest present value" in evaluate("certification_premium.largest_present_value",
                                                table.present_value_usd_derived.idxmin(), p).message


def test_choosing_a_source_does_not_make_it_the_answer():
    p = cert_p(premium_source="aapc_page")
    assert cert.exercise_largest_present_value(p) != "aapc_page"
    assert "the source you chose" in evaluate("certification_premium.largest_present_value", "aapc_page", p).message


@pytest.mark.parametrize("values", [CERT_SETS[0], CERT_SETS[2]])
def test_payback_years_is_the_upfront_cost_over_the_net_premium(values):
    p = cert_p(**values)
    costs, basis = cert.costs_from(p), cert.premium_basis(p.premium_source, len(p.credentials))
    n = len(p.credentials)
    by_hand = n * (p.exam_cost_usd + p.study_hours * p.study_hour_value_usd) / (
        (basis.with_usd - basis.without_usd) - p.membership_cost_usd)
    expected = cert.payback_years(costs.upfront_usd, basis.premium_usd_derived - p.membership_cost_usd)
    assert expected == pytest.approx(by_hand)
    assert float(present_values(p).payback_years_derived[p.premium_source]) == pytest.approx(expected)
    assert cert.exercise_payback_years(p) == expected
    for answer in (expected, round(expected, 3), expected + 0.0009):
        assert evaluate("certification_premium.payback_years", answer, p).status == CORRECT, answer
    assert evaluate("certification_premium.payback_years", expected + 0.003, p).status == NOT_YET


def test_payback_hints_name_the_usual_slips():
    p = cert_p()
    costs, basis = cert.costs_from(p), cert.premium_basis("article")
    net = basis.premium_usd_derived - p.membership_cost_usd
    slips = {
        "months": 12 * costs.upfront_usd / net,
        "Subtract the yearly membership": costs.upfront_usd / basis.premium_usd_derived,
        "Upside down": net / costs.upfront_usd,
        "leaves out study time": costs.exams_usd / net,
        "close, but not within": round(costs.upfront_usd / net, 2),  # the two decimals of the summary
    }
    for words, answer in slips.items():
        feedback = evaluate("certification_premium.payback_years", answer, p)
        assert feedback.status == NOT_YET and words in feedback.message, (words, feedback.message)


def test_a_cost_never_repaid_has_no_payback_to_find():
    p = cert_p(membership_cost_usd=20000)  # above every source's premium
    assert cert.exercise_payback_years(p) is None
    assert evaluate("certification_premium.payback_years", 3, p).status == UNAVAILABLE


@pytest.mark.parametrize("values", [CERT_SETS[0], CERT_SETS[2]])
def test_present_value_spread_is_largest_minus_smallest(values):
    p = cert_p(**values)
    pv = present_values(p).present_value_usd_derived
    expected = float(pv.max() - pv.min())
    assert cert.exercise_present_value_spread(p) == expected
    for answer in (expected, round(expected), round(expected, 2)):
        assert evaluate("certification_premium.present_value_spread", answer, p).status == CORRECT
    assert evaluate("certification_premium.present_value_spread", expected + 5, p).status == NOT_YET
    premiums = present_values(p).premium_usd_derived
    assert "yearly premiums" in evaluate("certification_premium.present_value_spread",
                                         float(premiums.max() - premiums.min()), p).message
    assert "subtract the smallest" in evaluate("certification_premium.present_value_spread", float(pv.max()), p).message
    assert "sign" in evaluate("certification_premium.present_value_spread", -expected, p).message


# --------------------------------------------------------------------------- 05 AI impact


def own_rating_standing(rater: str, measure: str) -> tuple[int, int, int, float]:
    """(rated higher, rated lower, others with the same rating, percentile rank), counted again from the data."""
    exposure = ai.load_exposure()
    column = ai.rating_column(rater, measure)
    own = exposure.set_index("onet_soc_code").loc[ai.MEDICAL_RECORDS_CODE, column]
    higher, lower = int((exposure[column] > own).sum()), int((exposure[column] < own).sum())
    equal = int((exposure[column] == own).sum())
    return higher, lower, equal - 1, 100 * (lower + 0.5 * equal) / len(exposure)


@pytest.mark.parametrize("values", [{}, {"rater": "human", "exposure_measure": "E1+E2"}])
def test_percentile_rank_is_the_standing_tables(values):
    p = ai_p(**values)
    expected = float(ai.standing(p.rater, p.exposure_measure, []).percentile_rank_derived.iloc[0])
    assert expected == pytest.approx(own_rating_standing(p.rater, p.exposure_measure)[3])
    assert ai.exercise_percentile_rank(p) == expected
    for answer in (expected, round(expected, 1), expected - 0.04):
        assert evaluate("ai_impact.percentile_rank", answer, p).status == CORRECT, answer
    assert evaluate("ai_impact.percentile_rank", expected + 0.2, p).status == NOT_YET


def test_percentile_rank_hints_name_the_usual_slips():
    p = ai_p()  # GPT-4 on E1: one other occupation shares the rating
    higher, lower, tied, rank_pct = own_rating_standing("gpt4", "E1")
    assert tied >= 1
    slips = {
        "a fraction": rank_pct / 100,
        "the rank": higher + 1,
        "most exposed end": 100 - rank_pct,
        "strictly lower": 100 * lower / len(ai.load_exposure()),
    }
    for words, answer in slips.items():
        feedback = evaluate("ai_impact.percentile_rank", answer, p)
        assert feedback.status == NOT_YET and words in feedback.message, (words, feedback.message)


@pytest.mark.parametrize("values", [{}, ai.PARAMETERS.examples[3]])
def test_entry_level_index_is_the_scenarios_value_at_the_horizon(values):
    p = ai_p(**values)
    frame = ai.scenario(p.routine_share_by_level, p.routine_share_automated, p.horizon_year)
    expected = float(ai.scenario_at_horizon(frame).set_index("role").human_work_index_derived["Junior/Entry Coder"])
    share = p.routine_share_by_level["Junior/Entry Coder"]
    assert expected == pytest.approx(100 * (1 - p.routine_share_automated * share))
    assert ai.exercise_entry_level_index(p) == expected
    assert evaluate("ai_impact.entry_level_index", expected, p).status == CORRECT
    assert evaluate("ai_impact.entry_level_index", expected + 0.5, p).status == NOT_YET
    automated = evaluate("ai_impact.entry_level_index", 100 * p.routine_share_automated * share, p).message
    assert "work that remains" in automated
    assert "routine share" in evaluate("ai_impact.entry_level_index", 100 * (1 - p.routine_share_automated), p).message
    assert "fraction" in evaluate("ai_impact.entry_level_index", expected / 100, p).message


@pytest.mark.parametrize("values", [{}, {"rater": "human", "exposure_measure": "E1+0.5*E2"}])
def test_rated_higher_count_is_a_strict_count(values):
    p = ai_p(**values)
    higher, lower, tied, _ = own_rating_standing(p.rater, p.exposure_measure)
    assert higher == int(ai.standing(p.rater, p.exposure_measure, []).n_higher.iloc[0])
    assert ai.exercise_rated_higher_count(p) == higher
    assert evaluate("ai_impact.rated_higher_count", higher, p).status == CORRECT
    assert "use >" in evaluate("ai_impact.rated_higher_count", higher + tied + 1, p).message
    assert "rated lower" in evaluate("ai_impact.rated_higher_count", lower, p).message
    other = "human" if p.rater == "gpt4" else "gpt4"
    other_count = own_rating_standing(other, p.exposure_measure)[0]
    assert other_count not in (higher, higher + tied + 1, lower)
    assert "other rater" in evaluate("ai_impact.rated_higher_count", other_count, p).message


def test_a_rating_at_the_top_of_the_scale_has_nothing_above_it():
    p = ai_p(exposure_measure="E1+E2")  # GPT-4 rates Medical Records Specialists 1.0 on E1+E2, with others
    higher, _, tied, _ = own_rating_standing("gpt4", "E1+E2")
    assert (higher, ai.exercise_rated_higher_count(p)) == (0, 0) and tied > 0
    assert "use >" in evaluate("ai_impact.rated_higher_count", tied + 1, p).message


# --------------------------------------------------------------------------- no message gives the answer away


def wrong_numbers(expected: float) -> list[float]:
    return [expected + 1000, expected * 10, expected / 10, -expected, expected * 1.5, expected + 3, 0]


NUMBER_CASES = [
    ("specialty.premium_pct", sp_p(), sp.exercise_premium_pct),
    ("specialty.premium_pct", sp_p(specialty="Cardiology"), sp.exercise_premium_pct),
    ("specialty.specialties_paying_more", sp_p(specialty="Cardiology"), sp.exercise_specialties_paying_more),
    ("specialty.specialties_paying_more", sp_p(specialty="ob_gyn"), sp.exercise_specialties_paying_more),
    ("certification_premium.payback_years", cert_p(), cert.exercise_payback_years),
    ("certification_premium.payback_years", cert_p(**CERT_SETS[1]), cert.exercise_payback_years),
    ("certification_premium.present_value_spread", cert_p(), cert.exercise_present_value_spread),
    ("certification_premium.present_value_spread", cert_p(**CERT_SETS[2]), cert.exercise_present_value_spread),
    ("ai_impact.percentile_rank", ai_p(), ai.exercise_percentile_rank),
    ("ai_impact.percentile_rank", ai_p(rater="human", exposure_measure="E1+0.5*E2"), ai.exercise_percentile_rank),
    ("ai_impact.entry_level_index", ai_p(), ai.exercise_entry_level_index),
    ("ai_impact.entry_level_index", ai_p(**ai.PARAMETERS.examples[3]), ai.exercise_entry_level_index),
    ("ai_impact.rated_higher_count", ai_p(), ai.exercise_rated_higher_count),
    ("ai_impact.rated_higher_count", ai_p(rater="human"), ai.exercise_rated_higher_count),
]


@pytest.mark.parametrize("exercise_id, p, expected", NUMBER_CASES,
                         ids=[f"{case[0]}-{i}" for i, case in enumerate(NUMBER_CASES)])
def test_wrong_numbers_never_show_the_expected_value(exercise_id, p, expected):
    value = expected(p)
    assert value  # a zero answer would make -answer right; these sets are chosen so it is not
    answers = wrong_numbers(value) + ["a lot", [value, value], pd.DataFrame({"x": [1, 2]}), True]
    for answer in answers:
        feedback = evaluate(exercise_id, answer, p)
        assert feedback.status == NOT_YET, (answer, feedback)
        assert not shows(feedback.message, value), (answer, feedback.message)


@pytest.mark.parametrize("exercise_id, p, expected, wrong", [
    ("specialty.highest_midpoint", sp_p(), sp.exercise_highest_midpoint,
     ["Risk Adjustment/HCC", "General Outpatient", "Cardiology", "Audit", 1, ["x"]]),
    ("certification_premium.largest_present_value", cert_p(premium_source="aapc_2023"), cert.exercise_largest_present_value,
     ["aapc_2023", "article", "2020 Healthcare Salary Survey (as quoted)", "survey", 3, None]),
])
def test_wrong_text_never_shows_the_expected_answer(exercise_id, p, expected, wrong):
    answer = expected(p)
    words = {answer.lower(), *answer.lower().replace("_", " ").split()} - {"survey"}
    for given in wrong:
        feedback = evaluate(exercise_id, given, p)
        assert feedback.status != CORRECT, (given, feedback)
        for word in words:
            assert word not in feedback.message.lower(), (given, word, feedback.message)


# --------------------------------------------------------------------------- the notebooks


# (Tags, headings and checks of the Exercises section: tests/test_notebooks.py.)




@pytest.mark.notebook
def test_specialty_solutions_pass_every_check_for_a_tied_specialty(tmp_path):
    outputs = run_strict(NOTEBOOKS["specialty"], tmp_path, "-p", "specialty", "Radiology", "-p", "state", "CA")
    assert len(outputs) == 4 and all(": Correct." in text for text in outputs), outputs


@pytest.mark.notebook
def test_certification_solutions_pass_every_check_for_two_credentials(tmp_path):
    outputs = run_strict(NOTEBOOKS["certification_premium"], tmp_path, "-p", "credentials", "CPC,CRC",
                         "-p", "premium_source", "aapc_older", "-p", "horizon_years", "5")
    assert len(outputs) == 3 and all(": Correct." in text for text in outputs), outputs


@pytest.mark.notebook
def test_ai_impact_solutions_pass_every_check_for_the_human_raters_and_a_fast_scenario(tmp_path):
    outputs = run_strict(NOTEBOOKS["ai_impact"], tmp_path, "-p", "rater", "human", "-p", "exposure_measure", "E1+0.5*E2",
                         "-p", "routine_share_automated", "0.9", "-p", "routine_share_by_level", "Junior/Entry Coder=0.95")
    assert len(outputs) == 3 and all(": Correct." in text for text in outputs), outputs
