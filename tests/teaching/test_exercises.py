"""Self-checking exercises: hashed answers, tolerances, hints, charts, computed answers, and the kit's own notebooks."""

import json
import re
from pathlib import Path
from types import SimpleNamespace

import altair as alt
import nbformat
import numpy as np
import pandas as pd
import pytest
from conftest import papermill

from analysis.teaching import exercises
from analysis.data.evidence import load_state_wages, national_fact
from analysis.teaching.exercises import (
    ANSWERS_FILE, CORRECT, NOT_YET, PROBLEM, UNANSWERED, UNAVAILABLE, ExerciseError, answer_hash, check, computed,
    evaluate, hint, make_entry, register, save_answer,
)
from analysis.calc.units import hourly_to_annual

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"

MEDIAN_2023 = int(national_fact("May 2023", "annual_median").value)  # 48780, the article's national median


def renderings(value) -> list[str]:
    """The ways a number is commonly written: 48780, 48,780, 48780.0."""
    value = float(value)
    texts = {f"{value:g}", f"{value:,.0f}", f"{value:.1f}", f"{value:.0f}", repr(value)}
    if value.is_integer():
        texts |= {str(int(value)), f"{int(value):,}"}
    return sorted(texts)


@pytest.fixture
def median_exercise():
    register("test.median", make_entry(MEDIAN_2023, tolerance=1, hints=[
        hint("Did you use the hourly wage?", divided_by=2080),
        hint("That is the May 2024 median; the question asks for May 2023.", wrong=50250),
    ]))
    return "test.median"


# --------------------------------------------------------------------------- normalisation and hashing


@pytest.mark.parametrize("same, kind", [
    ([48780, 48780.0, np.int64(48780), np.float64(48780.0), 48780.00000000001], "number"),
    (["New York", " new   york ", "NEW YORK"], "text"),
    (["TX", "tx", "Texas", " texas ", "48", 48], "state"),
    ([True, np.True_], "bool"),
])
def test_equivalent_answers_hash_alike(same, kind):
    hashes = {answer_hash(value, type=kind) for value in same}
    assert len(hashes) == 1


def test_sets_ignore_order_and_lists_do_not():
    assert answer_hash(["CA", "TX"], type="set", item_type="state") == answer_hash({"texas", "06"}, type="set", item_type="state")
    assert answer_hash(["CA", "TX"], type="list", item_type="state") != answer_hash(["TX", "CA"], type="list", item_type="state")


def test_different_answers_hash_differently():
    assert answer_hash(48780) != answer_hash(48781)
    assert answer_hash("Texas", type="state") != answer_hash("Utah", type="state")
    assert answer_hash(2024) != answer_hash("2024", type="text")


def test_entry_holds_no_answer_text():
    entry = make_entry("Rhode Island", type="state", hints=[hint("Not the highest.", wrong="DC")])
    text = json.dumps(entry)
    for plain in ("Rhode", "RI", "44", "DC", "District"):
        assert plain not in text


@pytest.mark.parametrize("expected, tolerance", [(48780, 1), (23.45, 0.01), (-3.5, 0.5), (0.07, 0.001), (194800, 100)])
def test_tolerance_accepts_within_and_rejects_beyond_twice(expected, tolerance):
    register("test.tolerance", make_entry(expected, tolerance=tolerance))
    for offset in (-0.99, -0.5, 0, 0.5, 0.99):
        assert evaluate("test.tolerance", expected + offset * tolerance).status == CORRECT, offset
    for offset in (-3, -2.01, 2.01, 3, 50):
        assert evaluate("test.tolerance", expected + offset * tolerance).status == NOT_YET, offset


def test_exact_number_without_tolerance():
    register("test.exact", make_entry(7))
    assert evaluate("test.exact", 7.0).status == CORRECT
    assert evaluate("test.exact", 7.01).status == NOT_YET


# --------------------------------------------------------------------------- unanswered, wrong types, never raising


@pytest.mark.parametrize("answer", [..., None])
def test_unanswered_is_not_an_error(median_exercise, answer):
    feedback = check(median_exercise, answer)
    assert feedback.status == UNANSWERED and "not answered yet" in feedback.message.lower()


@pytest.mark.parametrize("answer, words", [
    ("48780", ["expected a number, got text '48780'", "Remove the quotes"]),
    ("about fifty thousand", ["expected a number, got text 'about fifty thousand'"]),
    (True, ["expected a number", "True"]),
    (pd.Series([1.0]), ["single number", "pandas Series with 1 value", ".item()"]),
    (pd.DataFrame({"a": [1, 2]}), ["a table (pandas DataFrame) with 2 rows and 1 columns"]),
    (float("nan"), ["missing value"]),
    (pd.NA, ["missing value"]),
    ([1, 2], ["single number", "list with 2 items"]),
])
def test_wrong_type_says_what_was_given(median_exercise, answer, words):
    feedback = evaluate(median_exercise, answer)
    assert feedback.status == NOT_YET
    for word in words:
        assert word in feedback.message


