"""The built reports the browser tests read, built once, and the Chromium they are opened in.

``reports``: one build (HTML and PDF) of the Texas state report, every topic report and the index, for the whole
session; the modules that read it are in the xdist group "built_reports", so that one worker builds it once.
``browser``: a :class:`ChromiumPrinter` per module (one playwright per thread: a module of its own, such as
test_chromium.py, opens another). Without Chromium or poppler the tests are skipped (failed under
MEDCODING_REQUIRE_BROWSER=1, as in CI).
"""

from __future__ import annotations

import shutil

import pytest
from conftest import need

from analysis import build as builder
from analysis.export.chromium import ChromiumPrinter, find_chromium


@pytest.fixture(scope="session")
def reports(tmp_path_factory):
    need("Chromium", find_chromium())
    need("pdfinfo/pdftotext (poppler-utils)", shutil.which("pdfinfo") and shutil.which("pdftotext"))
    out = tmp_path_factory.mktemp("reports")
    summary = builder.build(states="TX", topics="all", index=True, formats=("html", "pdf"), out=out, jobs=2,
                            progress=False, log=lambda *a, **k: None)
    assert summary.exit_code == 0, summary.text()
    return out


@pytest.fixture(scope="module")
def browser(reports):
    with ChromiumPrinter(find_chromium()) as printer:
        yield printer
