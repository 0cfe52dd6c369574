"""The credentials the article names, and its certification status table (claims) for a set of them.
"""

from __future__ import annotations

import re

import pandas as pd

from analysis.calc.units import premium
from analysis.core.errors import InputError, lookup
from analysis.core.params import Text
from analysis.data.article import article_text, load_certification_status
from analysis.present.markdown import Markdown


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
