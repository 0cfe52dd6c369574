"""The Vega bundle's cache: made once, read back by later processes, made again when the file is not whole.

Each test has a cache folder of its own (``MEDCODING_CACHE_DIR``) and starts as a new process would (the module's
in-memory copy forgotten); the text vl-convert makes is the real one.
"""

import os
import platformdirs
import pytest

from analysis.core.env import CACHE_DIR_ENV
from analysis.core.paths import cache_dir
from analysis.export import bundle


@pytest.fixture
def fresh(tmp_path, monkeypatch):
    """An empty cache folder, and this process as if it had not made or read the bundle yet."""
    monkeypatch.setenv(CACHE_DIR_ENV, str(tmp_path / "cache"))
    monkeypatch.setattr(bundle, "_text", None)
    monkeypatch.setattr(bundle, "_maker", None)
    return tmp_path / "cache"


@pytest.fixture(scope="module")
def made():
    """The bundle as vl-convert makes it (this test process's copy)."""
    bundle.vega_bundle()
    return bundle._text


def test_the_tests_never_use_the_users_cache_folder():
    assert os.environ[CACHE_DIR_ENV] and cache_dir() == type(cache_dir())(os.environ[CACHE_DIR_ENV])
    assert cache_dir() != type(cache_dir())(platformdirs.user_cache_dir("medcoding-outlook", appauthor=False))


def test_the_users_cache_folder_is_the_default(monkeypatch):
    monkeypatch.delenv(CACHE_DIR_ENV)
    assert str(cache_dir()) == platformdirs.user_cache_dir("medcoding-outlook", appauthor=False)


def test_the_bundle_is_made_in_a_child_process_kept_and_read_back_without_vl_convert(fresh, made, monkeypatch):
    bundle.start_vega_bundle()
    assert bundle._maker is not None  # nothing cached: a child process makes it
    text = bundle.vega_bundle()
    assert text == made.replace("</script", "<\\/script") and "vegaEmbed" in text
    path = bundle.bundle_cache_path()
    assert path.parent == fresh and path.name.startswith("vega-bundle-vl-convert-")
    assert not [p for p in fresh.iterdir() if p != path]  # no temporary file left behind
    stamp = path.stat().st_mtime_ns
    # A new process: read from the file, without starting a child or calling vl-convert's bundler.
    monkeypatch.setattr(bundle, "_text", None)
    monkeypatch.setattr("vl_convert.javascript_bundle", lambda *a, **k: pytest.fail("the bundle was made again"))
    bundle.start_vega_bundle()
    assert bundle._maker is None
    assert bundle.vega_bundle() == text and path.stat().st_mtime_ns == stamp


@pytest.mark.parametrize("damage", ["cut short", "one byte changed", "another version", "no header", "empty"])
def test_a_cache_file_that_is_not_whole_is_made_again(fresh, made, damage):
    path = bundle.write_cached_bundle(bundle.bundle_key(), made)
    assert bundle.read_cached_bundle() == made
    data = path.read_bytes()
    damaged = {
        "cut short": data[: len(data) // 2],
        "one byte changed": data[:-10] + bytes([data[-10] ^ 1]) + data[-9:],
        "another version": data.replace(b"vl-convert ", b"vl-convert 0.", 1),
        "no header": data[data.index(b"\n") + 1:],
        "empty": b"",
    }[damage]
    path.write_bytes(damaged)
    assert bundle.read_cached_bundle() is None
    assert bundle.vega_bundle() == made.replace("</script", "<\\/script")  # made again here
    assert bundle.read_cached_bundle() == made  # and the file is whole again


def test_a_cache_folder_that_cannot_be_written_only_costs_time(tmp_path, monkeypatch, made):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(CACHE_DIR_ENV, str(blocker / "cache"))
    monkeypatch.setattr(bundle, "_text", None)
    monkeypatch.setattr(bundle, "_maker", None)
    assert bundle.write_cached_bundle(bundle.bundle_key(), "x") is None
    assert bundle.vega_bundle() == made.replace("</script", "<\\/script")
    assert blocker.read_text() == "not a folder"
