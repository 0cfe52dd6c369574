"""The summary every report opens with: key figures with their sources, the verdict on the article's
claims, and three to five findings in plain words.

Nothing here is typed in: every figure is read from ``data/`` or computed by the topic helpers
(:mod:`analysis.salary`, :mod:`analysis.outlook`, :mod:`analysis.claims`...), and each carries its kind:
``evidence`` (public data), ``claim`` (the article), ``derived`` (computed by a tested helper) or
``assumption`` (a parameter). A notebook shows its summary with ``summary.of("state_report", p)`` in a
cell tagged ``report-summary``; the report exporter moves that cell to the top of the report.

>>> from analysis.report import PARAMETERS
>>> tx = of("state_report", PARAMETERS.check({"state": "TX"}))
>>> [f.label for f in tx.figures][:2]
['Median annual wage, May 2024', 'National median, May 2024']
>>> tx.figures[0].value, tx.figures[0].kind
('$47,230', 'evidence')
>>> 3 <= len(tx.findings) <= 5
True
>>> of("salary_by_stat", None)
Traceback (most recent call last):
...
analysis.errors.InputError: report='salary_by_stat' is not allowed. Did you mean 'salary_by_state'? Allowed: state_report, salary_by_state, job_outlook, specialty, certification_premium, ai_impact, index.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

import pandas as pd

from .errors import InputError, closest

KINDS = ("evidence", "claim", "derived", "assumption")


@dataclass(frozen=True)
class Figure:
    """One key figure: what it is, its value as shown, its kind and where it comes from."""

    label: str
    value: str
    kind: str
    source: str


@dataclass(frozen=True)
class Finding:
    """One sentence a reader takes away, with its kind."""

    text: str
    kind: str


@dataclass
class Summary:
    """Key figures, the verdict on the article's claims, and three to five findings."""

    figures: list[Figure]
    verdict: Finding
    findings: list[Finding]
    heading: str = "Summary"
    extra: list[str] = field(default_factory=list)

    def __post_init__(self):
        for item in [*self.figures, self.verdict, *self.findings]:
            if item.kind not in KINDS:
                raise ValueError(f"{item!r}: kind must be one of {', '.join(KINDS)}")
        if not 3 <= len(self.findings) <= 5:
            raise ValueError(f"a summary has three to five findings, not {len(self.findings)}")

    def text(self) -> str:
        """The summary as plain text (what a screen reader says, give or take the table)."""
        lines = [self.heading]
        lines += [f"{f.label}: {f.value} ({f.kind}; {f.source})" for f in self.figures]
        lines.append(f"Verdict on the article's claims: {self.verdict.text} ({self.verdict.kind})")
        lines += [f"- {f.text} ({f.kind})" for f in self.findings]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        e = html.escape
        rows = "\n".join(
            f'<tr><th scope="row">{e(f.label)}</th><td class="medcoding-figure-value">{e(f.value)}</td>'
            f"<td>{_kind(f.kind)}</td><td>{e(f.source)}</td></tr>"
            for f in self.figures
        )
        findings = "\n".join(f"<li>{e(f.text)} {_kind(f.kind)}</li>" for f in self.findings)
        return (
            f'<section class="medcoding-summary" aria-labelledby="summary">\n<h2 id="summary">{e(self.heading)}</h2>\n'
            '<table class="medcoding-key-figures">\n<caption>Key figures</caption>\n'
            '<thead><tr><th scope="col">Figure</th><th scope="col">Value</th><th scope="col">Kind</th>'
            '<th scope="col">Source</th></tr></thead>\n'
            f"<tbody>\n{rows}\n</tbody>\n</table>\n"
            f'<p class="medcoding-verdict"><strong>Verdict on the article\'s claims:</strong> {e(self.verdict.text)} '
            f"{_kind(self.verdict.kind)}</p>\n"
            f'<h3 id="findings">Findings</h3>\n<ul class="medcoding-findings">\n{findings}\n</ul>\n'
            + "".join(f"<p>{e(text)}</p>\n" for text in self.extra)
            + "</section>"
        )


def _kind(kind: str) -> str:
    # The kind is written out in words, so colour is never the only cue.
    return f'<span class="medcoding-kind medcoding-kind-{html.escape(kind)}">({html.escape(kind)})</span>'


# ---------------------------------------------------------------------------------------------- formatting


def _money(value) -> str:
    from .salary import _money as money

    return money(value)


def _signed_money(value) -> str:
    from .salary import _signed_money as signed

    return signed(value)


def _count(value) -> str:
    from .salary import _count as count

    return count(value)


