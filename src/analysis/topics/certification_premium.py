"""The certification premium: how far the sources disagree, and what a credential is worth under stated assumptions.

Backs ``notebooks/04_certification_premium.ipynb``.

* **Claims**: the article's premium figures (``data/article/certification_premium.csv``: $55,000 vs
  $43,000, "about 28%", "approximately 20.7%", "20–25%") and its certification status table.
* **Evidence**: AAPC (and one other) salary surveys, ``data/evidence/certification_salary_surveys.csv``,
  self-reported by members; BLS publishes no split by certification.
* **Derived** (computed and tested here): each source's premium from its own certified and
  non-certified averages, payback time, present value, and the earnings-path scenario.
* **Assumptions** (notebook parameters, defaults documented in :data:`PARAMETERS`): the cost of getting
  certified, the horizon and the discount rate. They are not data.

The article's own arithmetic, reproduced:

>>> a = premium_basis("article", 1)
>>> a.with_usd - a.without_usd, round(a.premium_pct_derived, 1)
(12000, 27.9)
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache

import altair as alt
import pandas as pd

from analysis.data.article import article_text, load_career_path, load_certification_premium, load_certification_status
from analysis.calc.claims import survey_source
from analysis.core.errors import InputError, lookup
from analysis.data.evidence import load_certification_surveys, national_fact
from analysis.teaching.exercises import computed, hint
from analysis.present import theme
from analysis.present.markdown import Markdown
from analysis.present.report_summary import Figure, Finding, Summary, verdict_text
from analysis.core.params import Number, ParameterSet, Text
from analysis.present.controls import derived_param, money_expr, signed_money_expr, slider
from analysis.present.formats import money, percent, signed_money
from analysis.present.tables import table_view  # noqa: F401  (the notebook shows tables with it)
from analysis.calc.units import premium
from analysis.calc.formula import Var, where

# --------------------------------------------------------------------------- credentials

CREDENTIALS = ("CPC", "CCS", "CEDC", "COSC", "CCC", "CIRCC", "COBGC", "CRC", "CPMA", "CCDS", "CHC", "RHIA")
"""Every credential the article names (its tables, premium section and salary plan), in order of first use."""

SPECIALTY_CREDENTIALS = ("CEDC", "COSC", "CCC", "CIRCC", "COBGC", "CRC", "CPMA")
"""The credentials the article's specialty table pairs with the CPC ("CPC + CEDC" ...) or names alone (CRC, CPMA)."""


def lookup_credential(value) -> str:
    """A credential's abbreviation, upper case; an issuer in brackets is dropped ("CPC (AAPC)" -> "CPC").

    >>> lookup_credential(" cpc "), lookup_credential("CCS (AHIMA)")
    ('CPC', 'CCS')
    >>> lookup_credential("CPCC")
    Traceback (most recent call last):
    ...
    analysis.core.errors.InputError: credential='CPCC': not a credential the article names. Did you mean 'CPC'? Allowed: CPC, CCS, CEDC, COSC, CCC, CIRCC, COBGC, CRC, CPMA, CCDS, CHC, RHIA.
    """
    text = re.sub(r"\s*\(.*\)\s*$", "", str(value)).strip().upper()
    return lookup("credential", text, CREDENTIALS, reason="not a credential the article names", given=value)


def article_credentials() -> pd.DataFrame:
    """Where the article names each credential: the number of times its text uses the abbreviation.

    >>> c = article_credentials().set_index("credential")
    >>> int(c.loc["CPC", "mentions"]) > 10, int(c.loc["RHIA", "mentions"])
    (True, 1)
    """
    text = article_text()
    return pd.DataFrame([(c, len(re.findall(rf"\b{c}\b", text))) for c in CREDENTIALS], columns=["credential", "mentions"])


class _Credentials(Text):
    """A non-empty list of credentials, each checked, duplicates dropped (order kept)."""

    def normalize(self, value):
        items = super().normalize(value)
        if not items:
            raise InputError(self.name, value, allowed=self.allowed(), reason="name at least one credential, held or planned")
        return list(dict.fromkeys(items))


# --------------------------------------------------------------------------- premium sources

ARTICLE = "article"
SURVEYS = {
    "aapc_2023": "AAPC 2023 Salary Report (2022 salaries)",
    "aapc_page": "AAPC salary report (page version read)",
    "aapc_older": "AAPC salary survey (older page version)",
    "survey_2020": "2020 Healthcare Salary Survey (as quoted)",
}
"""Short keys for the surveys of ``certification_salary_surveys.csv`` (value: the file's ``survey`` column)."""

# Measure names in the surveys file, by meaning; the first one a survey has is used.
_CERTIFIED = ("certified_avg", "certified_approx")
_NON_CERTIFIED = ("non_certified_avg", "non_certified_avg_approx", "non_certified_approx")
_TWO = ("two_credentials_avg",)
_THREE_PLUS = ("three_credentials_avg", "three_plus_credentials_avg", "three_plus_credentials_approx")
_STATED = "certified_premium_pct_stated"


def lookup_premium_source(value) -> str:
    """A premium source key: "article", a key of :data:`SURVEYS`, or a survey's name as written in the file.

    >>> lookup_premium_source("AAPC 2023 Salary Report (2022 salaries)"), lookup_premium_source("Article")
    ('aapc_2023', 'article')
    >>> lookup_premium_source("aapc2023")
    Traceback (most recent call last):
    ...
    analysis.core.errors.InputError: premium_source='aapc2023': not a premium source. Did you mean 'aapc_2023'? Allowed: article, aapc_2023, aapc_page, aapc_older, survey_2020.
    """
    names = {name: key for key, name in SURVEYS.items()}
    return lookup("premium_source", value, [ARTICLE, *SURVEYS], aliases=names, reason="not a premium source")


# --------------------------------------------------------------------------- parameters

_STUDY_HOUR_VALUE = 23.45  # checked against data/ by the tests: BLS May 2023 national median hourly wage, 29-2072

