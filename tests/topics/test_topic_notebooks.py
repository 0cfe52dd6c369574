"""Topic notebooks 01-04 (salary by state, job outlook, specialty, certification premium): stored with a
*Try changing* prompt after every chart, run with the plain papermill CLI for the defaults and every
documented example, and stopped with a clear message on a bad value.

Each notebook run is its own test (one papermill call each), so pytest-xdist can spread them.
(Every notebook's contract and the introduction's -p examples: tests/test_notebooks.py; notebook 05:
test_ai_impact_notebook.py.)
"""

from __future__ import annotations

import nbformat
import pytest
from conftest import ROOT, executed_ok, failed_at_start, output_text, run_papermill

from analysis.core.topics import TOPICS
from analysis.topics import certification_premium, job_outlook, salary_by_state, specialty

# topic -> (its module, how many charts its notebook shows at least)
NOTEBOOKS = {
    "salary_by_state": (salary_by_state, 1),
    "job_outlook": (job_outlook, 1),
    "specialty": (specialty, 3),
    "certification_premium": (certification_premium, 3),
}


def notebook(topic: str):
    return ROOT / "notebooks" / TOPICS[topic]


def is_chart_cell(cell) -> bool:
    """A cell that shows one of the notebook's charts. Exercise cells are not: a student's answer cell shows
    ``...`` until answered (its own chart and "Try changing" prompt come after its check)."""
    if "exercise" in cell.get("metadata", {}).get("tags", []):
        return False
    return cell.cell_type == "code" and ("chart(" in cell.source or "tile_map(" in cell.source)


# --------------------------------------------------------------------------- stored notebooks


@pytest.mark.parametrize("topic", NOTEBOOKS)
def test_every_chart_is_followed_by_a_try_changing_prompt_naming_a_parameter(topic):
    module, at_least = NOTEBOOKS[topic]
    cells = nbformat.read(notebook(topic), as_version=4).cells
    charts = [i for i, c in enumerate(cells) if is_chart_cell(c)]
    assert len(charts) >= at_least
    for i in charts:
        after = cells[i + 1]
        assert after.cell_type == "markdown" and after.source.startswith("*Try changing"), cells[i].source
        assert any(f"`{name}`" in after.source for name in module.PARAMETERS.params), after.source


# --------------------------------------------------------------------------- runs

