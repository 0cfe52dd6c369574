"""The article's checkable claims beside the evidence in ``data/``, each with a verdict.

Every claim is a number the article prints (from ``data/article/``); every evidence figure is a row
of ``data/evidence/`` (BLS OEWS, BLS Employment Projections, AAPC surveys). A claim is held against a
declared list of **candidate** figures, the ones it could honestly be compared with:

* national wages: the BLS national figure of the same measure, May 2023 or later (May 2023 is the
  release the article's own median comes from; the article is dated 2026);
* state salaries ("Mean Annual Salary", no year given): the BLS state mean and median of May 2023 and
  May 2024 (four figures; the May 2023 median exists for 35 areas only);
* the outlook table ("Job Outlook (2024–2034)"): the BLS Employment Projections round 2024-34;
* certification figures: the AAPC salary surveys in ``data/evidence/certification_salary_surveys.csv``.

The matching rule is the same for every claim, with no tolerance (see :func:`verdict`):

* a single figure **matches** when a candidate is exactly equal to it;
* an open figure ("$81,000+", "Over 14,800") matches when a candidate is at least that figure;
* a range ("20–25%") matches when a candidate lies inside it, ends included;
* a claim **differs** when there are candidates and none matches; **no evidence** when data/ has no
  candidate. The article's "~" and "about" do not loosen the rule: the difference is shown instead.

Differences (claim minus evidence) are **derived**.

>>> t = claims_table("national").set_index("claim_id")
>>> row = t.loc["national.median_annual"]
>>> float(row.claimed_value), float(row.evidence_value), row.verdict
(48780.0, 48780.0, 'matches')
>>> t.loc["national.median_annual", "evidence_label"]
'BLS OEWS May 2023, national annual median'
>>> claims_table("state").verdict.unique().tolist()
['differs']
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import pandas as pd

from analysis.data import article, evidence
from analysis.calc.verdicts import KINDS, VERDICTS, distance, missing as _missing, same_number, satisfies, verdict  # noqa: F401
from analysis.data.tables import source_of
from analysis.core.errors import InputError, closest

TOPICS = ("national", "state", "outlook", "certification")

CURRENT_FROM_YEAR = 2023
"""National wage claims are held against BLS releases from May of this year on (see the module text)."""

NATIONAL_FILE = f"data/{evidence.NATIONAL_FACTS_FILE}"
SURVEYS_FILE = f"data/{evidence.SURVEYS_FILE}"

COLUMNS = ["claim_id", "topic", "claim", "claim_kind", "claimed_value", "claimed_high", "unit", "evidence_value",
           "evidence_label", "evidence_source", "verdict", "difference_derived", "note"]


@dataclass
class Evidence:
    """One evidence figure: what it is, its value, the file it is in and that file's (or row's) source text."""

    label: str
    value: float | None
    file: str
    source: str
    candidate: bool = True  # False: shown for context, does not decide the verdict


@dataclass
class Claim:
    """One checkable number of the article and the evidence it is held against."""

    claim_id: str
    topic: str
    text: str
    value: float
    unit: str
    kind: str = "exact"
    high: float | None = None
    evidence: list[Evidence] = field(default_factory=list)
    note: str = ""


# --------------------------------------------------------------------------- the tables


def comparisons(topic: str | None = None) -> pd.DataFrame:
    """Long form: one row per (claim, evidence figure), with ``candidate``, ``satisfies`` and the derived difference.

    >>> c = comparisons("state")
    >>> c[c.claim_id == "state.ca"][["evidence_label", "evidence_value", "difference_derived"]].values.tolist()
    [['BLS OEWS May 2023, California annual mean', 64070.0, -1770.0], ['BLS OEWS May 2023, California annual median', 53740.0, 8560.0], ['BLS OEWS May 2024, California annual mean', 68080.0, -5780.0], ['BLS OEWS May 2024, California annual median', 59700.0, 2600.0]]
    """
    rows = []
    for claim in _claims(topic):
        for ev in claim.evidence or [Evidence("(no figure in data/)", None, "", "", True)]:
            ok = None if _missing(ev.value) else satisfies(claim.kind, claim.value, ev.value, claim.high)
            rows.append(dict(claim_id=claim.claim_id, topic=claim.topic, claim=claim.text, claim_kind=claim.kind,
                             claimed_value=float(claim.value), claimed_high=claim.high, unit=claim.unit,
                             evidence_label=ev.label, evidence_value=ev.value, evidence_file=ev.file,
                             evidence_source=ev.source, candidate=ev.candidate, satisfies=ok,
                             difference_derived=_difference(claim, ev.value)))
    frame = pd.DataFrame(rows)
    for column in ("claimed_value", "claimed_high", "evidence_value", "difference_derived"):
        frame[column] = frame[column].astype("Float64")
    frame["satisfies"] = frame["satisfies"].astype("boolean")
    return frame


def claims_table(topic: str | None = None) -> pd.DataFrame:
    """One row per claim: the claim, the matching (or else the nearest) candidate figure, the verdict, a note.

    ``topic``: one of "national", "state", "outlook", "certification", or None for all.

    >>> t = claims_table("outlook").set_index("claim_id")
    >>> row = t.loc["outlook.current_employment"]
    >>> float(row.claimed_value), float(row.evidence_value), row.verdict
    (240000.0, 194800.0, 'differs')
    >>> print(t.loc["outlook.current_employment", "note"])
    240,000 is 45,200 above the figure, 194,800 (BLS EP 2024-34, base employment (2024)), about 23.2% higher (derived). For context: BLS EP 2025-35, base employment (2025), 200,700.
    >>> claims_table("salary")
    Traceback (most recent call last):
    ...
    analysis.core.errors.InputError: topic='salary' is not allowed. Allowed: national, state, outlook, certification.
    """
    rows = []
    for claim in _claims(topic):
        candidates = [e for e in claim.evidence if e.candidate and not _missing(e.value)]
        result = verdict(claim.kind, claim.value, [e.value for e in candidates], claim.high)
        shown = None
        if candidates:
            hits = [e for e in candidates if satisfies(claim.kind, claim.value, e.value, claim.high)]
            shown = hits[0] if hits else min(candidates, key=lambda e: distance(claim.kind, claim.value, e.value, claim.high))
        rows.append(dict(claim_id=claim.claim_id, topic=claim.topic, claim=claim.text, claim_kind=claim.kind,
                         claimed_value=float(claim.value), claimed_high=claim.high, unit=claim.unit,
                         evidence_value=None if shown is None else shown.value,
                         evidence_label=None if shown is None else shown.label,
                         evidence_source=None if shown is None else f"{shown.file}: {shown.source}",
                         verdict=result, difference_derived=None if shown is None else _difference(claim, shown.value),
                         note=_note(claim, result, shown)))
    frame = pd.DataFrame(rows, columns=COLUMNS)
    for column in ("claimed_value", "claimed_high", "evidence_value", "difference_derived"):
        frame[column] = frame[column].astype("Float64")
    frame.attrs["source_text"] = ("the article's claims (data/article/) beside BLS and AAPC evidence (data/evidence/); "
                                  "differences derived")
    return frame


def verdict_counts(topic: str | None = None) -> tuple[int, dict[str, int]]:
    """How many claims of ``topic`` (None: all) were checked, and how many got each verdict (derived).

    >>> total, counts = verdict_counts("outlook")
    >>> total == sum(counts.values()) and list(counts) == list(VERDICTS)
    True
    """
    return count_verdicts(claims_table(topic))


def count_verdicts(table: pd.DataFrame) -> tuple[int, dict[str, int]]:
    """How many claims a :func:`claims_table` holds, and how many got each verdict (for a caller that has the table).

    >>> count_verdicts(claims_table("state")) == verdict_counts("state")
    True
    """
    found = table.verdict.value_counts().to_dict()
    return len(table), {v: int(found.get(v, 0)) for v in VERDICTS}


# --------------------------------------------------------------------------- the claims, topic by topic

# The evidence each check reads, with the files it depends on: read once per version of those files.
def _evidence(key):
    """An evidence table: "facts", "surveys" or ("state", year, measure); the loaders keep it while its files are unchanged."""
    if key == "facts":
        return evidence.load_national_facts()
    if key == "surveys":
        return evidence.load_certification_surveys()
    _, year, measure = key
    return evidence.state_wage_measure(year, measure)


def _claims(topic: str | None) -> list[Claim]:
    if topic is not None and topic not in TOPICS:
        raise InputError("topic", topic, allowed=TOPICS, suggestion=closest(str(topic), TOPICS))
    builders = {"national": _national_claims, "state": _state_claims, "outlook": _outlook_claims,
                "certification": _certification_claims}
    return [c for name, build in builders.items() if topic in (None, name) for c in build()]


def _national_figures(facts: pd.DataFrame, from_year: int = CURRENT_FROM_YEAR):
    """``national(measure)``: the BLS OEWS national figures of ``measure`` from May ``from_year`` on, by period (the
    May releases of ``facts`` picked once, not once per claim)."""
    may = facts[facts.period.str.fullmatch(r"May \d{4}")]
    may = may[may.period.str[-4:].astype(int) >= from_year]
    by_measure = {measure: rows.sort_values("period") for measure, rows in may.groupby("measure", sort=False)}

    def national(measure: str) -> list[Evidence]:
        rows = by_measure.get(measure, may.iloc[:0])
        word = {"annual_median": "annual median", "hourly_median": "hourly median", "annual_mean": "annual mean",
                "annual_p90": "annual 90th percentile"}.get(measure, measure)
        return [Evidence(f"BLS OEWS {r.period}, national {word}", float(r.value), NATIONAL_FILE,
                         f"{r.source} ({r.source_quality})") for r in rows.itertuples()]

    return national


def _article_claims(table: pd.DataFrame, topic: str):
    """``claim(claim_id, column, unit, ...)`` for the claims of one article table (indexed by claim_id): the
    claim's printed text and its figure in ``column``, a whole number unless it is a percent or an hourly wage."""

    def claim(claim_id: str, column: str, unit: str, **details) -> Claim:
        row = table.loc[claim_id]
        value = float(row[column]) if unit in ("percent", "USD an hour") else int(row[column])
        return Claim(claim_id, topic, row.original_text, value, unit, **details)

    return claim