def _missing(value) -> bool:
    try:
        return value is None or bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _pct(value, digits: int = 1, sign: bool = False) -> str:
    if _missing(value):
        return "not available"
    text = f"{float(value):+,.{digits}f}" if sign else f"{float(value):,.{digits}f}"
    return text.rstrip("0").rstrip(".") + "%" if "." in text else text + "%"


def _plain(text) -> str:
    return str(text).replace("`", "")


def _first_sentence(text: str) -> str:
    head, dot, _ = str(text).partition(". ")
    return head + ("." if dot or not head.endswith(".") else "")


def _verdict_counts(topic: str) -> tuple[int, dict[str, int]]:
    from . import claims

    table = claims.claims_table(topic)
    counts = table.verdict.value_counts().to_dict()
    return len(table), {v: int(counts.get(v, 0)) for v in claims.VERDICTS}


def _verdict_text(topic: str, what: str) -> str:
    total, counts = _verdict_counts(topic)
    words = {"matches": "match", "differs": "differ", "no evidence": "have no evidence in data/"}
    parts = [f"{n} {words.get(v, v)}" for v, n in counts.items() if n]
    return f"Of the article's {total} {what} checked against the evidence, " + ", ".join(parts) + "."


# ---------------------------------------------------------------------------------------------- wages


def _wage_figures(state, year: int, measure: str) -> tuple[list[Figure], dict]:
    from . import salary

    ranked = salary.ranked_wages(year, measure)
    own = salary.wage_comparison(state, [], year, measure).set_index("role").loc["chosen state"]
    national = salary.national_wage(year, measure)
    source = _plain(ranked.attrs.get("source_text", "BLS OEWS"))
    figures = [
        Figure(f"{measure.capitalize()} annual wage, May {year}", _money(own.wage_usd), "evidence", source),
        Figure(f"National {measure}, May {year}", _money(None if national is None else national.value), "evidence",
               "not in data/" if national is None else f"BLS OEWS May {year} ({national.source_quality})"),
        Figure("Difference from the nation", _signed_money(own.difference_from_national_usd_derived), "derived",
               "state wage minus national wage"),
        Figure("Rank among the areas with a figure",
               "not available" if _missing(own.rank_derived) else f"{int(own.rank_derived)} of {int(own.areas_ranked)}",
               "derived", "1 = highest; salary.ranked_wages"),
    ]
    return figures, {"own": own, "national": national}


def _wage_finding(state, year: int, measure: str, facts: dict) -> Finding:
    own, national = facts["own"], facts["national"]
    if _missing(own.wage_usd):
        return Finding(f"data/ holds no May {year} {measure} wage for {state.name}; none is filled in.", "evidence")
    if national is None:
        return Finding(f"{state.name}'s May {year} {measure} wage is {_money(own.wage_usd)}; data/ holds no national "
                       f"{measure} for May {year} to compare it with.", "evidence")
    gap = own.difference_from_national_usd_derived
    side = "more than" if gap > 0 else "less than" if gap < 0 else "the same as"
    amount = "" if gap == 0 else f"{_money(abs(gap))} "
    return Finding(f"Medical records specialists in {state.name} earn {amount}{side} the nation at the May {year} "
                   f"{measure} ({_money(own.wage_usd)} against {_money(national.value)}), rank "
                   f"{int(own.rank_derived)} of {int(own.areas_ranked)}.", "derived")


def _state_claim_verdict(state) -> Finding:
    from . import claims

    table = claims.claims_table("state").set_index("claim_id")
    key = f"state.{state.abbr.lower()}"
    total, counts = _verdict_counts("state")
    overall = (f"Of the {total} state salaries the article lists, {counts['matches']} match a BLS mean or median "
               f"for May 2023 or May 2024 and {counts['differs']} differ.")
    if key not in table.index:
        return Finding(f"The article lists no salary for {state.name}. {overall}", "derived")
    row = table.loc[key]
    return Finding(f"The article's figure for {state.name}: {row.verdict}. {_first_sentence(row.note)} {overall}",
                   "derived")


def _remote_finding(state, employer, year: int, measure: str) -> Finding:
    from . import salary

    remote = salary.remote_work(state, employer, year, measure)
    if _missing(remote.local_usd) or _missing(remote.employer_usd):
        return Finding(f"The remote-work arithmetic needs both states' May {year} {measure} wages; data/ lacks one, "
                       "so it is not done.", "evidence")
    gap = remote.employer_usd - remote.local_usd
    if state == employer:
        return Finding(f"With an employer in {state.name} itself, working remotely changes nothing in wages.", "derived")
    return Finding(f"Working from {state.name} for an employer in {employer.name} that paid {employer.name}'s "
                   f"{measure} (an assumption) would mean {_signed_money(gap)} a year; the article's "
                   f"{_money(remote.commute_savings_low_usd)}-{_money(remote.commute_savings_high_usd)} of commute "
                   "savings is its own claim.", "assumption")


