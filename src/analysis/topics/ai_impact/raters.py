"""The two raters (GPT-4 and human annotators) compared: how far they agree, and where they disagree most (derived).
"""

from __future__ import annotations

import pandas as pd

from analysis.data.ai_exposure import load_exposure, lookup_measure, rating_column


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
