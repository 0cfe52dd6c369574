"""Built reports as their readers meet them: in Debian's Chromium (axe-core's rules, 1280 px wide,
keyboard) and as PDF pages (tagged, bookmarks, metadata, page count, paper size).

One build of the Texas state report, every topic report and the index (HTML and PDF: `reports` in
tests/export/conftest.py) serves the whole module. axe-core comes from the npm registry (tests/browser_deps,
installed by `make test`); without it, Chromium or poppler the tests are skipped, unless
MEDCODING_REQUIRE_BROWSER=1 (CI) makes that a failure.
"""

from __future__ import annotations

import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import ROOT, need

from analysis.present import theme
from analysis.present.rendering import specs_in_html

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("built_reports")]

AXE = ROOT / "tests" / "browser_deps" / "node_modules" / "axe-core" / "axe.min.js"
PAGES = ["states/TX", "topics/salary_by_state", "topics/job_outlook", "topics/specialty",
         "topics/certification_premium", "topics/ai_impact", "index"]
PDFS = [p for p in PAGES if p != "index"]
# What only someone working in the notebook can act on; a report for readers never shows it.
NOTEBOOK_ONLY_TEXT = ["Learning objectives", "Try changing", "papermill", "How to change the parameters",
                      "Documented parameter sets", "Exercise", "medcoding build"]


@pytest.fixture(scope="module", autouse=True)
def axe_core():
    need(f"axe-core ({AXE})", AXE.exists(), "`make test` installs it with npm")


def _open(browser, path: Path, bypass_csp: bool = False):
    # bypass_csp: only to inject axe-core; the report's content security policy would block it, rightly.
    context = browser.browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=bypass_csp)
    page = context.new_page()
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(("file:", "data:", "about:"))
               else route.abort())
    page.goto(path.as_uri(), wait_until="load")
    page.wait_for_function("() => !window.medcodingCharts || window.medcodingCharts.done", timeout=30_000)
    return page


def _pdfinfo(path: Path) -> dict[str, str]:
    text = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in text.splitlines())}


def _outline_titles(path: Path) -> list[str]:
    from pypdf import PdfReader

    def flatten(items):
        for item in items:
            if isinstance(item, list):
                yield from flatten(item)
            else:
                yield item.title

    return [" ".join(t.split()) for t in flatten(PdfReader(str(path)).outline)]


class _Text(HTMLParser):
    """The text a reader sees (no scripts, no styles), the table headers' and the h2 headings' texts."""

    def __init__(self):
        super().__init__()
        self.text, self.headers, self.sections, self._skip, self._th = [], [], [], 0, None

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("script", "style")
        if tag in ("th", "h2"):
            self._th = []

    def handle_endtag(self, tag):
        self._skip -= tag in ("script", "style")
        if tag in ("th", "h2") and self._th is not None:
            text = " ".join("".join(self._th).replace("¶", "").split())
            (self.headers if tag == "th" else self.sections).append(text)
            self._th = None

    def handle_data(self, data):
        if not self._skip:
            self.text.append(data)
            if self._th is not None:
                self._th.append(data)


# ---------------------------------------------------------------------------------------------- HTML


@pytest.mark.parametrize("name", PAGES)
def test_axe_core_finds_no_serious_or_critical_violation(reports, browser, name):
    page = _open(browser, reports / f"{name}.html", bypass_csp=True)
    try:
        page.add_script_tag(path=str(AXE))
        violations = page.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
            ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.length, help: v.help}))")
    finally:
        page.context.close()
    serious = [v for v in violations if v["impact"] in ("serious", "critical")]
    assert serious == [], serious


@pytest.mark.parametrize("name", PAGES)
def test_page_reads_without_sideways_scrolling_with_headings_in_order_and_named_charts(reports, browser, name):
    page = _open(browser, reports / f"{name}.html")
    try:
        facts = page.evaluate("""() => ({
            lang: document.documentElement.lang,
            width: document.documentElement.scrollWidth,
            overflowing: Array.from(document.querySelectorAll('table, .jp-OutputArea-output'))
                .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 || e.scrollWidth > e.clientWidth + 1)
                .map(e => e.tagName + '.' + e.className + ' ' + e.textContent.slice(0, 60)),
            levels: Array.from(document.querySelectorAll('h1, h2, h3, h4, h5, h6')).map(h => +h.tagName[1]),
            charts: document.querySelectorAll('.medcoding-chart').length,
            captions: Array.from(document.querySelectorAll('figure.medcoding-figure figcaption')).map(f => f.textContent),
            labelled: Array.from(document.querySelectorAll('.medcoding-chart [role=graphics-document]'))
                .filter(e => (e.getAttribute('aria-label') || '').length > 30).length,
            menus: Array.from(document.querySelectorAll('.medcoding-chart summary')).map(s => s.getAttribute('aria-label')),
        })""")
        first = page.locator("main .jp-Cell").first.inner_text()
    finally:
        page.context.close()
    assert facts["lang"] == "en"
    assert facts["width"] <= 1280 and facts["overflowing"] == [], facts["overflowing"]
    levels = facts["levels"]
    assert levels[0] == 1 and levels.count(1) == 1, levels
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:])), f"a heading level is skipped: {levels}"
    assert facts["charts"] >= 1 and len(facts["captions"]) == facts["charts"] == facts["labelled"], facts
    assert all(c.startswith("Chart:") and len(c) > 30 for c in facts["captions"]), facts["captions"]
    assert all(facts["menus"]), "every chart menu has a name"
    if name != "index":
        assert first.startswith("Summary"), first[:200]