# ---------------------------------------------------------------------------------------------- reports


def state_report(p) -> Summary:
    """The state report's summary: wage, rank, jobs, the article's claim, remote work, the outlook."""
    from . import outlook

    figures, facts = _wage_figures(p.state, p.year, p.measure)
    jobs = outlook.employment_by_state()
    row = jobs.set_index("state_abbr").loc[p.state.abbr]
    source = jobs.attrs.get("source", {}).get("title", "BLS OEWS May 2024")
    figures.append(Figure("Employment, May 2024", _count(row.employment), "evidence", source))
    bls = outlook.projection_round(p.projection_round)
    figures.append(Figure(f"National projection {bls.start_year}-{bls.end_year}",
                          f"{_pct(bls.pct_change, sign=True)}, {_count(bls.annual_openings)} openings a year",
                          "evidence", bls.label))
    total, counts = _verdict_counts("outlook")
    findings = [
        _wage_finding(p.state, p.year, p.measure, facts),
        Finding(f"{p.state.name} has {_count(row.employment)} of these jobs, rank {int(row.rank_derived)} of "
                f"{len(jobs)} areas and {_pct(row.share_of_51_state_sum_pct_derived)} of the 51-state sum.", "derived"),
        _remote_finding(p.state, p.employer_state, p.year, p.measure),
        Finding(f"Projections exist for the nation only: {_pct(bls.pct_change, sign=True)} over {bls.start_year}-"
                f"{bls.end_year} ({bls.label}). Of the article's {total} outlook figures, {counts['differs']} differ "
                "from BLS.", "derived"),
    ]
    return Summary(figures, _state_claim_verdict(p.state), findings)


def salary_by_state(p) -> Summary:
    """The salary-by-state report's summary: the state beside the nation and its peers, the claim, remote work."""
    from . import salary

    figures, facts = _wage_figures(p.state, p.year, p.measure)
    comparison = salary.wage_comparison(p.state, p.compare_with, p.year, p.measure)
    states = comparison[comparison.role != "national"].dropna(subset=["wage_usd"])
    states = states[states.state_abbr != "US"]
    findings = [_wage_finding(p.state, p.year, p.measure, facts)]
    if len(states) > 1:
        top = states.sort_values("wage_usd", ascending=False).iloc[0]
        findings.append(Finding(f"Of the states compared ({', '.join(states.area)}), {top.area} pays most at the May {p.year} {p.measure} "
                                f"({_money(top.wage_usd)}).", "derived"))
    findings.append(_remote_finding(p.state, p.employer_state, p.year, p.measure))
    findings.append(Finding("May 2023 and May 2024 are two separate BLS estimates, not a trend: a change between "
                            "them can be sampling noise.", "evidence"))
    return Summary(figures, _state_claim_verdict(p.state), findings)


def job_outlook(p) -> Summary:
    """The job-outlook report's summary: the projection, and the article's outlook figures beside BLS."""
    from . import claims, outlook

    proj = outlook.projection(p.projection_round, p.horizon_year, p.growth_override_pct)
    r = proj.round
    kind = "claim" if r.key == "article" else "evidence"
    figures = [
        Figure(f"Employment in {r.start_year}", _count(r.base_employment), kind, r.label),
        Figure(f"Change {r.start_year}-{r.end_year}", _pct(r.pct_change, sign=True), kind, r.label),
        Figure("Openings a year", _count(r.annual_openings), kind, r.label),
        Figure(f"Projected employment in {proj.horizon_year}", _count(proj.projected_employment_derived),
               "assumption" if p.growth_override_pct is not None else "derived",
               "base x (1 + change x share of the period elapsed), linear"),
    ]
    table = claims.claims_table("outlook").set_index("claim_id")
    findings = [
        Finding(f"Spread evenly over the {r.label}, employment reaches {_count(proj.projected_employment_derived)} in "
                f"{proj.horizon_year}, {_count(proj.change_in_jobs_derived)} more than in {r.start_year}.",
                "assumption" if p.growth_override_pct is not None else "derived"),
    ]
    for key in ("outlook.current_employment", "outlook.projected_growth"):
        if key in table.index:
            findings.append(Finding(f"The article: {_plain(table.loc[key, 'claim'])}. "
                                    f"{_first_sentence(table.loc[key, 'note'])}", "derived"))
    jobs = outlook.employment_by_state()
    top = jobs.head(3)
    findings.append(Finding(f"{', '.join(top.state)} hold {_pct(top.share_of_51_state_sum_pct_derived.sum())} of the "
                            "jobs the states report (May 2024).", "derived"))
    return Summary(figures, Finding(_verdict_text("outlook", "outlook figures"), "derived"), findings)


