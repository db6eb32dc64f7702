"""The policy dashboard filtered by dates in a real browser on SQLite, the database of `make run` (issue 10, finding 3)."""

import pytest
from playwright.sync_api import expect

from tests.monitoring.test_date_filters import near_midnight  # noqa: F401 - the fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_dashboard_filtered_by_one_local_day_on_sqlite(page, live_server, near_midnight):  # noqa: F811
    programme, client = near_midnight
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/monitoring/dashboard/?programme={programme.pk}")
    page.fill("input[name=date_from]", "2018-09-12")
    page.fill("input[name=date_to]", "2018-09-12")
    page.get_by_test_id("apply-filters").click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_test_id("home-title")).to_be_visible()
    expect(page.locator("input[name=date_from]")).to_have_value("2018-09-12")
    page.get_by_test_id("all-sessions-link").click()
    page.wait_for_load_state("networkidle")
    main = page.locator("main")
    expect(main).to_contain_text("Sesi Jayapura")
    expect(main).to_contain_text("Sesi Jakarta")
    expect(main).not_to_contain_text("Sesi Makassar")
