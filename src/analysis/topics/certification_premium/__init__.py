"""The certification premium: how far the sources disagree, and what a credential is worth under stated assumptions.

Backs ``notebooks/04_certification_premium.ipynb``.

* **Claims**: the article's premium figures (``data/article/certification_premium.csv``: $55,000 vs
  $43,000, "about 28%", "approximately 20.7%", "20–25%") and its certification status table.
* **Evidence**: AAPC (and one other) salary surveys, ``data/evidence/certification_salary_surveys.csv``,
  self-reported by members; BLS publishes no split by certification.
* **Derived** (computed and tested here): each source's premium from its own certified and
  non-certified averages, payback time, present value, and the earnings-path scenario.
* **Assumptions** (notebook parameters, defaults documented in :data:`PARAMETERS`): the cost of getting
  certified, the horizon and the discount rate. They are not data.

Its modules, each imported here so that the notebook, the tests and the exercise registry use the topic by its
one name (``analysis.topics.certification_premium``): ``credentials`` (the credentials and the article's
status table); ``sources`` (the premium sources and how far they disagree); ``parameters``; ``value`` (payback
and present value); ``career_ladder`` (the earnings-path scenario); ``charts``; ``exercises`` (notebook 04's
expected answers); ``summary`` (the report's opening summary).

The article's own arithmetic, reproduced:

>>> a = premium_basis("article", 1)
>>> a.with_usd - a.without_usd, round(a.premium_pct_derived, 1)
(12000, 27.9)
"""

from __future__ import annotations

# Shown by the notebook and used by the tests under the topic's name.
from analysis.present.formats import signed_money
from analysis.present.tables import table_view

from analysis.topics.certification_premium.credentials import (
    CREDENTIALS, SPECIALTY_CREDENTIALS, lookup_credential, article_credentials, status_claim_for,
    certification_status_view, credentials_note,
)
from analysis.topics.certification_premium.sources import (
    ARTICLE, SURVEYS, lookup_premium_source, PremiumBasis, premium_basis, premium_sources, sources_view,
    why_sources_differ,
)
from analysis.topics.certification_premium.parameters import PARAMETERS, study_hour_value_basis
from analysis.topics.certification_premium.value import (
    UPFRONT_FORMULA, PAYBACK_FORMULA, PRESENT_VALUE_FORMULA, Costs, costs_from, money_view, payback_years,
    present_value, value_over_horizon, value_summary, pv_by_source,
)
from analysis.topics.certification_premium.career_ladder import (
    SCENARIO_ASSUMPTIONS, ladder_rung_for_year, earnings_path, scenario_note,
)
from analysis.topics.certification_premium.charts import sources_chart, pv_chart, earnings_path_chart
from analysis.topics.certification_premium.exercises import (
    exercise_largest_present_value, exercise_payback_years, exercise_present_value_spread,
)
from analysis.topics.certification_premium.summary import report_summary