def specialty(p) -> Summary:
    """The specialty report's summary: the chosen specialty's range and premium, and the HCC claim checked."""
    from . import specialty as sp

    table = sp.specialty_table().set_index("specialty")
    row = table.loc[p.specialty]
    top = table.midpoint_usd_derived.idxmax()
    figures = [
        Figure(f"{p.specialty}: the article's range", f"{_money(row.salary_low_usd)}-{_money(row.salary_high_usd)}",
               "claim", "the article's specialty table (no source or year)"),
        Figure("Midpoint of the range", _money(row.midpoint_usd_derived), "derived", "(low + high) / 2"),
        Figure(f"Premium over {sp.BASELINE}", _pct(row.premium_midpoint_pct_derived, sign=True), "derived",
               "midpoint against the baseline's midpoint"),
        Figure("Highest midpoint of the ten", f"{top}, {_money(table.midpoint_usd_derived.max())}", "derived",
               "the article's own table"),
    ]
    check = sp.hcc_check().set_index("question")
    highest = check.loc["highest midpoint of the ten?", "answer"]
    verdict = Finding("The article calls Risk Adjustment/HCC the \"highest-paying\" specialty: by its own table that is "
                      f"{'true' if highest == 'yes' else 'not so'} ({_plain(check.loc['highest midpoint of the ten?', 'detail'])}). "
                      "No specialty figure has a source, so none can be checked against BLS.", "derived")
    above = int((table.premium_midpoint_pct_derived > 20).sum())
    findings = [
        Finding(f"{p.specialty} pays {_pct(row.premium_midpoint_pct_derived)} more than general outpatient coding at "
                "the midpoints of the article's ranges.", "derived"),
        Finding(f"{above} of the ten specialties beat general outpatient coding by more than 20% in the article's "
                "own table.", "derived"),
        Finding("data/ holds no salary by specialty from BLS or any survey: every specialty figure here is the "
                "article's.", "evidence"),
    ]
    return Summary(figures, verdict, findings)


def certification_premium(p) -> Summary:
    """The certification report's summary: the premium by source, and what it is worth under the assumptions."""
    from . import certification as cert

    basis = cert.premium_basis(p.premium_source, len(p.credentials))
    costs = cert.costs_from(p)
    premium = basis.premium_usd_derived
    pv = cert.value_over_horizon(basis, costs, p.discount_rate, p.horizon_years).cumulative_pv_usd_derived.iloc[-1]
    kind = "claim" if p.premium_source == "article" else "evidence"
    figures = [
        Figure(f"Average with the credential ({basis.source_label})", _money(basis.with_usd), kind, basis.with_what),
        Figure(f"Average without ({basis.source_label})", _money(basis.without_usd), kind, "non-certified"),
        Figure("Premium", f"{_money(premium)} a year", "derived", "with minus without"),
        Figure("Discount rate", _pct(100 * p.discount_rate), "assumption", "parameter discount_rate"),
        Figure(f"Present value over {p.horizon_years} years", _signed_money(pv), "derived",
               "certification.present_value, net of the assumed costs"),
    ]
    sources = cert.premium_sources()
    derived = sources.premium_pct_derived.dropna()
    stated = pd.concat([sources.stated_pct_low, sources.stated_pct_high]).dropna()
    findings = [
        Finding(f"The sources state premiums from {_pct(stated.min())} to {_pct(stated.max())}; their own averages give "
                f"{_pct(derived.min())} to {_pct(derived.max())}.", "derived"),
        Finding("None of these figures is BLS data: BLS publishes no split by certification, and the surveys are "
                "self-reported.", "evidence"),
        Finding(f"Under the assumed costs and a {_pct(100 * p.discount_rate)} discount rate, the premium from "
                f"{basis.source_label} is worth {_signed_money(pv)} over {p.horizon_years} years.", "assumption"),
    ]
    return Summary(figures, Finding(_verdict_text("certification", "certification figures"), "derived"), findings)


