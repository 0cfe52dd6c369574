"""analysis.topics.certification_premium: the article's own premium arithmetic, how far the sources disagree, payback,
present value, the earnings-path scenario, and parameters that refuse bad values with a clear message."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from analysis.data import article

from analysis.topics import certification_premium as cert
from analysis.core.errors import InputError
from analysis.data.evidence import load_certification_surveys


# --------------------------------------------------------------------------- the article's own arithmetic


def test_article_premium_is_55000_minus_43000():
    claims = article.load_certification_premium().set_index("claim_id")
    cpc = int(claims.loc["premium.cpc_average_salary", "salary_low_usd"])
    plain = int(claims.loc["premium.non_certified_average_salary", "salary_low_usd"])
    assert (cpc, plain) == (55000, 43000)
    basis = cert.premium_basis("article", 1)
    assert (basis.with_usd, basis.without_usd) == (cpc, plain)
    assert basis.premium_usd_derived == 12000 == int(claims.loc["premium.cpc_premium_usd", "premium_usd"])


def test_article_percent_is_12000_over_43000_which_is_about_28():
    claims = article.load_certification_premium().set_index("claim_id")
    stated = claims.loc["premium.cpc_premium_pct"]
    derived = cert.premium_basis("article", 1).premium_pct_derived
    assert derived == pytest.approx(12000 / 43000 * 100)
    assert round(derived, 1) == 27.9
    assert round(derived) == stated.pct_low == 28 and bool(stated.approx)  # "about 28%"


def test_article_status_table_implies_yet_another_premium():
    view = cert.certification_status_view(["CPC"])
    assert view.midpoint_usd_derived.tolist() == [39000, 53000]
    assert view.premium_midpoint_pct_derived.iloc[1] == pytest.approx(14000 / 39000 * 100)


# --------------------------------------------------------------------------- sources


@pytest.fixture(scope="module")
def sources():
    return cert.premium_sources()


def test_every_survey_premium_is_recomputed_from_its_own_averages(sources):
    surveys = load_certification_surveys()
    rows = sources[sources.source_key != "article"].set_index("source_key")
    assert list(rows.index) == list(cert.SURVEYS)
    for key, name in cert.SURVEYS.items():
        values = surveys[surveys.survey == name].set_index("measure").value
        with_ = next(values[m] for m in ("certified_avg", "certified_approx") if m in values)
        without = next(values[m] for m in ("non_certified_avg", "non_certified_avg_approx", "non_certified_approx") if m in values)
        assert rows.loc[key, "premium_pct_derived"] == pytest.approx((with_ - without) / without * 100)
        assert rows.loc[key, "premium_usd_derived"] == with_ - without


def test_stated_percentages_are_kept_as_printed(sources):
    by_label = sources.set_index("label")
    stated = sources.dropna(subset=["stated_pct_low"])
    assert sorted(set(stated.stated_pct_low)) == [18.0, 20.0, 20.7, 27.0, 28.0, 33.0]
    assert by_label.loc["AAPC 2023 Salary Report (2022 salaries)", "stated_text"] == "'almost 18' percent"
    plan = by_label.loc["article: salary plan, Year 1–2"]
    assert (plan.stated_pct_low, plan.stated_pct_high) == (20.0, 25.0) and pd.isna(plan.premium_pct_derived)


def test_a_percent_without_averages_is_not_recomputed(sources):
    row = sources.set_index("label").loc['article: premium section, "AAPC reports"']
    assert row.stated_pct_low == 20.7 and pd.isna(row.without_usd) and pd.isna(row.premium_pct_derived)


def test_the_2020_survey_keeps_its_39_percent_in_words_only(sources):
    row = sources.set_index("source_key").loc["survey_2020"]
    assert pd.isna(row.stated_pct_low)
    assert "(39% higher)" in row.source_detail
    assert round(row.premium_pct_derived, 1) == 38.8


def test_why_sources_differ_states_the_computed_spread(sources):
    text = cert.why_sources_differ(sources).data
    derived = sources.premium_pct_derived.dropna()
    assert f"from {derived.min():.1f}% to {derived.max():.1f}%" in text
    assert "from 18% to 33%" in text and "12,000 / 43,000 = 27.9%" in text
    assert "self-reported" in text


def test_sources_chart_highlights_the_chosen_source(sources):
    spec = cert.sources_chart(sources, "aapc_older").to_dict()
    rows = next(iter(spec["datasets"].values()))
    assert [r["label"] for r in rows if r["chosen"]] == ["AAPC salary survey (older page version)"]


# --------------------------------------------------------------------------- premium basis by number of credentials


def test_multi_credential_figures_are_used_where_a_source_has_them():
    assert cert.premium_basis("aapc_older", 2).with_usd == 64890
    assert cert.premium_basis("aapc_older", 3).with_usd == 70608
    assert cert.premium_basis("aapc_2023", 3).with_usd == 71361
    assert cert.premium_basis("survey_2020", 4).with_usd == 68590
    fallback = cert.premium_basis("aapc_page", 2)
    assert fallback.with_usd == 60097 and "no two-credential average" in fallback.note


def test_article_three_plus_is_a_lower_bound():
    basis = cert.premium_basis("article", 3)
    assert basis.with_usd == 81000 and basis.with_is_floor
    text = cert.value_summary(basis, cert.Costs(3, 425, 190, 80, 23.45), 0.03, 10).data
    assert "Premium, at least $38,000 a year" in text


# --------------------------------------------------------------------------- payback and present value


def test_costs_count_one_exam_and_one_study_plan_per_credential():
    costs = cert.Costs(2, 425, 190, 80, 23.45)
    assert costs.exams_usd == 850 and costs.study_time_usd == pytest.approx(2 * 80 * 23.45)
    assert costs.upfront_usd == pytest.approx(850 + 3752)


def test_payback_is_upfront_over_yearly_net_gain():
    assert cert.payback_years(2301, 11810) == pytest.approx(2301 / 11810)
    assert cert.payback_years(1000, 250) == 4.0
    assert cert.payback_years(1000, 0) is None and cert.payback_years(1000, -5) is None


@pytest.mark.parametrize("net, rate, years, upfront", [(11810, 0.03, 10, 2301), (1000, 0.07, 1, 0), (500, 0.0, 7, 100), (9969, 0.1, 40, 5000)])
def test_present_value_equals_the_discounted_sum(net, rate, years, upfront):
    expected = -upfront + sum(net / (1 + rate) ** t for t in range(1, years + 1))
    assert cert.present_value(net, rate, years, upfront) == pytest.approx(expected)


def test_present_value_refuses_a_negative_rate():
    with pytest.raises(InputError, match="must be at least 0"):
        cert.present_value(1000, -0.01, 5)


def test_year_by_year_table_adds_up_to_the_present_value():
    basis, costs = cert.premium_basis("aapc_2023"), cert.Costs(1, 425, 190, 80, 23.45)
    table = cert.value_over_horizon(basis, costs, 0.05, 8)
    assert len(table) == 9 and table.net_usd_derived.iloc[0] == -costs.upfront_usd
    assert table.cumulative_pv_usd_derived.iloc[-1] == pytest.approx(cert.present_value(9969 - 190, 0.05, 8, costs.upfront_usd))


def test_value_summary_reports_payback_and_present_value():
    text = cert.value_summary(cert.premium_basis("article"), cert.Costs(1, 425, 190, 80, 23.45), 0.03, 10).data
    pv = cert.present_value(11810, 0.03, 10, 2301)
    assert "$12,000 a year" in text and "0.19 years" in text and f"+${round(pv, 2):,.2f}" in text


def test_payback_never_when_membership_eats_the_premium():
    text = cert.value_summary(cert.premium_basis("article"), cert.Costs(1, 425, 20000, 80, 23.45), 0.03, 10).data
    assert "Payback: never" in text


def test_pv_by_source_uses_the_same_assumptions_for_every_source():
    costs = cert.Costs(1, 425, 190, 80, 23.45)
    table = cert.pv_by_source(costs, 0.03, 10, 1).set_index("source_key")
    for key in table.index:
        net = cert.premium_basis(key).premium_usd_derived - 190
        assert table.loc[key, "present_value_usd_derived"] == pytest.approx(cert.present_value(net, 0.03, 10, costs.upfront_usd))


# --------------------------------------------------------------------------- earnings path scenario


def test_each_year_takes_the_lowest_rung_that_covers_it():
    path = article.load_career_path()
    for year in range(0, 20):
        rung = cert.ladder_rung_for_year(year)
        covering = path[(path.years_low <= year) & (path.years_high.astype("Float64").fillna(999) >= year)]
        assert rung.level == covering.level.min()


def test_earnings_path_uses_rung_midpoints_and_the_stated_premium():
    basis = cert.premium_basis("aapc_older")
    path = cert.earnings_path(basis, 12)
    ladder = article.load_career_path().set_index("title")
    for row in path.itertuples():
        mid = (ladder.loc[row.rung, "salary_low_usd"] + ladder.loc[row.rung, "salary_high_usd"]) / 2
        assert row.with_credential_usd_derived == mid
        assert row.without_premium_model_usd_derived == pytest.approx(mid / (1 + basis.premium_pct_derived / 100))
        assert row.without_entry_only_usd_derived == (38000 + 44000) / 2
    assert len(path) == 12


# --------------------------------------------------------------------------- parameters


def test_every_allowed_credential_is_named_in_the_article():
    mentions = cert.article_credentials().set_index("credential").mentions
    assert (mentions >= 1).all() and list(mentions.index) == list(cert.CREDENTIALS)


@pytest.mark.parametrize("held, claim, left_out", [
    (["CPC"], "certification.cpc", []), (["CPC", "CEDC"], "certification.cpc_specialty", []),
    (["CCS"], "certification.ccs", []), (["CPC", "CCS"], "certification.cpc_ccs", []),
    (["CPC", "RHIA"], "certification.cpc", ["RHIA"]), (["CRC"], None, ["CRC"]),
])
def test_credentials_map_to_the_article_status_rows(held, claim, left_out):
    assert cert.status_claim_for(held) == (claim, left_out)


def test_defaults_and_examples_are_valid():
    assert len(cert.PARAMETERS.examples) >= 3
    for example in [{}] + cert.PARAMETERS.examples:
        cert.PARAMETERS.check(example)


def test_study_hour_value_default_is_the_bls_figure_it_claims_to_be():
    assert cert.PARAMETERS.defaults()["study_hour_value_usd"] == cert.study_hour_value_basis()


def test_every_assumption_parameter_documents_its_basis():
    for name in ("discount_rate", "exam_cost_usd", "membership_cost_usd", "study_hours", "study_hour_value_usd"):
        doc = cert.PARAMETERS.params[name].doc
        assert doc.startswith("ASSUMPTION.") and "Default" in doc, name


def test_credentials_from_the_command_line_are_split_checked_and_deduplicated():
    assert cert.PARAMETERS.check({"credentials": "cpc, CRC,CPC"}).credentials == ["CPC", "CRC"]


@pytest.mark.parametrize("values, pattern", [
    ({"credentials": "CPCC"}, "Did you mean 'CPC'"),
    ({"credentials": []}, "name at least one credential"),
    ({"premium_source": "aapc2023"}, "Did you mean 'aapc_2023'"),
    ({"discount_rate": -0.02}, "discount_rate=-0.02: must be at least 0"),
    ({"horizon_years": 2.5}, "must be a whole number"),
    ({"discount": 0.05}, "Did you mean 'discount_rate'"),
])
def test_bad_values_are_refused_with_what_is_allowed(values, pattern):
    with pytest.raises(InputError, match=re.escape(pattern)) as info:
        cert.PARAMETERS.check(values)
    assert "Allowed:" in str(info.value)
