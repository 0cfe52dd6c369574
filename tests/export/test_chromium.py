"""Reports in a real headless Chromium with the network cut: every chart drawn, tooltips, PDF pages.

These need a Chromium (Debian: `apt-get install chromium`) and pdftotext (`poppler-utils`). Without
them the tests are skipped, unless MEDCODING_REQUIRE_BROWSER=1 (CI sets it): then they fail.
"""

import contextlib
import io
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import nbformat
import pytest
from conftest import KERNELSPEC, need
from fixtures.three_charts_run import executed_three_charts

from analysis.present import rendering
from analysis.export.chromium import ChartsNotDrawn, ChromiumPrinter, find_chromium, pdf_with_metadata
from analysis.export.html import html_report

pytestmark = pytest.mark.browser


REPORT = dict(title="Fixture report: CA", data_date="May 2024 (fixture)", sources=["Made-up fixture data"])
AXIS_TITLES = [
    "Fixture state code", "Fixture hourly wage (USD)",
    "Fixture year", "Fixture job count",
    "Fixture experience in years", "Fixture annual pay (USD)",
]
CHART_TITLES = ["Fixture wages (CA highlighted)", "Fixture jobs by year", "Fixture pay by experience"]


@pytest.fixture(scope="module")
def chromium():
    path = find_chromium()
    need("Chromium", path)
    return path


@pytest.fixture(scope="module")
def report(tmp_path_factory, chromium):
    """The fixture notebook run by papermill with MEDCODING_TARGET=html, exported to an HTML file."""
    folder = tmp_path_factory.mktemp("report")
    executed = executed_three_charts(tmp_path_factory)
    nb = nbformat.read(executed, as_version=4)
    page = folder / "report.html"
    page.write_text(html_report(nb, **REPORT), encoding="utf-8")
    return page


@pytest.fixture(scope="module")
def printer(chromium):
    """One browser for the whole module (only one playwright can run in a thread), reused as the
    report builder reuses it."""
    with ChromiumPrinter(chromium) as opened:
        yield opened


@pytest.fixture(scope="module")
def browser(printer):
    return printer.browser


class Offline:
    """A page whose every request that is not for a local file (or for `allow`) is blocked and noted."""

    def __init__(self, browser, allow=("file://", "data:", "blob:", "about:"), **context_options):
        self.context = browser.new_context(**context_options)
        self.attempted, self.errors = [], []
        self.allow = tuple(allow)
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("request", lambda request: self._note(request.url))
        self.page.on("websocket", lambda socket_: self._note(socket_.url))
        self.page.on("console", lambda msg: msg.type == "error" and self.errors.append(msg.text))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _note(self, url):
        if not url.startswith(self.allow):
            self.attempted.append(url)

    def _route(self, route):
        if route.request.url.startswith(self.allow):
            route.continue_()
        else:
            self._note(route.request.url)
            route.abort()

    def close(self):
        self.context.close()


def test_every_chart_is_drawn_offline_with_tooltips_and_no_error(browser, report):
    offline = Offline(browser)
    page = offline.page
    page.goto(report.as_uri())
    page.wait_for_function("() => window.medcodingCharts && window.medcodingCharts.done", timeout=30000)
    state = page.evaluate("() => window.medcodingCharts")
    assert state["total"] == 3 and state["drawn"] == 3 and state["failed"] == []
    assert page.locator(".medcoding-chart svg.marks").count() == 3
    for title in CHART_TITLES:
        assert page.locator(f".medcoding-chart svg text:text-is('{title}')").count() == 1
    # Hovering a bar shows its tooltip: the charts stay interactive.
    bar = page.locator("#medcoding-chart-1 .mark-rect path").first
    bar.hover()
    tooltip = page.locator("#vg-tooltip-element")
    tooltip.wait_for(state="visible", timeout=5000)
    assert "wage" in tooltip.inner_text()
    assert offline.attempted == [] and offline.errors == []
    offline.close()


