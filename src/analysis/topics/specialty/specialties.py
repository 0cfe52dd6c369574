"""The article's ten specialties (claims): midpoints, premiums over general coding and ranks (derived),
and its HCC niche section checked against its own specialty table.
"""

from __future__ import annotations

import re
from functools import lru_cache

import pandas as pd

from analysis.calc.units import SalaryRange, premium
from analysis.core.errors import InputError, closest
from analysis.data.article import DEMAND_LEVELS, load_hcc_niche, load_specialties
from analysis.data.cache import files_stamp
from analysis.present.formats import money, signed_money
from analysis.present.markdown import Markdown


BASELINE = "General Outpatient"
"""The article's general coding row: every specialty's premium is measured against it."""


def specialty_names() -> list[str]:
    """The article's ten specialties, as printed, in the article's order.

    >>> specialty_names()[:3]
    ['General Outpatient', 'Emergency Department', 'Surgery/Orthopedics']
    """
    return load_specialties().specialty.tolist()


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(text).strip().lower()).strip("_")


def lookup_specialty(value) -> str:
    """A specialty by its name or its short key (case and punctuation ignored); returns the name as printed.

    The short key is the end of the row's ``claim_id``: "risk_adjustment_hcc", "ob_gyn", "auditing" ...;
    "hcc" is accepted for Risk Adjustment/HCC.

    >>> lookup_specialty("risk adjustment/hcc"), lookup_specialty("ob_gyn"), lookup_specialty("HCC")
    ('Risk Adjustment/HCC', 'OB/GYN', 'Risk Adjustment/HCC')
    >>> lookup_specialty("cardiolgy")
    Traceback (most recent call last):
    ...
    analysis.core.errors.InputError: specialty='cardiolgy': not one of the article's ten specialties. Did you mean 'Cardiology'? Allowed: General Outpatient, Emergency Department, Surgery/Orthopedics, Cardiology, Radiology, OB/GYN, Anesthesia, Inpatient (Hospital), Risk Adjustment/HCC, Auditing.
    """
    table = load_specialties()
    names = table.specialty.tolist()
    keys = {_key(n): n for n in names}
    keys.update({cid.split(".", 1)[1]: n for cid, n in zip(table.claim_id, names)})
    keys["hcc"] = "Risk Adjustment/HCC"
    wanted = _key(value)
    if wanted in keys:
        return keys[wanted]
    near = closest(str(value), names + list(keys))  # a name or a short key; suggest the name either way
    raise InputError("specialty", value, allowed=names, suggestion=None if near is None else keys.get(_key(near), near),
                     reason="not one of the article's ten specialties")


def specialty_table() -> pd.DataFrame:
    """The article's specialty table with derived columns: midpoint, premium over General Outpatient, rank.

    Premiums use :func:`analysis.calc.units.premium`: the specialty's midpoint against General Outpatient's
    midpoint ($47,000), in dollars and in percent of $47,000; also the difference of the low ends and
    of the high ends. ``midpoint_rank_derived``: 1 = highest midpoint (ties share a rank).

    >>> t = specialty_table().set_index("specialty")
    >>> [int(v) for v in t.loc["Auditing", ["midpoint_usd_derived", "premium_low_usd_derived", "premium_high_usd_derived", "midpoint_rank_derived"]]]
    [70000, 18000, 28000, 1]
    >>> float(t.loc[BASELINE, "premium_midpoint_pct_derived"])
    0.0
    """
    # Read again only when a file is edited; a copy (attrs included) keeps the cache intact.
    return _specialty_table(files_stamp("article/specialties.csv", "sources.csv")).copy()


@lru_cache(maxsize=2)
def _specialty_table(stamp) -> pd.DataFrame:
    table = load_specialties()
    attrs = dict(table.attrs)
    ranges = [SalaryRange(int(lo), int(hi), False) for lo, hi in zip(table.salary_low_usd, table.salary_high_usd)]
    base = ranges[table.specialty.tolist().index(BASELINE)]
    premiums = [premium(base.midpoint, r.midpoint) for r in ranges]
    frame = table.assign(
        midpoint_usd_derived=[r.midpoint for r in ranges],
        premium_midpoint_usd_derived=[p.absolute for p in premiums],
        premium_midpoint_pct_derived=[p.percent for p in premiums],
        premium_low_usd_derived=[r.low - base.low for r in ranges],
        premium_high_usd_derived=[r.high - base.high for r in ranges],
    )
    frame["midpoint_rank_derived"] = frame.midpoint_usd_derived.rank(ascending=False, method="min").astype(int)
    frame["demand_rank"] = frame.demand_level.map({d: i for i, d in enumerate(reversed(DEMAND_LEVELS), start=1)})
    frame.attrs.update(attrs)
    return frame


