"""What-if controls in the offline HTML reports, moved in Debian's Chromium and checked against the Python helpers.

Each test moves a control the way a reader does (the input's value and its `input` event, or the keyboard),
then reads the recomputed values from the chart's Vega view (`window.medcodingViews`, kept by draw_charts.js):
signals (`view.signal`) and the transformed rows (`view.data`). For a small grid of control values those
equal the helpers' results, which evaluate the same formulas (analysis.calc.formula). The reports are those of
tests/export/conftest.py (`reports`: one build of the Texas state report, every topic report and the index, HTML
and PDF, shared with test_report_accessibility.py); no request may leave a page.
"""

from __future__ import annotations

import subprocess

import pytest

from analysis.topics import ai_impact as ai
from analysis.topics import certification_premium as cert
from analysis.topics import job_outlook as outlook
from analysis.topics import salary_by_state as salary
from analysis.topics import state_report

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("built_reports")]

STATE = "TX"  # the state report tests/export/conftest.py builds (its initial state)
RESET = "Reset the controls to the report's settings"

# The chart's view that has a signal `name` (a report has several charts).
_VIEW_WITH = "name => Object.values(window.medcodingViews).find(v => { try { v.signal(name); return true; } catch (e) { return false; } })"
# Rows of the first derived dataset of that view whose rows have `field` (and not `without`).
_ROWS_WITH = """([signal, field, without]) => {
    const view = (%s)(signal);
    for (let i = 0; i < 20; i++) {
        let rows; try { rows = view.data('data_' + i); } catch (e) { continue; }
        if (rows && rows.length && field in rows[0] && !(without in rows[0])) return rows.map(r => Object.assign({}, r));
    }
    return null;
}""" % _VIEW_WITH


@pytest.fixture
def open_report(reports, browser):
    pages, requests = [], []

    def open_(name):
        context = browser.browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.on("request", lambda r: requests.append(r.url) if not r.url.startswith(("file:", "data:", "about:")) else None)
        page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(("file:", "data:", "about:"))
                   else route.abort())
        page.goto((reports / (f"{name}.html" if "/" in name else f"topics/{name}.html")).as_uri(), wait_until="load")
        page.wait_for_function("() => window.medcodingCharts && window.medcodingCharts.done", timeout=30_000)
        assert page.evaluate("() => window.medcodingCharts.failed") == []
        pages.append(page)
        return page

    yield open_
    for page in pages:
        page.context.close()
    assert requests == [], f"requests left the page: {requests}"


def move(page, name: str, value) -> None:
    """Set the input bound to ``name`` as a reader's slider move does, then let Vega recompute."""
    page.evaluate("""([name, value]) => {
        const input = document.querySelector(`.vega-bindings input[name="${name}"]`);
        input.value = String(value);
        input.dispatchEvent(new Event('input', {bubbles: true}));
    }""", [name, value])
    page.evaluate(f"async name => {{ await ({_VIEW_WITH})(name).runAsync(); }}", name)


def signal(page, name: str):
    return page.evaluate(f"name => ({_VIEW_WITH})(name).signal(name)", name)


# ------------------------------------------------------------------------------------- certification premium

CERT_GRID = [  # exam, membership, study hours, value of an hour, discount rate, horizon
    (0, 0, 0, 0, 0, 1),
    (499, 222, 120, 15.5, 0.07, 5),
    (1000, 500, 400, 100, 0.5, 40),
]
CERT_CONTROLS = ["exam_cost_usd", "membership_cost_usd", "study_hours", "study_hour_value_usd", "discount_rate",
                 "horizon_years"]


def test_certification_controls_recompute_payback_and_present_value_as_the_helpers_do(open_report):
    page = open_report("certification_premium")
    defaults = cert.PARAMETERS.check({})
    premium = cert.premium_basis(defaults.premium_source, len(defaults.credentials)).premium_usd_derived
    for exam, membership, hours, hour_value, rate, years in CERT_GRID:
        for name, value in zip(CERT_CONTROLS, (exam, membership, hours, hour_value, rate, years)):
            move(page, name, value)
        costs = cert.Costs(len(defaults.credentials), exam, membership, hours, hour_value)
        net = premium - membership
        assert signal(page, "chosen_upfront_usd") == pytest.approx(costs.upfront_usd, abs=0.005)
        payback = cert.payback_years(costs.upfront_usd, net)
        assert signal(page, "chosen_payback_years") == pytest.approx(payback, rel=1e-9)
        assert signal(page, "chosen_present_value_usd") == pytest.approx(
            cert.present_value(net, rate, years, costs.upfront_usd), abs=0.005)
        bars = {r["source"]: r for r in page.evaluate(_ROWS_WITH, ["chosen_upfront_usd", "net_usd", ""])}
        expected = cert.pv_by_source(costs, rate, years, len(defaults.credentials))
        assert set(bars) == set(expected.source)
        for row in expected.itertuples():
            assert bars[row.source]["pv"] == pytest.approx(row.present_value_usd_derived, abs=0.005), row.source
            assert bars[row.source]["pv_text"] == cert.signed_money(round(row.present_value_usd_derived, 2))
    headline = page.locator(".medcoding-chart svg text", has_text="payback").first.text_content()
    assert "present value" in headline and cert.signed_money(round(cert.present_value(
        premium - 500, 0.5, 40, cert.Costs(1, 1000, 500, 400, 100).upfront_usd), 2)) in headline