PARAMETERS = ParameterSet(
    "certification_premium",
    [
        _Credentials("credentials", ["CPC"], "The credentials held or planned (one exam each in the cost).",
                     check=lookup_credential, multiple=True, allowed_text="credentials the article names: " + ", ".join(CREDENTIALS)),
        Text("premium_source", ARTICLE, "Whose certified vs non-certified averages give the premium: 'article' ($55,000 "
             "vs $43,000) or a survey of data/evidence/certification_salary_surveys.csv.",
             check=lookup_premium_source, allowed_text="article, " + ", ".join(SURVEYS)),
        Number("horizon_years", 10, "Years over which the premium is counted (and the earnings path is drawn).",
               minimum=1, maximum=40, integer=True),
        Number("discount_rate", 0.03, "ASSUMPTION. Yearly rate to discount future premiums to today's dollars. Default 3%: a "
               "round rate, the lower of the two rates (3% and 7%) the US Office of Management and Budget's Circular "
               "A-4 used until 2023 (its 2023 revision uses 2%). 0 = no discounting.", minimum=0, maximum=0.5),
        Number("exam_cost_usd", 425, "ASSUMPTION. Exam fee per credential, in dollars. Default: the CPC fee for one attempt "
               "as quoted by a third-party guide read in 2026 (mbc-bv6.pages.dev/certifications/cpc: $425 one attempt, $499 "
               "two); fees change and differ by credential: check the issuer's site.", minimum=0),
        Number("membership_cost_usd", 190, "ASSUMPTION. Yearly membership dues needed to keep the credential, in dollars. "
               "Default: AAPC's individual renewal as given on its membership FAQ (aapc.com/membership/faq.aspx, version "
               "read in 2026: $190, plus $20 on a payment plan); the same third-party guide quotes $222.", minimum=0),
        Number("study_hours", 80, "ASSUMPTION. Hours of study per credential. Default: a round figure with no source in "
               "data/; set it to your own plan.", minimum=0),
        Number("study_hour_value_usd", _STUDY_HOUR_VALUE, "ASSUMPTION. What an hour of study time is worth to you, in "
               "dollars. Default $23.45: the BLS May 2023 national median hourly wage of Medical Records Specialists "
               "(data/evidence/bls_national_facts_29-2072.csv), i.e. study time valued as coding time. 0 = free time.",
               minimum=0),
    ],
    examples=[
        # The survey with the smallest stated premium ("almost 18" percent).
        {"premium_source": "aapc_2023"},
        # CPC plus a risk-adjustment credential, judged by the older AAPC page (it has a two-credential average), 5 years.
        {"credentials": ["CPC", "CRC"], "premium_source": "aapc_older", "horizon_years": 5},
        # Three credentials, the 2020 survey (largest premium), and a 7% discount rate.
        {"credentials": ["CPC", "CRC", "CPMA"], "premium_source": "survey_2020", "discount_rate": 0.07},
        # The AHIMA route, with study time counted as free and a longer study plan.
        {"credentials": ["CCS"], "premium_source": "aapc_page", "study_hours": 120, "study_hour_value_usd": 0},
    ],
)


# --------------------------------------------------------------------------- premium basis


@dataclass(frozen=True)
class PremiumBasis:
    """A source's pay without and with certification; the premium between them is derived.

    ``with_is_floor`` is True for an "or more" figure ("$81,000+"): the premium is then a lower bound.
    """

    source: str
    source_label: str
    without_usd: int
    with_usd: int
    with_what: str
    with_is_floor: bool = False
    note: str | None = None

    @property
    def premium_usd_derived(self) -> float:
        return premium(self.without_usd, self.with_usd).absolute

    @property
    def premium_pct_derived(self) -> float:
        return premium(self.without_usd, self.with_usd).percent


def premium_basis(source: str, n_credentials: int = 1) -> PremiumBasis:
    """The averages the chosen source gives for non-certified coders and for coders with ``n_credentials``.

    One credential: the source's certified average. Two: its two-credential average if it has one.
    Three or more: its three-or-more average if it has one. Otherwise the certified average is used, and
    ``note`` says so.

    >>> b = premium_basis("aapc_2023")
    >>> b.without_usd, b.with_usd, round(b.premium_pct_derived, 2)
    (46321, 56290, 21.52)
    >>> premium_basis("aapc_older", 2).with_usd
    64890
    >>> premium_basis("article", 3).with_usd, premium_basis("article", 3).with_is_floor
    (81000, True)
    >>> premium_basis("aapc_2023", 2).note
    'This source gives no two-credential average; its certified average is used.'
    """
    source = lookup_premium_source(source)
    if source == ARTICLE:
        claims = load_certification_premium().set_index("claim_id")
        without = int(claims.loc["premium.non_certified_average_salary", "salary_low_usd"])
        if n_credentials >= 3:
            three = claims.loc["premium.three_plus_certs_average_salary"]
            return PremiumBasis(source, "the article", without, int(three.salary_open_from_usd),
                                "average with three or more AAPC certifications ($81,000+, claim)", with_is_floor=True,
                                note="The article's figure is \"$81,000+\": the premium is a lower bound. It speaks of "
                                     "AAPC certifications; the kit counts every credential named.")
        note = "The article gives no two-credential average; its CPC average is used." if n_credentials == 2 else None
        return PremiumBasis(source, "the article", without, int(claims.loc["premium.cpc_average_salary", "salary_low_usd"]),
                            "CPC holders' average (claim)", note=note)
    values = _survey_values(SURVEYS[source])
    without = _first(values, _NON_CERTIFIED)
    certified = _first(values, _CERTIFIED)
    if without is None or certified is None:
        raise InputError("premium_source", source, reason="this survey has no certified and non-certified averages in data/")
    wanted = {2: (_TWO, "two-credential average"), 3: (_THREE_PLUS, "three-or-more-credential average")}.get(min(n_credentials, 3))
    if wanted is not None:
        figure = _first(values, wanted[0])
        if figure is not None:
            return PremiumBasis(source, SURVEYS[source], int(without), int(figure), f"{wanted[1]} (survey)")
        return PremiumBasis(source, SURVEYS[source], int(without), int(certified), "certified average (survey)",
                            note=f"This source gives no {wanted[1]}; its certified average is used.")
    return PremiumBasis(source, SURVEYS[source], int(without), int(certified), "certified average (survey)")


def _survey_values(name: str) -> pd.Series:
    surveys = load_certification_surveys()
    return surveys[surveys.survey == name].set_index("measure").value


def _first(values: pd.Series, measures) -> float | None:
    return next((float(values[m]) for m in measures if m in values.index), None)


# --------------------------------------------------------------------------- how far the sources disagree


# Short labels for the article's four premium statements (where each one is in the article).
_ARTICLE_LABELS = {
    "premium.cpc_premium_pct": "premium section, CPC vs non-certified",
    "premium.aapc_certified_premium_pct": "premium section, \"AAPC reports\"",
    "premium.overview_note_cpc_premium_pct": "note under the national overview",
    "premium.salary_plan_cpc_premium_pct": "salary plan, Year 1–2",
}


