"""How a report's summary is shown (escaped, kinds in words) and what it may hold; column labels for readers."""

from __future__ import annotations

import re

import pytest

from analysis.data.states import lookup_state
from analysis.present.labels import label_for
from analysis.present.report_summary import Figure, Finding, Summary
from analysis.present.tables import table_view
from analysis.topics import salary_by_state as salary


def test_summary_html_escapes_every_value():
    hostile = Summary([Figure("<b>label</b>", "<script>x</script>", "evidence", "a & b")],
                      Finding("<img src=x onerror=alert(1)>", "claim"),
                      [Finding(f"<i>{i}</i>", "derived") for i in range(3)])
    html = hostile._repr_html_()
    assert "<script>" not in html and "<img" not in html and "<i>" not in html and "<b>label" not in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html and "a &amp; b" in html
    # The kind is written out: colour is never the only cue.
    assert "(evidence)" in html and "(claim)" in html


def test_a_summary_needs_known_kinds_and_three_to_five_findings():
    with pytest.raises(ValueError, match="kind must be one of"):
        Summary([], Finding("x", "guess"), [Finding("y", "derived")] * 3)
    with pytest.raises(ValueError, match="three to five"):
        Summary([], Finding("x", "derived"), [Finding("y", "derived")] * 6)


def test_tables_keep_code_names_in_the_notebook_and_show_labels_in_reports(monkeypatch):
    frame = salary.article_vs_bls(lookup_state("CA"))
    monkeypatch.delenv("MEDCODING_TARGET", raising=False)
    assert "bls_usd" in table_view(frame).to_html()
    monkeypatch.setenv("MEDCODING_TARGET", "html")
    html = table_view(frame).to_html()
    headers = re.findall(r'<th [^>]*class="col_heading[^"]*"[^>]*>([^<]*)</th>', html)
    assert "BLS figure (USD)" in headers and not [h for h in headers if "_" in h], headers


def test_a_column_without_a_label_gets_one_made_from_its_name():
    assert label_for("difference_pct_derived") == "Difference (%, derived)"
    assert label_for("new_p10_usd_derived") == "New 10th percentile (USD, derived)"
