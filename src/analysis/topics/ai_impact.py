"""AI and medical coding: published LLM-exposure ratings, the article's claims, and a labelled scenario.

Backs ``notebooks/05_ai_impact.ipynb``. Three kinds of content, kept apart on purpose:

* **evidence**: the LLM-exposure ratings of 923 O*NET-SOC occupations published with Eloundou,
  Manning, Mishkin and Rock, "GPTs are GPTs" (Science, 2024), in
  ``data/evidence/gpts-are-gpts/occ_level.csv``. Each occupation has a rating from 0 to 1 by two raters
  (GPT-4 and human annotators) on three measures: ``E1`` (the share of the occupation's tasks an LLM
  alone could speed up a lot), ``E1+0.5*E2`` and ``E1+E2`` (adding tasks that software built on an
  LLM could speed up). Ranks, percentile ranks, differences and correlations computed from them here
  are labelled **derived**.
* **claims**: the article's "Will AI Replace Medical Coders?" section (qualitative, no numbers).
* **a scenario**: what-if arithmetic on assumptions that are notebook parameters. It is not a
  forecast and not evidence (see :func:`scenario`).

>>> exposure = load_exposure()
>>> len(exposure)
923
>>> row = exposure.set_index("onet_soc_code").loc[MEDICAL_RECORDS_CODE]
>>> row.title, float(row.dv_rating_alpha)
('Medical Records Specialists', 0.23529411764705882)
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from functools import lru_cache

import altair as alt
import pandas as pd

from analysis.data.article import load_ai_impact, load_alternative_careers, load_career_path
from analysis.data.ai_exposure import (  # noqa: F401  (the notebook and the tests use them from here)
    EXPOSURE_FILE,
    EXPOSURE_SCHEMA,
    MEASURES,
    MEASURE_MEANINGS,
    MEDICAL_RECORDS_CODE,
    NOT_AVAILABLE,
    OCCUPATION_FORMS,
    Occupation,
    OccupationList,
    RATERS,
    RATER_NAMES,
    SCENARIO_BASE_YEAR,
    _RATING_COLUMNS,
    _career_links,
    _load_exposure,
    _occupation_index,
    _share,
    how_it_relates,
    load_exposure,
    lookup_measure,
    lookup_occupation,
    lookup_rater,
    occupation_list,
    rating_column,
)
from analysis.calc.formula import Var
from analysis.core.errors import InputError, closest
from analysis.teaching.exercises import computed, hint
from analysis.present import theme
from analysis.present.controls import slider
from analysis.present.markdown import Markdown
from analysis.present.report_summary import Figure, Finding, Summary
from analysis.present.tables import rounded_view  # noqa: F401  (the notebook shows tables with it)
from analysis.core.params import Number, Param, ParameterSet, Text, read_json

# --------------------------------------------------------------------------- standing


def percentile_ranks(values: pd.Series) -> pd.DataFrame:
    """For each value: how many others are lower, equal and higher, its rank and its percentile rank (derived).

    ``percentile_rank_derived = 100 * (lower + 0.5 * equal) / n``, where ``equal`` counts the value
    itself and its ties (the usual mid-rank definition: ties share one percentile rank).
    ``rank_derived`` is 1 for the highest value; ties share the best rank.

    >>> r = percentile_ranks(pd.Series([0.1, 0.2, 0.2, 0.5]))
    >>> r.percentile_rank_derived.tolist(), r.rank_derived.tolist(), r.n_lower.tolist()
    ([12.5, 50.0, 50.0, 87.5], [4, 2, 2, 1], [0, 1, 1, 3])
    """
    values = pd.Series(values, dtype=float)
    n = len(values)
    ordered = values.sort_values().to_numpy()
    lower = pd.Series(ordered.searchsorted(values.to_numpy(), side="left"), index=values.index)
    not_higher = pd.Series(ordered.searchsorted(values.to_numpy(), side="right"), index=values.index)
    equal = not_higher - lower
    return pd.DataFrame({
        "n_lower": lower.astype(int),
        "n_tied": (equal - 1).astype(int),
        "n_higher": (n - not_higher).astype(int),
        "rank_derived": (n - not_higher + 1).astype(int),
        "percentile_rank_derived": 100 * (lower + 0.5 * equal) / n,
        "n_occupations": n,
    }, index=values.index)


def ranked_exposure(rater: str, measure: str) -> pd.DataFrame:
    """Every occupation with the chosen rating (``rating``) and its rank and percentile rank among all 923 (derived).

    >>> r = ranked_exposure("gpt4", "E1").set_index("onet_soc_code").loc["29-2072.00"]
    >>> int(r.rank_derived), int(r.n_lower), int(r.n_tied), int(r.n_higher)
    (149, 773, 1, 148)
    """
    exposure = load_exposure()
    column = rating_column(rater, measure)
    frame = exposure[["onet_soc_code", "title"]].assign(rating=exposure[column])
    frame = pd.concat([frame, percentile_ranks(frame.rating)], axis=1)
    frame.attrs.update(exposure.attrs, rater=lookup_rater(rater), measure=lookup_measure(measure), column=column)
    return frame


def highlighted(compare_with: list[Occupation]) -> list[Occupation]:
    """Medical Records Specialists first, then the compared occupations (each once).

    >>> [o.code for o in highlighted([lookup_occupation("13-1041.00"), lookup_occupation("29-2072.00")])]
    ['29-2072.00', '13-1041.00']
    """
    own = lookup_occupation(MEDICAL_RECORDS_CODE)
    return [own] + [o for o in compare_with if o != own]


def standing(rater: str, measure: str, compare_with: list[Occupation]) -> pd.DataFrame:
    """Medical Records Specialists and the compared occupations: rating, rank and percentile rank (derived), both raters.

    ``how_it_relates`` says how an occupation connects to the article (see :func:`how_it_relates`).

    >>> s = standing("human", "E1+E2", [lookup_occupation("Compliance Officers")])
    >>> s[["title", "role"]].values.tolist()
    [['Medical Records Specialists', "the article's occupation"], ['Compliance Officers', 'compared']]
    >>> float(s.rating.iloc[0]) == float(s.human_rating.iloc[0])
    True
    """
    ranked = ranked_exposure(rater, measure).set_index("onet_soc_code")
    exposure = load_exposure().set_index("onet_soc_code")
    measure = lookup_measure(measure)
    rows = []
    for occupation in highlighted(compare_with):
        r = ranked.loc[occupation.code]
        rows.append(dict(
            onet_soc_code=occupation.code, title=occupation.title,
            role="the article's occupation" if occupation.code == MEDICAL_RECORDS_CODE else "compared",
            rating=float(r.rating), rank_derived=int(r.rank_derived), n_lower=int(r.n_lower), n_tied=int(r.n_tied),
            n_higher=int(r.n_higher), n_occupations=int(r.n_occupations),
            percentile_rank_derived=float(r.percentile_rank_derived),
            gpt4_rating=float(exposure.loc[occupation.code, rating_column("gpt4", measure)]),
            human_rating=float(exposure.loc[occupation.code, rating_column("human", measure)]),
            how_it_relates=how_it_relates(occupation.code),
        ))
    frame = pd.DataFrame(rows)
    frame["gpt4_minus_human_derived"] = frame.gpt4_rating - frame.human_rating
    frame.attrs.update(ranked.attrs)
    return frame


def standing_headline(rater: str, measure: str) -> Markdown:
    """Where Medical Records Specialists stand among all 923 occupations on the chosen rating, in words.

    >>> print(standing_headline("gpt4", "E1").data.splitlines()[0].rstrip())
    **Medical Records Specialists** (29-2072.00), rated by GPT-4 on E1: **0.23529411764705882** (data).
    """
    ranked = ranked_exposure(rater, measure).set_index("onet_soc_code")
    r = ranked.loc[MEDICAL_RECORDS_CODE]
    rater, measure = lookup_rater(rater), lookup_measure(measure)
    lines = [
        f"**Medical Records Specialists** ({MEDICAL_RECORDS_CODE}), rated by {RATER_NAMES[rater]} on {measure}: "
        f"**{float(r.rating)!r}** (data).",
        f"{measure}: {MEASURE_MEANINGS[measure]}; 0 = no task exposed, 1 = every task exposed.",
        f"Of the {int(r.n_occupations)} rated occupations, {int(r.n_lower)} are rated lower, {int(r.n_tied)} the same "
        f"and {int(r.n_higher)} higher (derived): rank {int(r.rank_derived)}, where 1 is the most exposed (derived).",
        f"Percentile rank: {float(r.percentile_rank_derived)!r} (derived; 100 x (lower + half of the equal ones, itself "
        f"included) / {int(r.n_occupations)}).",
    ]
    return Markdown("  \n".join(lines))


# --------------------------------------------------------------------------- the two raters


def rater_agreement(frame: pd.DataFrame, gpt4: str, human: str) -> pd.Series:
    """How far two rating columns agree: Pearson and Spearman correlation and counts (all derived).

    Spearman's rho is Pearson's r of the ratings' ranks (ties get their average rank).
    ``gpt4_higher`` counts occupations where the first column is above the second.

    Worked by hand: g = [0.1, 0.2, 0.3, 0.9], h = [0.1, 0.2, 0.3, 0.4]. Same order, so rho = 1.
    Deviations from the means (0.375, 0.25): g -> [-0.275, -0.175, -0.075, 0.525], h -> [-0.15, -0.05,
    0.05, 0.15]; r = 0.125 / sqrt(0.3875 x 0.05) = 0.8980265101...; mean difference = 0.5 / 4 = 0.125.

    >>> demo = pd.DataFrame({"g": [0.1, 0.2, 0.3, 0.9], "h": [0.1, 0.2, 0.3, 0.4]})
    >>> a = rater_agreement(demo, "g", "h")
    >>> round(a.pearson_r_derived, 9), round(a.spearman_rho_derived, 9)
    (0.89802651, 1.0)
    >>> a.gpt4_higher, a.human_higher, a.equal, round(a.mean_gpt4_minus_human_derived, 12)
    (1, 0, 3, 0.125)
    """
    g, h = frame[gpt4].astype(float), frame[human].astype(float)
    return pd.Series({
        "n_occupations": len(frame),
        "pearson_r_derived": float(g.corr(h)),
        "spearman_rho_derived": float(g.rank().corr(h.rank())),
        "mean_gpt4_minus_human_derived": float((g - h).mean()),
        "gpt4_higher": int((g > h).sum()),
        "human_higher": int((g < h).sum()),
        "equal": int((g == h).sum()),
    }, dtype=object)


def raters_compared(measure: str) -> pd.DataFrame:
    """All occupations with both raters' ratings on ``measure`` and their difference (GPT-4 minus human, derived).

    >>> r = raters_compared("E1").set_index("onet_soc_code").loc["31-9094.00"]
    >>> r.title, bool(r.gpt4_rating > r.human_rating)
    ('Medical Transcriptionists', True)
    """
    exposure = load_exposure()
    measure = lookup_measure(measure)
    frame = exposure[["onet_soc_code", "title"]].assign(
        gpt4_rating=exposure[rating_column("gpt4", measure)], human_rating=exposure[rating_column("human", measure)])
    frame["gpt4_minus_human_derived"] = frame.gpt4_rating - frame.human_rating
    frame.attrs.update(exposure.attrs, measure=measure)
    return frame


def agreement_summary(measure: str) -> pd.DataFrame:
    """The agreement of the two raters over all 923 occupations on ``measure``, as a two-column table.

    >>> s = agreement_summary("E1").set_index("statistic").value
    >>> int(s["occupations rated"]), int(s["GPT-4 higher"] + s["human annotators higher"] + s["both equal"])
    (923, 923)
    """
    a = rater_agreement(raters_compared(measure), "gpt4_rating", "human_rating")
    rows = [
        ("occupations rated", a.n_occupations, "data"),
        ("Pearson correlation r (derived)", a.pearson_r_derived, "derived"),
        ("Spearman rank correlation rho (derived)", a.spearman_rho_derived, "derived"),
        ("mean of GPT-4 minus human (derived)", a.mean_gpt4_minus_human_derived, "derived"),
        ("GPT-4 higher", a.gpt4_higher, "derived (count)"),
        ("human annotators higher", a.human_higher, "derived (count)"),
        ("both equal", a.equal, "derived (count)"),
    ]
    frame = pd.DataFrame(rows, columns=["statistic", "value", "kind"])
    frame["value"] = pd.Series([v for _, v, _ in rows], dtype=object)  # counts stay whole numbers
    return frame


def largest_disagreements(measure: str, n: int = 5) -> pd.DataFrame:
    """The ``n`` occupations where GPT-4 rates higher than the humans by most, and the ``n`` where it rates lower.

    >>> d = largest_disagreements("E1", 3)
    >>> d.direction.tolist()
    ['GPT-4 higher', 'GPT-4 higher', 'GPT-4 higher', 'human higher', 'human higher', 'human higher']
    """
    frame = raters_compared(measure)
    ordered = frame.sort_values(["gpt4_minus_human_derived", "onet_soc_code"], kind="stable")
    higher = ordered[ordered.gpt4_minus_human_derived > 0].iloc[::-1].head(n).assign(direction="GPT-4 higher")
    lower = ordered[ordered.gpt4_minus_human_derived < 0].head(n).assign(direction="human higher")
    return pd.concat([higher, lower], ignore_index=True)[
        ["direction", "onet_soc_code", "title", "gpt4_rating", "human_rating", "gpt4_minus_human_derived"]]


# --------------------------------------------------------------------------- the article's claims


# What the data in this kit can and cannot say about each claim (the kit's notes, keyed by topic).
EVIDENCE_NOTES = {
    "short_answer": "The exposure ratings say what share of an occupation's tasks an LLM could speed up; they do not "
                    "say whether jobs disappear. No data here confirms or refutes \"No\".",
    "ai_tools": "The data here holds no figures on which tools hospitals use or what share of cases they code.",
    "human_role": "Not measured by the ratings. Compare the exposure of Medical Records Specialists with compliance "
                  "and auditing occupations above.",
    "role_shift": "No data here tracks what coders do over time. The scenario below shows the arithmetic of such "
                  "a shift under assumptions you choose.",
    "entry_level_jobs": "No data here splits jobs by career level. The scenario below is a what-if, not evidence.",
    "higher_skill_roles": "The ratings measure exposure, not growth. See the compared occupations above for their "
                          "exposure.",
    "best_strategy": "Advice, not a fact to check.",
}


def article_claims() -> pd.DataFrame:
    """The article's AI statements (claims, qualitative) side by side with what the data here can say.

    >>> c = article_claims()
    >>> c.kind.unique().tolist()
    ['claim (qualitative, no figure)']
    >>> c.set_index("topic").loc["short_answer", "statement"]
    'No, but AI is changing the role.'
    """
    claims = load_ai_impact()
    frame = claims[["claim_id", "topic", "statement"]].assign(
        kind="claim (qualitative, no figure)",
        what_the_data_here_can_say=claims.topic.map(EVIDENCE_NOTES).fillna("No note yet."),
    )
    frame.attrs.update(claims.attrs)
    return frame


def claims_note() -> Markdown:
    """Why the claims are shown as claims: the article gives no figure and no source for its AI section.

    >>> "no figure" in claims_note().data
    True
    """
    claims = load_ai_impact()
    return Markdown(
        f"The article's AI section makes {len(claims)} statements. It gives no figure and no source for any of them "
        f"(it names tools, 3M 360 Encompass and Optum CAC, but measures nothing). They are shown here as **claims**. "
        f"The exposure ratings above are the only quantitative evidence on AI in this kit, and they measure "
        f"something else: which tasks an LLM could speed up, not what happens to jobs."
    )


# --------------------------------------------------------------------------- the scenario

# The default routine shares: ASSUMPTIONS chosen for teaching, not data. Keys are the article's
# career levels (career_path.csv) and two of its alternative careers (alternative_careers.csv).
DEFAULT_ROUTINE_SHARES = {
    "Junior/Entry Coder": 0.8,  # "Basic CPT/ICD-10, data entry": mostly straightforward cases
    "Certified Coder": 0.6,
    "Senior Coder": 0.3,  # "Complex cases, mentoring"
    "Coding Auditor": 0.2,  # reviews other people's and tools' codes
    "Coding Supervisor": 0.2,
    "Coding Manager": 0.1,
    "Director of HIM/Coding": 0.05,
    "Clinical Documentation Improvement (CDI)": 0.2,
    "Compliance Officer": 0.1,
}

# How the scenario groups roles on its chart (the kit's grouping, following the article's AI section).
ROLE_GROUPS = {
    "Junior/Entry Coder": "entry-level production coding",
    "Certified Coder": "entry-level production coding",
    "Senior Coder": "senior coding",
    "Coding Auditor": "auditing / CDI / compliance",
    "Clinical Documentation Improvement (CDI)": "auditing / CDI / compliance",
    "Compliance Officer": "auditing / CDI / compliance",
    "Coding Supervisor": "management",
    "Coding Manager": "management",
    "Director of HIM/Coding": "management",
}


@lru_cache(maxsize=1)
def article_roles() -> tuple[tuple[str, int | None], ...]:
    """The roles the scenario may use: the article's 7 career levels (with their level), then its 6 alternative careers.

    >>> article_roles()[0], article_roles()[7]
    (('Junior/Entry Coder', 1), ('Clinical Documentation Improvement (CDI)', None))
    """
    path = load_career_path().sort_values("level")
    careers = load_alternative_careers()
    return tuple([(t, int(level)) for t, level in zip(path.title, path.level)] + [(c, None) for c in careers.career])


def _role(key) -> str:
    roles = article_roles()
    levels = {level: title for title, level in roles if level is not None}
    text = str(key).strip()
    if text.isdigit() and int(text) in levels:
        return levels[int(text)]
    by_lower = {title.lower(): title for title, _ in roles}
    if text.lower() in by_lower:
        return by_lower[text.lower()]
    raise InputError("routine_share_by_level", key, reason="not a career level or alternative career of the article",
                     suggestion=closest(text, [t for t, _ in roles]),
                     allowed=f"a level 1-{len(levels)} or one of: " + "; ".join(t for t, _ in roles))


def _share_value(name: str, value) -> float:
    if isinstance(value, str):
        try:
            value = float(value.strip().rstrip("%")) / (100 if value.strip().endswith("%") else 1)
        except ValueError:
            raise InputError(name, value, reason="must be a number", allowed="a share from 0 to 1 (0.8 means 80%)") from None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InputError(name, value, reason="must be a number", allowed="a share from 0 to 1 (0.8 means 80%)")
    if not math.isfinite(value):
        raise InputError(name, value, reason="must be a finite number (not nan or infinity)", allowed="a share from 0 to 1 (0.8 means 80%)")
    if value < 0 or value > 1:
        suggestion = value / 100 if 2 <= value <= 100 else None  # 80 probably meant 80%
        raise InputError(name, value, reason="a share must be between 0 and 1" + (" (write 80% as 0.8)" if suggestion else ""),
                         suggestion=suggestion, allowed="a share from 0 to 1 (0.8 means 80%)")
    return value


def routine_shares(value) -> dict[str, float]:
    """Each role's routine share of work, from a dict, a list or text; roles not given keep their default.

    * dict: ``{"Junior/Entry Coder": 0.9, 4: 0.3}`` (a title, or a career level 1-7);
    * list: one share per career level, 1 to 7 in order (the alternative careers keep their default);
    * text: ``"Junior/Entry Coder=0.9, Coding Auditor=0.3"`` or JSON (the papermill CLI passes text).

    Shares are fractions from 0 to 1. The result lists every default role, in order, plus any other role given.

    >>> shares = routine_shares({"junior/entry coder": 0.9, 4: 0.3})
    >>> shares["Junior/Entry Coder"], shares["Coding Auditor"], shares["Senior Coder"]
    (0.9, 0.3, 0.3)
    >>> routine_shares("Coding Auditor=0.25")["Coding Auditor"]
    0.25
    >>> routine_shares([1, 0.9, 0.5, 0.4, 0.3, 0.2, 0.1])["Coding Manager"]
    0.2
    >>> routine_shares({"Senior Coder": 80})
    Traceback (most recent call last):
    ...
    analysis.core.errors.InputError: routine_share_by_level['Senior Coder']=80: a share must be between 0 and 1 (write 80% as 0.8). Did you mean 0.8? Allowed: a share from 0 to 1 (0.8 means 80%).
    """
    if value is None:
        value = {}
    if isinstance(value, str):
        text = value.strip()
        if text.startswith(("{", "[")):
            value = read_json("routine_share_by_level", value, reason="looks like JSON but cannot be read",
                              allowed='a dict such as {"Junior/Entry Coder": 0.8}')
        else:
            pairs = {}
            for part in filter(None, (p.strip() for p in re.split(r"[,;]", text))):
                key, sep, number = part.rpartition("=") if "=" in part else part.rpartition(":")
                if not sep:
                    raise InputError("routine_share_by_level", value, reason=f"{part!r} has no '=' between role and share",
                                     allowed="text like 'Junior/Entry Coder=0.9, Coding Auditor=0.3'")
                pairs[key.strip()] = number
            value = pairs
    levels = [title for title, level in article_roles() if level is not None]
    if isinstance(value, (list, tuple)):
        if len(value) != len(levels):
            raise InputError("routine_share_by_level", value,
                             reason=f"a list needs one share per career level ({len(levels)}), it has {len(value)}",
                             allowed="a list of " + str(len(levels)) + " shares in level order: " + "; ".join(levels))
        value = dict(zip(levels, value))
    if not isinstance(value, dict):
        raise InputError("routine_share_by_level", value, reason="must be a dict, a list or text",
                         allowed='a dict such as {"Junior/Entry Coder": 0.8}')
    shares = dict(DEFAULT_ROUTINE_SHARES)
    for key, share in value.items():
        role = _role(key)
        shares[role] = _share_value(f"routine_share_by_level[{role!r}]", share)
    return shares


class RoutineShares(Param):
    """A parameter: each career level's routine share of work (see :func:`routine_shares`)."""

    def normalize(self, value):
        return routine_shares(value)

    def allowed(self) -> str:
        return ("a dict of role -> share from 0 to 1 (roles: the article's career levels and alternative careers), "
                "a list of 7 shares for levels 1-7, or text like 'Junior/Entry Coder=0.9'")


