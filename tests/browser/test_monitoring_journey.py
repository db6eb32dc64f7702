import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.monitoring.conftest import build_world
from tests.monitoring.direct import direct
from users.models import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"


def _int(text: str) -> int:
    return int(re.sub(r"\D", "", text))


def test_ksp_sees_matching_figures_downloads_the_pdf_and_is_refused_personal_data(page, live_server, make_user, login):
    world = build_world(seed=3, people=60, sessions=12)
    expected = direct(world.programme)
    user = make_user(Role.KSP_MONITOR)

    login(user)

    expect(page).to_have_url(re.compile(r"/monitoring/ksp/$"))
    expect(page.get_by_test_id("home-title")).to_have_text("Pemantauan KSP")
    headline = page.get_by_test_id("headline").inner_text()
    assert _int(headline.split("/")[0]) == expected["umkm_trained"]
    assert _int(headline.split("/")[1]) == world.programme.umkm_target
    for city in world.cities[:2]:
        item = page.locator(f'[data-city="{city.name}"]')
        expect(item).to_contain_text(city.name)
        assert _int(item.get_attribute("data-trained")) == expected["umkm_by_city"][city.pk]
        expect(item).to_contain_text(f"{expected['umkm_by_city'][city.pk]} / 200")
    expect(page.get_by_test_id("results-impact")).to_contain_text("belum tersedia")
    expect(page.locator("a[href*='/monitoring/trained/']")).to_have_count(0)

    ARTIFACTS.mkdir(exist_ok=True)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.screenshot(path=str(ARTIFACTS / "ksp-view-desktop.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    expect(page.get_by_test_id("headline")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(ARTIFACTS / "ksp-view-phone.png"), full_page=True)

    with page.expect_download() as download_info:
        page.get_by_test_id("pdf-link").click()
    pdf_path = download_info.value.path()
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(Path(pdf_path).read_bytes())).pages)
    assert "Laporan kemajuan program" in text
    assert re.search(rf"{expected['umkm_trained']}\s*/\s*400", text)
    for city in world.cities[:2]:
        assert city.name in text

    response = page.goto(f"{live_server.url}/monitoring/trained/?programme={world.programme.pk}&audience=umkm")
    assert response.status == 403
    response = page.goto(f"{live_server.url}/monitoring/dashboard/export.xlsx")
    assert response.status == 403

    api = page.request.get(f"{live_server.url}/api/v1/progress/?programme={world.programme.pk}").json()
    assert api["headline"]["umkm_trained"] == expected["umkm_trained"]
    assert {c["name"]: c["umkm_trained"] for c in api["cities"]}[world.cities[0].name] == expected["umkm_by_city"][
        world.cities[0].pk
    ]


def _chart_total(page, slug: str, dataset: int = 0) -> int:
    return page.evaluate(
        f"""() => {{
        const c = document.querySelector('canvas[data-chart="{slug}"]')._chart;
        return c.data.datasets[{dataset}].data.reduce((a, b) => a + (b || 0), 0);
    }}"""
    )


def test_policy_viewer_filters_by_city_and_partner(page, live_server, make_user, login):
    world = build_world(seed=4, people=70, sessions=14)
    user = make_user(Role.POLICY_VIEWER)

    login(user)

    expect(page).to_have_url(re.compile(r"/monitoring/dashboard/$"))
    expect(page.locator("body")).to_have_attribute("data-charts-ready", "1")  # no in-page eval: the CSP forbids it
    everything = direct(world.programme)
    assert _int(page.get_by_test_id("total-umkm").inner_text()) == everything["umkm_trained"]
    assert _chart_total(page, "attendance-over-time") == everything["attendances"]

    city, partner = world.cities[1], world.partners[0]
    page.select_option("#id_city", str(city.pk))
    page.select_option("#id_partner", str(partner.pk))
    page.get_by_test_id("apply-filters").click()
    page.wait_for_url(re.compile(rf"[?&]city={city.pk}"))  # the filtered page, not the one before it
    expect(page.locator("body")).to_have_attribute("data-charts-ready", "1")  # no in-page eval: the CSP forbids it

    filtered = direct(world.programme, city=city, partner=partner)
    assert filtered["attendances"] != everything["attendances"]
    assert _int(page.get_by_test_id("total-umkm").inner_text()) == filtered["umkm_trained"]
    assert _chart_total(page, "attendance-over-time") == filtered["attendances"]
    assert _chart_total(page, "by-city", 1) == filtered["umkm_trained"]
    rows = page.get_by_test_id("session-row")
    assert rows.count() > 0
    for i in range(rows.count()):
        assert rows.nth(i).get_attribute("data-city") == city.name
        assert rows.nth(i).get_attribute("data-partner") == str(partner)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "policy-dashboard-filtered.png"), full_page=True)
    page.get_by_text("Tampilkan angka").first.click()
    expect(page.get_by_test_id("table-attendance-over-time")).to_be_visible()

    with page.expect_download() as download_info:
        page.get_by_test_id("csv-by-city").click()
    csv_text = Path(download_info.value.path()).read_text()
    assert city.name in csv_text
    assert world.cities[0].name not in csv_text


def test_dashboard_fits_a_phone(page, live_server, make_user, login):
    build_world(seed=6, people=20, sessions=6)
    page.set_viewport_size({"width": 390, "height": 844})
    login(make_user(Role.POLICY_VIEWER))

    expect(page.locator("body")).to_have_attribute("data-charts-ready", "1")  # no in-page eval: the CSP forbids it
    expect(page.get_by_test_id("total-umkm")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "policy-dashboard-phone.png"), full_page=True)