@pytest.mark.parametrize("wrong", [4878, 487800, 23.45, 48776, 50250, -48780, 1, 0, 48700, 60000, "forty", [48770]])
def test_wrong_answer_message_never_shows_the_answer(median_exercise, wrong):
    feedback = evaluate(median_exercise, wrong)
    assert feedback.status == NOT_YET
    for text in renderings(MEDIAN_2023):
        assert text not in feedback.message and text not in feedback._repr_markdown_(), (wrong, feedback.message)


@pytest.mark.parametrize("wrong, expected_words", [
    (23.45, "Did you use the hourly wage?"),
    (50250, "the May 2024 median"),
    (487800, "about 10 times larger"),
    (48.78, "about 1,000 times smaller"),
    (-48780, "sign is the wrong way round"),
    (48740, "close, but not within ±1"),
    (12345, "not the expected value"),
])
def test_hints_are_specific(median_exercise, wrong, expected_words):
    assert expected_words in evaluate(median_exercise, wrong).message


def test_unknown_exercise_suggests_the_closest(median_exercise):
    feedback = check("test.medain", 1)
    assert feedback.status == PROBLEM and "'test.median'" in feedback.message


def test_a_broken_check_is_reported_not_raised():
    @computed("test.broken")
    def _broken(p):
        raise KeyError("oops")

    feedback = check("test.broken", 1, SimpleNamespace())
    assert feedback.status == PROBLEM and "not about your answer" in feedback.message


def test_strict_mode_raises_on_anything_but_correct(median_exercise, monkeypatch):
    monkeypatch.setenv(exercises.STRICT_ENV, "strict")
    assert check(median_exercise, MEDIAN_2023).passed
    with pytest.raises(ExerciseError, match="Not answered yet"):
        check(median_exercise, ...)


# --------------------------------------------------------------------------- text, states, lists


def test_state_answers_are_normalised_and_misspellings_explained():
    register("test.state", make_entry("Rhode Island", type="state", hints=[hint("That is the highest.", wrong="DC")]))
    assert evaluate("test.state", "ri").status == CORRECT
    assert evaluate("test.state", "44").status == CORRECT
    assert evaluate("test.state", "District of Columbia").message == "Not yet: That is the highest."
    message = evaluate("test.state", "Texsa").message
    assert "Did you mean 'Texas'?" in message
    for plain in ("Rhode", "'RI'"):
        assert plain not in evaluate("test.state", "Texas").message


def test_set_feedback_counts_right_items_without_naming_them():
    register("test.lowest", make_entry(["AL", "AR", "MS"], type="set", item_type="state"))
    assert evaluate("test.lowest", ["mississippi", "AL", "Arkansas"]).status == CORRECT
    message = evaluate("test.lowest", ["AL", "TX", "CA"]).message
    assert "1 of your 3 items are right" in message or "1 of your 3 items is right" in message
    assert "2 are not" in message
    assert "your answer has 2 items; the question expects 3" in evaluate("test.lowest", ["AL", "AR"]).message
    for plain in ("Mississippi", "MS", "Arkansas"):
        assert plain not in evaluate("test.lowest", ["AL", "TX", "CA"]).message


def test_list_order_matters_and_is_explained():
    register("test.order", make_entry(["DC", "RI", "HI"], type="list", item_type="state"))
    assert evaluate("test.order", ["District of Columbia", "Rhode Island", "Hawaii"]).status == CORRECT
    assert "not in the expected order" in evaluate("test.order", ["RI", "DC", "HI"]).message
    assert "sets have no order" in evaluate("test.order", {"RI", "DC", "HI"}).message


def test_text_answers_ignore_case_and_spacing():
    register("test.text", make_entry("median", type="text"))
    assert evaluate("test.text", "  Median ").status == CORRECT
    assert "expected text" in evaluate("test.text", 5).message


# --------------------------------------------------------------------------- charts


@pytest.fixture
def chart_exercise():
    wages = load_state_wages(2024)
    reference = alt.Chart(wages).mark_bar().encode(x="annual_median_usd:Q", y="state:N", tooltip=["state"])
    register("test.chart", make_entry(reference, hints=[hint("Use .mark_bar().", on="mark")]))
    return wages


