"""One cache rule for everything read from data/: unchanged files hit the cache, an edited file is read again."""

from __future__ import annotations

import pytest

from analysis.data import ai_exposure, article, careers, evidence, oews, states, tables
from analysis.data.cache import cached_by_files, files_stamp

# (cached function, its arguments, a file it reads)
LOADERS = [
    pytest.param(article.load_article_table, ("specialties",), "article/specialties.csv", id="article table"),
    pytest.param(article.article_text, (), "article/source_article.txt", id="article text"),
    pytest.param(evidence.load_state_wages, (2024,), "evidence/bls_oews_may2024_state_29-2072.csv", id="state wages"),
    pytest.param(evidence.load_state_percentiles_2023, (), evidence.PERCENTILES_2023_FILE, id="state percentiles"),
    pytest.param(evidence.load_national_facts, (), evidence.NATIONAL_FACTS_FILE, id="national facts"),
    pytest.param(evidence.load_certification_surveys, (), evidence.SURVEYS_FILE, id="surveys"),
    pytest.param(evidence._schemas, (), "reference/us_states.csv", id="state schemas"),
    pytest.param(states.states_table, (), states.STATES_FILE, id="states"),
    pytest.param(oews._national_2021, (), oews.NATIONAL_2021_FILE, id="oews 2021"),
    pytest.param(careers.load_career_soc_map, (), careers.CAREER_SOC_MAP_FILE, id="career map"),
    pytest.param(careers._career_wages, (), "article/career_path.csv", id="career wages"),
    pytest.param(ai_exposure._load_exposure, (), ai_exposure.EXPOSURE_FILE, id="exposure"),
    pytest.param(ai_exposure._occupation_index, (), ai_exposure.EXPOSURE_FILE, id="occupation index"),
    pytest.param(ai_exposure._career_links, (), careers.CAREER_SOC_MAP_FILE, id="career links"),
    pytest.param(tables._sources, (), "sources.csv", id="sources"),
]


@pytest.mark.parametrize("loader, args, file", LOADERS)
def test_unchanged_files_hit_the_cache_and_an_edited_file_is_read_again(data_copy, loader, args, file):
    loader.cache_clear()
    loader(*args)
    loader(*args)
    assert loader.cache_info().hits == 1 and loader.cache_info().misses == 1
    with open(data_copy / file, "a", encoding="utf-8") as handle:
        handle.write("\n")  # a blank line: same table, new stamp (size and mtime)
    loader(*args)
    assert loader.cache_info().misses == 2


def test_an_edited_value_is_seen_by_the_loader_and_what_is_derived_from_it(data_copy):
    before = careers.career_wages().set_index("claim_id").loc["alt_career.cdi", "salary_low_usd"]
    path = data_copy / "article/alternative_careers.csv"
    text = path.read_text(encoding="utf-8")
    row = next(line for line in text.splitlines() if line.startswith("alt_career.cdi,"))
    path.write_text(text.replace(row, row.replace(f",{before},", f",{before - 1000},", 1)), encoding="utf-8")
    assert article.load_alternative_careers().set_index("claim_id").loc["alt_career.cdi", "salary_low_usd"] == before - 1000
    assert careers.career_wages().set_index("claim_id").loc["alt_career.cdi", "salary_low_usd"] == before - 1000


def test_a_changed_data_folder_is_a_changed_stamp(data_copy, monkeypatch):
    copied = files_stamp("sources.csv")
    monkeypatch.delenv("MEDCODING_DATA_DIR")
    assert files_stamp("sources.csv") != copied


def test_a_frame_comes_back_as_a_copy_so_callers_cannot_change_the_cache():
    first = states.states_table()
    first.loc[:, "state"] = "changed"
    first.attrs["file"] = "changed"
    again = states.states_table()
    assert "changed" not in set(again.state) and again.attrs["file"] != "changed"


def test_a_loader_of_an_argument_keys_on_that_argument_s_files(tmp_path, monkeypatch):
    monkeypatch.setenv("MEDCODING_DATA_DIR", str(tmp_path))
    (tmp_path / "a.txt").write_text("one", encoding="utf-8")
    (tmp_path / "b.txt").write_text("two", encoding="utf-8")

    @cached_by_files(lambda name: (name,))
    def read(name):
        return (tmp_path / name).read_text(encoding="utf-8")

    assert (read("a.txt"), read("b.txt"), read("a.txt")) == ("one", "two", "one")
    assert read.cache_info().hits == 1
    (tmp_path / "b.txt").write_text("three", encoding="utf-8")
    assert read("b.txt") == "three" and read("a.txt") == "one"
