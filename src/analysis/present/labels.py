"""Column labels for people: what a report reader sees instead of ``salary_low_usd``.

Tables in the notebooks keep their code names (students write pandas against them); in HTML and PDF
reports (``MEDCODING_TARGET`` = ``html`` or ``pdf``) every table built by a ``table_view`` helper shows
the label of each column, with its unit, and ``(derived)`` where the kit computed the figure.

A column named here gets its label from :data:`LABELS`; any other column gets one made from its
name by :func:`label_for` (words spelled out, units in brackets), so a new column is never shown as
code.

>>> label_for("salary_low_usd")
'Salary, low end (USD)'
>>> label_for("premium_midpoint_pct_derived")
'Premium at the midpoint (%, derived)'
>>> label_for("bls_p90_usd")
'BLS 90th percentile (USD)'
>>> label_for("some_new_count")
'Some new count'
"""

from __future__ import annotations

import html
import re

from analysis.present import rendering

#: Labels of the columns the report tables show, by code name.
LABELS = {
    "area": "Area",
    "areas_ranked": "Areas ranked",
    "article_midpoint_usd_derived": "Article's midpoint (USD, derived)",
    "article_range": "Article's range",
    "article_rank": "Article's rank",
    "article_role": "Article's role",
    "article_says": "The article says",
    "article_table": "Article's table",
    "article_usd": "Article's figure (USD)",
    "article_value": "Article's figure",
    "basis": "Basis",
    "bls_figure": "BLS figure",
    "bls_median_usd": "BLS median (USD)",
    "bls_p10_usd": "BLS 10th percentile (USD)",
    "bls_p90_usd": "BLS 90th percentile (USD)",
    "bls_rank_derived": "BLS rank (derived)",
    "bls_title": "BLS occupation",
    "bls_usd": "BLS figure (USD)",
    "bls_value": "BLS figure",
    "certification_status": "Certification status",
    "claim": "Claim",
    "claim_id": "Claim",
    "compared_with": "Compared with",
    "cumulative_pv_usd_derived": "Present value so far (USD, derived)",
    "demand_level": "Demand (article)",
    "difference_derived": "Difference (derived)",
    "difference_from_national_usd_derived": "Difference from the nation (USD, derived)",
    "difference_midpoint_minus_bls_median_usd_derived": "Midpoint minus BLS median (USD, derived)",
    "difference_pct_derived": "Difference (%, derived)",
    "difference_pct_points_derived": "Difference (percentage points, derived)",
    "difference_usd_derived": "Difference (USD, derived)",
    "discount_factor_derived": "Discount factor (derived)",
    "evidence": "Evidence",
    "item": "Item",
    "job_access": "Jobs it opens (article)",
    "key_skills": "Key skills",
    "kind": "Kind",
    "membership_usd": "Membership (USD a year)",
    "midpoint_usd_derived": "Midpoint (USD, derived)",
    "net_usd_derived": "Net gain (USD, derived)",
    "payback_years_derived": "Payback (years, derived)",
    "pct_emp_change_2020_2030": "Employment change 2020-30 (%)",
    "percent_change": "Change (%)",
    "premium_midpoint_pct_derived": "Premium at the midpoint (%, derived)",
    "premium_midpoint_usd_derived": "Premium at the midpoint (USD, derived)",
    "premium_pct_derived": "Premium (%, derived)",
    "premium_usd": "Premium (USD)",
    "premium_usd_derived": "Premium (USD, derived)",
    "present_value_usd_derived": "Present value (USD, derived)",
    "pv_usd_derived": "Present value (USD, derived)",
    "rank_derived": "Rank (derived)",
    "salary_high_usd": "Salary, high end (USD)",
    "salary_low_usd": "Salary, low end (USD)",
    "salary_open_from_usd": "Salary from (USD, open-ended)",
    "soc_code": "SOC code",
    "source_detail": "Source detail",
    "source_key": "Source key",
    "stated_pct_high_end": "Stated premium, high end (%)",
    "stated_pct_low_end": "Stated premium, low end (%)",
    "state_abbr": "State",
    "usd": "Amount (USD)",
    "usd_a_year": "USD a year",
    "value": "Value",
    "wage_usd": "Wage (USD a year)",
    "why_related": "Why it is related",
    "with_credential_usd_derived": "With the credential (USD, derived)",
    "with_usd": "With (USD)",
    "without_entry_only_usd_derived": "Without, entry level only (USD, derived)",
    "without_premium_model_usd_derived": "Without the premium (USD, derived)",
    "without_usd": "Without (USD)",
    "years_of_experience": "Years of experience",
}

# Words spelled out when a label is made from a column's name; units go into brackets at the end.
_WORDS = {"bls": "BLS", "pct": "%", "usd": "USD", "pv": "present value", "abbr": "abbreviation", "id": "ID",
          "ai": "AI", "onet": "O*NET", "soc": "SOC", "gpt4": "GPT-4", "hcc": "HCC", "emp": "employment"}
_UNITS = {"usd": "USD", "pct": "%", "years": "years"}
_PERCENTILE = re.compile(r"^p(\d{1,2})$")


def label_for(column) -> str:
    """The label a reader sees for ``column`` (see the module's examples)."""
    name = str(column)
    if name in LABELS:
        return LABELS[name]
    words = [w for w in name.split("_") if w]
    derived = bool(words) and words[-1] == "derived"
    if derived:
        words = words[:-1]
    units = [_UNITS[w] for w in words if w in _UNITS and w != "years"]
    text = []
    for word in words:
        if word in _UNITS and word != "years":
            continue
        percentile = _PERCENTILE.match(word)
        text.append(f"{percentile.group(1)}th percentile" if percentile else _WORDS.get(word, word))
    notes = units + (["derived"] if derived else [])
    label = " ".join(text) or name
    label = label[0].upper() + label[1:]
    return f"{label} ({', '.join(notes)})" if notes else label


def for_readers(styler):
    """``styler`` with its column headers relabelled for people, in HTML and PDF reports only.

    In JupyterLab the code names stay: they are what a student types.
    """
    if rendering.target() == "lab":
        return styler
    columns = list(styler.data.columns)
    # Labels are shown as they are (relabel_index does not escape): escape them here, like every cell.
    return styler.relabel_index([html.escape(label_for(c)) for c in columns], axis="columns")