def test_charts_fit_the_printed_page_width(browser, report):
    # 8.5 in Letter less two 0.6 in margins = 7.3 in = 700 CSS pixels: the width print lays out at.
    offline = Offline(browser, viewport={"width": 700, "height": 1000})
    page = offline.page
    page.emulate_media(media="print")
    page.goto(report.as_uri())
    page.wait_for_function("() => window.medcodingCharts && window.medcodingCharts.done", timeout=30000)
    rights = page.evaluate(
        "() => [...document.querySelectorAll('.medcoding-chart svg.marks')].map(s => s.getBoundingClientRect().right)"
    )
    assert len(rights) == 3 and max(rights) <= 700
    assert offline.attempted == []
    offline.close()


def test_pdf_pages_contain_every_chart_legibly(printer, report, tmp_path):
    need("pdftotext", shutil.which("pdftotext"))
    pdf = tmp_path / "report.pdf"
    result = printer.print_pdf(report, pdf)
    again = printer.print_pdf(report, tmp_path / "again.pdf")  # the same browser and page, reused
    assert result.charts == 3 and again.charts == 3
    assert result.blocked_requests == [] and result.console_errors == []
    assert pdf.read_bytes().startswith(b"%PDF")
    text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout.split())
    for words in AXIS_TITLES + CHART_TITLES + ["Fixture report: CA", "May 2024 (fixture)"]:
        assert words in text, f"{words!r} not in the PDF"
    assert "import altair" not in text
    # The wide chart (900 px) is shrunk, not cut: its right-most tick label is on the page.
    boxes = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    page_width = float(re.search(r'<page width="([\d.]+)"', boxes).group(1))
    last_tick = [float(x) for x in re.findall(r'<word xMin="[\d.]+" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">12\.0</word>', boxes)]
    assert last_tick and max(last_tick) < page_width


def test_a_chart_that_cannot_be_drawn_stops_its_pdf(printer, report, tmp_path):
    broken = tmp_path / "broken.html"
    broken.write_text(report.read_text(encoding="utf-8").replace('"mark":{"type":"bar"}', '"mark":{"type":"no-such-mark"}', 1), encoding="utf-8")
    assert broken.read_text(encoding="utf-8") != report.read_text(encoding="utf-8")
    with pytest.raises(ChartsNotDrawn, match="medcoding-chart-1"):
        printer.print_pdf(broken, tmp_path / "broken.pdf")
    # The printer goes on with the next report.
    assert printer.print_pdf(report, tmp_path / "ok.pdf").charts == 3
    assert not (tmp_path / "broken.pdf").exists()


def test_warm_up_draws_a_report_chart_and_the_first_report_reuses_its_page(printer, report, tmp_path):
    printer.warm_up()
    page = printer._page
    state = page.evaluate("() => window.medcodingCharts")
    assert state == {"total": 1, "drawn": 1, "failed": [], "done": True}
    assert page.locator(".medcoding-chart svg.marks").count() == 1  # drawn by the reports' own Vega bundle
    result = printer.print_pdf(report, tmp_path / "first.pdf")
    assert printer._page is page and result.charts == 3  # the same page (and renderer), now warm
    assert result.blocked_requests == [] and result.console_errors == []


def test_a_page_that_prints_many_reports_keeps_only_the_last_one(printer, report, tmp_path):
    """The page is reused for many reports; the printer collects its garbage after each print, so the old
    documents (and their charts) do not pile up in the renderer until V8 gets round to it (left alone, each
    print kept two more documents alive)."""
    printer.print_pdf(report, tmp_path / "first.pdf")
    page = printer._page
    session = page.context.new_cdp_session(page)
    try:
        before = session.send("Memory.getDOMCounters")["documents"]
        for number in range(6):
            assert printer.print_pdf(report, tmp_path / f"{number}.pdf").charts == 3
        assert printer._page is page  # the same page throughout (no renewal hides a pile-up)
        after = session.send("Memory.getDOMCounters")["documents"]
    finally:
        session.detach()
    assert after <= before + 1, (before, after)