@pytest.mark.parametrize("name", PAGES)
def test_reports_leave_out_what_only_a_notebook_user_can_act_on(reports, name):
    page = _Text()
    page.feed((reports / f"{name}.html").read_text(encoding="utf-8"))
    visible = " ".join(page.text)
    assert [t for t in NOTEBOOK_ONLY_TEXT if t in visible] == []
    code_names = [h for h in page.headers if re.fullmatch(r"[a-z0-9]+(_[a-z0-9]+)+", h)]
    assert code_names == [], code_names


@pytest.mark.parametrize("name", PDFS)
def test_every_chart_uses_only_the_colour_blind_safe_palette(reports, name):
    specs = specs_in_html((reports / f"{name}.html").read_text(encoding="utf-8"))
    assert specs, "the report has charts"
    outside = {i: theme.colours_outside_palette(spec) for i, spec in enumerate(specs, 1)}
    assert {i: c for i, c in outside.items() if c} == {}
    assert all(spec["config"]["range"]["category"] == list(theme.CATEGORICAL) for spec in specs), "the kit's theme is on"


def test_index_gives_the_kits_findings_above_the_map_and_every_state_as_a_link(reports, browser):
    page = _open(browser, reports / "index.html")
    try:
        order = page.evaluate("""() => {
            const summary = document.querySelector('.medcoding-summary');
            const map = document.querySelector('.medcoding-chart');
            return summary && map && !!(summary.compareDocumentPosition(map) & Node.DOCUMENT_POSITION_FOLLOWING);
        }""")
        link = page.locator("nav.medcoding-state-list a", has_text="Texas")
        assert link.get_attribute("href") == "states/TX.html"
        # Reachable by keyboard: Tab moves focus onto it.
        for _ in range(60):
            page.keyboard.press("Tab")
            if page.evaluate("() => document.activeElement.textContent") == "Texas":
                break
        else:
            pytest.fail("Tab never reached the Texas link")
    finally:
        page.context.close()
    assert order, "the summary comes before the map"


# ---------------------------------------------------------------------------------------------- PDF


@pytest.mark.parametrize("name", PDFS)
def test_pdf_is_tagged_with_bookmarks_for_every_section_and_metadata(reports, name):
    pdf = reports / f"{name}.pdf"
    info = _pdfinfo(pdf)
    assert info["Tagged"] == "yes"
    assert "letter" in info["Page size"]
    assert info["Title"] and info["Subject"].startswith(info["Title"]) and "medical coding" in info["Keywords"]
    page = _Text()
    page.feed((reports / f"{name}.html").read_text(encoding="utf-8"))
    sections = [s for s in page.sections if s != "Contents"]  # the contents are on screen only; the outline replaces them
    assert "Summary" in sections and "Sources" in sections
    outline = _outline_titles(pdf)
    assert [s for s in sections if s not in outline] == [], outline
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout.splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts), fonts  # the "emb" column


@pytest.mark.parametrize("name", PDFS)
def test_pdf_text_leaves_out_the_axis_labels_a_chart_hides(reports, browser, name):
    """Vega hides axis labels that would overlap (opacity 0); the PDF must not carry them as invisible text,
    which copying, searching and screen readers would meet. Checked on the labels hidden in the HTML that no
    visible label of the page repeats."""
    page = _open(browser, reports / f"{name}.html")
    try:
        hidden, shown = page.evaluate("""() => {
            const texts = Array.from(document.querySelectorAll('.medcoding-chart svg text'));
            const content = (list) => list.map((t) => t.textContent.trim()).filter(Boolean);
            return [content(texts.filter((t) => t.getAttribute('opacity') === '0')),
                    content(texts.filter((t) => t.getAttribute('opacity') !== '0'))];
        }""")
        prose = page.evaluate("""() => {
            const copy = document.body.cloneNode(true);
            copy.querySelectorAll('svg, script, style').forEach((node) => node.remove());
            return copy.textContent;
        }""")
    finally:
        page.context.close()
    only_hidden = sorted({label for label in hidden if label not in shown and label not in prose})
    assert only_hidden, "no hidden label to check: the test would prove nothing"
    text = subprocess.run(["pdftotext", str(reports / f"{name}.pdf"), "-"], capture_output=True, text=True, check=True).stdout
    words = set(text.split())
    assert [label for label in only_hidden if label in words] == []


def test_texas_fits_four_letter_pages_with_the_summary_on_page_one(reports):
    pdf = reports / "states/TX.pdf"
    assert int(_pdfinfo(pdf)["Pages"]) <= 4
    first = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-layout", str(pdf), "-"], capture_output=True,
                           text=True, check=True).stdout
    assert "Summary" in first and "Verdict on the article's claims" in first and "Findings" in first
    assert re.search(r"page 1 of \d", first) and "Data as of May 2024" in first


def test_a4_paper_is_an_option(reports, browser, tmp_path):
    pdf = tmp_path / "TX-a4.pdf"
    browser.print_pdf(reports / "states/TX.html", pdf, paper="a4")  # one playwright per thread: the module's printer
    info = _pdfinfo(pdf)
    assert "A4" in info["Page size"] and info["Tagged"] == "yes"
