"""The output-target switch: which altair renderer each target (lab, html, pdf) gets."""

import json

import nbformat
import pytest
from conftest import small_chart

from analysis.core.errors import InputError
from analysis.present import rendering

# ------------------------------------------------------------------------------ the switch


@pytest.mark.parametrize("value, expected", [(None, "lab"), ("", "lab"), ("LAB", "lab"), (" html ", "html"), ("pdf", "pdf")])
def test_target_reads_the_environment(target_env, value, expected):
    assert target_env(value) == expected


def test_unknown_target_is_refused_with_a_suggestion(monkeypatch):
    monkeypatch.setenv(rendering.TARGET_ENV, "htlm")
    with pytest.raises(InputError) as info:
        rendering.configure()
    assert info.value.suggestion == "html" and "lab, html, pdf" in str(info.value)


def test_lab_target_sends_a_mimetype_jupyterlab_4_renders(target_env):
    target_env("lab")
    data, metadata = small_chart()._repr_mimebundle_()
    # altair 6.3's own "mimetype" renderer says application/vnd.vegalite.v6.json, which JupyterLab 4.6
    # shows as text; the v5 mimetype is the one its bundled Vega-Lite draws.
    assert set(data) == {"application/vnd.vegalite.v5+json", "text/plain"}
    spec = data["application/vnd.vegalite.v5+json"]
    assert spec["encoding"]["tooltip"] == [{"field": "wage", "type": "quantitative"}]
    assert metadata["application/vnd.vegalite.v5+json"]["embed_options"]["actions"]["editor"] is False
    assert "Fixture wages" in data["text/plain"]
    # A notebook holding this output is valid nbformat (a dict under a +json mimetype).
    nbformat.validate(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(outputs=[
        nbformat.v4.new_output("display_data", data=data, metadata=metadata)])]))


@pytest.mark.parametrize("target", ["html", "pdf"])
def test_report_targets_send_small_embed_code_without_any_library(target_env, target):
    target_env(target)
    data = small_chart()._repr_mimebundle_()
    data = data[0] if isinstance(data, tuple) else data
    html = data["text/html"]
    spec = rendering.specs_in_html(html)[0]
    assert spec["title"] == "Fixture wages"
    overhead = len(html) - len(json.dumps(spec, separators=(",", ":")))
    assert overhead < 250, html
    assert "<script src" not in html and "cdn" not in html and "require" not in html