def premium_sources() -> pd.DataFrame:
    """Every stated premium (article and surveys) beside the premium derived from the same source's averages.

    One row per statement. ``stated_pct_low``/``stated_pct_high`` are the percent as printed (a range
    "20–25%" has both); ``without_usd``/``with_usd`` are the source's non-certified and certified
    averages where it gives both, and ``premium_usd_derived``/``premium_pct_derived`` follow from them
    (:func:`analysis.calc.units.premium`). Where a source states no percent, the stated columns are missing.

    >>> s = premium_sources().set_index("label")
    >>> row = s.loc["article: premium section, CPC vs non-certified"]
    >>> int(row.without_usd), int(row.with_usd), int(row.premium_usd_derived), round(float(row.premium_pct_derived), 1)
    (43000, 55000, 12000, 27.9)
    >>> float(s.loc["AAPC salary survey (older page version)", "stated_pct_low"])
    33.0
    """
    rows = []
    claims = load_certification_premium()
    basis = premium_basis(ARTICLE, 1)
    for r in claims[claims.measure == "premium_pct"].itertuples():
        paired = r.claim_id == "premium.cpc_premium_pct"  # the only percent the article pairs with two averages
        rows.append(dict(source_key=ARTICLE, label=f"article: {_ARTICLE_LABELS.get(r.claim_id, r.subject)}", kind="article claim",
                         stated_pct_low=float(r.pct_low), stated_pct_high=float(r.pct_high),
                         stated_text=r.original_text, without_usd=basis.without_usd if paired else None,
                         with_usd=basis.with_usd if paired else None,
                         source_detail=f"{r.section}" + (f"; {r.attribution}" if isinstance(r.attribution, str) else "")))
    status = certification_status_view(["CPC"])
    none, cpc = status.iloc[0], status.iloc[1]
    rows.append(dict(source_key=ARTICLE, label="article: status table, CPC vs none (midpoints)",
                     kind="article claim (midpoints derived)", stated_pct_low=None, stated_pct_high=None,
                     stated_text="(no percent stated; the table gives ranges)", without_usd=none.midpoint_usd_derived,
                     with_usd=cpc.midpoint_usd_derived, source_detail="How CPC Certification Impacts Salary (table)"))
    surveys = load_certification_surveys()
    for key, name in SURVEYS.items():
        group = surveys[surveys.survey == name]
        values = group.set_index("measure").value
        stated = group[group.measure == _STATED]
        without, certified = _first(values, _NON_CERTIFIED), _first(values, _CERTIFIED)
        used = group[group.measure.isin(_CERTIFIED + _NON_CERTIFIED + (_STATED,))]
        rows.append(dict(source_key=key, label=name, kind="AAPC survey" if "AAPC" in name else "other survey",
                         stated_pct_low=float(stated.value.iloc[0]) if len(stated) else None,
                         stated_pct_high=float(stated.value.iloc[0]) if len(stated) else None,
                         stated_text=f"'{stated.value_text.iloc[0]}' percent" if len(stated) else "(no percent in data/ as a figure)",
                         without_usd=without, with_usd=certified,
                         source_detail=_joined_sources(survey_source(surveys, i) for i in used.index)))
    frame = pd.DataFrame(rows)
    for column in ("without_usd", "with_usd"):
        frame[column] = frame[column].astype("Float64")
    pairs = [premium(float(a), float(b)) if not (pd.isna(a) or pd.isna(b)) else None for a, b in zip(frame.without_usd, frame.with_usd)]
    frame["premium_usd_derived"] = pd.array([None if p is None else p.absolute for p in pairs], dtype="Float64")
    frame["premium_pct_derived"] = pd.array([None if p is None else p.percent for p in pairs], dtype="Float64")
    frame["stated_minus_derived_pct_points_derived"] = (frame.stated_pct_low.astype("Float64") - frame.premium_pct_derived)
    frame.loc[frame.stated_pct_low != frame.stated_pct_high, "stated_minus_derived_pct_points_derived"] = pd.NA
    return frame


def _joined_sources(texts) -> str:
    """Distinct source lines, dropping one that another line only extends ("URL" beside "URL (39% higher)").

    >>> _joined_sources(["u", "u (39% higher)", "v"])
    'u (39% higher); v'
    """
    texts = list(dict.fromkeys(texts))
    return "; ".join(t for t in texts if not any(o != t and o.startswith(t) for o in texts))


def sources_view(table: pd.DataFrame) -> pd.DataFrame:
    """The columns a reader needs from :func:`premium_sources`."""
    return table[["label", "stated_pct_low", "stated_pct_high", "without_usd", "with_usd", "premium_usd_derived",
                  "premium_pct_derived", "source_detail"]].rename(columns={"stated_pct_low": "stated_pct_low_end",
                                                                           "stated_pct_high": "stated_pct_high_end"})


def sources_chart(table: pd.DataFrame, chosen: str) -> alt.Chart:
    """Stated premiums (hollow; a line for a range) and derived ones (filled), one row per statement.

    Rows of the chosen ``premium_source`` are drawn in colour with bold labels, the others in grey.

    >>> sources_chart(premium_sources(), "article").to_dict()["title"]["text"]
    'Certification premium, percent: what each source states and what its own averages give'
    """
    data = table.assign(
        chosen=table.source_key == chosen,
        stated_low=table.stated_pct_low.astype(float), stated_high=table.stated_pct_high.astype(float),
        derived=[None if pd.isna(v) else float(v) for v in table.premium_pct_derived],
        stated_label=[_pct_text(lo, hi) for lo, hi in zip(table.stated_pct_low, table.stated_pct_high)],
        derived_label=[("not available (no pair of averages)" if pd.isna(v) else f"{v:.1f}%") for v in table.premium_pct_derived],
        pair_label=[("not available" if pd.isna(a) else f"{money(b)} vs {money(a)}") for a, b in zip(table.without_usd, table.with_usd)],
    )[["label", "kind", "chosen", "stated_low", "stated_high", "derived", "stated_label", "derived_label", "pair_label", "source_detail"]]
    tooltip = [alt.Tooltip("label:N", title="Source"), alt.Tooltip("stated_label:N", title="Stated premium"),
               alt.Tooltip("derived_label:N", title="Premium from its averages (derived)"),
               alt.Tooltip("pair_label:N", title="Certified vs non-certified"), alt.Tooltip("source_detail:N", title="Where")]
    colour = alt.condition("datum.chosen", alt.value(theme.HIGHLIGHT), alt.value(theme.MUTED))
    # Colour is not the only cue: the chosen rows' labels are bold.
    bold = {"condition": {"test": f"indexof({json.dumps(list(data.label[data.chosen]))}, datum.value) >= 0", "value": "bold"},
            "value": "normal"}
    base = alt.Chart(data).encode(y=alt.Y("label:N", sort=list(data.label), title=None,
                                          axis=alt.Axis(labelLimit=330, labelFontWeight=bold)), tooltip=tooltip)
    x = alt.X("stated_low:Q", title="Premium over non-certified pay (%)", scale=alt.Scale(domain=[0, 45]))
    ranges = base.transform_filter("isValid(datum.stated_low) && datum.stated_low != datum.stated_high").mark_rule(
        strokeWidth=3).encode(x=x, x2="stated_high:Q", color=colour)
    stated = base.transform_filter("isValid(datum.stated_low)").mark_point(shape="circle", size=90, filled=False, strokeWidth=2).encode(
        x=x, color=colour)
    stated_high = base.transform_filter("isValid(datum.stated_low) && datum.stated_low != datum.stated_high").mark_point(
        shape="circle", size=90, filled=False, strokeWidth=2).encode(x="stated_high:Q", color=colour)
    derived = base.transform_filter("isValid(datum.derived)").mark_point(shape="diamond", size=110, filled=True).encode(
        x="derived:Q", color=colour)
    return (ranges + stated + stated_high + derived).properties(
        title=alt.Title("Certification premium, percent: what each source states and what its own averages give",
                        subtitle=["Hollow circle: stated (a line: a stated range). Filled diamond: (certified - non-certified) / "
                                  "non-certified, derived.",
                                  "Sources: data/article/certification_premium.csv and certification_status.csv (claims); "
                                  "data/evidence/certification_salary_surveys.csv (self-reported surveys)."]),
        width=380,
    )