def test_a_report_that_comes_during_a_background_warm_up_interrupts_it(chromium, report, tmp_path):
    """What a build does: the warm-up page loads while nothing waits; a report that comes first goes first, and
    nothing of the warm-up page is counted as the report's. The printer's temporary folder goes with it."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as thread:  # a printer of its own: one playwright a thread, and the module's runs here
        folder = thread.submit(_interrupted_warm_up, chromium, report, tmp_path).result()
    assert not folder.exists()
    assert subprocess.run(["pdftotext", str(tmp_path / "first.pdf"), "-"], capture_output=True, text=True).stdout == \
        subprocess.run(["pdftotext", str(tmp_path / "second.pdf"), "-"], capture_output=True, text=True).stdout


def _interrupted_warm_up(chromium, report, tmp_path):
    with ChromiumPrinter(chromium) as fresh:
        fresh.warm_up(wait=False)  # returns as the page starts loading
        folder = fresh._warm_up_file.parent
        result = fresh.print_pdf(report, tmp_path / "first.pdf")
        assert result.charts == 3 and result.blocked_requests == [] and result.console_errors == []
        fresh.warm_up(wait=False)
        fresh._page.wait_for_function("() => window.medcodingCharts && window.medcodingCharts.done", timeout=30000)
        assert fresh._page.evaluate("() => window.medcodingCharts.drawn") == 1  # left alone, it loads and draws
        assert fresh.print_pdf(report, tmp_path / "second.pdf").charts == 3
    return folder


def _pdfinfo(path) -> tuple[dict, str]:
    done = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    return dict(line.split(":", 1) for line in done.stdout.splitlines() if ":" in line), done.stderr


def test_metadata_is_added_as_an_incremental_update_that_keeps_chromiums_pdf(printer, report, tmp_path):
    """Chromium's bytes stay as they are (tags, bookmarks, text); title, subject, keywords and language follow."""
    from pypdf import PdfReader

    need("pdfinfo", shutil.which("pdfinfo"))
    page = printer.browser.new_page()
    page.goto(report.as_uri())
    page.wait_for_function("() => window.medcodingCharts && window.medcodingCharts.done", timeout=30000)
    raw = page.pdf(tagged=True, outline=True)
    page.close()
    title, subject, keywords = "Équipe – ünïcode (✓)", "Subject: with (brackets) and \\ slash", "a, b"
    updated = pdf_with_metadata(raw, title=title, subject=subject, keywords=keywords, language="es")
    assert updated.startswith(raw) and len(updated) - len(raw) < 2000
    (tmp_path / "raw.pdf").write_bytes(raw)
    (tmp_path / "updated.pdf").write_bytes(updated)
    info, errors = _pdfinfo(tmp_path / "updated.pdf")
    raw_info, raw_errors = _pdfinfo(tmp_path / "raw.pdf")
    assert errors == raw_errors  # poppler finds nothing new to complain about
    assert (info["Title"].strip(), info["Subject"].strip(), info["Keywords"].strip()) == (title, subject, keywords)
    assert info["Tagged"].strip() == "yes" and info["Pages"] == raw_info["Pages"] and info["Creator"] == raw_info["Creator"]
    text = lambda name: subprocess.run(["pdftotext", str(tmp_path / name), "-"], capture_output=True, text=True).stdout  # noqa: E731
    assert text("updated.pdf") == text("raw.pdf")
    reader = PdfReader(tmp_path / "updated.pdf", strict=True)
    assert reader.metadata.title == title and reader.trailer["/Root"]["/Lang"] == "es"
    assert len(reader.outline) == len(PdfReader(tmp_path / "raw.pdf").outline) > 0
    # A PDF whose cross-references are a stream (written by pypdf, not Chromium) gets the same metadata.
    from analysis.export.chromium import _pdf_with_metadata_rewritten

    streamed = _pdf_with_metadata_rewritten(raw, title="old", subject="old", keywords="old", language="en")
    again = PdfReader(io.BytesIO(pdf_with_metadata(streamed, title=title, subject=subject, keywords=keywords, language="es")))
    assert (again.metadata.title, again.metadata.subject, again.trailer["/Root"]["/Lang"]) == (title, subject, "es")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_lab_target_charts_draw_in_jupyterlab_offline(browser, tmp_path, monkeypatch):
    """A notebook run in the lab target shows its charts in JupyterLab 4.6, with no network."""
    monkeypatch.setenv(rendering.TARGET_ENV, "lab")
    rendering.configure()
    import altair as alt
    import pandas as pd

    frame = pd.DataFrame({"state": ["TX", "CA", "NY"], "wage": [21.5, 27.25, 25.0]})
    cells = []
    for number, mark in enumerate(["bar", "point", "tick"], start=1):
        chart = getattr(alt.Chart(frame, title=f"Lab chart {number}"), f"mark_{mark}")()
        data, metadata = chart.encode(x="state:N", y=alt.Y("wage:Q", title="Lab wage axis"), tooltip=["wage"])._repr_mimebundle_()
        cells.append(nbformat.v4.new_code_cell("chart", outputs=[nbformat.v4.new_output("display_data", data=data, metadata=metadata)]))
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nbformat.write(nb, tmp_path / "lab.ipynb")

    port, token = _free_port(), "medcoding-test"
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", f"--ServerApp.port={port}", "--ServerApp.ip=127.0.0.1",
         f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={tmp_path}", "--allow-root",
         "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=tmp_path,
        start_new_session=True,  # its own process group: the kernel it starts goes with it
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    pytest.fail("JupyterLab did not start")
                time.sleep(0.3)
        offline = Offline(browser, allow=("file://", "data:", "blob:", "about:", base, f"ws://127.0.0.1:{port}"),
                          viewport={"width": 1200, "height": 2400})
        offline.page.goto(f"{base}/lab/tree/lab.ipynb?token={token}")
        offline.page.locator(".jp-RenderedVegaLite svg.marks").nth(2).wait_for(timeout=120000)
        assert offline.page.locator(".jp-RenderedVegaLite svg.marks").count() == 3
        assert offline.page.locator("text=open this notebook in JupyterLab").count() == 0
        assert offline.attempted == []
        offline.close()
    finally:
        _stop_lab(server, base, token)


