"""The article's claims beside the evidence: verdicts follow one explicit rule, computed from data/.

Expected figures are read from the data files through their loaders (never typed in here), so the
tests check the rule and the wiring; two tests change a data file and watch the verdict follow.
"""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest

from analysis.calc import claims

from analysis.data import evidence

from analysis.data.article import load_job_outlook, load_national_overview, load_state_salaries
from analysis.core.errors import InputError


@pytest.fixture(scope="module")
def table():
    return claims.claims_table().set_index("claim_id")


# ------------------------------------------------------------------ the rule


@pytest.mark.parametrize("claimed, value, expected", [
    (48780, 48780.0, True), (23.45, 23.45, True), (48780, 48779.99, False), (48780, 48780.000001, False),
    (8, 7, False), (20.7, 20.70, True),
])
def test_exact_rule_has_no_tolerance(claimed, value, expected):
    assert claims.satisfies("exact", claimed, value) is expected


def test_open_and_range_rules():
    assert claims.satisfies("at_least", 81000, 81000) and not claims.satisfies("at_least", 81000, 80999)
    assert claims.satisfies("range", 20, 20, 25) and claims.satisfies("range", 20, 25, 25)
    assert not claims.satisfies("range", 20, 25.01, 25) and not claims.satisfies("range", 20, 19.99, 25)
    with pytest.raises(InputError, match="Did you mean 'range'"):
        claims.satisfies("ranges", 1, 1, 2)


def test_verdicts():
    assert claims.verdict("exact", 1, [2, 1]) == "matches"
    assert claims.verdict("exact", 1, [2, 3]) == "differs"
    assert claims.verdict("exact", 1, []) == claims.verdict("exact", 1, [None, pd.NA]) == "no evidence"


# ------------------------------------------------------------------ the table


def test_table_shape_topics_and_verdict_words(table):
    assert table.columns.tolist() == claims.COLUMNS[1:]
    assert set(table.topic) == set(claims.TOPICS) and set(table.verdict) <= set(claims.VERDICTS)
    for topic in claims.TOPICS:
        part = claims.claims_table(topic)
        assert len(part) and part.topic.eq(topic).all()
    assert sum(len(claims.claims_table(t)) for t in claims.TOPICS) == len(table)
    with pytest.raises(InputError, match="Did you mean 'state'"):
        claims.claims_table("states")


def test_evidence_shown_exactly_when_there_is_a_verdict(table):
    has = table.evidence_value.notna()
    assert (has == (table.verdict != "no evidence")).all()
    assert table.evidence_source[has].str.startswith("data/").all()
    assert table.evidence_label[has].notna().all() and table.note.str.len().gt(0).all()


def test_verdict_agrees_with_the_long_form():
    long = claims.comparisons()
    summary = claims.claims_table().set_index("claim_id")
    for claim_id, rows in long.groupby("claim_id"):
        candidates = rows[rows.candidate & rows.evidence_value.notna()]
        expected = "no evidence" if candidates.empty else "matches" if candidates.satisfies.any() else "differs"
        assert summary.loc[claim_id, "verdict"] == expected, claim_id


def test_national_median_matches_may_2023(table):
    for claim_id in ("national.median_annual", "source.bls_median", "national.median_hourly"):
        row = table.loc[claim_id]
        assert row.verdict == "matches" and row.evidence_label.startswith("BLS OEWS May 2023"), claim_id
    overview = load_national_overview().set_index("claim_id")
    assert table.loc["national.median_annual", "evidence_value"] == evidence.national_fact("May 2023", "annual_median").value
    assert float(overview.loc["national.median_hourly", "hourly_wage_usd"]) == table.loc["national.median_hourly", "evidence_value"]


def test_no_state_salary_matches_any_bls_figure(table):
    article = load_state_salaries()
    figures = {(y, m): evidence.state_wage_measure(y, m).set_index("state_abbr").wage_usd
               for y in (2023, 2024) for m in ("mean", "median")}
    for row in article.itertuples():
        values = [float(f[row.state_abbr]) for f in figures.values() if pd.notna(f[row.state_abbr])]
        assert len(values) >= 3
        assert int(row.annual_mean_usd) not in values
        nearest = min(values, key=lambda v: abs(v - int(row.annual_mean_usd)))
        shown = table.loc[row.claim_id]
        assert shown.verdict == "differs" and shown.evidence_value == nearest, row.claim_id
        assert shown.difference_derived == int(row.annual_mean_usd) - nearest
    assert (table.topic == "state").sum() == len(article) == 15


