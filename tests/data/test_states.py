import pytest

from analysis.core.errors import InputError
from analysis.data.states import all_states, lookup_state, lookup_states, states_table


@pytest.mark.parametrize("value, abbr", [
    ("Texas", "TX"), ("texas", "TX"), (" TX ", "TX"), ("tx", "TX"), ("48", "TX"),
    ("06", "CA"), (6, "CA"), ("new  york", "NY"), ("District of Columbia", "DC"),
    ("Washington D.C.", "DC"), ("DC", "DC"), ("washington", "WA"),
])
def test_lookup_by_name_abbreviation_or_fips(value, abbr):
    assert lookup_state(value).abbr == abbr


def test_fips_codes_stay_strings():
    table = states_table()
    assert table.state_fips.map(type).eq(str).all()
    assert lookup_state("CA").fips == "06"


def test_misspelling_suggests_the_closest_state():
    with pytest.raises(InputError) as info:
        lookup_state("Pensylvania")
    assert info.value.suggestion == "Pennsylvania"
    assert "state='Pensylvania'" in str(info.value) and "Allowed:" in str(info.value)


def test_territories_only_when_asked():
    with pytest.raises(InputError, match="territory"):
        lookup_state("PR")
    assert lookup_state("PR", include_territories=True).name == "Puerto Rico"


@pytest.mark.parametrize("bad", [None, True, "", "ZZ", "99"])
def test_bad_values_are_rejected(bad):
    with pytest.raises(InputError):
        lookup_state(bad)


def test_51_areas_with_tile_positions():
    areas = all_states()
    assert len(areas) == 51 and len({a.abbr for a in areas}) == 51
    grid = states_table().query("kind != 'territory'")
    assert grid.tile_row.notna().all()
    assert not grid.duplicated(["tile_row", "tile_col"]).any()


def test_lookup_states_list_and_text():
    assert [s.abbr for s in lookup_states(["tx", "Ohio"])] == ["TX", "OH"]
    assert [s.abbr for s in lookup_states("TX, 06")] == ["TX", "CA"]
