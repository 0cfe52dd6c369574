"""The BLS 2020-30 projections file: medical coding's growth beside the average of all occupations,
and the growth of the occupations related to medical coding.
"""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pandera.pandas as pa

from analysis.core.errors import DataFileError
from analysis.data.article import load_job_outlook
from analysis.data.tables import read_table

from analysis.topics.job_outlook.projections import PROJECTION_ROUND, bls_round_keys, projection_round


PROJECTIONS_2020_30_FILE = "evidence/gpts-are-gpts/occupations_projections_processed.csv"


def load_projections_2020_30() -> pd.DataFrame:
    """BLS Employment Projections 2020-30: percent employment change by occupation title (1,046 rows).

    The file's last line is its source note, not an occupation; it is kept in ``attrs["source_line"]``.
    Some titles are BLS aggregates and a few appear twice (an aggregate and its only detail).

    >>> p = load_projections_2020_30()
    >>> float(p.set_index("occupation").loc["Total, all occupations", "pct_emp_change_2020_2030"])
    7.7
    """
    schema = pa.DataFrameSchema(
        {"occupation": pa.Column(str), "pct_emp_change_2020_2030": pa.Column(float, nullable=True, coerce=True)},
        strict=True,
    )
    frame = read_table(PROJECTIONS_2020_30_FILE, schema)
    note = frame.occupation.str.startswith("Source:") & frame.pct_emp_change_2020_2030.isna()
    if frame.pct_emp_change_2020_2030[~note].isna().any():
        line = int(frame.index[~note & frame.pct_emp_change_2020_2030.isna()][0]) + 2
        raise DataFileError(f"data/{PROJECTIONS_2020_30_FILE}", "an occupation has no percent change", line=line,
                            column="pct_emp_change_2020_2030")
    attrs = dict(frame.attrs, source_line=" ".join(frame.occupation[note]))
    frame = frame[~note].reset_index(drop=True)
    frame.attrs.update(attrs)
    return frame


ALL_OCCUPATIONS_2020_30 = "Total, all occupations"
# The 2020-30 aggregate that contains medical records specialists (the round has no separate row for them).
MEDICAL_RECORDS_2020_30 = ("Medical dosimetrists, medical records specialists, and health technologists and "
                           "technicians, all other")


def _one_2020_30(title: str) -> float:
    table = load_projections_2020_30()
    hits = table[table.occupation == title]
    if len(hits) != 1:
        raise DataFileError(f"data/{PROJECTIONS_2020_30_FILE}", f"expected one row titled {title!r}, found {len(hits)}",
                            column="occupation")
    return float(hits.pct_emp_change_2020_2030.iloc[0])