def test_controls_start_at_the_reports_settings_are_keyboard_reachable_and_reset(open_report):
    page = open_report("certification_premium")
    defaults = cert.PARAMETERS.check({})
    initial = {n: getattr(defaults, n) for n in CERT_CONTROLS if n not in ("discount_rate", "horizon_years")}
    initial.update(discount_rate=defaults.discount_rate, horizon_years=defaults.horizon_years)
    assert {n: signal(page, n) for n in CERT_CONTROLS} == initial
    labels = page.evaluate("() => Array.from(document.querySelectorAll('.vega-bindings input'))"
                           ".map(i => i.closest('label') && i.closest('label').textContent)")
    assert len(labels) == 6 and all(labels), labels
    for _ in range(300):  # Tab reaches the first control
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.name") == "exam_cost_usd":
            break
    else:
        pytest.fail("Tab never reached the exam-fee control")
    page.keyboard.press("ArrowRight")
    page.wait_for_function(f"() => ({_VIEW_WITH})('exam_cost_usd').signal('exam_cost_usd') == {initial['exam_cost_usd'] + 1}")
    move(page, "discount_rate", 0.2)
    for _ in range(10):  # ... and then the reset button
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.textContent") == RESET:
            break
    else:
        pytest.fail("Tab never reached the reset button")
    page.keyboard.press("Enter")
    page.wait_for_function(f"() => ({_VIEW_WITH})('exam_cost_usd').signal('exam_cost_usd') == {initial['exam_cost_usd']}")
    assert {n: signal(page, n) for n in CERT_CONTROLS} == initial
    assert page.locator('.vega-bindings input[name="discount_rate"]').input_value() == str(initial["discount_rate"])


# ------------------------------------------------------------------------------------------------ job outlook


def test_growth_control_redraws_the_what_if_line_as_project_employment_does(open_report):
    page = open_report("job_outlook")
    chosen = outlook.projection(outlook.PARAMETERS.check({}).projection_round)
    r = chosen.round
    label = page.locator('.vega-bindings label:has(input[name="growth_pct"])').text_content()
    assert f"published: {outlook.percent(r.pct_change)}" in label
    assert signal(page, "growth_pct") == r.pct_change
    for pct in (-5, 0, 3.3, 12.5):
        move(page, "growth_pct", pct)
        assert signal(page, "projected_employment_at_horizon") == pytest.approx(
            outlook.project_employment(r.base_employment, pct, r.start_year, r.end_year, chosen.horizon_year), abs=1e-6)
        line = page.evaluate(_ROWS_WITH, ["growth_pct", "employment_derived", "scenario"])  # the what-if line's rows
        assert [row["year"] for row in line] == list(range(r.start_year, r.end_year + 1))
        for row in line:
            assert row["employment_derived"] == pytest.approx(
                outlook.project_employment(r.base_employment, pct, r.start_year, r.end_year, row["year"]), abs=1e-6)


# -------------------------------------------------------------------------------------------------- AI impact


def test_automation_share_control_recomputes_the_scenario_as_human_work_index_does(open_report):
    page = open_report("ai_impact")
    p = ai.PARAMETERS.check({})
    title = page.locator(".medcoding-chart svg text", has_text="SCENARIO (not a forecast)")
    assert title.count() == 1
    assert signal(page, "share_automated") == p.routine_share_automated
    for share in (0, 0.35, 1):
        move(page, "share_automated", share)
        rows = page.evaluate(_ROWS_WITH, ["share_automated", "phase_derived", ""])
        assert len(rows) == len(p.routine_share_by_level) * (p.horizon_year - ai.SCENARIO_BASE_YEAR + 1)
        for row in rows:
            expected = ai.human_work_index(row["routine_share_assumed"], share, ai.phase_in(row["year"], p.horizon_year))
            assert row["human_work_index_derived"] == pytest.approx(expected, abs=1e-9), row
            assert row["share_automated_assumed"] == share
    assert title.count() == 1  # still titled as a scenario


# ------------------------------------------------------------------------------- state selector (salary by state)

# The chosen state's row in the figures panel (the only dataset with `wage_line`).
_CHOSEN_ROW = "() => (%s)(['chosen_state', 'wage_line', ''])" % _ROWS_WITH


