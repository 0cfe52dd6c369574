"""The exercises of notebooks 01 (salary by state) and 02 (job outlook): right answers pass for more than one set
of parameters, common mistakes get their hint, and no message gives the expected answer away."""

from pathlib import Path

import altair as alt
import pandas as pd
import pytest
from conftest import run_strict, shows

from analysis.topics import job_outlook as outlook

from analysis.topics import salary_by_state as salary
from analysis.data.evidence import load_state_percentiles_2023, load_state_wages, national_fact
from analysis.teaching.exercises import CORRECT, NOT_YET, UNAVAILABLE, evaluate
from analysis.calc.units import annual_to_hourly

ROOT = Path(__file__).resolve().parents[2]
SALARY_NB = ROOT / "notebooks" / "01_salary_by_state.ipynb"
OUTLOOK_NB = ROOT / "notebooks" / "02_job_outlook.ipynb"


def salary_p(**values):
    return salary.PARAMETERS.check(values)


def outlook_p(**values):
    return outlook.PARAMETERS.check(values)






def state_wages(year: int, measure: str) -> pd.Series:
    """Every state's wage straight from the evidence files (not through analysis.topics.salary_by_state), by abbreviation."""
    if year == 2023 and measure == "median":  # the partial copy: 35 areas, the others missing
        medians = load_state_percentiles_2023().set_index("state_abbr").annual_median_usd
        return medians.reindex(load_state_wages(2023).state_abbr).astype("Float64")
    return load_state_wages(year).set_index("state_abbr")[f"annual_{measure}_usd"].astype("Float64")


def state_wage(state: str, year: int, measure: str):
    return state_wages(year, measure)[state]


# --------------------------------------------------------------------------- salary_by_state.rank_of_state


@pytest.mark.parametrize("values, state", [({}, "CA"), ({"state": "new york", "year": 2023}, "NY"),
                                           ({"state": "TX", "measure": "mean"}, "TX")])
def test_rank_of_state_is_the_helpers_rank(values, state):
    p = salary_p(**values)
    helper_rank = int(salary.wage_comparison(p.state, [], p.year, p.measure).set_index("role").rank_derived["chosen state"])
    # The same rank counted directly: one more than the number of states with a higher figure.
    wages = state_wages(p.year, p.measure)
    assert helper_rank == int((wages > wages[state]).fillna(False).sum()) + 1
    assert salary.exercise_rank_of_state(p) == helper_rank
    assert evaluate("salary_by_state.rank_of_state", helper_rank, p).status == CORRECT
    assert evaluate("salary_by_state.rank_of_state", helper_rank + 1, p).status == NOT_YET


def test_rank_counted_from_the_lowest_gets_a_hint():
    p = salary_p(state="TX")
    comparison = salary.wage_comparison(p.state, [], 2024, "median").set_index("role").loc["chosen state"]
    from_lowest = int(comparison.areas_ranked) + 1 - int(comparison.rank_derived)  # no tie at Texas's wage
    message = evaluate("salary_by_state.rank_of_state", from_lowest, p).message
    assert "counted from the lowest" in message


def test_a_state_without_a_figure_has_no_rank_to_find():
    p = salary_p(state="TX", year=2023)  # the May 2023 medians in data/ stop at North Dakota
    for exercise_id in ("salary_by_state.rank_of_state", "salary_by_state.hourly_equivalent"):
        feedback = evaluate(exercise_id, 12, p)
        assert feedback.status == UNAVAILABLE and "not available in data/" in feedback.message


# --------------------------------------------------------------------------- salary_by_state.hourly_equivalent


@pytest.mark.parametrize("values, state", [({}, "CA"), ({"state": "06", "measure": "mean"}, "CA"),
                                           ({"state": "Mississippi", "year": 2023, "measure": "mean"}, "MS")])
def test_hourly_equivalent_is_the_annual_wage_over_2080_hours(values, state):
    p = salary_p(**values)
    annual = int(salary.wage_comparison(p.state, [], p.year, p.measure).set_index("role").wage_usd["chosen state"])
    assert annual == state_wage(state, p.year, p.measure)
    assert salary.exercise_hourly_equivalent(p) == annual_to_hourly(annual, ndigits=None)
    for answer in (annual / 2080, annual_to_hourly(annual), annual_to_hourly(annual) + 0.004):
        assert evaluate("salary_by_state.hourly_equivalent", answer, p).status == CORRECT, answer
    assert evaluate("salary_by_state.hourly_equivalent", annual_to_hourly(annual) + 0.05, p).status == NOT_YET