def _stop_lab(server, base, token):
    """Shut the notebook's kernel down first (the server's own shutdown waits for it), then the server."""
    try:
        sessions = json.load(urllib.request.urlopen(f"{base}/api/sessions?token={token}", timeout=5))
        for session in sessions:
            request = urllib.request.Request(f"{base}/api/sessions/{session['id']}?token={token}", method="DELETE")
            urllib.request.urlopen(request, timeout=20)
    except OSError:
        pass
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=10)


# ---------------------------------------------------------------------------------------------- hostile data

IMG_PAYLOAD = """CPC <img src="http://203.0.113.7/spec.png" onerror="document.title='XSS'">"""
SCRIPT_PAYLOAD = """CPC <script>document.title='XSS2'; window.medcodingXss = 1</script> ![m](http://203.0.113.7/md.png)"""


def _hostile_specialties(data):
    """The issue's cell in article/specialties.csv (General Outpatient's credential), and a script and a
    Markdown image in the default specialty's credential, which the headline puts into Markdown."""
    import csv

    path = data / "article" / "specialties.csv"
    rows = list(csv.reader(path.open(encoding="utf-8-sig", newline="")))
    column = rows[0].index("certification")
    for row in rows[1:]:
        if row[1] == "General Outpatient":
            row[column] = IMG_PAYLOAD
        if row[1] == "Risk Adjustment/HCC":
            row[column] = SCRIPT_PAYLOAD
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory, chromium):
    """The specialty topic report (HTML and PDF), built by the builder from a copy of data/ with hostile cells."""
    from analysis import build as builder
    from analysis.build.plan import _notebook_title
    from analysis.core.env import DATA_DIR_ENV
    from analysis.core.paths import NOTEBOOKS_DIR, data_dir

    root = tmp_path_factory.mktemp("hostile")
    data = root / "data"
    shutil.copytree(data_dir(), data)
    _hostile_specialties(data)
    before = os.environ.get(DATA_DIR_ENV)
    os.environ[DATA_DIR_ENV] = str(data)
    try:
        summary = builder.build(topics="specialty", formats=("html", "pdf"), out=root / "reports", jobs=1, progress=False)
    finally:
        if before is None:
            os.environ.pop(DATA_DIR_ENV, None)
        else:
            os.environ[DATA_DIR_ENV] = before
    assert summary.exit_code == 0, summary.text()
    title = _notebook_title(NOTEBOOKS_DIR / "03_specialty.ipynb")
    return {"html": root / "reports" / "topics" / "specialty.html", "pdf": root / "reports" / "topics" / "specialty.pdf",
            "title": title}