def growth_vs_average(chosen_round: str) -> pd.DataFrame:
    """Medical records growth beside the all-occupation growth, round by round; a gap stays a gap.

    The difference (percent points, derived) is computed only within one round.

    >>> g = growth_vs_average("2024-34").set_index(["round", "occupation"])
    >>> g.loc[("2024-34", "All occupations"), "percent_change"] is pd.NA
    True
    >>> float(g.loc[("2020-30", "All occupations"), "percent_change"])
    7.7
    >>> float(g.loc[("2020-30", MEDICAL_RECORDS_2020_30), "difference_pct_points_derived"])
    0.8
    """
    claims = load_job_outlook().set_index("claim_id")
    average = claims.loc["outlook.national_average_growth"]
    rows = []
    for key in bls_round_keys():
        r = projection_round(key)
        rows.append((key, "Medical records specialists (SOC 29-2072)", r.pct_change, r.kind, r.sources["pct_change"]))
        everyone = _all_occupations(key)
        rows.append((key, "All occupations", pd.NA, "not in data/",
                     f"data/ holds no all-occupation figure for the {key} round; none is invented") if everyone is None else
                    (key, "All occupations", float(everyone.value), "BLS evidence",
                     f"data/ ({everyone.source}; {everyone.source_quality})"))
    article = projection_round("article")
    rows.append(("article", "Medical records specialists (SOC 29-2072)", article.pct_change, "article claim",
                 article.sources["pct_change"]))
    rows.append(("article", "All occupations", float(average.pct), "article claim",
                 f"data/article/job_outlook.csv: \"{average.original_text}\" (claim; no round or source given)"))
    source = f"data/{PROJECTIONS_2020_30_FILE} (BLS Employment Projections 2020-30, processed copy)"
    rows.append(("2020-30", MEDICAL_RECORDS_2020_30, _one_2020_30(MEDICAL_RECORDS_2020_30), "BLS evidence",
                 source + "; an aggregate that contains medical records specialists"))
    rows.append(("2020-30", "All occupations", _one_2020_30(ALL_OCCUPATIONS_2020_30), "BLS evidence",
                 source + f"; row {ALL_OCCUPATIONS_2020_30!r}"))
    frame = pd.DataFrame(rows, columns=["round", "occupation", "percent_change", "kind", "source"])
    frame["percent_change"] = frame["percent_change"].astype("Float64")
    everyone = frame[frame.occupation == "All occupations"].set_index("round")["percent_change"]
    frame["difference_pct_points_derived"] = [
        pd.NA if occ == "All occupations" else _exact_difference(pct, everyone[rnd]) for rnd, occ, pct in
        zip(frame["round"], frame.occupation, frame["percent_change"])]
    frame["difference_pct_points_derived"] = frame.difference_pct_points_derived.astype("Float64")
    frame["chosen"] = frame["round"] == PROJECTION_ROUND.normalize(chosen_round)
    return frame


def _all_occupations(key: str):
    """The all-occupations percent change of a round (an imported BLS table has it), or None."""
    from analysis.data.evidence import load_national_facts

    facts = load_national_facts()
    rows = facts[(facts.series == f"EP {key} all occupations") & (facts.measure == "pct_change")]
    return rows.iloc[0] if len(rows) == 1 else None


def _exact_difference(a, b):
    """``a - b`` for figures printed with a few decimals, without float noise (8.5 - 7.7 is 0.8, not 0.80000000000000071).

    >>> _exact_difference(8.5, 7.7), _exact_difference(8.0, pd.NA) is pd.NA
    (0.8, True)
    """
    if pd.isna(a) or pd.isna(b):
        return pd.NA
    return float(Decimal(str(float(a))) - Decimal(str(float(b))))


# Titles of the 2020-30 projections file, each with why it is related to medical coding.
RELATED_OCCUPATIONS_2020_30 = {
    MEDICAL_RECORDS_2020_30: "the BLS aggregate that contains medical records specialists",
    "Health information technologists, medical registrars, surgical assistants, and healthcare practitioners "
    "and technical workers, all other": "contains health information technologists (RHIT/RHIA work)",
    "Medical and health services managers": "coding manager, HIM director, revenue cycle manager",
    "Compliance officers": "the article's 'Compliance Officer' path",
    "Billing and posting clerks": "medical billing, the neighbouring job",
    "Medical secretaries and administrative assistants": "front-office health records work",
    "Medical transcriptionists": "another health-records job",
    ALL_OCCUPATIONS_2020_30: "reference: every occupation",
}


def related_occupations() -> pd.DataFrame:
    """Percent employment change 2020-30 for occupations related to medical coding, largest first.

    >>> r = related_occupations().set_index("occupation")
    >>> float(r.loc["Compliance officers", "pct_emp_change_2020_2030"]), r.loc["Compliance officers", "round"]
    (6.2, '2020-30')
    """
    rows = [(title, _one_2020_30(title), why) for title, why in RELATED_OCCUPATIONS_2020_30.items()]
    frame = pd.DataFrame(rows, columns=["occupation", "pct_emp_change_2020_2030", "why_related"])
    frame.insert(1, "round", "2020-30")
    return frame.sort_values("pct_emp_change_2020_2030", ascending=False).reset_index(drop=True)