def _pct_text(low, high) -> str:
    if pd.isna(low):
        return "none stated"
    return f"{low:g}%" if low == high else f"{low:g}–{high:g}%"


def why_sources_differ(table: pd.DataFrame) -> Markdown:
    """The disagreement in numbers (computed from ``table``) and the reasons the sources themselves give.

    >>> text = why_sources_differ(premium_sources()).data
    >>> "from 18% to 33%" in text and "12,000 / 43,000 = 27.9%" in text
    True
    """
    stated = pd.concat([table.stated_pct_low, table.stated_pct_high]).dropna()
    derived = table.premium_pct_derived.dropna()
    article = premium_basis(ARTICLE, 1)
    gaps = table.dropna(subset=["stated_minus_derived_pct_points_derived"])
    widest = gaps.loc[gaps.stated_minus_derived_pct_points_derived.abs().idxmax()]
    pct_2020 = table[table.source_key == "survey_2020"].iloc[0]
    lines = [
        f"- **Stated premiums** run from {stated.min():g}% to {stated.max():g}%; the premiums derived from each source's own "
        f"averages run from {derived.min():.1f}% to {derived.max():.1f}% (derived).",
        f"- **The article's \"about 28%\" is its own arithmetic**: {article.premium_usd_derived:,.0f} / {article.without_usd:,} = "
        f"{article.premium_pct_derived:.1f}% (derived), from its $55,000 and $43,000, which it attributes to \"AAPC's salary "
        f"survey\" while calling the $55,000 a \"BLS-aligned estimate\" (BLS publishes no split by certification). Its "
        f"\"approximately 20.7%\" and \"20–25%\" come with no averages, so they cannot be recomputed.",
        f"- **Stated and recomputed figures differ even within one source**: {widest.label} states "
        f"{widest.stated_pct_low:g}% while its averages give {widest.premium_pct_derived:.1f}% "
        f"({widest.stated_minus_derived_pct_points_derived:+.1f} points, derived). The page does not say how its figure "
        f"was computed (another base, medians, or a subgroup would each give a different number).",
        f"- **The 2020 survey** has no percent in `data/` as a figure; its source line reads \"{pct_2020.source_detail}\". "
        f"Its averages give {pct_2020.premium_pct_derived:.1f}% (derived).",
        "- **Why they differ**: the surveys are different years and page versions; they are self-reported by AAPC members, "
        "who over-represent credential holders; some figures are quoted second-hand and rounded (\"approx\"). None is a BLS "
        "estimate, and none controls for experience: certified coders are also, on average, more experienced.",
    ]
    return Markdown("\n".join(lines))


# --------------------------------------------------------------------------- the article's certification table


def status_claim_for(credentials) -> tuple[str | None, list[str]]:
    """The row of the article's certification status table that fits ``credentials``, and the credentials it leaves out.

    >>> status_claim_for(["CPC"]), status_claim_for(["CPC", "CRC"])[0], status_claim_for(["CCS", "CPC", "CRC"])
    (('certification.cpc', []), 'certification.cpc_specialty', ('certification.cpc_ccs', ['CRC']))
    >>> status_claim_for(["CRC"])
    (None, ['CRC'])
    """
    held = [lookup_credential(c) for c in credentials]
    specialty = [c for c in held if c in SPECIALTY_CREDENTIALS]
    if "CPC" in held:
        if "CCS" in held:
            claim, used = "certification.cpc_ccs", {"CPC", "CCS"}
        elif specialty:
            claim, used = "certification.cpc_specialty", {"CPC", *specialty}
        else:
            claim, used = "certification.cpc", {"CPC"}
    elif "CCS" in held:
        claim, used = "certification.ccs", {"CCS"}
    else:
        return None, held
    return claim, [c for c in held if c not in used]


def certification_status_view(credentials) -> pd.DataFrame:
    """The article's "No certification" row and the row that fits ``credentials`` (claims), midpoints and premium derived.

    An open-ended range ("$58,000–$72,000+") has no midpoint: it stays missing.

    >>> v = certification_status_view(["CPC"])
    >>> v[["certification_status", "midpoint_usd_derived", "premium_midpoint_pct_derived"]].values.tolist()[1]
    ['CPC (AAPC)', 53000.0, 35.8974358974359]
    >>> len(certification_status_view(["RHIA"]))
    1
    """
    table = load_certification_status().set_index("claim_id")
    claim, _ = status_claim_for(credentials)
    ids = ["certification.none"] + ([claim] if claim else [])
    rows = table.loc[ids].reset_index()
    mid = ((rows.salary_low_usd.astype("Float64") + rows.salary_high_usd.astype("Float64")) / 2)
    rows["midpoint_usd_derived"] = mid
    base = mid.iloc[0]
    rows["premium_midpoint_pct_derived"] = pd.array(
        [None if pd.isna(m) else premium(float(base), float(m)).percent for m in mid], dtype="Float64")
    return rows[["certification_status", "salary_low_usd", "salary_high_usd", "salary_open_from_usd", "midpoint_usd_derived",
                 "premium_midpoint_pct_derived", "job_access"]]


def credentials_note(credentials) -> Markdown:
    """What the article's tables say about this set of credentials, and what they leave out.

    >>> print(credentials_note(["CRC"]).data.splitlines()[0].strip())
    Credentials: **CRC**.
    """
    claim, left_out = status_claim_for(credentials)
    lines = [f"Credentials: **{', '.join(credentials)}**."]
    if claim is None:
        lines.append("The article's certification status table has no row for this set (it has rows for CPC, CCS and their "
                     "combinations only), so only the \"No certification\" row is shown.")
    else:
        status = load_certification_status().set_index("claim_id").loc[claim]
        lines.append(f"Its row in the article's certification status table: *{status.certification_status}*.")
    if claim is not None and left_out:
        lines.append(f"That row does not reflect {', '.join(left_out)}: the table has no row for it.")
    if len(credentials) >= 2:
        lines.append(f"{len(credentials)} credentials: the premium below uses the chosen source's figure for "
                     f"{'three or more' if len(credentials) >= 3 else 'two'} credentials where it has one.")
    return Markdown("  \n".join(lines))


# --------------------------------------------------------------------------- payback and present value

# The formulas, written once: the helpers below evaluate them in Python and the present-value chart's
# controls evaluate the same trees as Vega expressions in the report page (analysis.calc.formula).
UPFRONT_FORMULA = Var("n_credentials") * Var("exam_cost_usd") + Var("n_credentials") * Var("study_hours") * Var("study_hour_value_usd")
PAYBACK_FORMULA = where(Var("annual_net_usd") <= 0, None, Var("upfront_usd") / Var("annual_net_usd"))
PRESENT_VALUE_FORMULA = -Var("upfront_usd") + Var("annual_net_usd") * where(
    Var("rate") == 0, Var("years"), (1 - (1 + Var("rate")) ** -Var("years")) / Var("rate"))