def test_chart_with_mark_fields_types_and_tooltip_passes(chart_exercise):
    wages = chart_exercise
    student = alt.Chart(wages).mark_bar(color="teal").encode(
        x=alt.X("annual_median_usd", title="USD"), y=alt.Y("state:N", sort="-x"),
        tooltip=[alt.Tooltip("state:N"), alt.Tooltip("annual_median_usd:Q", format="$,.0f")])
    assert evaluate("test.chart", student).status == CORRECT
    layered = student + alt.Chart(wages).mark_rule().encode(x="mean(annual_median_usd):Q")
    assert evaluate("test.chart", layered).status == CORRECT


@pytest.mark.parametrize("build, words", [
    (lambda w: alt.Chart(w).mark_bar().encode(x="annual_median_usd:Q", y="state:N"), ["no tooltip"]),
    (lambda w: alt.Chart(w).mark_line().encode(x="annual_median_usd:Q", y="state:N", tooltip=["state"]),
     ["mark is 'line'", "Use .mark_bar()."]),
    (lambda w: alt.Chart(w).mark_bar().encode(x="annual_mean_usd:Q", y="state:N", tooltip=["state"]),
     ["x encoding uses the field 'annual_mean_usd'"]),
    (lambda w: alt.Chart(w).mark_bar().encode(x="annual_median_usd:Q", y="state:O", tooltip=["state"]),
     ["y encoding is ordinal (:O)", "nominal (:N)"]),
    (lambda w: alt.Chart(w).mark_bar().encode(y="annual_median_usd:Q", x="state:N", tooltip=["state"]), ["swapped"]),
    (lambda w: alt.Chart(w).mark_bar().encode(x="annual_median_usd:Q", tooltip=["state"]), ["no field on its y encoding"]),
    (lambda w: alt.Chart(w).encode(x="annual_median_usd:Q"), ["no mark yet"]),
    (lambda w: w, ["expected an altair chart", "DataFrame"]),
])
def test_chart_problems_are_named(chart_exercise, build, words):
    feedback = evaluate("test.chart", build(chart_exercise))
    assert feedback.status == NOT_YET
    for word in words:
        assert word in feedback.message, feedback.message


# --------------------------------------------------------------------------- computed from parameters


@pytest.fixture
def rank_exercise():
    from analysis.topics.salary_by_state import ranked_wages
    from analysis.data.states import lookup_state

    @computed("test.rank", hints=[hint("That is its rank by the mean; the question asks for the median.",
                                       wrong=lambda p: ranked_wages(2024, "mean").set_index("state_abbr").rank_derived[p.state.abbr])])
    def _rank(p):
        return ranked_wages(2024, "median").set_index("state_abbr").rank_derived[p.state.abbr]

    def rank_of(abbr, measure="median"):
        return int(ranked_wages(2024, measure).set_index("state_abbr").rank_derived[abbr])

    return SimpleNamespace(p=lambda abbr: SimpleNamespace(state=lookup_state(abbr)), rank_of=rank_of)


def test_computed_answer_follows_the_parameters(rank_exercise):
    tx, ca = rank_exercise.p("TX"), rank_exercise.p("CA")
    assert evaluate("test.rank", rank_exercise.rank_of("TX"), tx).status == CORRECT
    assert evaluate("test.rank", rank_exercise.rank_of("CA"), ca).status == CORRECT
    assert evaluate("test.rank", rank_exercise.rank_of("TX"), ca).status == NOT_YET


def test_computed_wrong_answers_never_show_the_expected_rank(rank_exercise):
    tx = rank_exercise.p("TX")
    expected = rank_exercise.rank_of("TX")
    for wrong in (expected + 1, expected - 1, expected * 10, 0, "43"):
        message = evaluate("test.rank", wrong, tx).message
        assert not re.search(rf"(?<!\d){expected}(?!\d)", message.replace(f"'{wrong}'", "")), message


def test_computed_hint_from_a_function_of_the_parameters(rank_exercise):
    tx = rank_exercise.p("TX")
    mean_rank, median_rank = rank_exercise.rank_of("TX", "mean"), rank_exercise.rank_of("TX")
    assert mean_rank != median_rank
    assert "rank by the mean" in evaluate("test.rank", mean_rank, tx).message


def test_computed_needs_the_parameters(rank_exercise):
    feedback = evaluate("test.rank", 3)
    assert feedback.status == PROBLEM and "check('test.rank', answer, p)" in feedback.message


def test_computed_answer_missing_for_these_parameters():
    @computed("test.missing")
    def _missing(p):
        return pd.NA

    assert evaluate("test.missing", 3, SimpleNamespace()).status == UNAVAILABLE


# --------------------------------------------------------------------------- the answers file


