"""Every page of every role's menu, as the role sees it, with the demo data so tables and charts are full.

On a 390 x 844 phone: the page never scrolls sideways, and axe-core (run inside the page) finds no
serious or critical accessibility violation. On a 1366 x 900 desktop: the language buttons stay on screen.
"""

import re
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import pass_second_factor
from tests.conftest import PASSWORD
from users.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
ROLES = ["admin", "coordinator", "trainer", "policy", "ksp"]
# Not pages of ours to judge (Django's admin), or not pages at all (downloads, logout, language switch).
SKIP = re.compile(r"logout|/admin/|export|\.(pdf|csv|xlsx|ics)$|^/i18n/")


@pytest.fixture
def demo(roles):
    """The demo programme at a small size: every role's login, sessions past and upcoming, roll-ups computed."""
    from cities.models import Programme
    from cities.seed import PROGRAMME_2018, programme_seed_2018
    from core.demo import demo_seed
    from progress.services import progress_rebuild

    programme_seed_2018()
    programme = Programme.objects.get(slug=PROGRAMME_2018["slug"])
    demo_seed(programme=programme, participants=300, seed=2018, password=PASSWORD)
    for p in Programme.objects.all():
        progress_rebuild(programme_id=p.pk)


def log_in(page, base: str, role: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", f"{role}@example.org")
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action$='/accounts/login/'] button[type=submit]")
    page.wait_for_load_state("load")
    pass_second_factor(page, User.objects.get(email=f"{role}@example.org"))
    assert "/accounts/" not in page.url, f"{role} could not log in"


def menu_pages(page) -> list[str]:
    """The landing page and every page the role's menu links to, read from the page itself."""
    hrefs = page.eval_on_selector_all("nav a[href^='/']", "els => els.map(e => e.getAttribute('href'))")
    return list(dict.fromkeys([urlparse(page.url).path] + [h for h in hrefs if not SKIP.search(h)]))


