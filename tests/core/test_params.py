import pytest

from analysis.core.errors import InputError
from analysis.core.params import Choice, Number, ParameterSet, Text, check_notebook_parameters, notebook_topic
from analysis.data.states import lookup_state

DEMO = ParameterSet("demo", [
    Text("state", "CA", "a state", check=lookup_state, allowed_text="a state name, abbreviation or FIPS code"),
    Choice("year", 2024, [2024, 2023], "BLS year"),
    Number("rate", 0.03, "discount rate", minimum=0, maximum=1),
    Text("peers", ["TX"], "states to compare", check=lookup_state, multiple=True),
])


def test_defaults_fill_missing_values():
    values = DEMO.check({})
    assert values.state.abbr == "CA" and values.year == 2024 and values.rate == 0.03


def test_unknown_name_gets_did_you_mean():
    with pytest.raises(InputError) as info:
        DEMO.check({"stat": "TX"})
    assert info.value.suggestion == "state"


def test_bad_state_value_keeps_parameter_name_and_suggestion():
    with pytest.raises(InputError) as info:
        DEMO.check({"state": "Texsa"})
    assert info.value.name == "state" and info.value.suggestion == "Texas"


@pytest.mark.parametrize("value", [-0.1, 1.5, "0.05"])
def test_number_bounds_and_type(value):
    with pytest.raises(InputError, match="rate"):
        DEMO.check({"rate": value})


def test_choice_accepts_text_from_command_line():
    assert DEMO.check({"year": "2023"}).year == 2023
    with pytest.raises(InputError) as info:
        DEMO.check({"year": 2022})
    assert "2024, 2023" in str(info.value)


def test_from_text_types_values_without_guessing():
    typed = DEMO.from_text({"state": "06", "year": "2023", "rate": "0.05", "peers": "TX,FL"})
    assert typed == {"state": "06", "year": 2023, "rate": 0.05, "peers": ["TX", "FL"]}


def test_from_text_rejects_before_anything_runs():
    with pytest.raises(InputError):
        DEMO.from_text({"rate": "five"})


def test_notebook_namespace_check_rejects_unknown_globals(monkeypatch):
    import analysis.core.params as params

    import analysis.core.topics as topics

    monkeypatch.setitem(topics.TOPICS, "demo", "demo.ipynb")
    monkeypatch.setattr(params, "parameters_for", lambda name: DEMO)
    namespace = {"state": "TX", "year": 2024, "rate": 0.03, "peers": [], "In": [], "__name__": "x", "stat": "NY"}
    with pytest.raises(InputError, match="stat"):
        check_notebook_parameters("demo", namespace)
    del namespace["stat"]
    assert check_notebook_parameters("demo", namespace).state.abbr == "TX"


def test_notebook_topic_strips_number_prefix():
    assert notebook_topic("notebooks/04_certification_premium.ipynb") == "certification_premium"
    assert notebook_topic("state_report") == "state_report"


def test_rerunning_start_ignores_the_notebooks_own_variables(monkeypatch, capsys):
    import analysis.core.params as params

    monkeypatch.setattr(params, "parameters_for", lambda name: DEMO)
    namespace = {"state": "TX", "year": 2024, "rate": 0.03, "peers": []}
    check_notebook_parameters("demo", namespace)
    namespace.update(comparison=[1, 2], answer=48780, rate=0.04)  # later cells ran, then start again
    assert check_notebook_parameters("demo", namespace).rate == 0.04
    assert "Restart Kernel" in capsys.readouterr().out
    namespace["rate"] = -1  # declared parameters are still checked on a re-run
    with pytest.raises(InputError, match="rate"):
        check_notebook_parameters("demo", namespace)
