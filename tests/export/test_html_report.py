"""The offline HTML report (no browser needed; the browser tests are in test_chromium.py)."""

import copy
import html as html_lib
import html.parser
import json
import re

import altair as alt
import nbformat
import pytest
from conftest import small_chart
from fixtures.three_charts_run import executed_three_charts

from analysis.present import rendering
from analysis.export.chromium import ChromiumMissing, ChromiumPrinter, find_chromium
from analysis.export.errors import ReportError
from analysis.export.html import html_report, vega_bundle

REPORT = dict(title="Fixture report: CA", data_date="May 2024 (fixture)", sources=["Made-up fixture data <not real>"])


# ------------------------------------------------------------------------------ HTML report


@pytest.fixture(scope="module")
def executed_html_target(tmp_path_factory):
    """The fixture notebook run by papermill's CLI with MEDCODING_TARGET=html, as the builder runs it."""
    return nbformat.read(executed_three_charts(tmp_path_factory), as_version=4)


class _Page(html.parser.HTMLParser):
    """Collects what the report asks a browser to load, its headings and its visible text."""

    def __init__(self, page):
        super().__init__()
        self.loads, self.ids, self.text, self._skip = [], [], [], 0
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("src", "srcset", "data", "poster"):
            if attrs.get(name):
                self.loads.append((tag, attrs[name]))
        if tag == "link" and attrs.get("href"):
            self.loads.append((tag, attrs["href"]))
        if attrs.get("id"):
            self.ids.append(attrs["id"])
        if tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.text.append(data)


def test_html_target_notebook_outputs_carry_only_embed_code(executed_html_target):
    outputs = [o for c in executed_html_target.cells if c.cell_type == "code" for o in c.outputs]
    charts = [o for o in outputs if rendering.specs_in_html(o.get("data", {}).get("text/html", ""))]
    assert len(charts) == 3
    assert all(len(json.dumps(o)) < 8000 for o in charts)  # no 900 KB bundle in any output
    assert not any("application/vnd.vegalite" in mime for o in outputs for mime in o.get("data", {}))


def test_report_is_self_contained(executed_html_target):
    page = html_report(executed_html_target, **REPORT)
    parsed = _Page(page)
    assert [load for load in parsed.loads if not load[1].startswith("data:")] == []
    styles = " ".join(re.findall(r"<style[^>]*>(.*?)</style>", page, re.S))
    assert not re.search(r"@import|url\(\s*['\"]?(https?:)?//", styles)
    assert page.count("window.vegaEmbed=") == 1  # the Vega bundle, once
    assert "require.js" not in page and "mathjax" not in page.lower() and "cdnjs" not in page and "jsdelivr" not in page


def test_report_hides_code_and_states_title_date_parameters_and_sources(executed_html_target):
    page = html_report(executed_html_target, **REPORT)
    text = " ".join(" ".join(_Page(page).text).split())
    assert "Fixture report: CA" in text and "May 2024 (fixture)" in text
    assert "state = 'CA' (set for this report)" in text
    assert "chart_width = 900 (default)" in text
    assert "Made-up fixture data <not real>" in text  # escaped in the HTML, shown as written
    assert "Made-up fixture data <not real>" not in page
    for code in ("import altair", "rendering.configure", "alt.Chart", "state = \"TX\"", "# Parameters"):
        assert code not in text
    assert "A bar chart with tooltips." in text  # narrative kept
    assert "2021" in text  # table output kept


def test_report_has_a_table_of_contents_with_working_anchors(executed_html_target):
    page = html_report(executed_html_target, **REPORT)
    toc = re.search(r'<nav[^>]*class="medcoding-toc".*?</nav>', page, re.S).group(0)
    links = re.findall(r'<a href="#([^"]+)">([^<]+)</a>', toc)
    assert [text for _, text in links] == ["Rendering fixture", "Wages", "Jobs", "Jobs", "A wide chart", "Sources"]
    ids = _Page(page).ids
    assert len(set(anchor for anchor, _ in links)) == len(links)  # the repeated heading got its own anchor
    assert all(anchor in ids for anchor, _ in links)
    assert len(ids) == len(set(ids))