def choose(page, name: str, label: str) -> None:
    """Pick ``label`` in the drop-down or radio group bound to ``name``, as a reader does, then let Vega recompute."""
    select = page.locator(f'.vega-bindings select[name="{name}"]')
    if select.count():
        select.select_option(label=label)
    else:
        page.locator(f'.vega-bindings input[type="radio"][name="{name}"][value="{label}"]').check()
    page.evaluate(f"async () => {{ await ({_VIEW_WITH})('chosen_state').runAsync(); }}")


def chosen_figures(page) -> dict:
    rows = page.evaluate(_CHOSEN_ROW)
    assert rows is not None and len(rows) == 1, rows
    return rows[0]


def expected_figures(abbr: str, year: int, measure: str) -> dict:
    row = salary.wage_comparison(salary.lookup_state(abbr), [], year, measure).set_index("role").loc["chosen state"]
    value = lambda v: None if salary.missing(v) else int(v)  # noqa: E731
    return dict(wage_usd=value(row.wage_usd), rank_derived=value(row.rank_derived),
                difference_from_national_usd_derived=value(row.difference_from_national_usd_derived),
                wage_text=salary.money(row.wage_usd), rank_text=salary.rank_text(row.rank_derived, row.areas_ranked),
                difference_text=salary.signed_money(row.difference_from_national_usd_derived))


@pytest.mark.parametrize("report", [f"states/{STATE}", "topics/salary_by_state"])
def test_state_selector_shows_each_states_wage_rank_and_difference_as_the_helpers_do(open_report, report):
    page = open_report(report)
    p = (state_report.PARAMETERS if report.startswith("states/") else salary.PARAMETERS).check(
        {"state": STATE} if report.startswith("states/") else {})
    start = {"chosen_state": p.state.abbr, "chosen_year": p.year, "chosen_measure": p.measure}
    assert {n: signal(page, n) for n in start} == start
    options = page.locator('.vega-bindings select[name="chosen_state"] option')
    assert options.count() == 51 and "District of Columbia" in options.all_text_contents()
    years = sorted(salary.STATE_WAGE_FILES)
    grid = [("California", "CA", years[-1], "median"), ("District of Columbia", "DC", years[-1], "mean"),
            ("Wyoming", "WY", years[0], "median"), ("Wyoming", "WY", years[0], "mean")]
    for name, abbr, year, measure in grid:
        choose(page, "chosen_state", name)
        choose(page, "chosen_year", str(year))
        choose(page, "chosen_measure", measure)
        assert (signal(page, "chosen_state"), signal(page, "chosen_year"), signal(page, "chosen_measure")) == (abbr, year, measure)
        row = chosen_figures(page)
        assert (row["state_abbr"], row["year"], row["measure"]) == (abbr, year, measure)
        expected = expected_figures(abbr, year, measure)
        assert {k: row[k] for k in expected} == expected, (abbr, year, measure)
        framed = page.evaluate(_ROWS_WITH, ["chosen_state", "bar_usd", ""])  # the comparison bars' rows
        assert {r["state_abbr"] for r in framed} >= {abbr, "US"}
        assert [r["role"] for r in framed if r["state_abbr"] == abbr] == ["chosen state"]
    assert expected_figures("WY", years[0], "median")["wage_text"] == "not available"  # the grid hits a gap
    selector = page.locator(".medcoding-chart", has=page.locator('select[name="chosen_state"]'))
    selector.get_by_role("button", name=RESET).click()  # this chart's reset (the outlook chart has its own)
    page.wait_for_function(f"() => ({_VIEW_WITH})('chosen_state').signal('chosen_state') == '{p.state.abbr}'")
    assert {n: signal(page, n) for n in start} == start
    assert page.locator('.vega-bindings select[name="chosen_state"]').input_value() == p.state.abbr
    assert chosen_figures(page)["wage_usd"] == expected_figures(p.state.abbr, p.year, p.measure)["wage_usd"]


# ------------------------------------------------------------------------------------------------ HTML and PDF


@pytest.mark.parametrize("name,shown", [
    ("certification_premium", "Exam fee per credential (USD, assumption) = 425; Membership a year (USD, assumption) = 190"),
    ("job_outlook", "(published: 7%) = 7."),
    ("ai_impact", "(assumption, 0 to 1) = 0.5."),
    (f"states/{STATE}", "State = Texas; BLS OEWS survey (May of) = 2024; Annual wage measure = median."),
    ("salary_by_state", "State = California; BLS OEWS survey (May of) = 2024; Annual wage measure = median."),
])
def test_pdf_prints_the_initial_state_and_names_the_values_shown_without_the_inputs(reports, name, shown):
    name = name if "/" in name else f"topics/{name}"
    html = (reports / f"{name}.html").read_text(encoding="utf-8")
    assert 'http-equiv="Content-Security-Policy"' in html and "<script src=" not in html
    text = " ".join(subprocess.run(["pdftotext", str(reports / f"{name}.pdf"), "-"], capture_output=True,
                                   text=True, check=True).stdout.split())
    assert "Values shown when the page opens and in print (the report's settings):" in text
    assert shown in text
    assert RESET not in text