class Share(Number):
    """A fraction from 0 to 1; a value like 50 gets the hint "did you mean 0.5?"."""

    def __init__(self, name, default, doc):
        super().__init__(name, default, doc, minimum=0, maximum=1)

    def normalize(self, value):
        if isinstance(value, (int, float)) and not isinstance(value, bool) and 2 <= value <= 100:  # 50 probably meant 50%
            raise InputError(self.name, value, reason="a share must be between 0 and 1 (write 50% as 0.5)",
                             suggestion=value / 100, allowed=self.allowed())
        return super().normalize(value)


def phase_in(year: int, horizon_year: int, base_year: int = SCENARIO_BASE_YEAR) -> Decimal:
    """How far automation has got by ``year``: 0 in the base year, 1 from the horizon year on, linear between.

    >>> phase_in(2026, 2030), phase_in(2028, 2030), phase_in(2030, 2030), phase_in(2031, 2030)
    (Decimal('0'), Decimal('0.5'), Decimal('1'), Decimal('1'))
    """
    if horizon_year <= base_year:
        raise InputError("horizon_year", horizon_year, reason=f"must be after the scenario's base year {base_year}",
                         allowed=f"a year after {base_year}")
    return min(Decimal(1), max(Decimal(0), Decimal(year - base_year) / Decimal(horizon_year - base_year)))