def test_report_is_byte_identical_for_the_same_notebook_and_for_a_re_run(executed_html_target):
    first = html_report(executed_html_target, **REPORT)
    assert html_report(executed_html_target, **REPORT) == first
    # A re-run differs in random cell ids, timings and the kernel's chart counter: none may show.
    rerun = copy.deepcopy(executed_html_target)
    for number, cell in enumerate(rerun.cells):
        cell["id"] = f"random{number * 7919:x}"
        for output in cell.get("outputs", []):
            html = output.get("data", {}).get("text/html", "")
            output.get("data", {})["text/html"] = re.sub(r"medcoding-chart-(\d+)", lambda m: f"medcoding-chart-{int(m.group(1)) + 40}", html)
    rerun.metadata["papermill"]["duration"] = 123.0
    rerun.metadata["papermill"]["start_time"] = "2030-01-01T00:00:00"
    assert html_report(rerun, **REPORT) == first
    assert re.findall(r'id="(medcoding-chart-\d+)"', first) == ["medcoding-chart-1", "medcoding-chart-2", "medcoding-chart-3"]
    page = first.replace(vega_bundle(), "")
    assert "altair-viz-" not in page and not re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", page)


def test_lab_target_notebook_gives_the_same_report(executed_html_target):
    """A notebook run in the lab target (Vega-Lite mimetype outputs) exports to the same page."""
    as_lab = copy.deepcopy(executed_html_target)
    for cell in as_lab.cells:
        for output in cell.get("outputs", []):
            specs = rendering.specs_in_html(output.get("data", {}).get("text/html", ""))
            if specs:
                data, _ = rendering.lab_bundle(specs[0])
                output["data"] = nbformat.from_dict(data)
    assert html_report(as_lab, **REPORT) == html_report(executed_html_target, **REPORT)


def test_chart_from_altairs_default_renderer_is_refused_with_a_way_out():
    alt.renderers.enable("default")
    try:
        bundle = small_chart()._repr_mimebundle_()
    finally:
        rendering.configure()
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(outputs=[
        nbformat.v4.new_output("display_data", data=bundle[0] if isinstance(bundle, tuple) else bundle)])])
    with pytest.raises(ReportError, match="analysis.notebook.start"):
        html_report(nb, **REPORT)


def test_parameters_shown_can_be_given_explicitly(executed_html_target):
    page = html_report(executed_html_target, **REPORT, parameters={"state": "NY"})
    text = " ".join(" ".join(_Page(page).text).split())
    assert "state = 'NY' (set for this report)" in text and "chart_width" not in text


# ------------------------------------------------------------------------------ finding a browser


def _no_browser_anywhere(monkeypatch, tmp_path):
    monkeypatch.delenv("MEDCODING_CHROMIUM", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path / "none"))


def test_no_browser_means_none_and_the_printer_says_how_to_get_one(monkeypatch, tmp_path):
    _no_browser_anywhere(monkeypatch, tmp_path)
    assert find_chromium() is None
    with pytest.raises(ChromiumMissing) as info:
        ChromiumPrinter()
    assert "apt-get install chromium" in str(info.value) and "MEDCODING_CHROMIUM" in str(info.value)


def test_browser_is_found_on_path_and_through_the_environment(monkeypatch, tmp_path):
    _no_browser_anywhere(monkeypatch, tmp_path)
    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    assert find_chromium() == fake
    shell = tmp_path / "chromium-headless-shell"  # the lighter build of the same browser comes first
    shell.write_text("#!/bin/sh\n")
    shell.chmod(0o755)
    assert find_chromium() == shell
    chosen = tmp_path / "my-chrome"
    chosen.write_text("#!/bin/sh\n")
    chosen.chmod(0o755)
    monkeypatch.setenv("MEDCODING_CHROMIUM", str(chosen))
    assert find_chromium() == chosen


def test_playwright_installed_browser_is_the_last_resort(monkeypatch, tmp_path):
    _no_browser_anywhere(monkeypatch, tmp_path)
    chrome = tmp_path / "pw" / "chromium-1187" / "chrome-linux" / "chrome"
    chrome.parent.mkdir(parents=True)
    chrome.write_text("#!/bin/sh\n")
    chrome.chmod(0o755)
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path / "pw"))
    assert find_chromium() == chrome


def test_a_wrong_browser_setting_is_an_error_not_a_silent_fallback(monkeypatch, tmp_path):
    monkeypatch.setenv("MEDCODING_CHROMIUM", str(tmp_path / "nothing-here"))
    with pytest.raises(ChromiumMissing, match="MEDCODING_CHROMIUM=.*is not a program"):
        find_chromium()