def test_hostile_data_makes_no_request_runs_no_script_and_shows_as_text(browser, hostile_report):
    offline = Offline(browser)
    page = offline.page
    page.goto(hostile_report["html"].as_uri())
    page.wait_for_function("() => window.medcodingCharts && window.medcodingCharts.done", timeout=30000)
    state = page.evaluate("() => window.medcodingCharts")
    assert state["failed"] == [] and state["drawn"] == state["total"] > 0
    # The cells show as the text they are, in the tables and in the headline.
    body = page.inner_text("body")
    assert IMG_PAYLOAD in body and "<script>document.title='XSS2'" in body and "![m](http://203.0.113.7/md.png)" in body
    # Every chart mark hovered: tooltips show the text too, and fetch nothing.
    marks = page.locator(".medcoding-chart svg.marks [role='graphics-symbol']")
    for i in range(min(marks.count(), 60)):
        with contextlib.suppress(Exception):
            marks.nth(i).hover(timeout=1000)
    page.wait_for_timeout(300)
    assert page.title() == hostile_report["title"]
    assert page.evaluate("() => window.medcodingXss") is None
    assert page.evaluate("() => [...document.querySelectorAll('img')].filter(i => !i.src.startsWith('data:')).length") == 0
    assert offline.attempted == []
    assert [e for e in offline.errors if "Content Security Policy" not in e] == []
    offline.close()


def test_hostile_data_leaves_the_pdf_title_alone(hostile_report):
    need("pdfinfo", shutil.which("pdfinfo"))
    info = subprocess.run(["pdfinfo", str(hostile_report["pdf"])], capture_output=True, text=True, check=True).stdout
    title = next(line.split(":", 1)[1].strip() for line in info.splitlines() if line.startswith("Title:"))
    assert title == hostile_report["title"]
    text = subprocess.run(["pdftotext", str(hostile_report["pdf"]), "-"], capture_output=True, text=True).stdout
    assert "credential CPC <script>document.title='XSS2'" in " ".join(text.split())  # printed as text


def test_markup_that_slipped_through_is_still_blocked_by_the_page_policy(browser, report, tmp_path):
    """The second line of defence: even raw markup inside an output fetches nothing and runs nothing."""
    raw = ('<img src="http://203.0.113.7/raw.png" onerror="document.title=\'XSS\'">'
           '<script>document.title = "XSS"</script><div style="background:url(http://203.0.113.7/bg.png)">x</div>')
    page_text = report.read_text(encoding="utf-8").replace("</main>", raw + "</main>", 1)
    hostile = tmp_path / "raw.html"
    hostile.write_text(page_text, encoding="utf-8")
    context = browser.new_context()
    reached_network, errors = [], []

    def route(request_route):
        if request_route.request.url.startswith("file://"):
            request_route.continue_()
        else:
            reached_network.append(request_route.request.url)
            request_route.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
    page.goto(hostile.as_uri())
    page.wait_for_function("() => window.medcodingCharts && window.medcodingCharts.done", timeout=30000)
    assert page.evaluate("() => window.medcodingCharts.drawn") == 3  # the report's own scripts still run
    assert page.title() == REPORT["title"]
    # Chromium refused each one before it left the page (playwright still lists them as requests).
    assert reached_network == []
    blocked = " ".join(errors)
    assert "Content Security Policy" in blocked and "raw.png" in blocked and "bg.png" in blocked
    context.close()
