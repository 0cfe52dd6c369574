"""The notebook's parameters: the credentials, the premium source, and the cost assumptions.
"""

from __future__ import annotations

from analysis.core.params import Number, ParameterSet, Text
from analysis.data.evidence import national_fact

from analysis.topics.certification_premium.credentials import CREDENTIALS, _Credentials, lookup_credential
from analysis.topics.certification_premium.sources import ARTICLE, SURVEYS, lookup_premium_source


_STUDY_HOUR_VALUE = 23.45  # checked against data/ by the tests: BLS May 2023 national median hourly wage, 29-2072

PARAMETERS = ParameterSet(
    "certification_premium",
    [
        _Credentials("credentials", ["CPC"], "The credentials held or planned (one exam each in the cost).",
                     check=lookup_credential, multiple=True, allowed_text="credentials the article names: " + ", ".join(CREDENTIALS)),
        Text("premium_source", ARTICLE, "Whose certified vs non-certified averages give the premium: 'article' ($55,000 "
             "vs $43,000) or a survey of data/evidence/certification_salary_surveys.csv.",
             check=lookup_premium_source, allowed_text="article, " + ", ".join(SURVEYS)),
        Number("horizon_years", 10, "Years over which the premium is counted (and the earnings path is drawn).",
               minimum=1, maximum=40, integer=True),
        Number("discount_rate", 0.03, "ASSUMPTION. Yearly rate to discount future premiums to today's dollars. Default 3%: a "
               "round rate, the lower of the two rates (3% and 7%) the US Office of Management and Budget's Circular "
               "A-4 used until 2023 (its 2023 revision uses 2%). 0 = no discounting.", minimum=0, maximum=0.5),
        Number("exam_cost_usd", 425, "ASSUMPTION. Exam fee per credential, in dollars. Default: the CPC fee for one attempt "
               "as quoted by a third-party guide read in 2026 (mbc-bv6.pages.dev/certifications/cpc: $425 one attempt, $499 "
               "two); fees change and differ by credential: check the issuer's site.", minimum=0),
        Number("membership_cost_usd", 190, "ASSUMPTION. Yearly membership dues needed to keep the credential, in dollars. "
               "Default: AAPC's individual renewal as given on its membership FAQ (aapc.com/membership/faq.aspx, version "
               "read in 2026: $190, plus $20 on a payment plan); the same third-party guide quotes $222.", minimum=0),
        Number("study_hours", 80, "ASSUMPTION. Hours of study per credential. Default: a round figure with no source in "
               "data/; set it to your own plan.", minimum=0),
        Number("study_hour_value_usd", _STUDY_HOUR_VALUE, "ASSUMPTION. What an hour of study time is worth to you, in "
               "dollars. Default $23.45: the BLS May 2023 national median hourly wage of Medical Records Specialists "
               "(data/evidence/bls_national_facts_29-2072.csv), i.e. study time valued as coding time. 0 = free time.",
               minimum=0),
    ],
    examples=[
        # The survey with the smallest stated premium ("almost 18" percent).
        {"premium_source": "aapc_2023"},
        # CPC plus a risk-adjustment credential, judged by the older AAPC page (it has a two-credential average), 5 years.
        {"credentials": ["CPC", "CRC"], "premium_source": "aapc_older", "horizon_years": 5},
        # Three credentials, the 2020 survey (largest premium), and a 7% discount rate.
        {"credentials": ["CPC", "CRC", "CPMA"], "premium_source": "survey_2020", "discount_rate": 0.07},
        # The AHIMA route, with study time counted as free and a longer study plan.
        {"credentials": ["CCS"], "premium_source": "aapc_page", "study_hours": 120, "study_hour_value_usd": 0},
    ],
)


def study_hour_value_basis() -> float:
    """The figure behind ``study_hour_value_usd``'s default, read from data/ (the tests compare the two).

    >>> study_hour_value_basis()
    23.45
    """
    return float(national_fact("May 2023", "hourly_median").value)