def test_report_leaves_out_exercise_cells(executed_html_target):
    nb = copy.deepcopy(executed_html_target)
    prompt = nbformat.v4.new_markdown_cell("### Exercise 1: what is the rank?", metadata={"tags": ["exercise"]})
    answer = nbformat.v4.new_code_cell("rank = 7  # SOLUTION", metadata={"tags": ["exercise"]})
    answer.outputs = [nbformat.v4.new_output("stream", text="Correct.\n")]
    nb.cells[-1:-1] = [prompt, answer]
    text = " ".join(_Page(html_report(nb, **REPORT)).text)
    assert "Exercise 1" not in text and "Correct." not in text
    assert "A bar chart with tooltips." in text


# ------------------------------------------------------------------------------ one notebook, two audiences


def _cell(kind, source, tags=(), outputs=None):
    cell = nbformat.v4.new_markdown_cell(source) if kind == "markdown" else nbformat.v4.new_code_cell(source)
    if tags:
        cell.metadata["tags"] = list(tags)
    if outputs is not None:
        cell.outputs = outputs
    return cell


def test_exporter_drops_tagged_cells_by_configuration_and_opens_with_the_summary():
    summary = nbformat.v4.new_output("display_data", data={"text/html": '<section class="medcoding-summary">'
                                                           '<h2 id="summary">Summary</h2></section>'})
    nb = nbformat.v4.new_notebook(cells=[
        _cell("markdown", "# Notebook title", ["notebook-only"]),
        _cell("markdown", "Intro for every reader."),
        _cell("markdown", "**Learning objectives** for students", ["notebook-only"]),
        _cell("code", "state = 'TX'", ["parameters"]),
        _cell("code", "report.report_summary(p)", ["report-summary"], [summary]),
        _cell("markdown", "## 1. A section"),
        _cell("markdown", "*Try changing the state*", ["notebook-only"]),
        _cell("markdown", "Solution text", ["exercise"]),
    ])
    page = html_report(nb, title="Report", data_date="May 2024", sources=["a source"])
    for gone in ("Notebook title", "Learning objectives", "Try changing", "Solution text"):
        assert gone not in page
    main = page[page.index("</header>"):]  # after the header and its contents list
    assert main.index('class="medcoding-summary"') < main.index("Intro for every reader.") < main.index("1. A section")
    # (nbconvert writes a meta tag's attributes in its own order.)
    assert '<html lang="en">' in page and 'name="keywords"' in page
    assert re.search(r'<meta content="Report: [^"]+" name="description"', page)


def test_every_chart_is_a_figure_captioned_with_its_text_alternative(executed_html_target):
    page = html_report(executed_html_target, **REPORT)
    figures = re.findall(r'<figure aria-labelledby="([^"]+)" class="medcoding-figure">(.*?)</figure>', page, re.S)
    assert len(figures) == 3
    for caption_id, inner in figures:
        caption = re.search(rf'<figcaption[^>]* id="{caption_id}">(.*?)</figcaption>', inner, re.S).group(1)
        spec = json.loads(re.search(r'<script [^>]*type="application/json">(.*?)</script>', inner, re.S).group(1))
        assert "Chart:" in caption and spec["description"] in html_lib.unescape(re.sub(r"<[^>]+>", "", caption))


def test_the_printers_warm_up_page_runs_the_same_code_as_every_report(executed_html_target):
    """The page a printer warms up on is made by the same exporter: the same Vega bundle and chart-drawing script,
    byte for byte, and a chart drawn the way the reports draw theirs (so the browser has run that code before the
    first report)."""
    from analysis.export.html import warm_up_page

    report, warm = html_report(executed_html_target, **REPORT), warm_up_page()
    scripts = re.findall(r"<script>\n(.*?)</script>", report, re.S)
    assert len(scripts) == 2 and vega_bundle() in scripts[0] and "medcodingCharts" in scripts[1]
    assert re.findall(r"<script>\n(.*?)</script>", warm, re.S) == scripts
    assert warm.count('class="medcoding-chart-spec"') == 1 and "<td>first</td>" in warm
    csp = re.compile(r'<meta http-equiv="Content-Security-Policy" content="[^"]*">')
    assert csp.findall(warm) == csp.findall(report)  # the same scripts, so the same policy
