"""The AI-impact helpers: the exposure file's loader, lookups, ranks, rater agreement and the scenario.

Expected values are worked out by hand (in the comments) or read from the CSV with the csv module,
independently of the helpers under test.
"""

from __future__ import annotations

import csv
import json
import shutil

import pytest

from analysis.data import ai_exposure
from analysis.topics import ai_impact as ai
from analysis.data.tables import data_dir
from analysis.core.errors import DataFileError, InputError


def _csv_rows():
    with open(data_dir() / ai.EXPOSURE_FILE, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


# --------------------------------------------------------------------------- loader


def test_loader_reads_every_occupation_with_ratings_between_0_and_1():
    exposure = ai.load_exposure()
    assert len(exposure) == len(_csv_rows()) == 923
    assert exposure.onet_soc_code.is_unique and exposure.title.is_unique
    ratings = exposure[[c for c in exposure.columns if "_rating_" in c]]
    assert ratings.shape[1] == 6 and ratings.ge(0).all().all() and ratings.le(1).all().all()


def test_loader_keeps_values_exactly_as_published():
    row = next(r for r in _csv_rows() if r["O*NET-SOC Code"] == ai.MEDICAL_RECORDS_CODE)
    loaded = ai.load_exposure().set_index("onet_soc_code").loc[ai.MEDICAL_RECORDS_CODE]
    for column in ["dv_rating_alpha", "dv_rating_beta", "dv_rating_gamma",
                   "human_rating_alpha", "human_rating_beta", "human_rating_gamma"]:
        assert loaded[column] == float(row[column])
    assert loaded.title == "Medical Records Specialists"


ORIGINAL_LINES = (data_dir() / ai.EXPOSURE_FILE).read_text(encoding="utf-8").splitlines()


@pytest.fixture
def broken_data(tmp_path, monkeypatch):
    """A copy of data/ whose occ_level.csv a test can rewrite; caches cleared before and after."""
    target = tmp_path / "data"
    (target / "evidence" / "gpts-are-gpts").mkdir(parents=True)
    shutil.copy(data_dir() / "sources.csv", target / "sources.csv")
    monkeypatch.setenv("MEDCODING_DATA_DIR", str(target))
    ai_exposure._load_exposure.cache_clear()  # the loader itself lives in the data layer
    yield target / ai.EXPOSURE_FILE
    ai_exposure._load_exposure.cache_clear()


def _write(path, edit):
    path.write_text("\n".join(edit(list(ORIGINAL_LINES))) + "\n", encoding="utf-8")


def test_a_rating_above_1_names_file_line_and_column(broken_data):
    _write(broken_data, lambda lines: lines[:3] + [lines[3].replace(lines[3].split(",")[2], "1.2", 1)] + lines[4:])
    with pytest.raises(DataFileError) as info:
        ai.load_exposure()
    message = str(info.value)
    assert "occ_level.csv" in message and "line 4" in message and "dv_rating_alpha" in message


def test_a_duplicated_code_is_rejected(broken_data):
    _write(broken_data, lambda lines: lines + [lines[1].replace("Chief Executives", "Chief Executives (copy)")])
    with pytest.raises(DataFileError, match="more than once"):
        ai.load_exposure()


def test_a_missing_medical_records_row_is_reported(broken_data):
    _write(broken_data, lambda lines: [line for line in lines if not line.startswith("29-2072.00")])
    with pytest.raises(DataFileError, match="Medical Records Specialists"):
        ai.load_exposure()


def test_text_in_a_rating_column_is_reported(broken_data):
    _write(broken_data, lambda lines: lines[:2] + [lines[2].replace(lines[2].split(",")[3], "high", 1)] + lines[3:])
    with pytest.raises(DataFileError, match="'high' is not a valid number"):
        ai.load_exposure()


# --------------------------------------------------------------------------- lookups


@pytest.mark.parametrize("typed, code", [("29-2072", "29-2072.00"), ("29-2072.00", "29-2072.00"),
                                         ("  compliance officers ", "13-1041.00"), ("Office Clerks, General", "43-9061.00")])
def test_occupation_by_code_or_title(typed, code):
    assert ai.lookup_occupation(typed).code == code


def test_misspelt_title_gets_did_you_mean():
    with pytest.raises(InputError) as info:
        ai.lookup_occupation("Acountants and Auditors")
    assert info.value.suggestion == "Accountants and Auditors"


def test_a_word_of_a_title_suggests_a_title_containing_it():
    with pytest.raises(InputError) as info:
        ai.lookup_occupation("transcription")
    assert "Transcription" in info.value.suggestion


def test_occupation_list_keeps_titles_with_commas_whole_and_drops_repeats():
    items = ai.occupation_list("Claims Adjusters, Examiners, and Investigators, 13-1041, Compliance Officers")
    assert [o.code for o in items] == ["13-1031.00", "13-1041.00"]


def test_occupation_list_reads_json_text_from_the_command_line():
    assert [o.code for o in ai.occupation_list('["43-3021.00", "data entry keyers"]')] == ["43-3021.00", "43-9021.00"]


def test_compare_with_parameter_names_the_bad_item():
    with pytest.raises(InputError) as info:
        ai.PARAMETERS.check({"compare_with": ["Compliance Officers", "Compliance Oficers"]})
    assert info.value.name == "compare_with" and info.value.suggestion == "Compliance Officers"
    assert "'Compliance Oficers'" in str(info.value)


@pytest.mark.parametrize("typed, rater", [("gpt4", "gpt4"), ("GPT-4", "gpt4"), ("Human", "human")])
def test_rater_forms(typed, rater):
    assert ai.lookup_rater(typed) == rater


@pytest.mark.parametrize("typed, measure", [("e1", "E1"), ("E1 + 0.5 * E2", "E1+0.5*E2"), ("gamma", "E1+E2")])
def test_measure_forms(typed, measure):
    assert ai.lookup_measure(typed) == measure


def test_rating_columns_follow_the_papers_naming():
    assert ai.rating_column("human", "E1+0.5*E2") == "human_rating_beta"
    assert ai.rating_column("gpt4", "E1+E2") == "dv_rating_gamma"


# --------------------------------------------------------------------------- ranks


def test_percentile_ranks_by_hand():
    # values 0.3, 0.1, 0.3, 0.3, 0.9 (n = 5):
    # 0.1: 0 lower, itself only -> 100 x 0.5 / 5 = 10; 0.3: 1 lower, 3 equal -> 100 x 2.5 / 5 = 50;
    # 0.9: 4 lower -> 100 x 4.5 / 5 = 90. Ranks (1 = highest): 0.9 -> 1, 0.3 -> 2, 0.1 -> 5.
    ranks = ai.percentile_ranks([0.3, 0.1, 0.3, 0.3, 0.9])
    assert ranks.percentile_rank_derived.tolist() == [50.0, 10.0, 50.0, 50.0, 90.0]
    assert ranks.rank_derived.tolist() == [2, 5, 2, 2, 1]
    assert ranks.n_tied.tolist() == [2, 0, 2, 2, 0]
    assert ranks.n_higher.tolist() == [1, 4, 1, 1, 0]


@pytest.mark.parametrize("rater, measure, column", [("gpt4", "E1", "dv_rating_alpha"), ("human", "E1+E2", "human_rating_gamma")])
def test_medical_records_standing_matches_a_count_of_the_csv(rater, measure, column):
    rows = _csv_rows()
    values = [float(r[column]) for r in rows]
    own = float(next(r for r in rows if r["O*NET-SOC Code"] == ai.MEDICAL_RECORDS_CODE)[column])
    lower, equal = sum(v < own for v in values), sum(v == own for v in values)
    row = ai.standing(rater, measure, []).iloc[0]
    assert (row.n_lower, row.n_tied, row.n_higher) == (lower, equal - 1, len(values) - lower - equal)
    assert row.percentile_rank_derived == pytest.approx(100 * (lower + equal / 2) / len(values))
    assert row.rank_derived == len(values) - lower - equal + 1


def test_standing_lists_medical_records_first_then_each_compared_once():
    compared = ai.occupation_list(["13-2011.00", "29-2072.00", "13-2011"])
    table = ai.standing("gpt4", "E1", compared)
    assert table.onet_soc_code.tolist() == ["29-2072.00", "13-2011.00"]
    assert table.how_it_relates.iloc[1].startswith("the article's Coding Auditor (loose match)")


def test_how_it_relates_lists_every_article_role_mapped_to_the_occupation():
    # career_soc_map.csv maps both Revenue Cycle Manager and Health Information Manager to 11-9111.
    text = ai.how_it_relates("11-9111.00")
    assert "Revenue Cycle Manager (partial match)" in text and "Health Information Manager (close match)" in text
    assert ai.how_it_relates("11-9111.01") == "chosen in compare_with"  # an O*NET sub-occupation is not the BLS one


def test_headline_counts_add_up_to_all_occupations():
    text = ai.standing_headline("human", "E1+0.5*E2").data
    numbers = [int(n) for n in
               __import__("re").search(r"Of the (\d+) rated occupations, (\d+) are rated lower, (\d+) the same and (\d+) higher", text).groups()]
    assert numbers[0] == numbers[1] + numbers[2] + numbers[3] + 1
    assert "human annotators" in text and "E1+0.5*E2" in text


# --------------------------------------------------------------------------- raters


def test_agreement_by_hand_with_ties():
    import pandas as pd

    # g = [0, 0.5, 1, 0.5], h = [0, 0.25, 0.5, 0.75]. Deviations from the means (0.5, 0.375):
    # g: [-0.5, 0, 0.5, 0], h: [-0.375, -0.125, 0.125, 0.375]; r = 0.25 / sqrt(0.5 x 0.3125) = sqrt(0.4).
    # Ranks (ties averaged): g [1, 2.5, 4, 2.5], h [1, 2, 3, 4] -> rho = 3 / sqrt(4.5 x 5) = sqrt(0.4).
    a = ai.rater_agreement(pd.DataFrame({"g": [0.0, 0.5, 1.0, 0.5], "h": [0.0, 0.25, 0.5, 0.75]}), "g", "h")
    assert a.pearson_r_derived == pytest.approx(0.4 ** 0.5)
    assert a.spearman_rho_derived == pytest.approx(0.4 ** 0.5)
    assert (a.gpt4_higher, a.human_higher, a.equal) == (2, 1, 1)


def test_agreement_counts_cover_every_occupation():
    summary = ai.agreement_summary("E1+E2").set_index("statistic").value
    assert summary["GPT-4 higher"] + summary["human annotators higher"] + summary["both equal"] == 923
    assert -1 <= summary["Pearson correlation r (derived)"] <= 1


def test_largest_disagreements_are_sorted_and_signed():
    d = ai.largest_disagreements("E1", 4)
    higher, lower = d[d.direction == "GPT-4 higher"], d[d.direction == "human higher"]
    assert (higher.gpt4_minus_human_derived > 0).all() and higher.gpt4_minus_human_derived.is_monotonic_decreasing
    assert (lower.gpt4_minus_human_derived < 0).all() and lower.gpt4_minus_human_derived.is_monotonic_increasing
    everything = ai.raters_compared("E1").gpt4_minus_human_derived
    assert higher.gpt4_minus_human_derived.iloc[0] == everything.max()
    assert lower.gpt4_minus_human_derived.iloc[0] == everything.min()


# --------------------------------------------------------------------------- claims


def test_every_article_statement_is_shown_as_a_claim_with_a_note():
    claims = ai.article_claims()
    assert len(claims) == 7
    assert set(claims.kind) == {"claim (qualitative, no figure)"}
    assert "No note yet." not in set(claims.what_the_data_here_can_say)
    assert claims.attrs["source"]["quality"] == "claims (not evidence)"


# --------------------------------------------------------------------------- scenario


def _at(frame, role, year):
    return frame[(frame.role == role) & (frame.year == year)].human_work_index_derived.item()


def test_scenario_by_hand():
    # a = 0.5 automated by 2030, from 2026: phase 2027 = 1/4, 2028 = 1/2, 2030 = 1.
    # Junior (r = 0.8): 2027 -> 100 x (1 - 0.5 x 0.8 x 0.25) = 90; 2028 -> 80; 2030 -> 60.
    # Auditor (r = 0.2): 2030 -> 100 x (1 - 0.5 x 0.2) = 90.
    s = ai.scenario({"Junior/Entry Coder": 0.8, "Coding Auditor": 0.2}, 0.5, 2030)
    assert sorted(s.year.unique()) == [2026, 2027, 2028, 2029, 2030]
    assert [_at(s, "Junior/Entry Coder", y) for y in (2026, 2027, 2028, 2030)] == [100.0, 90.0, 80.0, 60.0]
    assert _at(s, "Coding Auditor", 2030) == 90.0
    assert s[s.year == 2030].work_automated_pct_derived.tolist() == [40.0, 10.0]


def test_scenario_with_a_third_phase_is_exact():
    # horizon 2029: phase 2027 = 1/3; 100 x (1 - 0.9 x 0.6 x 1/3) = 100 x (1 - 0.18) = 82.
    s = ai.scenario({"Certified Coder": 0.6}, 0.9, 2029)
    assert _at(s, "Certified Coder", 2027) == 82.0


def test_scenario_extremes():
    nothing = ai.scenario(ai.routine_shares(None), 0.0, 2035)
    assert set(nothing.human_work_index_derived) == {100.0}
    everything = ai.scenario({"Junior/Entry Coder": 1.0}, 1.0, 2027)
    assert _at(everything, "Junior/Entry Coder", 2027) == 0.0


def test_scenario_needs_a_horizon_after_the_base_year():
    with pytest.raises(InputError, match="horizon_year"):
        ai.scenario({"Senior Coder": 0.3}, 0.5, ai.SCENARIO_BASE_YEAR)


def test_default_routine_shares_are_for_roles_the_article_names():
    roles = {title for title, _ in ai.article_roles()}
    assert set(ai.DEFAULT_ROUTINE_SHARES) <= roles
    assert set(ai.ROLE_GROUPS) == set(ai.DEFAULT_ROUTINE_SHARES)


def test_routine_shares_merge_with_defaults_in_every_form():
    assert ai.routine_shares({"2": 0.5})["Certified Coder"] == 0.5
    assert ai.routine_shares("Senior Coder: 45%")["Senior Coder"] == 0.45
    shares = ai.routine_shares('{"Compliance Officer": 0.3}')
    assert shares["Compliance Officer"] == 0.3 and shares["Junior/Entry Coder"] == ai.DEFAULT_ROUTINE_SHARES["Junior/Entry Coder"]
    extra = ai.routine_shares({"Coding Educator/Trainer": 0.4})
    assert list(extra)[-1] == "Coding Educator/Trainer"


@pytest.mark.parametrize("value, fragment", [
    ({"Senior Coder": 1.5}, "between 0 and 1"),
    ({"Senor Coder": 0.3}, "Did you mean 'Senior Coder'"),
    ([0.5, 0.5], "one share per career level (7), it has 2"),
    ("Junior/Entry Coder 0.9", "has no '='"),
    ({"Coding Auditor": "lots"}, "must be a number"),
])
def test_bad_routine_shares_explain_themselves(value, fragment):
    with pytest.raises(InputError) as info:
        ai.routine_shares(value)
    assert fragment in str(info.value)


def test_scenario_headline_and_chart_say_scenario_not_forecast():
    s = ai.scenario(ai.routine_shares(None), 0.5, 2030)
    assert ai.scenario_headline(s).data.startswith("**Scenario, not a forecast.**")
    spec = ai.scenario_chart(s).to_dict()
    assert spec["title"]["text"].startswith("SCENARIO (not a forecast)")
    assert any("assumptions" in line for line in spec["title"]["subtitle"])


def test_assumptions_table_marks_changed_values():
    shares = ai.routine_shares({"Coding Auditor": 0.35})
    table = ai.assumptions_table(shares, 0.5, 2030).set_index("assumption")
    assert table.loc["routine share of a Coding Auditor's work", "kind"].startswith("assumption (you changed it)")
    assert table.loc["routine share of a Senior Coder's work", "kind"].startswith("assumption (default)")


# --------------------------------------------------------------------------- parameters


def test_parameters_declare_the_brief_and_at_least_three_examples():
    assert list(ai.PARAMETERS.params) == ["rater", "exposure_measure", "compare_with", "horizon_year",
                                          "routine_share_automated", "routine_share_by_level"]
    assert len(ai.PARAMETERS.examples) >= 3
    for example in ai.PARAMETERS.examples:
        ai.PARAMETERS.check(example)


def test_default_compare_with_exist_in_the_ratings():
    values = ai.PARAMETERS.check({})
    assert [o.code for o in values.compare_with] == ["43-3021.00", "29-9021.00", "11-9111.00", "13-1041.00", "13-2011.00"]


@pytest.mark.parametrize("values, name, fragment", [
    ({"rater": "gtp4"}, "rater", "Did you mean 'gpt4'"),
    ({"routine_share_automated": 1.5}, "routine_share_automated", "must be at most 1. Allowed: a number from 0 to 1"),
    ({"routine_share_automated": 50}, "routine_share_automated", "Did you mean 0.5"),
    ({"horizon_year": 2020}, "horizon_year", "must be at least 2027"),
    ({"exposure_measure": "E3"}, "exposure_measure", "Allowed: E1, E1+0.5*E2, E1+E2"),
    ({"rator": "gpt4"}, "parameter", "Did you mean 'rater'"),
])
def test_bad_parameter_values_are_rejected_with_a_clear_message(values, name, fragment):
    with pytest.raises(InputError) as info:
        ai.PARAMETERS.check(values)
    assert info.value.name == name and fragment in str(info.value)


# --------------------------------------------------------------------------- charts


def _all_tooltips(spec):
    found = []
    for layer in spec.get("layer", [spec]):
        found += [t["title"] for t in layer.get("encoding", {}).get("tooltip", [])]
    return found


def test_charts_have_tooltips_titles_and_no_invalid_json():
    compared = ai.occupation_list(["Compliance Officers"])
    charts = [ai.exposure_distribution_chart("human", "E1+E2", compared), ai.rater_scatter("E1", compared),
              ai.raters_side_by_side_chart("E1", compared), ai.scenario_chart(ai.scenario(ai.routine_shares(None), 0.3, 2028))]
    for chart in charts:
        spec = chart.to_dict()
        json.dumps(spec, allow_nan=False)  # NaN would break the notebook's output
        assert spec["title"]["text"] and _all_tooltips(spec)


def test_distribution_chart_marks_the_chosen_occupations():
    compared = ai.occupation_list(["Compliance Officers", "Accountants and Auditors"])
    spec = ai.exposure_distribution_chart("gpt4", "E1", compared).to_dict()
    rules = spec["layer"][1]
    values = spec["datasets"][rules["data"]["name"]]
    assert [v["onet_soc_code"] for v in values] == ["29-2072.00", "13-1041.00", "13-2011.00"]
    assert "Rank, 1 = most exposed (derived)" in _all_tooltips(spec)


def test_scatter_title_carries_the_derived_correlation():
    spec = ai.rater_scatter("E1+E2", []).to_dict()
    r = ai.agreement_summary("E1+E2").set_index("statistic").value["Pearson correlation r (derived)"]
    assert spec["title"]["text"].endswith(f"Pearson r = {r!r} (derived)")
