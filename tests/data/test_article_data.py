"""The article's tables in data/article/: they load, they validate, and they say what the article says.

The article's figures are claims. These tests do not judge them; they check that the CSVs copy
them exactly (every number is in the row's own ``original_text``, and every ``original_text`` is
in the article) and that open-ended figures ("$72,000+") never got an invented upper bound.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from analysis.data import article
from analysis.data.tables import data_dir
from analysis.core.errors import DataFileError
from analysis.data.states import lookup_state

SEED = Path(__file__).resolve().parents[3] / "shared" / "seed" / "medical-coding-salary-outlook-2026.txt"

EXPECTED_ROWS = {
    "national_overview": 7,
    "certification_status": 6,
    "certification_premium": 8,
    "salary_sources": 2,
    "state_salaries": 15,
    "specialties": 10,
    "hcc_niche": 6,
    "remote_work_models": 3,
    "remote_advantages": 6,
    "career_path": 7,
    "alternative_careers": 6,
    "job_outlook": 10,
    "ai_impact": 7,
    "salary_plan": 11,
}

MONEY_COLUMNS = ["salary_low_usd", "salary_high_usd", "salary_open_from_usd", "premium_usd",
                 "savings_low_usd", "savings_high_usd", "annual_mean_usd", "salary_usd"]
PCT_COLUMNS = ["pct_low", "pct_high", "pct"]


def squash(text: str) -> str:
    """Collapse runs of whitespace, so a line break in the article does not matter."""
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def article_text() -> str:
    return squash(article.article_text())


@pytest.fixture(scope="module", params=sorted(article.ARTICLE_TABLES))
def table(request):
    return request.param, article.load_article_table(request.param)


# ------------------------------------------------------------------ files, loaders, schemas


def test_every_table_has_a_loader_and_a_csv():
    files = {p.stem for p in (data_dir() / "article").glob("*.csv")}
    assert files == set(article.ARTICLE_TABLES) == set(EXPECTED_ROWS)
    for name in article.ARTICLE_TABLES:
        assert callable(getattr(article, f"load_{name}")), name


def test_source_article_is_an_unchanged_copy():
    copy = data_dir() / "article" / "source_article.txt"
    assert copy.read_text(encoding="utf-8").startswith("Medical Coding Salary & Career Outlook in 2026\n")
    if not SEED.exists():
        pytest.skip("the shared seed article is not on this machine")
    assert copy.read_bytes() == SEED.read_bytes()


def test_table_loads_with_expected_rows_and_provenance(table):
    name, df = table
    assert len(df) == EXPECTED_ROWS[name]
    assert list(df.columns) == list(article.ARTICLE_TABLES[name].columns)
    assert df.claim_id.is_unique
    assert df.attrs["source"]["quality"] == "claims (not evidence)"


def test_named_loader_equals_generic_loader(table):
    name, df = table
    pd.testing.assert_frame_equal(getattr(article, f"load_{name}")(), df)


def test_original_text_is_quoted_from_the_article(table, article_text):
    name, df = table
    for row in df.itertuples():
        assert squash(row.original_text) in article_text, (name, row.claim_id)


def test_statement_and_action_columns_are_quoted_from_their_row(table):
    name, df = table
    for column in ("statement", "action", "job_access", "salary_impact", "key_skills", "how_to_get_there",
                   "certification", "note", "stated_reason", "baseline_reason", "label"):
        if column not in df:
            continue
        for row in df.itertuples():
            value = getattr(row, column)
            if isinstance(value, str):
                assert value in row.original_text, (name, row.claim_id, column)


# ------------------------------------------------------------------ every number is in its own text


def figures(df, columns):
    """(claim_id, column, value, original_text) of every figure the table has in ``columns`` (missing ones aside)."""
    for column in columns:
        if column in df:
            for claim_id, value, text in zip(df.claim_id, df[column], df.original_text):
                if pd.notna(value):
                    yield claim_id, column, value, text


def test_every_dollar_figure_is_printed_in_its_row(table):
    name, df = table
    for claim_id, column, value, text in figures(df, MONEY_COLUMNS):
        assert f"${int(value):,}" in text, (name, claim_id, column, value)


def test_every_percent_is_printed_in_its_row(table):
    name, df = table
    for claim_id, column, value, text in figures(df, PCT_COLUMNS):
        number = f"{value:g}"
        assert re.search(rf"(?<![\d.]){re.escape(number)}(%|–\d)", text), (name, claim_id, column, value)


def tables_with(column: str) -> list[str]:
    return sorted(name for name, schema in article.ARTICLE_TABLES.items() if column in schema.columns)


@pytest.mark.parametrize("name", tables_with("salary_high_open"))
def test_open_ended_figures_have_no_upper_bound(name):
    """"$72,000+": the low (or the figure with the "+") is kept, the high stays empty."""
    df = article.load_article_table(name)
    for row in df.itertuples():
        if row.salary_high_open:
            assert pd.isna(row.salary_high_usd), (name, row.claim_id)
            if hasattr(row, "salary_open_from_usd"):
                assert f"${int(row.salary_open_from_usd):,}+" in row.original_text, (name, row.claim_id)
        elif pd.notna(row.salary_low_usd):
            assert pd.notna(row.salary_high_usd), (name, row.claim_id)
            assert "+" not in row.original_text.split("$", 1)[-1].split("|")[0], (name, row.claim_id)


@pytest.mark.parametrize("name", tables_with("years_high_open"))
def test_open_experience_bands(name):
    df = article.load_article_table(name)
    for row in df.itertuples():
        if row.years_high_open:
            assert pd.isna(row.years_high) and f"{int(row.years_low)}+ years" in row.original_text
        elif pd.notna(row.years_high):
            assert f"{int(row.years_low)}–{int(row.years_high)} years" in row.original_text


# ------------------------------------------------------------------ spot checks against the article


def by_id(df: pd.DataFrame, claim_id: str) -> pd.Series:
    return df.set_index("claim_id").loc[claim_id]


def test_national_overview_figures():
    df = article.load_national_overview()
    assert by_id(df, "national.median_annual").salary_low_usd == 48780
    assert by_id(df, "national.median_hourly").hourly_wage_usd == 23.45
    assert by_id(df, "national.average_annual").salary_high_usd == 50200
    top = by_id(df, "national.top_10_percent")
    assert top.salary_low_usd == 72000 and pd.isna(top.salary_high_usd) and top.salary_high_open
    senior = by_id(df, "national.senior")
    assert (senior.salary_low_usd, senior.salary_open_from_usd, senior.years_low) == (58000, 72000, 8)
    assert pd.isna(senior.salary_high_usd) and pd.isna(senior.years_high) and senior.years_high_open
    entry = by_id(df, "national.entry_level")
    assert (entry.years_low, entry.years_high, entry.salary_low_usd, entry.salary_high_usd) == (0, 2, 38000, 44000)


def test_specialties_figures():
    df = article.load_specialties().set_index("specialty")
    assert df.loc["General Outpatient", ["salary_low_usd", "salary_high_usd"]].tolist() == [42000, 52000]
    assert df.loc["Risk Adjustment/HCC", "demand_level"] == "Very High"
    assert df.loc["Anesthesia", "certification"] == "CPC specialty"
    assert not df.salary_high_open.any()


def test_certification_status_figures():
    df = article.load_certification_status().set_index("claim_id")
    assert df.loc["certification.none", ["salary_low_usd", "salary_high_usd"]].tolist() == [36000, 42000]
    both = df.loc["certification.cpc_ccs"]
    assert both.salary_low_usd == 58000 and pd.isna(both.salary_high_usd) and both.salary_open_from_usd == 72000


def test_certification_premium_figures():
    df = article.load_certification_premium().set_index("claim_id")
    assert df.loc["premium.cpc_average_salary", "salary_low_usd"] == 55000
    assert df.loc["premium.non_certified_average_salary", "salary_low_usd"] == 43000
    assert df.loc["premium.cpc_premium_usd", "premium_usd"] == 12000
    assert df.loc["premium.cpc_premium_pct", ["pct_low", "approx"]].tolist() == [28.0, True]
    three = df.loc["premium.three_plus_certs_average_salary"]
    assert three.salary_low_usd == 81000 and pd.isna(three.salary_high_usd) and three.salary_high_open
    assert df.loc["premium.aapc_certified_premium_pct", "pct_low"] == 20.7
    for claim_id in ("premium.overview_note_cpc_premium_pct", "premium.salary_plan_cpc_premium_pct"):
        assert df.loc[claim_id, ["pct_low", "pct_high"]].tolist() == [20.0, 25.0]


def test_salary_sources():
    df = article.load_salary_sources().set_index("source_name")
    assert df.loc["BLS", ["measure", "salary_usd", "used_as_baseline"]].tolist() == ["median", 48780, True]
    assert df.loc["Glassdoor", ["measure", "salary_usd", "used_as_baseline"]].tolist() == ["average", 82816, False]
    assert "skews toward experienced coders in urban areas" in df.loc["Glassdoor", "stated_reason"]


def test_state_tables():
    df = article.load_state_salaries()
    top, low = df[df.table == "top10"], df[df.table == "lowest"]
    assert top["rank"].tolist() == list(range(1, 11)) and low["rank"].tolist() == list(range(41, 46))
    assert low.note.isna().all() and top.note.notna().all()
    row = df.set_index("state").loc["Washington D.C."]
    assert (row.state_abbr, row.annual_mean_usd) == ("DC", 65400)
    assert df.set_index("state").loc["Washington", "state_abbr"] == "WA"
    assert df.set_index("state").loc["Alabama", "annual_mean_usd"] == 38900


def test_state_abbreviations_match_the_reference_table():
    for state, abbr in article.load_state_salaries()[["state", "state_abbr"]].itertuples(index=False):
        assert lookup_state(state).abbr == abbr, state


def test_hcc_niche():
    df = article.load_hcc_niche().set_index("topic")
    assert df.loc["salary", ["salary_low_usd", "salary_high_usd"]].tolist() == [55000, 72000]
    growth = df.loc["demand_growth"]
    assert growth.pct_low == 40 and pd.isna(growth.pct_high) and growth.pct_high_open and growth.since_year == 2020


def test_remote_work():
    models = article.load_remote_work_models().set_index("work_model")
    assert models.loc["Fully Remote", ["pct_low", "pct_high"]].tolist() == [60.0, 70.0]
    assert models.loc["On-Site", ["pct_low", "pct_high"]].tolist() == [10.0, 20.0]
    adv = article.load_remote_advantages().set_index("topic")
    assert adv.loc["no_commute_costs", ["savings_low_usd", "savings_high_usd"]].tolist() == [3000, 8000]
    assert adv.loc["fully_remote_share", ["pct_low", "pct_high"]].tolist() == [60.0, 70.0]


def test_career_path():
    df = article.load_career_path().set_index("level")
    assert df.index.tolist() == list(range(1, 8))
    director = df.loc[7]
    assert director.title == "Director of HIM/Coding"
    assert director.salary_low_usd == 90000 and pd.isna(director.salary_high_usd) and director.salary_open_from_usd == 120000
    assert director.years_low == 10 and pd.isna(director.years_high) and director.years_high_open
    assert df.loc[4, ["years_low", "years_high"]].tolist() == [5, 8]


def test_alternative_careers():
    df = article.load_alternative_careers().set_index("claim_id")
    assert df.loc["alt_career.cdi", ["salary_low_usd", "salary_high_usd"]].tolist() == [70000, 95000]
    consultant = df.loc["alt_career.medical_coding_consultant"]
    assert consultant.salary_open_from_usd == 150000 and pd.isna(consultant.salary_high_usd)
    assert consultant.years_low == 10 and consultant.years_high_open


def test_job_outlook():
    df = article.load_job_outlook().set_index("claim_id")
    growth = df.loc["outlook.projected_growth"]
    assert (growth.pct, growth.period_start_year, growth.period_end_year) == (8.0, 2024, 2034)
    assert df.loc["outlook.national_average_growth", "pct"] == 4.0
    openings = df.loc["outlook.annual_openings"]
    assert openings["count"] == 14800 and openings.approx and not openings.at_least
    cta = df.loc["outlook.annual_openings_cta"]
    assert cta["count"] == 14800 and cta.at_least and not cta.approx
    assert df.loc["outlook.current_employment", "count"] == 240000
    assert (df.topic == "key_driver").sum() == 4


def test_ai_impact_is_qualitative():
    df = article.load_ai_impact()
    assert df.topic.is_unique
    assert not any(re.search(r"\d", s) and "%" in s for s in df.statement)


def test_salary_plan():
    df = article.load_salary_plan()
    phases = df.drop_duplicates("phase").set_index("phase")
    assert phases.loc["Year 1-2", ["year_start", "year_end"]].tolist() == [1, 2]
    assert phases.loc["Year 2-5", ["year_start", "year_end"]].tolist() == [2, 5]
    assert phases.loc["Year 5+", "year_start"] == 5 and pd.isna(phases.loc["Year 5+", "year_end"])
    assert phases.loc["Year 5+", "year_end_open"]
    cpc = by_id(df, "plan.year_1_2.pass_cpc_exam")
    assert (cpc.pct_low, cpc.pct_high) == (20.0, 25.0)
    cdi = by_id(df, "plan.year_5_plus.explore_cdi")
    assert (cdi.salary_low_usd, cdi.salary_high_usd) == (70000, 95000)
    assert df.groupby("phase").step.apply(list).to_dict() == {"Year 1-2": [1, 2, 3], "Year 2-5": [1, 2, 3, 4], "Year 5+": [1, 2, 3, 4]}


# ------------------------------------------------------------------ a broken file is reported, not guessed


@pytest.fixture
def broken_copy(tmp_path, monkeypatch):
    """A private copy of data/ for editing; the loaders read it through MEDCODING_DATA_DIR."""
    shutil.copytree(data_dir() / "article", tmp_path / "article")
    shutil.copy(data_dir() / "sources.csv", tmp_path / "sources.csv")
    monkeypatch.setenv("MEDCODING_DATA_DIR", str(tmp_path))

    def edit(name: str, old: str, new: str) -> None:
        path = tmp_path / "article" / name
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return edit


def test_a_yes_instead_of_true_is_an_error_not_a_guess(broken_copy):
    broken_copy("specialties.csv", "42000,52000,false", "42000,52000,yes")
    with pytest.raises(DataFileError, match=r"specialties\.csv, line 2, column 'salary_high_open': 'yes' is not a valid true/false"):
        article.load_specialties()


def test_a_number_with_commas_is_an_error(broken_copy):
    broken_copy("specialties.csv", "42000,52000,false", '"42,000",52000,false')
    with pytest.raises(DataFileError, match=r"specialties\.csv.*column 'salary_low_usd'.*'42,000' is not a valid whole number"):
        article.load_specialties()


def test_an_invented_upper_bound_is_an_error(broken_copy):
    broken_copy("career_path.csv", "90000,,true,120000", "90000,120000,true,120000")
    with pytest.raises(DataFileError, match="salary_high_open"):
        article.load_career_path()


def test_a_duplicate_claim_id_is_an_error(broken_copy):
    broken_copy("specialties.csv", "specialty.cardiology,", "specialty.radiology,")
    with pytest.raises(DataFileError, match="'specialty.radiology' appears more than once"):
        article.load_specialties()
