"""The report's opening summary.
"""

from __future__ import annotations

from analysis.data.ai_exposure import RATER_NAMES, load_exposure
from analysis.present.report_summary import Figure, Finding, Summary

from analysis.topics.ai_impact.ranks import standing
from analysis.topics.ai_impact.raters import agreement_summary
from analysis.topics.ai_impact.claims import article_claims
from analysis.topics.ai_impact.parameters import PARAMETERS


def report_summary(p) -> Summary:
    """The report's opening summary: where the occupation stands, rater agreement, the scenario's nature.

    >>> s = report_summary(PARAMETERS.check({}))
    >>> s.figures[0].kind, s.verdict.kind
    ('evidence', 'claim')
    """
    own = standing(p.rater, p.exposure_measure, p.compare_with).iloc[0]
    agreement = agreement_summary(p.exposure_measure).set_index("statistic").value
    pearson = next(v for k, v in agreement.items() if k.startswith("Pearson"))
    source = load_exposure().attrs.get("source", {}).get("title", "GPTs are GPTs")
    figures = [
        Figure(f"Exposure rating ({RATER_NAMES[p.rater]}, {p.exposure_measure})", f"{own.rating:.3f}", "evidence", source),
        Figure("Percentile rank among the rated occupations",
               f"{own.percentile_rank_derived:.1f} of 100 ({int(own.n_occupations)} occupations)", "derived",
               "100 x (lower + half the ties) / all"),
        Figure("Agreement of GPT-4 and human raters", f"r = {pearson:.2f}", "derived", "Pearson correlation"),
    ]
    findings = [
        Finding(f"Medical Records Specialists are rated more exposed than {int(own.n_lower)} of "
                f"{int(own.n_occupations)} occupations: an LLM could speed up some of their tasks, which is not "
                "the same as replacing the job.", "derived"),
        Finding(f"GPT-4 and the human raters agree only loosely across occupations (r = {pearson:.2f}).", "derived"),
        Finding("How many coding jobs AI removes is not in any data here; the report's scenario is arithmetic on "
                "assumptions you set, not a forecast.", "assumption"),
    ]
    verdict = Finding(f"The article's {len(article_claims())} statements on AI are qualitative, with no figure or "
                      "source, so none can be marked as matching or differing; the ratings can only give them "
                      "context.", "claim")
    return Summary(figures, verdict, findings)