def _national_claims() -> list[Claim]:
    overview = article.load_national_overview().set_index("claim_id")
    claim = _article_claims(overview, "national")
    source = _article_claims(article.load_salary_sources().set_index("claim_id"), "national")
    context = _nearest_national_annual(int(overview.loc["national.average_annual"].salary_low_usd))
    top = int(overview.loc["national.top_10_percent"].salary_low_usd)
    national = _national_figures(_evidence("facts"))
    means = national("annual_mean")
    p90 = national("annual_p90")
    return [
        claim("national.median_annual", "salary_low_usd", "USD a year", evidence=national("annual_median")),
        claim("national.median_hourly", "hourly_wage_usd", "USD an hour", evidence=national("hourly_median")),
        source("source.bls_median", "salary_usd", "USD a year", evidence=national("annual_median")),
        claim("national.average_annual", "salary_low_usd", "USD a year", evidence=means + context,
              note="" if means else f"An average is a mean; data/ holds no BLS national mean for May {CURRENT_FROM_YEAR} or later."),
        claim("national.top_10_percent", "salary_low_usd", "USD a year", evidence=p90, note=_top_10_note(top, p90)),
        source("source.glassdoor_average", "salary_usd", "USD a year", note="data/ holds no Glassdoor figure."),
    ]


