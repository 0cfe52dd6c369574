"""The report's opening summary.
"""

from __future__ import annotations

from analysis.present.formats import count, percent
from analysis.present.report_summary import Figure, Finding, Summary, first_sentence, plain, verdict_text

from analysis.topics.job_outlook.projections import projection
from analysis.topics.job_outlook.parameters import PARAMETERS
from analysis.topics.job_outlook.employment import employment_by_state


def report_summary(p) -> Summary:
    """The report's opening summary: the projection, and the article's outlook figures beside BLS.

    >>> s = report_summary(PARAMETERS.check({}))
    >>> s.figures[1].label, s.figures[1].kind
    ('Change 2024-2034', 'evidence')
    """
    from analysis.calc import claims

    proj = projection(p.projection_round, p.horizon_year, p.growth_override_pct)
    r = proj.round
    kind = "claim" if r.key == "article" else "evidence"
    projected = "assumption" if p.growth_override_pct is not None else "derived"
    figures = [
        Figure(f"Employment in {r.start_year}", count(r.base_employment), kind, r.label),
        Figure(f"Change {r.start_year}-{r.end_year}", percent(r.pct_change, sign=True), kind, r.label),
        Figure("Openings a year", count(r.annual_openings), kind, r.label),
        Figure(f"Projected employment in {proj.horizon_year}", count(proj.projected_employment_derived), projected,
               "base x (1 + change x share of the period elapsed), linear"),
    ]
    findings = [
        Finding(f"Spread evenly over the {r.label}, employment reaches {count(proj.projected_employment_derived)} in "
                f"{proj.horizon_year}, {count(proj.change_in_jobs_derived)} more than in {r.start_year}.", projected),
    ]
    table = claims.claims_table("outlook").set_index("claim_id")
    for key in ("outlook.current_employment", "outlook.projected_growth"):
        if key in table.index:
            findings.append(Finding(f"The article: {plain(table.loc[key, 'claim'])}. "
                                    f"{first_sentence(table.loc[key, 'note'])}", "derived"))
    jobs = employment_by_state()
    top = jobs.head(3)
    findings.append(Finding(f"{', '.join(top.state)} hold {percent(top.share_of_51_state_sum_pct_derived.sum())} of the "
                            f"jobs the states report (May {jobs.attrs['year']}).", "derived"))
    return Summary(figures, Finding(verdict_text("outlook", "outlook figures"), "derived"), findings)
