"""Career moves the article names, beside real BLS national wages of matching occupations.

The article gives salary ranges (claims) for six "alternative career paths", for its career ladder and
for coders without certification. BLS has no occupation called "CDI specialist" or "coding consultant",
so which BLS occupation (SOC code) best matches each article role is an **editorial choice**. It is
kept in ``data/reference/career_soc_map.csv``, one row per role, with a ``match`` grade (close,
partial, loose) and a ``rationale``, so a reader can see and change it.

The wages are those of the official BLS OEWS national file for May 2021 (``analysis.data.oews``), the only
file in ``data/`` with every occupation. The article's ranges are for 2026 and name no source, so the
two are five years apart: read them side by side, not as a correction of one by the other.

>>> wages = career_wages().set_index("soc_code")
>>> int(wages.loc["13-1041", "bls_median_usd"]), wages.loc["13-1041", "bls_title"]
(71650, 'Compliance Officers')
>>> int(coder_baseline().bls_median_usd)
46660
"""

from __future__ import annotations


import pandas as pd
import pandera.pandas as pa

from analysis.data.article import load_alternative_careers, load_career_path, load_certification_status
from analysis.data.cache import cached_by_files
from analysis.data.tables import read_table
from analysis.core.errors import DataFileError
from analysis.data.oews import MEDICAL_RECORDS, load_national_2021, occupation_wages

CAREER_SOC_MAP_FILE = "reference/career_soc_map.csv"
MATCH_GRADES = ("close", "partial", "loose")

# Which article table a claim_id comes from, by its prefix.
_ARTICLE_TABLES = {
    "alt_career": load_alternative_careers,
    "career": load_career_path,
    "certification": load_certification_status,
}

MAP_SCHEMA = pa.DataFrameSchema(
    {
        "claim_id": pa.Column(str, pa.Check.str_matches(r"^(alt_career|career|certification)\.[a-z0-9_]+$"), unique=True),
        "article_role": pa.Column(str),
        "soc_code": pa.Column(str, pa.Check.str_matches(r"^\d{2}-\d{4}$")),
        "soc_title": pa.Column(str),
        "match": pa.Column(str, pa.Check.isin(list(MATCH_GRADES))),
        "rationale": pa.Column(str, pa.Check.str_length(min_value=20)),
    },
    strict=True,
    ordered=True,
)

# The BLS wage columns shown, renamed for the kit (annual, whole dollars).
_BLS_COLUMNS = {"a_pct10": "bls_p10_usd", "a_pct25": "bls_p25_usd", "a_median": "bls_median_usd",
                "a_pct75": "bls_p75_usd", "a_pct90": "bls_p90_usd", "a_mean": "bls_mean_usd", "tot_emp": "bls_employment"}
#: Their names in :func:`career_wages` and :func:`coder_baseline` (the career moves chart in
#: :mod:`analysis.topics.specialty` draws them).
BLS_WAGE_COLUMNS = tuple(_BLS_COLUMNS.values())


CAREER_MAP_INPUTS = (CAREER_SOC_MAP_FILE, "article/alternative_careers.csv", "article/career_path.csv",
           "article/certification_status.csv", "evidence/gpts-are-gpts/national_May2021_dl.csv", "sources.csv")
"""What the career map is read and checked against: a change to any of them reads it again."""


@cached_by_files(CAREER_MAP_INPUTS)
def load_career_soc_map() -> pd.DataFrame:
    """The editorial map from article role to BLS occupation, checked against the article and the BLS file.

    Every ``claim_id`` must be a row of the article's tables, and every ``soc_title`` must be the title
    the BLS May 2021 file gives that code (so a typo in a code cannot silently pick another occupation).

    >>> m = load_career_soc_map()
    >>> m.set_index("claim_id").loc["alt_career.compliance_officer", ["soc_code", "match"]].tolist()
    ['13-1041', 'close']
    """
    frame = read_table(CAREER_SOC_MAP_FILE, MAP_SCHEMA)
    shown = f"data/{CAREER_SOC_MAP_FILE}"
    known = {prefix: set(loader().claim_id) for prefix, loader in _ARTICLE_TABLES.items()}
    titles = load_national_2021().drop_duplicates("occ_code").set_index("occ_code").occ_title
    for index, row in frame.iterrows():
        line = int(index) + 2
        prefix = row.claim_id.split(".")[0]
        if row.claim_id not in known[prefix]:
            raise DataFileError(shown, f"{row.claim_id!r} is not a claim_id of the article's tables", line=line, column="claim_id")
        if row.soc_code not in titles.index:
            raise DataFileError(shown, f"{row.soc_code!r} is not an occupation code of the BLS May 2021 file", line=line, column="soc_code")
        if titles[row.soc_code] != row.soc_title:
            raise DataFileError(shown, f"{row.soc_code} is {titles[row.soc_code]!r} in the BLS file, not {row.soc_title!r}",
                                line=line, column="soc_title")
    return frame


def article_ranges(claim_ids) -> pd.DataFrame:
    """The article's salary range for each claim_id (from whichever article table holds it).

    >>> article_ranges(["certification.none", "alt_career.medical_coding_consultant"]).values.tolist()
    [['certification.none', 36000, 42000, False, <NA>], ['alt_career.medical_coding_consultant', 80000, <NA>, True, 150000]]
    """
    columns = ["claim_id", "salary_low_usd", "salary_high_usd", "salary_high_open", "salary_open_from_usd"]
    tables = pd.concat([loader()[columns] for loader in _ARTICLE_TABLES.values()], ignore_index=True)
    return tables.set_index("claim_id").loc[list(claim_ids)].reset_index()