def _top_10_note(value: int, p90: list[Evidence]) -> str:
    """The article prints "Top 10% | $72,000+": read it as the 90th percentile, and say what the other reading gives."""
    note = "Read as the 90th-percentile wage, the line above which the top 10% earn."
    if p90:
        holds = all(float(e.value) >= value for e in p90)
        note += (f" Read as \"the top 10% earn at least {_fmt(value, 'USD')}\" it {'holds' if holds else 'does not hold'}: "
                 f"{'every' if holds else 'not every'} 90th percentile here is {_fmt(value, 'USD')} or more.")
    return note


def _nearest_national_annual(value: int) -> list[Evidence]:
    """Context for a claim with no like-for-like figure: the closest national annual figure of any measure and year,
    and the latest national mean (from the official May 2021 file). Not candidates."""
    from analysis.data.oews import MEDICAL_RECORDS, occupation_wages

    facts = _evidence("facts")
    annual = facts[facts.unit.eq("USD") & facts.measure.str.startswith("annual_") & facts.period.str.startswith("May ")]
    near = annual.loc[(annual.value - value).abs().idxmin()]
    word = near.measure.replace("annual_", "annual ")
    found = [Evidence(f"BLS OEWS {near.period}, national {word} (a different measure)", float(near.value), NATIONAL_FILE,
                      f"{near.source} ({near.source_quality})", candidate=False)]
    row = occupation_wages(MEDICAL_RECORDS)
    if row.a_mean_status.iloc[0] == "value":
        found.append(Evidence(f"BLS OEWS {row.attrs['period']}, national annual mean (an older release)",
                              float(row.a_mean.iloc[0]), f"data/{row.attrs['file']}", row.attrs["source"].get("title", ""),
                              candidate=False))
    return found