def test_save_answer_writes_hashes_only_and_is_read_through_the_environment(tmp_path, monkeypatch):
    path = tmp_path / "answers.json"
    save_answer("zzz.second", "Rhode Island", type="state", path=path)
    save_answer("zzz.first", 48780, tolerance=1, path=path)
    document = json.loads(path.read_text())
    assert list(document["exercises"]) == ["zzz.first", "zzz.second"]
    assert "48780" not in path.read_text() and "Rhode" not in path.read_text()
    assert evaluate("zzz.first", 48780).status == PROBLEM  # not visible until named
    monkeypatch.setenv(exercises.ANSWERS_ENV, str(path))
    assert evaluate("zzz.first", 48780).status == CORRECT
    assert evaluate("zzz.second", "RI").status == CORRECT


def test_bad_exercise_ids_are_refused():
    for bad in ("q1", "a.b c", ".x", "topic."):
        with pytest.raises(ExerciseError):
            register(bad, make_entry(1))


def test_kit_answers_file_is_well_formed():
    document = json.loads(ANSWERS_FILE.read_text())
    assert document["exercises"], "no exercises registered"
    for exercise_id, entry in document["exercises"].items():
        assert re.fullmatch(r"[a-z_]+\.[a-z0-9_]+", exercise_id), exercise_id
        assert entry["type"] in exercises.TYPES
        hashes = [v for k, v in entry.items() if k in ("hash", "rough", "mark")]
        hashes += [h["hash"] for h in entry.get("hints", []) if "hash" in h]
        hashes += [e["field"] for e in entry.get("encoding", {}).values()]
        assert hashes and all(re.fullmatch(r"[0-9a-f]{64}", h) for h in hashes), exercise_id


def test_every_registered_exercise_is_used_by_a_notebook():
    from analysis.teaching.assignments import exercise_ids_in

    used = {i for path in NOTEBOOKS.glob("*.ipynb") for i in exercise_ids_in(nbformat.read(path, as_version=4))}
    unused = set(json.loads(ANSWERS_FILE.read_text())["exercises"]) - used
    assert not unused, f"registered but checked by no notebook: {sorted(unused)}"


def test_start_here_answers_match_their_data():
    assert evaluate("start_here.hourly_to_annual", hourly_to_annual(23.45)).status == CORRECT
    wages = load_state_wages(2024).sort_values("annual_median_usd", ascending=False)
    assert evaluate("start_here.second_highest_state", wages.state.iloc[1]).status == CORRECT
    assert evaluate("start_here.second_highest_state", wages.state.iloc[0]).status == NOT_YET


# --------------------------------------------------------------------------- the kit's own notebooks, run by papermill


def run_notebook(source: Path, output: Path, *args: str, env: dict | None = None) -> nbformat.NotebookNode:
    result = papermill(source, output, "--cwd", str(output.parent), *args, extra_env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    return nbformat.read(output, as_version=4)


def cell_text(cell) -> str:
    parts = []
    for output in cell.get("outputs", []):
        if output.output_type == "stream":
            parts.append(output.text)
        elif "data" in output:
            parts.append(str(output.data.get("text/plain", "")))
        elif output.output_type == "error":
            parts.append(f"{output.ename}: {output.evalue}")
    return "\n".join(parts)


@pytest.mark.notebook
def test_start_here_runs_with_every_check_correct(tmp_path):
    nb = run_notebook(NOTEBOOKS / "00_start_here.ipynb", tmp_path / "00.ipynb", env={exercises.STRICT_ENV: "strict"})
    checks = [c for c in nb.cells if c.cell_type == "code" and c.source.startswith("check(")]
    assert len(checks) == 3
    for cell in checks:
        assert ": Correct." in cell_text(cell)
    text = "\n".join(cell_text(c) for c in nb.cells)
    assert "state='Texsa'" in text and "Did you mean 'Texas'?" in text
    assert "parameter='stat'" in text and "Did you mean 'state'?" in text
    assert "application/vnd.vegalite.v5+json" in json.dumps([c.get("outputs") for c in nb.cells])


@pytest.mark.notebook
def test_troubleshooting_runs_and_shows_each_message(tmp_path):
    nb = run_notebook(NOTEBOOKS / "99_troubleshooting.ipynb", tmp_path / "99.ipynb")
    text = "\n".join(cell_text(c) for c in nb.cells)
    for expected in (
        "MEDCODING_TARGET='pfd' is not allowed. Did you mean 'pdf'?",
        "MaxRowsError:",
        "NoSuchKernel: No such kernel named medcoding-outlok",
        "MEDCODING_CHROMIUM='/no/such/chromium' is not a program that can be run",
        "Did you mean 'Pennsylvania'?",
        "parameter='yaer'",
        "year=2019 is not allowed",
        "expected a number, got text '48000'",
    ):
        assert expected in text, expected
    assert not [c for c in nb.cells if any(o.output_type == "error" for o in c.get("outputs", []))]
