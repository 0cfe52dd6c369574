"""The summary every report opens with (each topic's ``report_summary``, the index's ``kit_summary``):
computed from the helpers, every item sourced and labelled, a missing figure said to be missing."""

from __future__ import annotations

import pytest

from analysis.build.index import kit_summary
from analysis.core.topics import TOPICS, topic_module
from analysis.data.states import lookup_state
from analysis.present.report_summary import KINDS
from analysis.topics import job_outlook as outlook
from analysis.topics import salary_by_state as salary
from analysis.topics import state_report as report

CASES = [(topic, values) for topic in TOPICS for values in [{}, *topic_module(topic).PARAMETERS.examples]]


def _check(result):
    assert result.figures and all(f.kind in KINDS and f.source and f.value for f in result.figures)
    assert result.verdict.kind in KINDS and result.verdict.text
    assert 3 <= len(result.findings) <= 5 and all(f.kind in KINDS and f.text for f in result.findings)
    html = result._repr_html_()
    assert html.count("<li>") == len(result.findings) and "Verdict on the article's claims" in html


@pytest.mark.parametrize("topic, values", CASES, ids=[f"{t}-{i}" for i, (t, _) in enumerate(CASES)])
def test_every_summary_has_sourced_labelled_figures_a_verdict_and_three_to_five_findings(topic, values):
    module = topic_module(topic)
    _check(module.report_summary(module.PARAMETERS.check(values)))


def test_the_index_summary_has_the_same_shape():
    result = kit_summary()
    _check(result)
    assert result.heading == "What the kit finds"


def test_state_summary_figures_are_the_helpers_figures():
    figures = {f.label: f for f in report.report_summary(report.PARAMETERS.check({"state": "TX"})).figures}
    comparison = salary.wage_comparison(lookup_state("TX"), [], 2024, "median").set_index("role")
    own, nation = comparison.loc["chosen state"], salary.national_wage(2024, "median")
    assert figures["Median annual wage, May 2024"].value == f"${int(own.wage_usd):,}"
    assert figures["National median, May 2024"].value == f"${int(nation.value):,}"
    assert figures["Difference from the nation"].value == f"-${int(nation.value - own.wage_usd):,}"
    assert figures["Difference from the nation"].kind == "derived"
    jobs = outlook.employment_by_state().set_index("state_abbr").loc["TX"]
    assert figures["Employment, May 2024"].value == f"{int(jobs.employment):,}"


def test_a_missing_figure_is_said_to_be_missing_not_filled_in():
    # Wyoming has no May 2023 median in data/ (the partial copy stops at North Dakota).
    result = report.report_summary(report.PARAMETERS.check({"state": "WY", "year": 2023}))
    figures = {f.label: f.value for f in result.figures}
    assert figures["Median annual wage, May 2023"] == "not available"
    assert figures["Rank among the areas with a figure"] == "not available"
    assert "no May 2023 median wage for Wyoming" in result.findings[0].text