def _state_claims() -> list[Claim]:
    claims = article.load_state_salaries()
    figures = [_state_figures(year, measure)
               for year in sorted(evidence.STATE_WAGE_FILES) for measure in ("mean", "median")]  # every year present
    return [Claim(row.claim_id, "state", row.original_text, int(row.annual_mean_usd), "USD a year",
                  evidence=[figure(row.state_abbr, row.state) for figure in figures]) for row in claims.itertuples()]


def _state_figures(year: int, measure: str):
    """``figure(state_abbr, state)``: one state's BLS May ``year`` ``measure`` as Evidence (the table, its file and
    its source looked up once, not once per claim)."""
    table = _evidence(("state", year, measure))
    wages, names = dict(zip(table.state_abbr, table.wage_usd)), dict(zip(table.state_abbr, table.state))
    source_file = _state_file(year, measure)
    source = source_of(source_file.removeprefix("data/")).get("source", "")

    def figure(state_abbr: str, state: str) -> Evidence:
        value = wages.get(state_abbr, pd.NA)
        return Evidence(f"BLS OEWS May {year}, {names.get(state_abbr, state)} annual {measure}",
                        None if _missing(value) else float(value), source_file, source)

    return figure


def _state_file(year: int, measure: str) -> str:
    if year == 2023 and measure == "median":
        return f"data/{evidence.PERCENTILES_2023_FILE}"
    return f"data/{evidence.STATE_WAGE_FILES[year]}"


def _ep_figures(facts: pd.DataFrame):
    """``ep(series, measure, label, candidate=True)``: the Evidence of one BLS Employment Projections series and
    measure, in the order of the national facts (``facts``, grouped once rather than filtered for every claim)."""
    rows = {}
    for r in facts.itertuples():
        rows.setdefault((r.series, r.measure), []).append(r)

    def ep(series: str, measure: str, label: str, candidate: bool = True) -> list[Evidence]:
        return [Evidence(f"BLS {series}, {label}" + ("" if series.endswith(r.period) else f" ({r.period})"), float(r.value),
                         NATIONAL_FILE, f"{r.source} ({r.source_quality})", candidate) for r in rows.get((series, measure), [])]

    return ep


def _outlook_claims() -> list[Claim]:
    claim = _article_claims(article.load_job_outlook().set_index("claim_id"), "outlook")
    facts = _evidence("facts")
    ep = _ep_figures(facts)
    # The article's table is "Job Outlook (2024–2034)": the 2024-34 round decides; every other round data/ holds is shown.
    others = [k for k in _ep_rounds(facts) if k != "2024-34"]

    def rounds(measure, label):
        return ep("EP 2024-34", measure, label) + [e for k in others for e in ep(f"EP {k}", measure, label, False)]

    all_occupations = ep("EP 2024-34 all occupations", "pct_change", "all occupations, percent change")
    return [
        claim("outlook.projected_growth", "pct", "percent", evidence=rounds("pct_change", "percent change")),
        claim("outlook.current_employment", "count", "jobs", evidence=rounds("base_employment", "base employment")),
        claim("outlook.annual_openings", "count", "openings a year", evidence=rounds("annual_openings", "annual openings")),
        claim("outlook.annual_openings_cta", "count", "openings a year", kind="at_least",
              evidence=rounds("annual_openings", "annual openings")),
        claim("outlook.national_average_growth", "pct", "percent", evidence=all_occupations,
              note="" if all_occupations else "data/ holds no all-occupation growth figure for 2024-34."),
    ]


def _ep_rounds(facts: pd.DataFrame) -> list[str]:
    return sorted({s[3:] for s in facts.series if len(s) == 10 and s.startswith("EP ")})


