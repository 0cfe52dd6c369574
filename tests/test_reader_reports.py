"""What a report reader gets that a notebook user does not need: the summary first (computed, labelled),
column labels for people, notebook-only cells left out by the exporter's tag configuration."""

from __future__ import annotations

import re

import nbformat
import pytest

from analysis import ai_exposure, certification, labels, outlook, report, salary, specialty, summary
from analysis.export import html_report
from analysis.states import lookup_state

PARAMETER_SETS = {
    "state_report": report.PARAMETERS, "salary_by_state": salary.PARAMETERS, "job_outlook": outlook.PARAMETERS,
    "specialty": specialty.PARAMETERS, "certification_premium": certification.PARAMETERS,
    "ai_impact": ai_exposure.PARAMETERS,
}
CASES = [(name, values) for name, declared in PARAMETER_SETS.items() for values in [{}, *declared.examples]]


@pytest.mark.parametrize("name, values", CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(CASES)])
def test_every_summary_has_sourced_labelled_figures_a_verdict_and_three_to_five_findings(name, values):
    result = summary.of(name, PARAMETER_SETS[name].check(values))
    assert result.figures and all(f.kind in summary.KINDS and f.source and f.value for f in result.figures)
    assert result.verdict.kind in summary.KINDS and result.verdict.text
    assert 3 <= len(result.findings) <= 5 and all(f.kind in summary.KINDS for f in result.findings)
    html = result._repr_html_()
    assert html.count("<li>") == len(result.findings) and "Verdict on the article's claims" in html


def test_state_summary_figures_are_the_helpers_figures():
    p = report.PARAMETERS.check({"state": "TX"})
    figures = {f.label: f for f in summary.of("state_report", p).figures}
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
    result = summary.of("state_report", report.PARAMETERS.check({"state": "WY", "year": 2023}))
    figures = {f.label: f.value for f in result.figures}
    assert figures["Median annual wage, May 2023"] == "not available"
    assert figures["Rank among the areas with a figure"] == "not available"
    assert "no May 2023 median wage for Wyoming" in result.findings[0].text


def test_summary_html_escapes_every_value():
    hostile = summary.Summary([summary.Figure("<b>label</b>", "<script>x</script>", "evidence", "a & b")],
                              summary.Finding("<img src=x onerror=alert(1)>", "claim"),
                              [summary.Finding(f"<i>{i}</i>", "derived") for i in range(3)])
    html = hostile._repr_html_()
    assert "<script>" not in html and "<img" not in html and "<i>" not in html and "<b>label" not in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html and "a &amp; b" in html


def test_a_summary_needs_known_kinds_and_three_to_five_findings():
    with pytest.raises(ValueError, match="kind must be one of"):
        summary.Summary([], summary.Finding("x", "guess"), [summary.Finding("y", "derived")] * 3)
    with pytest.raises(ValueError, match="three to five"):
        summary.Summary([], summary.Finding("x", "derived"), [summary.Finding("y", "derived")] * 6)


def test_tables_keep_code_names_in_the_notebook_and_show_labels_in_reports(monkeypatch):
    frame = salary.article_vs_bls(lookup_state("CA"))
    monkeypatch.delenv("MEDCODING_TARGET", raising=False)
    assert "bls_usd" in salary.table_view(frame).to_html()
    monkeypatch.setenv("MEDCODING_TARGET", "html")
    html = salary.table_view(frame).to_html()
    headers = re.findall(r'<th [^>]*class="col_heading[^"]*"[^>]*>([^<]*)</th>', html)
    assert "BLS figure (USD)" in headers and not [h for h in headers if "_" in h], headers


def _cell(kind, source, tags=(), outputs=None):
    cell = nbformat.v4.new_markdown_cell(source) if kind == "markdown" else nbformat.v4.new_code_cell(source)
    if tags:
        cell.metadata["tags"] = list(tags)
    if outputs is not None:
        cell.outputs = outputs
    return cell


def test_exporter_drops_tagged_cells_by_configuration_and_opens_with_the_summary():
    html_output = nbformat.v4.new_output("display_data", data={"text/html": '<section class="medcoding-summary">'
                                                               '<h2 id="summary">Summary</h2></section>'})
    nb = nbformat.v4.new_notebook(cells=[
        _cell("markdown", "# Notebook title", ["notebook-only"]),
        _cell("markdown", "Intro for every reader."),
        _cell("markdown", "**Learning objectives** for students", ["notebook-only"]),
        _cell("code", "state = 'TX'", ["parameters"]),
        _cell("code", "summary.of(...)", ["report-summary"], [html_output]),
        _cell("markdown", "## 1. A section"),
        _cell("markdown", "*Try changing the state*", ["notebook-only"]),
        _cell("markdown", "Solution text", ["exercise"]),
    ])
    page = html_report(nb, title="Report", data_date="May 2024", sources=["a source"])
    for gone in ("Notebook title", "Learning objectives", "Try changing", "Solution text"):
        assert gone not in page
    main = page[page.index("</header>"):]  # after the header and its contents list
    assert main.index('class="medcoding-summary"') < main.index("Intro for every reader.") < main.index("1. A section")
    assert '<html lang="en">' in page and 'name="keywords"' in page