@dataclass(frozen=True)
class Costs:
    """The cost of getting certified, from the parameters (assumptions, not data).

    ``upfront_usd`` = credentials x (exam fee + study hours x value of an hour); ``membership_usd`` is paid every year.

    >>> Costs(1, 425, 190, 80, 23.45).upfront_usd
    2301.0
    """

    n_credentials: int
    exam_cost_usd: float
    membership_cost_usd: float
    study_hours: float
    study_hour_value_usd: float

    @property
    def exams_usd(self) -> float:
        return float(self.n_credentials * self.exam_cost_usd)

    @property
    def study_time_usd(self) -> float:
        return float(self.n_credentials * self.study_hours * self.study_hour_value_usd)

    @property
    def upfront_usd(self) -> float:
        return float(UPFRONT_FORMULA.evaluate(n_credentials=self.n_credentials, exam_cost_usd=self.exam_cost_usd,
                                              study_hours=self.study_hours, study_hour_value_usd=self.study_hour_value_usd))

    def to_frame(self) -> pd.DataFrame:
        rows = [
            ("exam fees", self.exams_usd, f"{self.n_credentials} x ${self.exam_cost_usd:,g} (assumption)"),
            ("study time", self.study_time_usd,
             f"{self.n_credentials} x {self.study_hours:g} hours x ${self.study_hour_value_usd:,g} an hour (assumptions)"),
            ("upfront cost (derived)", self.upfront_usd, "exam fees + study time"),
            ("membership, every year", float(self.membership_cost_usd), "assumption"),
        ]
        return pd.DataFrame(rows, columns=["item", "usd", "basis"])


def costs_from(p) -> Costs:
    """The :class:`Costs` of the checked notebook parameters ``p`` (one exam and one study plan per credential).

    >>> costs_from(PARAMETERS.check({"credentials": "CPC, CRC"})).upfront_usd
    4602.0
    """
    return Costs(len(p.credentials), p.exam_cost_usd, p.membership_cost_usd, p.study_hours, p.study_hour_value_usd)


def money_view(frame: pd.DataFrame):
    """:func:`analysis.topics.salary_by_state.table_view`, with signs on dollar columns that hold a negative amount and
    payback shown in years to two decimals ("never" when the cost is never repaid).

    >>> html = money_view(pd.DataFrame({"net_usd_derived": [-2301.0, 11810.0], "payback_years_derived": [0.1948, None]})).to_html()
    >>> "-$2,301" in html and "+$11,810" in html and "0.19 years" in html and "never" in html
    True
    >>> "$425" in money_view(pd.DataFrame({"usd": [425.0], "net_usd": [-1.0]})).to_html()
    True
    """
    styler = table_view(frame)
    signed = {c: signed_money for c in frame.columns if "usd" in str(c) and pd.api.types.is_numeric_dtype(frame[c])
              and bool((frame[c].astype("Float64") < 0).any())}
    if "payback_years_derived" in frame.columns:
        signed["payback_years_derived"] = lambda v: "never" if v is None or pd.isna(v) else f"{v:.2f} years"
    # Styler.format with a dict resets the columns it is not given, so name the subset.
    return styler.format(signed, subset=list(signed), escape="html") if signed else styler


def payback_years(upfront_usd: float, annual_net_usd: float) -> float | None:
    """Years until the yearly net gain repays the upfront cost: ``upfront / annual net`` (no discounting).

    None when the net gain is zero or negative: the cost is never repaid.

    >>> round(payback_years(2301, 11810), 4)
    0.1948
    >>> payback_years(1000, 0) is None, payback_years(0, 500)
    (True, 0.0)
    """
    return PAYBACK_FORMULA.evaluate(upfront_usd=upfront_usd, annual_net_usd=annual_net_usd)


def present_value(annual_net_usd: float, rate: float, years: int, upfront_usd: float = 0.0) -> float:
    """Net present value of a constant yearly gain over ``years`` years, minus an upfront cost.

    .. math:: PV = -C + \\sum_{t=1}^{H} \\frac{N}{(1 + r)^t} = -C + N \\cdot \\frac{1 - (1 + r)^{-H}}{r}

    with C the upfront cost (paid today), N the yearly net gain (premium minus membership, received
    at the end of each year), r the discount rate and H the horizon in years; for r = 0, PV = -C + N H.
    Amounts stay in the source's own dollars (no inflation adjustment, no taxes, no raises).

    >>> round(present_value(1000, 0.05, 3), 2)
    2723.25
    >>> present_value(1000, 0, 3, upfront_usd=500)
    2500.0
    """
    if rate < 0:
        raise InputError("discount_rate", rate, reason="must be at least 0", allowed="a number from 0 to 0.5")
    if years < 0:
        raise InputError("horizon_years", years, reason="must be at least 0", allowed="a whole number of years")
    return float(PRESENT_VALUE_FORMULA.evaluate(upfront_usd=upfront_usd, annual_net_usd=annual_net_usd, rate=rate, years=years))


def value_over_horizon(basis: PremiumBasis, costs: Costs, rate: float, years: int) -> pd.DataFrame:
    """Year by year: premium, membership, net gain, its discounted value and the running total (all derived).

    Year 0 is the upfront cost. The last ``cumulative_pv_usd_derived`` equals :func:`present_value`.

    >>> v = value_over_horizon(premium_basis("article"), Costs(1, 425, 190, 80, 23.45), 0.03, 10)
    >>> bool(round(v.cumulative_pv_usd_derived.iloc[-1], 2) == round(present_value(11810, 0.03, 10, 2301.0), 2))
    True
    """
    net = basis.premium_usd_derived - costs.membership_cost_usd
    rows = [dict(year=0, premium_usd=0.0, membership_usd=0.0, net_usd_derived=-costs.upfront_usd, discount_factor_derived=1.0)]
    for t in range(1, years + 1):
        rows.append(dict(year=t, premium_usd=float(basis.premium_usd_derived), membership_usd=-float(costs.membership_cost_usd),
                         net_usd_derived=float(net), discount_factor_derived=(1 + rate) ** -t))
    frame = pd.DataFrame(rows)
    frame["pv_usd_derived"] = frame.net_usd_derived * frame.discount_factor_derived
    frame["cumulative_pv_usd_derived"] = frame.pv_usd_derived.cumsum()
    return frame