def career_wages() -> pd.DataFrame:
    """One row per mapped article role: the article's range (claim) beside BLS May 2021 national wages (evidence).

    Columns: ``claim_id``, ``article_role``, the article's ``salary_low_usd`` .. ``salary_open_from_usd``,
    ``article_midpoint_usd_derived`` (None for an open-ended range: there is no top to average),
    ``soc_code``, ``bls_title``, ``match``, ``rationale``, ``bls_p10_usd`` .. ``bls_p90_usd``,
    ``bls_mean_usd``, ``bls_employment``, and ``difference_midpoint_minus_bls_median_usd_derived``.

    >>> w = career_wages().set_index("claim_id")
    >>> w.loc["alt_career.cdi", ["article_midpoint_usd_derived", "bls_median_usd", "difference_midpoint_minus_bls_median_usd_derived"]].tolist()
    [82500.0, 55560.0, 26940.0]
    >>> pd.isna(w.loc["alt_career.medical_coding_consultant", "article_midpoint_usd_derived"])
    True
    """
    return _career_wages()  # read once per session (a notebook shows it three ways); an edited file is read again


@cached_by_files(CAREER_MAP_INPUTS)
def _career_wages() -> pd.DataFrame:
    mapping = load_career_soc_map()
    ranges = article_ranges(mapping.claim_id)
    bls = _bls_rows(mapping.soc_code)
    frame = mapping.merge(ranges, on="claim_id", how="left")
    frame = pd.concat([frame.reset_index(drop=True), bls.reset_index(drop=True)], axis=1)
    frame["article_midpoint_usd_derived"] = _midpoints(frame)
    frame["difference_midpoint_minus_bls_median_usd_derived"] = (frame.article_midpoint_usd_derived - frame.bls_median_usd.astype("Float64"))
    order = ["claim_id", "article_role", "salary_low_usd", "salary_high_usd", "salary_high_open", "salary_open_from_usd",
             "article_midpoint_usd_derived", "soc_code", "bls_title", "match", "rationale", *_BLS_COLUMNS.values(),
             "difference_midpoint_minus_bls_median_usd_derived"]
    frame = frame[order]
    frame.attrs.update(file=bls.attrs.get("file"), source=bls.attrs.get("source"),
                       source_text=f"article ranges: claims (data/article/); wages: {_bls_source_text(bls)}; "
                                   f"role-to-occupation map: editorial choice (data/{CAREER_SOC_MAP_FILE})")
    return frame


def range_text(low, high, open_from=None) -> str:
    """An article range as printed: "$70,000–$95,000", "$80,000–$150,000+" (open-ended), "$72,000+".

    >>> range_text(70000, 95000), range_text(80000, pd.NA, 150000), range_text(72000, None, 72000)
    ('$70,000–$95,000', '$80,000–$150,000+', '$72,000+')
    >>> range_text(pd.NA, pd.NA)
    'not available'
    """
    if low is None or pd.isna(low):
        return "not available"
    if high is not None and not pd.isna(high):
        return f"${int(low):,}" if int(low) == int(high) else f"${int(low):,}–${int(high):,}"
    if open_from is not None and not pd.isna(open_from) and int(open_from) != int(low):
        return f"${int(low):,}–${int(open_from):,}+"
    return f"${int(low):,}+"


def years_text(low, high, open_=False) -> str:
    """An experience range as printed: "0–2 years", "8+ years".

    >>> years_text(0, 2), years_text(8, pd.NA, True), years_text(pd.NA, pd.NA)
    ('0–2 years', '8+ years', 'not given')
    """
    if low is None or pd.isna(low):
        return "not given"
    if open_ or high is None or pd.isna(high):
        return f"{int(low)}+ years"
    return f"{int(low)}–{int(high)} years"


def coder_baseline() -> pd.Series:
    """The coder's own occupation, Medical Records Specialists (SOC 29-2072), from the same BLS file.

    >>> b = coder_baseline()
    >>> b.bls_title, int(b.bls_p10_usd), int(b.bls_p90_usd)
    ('Medical Records Specialists', 29430, 74200)
    """
    return _bls_rows([MEDICAL_RECORDS]).assign(soc_code=MEDICAL_RECORDS).iloc[0]


def _bls_rows(codes) -> pd.DataFrame:
    rows = occupation_wages(list(codes))
    out = rows[["occ_title", *_BLS_COLUMNS]].rename(columns={"occ_title": "bls_title", **_BLS_COLUMNS})
    # A top-coded or suppressed wage is already <NA> in analysis.data.oews: it stays missing here.
    out.attrs.update(rows.attrs)
    return out


def _midpoints(frame: pd.DataFrame) -> pd.Series:
    low = frame.salary_low_usd.astype("Float64")
    high = frame.salary_high_usd.astype("Float64")
    return ((low + high) / 2).astype("Float64")


def _bls_source_text(frame: pd.DataFrame) -> str:
    source = frame.attrs.get("source") or {}
    return f"{source.get('title', 'BLS OEWS May 2021 national file')} [{source.get('quality', 'BLS estimates')}]"