def specialty_view(table: pd.DataFrame, chosen: str) -> pd.DataFrame:
    """The columns a reader needs, chosen specialty first, the rest by midpoint (highest first).

    >>> specialty_view(specialty_table(), "Cardiology").specialty.tolist()[:2]
    ['Cardiology', 'Auditing']
    """
    ordered = pd.concat([table[table.specialty == chosen],
                         table[table.specialty != chosen].sort_values("midpoint_usd_derived", ascending=False, kind="stable")])
    return ordered[["specialty", "salary_low_usd", "salary_high_usd", "midpoint_usd_derived", "premium_midpoint_usd_derived",
                    "premium_midpoint_pct_derived", "certification", "demand_level"]].reset_index(drop=True)


def specialty_headline(specialty: str) -> Markdown:
    """The chosen specialty in words: its range and credential (claims), midpoint, premium and rank (derived).

    >>> print(specialty_headline("Cardiology").data.splitlines()[0].strip())
    **Cardiology**: $50,000–$63,000 a year, credential CPC + CCC, demand *Medium* (the article's claims).
    """
    row = specialty_table().set_index("specialty").loc[specialty]
    lines = [f"**{specialty}**: {money(row.salary_low_usd)}–{money(row.salary_high_usd)} a year, credential "
             f"{row.certification}, demand *{row.demand_level}* (the article's claims).",
             f"Midpoint {money(row.midpoint_usd_derived)}, rank {int(row.midpoint_rank_derived)} of 10 by midpoint (derived)."]
    if specialty == BASELINE:
        lines.append(f"{BASELINE} is the baseline: every other specialty's premium is measured against it.")
    else:
        lines.append(f"Premium over {BASELINE} (midpoint $47,000): {signed_money(row.premium_midpoint_usd_derived)} a year, "
                     f"{row.premium_midpoint_pct_derived:+.1f}% (derived); low ends {signed_money(row.premium_low_usd_derived)}, "
                     f"high ends {signed_money(row.premium_high_usd_derived)} (derived).")
    return Markdown("  \n".join(lines))


def hcc_statements() -> pd.DataFrame:
    """The article's HCC section, one statement per row (claims), with its own label.

    >>> hcc_statements().topic.tolist()[:2]
    ['ranking', 'salary']
    """
    frame = load_hcc_niche()
    view = frame.assign(what=frame.label.fillna("(section lead)"))[["topic", "what", "statement"]]
    view.attrs.update(frame.attrs)
    return view


def hcc_check() -> pd.DataFrame:
    """The HCC section's two superlatives held against the article's own specialty table (derived).

    "highest-demand": is Risk Adjustment/HCC's demand level the top level, and the only one there?
    "highest-paying": is its midpoint, its low end, its high end the highest of the ten?

    >>> check = hcc_check().set_index("question")
    >>> check.loc["highest midpoint of the ten?", ["answer", "detail"]].tolist()
    ['no', 'Auditing has $70,000; Risk Adjustment/HCC has $63,500 (rank 2 of 10)']
    >>> check.loc["the only 'Very High' demand level?", "answer"]
    'yes'
    """
    t = specialty_table().set_index("specialty")
    hcc = t.loc["Risk Adjustment/HCC"]
    rows = []
    top = DEMAND_LEVELS[-1]
    at_top = t.index[t.demand_level == top].tolist()
    rows.append((f"the only {top!r} demand level?", "yes" if at_top == ["Risk Adjustment/HCC"] else "no",
                 f"specialties at {top!r}: {', '.join(at_top) or 'none'}"))
    for label, column in (("midpoint", "midpoint_usd_derived"), ("low end", "salary_low_usd"), ("high end", "salary_high_usd")):
        best = t[column].max()
        leaders = t.index[t[column] == best].tolist()
        rank = int(t[column].rank(ascending=False, method="min")["Risk Adjustment/HCC"])
        answer = "yes" if hcc[column] == best else "no"
        detail = (f"{', '.join(leaders)} {'has' if len(leaders) == 1 else 'have'} {money(best)}"
                  + ("" if answer == "yes" and len(leaders) == 1 else f"; Risk Adjustment/HCC has {money(hcc[column])} (rank {rank} of 10)"))
        rows.append((f"highest {label} of the ten?", answer, detail))
    return pd.DataFrame(rows, columns=["question", "answer", "detail"])
