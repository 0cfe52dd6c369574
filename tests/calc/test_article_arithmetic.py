"""The article's own arithmetic, redone from data/article/ with the kit's tested helpers.

Where the article's figures follow from each other the test shows how; where they do not (its
"about 28%" lies outside its own "20–25%"), the test pins that finding down.
"""

from __future__ import annotations

import pytest

from analysis.data.article import load_certification_premium, load_national_overview, load_state_salaries
from analysis.data.evidence import national_fact
from analysis.calc.units import HOURS_PER_YEAR, annual_to_hourly, hourly_to_annual, premium


@pytest.fixture(scope="module")
def premium_rows():
    return load_certification_premium().set_index("claim_id")


@pytest.fixture(scope="module")
def overview():
    return load_national_overview().set_index("claim_id")


def test_12000_is_55000_minus_43000(premium_rows):
    certified = int(premium_rows.loc["premium.cpc_average_salary", "salary_low_usd"])
    plain = int(premium_rows.loc["premium.non_certified_average_salary", "salary_low_usd"])
    stated = int(premium_rows.loc["premium.cpc_premium_usd", "premium_usd"])
    assert premium(plain, certified).absolute == stated == 12000


def test_about_28_percent_is_12000_over_43000(premium_rows):
    plain = int(premium_rows.loc["premium.non_certified_average_salary", "salary_low_usd"])
    certified = int(premium_rows.loc["premium.cpc_average_salary", "salary_low_usd"])
    row = premium_rows.loc["premium.cpc_premium_pct"]
    derived = premium(plain, certified).percent
    assert bool(row.approx) and round(derived) == float(row.pct_low) == 28
    assert derived != 28  # hence "about": 27.9...%


def test_the_28_percent_lies_outside_the_articles_own_20_to_25(premium_rows):
    derived = premium(int(premium_rows.loc["premium.non_certified_average_salary", "salary_low_usd"]),
                      int(premium_rows.loc["premium.cpc_average_salary", "salary_low_usd"])).percent
    for claim_id in ("premium.overview_note_cpc_premium_pct", "premium.salary_plan_cpc_premium_pct"):
        low, high = premium_rows.loc[claim_id, ["pct_low", "pct_high"]]
        assert not low <= derived <= high, claim_id


def test_20_7_percent_does_not_follow_from_the_articles_dollars(premium_rows):
    certified = int(premium_rows.loc["premium.cpc_average_salary", "salary_low_usd"])
    plain = int(premium_rows.loc["premium.non_certified_average_salary", "salary_low_usd"])
    stated = float(premium_rows.loc["premium.aapc_certified_premium_pct", "pct_low"])
    gap = certified - plain
    # neither base gives it: 12,000 / 43,000 and 12,000 / 55,000
    assert round(gap / plain * 100, 1) != stated and round(gap / certified * 100, 1) != stated


def test_hourly_and_annual_median_are_the_same_bls_figure(overview):
    annual = int(overview.loc["national.median_annual", "salary_low_usd"])
    hourly = float(overview.loc["national.median_hourly", "hourly_wage_usd"])
    assert HOURS_PER_YEAR == 2080
    assert annual_to_hourly(annual) == hourly  # 48,780 / 2,080, printed to the cent
    # The other way does not give back the annual figure: BLS divides, it does not multiply a rounded rate.
    assert hourly_to_annual(hourly) != annual and abs(hourly_to_annual(hourly) - annual) < HOURS_PER_YEAR * 0.005
    assert annual == national_fact("May 2023", "annual_median").value
    assert hourly == national_fact("May 2023", "hourly_median").value


def test_state_tables_are_in_rank_order():
    states = load_state_salaries().sort_values("rank")
    for table, rows in states.groupby("table"):
        salaries = rows.annual_mean_usd.tolist()
        assert salaries == sorted(salaries, reverse=True), table
    assert states[states.table == "top10"]["rank"].tolist() == list(range(1, 11))
    assert states[states.table == "lowest"]["rank"].tolist() == list(range(41, 46))