def test_hourly_equivalent_hints_for_the_annual_wage_a_monthly_figure_and_the_2023_hourly_mean():
    p = salary_p()  # California, May 2024 median
    annual = state_wage("CA", 2024, "median")
    hourly_mean_2023 = float(load_state_wages(2023).set_index("state_abbr").hourly_mean_usd["CA"])
    assert abs(hourly_mean_2023 - annual / 2080) > 0.05  # a different figure, so the hint can tell them apart
    assert "annual wage itself" in evaluate("salary_by_state.hourly_equivalent", annual, p).message
    assert "monthly" in evaluate("salary_by_state.hourly_equivalent", annual / 12, p).message
    assert "2023 hourly mean" in evaluate("salary_by_state.hourly_equivalent", hourly_mean_2023, p).message


# --------------------------------------------------------------------------- salary_by_state.states_above_national_median


@pytest.mark.parametrize("year, period", [(2024, "May 2024"), (2023, "May 2023")])
def test_states_above_the_national_median_match_a_count_from_the_evidence(year, period):
    p = salary_p(year=year)
    national = national_fact(period, "annual_median").value
    medians = (load_state_wages(2024).annual_median_usd if year == 2024
               else load_state_percentiles_2023().annual_median_usd)  # 35 areas only in 2023
    count = int((medians > national).sum())
    assert salary.exercise_states_above_national_median(p) == count
    assert evaluate("salary_by_state.states_above_national_median", count, p).status == CORRECT
    below = int((medians < national).sum())
    assert "below the national median" in evaluate("salary_by_state.states_above_national_median", below, p).message
    # The answer follows the year only: another state and measure ask the same question.
    assert salary.exercise_states_above_national_median(salary_p(year=year, state="WY", measure="mean")) == count


def test_comparing_with_the_other_years_national_median_gets_a_hint():
    p = salary_p()  # May 2024; the article's $48,780 is the May 2023 national median
    other = national_fact("May 2023", "annual_median").value
    count = int((load_state_wages(2024).annual_median_usd > other).sum())
    assert count != salary.exercise_states_above_national_median(p)
    assert "other BLS year" in evaluate("salary_by_state.states_above_national_median", count, p).message


# --------------------------------------------------------------------------- job_outlook.projected_employment


@pytest.mark.parametrize("values", [{}, {"projection_round": "2025-35", "horizon_year": 2031},
                                    {"horizon_year": 2030, "growth_override_pct": 4}])
def test_projected_employment_is_the_projection_tables_figure(values):
    p = outlook_p(**values)
    table = outlook.projection(p.projection_round, p.horizon_year, p.growth_override_pct).to_frame().set_index("item")
    figure = float(table.value[f"projected employment in {p.horizon_year}"])
    assert outlook.exercise_projected_employment(p) == figure
    for answer in (figure, round(figure), figure + 0.9):
        assert evaluate("job_outlook.projected_employment", answer, p).status == CORRECT, answer
    assert evaluate("job_outlook.projected_employment", figure + 3, p).status == NOT_YET


def test_projected_employment_hints_name_the_usual_slips():
    p = outlook_p(horizon_year=2030, growth_override_pct=4)
    chosen = outlook.projection("2024-34", 2030, 4)
    base, share = chosen.base_employment, chosen.fraction_of_period_derived
    slips = {
        "base-year employment, before any growth": base,
        "change in jobs": chosen.change_in_jobs_derived,
        "percent as a plain number": base * (1 + 4 * share),
        "last year of the round": outlook.projection("2024-34", None, 4).projected_employment_derived,
        "round's own percent change": outlook.projection("2024-34", 2030).projected_employment_derived,
    }
    for words, answer in slips.items():
        feedback = evaluate("job_outlook.projected_employment", answer, p)
        assert feedback.status == NOT_YET and words in feedback.message, (words, feedback.message)


# --------------------------------------------------------------------------- the fixed exercises of notebook 02


def test_third_most_jobs_and_its_neighbours():
    employment = load_state_wages(2024).set_index("state").employment.sort_values(ascending=False)
    third, others = employment.index[2], list(employment.index[[0, 1, 3]])
    assert evaluate("job_outlook.third_most_jobs", third).status == CORRECT
    abbr = load_state_wages(2024).set_index("state").state_abbr[third]
    assert evaluate("job_outlook.third_most_jobs", abbr.lower()).status == CORRECT
    messages = [evaluate("job_outlook.third_most_jobs", state).message for state in others]
    assert ["most jobs" in messages[0], "second" in messages[1], "fourth" in messages[2]] == [True, True, True]
    for message in messages:
        assert third not in message and abbr not in message


