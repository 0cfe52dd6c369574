"""The report's opening summary, and the figures and findings the state report reuses.
"""

from __future__ import annotations

from analysis.data.evidence import STATE_WAGE_FILES
from analysis.data.states import State
from analysis.present.formats import missing, money, rank_text, signed_money
from analysis.present.report_summary import Figure, Finding, Summary, first_sentence, plain

from analysis.topics.salary_by_state.parameters import PARAMETERS
from analysis.topics.salary_by_state.wages import national_wage, ranked_wages, wage_comparison
from analysis.topics.salary_by_state.remote import remote_work


def report_summary(p) -> Summary:
    """The report's opening summary: the state beside the nation and its peers, the claim, remote work.

    >>> s = report_summary(PARAMETERS.check({"state": "TX"}))
    >>> s.figures[0].label, s.figures[0].value, s.figures[0].kind
    ('Median annual wage, May 2024', '$47,230', 'evidence')
    """
    figures, facts = wage_figures(p.state, p.year, p.measure)
    comparison = wage_comparison(p.state, p.compare_with, p.year, p.measure)
    states = comparison[comparison.role != "national"].dropna(subset=["wage_usd"])
    states = states[states.state_abbr != "US"]
    findings = [wage_finding(p.state, p.year, p.measure, facts)]
    if len(states) > 1:
        top = states.sort_values("wage_usd", ascending=False).iloc[0]
        findings.append(Finding(f"Of the states compared ({', '.join(states.area)}), {top.area} pays most at the May "
                                f"{p.year} {p.measure} ({money(top.wage_usd)}).", "derived"))
    findings.append(remote_finding(p.state, p.employer_state, p.year, p.measure))
    findings.append(Finding("May 2023 and May 2024 are two separate BLS estimates, not a trend: a change between "
                            "them can be sampling noise.", "evidence"))
    return Summary(figures, state_claim_verdict(p.state), findings)


def wage_figures(state: State, year: int, measure: str) -> tuple[list[Figure], dict]:
    """The key wage figures of a summary (the state's wage, the nation's, the difference, the rank), and
    the rows they come from (for :func:`wage_finding`)."""
    ranked = ranked_wages(year, measure)
    own = wage_comparison(state, [], year, measure).set_index("role").loc["chosen state"]
    national = national_wage(year, measure)
    source = plain(ranked.attrs.get("source_text", "BLS OEWS"))
    figures = [
        Figure(f"{measure.capitalize()} annual wage, May {year}", money(own.wage_usd), "evidence", source),
        Figure(f"National {measure}, May {year}", money(None if national is None else national.value), "evidence",
               "not in data/" if national is None else f"BLS OEWS May {year} ({national.source_quality})"),
        Figure("Difference from the nation", signed_money(own.difference_from_national_usd_derived), "derived",
               "state wage minus national wage"),
        Figure("Rank among the areas with a figure", rank_text(own.rank_derived, own.areas_ranked), "derived",
               "1 = highest; salary_by_state.ranked_wages"),
    ]
    return figures, {"own": own, "national": national}


def wage_finding(state: State, year: int, measure: str, facts: dict) -> Finding:
    """The state's wage against the nation's in one sentence (or why it cannot be said)."""
    own, national = facts["own"], facts["national"]
    if missing(own.wage_usd):
        return Finding(f"data/ holds no May {year} {measure} wage for {state.name}; none is filled in.", "evidence")
    if national is None:
        return Finding(f"{state.name}'s May {year} {measure} wage is {money(own.wage_usd)}; data/ holds no national "
                       f"{measure} for May {year} to compare it with.", "evidence")
    gap = own.difference_from_national_usd_derived
    side = "more than" if gap > 0 else "less than" if gap < 0 else "the same as"
    amount = "" if gap == 0 else f"{money(abs(gap))} "
    return Finding(f"Medical records specialists in {state.name} earn {amount}{side} the nation at the May {year} "
                   f"{measure} ({money(own.wage_usd)} against {money(national.value)}), rank "
                   f"{rank_text(own.rank_derived, own.areas_ranked)}.", "derived")


def state_claim_verdict(state: State) -> Finding:
    """The verdict on the article's salary for ``state``, and on its state salaries as a whole."""
    from analysis.calc import claims

    table = claims.claims_table("state")
    total, counts = claims.count_verdicts(table)
    table = table.set_index("claim_id")
    key = f"state.{state.abbr.lower()}"
    surveys = " or ".join(f"May {year}" for year in sorted(STATE_WAGE_FILES))  # every year data/ holds
    overall = (f"Of the {total} state salaries the article lists, {counts['matches']} match a BLS mean or median "
               f"for {surveys} and {counts['differs']} differ.")
    if key not in table.index:
        return Finding(f"The article lists no salary for {state.name}. {overall}", "derived")
    row = table.loc[key]
    return Finding(f"The article's figure for {state.name}: {row.verdict}. {first_sentence(row.note)} {overall}",
                   "derived")


def remote_finding(state: State, employer: State, year: int, measure: str) -> Finding:
    """The remote-work arithmetic in one sentence: what the employer state's wage would change."""
    remote = remote_work(state, employer, year, measure)
    if missing(remote.local_usd) or missing(remote.employer_usd):
        return Finding(f"The remote-work arithmetic needs both states' May {year} {measure} wages; data/ lacks one, "
                       "so it is not done.", "evidence")
    if state == employer:
        return Finding(f"With an employer in {state.name} itself, working remotely changes nothing in wages.", "derived")
    return Finding(f"Working from {state.name} for an employer in {employer.name} that paid {employer.name}'s "
                   f"{measure} (an assumption) would mean {signed_money(remote.employer_usd - remote.local_usd)} a year; "
                   f"the article's {money(remote.commute_savings_low_usd)}-{money(remote.commute_savings_high_usd)} "
                   "of commute savings is its own claim.", "assumption")