# topic -> [(test id, parameters, strings the executed notebook must contain)]: the defaults, then every example.
EXPECTED = {
    "salary_by_state": [
        ("defaults", {}, ["**California**, May 2024 (latest in data/), median annual wage: **$59,700**",
                          "National median, May 2024: $50,250", "Rank: 7 of 51", "Large health systems, high volume"]),
        ("TX", {"state": "TX"}, ["**Texas**, May 2024 (latest in data/), median annual wage: **$47,230**", "$51,020",
                                 "$47,230", "do not list Texas"]),
        ("NY-2023", {"state": "new york", "year": 2023}, ["**New York**, May 2023, median annual wage: **$59,050**",
                                                          "National median, May 2023: $48,780", "Rank: 6 of 35",
                                                          "not available"]),
        ("06-mean", {"state": "06", "measure": "mean", "compare_with": ["TX", "FL"]},
         ["**California**, May 2024 (latest in data/), mean annual wage: **$68,080**", "No national May 2024 mean",
          "$51,020", "national (not available in data/)"]),
        ("MS-remote", {"state": "Mississippi", "employer_state": "CA"},
         ["**Mississippi**, May 2024 (latest in data/), median annual wage: **$39,970**", "$59,700", "$19,730",
          "Lowest-Paying States"]),
    ],
    "job_outlook": [
        ("defaults", {}, ["projected employment in 2034", "208,436", "13,636", "14,200", "187,770"]),
        ("2025-35", {"projection_round": "2025-35"}, ["projected employment in 2035", "216,756", "14,000"]),
        ("article", {"projection_round": "article"}, ["259,200", "article claim", "14,800"]),
        ("what-if-2030", {"horizon_year": 2030, "growth_override_pct": 4},
         ["projected employment in 2030", "199,475.2", "what-if"]),
    ],
    "specialty": [
        ("defaults", {}, ["**Risk Adjustment/HCC**: $55,000–$72,000 a year", "+$16,500 a year, +35.1% (derived)",
                          "Auditing has $70,000; Risk Adjustment/HCC has $63,500", "No state chosen",
                          "Medical coder, Mid-Career (3–7 years)", "Compliance Officers", "$71,650"]),
        ("auditing-senior", {"specialty": "Auditing", "experience_level": "senior"},
         ["**Auditing**: $60,000–$80,000 a year", "The two ranges share $60,000–$72,000", "Director of HIM/Coding",
          "Medical coder, Senior (8+ years)"]),
        ("baseline-MS", {"specialty": "General Outpatient", "experience_level": "entry", "state": "Mississippi"},
         ["General Outpatient is the baseline",
          "**Mississippi**, May 2024 median annual wage of Medical Records Specialists: $39,970",
          "Ratio state / nation: 0.795", "Junior/Entry Coder"]),
        ("obgyn-06", {"specialty": "ob_gyn", "state": "06"},
         ["**OB/GYN**: $48,000–$58,000 a year", "**California**, May 2024", "Ratio state / nation: 1.188"]),
    ],
    "certification_premium": [
        ("defaults", {}, ["Premium, $12,000 a year = $55,000", "27.9% (derived from the article)", "0.19 years",
                          "+$98,440.70", "*CPC (AAPC)*", "12,000 / 43,000 = 27.9%"]),
        ("aapc-2023", {"premium_source": "aapc_2023"},
         ["Premium, $9,969 a year", "21.5% (derived from AAPC 2023 Salary Report (2022 salaries))"]),
        ("cpc-crc", {"credentials": ["CPC", "CRC"], "premium_source": "aapc_older", "horizon_years": 5},
         ["$64,890 (two-credential average (survey))", "*CPC + specialty cert*", "Present value over 5 years"]),
        ("three-2020", {"credentials": ["CPC", "CRC", "CPMA"], "premium_source": "survey_2020", "discount_rate": 0.07},
         ["$68,590 (three-or-more-credential average (survey))", "at 7.0% a year", "3 x $425"]),
        ("ccs", {"credentials": ["CCS"], "premium_source": "aapc_page", "study_hours": 120, "study_hour_value_usd": 0},
         ["*CCS (AHIMA)*", "Premium, $12,897 a year", "1 x 120 hours x $0 an hour"]),
    ],
}


@pytest.mark.parametrize("topic", NOTEBOOKS)
def test_expectations_keep_in_step_with_the_documented_examples(topic):
    module, _ = NOTEBOOKS[topic]
    assert [params for _, params, _ in EXPECTED[topic][1:]] == module.PARAMETERS.examples


@pytest.mark.notebook
@pytest.mark.parametrize("topic, params, expected", [pytest.param(topic, params, expected, id=f"{topic}-{name}")
                                                     for topic, runs in EXPECTED.items() for name, params, expected in runs])
def test_notebook_runs(topic, params, expected, tmp_path):
    text = output_text(executed_ok(*run_papermill(notebook(topic), tmp_path, params), is_chart_cell))
    for piece in expected:
        assert piece in text, piece


# topic, a bad value, what the start cell says
STOPS = [
    pytest.param("salary_by_state", {"state": "Texsa"}, "Did you mean 'Texas'", id="salary_by_state-misspelled-state"),
    pytest.param("salary_by_state", {"stat": "TX"}, "Did you mean 'state'", id="salary_by_state-unknown-parameter"),
    pytest.param("job_outlook", {"projection_round": "artcle"}, "Did you mean 'article'", id="job_outlook-misspelled-round"),
    pytest.param("specialty", {"specialty": "cardiolgy"}, "Did you mean 'Cardiology'", id="specialty-misspelled-specialty"),
    pytest.param("specialty", {"experience": "senior"}, "Did you mean 'experience_level'", id="specialty-unknown-parameter"),
    pytest.param("certification_premium", {"discount_rate": -0.01},
                 "discount_rate=-0.01: must be at least 0. Allowed: a number from 0 to 0.5",
                 id="certification_premium-negative-discount-rate"),
    pytest.param("certification_premium", {"credentials": "CPC,CPCC"}, "Did you mean 'CPC'",
                 id="certification_premium-unknown-credential"),
]


@pytest.mark.notebook
@pytest.mark.parametrize("topic, params, message", STOPS)
def test_notebook_stops_on_a_bad_value_with_a_suggestion(topic, params, message, tmp_path):
    failed_at_start(*run_papermill(notebook(topic), tmp_path, params), message)
