"""The report's opening summary.
"""

from __future__ import annotations

from analysis.present.formats import money, percent
from analysis.present.report_summary import Figure, Finding, Summary, plain

from analysis.topics.specialty.specialties import BASELINE, hcc_check, specialty_table
from analysis.topics.specialty.parameters import PARAMETERS


def report_summary(p) -> Summary:
    """The report's opening summary: the chosen specialty's range and premium, and the HCC claim checked.

    >>> s = report_summary(PARAMETERS.check({}))
    >>> s.figures[0].kind, s.figures[1].kind
    ('claim', 'derived')
    """
    table = specialty_table().set_index("specialty")
    row = table.loc[p.specialty]
    top = table.midpoint_usd_derived.idxmax()
    figures = [
        Figure(f"{p.specialty}: the article's range", f"{money(row.salary_low_usd)}-{money(row.salary_high_usd)}",
               "claim", "the article's specialty table (no source or year)"),
        Figure("Midpoint of the range", money(row.midpoint_usd_derived), "derived", "(low + high) / 2"),
        Figure(f"Premium over {BASELINE}", percent(row.premium_midpoint_pct_derived, sign=True), "derived",
               "midpoint against the baseline's midpoint"),
        Figure("Highest midpoint of the ten", f"{top}, {money(table.midpoint_usd_derived.max())}", "derived",
               "the article's own table"),
    ]
    check = hcc_check().set_index("question")
    question = "highest midpoint of the ten?"
    verdict = Finding("The article calls Risk Adjustment/HCC the \"highest-paying\" specialty: by its own table that is "
                      f"{'true' if check.loc[question, 'answer'] == 'yes' else 'not so'} "
                      f"({plain(check.loc[question, 'detail'])}). No specialty figure has a source, so none can be "
                      "checked against BLS.", "derived")
    above = int((table.premium_midpoint_pct_derived > 20).sum())
    findings = [
        Finding(f"{p.specialty} pays {percent(row.premium_midpoint_pct_derived)} more than general outpatient coding at "
                "the midpoints of the article's ranges.", "derived"),
        Finding(f"{above} of the ten specialties beat general outpatient coding by more than 20% in the article's "
                "own table.", "derived"),
        Finding("data/ holds no salary by specialty from BLS or any survey: every specialty figure here is the "
                "article's.", "evidence"),
    ]
    return Summary(figures, verdict, findings)