def _survey_rows(*measures: str, label: str) -> list[Evidence]:
    surveys = _evidence("surveys")
    sources = survey_sources(surveys)
    found = []
    for r in surveys.itertuples():
        if r.measure not in measures:
            continue
        printed = "" if r.value_text.strip() == f"{r.value:g}" else f" ({r.value_text})"
        found.append(Evidence(f"{r.survey}: {label}{printed}", float(r.value), SURVEYS_FILE, sources[r.Index]))
    return found


def survey_source(surveys: pd.DataFrame, index) -> str:
    """A row's source; the file writes "same ..." for "the source of this survey's first row", so spell it out.

    >>> s = evidence.load_certification_surveys()
    >>> survey_source(s, 3)
    "https://worldpopulationreview.com/state-rankings/medical-billing-and-coding-salary-by-state (text: 'almost eighteen percent higher')"
    """
    row = surveys.loc[index]
    return _spelled_out(str(row.source).strip(), str(surveys[surveys.survey == row.survey].source.iloc[0]).strip())


def survey_sources(surveys: pd.DataFrame) -> dict:
    """Every row's :func:`survey_source`, by index, in one pass over the table.

    >>> s = evidence.load_certification_surveys()
    >>> sources = survey_sources(s)
    >>> list(sources) == list(s.index) and all(sources[i] == survey_source(s, i) for i in s.index)
    True
    """
    first = {}
    for survey, source in zip(surveys.survey, surveys.source):
        first.setdefault(survey, str(source).strip())
    return {index: _spelled_out(str(source).strip(), first[survey])
            for index, survey, source in zip(surveys.index, surveys.survey, surveys.source)}


def _spelled_out(text: str, first: str) -> str:
    """A source as written, or for "same ..." the survey's ``first`` source with what follows "same"."""
    if not text.lower().startswith("same"):
        return text
    rest = text[4:].strip().lstrip(";").strip()
    return f"{first} {rest}" if rest.startswith("(") else f"{first} ({rest})" if rest else first


def _survey_premiums(percent: bool) -> list[Evidence]:
    """Each survey's certified minus non-certified average (derived), in dollars or percent of the non-certified."""
    from analysis.calc.units import premium

    surveys = _evidence("surveys")
    sources = survey_sources(surveys)
    by_survey = {}  # survey -> its rows, in file order (a survey names each measure once: the schema says so)
    for r in surveys.itertuples():
        by_survey.setdefault(r.survey, []).append(r)
    found = []
    for name, rows in by_survey.items():
        values = {r.measure: r.value for r in rows}
        certified = next((values[m] for m in ("certified_avg", "certified_approx") if m in values), None)
        plain = next((values[m] for m in ("non_certified_avg", "non_certified_avg_approx", "non_certified_approx") if m in values), None)
        if certified is None or plain is None:
            continue
        p = premium(float(plain), float(certified))
        found.append(Evidence(f"{name}: certified minus non-certified average ({'percent' if percent else 'USD'}, derived)",
                              p.percent if percent else p.absolute, SURVEYS_FILE,
                              f"derived from its certified ({certified:,.0f}) and non-certified ({plain:,.0f}) averages; "
                              f"{sources[rows[0].Index]}"))
    return found


def _certification_claims() -> list[Claim]:
    premium = article.load_certification_premium().set_index("claim_id")
    claim = _article_claims(premium, "certification")
    stated = _survey_rows("certified_premium_pct_stated", label="stated premium, percent")
    derived_pct = _survey_premiums(percent=True)

    def pct_claim(claim_id: str) -> Claim:
        row = premium.loc[claim_id]
        ranged = float(row.pct_low) != float(row.pct_high)
        return claim(claim_id, "pct_low", "percent", kind="range" if ranged else "exact",
                     high=float(row.pct_high) if ranged else None, evidence=stated + derived_pct)

    return [
        claim("premium.cpc_average_salary", "salary_low_usd", "USD a year",
              evidence=_survey_rows("certified_avg", "certified_approx", label="certified average"),
              note="The article calls it a \"BLS-aligned estimate\"; BLS publishes no certified/non-certified split."),
        claim("premium.non_certified_average_salary", "salary_low_usd", "USD a year",
              evidence=_survey_rows("non_certified_avg", "non_certified_avg_approx", "non_certified_approx",
                                    label="non-certified average")),
        claim("premium.cpc_premium_usd", "premium_usd", "USD a year", evidence=_survey_premiums(percent=False)),
        pct_claim("premium.cpc_premium_pct"),
        pct_claim("premium.aapc_certified_premium_pct"),
        claim("premium.three_plus_certs_average_salary", "salary_open_from_usd", "USD a year", kind="at_least",
              evidence=_survey_rows("three_credentials_avg", "three_plus_credentials_avg", "three_plus_credentials_approx",
                                    label="average with three or more credentials")),
        pct_claim("premium.overview_note_cpc_premium_pct"),
        pct_claim("premium.salary_plan_cpc_premium_pct"),
    ]