# Written once: human_work_index evaluates it (on Decimals); the scenario chart's control evaluates it in the page.
HUMAN_WORK_INDEX_FORMULA = 100 * (1 - Var("share_automated") * Var("routine_share") * Var("phase"))


def human_work_index(routine_share: float, share_automated: float, phase: Decimal = Decimal(1)) -> float:
    """The scenario's formula for one role: 100 x (1 - share_automated x routine_share x phase).

    Exact decimal arithmetic, so 0.5 x 0.8 gives 0.4, not 0.4000000000000001.

    >>> human_work_index(0.8, 0.5), human_work_index(0.8, 0.5, Decimal("0.5")), human_work_index(0.2, 0.5)
    (60.0, 80.0, 90.0)
    """
    value = HUMAN_WORK_INDEX_FORMULA.evaluate(share_automated=Decimal(str(share_automated)),
                                              routine_share=Decimal(str(routine_share)), phase=Decimal(phase))
    return float(value)


def scenario(shares: dict[str, float], share_automated: float, horizon_year: int,
             base_year: int = SCENARIO_BASE_YEAR) -> pd.DataFrame:
    """A what-if, NOT a forecast: each role's human work, year by year, if routine work were automated.

    For a role whose work is a share ``r`` routine (an assumption), with a share ``a`` of routine work
    automated by ``horizon_year`` (an assumption), phased in linearly from ``base_year``::

        phase(t)           = (t - base_year) / (horizon_year - base_year), kept between 0 and 1
        human_work_index   = 100 x (1 - a x r x phase(t))        (base_year = 100)

    The index is the role's human work-hours as a percent of its base-year work-hours, holding the
    volume of records to code fixed and adding no new review work: both are simplifications, not
    findings. Reading it as demand for workers in the role is a further assumption.

    >>> s = scenario({"Junior/Entry Coder": 0.8, "Coding Auditor": 0.2}, 0.5, 2030)
    >>> s[s.year == 2030].set_index("role").human_work_index_derived.to_dict()
    {'Junior/Entry Coder': 60.0, 'Coding Auditor': 90.0}
    >>> s[(s.year == 2028) & (s.role == "Junior/Entry Coder")].human_work_index_derived.item()
    80.0
    """
    levels = {title: level for title, level in article_roles()}
    rows = []
    for year in range(base_year, horizon_year + 1):
        phase = phase_in(year, horizon_year, base_year)
        for role, share in shares.items():
            rows.append(dict(role=role, level=levels.get(role), group=ROLE_GROUPS.get(role, "other alternative careers"),
                             year=year, routine_share_assumed=share, share_automated_assumed=share_automated,
                             phase_derived=float(phase),
                             human_work_index_derived=human_work_index(share, share_automated, phase)))
    frame = pd.DataFrame(rows)
    frame["level"] = frame.level.astype("Int64")
    frame["work_automated_pct_derived"] = [float(Decimal(100) - Decimal(str(v))) for v in frame.human_work_index_derived]
    frame.attrs.update(base_year=base_year, horizon_year=horizon_year, share_automated=share_automated,
                       source_text="scenario arithmetic on the notebook's assumptions (parameters); "
                                   "roles from the article's career path and alternative careers (claims)")
    return frame


