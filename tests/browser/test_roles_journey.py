import re

import pytest
from playwright.sync_api import expect

from tests.factories import PartnerFactory
from users.models import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HOMES = {
    Role.PROGRAMME_ADMIN: ("/schedule/overview/", "Ikhtisar program"),
    Role.PARTNER_COORDINATOR: ("/schedule/", "Jadwal roadshow"),
    Role.TRAINER: ("/trainer/sessions/", "Sesi pelatihan saya"),
    Role.POLICY_VIEWER: ("/monitoring/dashboard/", "Dasbor kebijakan"),
    Role.KSP_MONITOR: ("/monitoring/ksp/", "Pemantauan KSP"),
}


@pytest.mark.parametrize("role", list(HOMES))
def test_each_role_logs_in_and_lands_on_its_home(page, live_server, make_user, login, role):
    partner = PartnerFactory() if role in (Role.PARTNER_COORDINATOR, Role.TRAINER) else None
    user = make_user(role, partner=partner)

    login(user)

    path, title = HOMES[role]
    expect(page).to_have_url(re.compile(re.escape(path) + "$"))
    expect(page.get_by_test_id("home-title")).to_have_text(title)
    expect(page.get_by_test_id("home-identity")).to_contain_text(user.email)


def test_switching_to_english_and_back(page, live_server, make_user, login):
    user = make_user(Role.KSP_MONITOR)
    login(user)
    expect(page.get_by_test_id("home-title")).to_have_text("Pemantauan KSP")

    page.click("#language-form button[value=en]")
    expect(page.get_by_test_id("home-title")).to_have_text("KSP monitoring")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.click("#language-form button[value=id]")
    expect(page.get_by_test_id("home-title")).to_have_text("Pemantauan KSP")


def test_wrong_password_is_refused_with_a_message(page, live_server, make_user, login):
    user = make_user(Role.TRAINER, partner=PartnerFactory())

    login(user, password="not-the-password")

    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.locator("form .alert, form .invalid-feedback, .alert-danger").first).to_be_visible()


def test_home_works_on_a_phone(page, live_server, make_user, login):
    page.set_viewport_size({"width": 390, "height": 844})
    user = make_user(Role.TRAINER, partner=PartnerFactory())
    login(user)

    expect(page.get_by_test_id("home-title")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390


def test_language_switch_is_reachable_on_a_phone(page, live_server, make_user, login):
    page.set_viewport_size({"width": 390, "height": 844})
    login(make_user(Role.POLICY_VIEWER))

    page.click("#language-form button[value=en]")

    expect(page.get_by_test_id("home-title")).to_have_text("Policy dashboards")
