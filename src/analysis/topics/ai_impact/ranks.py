"""Where an occupation stands among the 923 rated ones: ranks and percentile ranks of its exposure rating (derived).
"""

from __future__ import annotations

import pandas as pd

from analysis.data.ai_exposure import (
    MEASURE_MEANINGS, MEDICAL_RECORDS_CODE, Occupation, RATER_NAMES, how_it_relates, load_exposure, lookup_measure,
    lookup_occupation, lookup_rater, rating_column,
)
from analysis.present.markdown import Markdown


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