def scenario_at_horizon(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per role: its assumed routine share and its human-work index at the horizon year (derived).

    >>> s = scenario_at_horizon(scenario({"Junior/Entry Coder": 0.8, "Coding Auditor": 0.2}, 0.5, 2030))
    >>> s[["role", "routine_share_assumed", "human_work_index_derived"]].values.tolist()
    [['Junior/Entry Coder', 0.8, 60.0], ['Coding Auditor', 0.2, 90.0]]
    """
    horizon = frame.attrs["horizon_year"]
    at = frame[frame.year == horizon].reset_index(drop=True)
    at = at[["role", "level", "group", "routine_share_assumed", "share_automated_assumed",
             "human_work_index_derived", "work_automated_pct_derived"]]
    at.attrs.update(frame.attrs)
    return at


def assumptions_table(shares: dict[str, float], share_automated: float, horizon_year: int) -> pd.DataFrame:
    """Every assumption the scenario rests on, with its value and where it comes from.

    >>> t = assumptions_table(DEFAULT_ROUTINE_SHARES, 0.5, 2030)
    >>> t.iloc[0].tolist()
    ['share of routine work automated by the horizon year', 0.5, 'assumption (parameter routine_share_automated)']
    """
    rows = [
        ("share of routine work automated by the horizon year", share_automated, "assumption (parameter routine_share_automated)"),
        ("horizon year", horizon_year, "assumption (parameter horizon_year)"),
        ("base year (index = 100)", SCENARIO_BASE_YEAR, "the article's year"),
        ("automation phases in linearly from the base year", "yes", "assumption (built into the scenario)"),
        ("volume of records to code", "held at its base-year level", "assumption (built into the scenario)"),
        ("new review or audit work created by automation", "none counted", "assumption (built into the scenario)"),
    ]
    for role, share in shares.items():
        default = DEFAULT_ROUTINE_SHARES.get(role)
        origin = "assumption (default)" if default == share else "assumption (you changed it)"
        rows.append((f"routine share of a {role}'s work", share, f"{origin}, parameter routine_share_by_level"))
    frame = pd.DataFrame(rows, columns=["assumption", "value", "kind"])
    frame["value"] = frame["value"].astype(object)
    return frame


def scenario_headline(frame: pd.DataFrame) -> Markdown:
    """The scenario in two sentences, labelled as a scenario on stated assumptions, not a forecast.

    >>> text = scenario_headline(scenario({"Junior/Entry Coder": 0.8, "Coding Auditor": 0.2}, 0.5, 2030)).data
    >>> text.splitlines()[0]
    '**Scenario, not a forecast.** If 0.5 of routine coding work were automated by 2030 (assumption), then (derived):'
    >>> "Junior/Entry Coder: 60.0 (routine share 0.8, assumption)" in text
    True
    """
    at = scenario_at_horizon(frame)
    lines = [f"**Scenario, not a forecast.** If {frame.attrs['share_automated']!r} of routine coding work were automated "
             f"by {frame.attrs['horizon_year']} (assumption), then (derived):"]
    for r in at.itertuples():
        lines.append(f"- {r.role}: {r.human_work_index_derived!r} (routine share {r.routine_share_assumed!r}, assumption)")
    lines.append(f"Each number is that role's human work-hours in {frame.attrs['horizon_year']} as a percent of "
                 f"{frame.attrs['base_year']} (= 100). The gap between entry-level coding and auditing comes only "
                 f"from the routine shares you assumed; no data here measures them.")
    return Markdown("\n".join(lines))


# --------------------------------------------------------------------------- parameters

PARAMETERS = ParameterSet(
    "ai_impact",
    [
        Text("rater", "gpt4", "Whose exposure ratings to use: GPT-4's or the human annotators'.", check=lookup_rater,
             allowed_text="gpt4 or human"),
        Text("exposure_measure", "E1", "Which published exposure measure: E1 (an LLM alone), E1+0.5*E2 or E1+E2 "
             "(adding software built on an LLM).", check=lookup_measure, allowed_text="E1, E1+0.5*E2 or E1+E2"),
        OccupationList("compare_with", ["Billing and Posting Clerks", "Health Information Technologists and Medical Registrars",
                                        "Medical and Health Services Managers", "Compliance Officers", "Accountants and Auditors"],
                       "Occupations to show beside Medical Records Specialists (O*NET-SOC codes or titles)."),
        Number("horizon_year", 2030, "Scenario: the year by which the share routine_share_automated is reached "
               "(assumption).", minimum=SCENARIO_BASE_YEAR + 1, maximum=2050, integer=True),
        Share("routine_share_automated", 0.5, "Scenario: the share of routine work automated by the horizon year "
              "(assumption, 0 to 1)."),
        RoutineShares("routine_share_by_level", dict(DEFAULT_ROUTINE_SHARES),
                      "Scenario: how much of each role's work is routine (assumptions, 0 to 1; defaults are the "
                      "kit's teaching assumptions, not data)."),
    ],
    examples=[
        # The human annotators' ratings instead of GPT-4's, everything else as default.
        {"rater": "human"},
        # The widest measure (with software built on an LLM), beside occupations where the raters disagree most,
        # given by title and by code.
        {"exposure_measure": "E1+E2", "compare_with": ["Medical Transcriptionists", "Data Entry Keyers", "43-3021.00"]},
        # A baseline: nothing automated, so every role stays at 100; routine shares given as a list for levels 1-7.
        {"exposure_measure": "E1+0.5*E2", "routine_share_automated": 0.0,
         "routine_share_by_level": [0.9, 0.7, 0.4, 0.2, 0.2, 0.1, 0.05]},
        # A fast scenario to 2035, with two roles changed in the text form the papermill CLI passes.
        {"rater": "human", "horizon_year": 2035, "routine_share_automated": 0.9,
         "routine_share_by_level": "Junior/Entry Coder=0.95, Coding Auditor=0.4", "compare_with": "Compliance Officers"},
    ],
)


# --------------------------------------------------------------------------- charts

_HIGHLIGHT_COLORS = {"the article's occupation": theme.HIGHLIGHT, "compared": theme.COMPARED, "other": theme.MUTED}


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Columns altair can serialise: nullable ints and floats as plain objects, missing values as None."""
    frame = frame.astype({c: object for c in frame.columns if str(frame[c].dtype) in ("Int64", "Float64", "boolean")})
    return frame.where(frame.notna(), None)


def _source_subtitle() -> str:
    return ("Source: Eloundou, Manning, Mishkin, Rock, 'GPTs are GPTs' (Science 2024), occupation-level ratings "
            f"(data/{EXPOSURE_FILE}).")


def exposure_distribution_chart(rater: str, measure: str, compare_with: list[Occupation]) -> alt.LayerChart:
    """A histogram of all 923 occupations' ratings with Medical Records Specialists and the compared ones marked.

    >>> spec = exposure_distribution_chart("gpt4", "E1", []).to_dict()
    >>> spec["title"]["text"]
    'Ratings by GPT-4 on E1, 923 occupations: Medical Records Specialists rank 149 (derived)'
    """
    ranked = ranked_exposure(rater, measure)
    rater, measure = lookup_rater(rater), lookup_measure(measure)
    marks = standing(rater, measure, compare_with)
    own = marks.iloc[0]
    base = alt.Chart(_plain(ranked[["rating"]]))  # the bars need the ratings only
    bars = base.mark_bar(color=theme.MUTED).encode(
        x=alt.X("rating:Q", bin=alt.Bin(step=0.05), title=f"Exposure rating, {measure} (share of tasks, 0 to 1)"),
        y=alt.Y("count():Q", title="Number of occupations"),
        tooltip=[alt.Tooltip("rating:Q", bin=alt.Bin(step=0.05), title="Rating bin"),
                 alt.Tooltip("count():Q", title="Occupations in the bin")],
    )
    data = _plain(marks[["title", "onet_soc_code", "role", "rating", "rank_derived", "percentile_rank_derived",
                         "how_it_relates"]])
    color = alt.Color("role:N", title=None, scale=alt.Scale(domain=list(_HIGHLIGHT_COLORS)[:2],
                                                            range=list(_HIGHLIGHT_COLORS.values())[:2]),
                      legend=alt.Legend(orient="bottom"))
    tooltip = [alt.Tooltip("title:N", title="Occupation"), alt.Tooltip("onet_soc_code:N", title="O*NET-SOC code"),
               alt.Tooltip("rating:Q", title=f"{RATER_NAMES[rater]} rating, {measure}"),
               alt.Tooltip("rank_derived:Q", title="Rank, 1 = most exposed (derived)"),
               alt.Tooltip("percentile_rank_derived:Q", title="Percentile rank (derived)"),
               alt.Tooltip("how_it_relates:N", title="How it relates to the article (the kit's editorial map)")]
    rules = alt.Chart(data).mark_rule(strokeWidth=2).encode(x="rating:Q", color=color, tooltip=tooltip)
    label = alt.Chart(data[data.role == "the article's occupation"]).mark_text(
        align="left", dx=4, dy=-4, baseline="bottom", color=theme.INK, fontWeight="bold",
    ).encode(x="rating:Q", y=alt.value(0), text="title:N", tooltip=tooltip)
    title = (f"Ratings by {RATER_NAMES[rater]} on {measure}, {int(own.n_occupations)} occupations: "
             f"Medical Records Specialists rank {int(own.rank_derived)} (derived)")
    return alt.layer(bars, rules, label).properties(
        title=alt.Title(title, subtitle=[_source_subtitle(), "Grey bars: all occupations. Lines: the occupations named "
                                         "in the table; hover for their rank."]),
        width=520, height=260,
    )


def rater_scatter(measure: str, compare_with: list[Occupation]) -> alt.LayerChart:
    """Human vs GPT-4 rating for all 923 occupations; the highlighted ones coloured and labelled; zoom and pan.

    >>> spec = rater_scatter("E1", []).to_dict()
    >>> spec["title"]["text"].startswith("Human vs GPT-4 ratings on E1, 923 occupations: Pearson r = ")
    True
    """
    measure = lookup_measure(measure)
    frame = raters_compared(measure)
    codes = [o.code for o in highlighted(compare_with)]
    frame["role"] = ["the article's occupation" if c == MEDICAL_RECORDS_CODE else "compared" if c in codes else "other"
                     for c in frame.onet_soc_code]
    agreement = rater_agreement(frame, "gpt4_rating", "human_rating")
    data = _plain(frame)
    tooltip = [alt.Tooltip("title:N", title="Occupation"), alt.Tooltip("onet_soc_code:N", title="O*NET-SOC code"),
               alt.Tooltip("gpt4_rating:Q", title=f"GPT-4, {measure}"),
               alt.Tooltip("human_rating:Q", title=f"Human annotators, {measure}"),
               alt.Tooltip("gpt4_minus_human_derived:Q", title="GPT-4 minus human (derived)")]
    x = alt.X("human_rating:Q", title=f"Human annotators' rating, {measure} (0 to 1)", scale=alt.Scale(domain=[0, 1]))
    y = alt.Y("gpt4_rating:Q", title=f"GPT-4's rating, {measure} (0 to 1)", scale=alt.Scale(domain=[0, 1]))
    color = alt.Color("role:N", title=None, scale=alt.Scale(domain=list(_HIGHLIGHT_COLORS), range=list(_HIGHLIGHT_COLORS.values())),
                      legend=alt.Legend(orient="bottom", symbolOpacity=1))
    diagonal = alt.Chart(pd.DataFrame({"human_rating": [0.0, 1.0], "gpt4_rating": [0.0, 1.0]})).mark_line(
        color=theme.INK, opacity=0.5, strokeDash=[4, 4]).encode(x=x, y=y)
    others = alt.Chart(data[data.role == "other"]).mark_circle(size=18, opacity=0.45).encode(x=x, y=y, color=color, tooltip=tooltip)
    marked = data[data.role != "other"]
    points = alt.Chart(marked).mark_circle(size=90, opacity=1).encode(x=x, y=y, color=color, tooltip=tooltip)
    # The marked points are named beside them (a cue besides colour), in black for full contrast.
    labels = alt.Chart(marked).mark_text(align="left", dx=6, dy=-6, fontSize=10, color=theme.INK).encode(
        x=x, y=y, text="title:N", tooltip=tooltip)
    title = (f"Human vs GPT-4 ratings on {measure}, {int(agreement.n_occupations)} occupations: "
             f"Pearson r = {agreement.pearson_r_derived!r} (derived)")
    return alt.layer(diagonal, others, points, labels).properties(
        title=alt.Title(title, subtitle=[_source_subtitle(), "Dashed line: both raters agree. Above it GPT-4 rates "
                                         "higher. Scroll to zoom, drag to pan."]),
        width=460, height=460,
    ).interactive()


def raters_side_by_side_chart(measure: str, compare_with: list[Occupation]) -> alt.LayerChart:
    """For each highlighted occupation, the GPT-4 and the human rating as two dots joined by a line.

    >>> spec = raters_side_by_side_chart("E1+E2", []).to_dict()
    >>> spec["title"]["text"]
    'Two raters, one occupation at a time: ratings on E1+E2'
    """
    measure = lookup_measure(measure)
    marks = standing("gpt4", measure, compare_with)
    long = marks.melt(id_vars=["title", "onet_soc_code", "gpt4_minus_human_derived"], value_vars=["gpt4_rating", "human_rating"],
                      var_name="rater", value_name="rater_rating")
    long["rater"] = long.rater.map({"gpt4_rating": "GPT-4", "human_rating": "human annotators"})
    data = _plain(long)
    y = alt.Y("title:N", sort=list(marks.title), title=None, axis=alt.Axis(labelLimit=360))
    tooltip = [alt.Tooltip("title:N", title="Occupation"), alt.Tooltip("rater:N", title="Rater"),
               alt.Tooltip("rater_rating:Q", title=f"Rating, {measure}"),
               alt.Tooltip("gpt4_minus_human_derived:Q", title="GPT-4 minus human (derived)")]
    line = alt.Chart(data).mark_line(color=theme.MUTED).encode(x="rater_rating:Q", y=y, detail="title:N")
    # The two raters differ in shape as well as colour (one legend shows both).
    raters = ["GPT-4", "human annotators"]
    dots = alt.Chart(data).mark_point(size=120, opacity=1, filled=True).encode(
        x=alt.X("rater_rating:Q", title=f"Exposure rating, {measure} (0 to 1)", scale=alt.Scale(domain=[0, 1])),
        y=y, color=alt.Color("rater:N", title="Rater", scale=alt.Scale(domain=raters, range=[theme.ORANGE, theme.BLUE]),
                             legend=alt.Legend(orient="bottom")),
        shape=alt.Shape("rater:N", title="Rater", scale=alt.Scale(domain=raters, range=["circle", "square"])),
        tooltip=tooltip,
    )
    return alt.layer(line, dots).properties(
        title=alt.Title(f"Two raters, one occupation at a time: ratings on {measure}", subtitle=[_source_subtitle()]),
        width=460,
    )


def scenario_chart(frame: pd.DataFrame) -> alt.Chart:
    """Each role's human-work index from the base year to the horizon year; titled as a scenario, not a forecast.

    A control sets the share of routine work automated (starting at the report's assumption); the page
    recomputes every line with :data:`HUMAN_WORK_INDEX_FORMULA`, the formula of :func:`human_work_index`.

    >>> spec = scenario_chart(scenario(DEFAULT_ROUTINE_SHARES, 0.5, 2030)).to_dict()
    >>> spec["title"]["text"]
    'SCENARIO (not a forecast): human work by role if a share of routine work (set below) were automated by 2030'
    >>> [p["value"] for p in spec["params"] if isinstance(p.get("bind"), dict)]
    [0.5]
    """
    data = _plain(frame[["role", "group", "year", "routine_share_assumed", "share_automated_assumed", "phase_derived",
                         "human_work_index_derived"]])
    selection = alt.selection_point(fields=["group"], bind="legend")
    share = slider("share_automated", float(frame.attrs["share_automated"]),
                   f"Share of routine work automated by {frame.attrs['horizon_year']} (assumption, 0 to 1)", 0, 1, 0.05)
    tooltip = [alt.Tooltip("role:N", title="Role (from the article)"), alt.Tooltip("group:N", title="Group (the kit's)"),
               alt.Tooltip("year:O", title="Year"),
               alt.Tooltip("human_work_index_derived:Q", title=f"Human work, {frame.attrs['base_year']} = 100 (derived)"),
               alt.Tooltip("routine_share_assumed:Q", title="Routine share (assumption)"),
               alt.Tooltip("share_automated_assumed:Q", title="Share of routine work automated by the horizon (assumption)")]
    names = {"share_automated": "share_automated", "routine_share": "datum.routine_share_assumed",
             "phase": "datum.phase_derived"}
    return alt.Chart(data).mark_line(point=True).transform_calculate(
        share_automated_assumed="share_automated",
        human_work_index_derived=HUMAN_WORK_INDEX_FORMULA.vega(names),
    ).encode(
        x=alt.X("year:O", title="Year", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("human_work_index_derived:Q", title=f"Human work-hours, {frame.attrs['base_year']} = 100 (scenario, derived)",
                scale=alt.Scale(domain=[0, 100])),
        color=alt.Color("group:N", title="Click a group", legend=alt.Legend(orient="right")),
        detail="role:N",
        opacity=alt.condition(selection, alt.value(1), alt.value(0.15)),
        tooltip=tooltip,
    ).add_params(selection, share).properties(
        title=alt.Title(f"SCENARIO (not a forecast): human work by role if a share of routine work (set below) were "
                        f"automated by {frame.attrs['horizon_year']}",
                        subtitle=["Built on the assumptions in the table above (notebook parameters), not on data.",
                                  "Roles: the article's career path and alternative careers (claims)."]),
        width=480, height=300,
    )


# --------------------------------------------------------------------------- exercises (notebook 05)
# Kept apart at the end: the expected answers of notebook 05's exercises. They depend on the parameters
# (rater, measure, scenario assumptions), so they are computed when a student runs
# check("ai_impact.<name>", answer, p); no message shows them.


ENTRY_LEVEL_ROLE = "Junior/Entry Coder"  # the article's career level 1: the scenario's entry-level coding


def _own_standing(p) -> pd.Series:
    """Medical Records Specialists' row of :func:`ranked_exposure` for the chosen rater and measure."""
    return ranked_exposure(p.rater, p.exposure_measure).set_index("onet_soc_code").loc[MEDICAL_RECORDS_CODE]


@computed("ai_impact.percentile_rank", tolerance=0.05, hints=[
    hint("That looks like a fraction: a percentile rank runs from 0 to 100.", times=0.01),
    hint("That is the rank (1 = the most exposed), not the percentile rank.",
         wrong=lambda p: int(_own_standing(p).rank_derived)),
    hint("That counts from the most exposed end (the share rated higher). A percentile rank counts the occupations "
         "rated lower.", wrong=lambda p: 100 - float(_own_standing(p).percentile_rank_derived)),
    hint("That is the percent rated strictly lower. The percentile rank also counts half of the occupations with the "
         "same rating, itself included.", wrong=lambda p: 100 * int(_own_standing(p).n_lower) / int(_own_standing(p).n_occupations)),
], explain="A percentile rank is derived: it says where the occupation stands among the 923 rated ones on this "
           "rater and measure, not what share of its tasks is exposed (that is the rating itself).")
def exercise_percentile_rank(p) -> float:
    """Medical Records Specialists' percentile rank among all occupations, chosen rater and measure (derived).

    >>> round(exercise_percentile_rank(PARAMETERS.check({})), 4), round(exercise_percentile_rank(
    ...     PARAMETERS.check({"rater": "human"})), 4)
    (83.857, 75.1354)
    """
    return float(_own_standing(p).percentile_rank_derived)


def _entry_share(p) -> float:
    return p.routine_share_by_level[ENTRY_LEVEL_ROLE]


@computed("ai_impact.entry_level_index", tolerance=0.01, hints=[
    hint("That looks like a fraction: the index is a percent of the base year's work (base year = 100).", times=0.01),
    hint("That is the share of the role's work automated by the horizon. The index is the work that remains: "
         "100 minus that.", wrong=lambda p: 100 * p.routine_share_automated * _entry_share(p)),
    hint("You left out the role's routine share: only routine work is automated, so multiply the share automated by "
         "the Junior/Entry Coder's routine share.", wrong=lambda p: 100 * (1 - p.routine_share_automated)),
], explain="Scenario arithmetic, not a forecast: every input is an assumption you can change in the parameters "
           "cell. Change `routine_share_by_level` and check again.")
def exercise_entry_level_index(p) -> float:
    """The Junior/Entry Coder's human-work index at the horizon year (base year = 100; scenario, derived).

    >>> exercise_entry_level_index(PARAMETERS.check({})), exercise_entry_level_index(PARAMETERS.check(
    ...     {"routine_share_automated": 0.9, "routine_share_by_level": "Junior/Entry Coder=0.95"}))
    (60.0, 14.5)
    """
    return human_work_index(_entry_share(p), p.routine_share_automated)


@computed("ai_impact.rated_higher_count", hints=[
    hint("With >= the count includes Medical Records Specialists themselves and any occupation with the same rating. "
         "The question asks for the occupations rated higher: use >.",
         wrong=lambda p: int(_own_standing(p).n_higher) + int(_own_standing(p).n_tied) + 1),
    hint("That counts the occupations rated lower; the question asks for those rated higher.",
         wrong=lambda p: int(_own_standing(p).n_lower)),
    hint("That is the rank (one more than the number rated higher).", wrong=lambda p: int(_own_standing(p).rank_derived)),
    hint("That count uses the other rater's ratings. Use the column of the chosen rater (`column`).",
         wrong=lambda p: _count_higher_by(p, "human" if p.rater == "gpt4" else "gpt4")),
], explain="Compare with the headline of section 1: it counts the same occupations. Occupations with exactly the "
           "same rating are not rated higher.")
def exercise_rated_higher_count(p) -> int:
    """How many occupations the chosen rater rates higher than Medical Records Specialists on the chosen measure.

    >>> exercise_rated_higher_count(PARAMETERS.check({})), exercise_rated_higher_count(PARAMETERS.check(
    ...     {"exposure_measure": "E1+E2"}))
    (148, 0)
    """
    return _count_higher_by(p, p.rater)


def _count_higher_by(p, rater: str) -> int:
    exposure = load_exposure()
    column = rating_column(rater, p.exposure_measure)
    own = exposure.set_index("onet_soc_code").loc[MEDICAL_RECORDS_CODE, column]
    return int((exposure[column] > own).sum())


# --------------------------------------------------------------------------- the report's summary


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