def value_summary(basis: PremiumBasis, costs: Costs, rate: float, years: int) -> Markdown:
    """The premium, payback and present value in words, each labelled by kind.

    >>> text = value_summary(premium_basis("article"), Costs(1, 425, 190, 80, 23.45), 0.03, 10).data
    >>> "$12,000 a year" in text and "0.19 years" in text
    True
    """
    net = basis.premium_usd_derived - costs.membership_cost_usd
    payback = payback_years(costs.upfront_usd, net)
    pv = present_value(net, rate, years, costs.upfront_usd)
    floor = " at least" if basis.with_is_floor else ""
    lines = [f"Premium,{floor} {money(basis.premium_usd_derived)} a year = {money(basis.with_usd)} ({basis.with_what}) - "
             f"{money(basis.without_usd)} (non-certified), {basis.premium_pct_derived:.1f}% (derived from {basis.source_label}).",
             f"Net of membership ({money(costs.membership_cost_usd)} a year, assumption): {signed_money(net)} a year (derived).",
             ("Payback: never: the yearly net gain is not positive (derived)." if payback is None else
              f"Payback of the upfront cost ({money(costs.upfront_usd)}): {payback:.2f} years, about {payback * 12:.1f} "
              f"months (derived, undiscounted)."),
             f"Present value over {years} years at {rate:.1%} a year: {signed_money(round(pv, 2))} (derived; "
             f"formula in `certification.present_value`)."]
    if basis.note:
        lines.append(f"Note: {basis.note}")
    return Markdown("  \n".join(lines))


def pv_by_source(costs: Costs, rate: float, years: int, n_credentials: int) -> pd.DataFrame:
    """Payback and present value under every premium source with two averages (derived), same assumptions.

    >>> t = pv_by_source(Costs(1, 425, 190, 80, 23.45), 0.03, 10, 1).set_index("source_key")
    >>> int(t.loc["article", "premium_usd_derived"]), int(t.loc["aapc_2023", "premium_usd_derived"])
    (12000, 9969)
    """
    rows = []
    for key in [ARTICLE, *SURVEYS]:
        basis = premium_basis(key, n_credentials)
        net = basis.premium_usd_derived - costs.membership_cost_usd
        rows.append(dict(source_key=key, source=basis.source_label, without_usd=basis.without_usd, with_usd=basis.with_usd,
                         premium_usd_derived=basis.premium_usd_derived, premium_pct_derived=basis.premium_pct_derived,
                         payback_years_derived=payback_years(costs.upfront_usd, net),
                         present_value_usd_derived=present_value(net, rate, years, costs.upfront_usd)))
    frame = pd.DataFrame(rows)
    frame["payback_years_derived"] = frame.payback_years_derived.astype("Float64")
    return frame


def pv_chart(table: pd.DataFrame, chosen: str, years: int, rate: float, costs: Costs | None = None) -> alt.Chart:
    """Present value of the premium under each source (derived), chosen source highlighted.

    With ``costs``, the chart has controls for the costs, the discount rate and the horizon (starting at the
    report's values); the page recomputes every bar and the chosen source's payback and present value with
    the formulas of :func:`present_value`, :func:`payback_years` and :class:`Costs` (one definition each).

    >>> t = pv_by_source(Costs(1, 425, 190, 80, 23.45), 0.03, 10, 1)
    >>> pv_chart(t, "article", 10, 0.03).to_dict()["title"]["text"]
    'Present value of certifying over 10 years at 3.0%, by premium source (derived)'
    >>> spec = pv_chart(t, "article", 10, 0.03, Costs(1, 425, 190, 80, 23.45)).to_dict()
    >>> spec["vconcat"][1]["title"]["text"]
    'Present value of certifying, by premium source (derived), at the rate and horizon set below'
    >>> [p["name"] for p in spec["params"]][:3]
    ['exam_cost_usd', 'membership_cost_usd', 'study_hours']
    """
    data = table.assign(
        chosen=table.source_key == chosen, pv=table.present_value_usd_derived.astype(float),
        pv_text=table.present_value_usd_derived.map(lambda v: signed_money(round(v, 2))),
        premium_text=[f"{money(p)} a year ({q:.1f}%)" for p, q in zip(table.premium_usd_derived, table.premium_pct_derived)],
        payback_text=table.payback_years_derived.map(lambda v: "never" if pd.isna(v) else f"{v:.2f} years"),
    )[["source", "chosen", "pv", "pv_text", "premium_text", "payback_text"]]
    if costs is not None:
        data["premium_usd"] = table.premium_usd_derived.astype(float)
    base = alt.Chart(data).encode(
        y=alt.Y("source:N", sort="-x", title=None, axis=alt.Axis(labelLimit=300)),
        tooltip=[alt.Tooltip("source:N", title="Premium source"), alt.Tooltip("premium_text:N", title="Premium (derived)"),
                 alt.Tooltip("payback_text:N", title="Payback (derived)"), alt.Tooltip("pv_text:N", title="Present value (derived)")])
    if costs is not None:
        base = base.transform_calculate(**_live_value_fields(costs))
    # Colour is not the only cue: the chosen source's bar is also outlined.
    bars = base.mark_bar(strokeWidth=2).encode(
        x=alt.X("pv:Q", title="Present value (USD)", axis=alt.Axis(format="$,d")),
        color=alt.condition("datum.chosen", alt.value(theme.HIGHLIGHT), alt.value(theme.MUTED)),
        stroke=alt.condition("datum.chosen", alt.value(theme.INK), alt.value(None)))
    labels = base.mark_text(align="left", dx=3).encode(x="pv:Q", text="pv_text:N")
    subtitle = ["Premium = the source's certified minus non-certified average; costs are the notebook's "
                "assumptions (parameters), the same for every bar."]
    if costs is None:
        return (bars + labels).properties(
            title=alt.Title(f"Present value of certifying over {years} years at {rate:.1%}, by premium source (derived)",
                            subtitle=subtitle),
            width=380,
        )
    chosen_row = table.set_index("source_key").loc[chosen]
    params = _cost_controls(costs, rate, years) + _chosen_value_signals(costs, float(chosen_row.premium_usd_derived))
    headline = alt.Chart(alt.Data(values=[{}])).mark_text(align="left", baseline="top", fontSize=13, fontWeight="bold").encode(
        x=alt.value(0), y=alt.value(0), text="headline:N").transform_calculate(
        headline=f"'{chosen_row.source}: upfront cost ' + {money_expr('round(chosen_upfront_usd * 100) / 100')} + "
                 "', payback ' + (chosen_payback_years === null ? 'never' : format(chosen_payback_years, '.2f') + ' years')"
                 f" + ', present value ' + {signed_money_expr('chosen_present_value_usd')} + ' (derived)'"
    ).properties(width=380, height=18)
    chart = (bars + labels).properties(
        title=alt.Title("Present value of certifying, by premium source (derived), at the rate and horizon set below",
                        subtitle=subtitle),
        width=380,
    )
    return alt.vconcat(headline, chart).add_params(*params)


def _cost_controls(costs: Costs, rate: float, years: int) -> list:
    """The controls of :func:`pv_chart`, starting at the notebook's parameters."""
    return [
        slider("exam_cost_usd", costs.exam_cost_usd, "Exam fee per credential (USD, assumption)", 0, 1000, 1),
        slider("membership_cost_usd", costs.membership_cost_usd, "Membership a year (USD, assumption)", 0, 500, 1),
        slider("study_hours", costs.study_hours, "Study hours per credential (assumption)", 0, 400, 1),
        slider("study_hour_value_usd", costs.study_hour_value_usd, "Value of a study hour (USD, assumption)", 0, 100, 0.01),
        slider("discount_rate", rate, "Discount rate a year (assumption)", 0, 0.5, 0.005),
        slider("horizon_years", years, "Horizon (years)", 1, 40, 1),
    ]


