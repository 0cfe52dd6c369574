"""Premium sources: the article and the salary surveys, each one's certified and non-certified averages,
and how far the premiums they state and the premiums their averages give disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.calc.claims import survey_source
from analysis.calc.units import premium
from analysis.core.errors import InputError, lookup
from analysis.data.article import load_certification_premium
from analysis.data.evidence import load_certification_surveys
from analysis.present.markdown import Markdown

from analysis.topics.certification_premium.credentials import certification_status_view


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
