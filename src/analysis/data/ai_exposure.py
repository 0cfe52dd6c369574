"""The GPTs-are-GPTs occupation exposure ratings (Eloundou et al. 2023) and the occupations in them.

Loads ``data/evidence/gpts-are-gpts/occ_level.csv`` with a declared schema, finds occupations by
O*NET-SOC code or title (with a did-you-mean), and reads which careers of the article each maps to.

>>> row = load_exposure().set_index("onet_soc_code").loc[MEDICAL_RECORDS_CODE]
>>> row.title, float(row.dv_rating_alpha)
('Medical Records Specialists', 0.23529411764705882)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd
import pandera.pandas as pa

from analysis.core.errors import DataFileError, InputError, closest, lookup
from analysis.core.params import Param, read_json
from analysis.data.cache import cached_by_files
from analysis.data.tables import read_table

EXPOSURE_FILE = "evidence/gpts-are-gpts/occ_level.csv"
MEDICAL_RECORDS_CODE = "29-2072.00"
NOT_AVAILABLE = "not available"

# Rater -> column prefix in occ_level.csv ("dv" is the paper's name for the GPT-4 ratings).
RATERS = {"gpt4": "dv_rating", "human": "human_rating"}
RATER_NAMES = {"gpt4": "GPT-4", "human": "human annotators"}
# Exposure measure -> column suffix in occ_level.csv.
MEASURES = {"E1": "alpha", "E1+0.5*E2": "beta", "E1+E2": "gamma"}
MEASURE_MEANINGS = {
    "E1": "tasks an LLM alone could speed up a lot (direct exposure)",
    "E1+0.5*E2": "direct exposure plus half of the tasks that software built on an LLM could speed up",
    "E1+E2": "direct exposure plus all tasks that software built on an LLM could speed up",
}

# The scenario starts from the article's year ("... Career Outlook in 2026"): index 100 = 2026 work.
SCENARIO_BASE_YEAR = 2026

# --------------------------------------------------------------------------- the exposure data

_RATING_COLUMNS = [f"{prefix}_{suffix}" for prefix in RATERS.values() for suffix in MEASURES.values()]
_share = dict(checks=[pa.Check.ge(0), pa.Check.le(1)], coerce=True, nullable=False)

EXPOSURE_SCHEMA = pa.DataFrameSchema(
    {
        "O*NET-SOC Code": pa.Column(str, pa.Check.str_matches(r"^\d{2}-\d{4}\.\d{2}$"), unique=True),
        "Title": pa.Column(str, pa.Check.str_length(min_value=1), unique=True),
        **{name: pa.Column(float, **_share) for name in _RATING_COLUMNS},
    },
    strict=True,
    ordered=True,
)


def load_exposure() -> pd.DataFrame:
    """The 923 occupations with their six ratings (0 to 1), as published; codes and titles are unique.

    Columns: ``onet_soc_code``, ``title``, then ``dv_rating_*`` (GPT-4) and ``human_rating_*``
    (human annotators) for ``_alpha`` (E1), ``_beta`` (E1+0.5*E2) and ``_gamma`` (E1+E2).

    >>> load_exposure().columns.tolist()[:4]
    ['onet_soc_code', 'title', 'dv_rating_alpha', 'dv_rating_beta']
    >>> load_exposure().attrs["source"]["quality"]
    'published research data'
    """
    return _load_exposure()


@cached_by_files((EXPOSURE_FILE, "sources.csv"))
def _load_exposure() -> pd.DataFrame:
    frame = read_table(EXPOSURE_FILE, EXPOSURE_SCHEMA)
    attrs = dict(frame.attrs)
    frame = frame.rename(columns={"O*NET-SOC Code": "onet_soc_code", "Title": "title"})
    if MEDICAL_RECORDS_CODE not in set(frame.onet_soc_code):
        raise DataFileError(f"data/{EXPOSURE_FILE}", f"the row for Medical Records Specialists ({MEDICAL_RECORDS_CODE}) is missing",
                            column="O*NET-SOC Code")
    frame.attrs.update(attrs)
    return frame


def rating_column(rater: str, measure: str) -> str:
    """The column of ``occ_level.csv`` holding one rater's ratings on one measure.

    >>> rating_column("gpt4", "E1"), rating_column("human", "E1+E2")
    ('dv_rating_alpha', 'human_rating_gamma')
    """
    return f"{RATERS[lookup_rater(rater)]}_{MEASURES[lookup_measure(measure)]}"


def lookup_rater(value) -> str:
    """``"gpt4"`` or ``"human"``, from what a person typed ("GPT-4", "Human", "dv").

    >>> lookup_rater("GPT-4"), lookup_rater(" Human ")
    ('gpt4', 'human')
    >>> lookup_rater("gtp4")
    Traceback (most recent call last):
    ...
    analysis.core.errors.InputError: rater='gtp4': not a rater in the GPTs-are-GPTs data. Did you mean 'gpt4'? Allowed: gpt4 (ratings by GPT-4), human (ratings by human annotators).
    """
    return lookup("rater", value, RATERS, aliases={"dv": "gpt4", "gpt": "gpt4", "humans": "human"},
                  fold=lambda v: str(v).strip().lower().replace("-", "").replace(" ", ""),
                  reason="not a rater in the GPTs-are-GPTs data",
                  allowed="gpt4 (ratings by GPT-4), human (ratings by human annotators)")


def lookup_measure(value) -> str:
    """``"E1"``, ``"E1+0.5*E2"`` or ``"E1+E2"``; spaces and case do not matter, nor the paper's alpha/beta/gamma.

    >>> lookup_measure("e1 + e2"), lookup_measure("beta"), lookup_measure("E1+0.5E2")
    ('E1+E2', 'E1+0.5*E2', 'E1+0.5*E2')
    >>> lookup_measure("E1+E3")
    Traceback (most recent call last):
    ...
    analysis.core.errors.InputError: exposure_measure='E1+E3': not one of the three published measures. Did you mean 'E1+E2'? Allowed: E1, E1+0.5*E2, E1+E2.
    """
    return lookup("exposure_measure", value, MEASURES, aliases={"alpha": "E1", "beta": "E1+0.5*E2", "gamma": "E1+E2"},
                  fold=lambda v: str(v).strip().upper().replace(" ", "").replace("*", ""),
                  reason="not one of the three published measures")


# --------------------------------------------------------------------------- occupations


@dataclass(frozen=True)
class Occupation:
    """One O*NET-SOC occupation of the ratings file: ``code`` like ``"29-2072.00"`` and its title."""

    code: str
    title: str

    def __str__(self) -> str:
        return f"{self.title} ({self.code})"


OCCUPATION_FORMS = ("an O*NET-SOC code such as '29-2072.00' (or '29-2072') or a title such as "
                    "'Compliance Officers' (923 occupations in data/evidence/gpts-are-gpts/occ_level.csv)")


def lookup_occupation(value) -> Occupation:
    """An occupation of the ratings file by O*NET-SOC code or title (case-insensitive), with did-you-mean.

    >>> lookup_occupation("29-2072").title
    'Medical Records Specialists'
    >>> lookup_occupation("compliance officers").code
    '13-1041.00'
    >>> lookup_occupation("Compliance Oficers")
    Traceback (most recent call last):
    ...
    analysis.core.errors.InputError: occupation='Compliance Oficers': not an O*NET-SOC code or occupation title in the ratings file. Did you mean 'Compliance Officers'? Allowed: an O*NET-SOC code such as '29-2072.00' (or '29-2072') or a title such as 'Compliance Officers' (923 occupations in data/evidence/gpts-are-gpts/occ_level.csv).
    """
    if isinstance(value, Occupation):
        return value
    codes, titles = _occupation_index()
    text = str(value).strip()
    code = text + ".00" if re.fullmatch(r"\d{2}-\d{4}", text) else text
    if code in codes:
        return Occupation(code, codes[code])
    if text.lower() in titles:
        return titles[text.lower()]
    if re.fullmatch(r"\d{2}-\d{4}(\.\d{2})?", text):
        suggestion = closest(code, codes, cutoff=0.8)
    else:
        suggestion = closest(text, [o.title for o in titles.values()])
        if suggestion is None:  # a word of a title: suggest the first title that contains it
            suggestion = next((o.title for o in titles.values() if text.lower() in o.title.lower()), None) if text else None
    raise InputError("occupation", value, reason="not an O*NET-SOC code or occupation title in the ratings file",
                     suggestion=suggestion, allowed=OCCUPATION_FORMS)


@cached_by_files((EXPOSURE_FILE, "sources.csv"), copy=False)
def _occupation_index():
    frame = load_exposure()
    codes = dict(zip(frame.onet_soc_code, frame.title))
    titles = {t.lower(): Occupation(c, t) for c, t in codes.items()}
    return codes, titles


def occupation_list(value) -> list[Occupation]:
    """A list of occupations from a list, or from text with the names separated by commas.

    Titles that contain a comma ("Office Clerks, General") are kept whole, and text that looks like a
    JSON list is read as one (the papermill CLI passes ``-p compare_with '[...]'`` as text). An
    occupation named twice is kept once.

    >>> [o.code for o in occupation_list("Office Clerks, General, 29-2072")]
    ['43-9061.00', '29-2072.00']
    >>> [o.code for o in occupation_list('["13-1041.00", "Accountants and Auditors"]')]
    ['13-1041.00', '13-2011.00']
    >>> occupation_list(None), occupation_list("")
    ([], [])
    """
    if value is None:
        return []
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            value = read_json("compare_with", value, reason="looks like a list but is not valid JSON",
                              allowed='a list such as ["29-9021.00", "Compliance Officers"]')
        else:
            value = [part.strip() for part in text.split(",")]
    if isinstance(value, (str, int, float, Occupation)):
        value = [value]
    fragments = [str(v).strip() if not isinstance(v, Occupation) else v for v in value]
    fragments = [f for f in fragments if not (isinstance(f, str) and not f)]
    occupations = []
    i = 0
    while i < len(fragments):
        taken = 1
        if isinstance(fragments[i], str):  # the longest run of fragments that joins into a title
            _, titles = _occupation_index()
            for j in range(len(fragments), i + 1, -1):
                if all(isinstance(f, str) for f in fragments[i:j]) and ", ".join(fragments[i:j]).lower() in titles:
                    taken = j - i
                    break
        item = ", ".join(fragments[i:i + taken]) if taken > 1 else fragments[i]
        occupation = lookup_occupation(item)
        if occupation not in occupations:
            occupations.append(occupation)
        i += taken
    return occupations


class OccupationList(Param):
    """A parameter holding occupations of the ratings file (by code or title), as a list."""

    def normalize(self, value):
        try:
            return occupation_list(value)
        except InputError as err:
            raise InputError(self.name, err.value, allowed=self.allowed(), suggestion=err.suggestion,
                             reason=f"{err.value!r} is not an O*NET-SOC code or occupation title in the ratings file"
                             if err.name == "occupation" else "could not be read") from None

    def allowed(self) -> str:
        return ("a list of O*NET-SOC codes ('29-9021.00') or titles ('Compliance Officers'), or text with them "
                "separated by commas; an empty list for none")


def how_it_relates(code: str) -> str:
    """How an occupation connects to the article, from the kit's editorial map of article roles to BLS occupations.

    The map (``data/reference/career_soc_map.csv``, loaded by :mod:`analysis.data.careers`) grades each match
    close, partial or loose; an O*NET-SOC code ``XX-XXXX.00`` is the whole BLS occupation ``XX-XXXX``.

    >>> how_it_relates("13-1041.00")
    "the article's Compliance Officer (close match) [map: data/reference/career_soc_map.csv]"
    >>> how_it_relates("15-1252.00")
    'chosen in compare_with'
    """
    if code == MEDICAL_RECORDS_CODE:
        return "the article's occupation (BLS SOC 29-2072)"
    roles = _career_links().get(code.removesuffix(".00")) if code.endswith(".00") else None
    if not roles:
        return "chosen in compare_with"
    from analysis.data.careers import CAREER_SOC_MAP_FILE

    return "; ".join(f"the article's {role} ({match} match)" for role, match in roles) + f" [map: data/{CAREER_SOC_MAP_FILE}]"


def _career_map_inputs() -> tuple:
    from analysis.data.careers import CAREER_MAP_INPUTS

    return CAREER_MAP_INPUTS


@cached_by_files(_career_map_inputs, copy=False)
def _career_links() -> dict[str, list[tuple[str, str]]]:
    from analysis.data.careers import load_career_soc_map

    links: dict[str, list[tuple[str, str]]] = {}
    for row in load_career_soc_map().itertuples():
        links.setdefault(row.soc_code, []).append((row.article_role, row.match))
    return links