def serious_violations(page) -> list:
    # Evaluated through the DevTools protocol, not as a <script> tag: the page's browser policy allows no inline script.
    page.evaluate(AXE.read_text())
    return page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
             .filter(v => ['serious', 'critical'].includes(v.impact))
             .map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))"""
    )


CHARTS_JS = """() => [...document.querySelectorAll('canvas[data-chart]')].map(c => {
     const ch = c._chart, horizontal = ch.options.indexAxis === 'y';
     const value = ch.scales[horizontal ? 'x' : 'y'], category = ch.scales[horizontal ? 'y' : 'x'];
     const format = (v, step) => Chart.Ticks.formatters.numeric.call(value, v, 1, [{value: v - step}, {value: v}, {value: v + step}]);
     return {slug: c.dataset.chart, horizontal, min: value.min, thousand: format(1200, 200), decimal: format(44, 0.5),
             labels: ch.data.labels.length, drawnLabels: category.ticks.length,
             wrapped: ch.data.labels.some(l => Array.isArray(l))};
   })"""


@pytest.mark.parametrize("role", ROLES)
def test_every_menu_page_fits_a_phone_and_passes_axe(page, live_server, demo, role):
    page.set_viewport_size(PHONE)
    log_in(page, live_server.url, role)
    pages = menu_pages(page)
    assert len(pages) >= 2, pages

    problems = {}
    for path in pages:
        response = page.goto(live_server.url + path, wait_until="load")
        assert response.status == 200, path
        if page.locator("canvas[data-chart]").count():
            expect(page.locator("body")).to_have_attribute("data-charts-ready", "1")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        violations = serious_violations(page)
        if overflow > 0 or violations:
            problems[path] = {"sideways_px": overflow, "axe": violations}

    assert problems == {}


@pytest.mark.parametrize("role", ROLES)
def test_on_a_desktop_the_language_buttons_stay_on_screen(page, live_server, demo, role):
    page.set_viewport_size(DESKTOP)
    log_in(page, live_server.url, role)

    english = page.locator("#language-form button[value=en]")
    expect(english).to_be_visible()
    box = english.bounding_box()
    assert box["x"] + box["width"] <= DESKTOP["width"]
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    expect(page.locator("#main-nav")).to_be_visible()  # the menu is shown in full, not folded behind a button
    for language in ("en", "id"):
        page.click(f"#language-form button[value={language}]")
        expect(page.locator("html")).to_have_attribute("lang", language)
        assert page.locator("nav.navbar").bounding_box()["height"] < 70, language  # one line, in either language
        assert page.locator("#language-form button[value=en]").bounding_box()["x"] + 40 <= DESKTOP["width"]


def test_the_coordinators_schedule_on_a_phone_shows_what_each_session_is(page, live_server, demo):
    page.set_viewport_size(PHONE)
    log_in(page, live_server.url, "coordinator")
    page.goto(f"{live_server.url}/schedule/")

    row = page.get_by_test_id("session-row").first
    title, partner = row.locator("td.stack-title"), row.locator("td[data-label]").nth(2)
    for cell in (title, row.get_by_test_id("session-when"), partner):
        expect(cell).to_be_visible()
        box = cell.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert title.bounding_box()["y"] < row.get_by_test_id("session-when").bounding_box()["y"]  # the title heads the card


def test_a_missing_page_is_in_the_layout_with_a_way_home_and_passes_axe(page, live_server, demo):
    page.set_viewport_size(PHONE)
    log_in(page, live_server.url, "trainer")

    response = page.goto(f"{live_server.url}/no-such-page/")

    assert response.status == 404
    expect(page.locator("h1")).to_have_text("Halaman ini tidak ada")
    page.get_by_test_id("error-home").click()
    expect(page).to_have_url(re.compile(r"/trainer/sessions/$"))
    page.goto(f"{live_server.url}/monitoring/ksp/")
    expect(page.get_by_test_id("error-page")).to_be_visible()
    assert serious_violations(page) == []


def test_dashboard_charts_use_the_pages_number_format_and_start_at_zero(page, live_server, demo):
    page.set_viewport_size(DESKTOP)
    log_in(page, live_server.url, "policy")
    expect(page.locator("body")).to_have_attribute("data-charts-ready", "1")

    charts = page.evaluate(CHARTS_JS)

    assert len(charts) == 9, charts  # 7 of the dashboard, 2 of the survey results (tests/surveys)
    assert all(c["min"] == 0 for c in charts), charts  # every value axis starts at zero
    assert {(c["thousand"], c["decimal"]) for c in charts} == {("1.200", "44,0")}  # Indonesian, as the page
    by_slug = {c["slug"]: c for c in charts}
    for slug in ("by-sector", "by-social-media", "partner-performance", "by-city", "survey-follow-up-chart"):
        assert by_slug[slug]["horizontal"], slug
        assert by_slug[slug]["drawnLabels"] == by_slug[slug]["labels"], slug  # no label skipped
    assert by_slug["by-sector"]["wrapped"]  # "Pertanian dan perikanan" on two lines rather than cut

    page.click("#language-form button[value=en]")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("body")).to_have_attribute("data-charts-ready", "1")
    assert {(c["thousand"], c["decimal"]) for c in page.evaluate(CHARTS_JS)} == {("1,200", "44.0")}


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP])
def test_map_labels_as_drawn_stay_inside_the_map_and_apart(page, live_server, demo, viewport):
    page.set_viewport_size(viewport)
    log_in(page, live_server.url, "ksp")

    labels = page.evaluate(
        """() => [...document.querySelectorAll('svg.city-map text')].map(t => {
             const b = t.getBBox(); return {text: t.textContent, x: b.x, y: b.y, w: b.width, h: b.height};
           })"""
    )
    left, top, width, height = page.evaluate(
        "() => { const v = document.querySelector('svg.city-map').viewBox.baseVal; return [v.x, v.y, v.width, v.height]; }"
    )

    assert len(labels) == 10
    assert next(lb for lb in labels if lb["text"].startswith("Jayapura"))["text"].endswith("%")
    for i, a in enumerate(labels):
        assert left <= a["x"] and a["x"] + a["w"] <= left + width and top <= a["y"] and a["y"] + a["h"] <= top + height, a
        for b in labels[i + 1 :]:
            apart = (
                a["x"] + a["w"] <= b["x"] or b["x"] + b["w"] <= a["x"] or a["y"] + a["h"] <= b["y"] or b["y"] + b["h"] <= a["y"]
            )
            assert apart, (a, b)