# --------------------------------------------------------------------------- notes


def _note(claim: Claim, result: str, shown: Evidence | None) -> str:
    """The verdict in words, computed from the figures: the gap (derived), what else data/ holds, what is missing."""
    parts = []
    checked = [e for e in claim.evidence if e.candidate and not _missing(e.value)]
    if shown is not None:
        nearest = "the nearest " if len(checked) > 1 else "the "
        of = f"; checked against {len(checked)} figures" if len(checked) > 1 else ""
        paren = f" ({of[2:]})" if of else ""
        if result == "matches":
            how = {"exact": "Equals", "at_least": "Borne out by", "range": "In the range:"}[claim.kind]
            hits = sum(satisfies(claim.kind, claim.value, e.value, claim.high) for e in checked)
            tally = f" ({hits} of {len(checked)} figures bear it out)" if len(checked) > 1 else ""
            parts.append(f"{how} {shown.label}, {_fmt(shown.value, claim.unit)}{tally}.")
        elif claim.kind == "exact":
            diff = float(claim.value) - float(shown.value)
            text = (f"{_fmt(claim.value, claim.unit)} is {_fmt(abs(diff), claim.unit, sign=True)} "
                    f"{'above' if diff > 0 else 'below'} {nearest}figure, {_fmt(shown.value, claim.unit)} ({shown.label})")
            if claim.unit != "percent" and float(shown.value):
                text += f", about {abs(diff) / float(shown.value) * 100:.1f}% {'higher' if diff > 0 else 'lower'}"
            parts.append(text + f" (derived{of}).")
        elif claim.kind == "range":
            parts.append(f"No figure lies in {_fmt(claim.value, claim.unit)}–{_fmt(claim.high, claim.unit)}{paren}; "
                         f"{nearest}is {_fmt(shown.value, claim.unit)} ({shown.label}).")
        else:
            highest = max(checked, key=lambda e: float(e.value))
            parts.append(f"No figure is {_fmt(claim.value, claim.unit)} or more{paren}; the highest is "
                         f"{_fmt(highest.value, claim.unit)} ({highest.label}).")
    else:
        parts.append("No figure in data/ to hold it against.")
    for e in claim.evidence:
        if e.candidate or _missing(e.value):
            continue
        same = satisfies(claim.kind, claim.value, e.value, claim.high)
        parts.append(f"{'It equals instead' if same else 'For context'}: {e.label}, {_fmt(e.value, claim.unit)}.")
    missing = [e for e in claim.evidence if e.candidate and _missing(e.value)]
    if missing:
        parts.append("Not available: " + "; ".join(e.label for e in missing) + ".")
    if claim.note:
        parts.append(claim.note)
    return " ".join(parts)


def _fmt(value, unit: str, sign: bool = False) -> str:
    value = float(value)
    if unit == "percent":
        text = f"{value:g}" if value == round(value, 6) else f"{value:.1f}"
        return f"{text} percentage point{'' if value == 1 else 's'}" if sign else f"{text}%"
    if unit == "USD an hour":
        return f"${value:,.2f}"
    if unit.startswith("USD"):
        return f"${value:,.0f}" if value == int(value) else f"${value:,.2f}"
    return f"{value:,.0f}" if value == int(value) else f"{value:,}"


def _difference(claim: Claim, value) -> float | None:
    if _missing(value) or claim.kind != "exact":
        return None
    return float(Decimal(repr(float(claim.value))) - Decimal(repr(float(value))))
