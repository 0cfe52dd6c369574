"""Every chart of every built report is valid Vega-Lite as the page receives it, its ``datasets`` included.

altair validates a spec when it writes it, but adds the top-level ``datasets`` (a DataFrame's rows, the state
explorer's records) after validating; so the whole spec is checked here, for the Texas state report, every topic
report and the index (one build: ``reports`` in tests/export/conftest.py).
"""

from __future__ import annotations

import copy

import pytest

from analysis.present.rendering import specs_in_html

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("built_reports")]

PAGES = ["states/TX", "topics/salary_by_state", "topics/job_outlook", "topics/specialty",
         "topics/certification_premium", "topics/ai_impact", "index"]


@pytest.fixture(scope="module")
def vega_lite():
    """A validator for the Vega-Lite schema altair ships (the version the reports' bundle draws)."""
    import jsonschema
    from altair.vegalite.v6.schema.core import load_schema

    schema = load_schema()
    return jsonschema.validators.validator_for(schema)(schema)


def _errors(validator, spec: dict) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message[:160]}" for e in validator.iter_errors(spec)]


def _specs(reports, name: str) -> list[dict]:
    return specs_in_html((reports / f"{name}.html").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", PAGES)
def test_every_chart_is_valid_vega_lite_with_its_datasets(reports, vega_lite, name):
    specs = _specs(reports, name)
    assert specs, "the report has charts"
    assert {i: _errors(vega_lite, spec) for i, spec in enumerate(specs, 1) if _errors(vega_lite, spec)} == {}


def test_the_check_finds_a_broken_chart_and_a_broken_row(reports, vega_lite):
    explorer = next(s for s in _specs(reports, "states/TX") if "vconcat" in s)
    assert _errors(vega_lite, explorer) == [] and explorer["datasets"]
    stray_row = copy.deepcopy(explorer)
    next(iter(stray_row["datasets"].values())).append("a stray line of text")
    wrong_mark = copy.deepcopy(explorer)
    wrong_mark["vconcat"][0]["layer"][0]["mark"]["type"] = "barr"
    assert _errors(vega_lite, stray_row) and _errors(vega_lite, wrong_mark)
