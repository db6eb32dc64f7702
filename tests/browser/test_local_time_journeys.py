"""Issue 10 in the browser on a phone (390x844): sessions at 09.00 WIT and 09.00 WITA read 09.00 on the
trainer's list, the check-in page and the public registration page and its confirmation; a session
edited in the browser saves without its date being typed again."""

import datetime as dt
import re
import zoneinfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cities.models import TimeZone
from tests.factories import CityFactory, PartnerFactory, ProgrammeFactory, TrainerFactory, TrainingSessionFactory
from users.models import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def two_zones(make_user):
    """A trainer leading a Jayapura (WIT) and a Kupang (WITA) session, both 09.00–12.00 local, two days ahead."""
    programme = ProgrammeFactory(starts_on=dt.date(2018, 8, 14), ends_on=timezone.localdate() + dt.timedelta(days=365))
    partner = PartnerFactory()
    user = make_user(Role.TRAINER, partner=partner)
    trainer = TrainerFactory(partner=partner, user=user)
    sessions = {}
    for name, zone in (("Jayapura", TimeZone.WIT), ("Kupang", TimeZone.WITA)):
        tz = zoneinfo.ZoneInfo(zone)
        day = timezone.now().astimezone(tz).date() + dt.timedelta(days=2)
        start = dt.datetime.combine(day, dt.time(9, 0), tzinfo=tz)
        sessions[name] = TrainingSessionFactory(
            programme=programme,
            partner=partner,
            lead_trainer=trainer,
            city=CityFactory(name=name, time_zone=zone),
            title=f"Kelas UMKM {name}",
            starts_at=start,
            ends_at=start + dt.timedelta(hours=3),
        )
    return user, sessions


def test_trainer_and_public_pages_show_nine_local_in_wit_and_wita(page, live_server, login, two_zones):
    user, sessions = two_zones
    page.set_viewport_size(PHONE)
    login(user)
    page.goto(f"{live_server.url}/trainer/sessions/")
    for name, label in (("Jayapura", "WIT"), ("Kupang", "WITA")):
        session = sessions[name]
        row = page.get_by_test_id(f"session-{session.pk}")
        expect(row.get_by_test_id("session-when")).to_contain_text(f"09.00–12.00 {label}")
        expect(row).not_to_contain_text("07.00")
        expect(row).not_to_contain_text("08.00")

    for name, label in (("Jayapura", "WIT"), ("Kupang", "WITA")):
        page.goto(f"{live_server.url}/trainer/sessions/")
        page.get_by_test_id(f"session-{sessions[name].pk}").click()
        expect(page.get_by_test_id("session-title")).to_have_text(f"Kelas UMKM {name}")
        expect(page.get_by_test_id("session-when")).to_contain_text(f"09.00–12.00 {label}")

    page.context.clear_cookies()  # a participant on their own phone
    for name, label in (("Jayapura", "WIT"), ("Kupang", "WITA")):
        token = sessions[name].registration_token
        page.goto(f"{live_server.url}/r/{token}/")
        expect(page.get_by_test_id("session-when")).to_have_text(re.compile(rf"09\.00–12\.00 {label}$"))
        page.goto(f"{live_server.url}/r/{token}/done/")
        expect(page.locator("main")).to_contain_text(f"09.00–12.00 {label}")
        expect(page.locator("main")).not_to_contain_text("07.00")


def test_admin_edits_a_session_and_saves_without_retyping_its_date(page, live_server, login, make_user, two_zones):
    _user, sessions = two_zones
    session = sessions["Jayapura"]
    local_day = session.starts_at.astimezone(zoneinfo.ZoneInfo(TimeZone.WIT)).date()
    page.set_viewport_size(PHONE)
    login(make_user(Role.PROGRAMME_ADMIN))

    page.goto(f"{live_server.url}/schedule/sessions/{session.pk}/edit/")
    expect(page.locator("input[name=date]")).to_have_value(local_day.isoformat())
    expect(page.locator("input[name=start_time]")).to_have_value("09:00")
    page.fill("input[name=title]", "Kelas UMKM Jayapura (lanjutan)")
    page.click("main form input[type=submit]")
    page.wait_for_load_state("networkidle")

    expect(page.get_by_test_id("session-title")).to_have_text("Kelas UMKM Jayapura (lanjutan)")
    expect(page.get_by_test_id("session-when")).to_contain_text("09.00–12.00 WIT")
    session.refresh_from_db()
    assert session.title == "Kelas UMKM Jayapura (lanjutan)"
    assert session.starts_at.astimezone(zoneinfo.ZoneInfo(TimeZone.WIT)) == dt.datetime.combine(
        local_day, dt.time(9, 0), tzinfo=zoneinfo.ZoneInfo(TimeZone.WIT)
    )