def ai_impact(p) -> Summary:
    """The AI-impact report's summary: where the occupation stands, rater agreement, the scenario's nature."""
    from . import ai_exposure as ai

    standing = ai.standing(p.rater, p.exposure_measure, p.compare_with).iloc[0]
    agreement = ai.agreement_summary(p.exposure_measure).set_index("statistic").value
    pearson = next(v for k, v in agreement.items() if k.startswith("Pearson"))
    claims = ai.article_claims()
    source = ai.load_exposure().attrs.get("source", {}).get("title", "GPTs are GPTs")
    figures = [
        Figure(f"Exposure rating ({ai.RATER_NAMES[p.rater]}, {p.exposure_measure})", f"{standing.rating:.3f}",
               "evidence", source),
        Figure("Percentile rank among the rated occupations",
               f"{standing.percentile_rank_derived:.1f} of 100 ({int(standing.n_occupations)} occupations)",
               "derived", "100 x (lower + half the ties) / all"),
        Figure("Agreement of GPT-4 and human raters", f"r = {pearson:.2f}", "derived", "Pearson correlation"),
    ]
    findings = [
        Finding(f"Medical Records Specialists are rated more exposed than {int(standing.n_lower)} of "
                f"{int(standing.n_occupations)} occupations: an LLM could speed up some of their tasks, which is not "
                "the same as replacing the job.", "derived"),
        Finding(f"GPT-4 and the human raters agree only loosely across occupations (r = {pearson:.2f}).", "derived"),
        Finding("How many coding jobs AI removes is not in any data here; the report's scenario is arithmetic on "
                "assumptions you set, not a forecast.", "assumption"),
    ]
    verdict = Finding(f"The article's {len(claims)} statements on AI are qualitative, with no figure or source, so none "
                      "can be marked as matching or differing; the ratings can only give them context.", "claim")
    return Summary(figures, verdict, findings)


def index() -> Summary:
    """The index page's summary: the whole kit's findings, above the map."""
    from . import claims, outlook, salary

    national = salary.national_wage(2024, "median")
    ranked = salary.ranked_wages(2024, "median").dropna(subset=["wage_usd"]).sort_values("wage_usd")
    low, high = ranked.iloc[0], ranked.iloc[-1]
    bls = outlook.projection_round("2024-34")
    table = claims.claims_table()
    counts = table.verdict.value_counts()
    figures = [
        Figure("National median annual wage, May 2024", _money(None if national is None else national.value), "evidence",
               "BLS OEWS May 2024, Medical Records Specialists (SOC 29-2072)"),
        Figure("Highest state median, May 2024", f"{high.state}, {_money(high.wage_usd)}", "evidence", "BLS OEWS May 2024"),
        Figure("Lowest state median, May 2024", f"{low.state}, {_money(low.wage_usd)}", "evidence", "BLS OEWS May 2024"),
        Figure("Employment change 2024-34 (nation)", _pct(bls.pct_change, sign=True), "evidence", bls.label),
        Figure("Article's figures checked", str(len(table)), "derived", "analysis.claims"),
    ]
    verdict = Finding(f"Of the article's {len(table)} figures checked, {int(counts.get('matches', 0))} match a public "
                      f"figure, {int(counts.get('differs', 0))} differ and {int(counts.get('no evidence', 0))} have no "
                      "evidence in data/.", "derived")
    _, state_counts = _verdict_counts("state")
    findings = [
        Finding(f"State wages differ widely: the highest median is {_money(high.wage_usd - low.wage_usd)} above the "
                "lowest.", "derived"),
        Finding(f"None of the article's state salaries equals a BLS mean or median ({state_counts['differs']} of "
                f"{sum(state_counts.values())} differ)." if state_counts["matches"] == 0 else
                f"{state_counts['matches']} of the article's state salaries match a BLS figure.", "derived"),
        Finding(f"BLS projects a {_pct(bls.pct_change, sign=True)} change in jobs nationally over 2024-34. "
                + _verdict_text("outlook", "outlook figures"), "derived"),
        Finding("The article's statements about AI and specialty pay carry no source: they are claims to test, not "
                "evidence.", "claim"),
    ]
    return Summary(figures, verdict, findings, heading="What the kit finds")


_REPORTS = {
    "state_report": state_report,
    "salary_by_state": salary_by_state,
    "job_outlook": job_outlook,
    "specialty": specialty,
    "certification_premium": certification_premium,
    "ai_impact": ai_impact,
    "index": lambda p: index(),
}


def of(report: str, p) -> Summary:
    """The summary of ``report`` (a notebook's name, or "index") for the checked parameters ``p``."""
    if report not in _REPORTS:
        raise InputError("report", report, allowed=tuple(_REPORTS), suggestion=closest(report, tuple(_REPORTS)))
    return _REPORTS[report](p)