def test_employment_claim_differs_from_the_ep_base(table):
    row = table.loc["outlook.current_employment"]
    claimed = int(load_job_outlook().set_index("claim_id").loc["outlook.current_employment", "count"])
    base = float(evidence.national_fact("2024", "base_employment", "EP 2024-34").value)
    assert row.verdict == "differs" and row.evidence_value == base and row.difference_derived == claimed - base
    assert f"about {(claimed - base) / base * 100:.1f}% higher (derived)" in row.note


def test_growth_claim_mixes_two_projection_rounds(table):
    row = table.loc["outlook.projected_growth"]
    this_round = evidence.national_fact("2024-34", "pct_change", "EP 2024-34").value
    next_round = evidence.national_fact("2025-35", "pct_change", "EP 2025-35").value
    assert row.verdict == "differs" and row.evidence_value == this_round
    assert row.claimed_value == next_round and f"It equals instead: BLS EP 2025-35, percent change, {next_round:g}%" in row.note


def test_openings_claims_differ_from_both_rounds(table):
    for claim_id in ("outlook.annual_openings", "outlook.annual_openings_cta"):
        row = table.loc[claim_id]
        assert row.verdict == "differs"
        assert row.evidence_value == evidence.national_fact("2024-34", "annual_openings", "EP 2024-34").value
        assert "14,000" in row.note  # the 2025-35 round, shown for context


def test_average_salary_has_no_like_for_like_figure(table):
    row = table.loc["national.average_annual"]
    assert row.verdict == "no evidence" and pd.isna(row.evidence_value)
    may_2024 = evidence.national_fact("May 2024", "annual_median").value
    assert f"May 2024, national annual median (a different measure), ${may_2024:,.0f}" in row.note


@pytest.mark.parametrize("claim_id", ["premium.cpc_premium_pct", "premium.aapc_certified_premium_pct",
                                      "premium.cpc_premium_usd", "premium.three_plus_certs_average_salary"])
def test_certification_figures_differ_from_every_survey(table, claim_id):
    assert table.loc[claim_id, "verdict"] == "differs"
    rows = claims.comparisons("certification")
    assert not rows[(rows.claim_id == claim_id) & rows.candidate].satisfies.any()


def test_stated_survey_premiums_are_candidates():
    rows = claims.comparisons("certification")
    rows = rows[rows.claim_id == "premium.cpc_premium_pct"]
    stated = evidence.load_certification_surveys().query("measure == 'certified_premium_pct_stated'").value
    assert sorted(rows[rows.evidence_label.str.contains("stated premium")].evidence_value) == sorted(stated)


# ------------------------------------------------------------------ verdicts follow the data


def _set_cell(path, match: dict, column: str, value: str) -> None:
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    hits = [r for r in rows if all(r[k] == v for k, v in match.items())]
    assert len(hits) == 1
    hits[0][column] = value
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def test_a_state_figure_equal_to_the_claim_turns_the_verdict(data_copy):
    claimed = int(load_state_salaries().set_index("state_abbr").loc["CA", "annual_mean_usd"])
    _set_cell(data_copy / evidence.STATE_WAGE_FILES[2024], {"state_abbr": "CA"}, "annual_mean_usd", str(claimed))
    row = claims.claims_table("state").set_index("claim_id").loc["state.ca"]
    assert row.verdict == "matches" and row.evidence_label == "BLS OEWS May 2024, California annual mean"


def test_a_median_one_dollar_off_is_not_a_match(data_copy):
    _set_cell(data_copy / evidence.NATIONAL_FACTS_FILE, {"period": "May 2023", "measure": "annual_median"}, "value", "48781")
    row = claims.claims_table("national").set_index("claim_id").loc["national.median_annual"]
    assert row.verdict == "differs" and row.difference_derived == -1
