"""Notebooks 03 (specialty) and 04 (certification premium): stored clean, run with the plain papermill CLI
for the defaults and every documented example, and stop with a clear message on a bad value.

Each notebook run is its own test (one papermill call each), so pytest-xdist can spread them.
"""

from __future__ import annotations


import nbformat
import pytest
from conftest import ROOT, executed_ok, failed_at_start, output_text, run_papermill

from analysis.topics import certification_premium as certification

from analysis.topics import specialty

NOTEBOOKS = {
    "specialty": (ROOT / "notebooks" / "03_specialty.ipynb", specialty),
    "certification": (ROOT / "notebooks" / "04_certification_premium.ipynb", certification),
}


def is_chart_cell(cell) -> bool:
    return cell.cell_type == "code" and "chart(" in cell.source


# --------------------------------------------------------------------------- stored notebooks


# (The introduction's -p examples: tests/test_notebooks.py.)


@pytest.mark.parametrize("key", NOTEBOOKS)
def test_every_chart_is_followed_by_a_try_changing_prompt_naming_a_parameter(key):
    path, module = NOTEBOOKS[key]
    cells = nbformat.read(path, as_version=4).cells
    charts = [i for i, c in enumerate(cells) if is_chart_cell(c)]
    assert len(charts) >= 3
    for i in charts:
        after = cells[i + 1]
        assert after.cell_type == "markdown" and after.source.startswith("*Try changing"), cells[i].source
        assert any(f"`{name}`" in after.source for name in module.PARAMETERS.params), after.source


# --------------------------------------------------------------------------- runs: specialty

SPECIALTY_EXPECTED = [
    ({}, ["**Risk Adjustment/HCC**: $55,000–$72,000 a year", "+$16,500 a year, +35.1% (derived)",
          "Auditing has $70,000; Risk Adjustment/HCC has $63,500", "No state chosen", "Medical coder, Mid-Career (3–7 years)",
          "Compliance Officers", "$71,650"]),
    ({"specialty": "Auditing", "experience_level": "senior"},
     ["**Auditing**: $60,000–$80,000 a year", "The two ranges share $60,000–$72,000", "Director of HIM/Coding",
      "Medical coder, Senior (8+ years)"]),
    ({"specialty": "General Outpatient", "experience_level": "entry", "state": "Mississippi"},
     ["General Outpatient is the baseline", "**Mississippi**, May 2024 median annual wage of Medical Records Specialists: $39,970",
      "Ratio state / nation: 0.795", "Junior/Entry Coder"]),
    ({"specialty": "ob_gyn", "state": "06"},
     ["**OB/GYN**: $48,000–$58,000 a year", "**California**, May 2024", "Ratio state / nation: 1.188"]),
]
assert [p for p, _ in SPECIALTY_EXPECTED[1:]] == specialty.PARAMETERS.examples, "keep the expectations in step with the examples"


@pytest.mark.notebook
@pytest.mark.parametrize("params, expected", SPECIALTY_EXPECTED, ids=["defaults", "auditing-senior", "baseline-MS", "obgyn-06"])
def test_specialty_notebook_runs(params, expected, tmp_path):
    text = output_text(executed_ok(*run_papermill(NOTEBOOKS["specialty"][0], tmp_path, params), is_chart_cell))
    for piece in expected:
        assert piece in text, piece


@pytest.mark.notebook
def test_specialty_notebook_stops_on_a_misspelled_specialty(tmp_path):
    failed_at_start(*run_papermill(NOTEBOOKS["specialty"][0], tmp_path, {"specialty": "cardiolgy"}), "Did you mean 'Cardiology'")


@pytest.mark.notebook
def test_specialty_notebook_stops_on_an_unknown_parameter_name(tmp_path):
    failed_at_start(*run_papermill(NOTEBOOKS["specialty"][0], tmp_path, {"experience": "senior"}), "Did you mean 'experience_level'")


# --------------------------------------------------------------------------- runs: certification premium

CERTIFICATION_EXPECTED = [
    ({}, ["Premium, $12,000 a year = $55,000", "27.9% (derived from the article)", "0.19 years", "+$98,440.70",
          "*CPC (AAPC)*", "12,000 / 43,000 = 27.9%"]),
    ({"premium_source": "aapc_2023"}, ["Premium, $9,969 a year", "21.5% (derived from AAPC 2023 Salary Report (2022 salaries))"]),
    ({"credentials": ["CPC", "CRC"], "premium_source": "aapc_older", "horizon_years": 5},
     ["$64,890 (two-credential average (survey))", "*CPC + specialty cert*", "Present value over 5 years"]),
    ({"credentials": ["CPC", "CRC", "CPMA"], "premium_source": "survey_2020", "discount_rate": 0.07},
     ["$68,590 (three-or-more-credential average (survey))", "at 7.0% a year", "3 x $425"]),
    ({"credentials": ["CCS"], "premium_source": "aapc_page", "study_hours": 120, "study_hour_value_usd": 0},
     ["*CCS (AHIMA)*", "Premium, $12,897 a year", "1 x 120 hours x $0 an hour"]),
]
assert [p for p, _ in CERTIFICATION_EXPECTED[1:]] == certification.PARAMETERS.examples, "keep the expectations in step with the examples"


@pytest.mark.notebook
@pytest.mark.parametrize("params, expected", CERTIFICATION_EXPECTED, ids=["defaults", "aapc-2023", "cpc-crc", "three-2020", "ccs"])
def test_certification_notebook_runs(params, expected, tmp_path):
    text = output_text(executed_ok(*run_papermill(NOTEBOOKS["certification"][0], tmp_path, params), is_chart_cell))
    for piece in expected:
        assert piece in text, piece


@pytest.mark.notebook
def test_certification_notebook_stops_on_a_negative_discount_rate(tmp_path):
    failed_at_start(*run_papermill(NOTEBOOKS["certification"][0], tmp_path, {"discount_rate": -0.01}),
                    "discount_rate=-0.01: must be at least 0. Allowed: a number from 0 to 0.5")


@pytest.mark.notebook
def test_certification_notebook_stops_on_an_unknown_credential(tmp_path):
    failed_at_start(*run_papermill(NOTEBOOKS["certification"][0], tmp_path, {"credentials": "CPC,CPCC"}), "Did you mean 'CPC'")