def test_states_for_half_is_the_first_count_past_half_the_sum():
    employment = load_state_wages(2024).employment.sort_values(ascending=False).tolist()
    needed = next(k for k in range(1, len(employment) + 1) if 2 * sum(employment[:k]) >= sum(employment))
    assert evaluate("job_outlook.states_for_half", needed).status == CORRECT
    assert "just below half" in evaluate("job_outlook.states_for_half", needed - 1).message
    assert "one state too many" in evaluate("job_outlook.states_for_half", needed + 1).message


def test_employment_chart_is_checked_by_its_structure():
    jobs = outlook.employment_by_state()
    good = alt.Chart(jobs).mark_bar().encode(x=alt.X("employment:Q", title="Jobs"), y=alt.Y("state:N", sort="-x"),
                                             tooltip=["state", "employment"])
    assert evaluate("job_outlook.employment_chart", good).status == CORRECT
    line = alt.Chart(jobs).mark_line().encode(x="employment:Q", y="state:N", tooltip=["state"])
    assert "one bar per state" in evaluate("job_outlook.employment_chart", line).message
    swapped = alt.Chart(jobs).mark_bar().encode(x="state:N", y="employment:Q", tooltip=["state"])
    assert "swapped" in evaluate("job_outlook.employment_chart", swapped).message
    no_tooltip = alt.Chart(jobs).mark_bar().encode(x="employment:Q", y="state:N")
    assert "no tooltip" in evaluate("job_outlook.employment_chart", no_tooltip).message
    wrong_field = alt.Chart(jobs).mark_bar().encode(x="rank_derived:Q", y="state:N", tooltip=["state"])
    assert "May 2024 employment (employment)" in evaluate("job_outlook.employment_chart", wrong_field).message


# --------------------------------------------------------------------------- no message gives the answer away


def wrong_numbers(expected: float) -> list[float]:
    return [expected + 1000, expected * 10, expected / 10, -expected, expected * 1.5, expected + 3, 0]


@pytest.mark.parametrize("exercise_id, p, expected", [
    ("salary_by_state.rank_of_state", salary_p(), lambda p: salary.exercise_rank_of_state(p)),
    ("salary_by_state.rank_of_state", salary_p(state="ny", year=2023), lambda p: salary.exercise_rank_of_state(p)),
    ("salary_by_state.hourly_equivalent", salary_p(), lambda p: salary.exercise_hourly_equivalent(p)),
    ("salary_by_state.hourly_equivalent", salary_p(state="MS", measure="mean"), lambda p: salary.exercise_hourly_equivalent(p)),
    ("salary_by_state.states_above_national_median", salary_p(), lambda p: salary.exercise_states_above_national_median(p)),
    ("salary_by_state.states_above_national_median", salary_p(year=2023),
     lambda p: salary.exercise_states_above_national_median(p)),
    ("job_outlook.projected_employment", outlook_p(), lambda p: outlook.exercise_projected_employment(p)),
    ("job_outlook.projected_employment", outlook_p(horizon_year=2030, growth_override_pct=4),
     lambda p: outlook.exercise_projected_employment(p)),
    ("job_outlook.states_for_half", None, lambda p: _states_for_half()),
])
def test_wrong_answers_never_show_the_expected_value(exercise_id, p, expected):
    value = expected(p)
    answers = wrong_numbers(value) + ["a lot", [value, value], pd.DataFrame({"x": [1, 2]}), True]
    for answer in answers:
        feedback = evaluate(exercise_id, answer, p)
        assert feedback.status == NOT_YET, (answer, feedback)
        assert not shows(feedback.message, value), (answer, feedback.message)


def _states_for_half() -> int:
    employment = load_state_wages(2024).employment.sort_values(ascending=False).cumsum()
    return int((employment < employment.iloc[-1] / 2).sum()) + 1


def test_the_renderings_check_can_fail():
    assert shows("Not yet: the answer is 28.70 an hour.", 28.701923076923077) == ["28.70"]
    assert shows("close, but not within ±1 of it", 1.0) == ["1"]
    assert not shows("2,080 hours", 7)


# --------------------------------------------------------------------------- the notebooks


# (Tags, headings and checks of the Exercises section: tests/test_notebooks.py.)




@pytest.mark.notebook
def test_salary_solutions_pass_every_check_for_another_state(tmp_path):
    outputs = run_strict(SALARY_NB, tmp_path, "-p", "state", "Mississippi", "-p", "measure", "mean")
    assert len(outputs) == 3 and all(": Correct." in text for text in outputs), outputs


@pytest.mark.notebook
def test_outlook_solutions_pass_every_check_for_a_what_if(tmp_path):
    outputs = run_strict(OUTLOOK_NB, tmp_path, "-p", "horizon_year", "2030", "-p", "growth_override_pct", "4")
    assert len(outputs) == 4 and all(": Correct." in text for text in outputs), outputs
