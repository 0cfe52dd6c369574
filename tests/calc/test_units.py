import math

import pytest

from analysis.core.errors import InputError
from analysis.calc.units import (HOURS_PER_YEAR, SalaryRange, annual_to_hourly, hourly_to_annual, parse_money,
                            parse_salary_range, premium)


@pytest.mark.parametrize("text, expected", [
    ("$38,000–$44,000", SalaryRange(38000, 44000, False)),
    ("$38,000-$44,000", SalaryRange(38000, 44000, False)),
    ("$38,000 to $44,000", SalaryRange(38000, 44000, False)),
    ("$72,000+", SalaryRange(72000, None, True, 72000)),
    ("$90,000–$120,000+", SalaryRange(90000, None, True, 120000)),
    ("$48,780", SalaryRange(48780, 48780, False)),
    ("55k-68k", SalaryRange(55000, 68000, False)),
])
def test_parse_salary_range(text, expected):
    assert parse_salary_range(text) == expected


@pytest.mark.parametrize("text", ["", "about $50k", "$44,000–$38,000", "$-5"])
def test_parse_salary_range_rejects(text):
    with pytest.raises(InputError, match="salary range"):
        parse_salary_range(text)


def test_open_range_has_no_midpoint_and_no_invented_top():
    rng = parse_salary_range("$72,000+")
    assert rng.high is None and rng.midpoint is None


def test_hourly_and_annual_use_2080_hours():
    assert HOURS_PER_YEAR == 2080
    assert hourly_to_annual(1) == 2080
    assert annual_to_hourly(48780) == 23.45
    assert math.isclose(annual_to_hourly(hourly_to_annual(17.27), ndigits=None), 17.27)


@pytest.mark.parametrize("bad", [-1, "20", None, float("nan"), True])
def test_wage_conversions_reject_bad_amounts(bad):
    with pytest.raises(InputError):
        hourly_to_annual(bad)


def test_premium_absolute_and_percent():
    result = premium(43000, 55000)
    assert result.absolute == 12000
    assert round(result.percent) == 28


def test_premium_needs_positive_base():
    with pytest.raises(InputError, match="base above zero"):
        premium(0, 100)


def test_parse_money():
    assert parse_money("$1,234") == 1234
    with pytest.raises(InputError):
        parse_money("twelve")