def _formula_names(costs: Costs, net: str, upfront: str) -> dict[str, str]:
    """How the formulas' names read in the page: controls by their names, the credential count fixed."""
    return {"n_credentials": str(costs.n_credentials), "rate": "discount_rate", "years": "horizon_years",
            "annual_net_usd": net, "upfront_usd": upfront}


def _live_value_fields(costs: Costs) -> dict[str, str]:
    """Each bar's upfront cost, net gain, present value and texts, recomputed from the controls."""
    names = _formula_names(costs, "datum.net_usd", "datum.upfront_usd")
    return {
        "upfront_usd": UPFRONT_FORMULA.vega(names),
        "net_usd": "datum.premium_usd - membership_cost_usd",
        "pv": PRESENT_VALUE_FORMULA.vega(names),
        "payback_years": PAYBACK_FORMULA.vega(names),
        "pv_text": signed_money_expr("datum.pv"),
        "payback_text": "datum.payback_years === null ? 'never' : format(datum.payback_years, '.2f') + ' years'",
    }


def _chosen_value_signals(costs: Costs, premium_usd: float) -> list:
    """The chosen source's upfront cost, payback and present value as signals (the headline reads them)."""
    names = _formula_names(costs, "chosen_net_usd", "chosen_upfront_usd")
    return [
        derived_param("chosen_upfront_usd", UPFRONT_FORMULA.vega(names)),
        derived_param("chosen_net_usd", f"{premium_usd!r} - membership_cost_usd"),
        derived_param("chosen_payback_years", PAYBACK_FORMULA.vega(names)),
        derived_param("chosen_present_value_usd", PRESENT_VALUE_FORMULA.vega(names)),
    ]


# --------------------------------------------------------------------------- earnings path (scenario)

SCENARIO_ASSUMPTIONS = (
    "With the credential, the coder climbs the article's career ladder: in each year of experience they hold the "
    "lowest rung whose experience range covers that year (the article's rungs overlap), and earn the rung's midpoint.",
    "Without the credential, two readings: (a) the article's own words, \"No certification: limited to entry-level\", "
    "so pay stays at the Junior/Entry Coder midpoint; (b) the ladder, less the premium: ladder pay / (1 + premium %).",
    "No raises within a rung, no inflation, no taxes; midpoints of the article's ranges (claims, no source named).",
)


def ladder_rung_for_year(year: int, path: pd.DataFrame | None = None) -> pd.Series:
    """The lowest ladder rung whose experience range (years_low..years_high, open top = no limit) covers ``year``.

    >>> [ladder_rung_for_year(y).title for y in (0, 2, 3, 5, 8, 9, 12)]
    ['Junior/Entry Coder', 'Junior/Entry Coder', 'Certified Coder', 'Senior Coder', 'Coding Auditor', 'Coding Supervisor', 'Coding Manager']
    """
    path = load_career_path() if path is None else path
    top = path.years_high.astype("Float64").fillna(math.inf)
    fits = path[(path.years_low <= year) & (top >= year)].sort_values("level")
    return fits.iloc[0]


def earnings_path(basis: PremiumBasis, years: int) -> pd.DataFrame:
    """The scenario of :data:`SCENARIO_ASSUMPTIONS`, one row per year of experience 0 .. years-1 (all derived).

    >>> p = earnings_path(premium_basis("article"), 5)
    >>> p[["rung", "with_credential_usd_derived", "without_entry_only_usd_derived"]].values.tolist()[3]
    ['Certified Coder', 51500.0, 41000.0]
    >>> round(float(p.without_premium_model_usd_derived.iloc[3]), 2)  # 51,500 / 1.27907
    40263.64
    """
    path = load_career_path()
    entry = path.set_index("level").loc[1]
    entry_mid = (int(entry.salary_low_usd) + int(entry.salary_high_usd)) / 2
    rows = []
    for year in range(years):
        rung = ladder_rung_for_year(year, path)
        if pd.isna(rung.salary_high_usd):  # an open-ended rung has no midpoint: the path says so instead of guessing
            mid = None
        else:
            mid = (int(rung.salary_low_usd) + int(rung.salary_high_usd)) / 2
        rows.append(dict(years_of_experience=year, rung=rung.title, level=int(rung.level), with_credential_usd_derived=mid,
                         without_entry_only_usd_derived=entry_mid,
                         without_premium_model_usd_derived=None if mid is None else mid / (1 + basis.premium_pct_derived / 100)))
    frame = pd.DataFrame(rows)
    for column in ("with_credential_usd_derived", "without_premium_model_usd_derived"):
        frame[column] = frame[column].astype("Float64")
    return frame


def earnings_path_chart(path: pd.DataFrame, basis: PremiumBasis) -> alt.Chart:
    """Three lines over years of experience: with the credential, and the two readings of without (scenario).

    >>> earnings_path_chart(earnings_path(premium_basis("article"), 10), premium_basis("article")).to_dict()["title"]["text"]
    "Scenario: pay along the article's career ladder with and without the credential (derived)"
    """
    names = {"with_credential_usd_derived": "with the credential (ladder midpoints)",
             "without_entry_only_usd_derived": "without: stays entry-level (article's words)",
             "without_premium_model_usd_derived": f"without: ladder less the premium ({basis.premium_pct_derived:.1f}%)"}
    long = path.melt(id_vars=["years_of_experience", "rung"], value_vars=list(names), var_name="scenario", value_name="usd")
    long["scenario"] = long.scenario.map(names)
    long = long.dropna(subset=["usd"])
    long["usd"] = long.usd.astype(float)
    long["usd_text"] = long.usd.map(lambda v: money(round(v, 2)))
    return alt.Chart(long).mark_line(point=True).encode(
        x=alt.X("years_of_experience:Q", title="Years of experience", axis=alt.Axis(tickMinStep=1)),
        y=alt.Y("usd:Q", title="Annual pay (USD)", axis=alt.Axis(format="$,d")),
        color=alt.Color("scenario:N", title=None, sort=list(names.values()), legend=alt.Legend(orient="bottom", columns=1, labelLimit=500)),
        strokeDash=alt.StrokeDash("scenario:N", sort=list(names.values()), legend=None),
        tooltip=[alt.Tooltip("scenario:N", title="Scenario"), alt.Tooltip("years_of_experience:Q", title="Years of experience"),
                 alt.Tooltip("rung:N", title="Ladder rung (with credential)"), alt.Tooltip("usd_text:N", title="Pay (derived)")],
    ).properties(
        title=alt.Title("Scenario: pay along the article's career ladder with and without the credential (derived)",
                        subtitle=["A scenario on stated assumptions, not a forecast: midpoints of the article's ranges "
                                  "(data/article/career_path.csv), premium from " + basis.source_label + "."]),
        width=440, height=260,
    )


def scenario_note() -> Markdown:
    """The scenario's assumptions as a list (shown before the chart)."""
    return Markdown("**Assumptions of this scenario** (not data):\n\n" + "\n".join(f"- {a}" for a in SCENARIO_ASSUMPTIONS))


def study_hour_value_basis() -> float:
    """The figure behind ``study_hour_value_usd``'s default, read from data/ (the tests compare the two).

    >>> study_hour_value_basis()
    23.45
    """
    return float(national_fact("May 2023", "hourly_median").value)


# --------------------------------------------------------------------------- exercises (notebook 04)
# Kept apart at the end: the expected answers of notebook 04's exercises. They depend on the parameters
# (credentials, premium source, costs, rate, horizon), so they are computed when a student runs
# check("certification_premium.<name>", answer, p); no message shows them.


def _by_source(p) -> pd.DataFrame:
    """:func:`pv_by_source` under the notebook's parameters (the table the exercises ask about)."""
    return _pv_by_source_for(costs_from(p), p.discount_rate, p.horizon_years, len(p.credentials))


@lru_cache(maxsize=16)
def _pv_by_source_for(costs: Costs, rate: float, years: int, n_credentials: int) -> pd.DataFrame:
    """:func:`pv_by_source`, remembered: a check computes the answer and each hint's wrong answer from the same table."""
    return pv_by_source(costs, rate, years, n_credentials)


def _net_premium(p) -> float:
    """The chosen source's yearly premium net of membership (derived)."""
    return premium_basis(p.premium_source, len(p.credentials)).premium_usd_derived - p.membership_cost_usd


@computed("certification_premium.largest_present_value", type="text", hints=[
    hint("That is the right source, written as its label. Answer with its key, the way `premium_source` takes it "
         "(the `source_key` column).", wrong=lambda p: _by_source(p).set_index("source_key").source[exercise_largest_present_value(p)]),
    hint("That source has the smallest present value (the shortest bar); the question asks for the largest.",
         wrong=lambda p: _by_source(p).set_index("source_key").present_value_usd_derived.idxmin()),
    hint("That is the source you chose (the orange bar). Is its bar the longest?", wrong=lambda p: p.premium_source),
], explain="Every bar uses the same costs, rate and horizon: only the premium differs. The largest premium is not "
           "the most trustworthy one: section 2 shows how far the sources disagree and why.")
def exercise_largest_present_value(p) -> str:
    """The key of the premium source with the largest present value under the parameters (derived).

    >>> exercise_largest_present_value(PARAMETERS.check({}))
    'survey_2020'
    """
    return _by_source(p).set_index("source_key").present_value_usd_derived.idxmax()


@computed("certification_premium.payback_years", tolerance=0.001, hints=[
    hint("That looks like months: divide by 12 to get years.", times=12),
    hint("You divided by the whole premium. Subtract the yearly membership first: the upfront cost is repaid by the "
         "premium net of membership.", wrong=lambda p: costs_from(p).upfront_usd / premium_basis(
             p.premium_source, len(p.credentials)).premium_usd_derived),
    hint("Upside down: divide the upfront cost by the yearly net gain, not the other way round.",
         wrong=lambda p: _net_premium(p) / costs_from(p).upfront_usd),
    hint("Your upfront cost leaves out study time (credentials x study hours x value of an hour).",
         wrong=lambda p: costs_from(p).exams_usd / _net_premium(p)),
], explain="Payback is derived and undiscounted, and it assumes the whole premium arrives from the first year on: "
           "no source here shows that. The present value in section 3 discounts it.")
def exercise_payback_years(p) -> float | None:
    """Years until the chosen source's premium, net of membership, repays the upfront cost (derived, unrounded).

    None when the net gain is not positive (the cost is never repaid: the check then says there is no answer).

    >>> round(exercise_payback_years(PARAMETERS.check({})), 6), exercise_payback_years(
    ...     PARAMETERS.check({"membership_cost_usd": 20000})) is None
    (0.194835, True)
    """
    return payback_years(costs_from(p).upfront_usd, _net_premium(p))


@computed("certification_premium.present_value_spread", tolerance=1, hints=[
    hint("That is the spread of the yearly premiums. The question asks about the present values "
         "(present_value_usd_derived).", wrong=lambda p: float(_by_source(p).premium_usd_derived.max()
                                                              - _by_source(p).premium_usd_derived.min())),
    hint("That is the largest present value itself: subtract the smallest.",
         wrong=lambda p: float(_by_source(p).present_value_usd_derived.max())),
], explain="With every assumption held fixed, the choice of source alone moves the answer by this much. "
           "That is the price of the sources' disagreement.")
def exercise_present_value_spread(p) -> float:
    """The largest minus the smallest present value across the premium sources, same assumptions (derived).

    >>> round(exercise_present_value_spread(PARAMETERS.check({})), 2)
    52349.85
    """
    pv = _by_source(p).present_value_usd_derived
    return float(pv.max() - pv.min())


# --------------------------------------------------------------------------- the report's summary


def report_summary(p) -> Summary:
    """The report's opening summary: the premium by source, and what it is worth under the assumptions.

    >>> s = report_summary(PARAMETERS.check({}))
    >>> [f.kind for f in s.figures]
    ['claim', 'claim', 'derived', 'assumption', 'derived']
    """
    basis = premium_basis(p.premium_source, len(p.credentials))
    costs = costs_from(p)
    pv = value_over_horizon(basis, costs, p.discount_rate, p.horizon_years).cumulative_pv_usd_derived.iloc[-1]
    kind = "claim" if p.premium_source == "article" else "evidence"
    rate = percent(100 * p.discount_rate)
    figures = [
        Figure(f"Average with the credential ({basis.source_label})", money(basis.with_usd), kind, basis.with_what),
        Figure(f"Average without ({basis.source_label})", money(basis.without_usd), kind, "non-certified"),
        Figure("Premium", f"{money(basis.premium_usd_derived)} a year", "derived", "with minus without"),
        Figure("Discount rate", rate, "assumption", "parameter discount_rate"),
        Figure(f"Present value over {p.horizon_years} years", signed_money(pv), "derived",
               "certification_premium.present_value, net of the assumed costs"),
    ]
    sources = premium_sources()
    derived = sources.premium_pct_derived.dropna()
    stated = pd.concat([sources.stated_pct_low, sources.stated_pct_high]).dropna()
    findings = [
        Finding(f"The sources state premiums from {percent(stated.min())} to {percent(stated.max())}; their own averages "
                f"give {percent(derived.min())} to {percent(derived.max())}.", "derived"),
        Finding("None of these figures is BLS data: BLS publishes no split by certification, and the surveys are "
                "self-reported.", "evidence"),
        Finding(f"Under the assumed costs and a {rate} discount rate, the premium from {basis.source_label} is worth "
                f"{signed_money(pv)} over {p.horizon_years} years.", "assumption"),
    ]
    return Summary(figures, Finding(verdict_text("certification", "certification figures"), "derived"), findings)
