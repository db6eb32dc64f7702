"""Issue 3's journeys in a real browser: scheduling across time zones, double booking, invitations, scoping."""

import datetime as dt
import re
import zoneinfo

import pytest
from django.core import mail
from playwright.sync_api import expect

from cities.models import TimeZone
from sessions_app.services import session_assign_trainers, session_create
from tests.factories import CityFactory, PartnerFactory, ProgrammeFactory, RoadshowFactory, TrainerFactory
from users.models import Role
from users.roles import user_set_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

YEAR = dt.date.today().year + 1
WITA, WIT = zoneinfo.ZoneInfo("Asia/Makassar"), zoneinfo.ZoneInfo("Asia/Jayapura")


@pytest.fixture
def setting():
    programme = ProgrammeFactory(name=f"LAJU DIGITAL {YEAR}", starts_on=dt.date(YEAR, 1, 1), ends_on=dt.date(YEAR, 12, 31))
    partner = PartnerFactory(name="Yayasan Digital Timur", short_name="YDT")
    kupang = CityFactory(name="Kupang", time_zone=TimeZone.WITA)
    jayapura = CityFactory(name="Jayapura", time_zone=TimeZone.WIT)
    trainer = TrainerFactory(partner=partner, user__name="Yohanes Pelatih")
    user_set_role(user=trainer.user, role=Role.TRAINER, partner=partner)
    return {"programme": programme, "partner": partner, "kupang": kupang, "jayapura": jayapura, "trainer": trainer}


def submit(page):
    page.click("main form input[type=submit]")
    page.wait_for_load_state("networkidle")


def create_roadshow_and_session(page, base, city: str, day: int):
    page.goto(f"{base}/schedule/roadshows/new/")
    page.select_option("select[name=city]", label=city)
    page.select_option("select[name=partner]", label="YDT")
    page.fill("input[name=starts_on]", f"{YEAR}-03-01")
    page.fill("input[name=ends_on]", f"{YEAR}-03-10")
    submit(page)
    expect(page).to_have_url(re.compile(r"/schedule/sessions/new/\?roadshow=\d+$"))
    page.fill("input[name=title]", f"Kelas UMKM {city}")
    page.fill("input[name=venue]", "Aula Kantor Wali Kota")
    page.fill("input[name=date]", f"{YEAR}-03-{day:02d}")
    page.fill("input[name=start_time]", "09:00")
    page.fill("input[name=end_time]", "12:00")
    page.fill("input[name=capacity]", "40")
    submit(page)
    expect(page.get_by_test_id("session-title")).to_have_text(f"Kelas UMKM {city}")
    page.click("text=Tetapkan pelatih")
    page.select_option("select[name=lead_trainer]", label="Yohanes Pelatih")
    submit(page)
    expect(page.get_by_test_id("lead-trainer")).to_have_text("Yohanes Pelatih")


def test_admin_schedules_kupang_and_jayapura_and_sees_local_times_everywhere(page, live_server, make_user, login, setting):
    login(make_user(Role.PROGRAMME_ADMIN))
    expect(page.get_by_test_id("home-title")).to_have_text("Ikhtisar program")

    create_roadshow_and_session(page, live_server.url, "Kupang", 3)
    create_roadshow_and_session(page, live_server.url, "Jayapura", 4)

    # The list: each session in its own city's time, with the zone label.
    page.goto(f"{live_server.url}/schedule/")
    rows = page.get_by_test_id("session-row")
    expect(rows).to_have_count(2)
    expect(rows.nth(0).get_by_test_id("session-when")).to_have_text("3 Mar " + str(YEAR) + ", 09.00–12.00 WITA")
    expect(rows.nth(1).get_by_test_id("session-when")).to_have_text("4 Mar " + str(YEAR) + ", 09.00–12.00 WIT")

    # The calendar: each on its local day.
    page.click("text=Kalender")
    page.goto(f"{live_server.url}/schedule/calendar/?month={YEAR}-03")
    expect(page.locator(f"td[data-date='{YEAR}-03-03']")).to_contain_text("09.00 WITA Kupang")
    expect(page.locator(f"td[data-date='{YEAR}-03-04']")).to_contain_text("09.00 WIT Jayapura")

    # The same in English.
    page.click("#language-form button[value=en]")
    expect(page.locator(f"td[data-date='{YEAR}-03-04']")).to_contain_text("09:00 WIT Jayapura")

    # The trainer's feed, from the trainer's own page.
    page.click("form[action$='/accounts/logout/'] button")
    login(setting["trainer"].user)
    page.goto(f"{live_server.url}/schedule/mine/")
    expect(page.get_by_test_id("trainer-sessions")).to_contain_text("09:00–12:00 WITA")
    page.click("text=Create my calendar link")
    feed_url = page.get_by_test_id("feed-url").input_value()
    body = page.request.get(feed_url).text()
    assert f"DTSTART;TZID=Asia/Makassar:{YEAR}0303T090000" in body
    assert f"DTSTART;TZID=Asia/Jayapura:{YEAR}0304T090000" in body


def test_double_booked_trainer_is_refused_with_a_clear_message(page, live_server, make_user, login, setting):
    common = {
        "programme": setting["programme"],
        "partner": setting["partner"],
        "starts_on": dt.date(YEAR, 3, 1),
        "ends_on": dt.date(YEAR, 3, 10),
    }
    rs_kupang = RoadshowFactory(city=setting["kupang"], **common)
    rs_jayapura = RoadshowFactory(city=setting["jayapura"], **common)
    fields = {"capacity": 30, "audience": "umkm", "delivery": "online"}
    start = dt.datetime(YEAR, 3, 3, 9, tzinfo=WITA)  # 01.00-04.00 UTC
    kupang = session_create(
        roadshow=rs_kupang, title="Kelas Kupang", starts_at=start, ends_at=start + dt.timedelta(hours=3), **fields
    )
    session_assign_trainers(session=kupang, expected_version=kupang.version, lead_trainer=setting["trainer"])
    start = dt.datetime(YEAR, 3, 3, 9, tzinfo=WIT)  # 00.00-03.00 UTC: overlaps Kupang
    jayapura = session_create(
        roadshow=rs_jayapura, title="Kelas Jayapura", starts_at=start, ends_at=start + dt.timedelta(hours=3), **fields
    )

    login(make_user(Role.PROGRAMME_ADMIN))
    page.goto(f"{live_server.url}/schedule/sessions/{jayapura.pk}/trainers/")
    page.select_option("select[name=lead_trainer]", label="Yohanes Pelatih")
    submit(page)

    error = page.locator("#id_lead_trainer ~ .invalid-feedback, .invalid-feedback").first
    expect(error).to_contain_text(
        "Yohanes Pelatih sudah dijadwalkan untuk “Kelas Kupang” di Kupang pada 03/03/" + str(YEAR) + " 09.00 WITA"
    )
    page.goto(f"{live_server.url}/schedule/sessions/{jayapura.pk}/")
    expect(page.get_by_test_id("lead-trainer")).to_have_text("–")


def test_coordinator_invites_a_trainer_who_sets_a_password_and_logs_in(page, live_server, make_user, login, setting):
    coordinator = make_user(Role.PARTNER_COORDINATOR, partner=setting["partner"])
    login(coordinator)
    page.click("nav >> text=Undangan")
    page.fill("input[name=email]", "pelatih.baru@example.org")
    page.fill("input[name=name]", "Maria Pelatih")
    submit(page)
    expect(page.get_by_test_id("invitation-row").first).to_contain_text("pelatih.baru@example.org")

    link = re.search(r"(http\S+/invitations/accept/\S+/)", mail.outbox[-1].body).group(1)
    page.click("form[action$='/accounts/logout/'] button")
    page.goto(link)
    page.fill("input[name=password1]", "Matahari-Terbit-2018")
    page.fill("input[name=password2]", "Matahari-Terbit-2018")
    submit(page)
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))

    page.fill("input[name=login]", "pelatih.baru@example.org")
    page.fill("input[name=password]", "Matahari-Terbit-2018")
    page.click("form[action$='/accounts/login/'] button[type=submit]")
    expect(page.get_by_test_id("whoami")).to_have_text("Maria Pelatih")
    expect(page.get_by_test_id("home-title")).to_have_text("Sesi pelatihan saya")

    # The link was for one use only.
    page.click("form[action$='/accounts/logout/'] button")
    page.goto(link)
    expect(page.get_by_test_id("invitation-invalid")).to_be_visible()


def test_coordinator_cannot_open_another_partners_session(page, live_server, make_user, login, setting):
    other = PartnerFactory(name="Mitra Lain")
    roadshow = RoadshowFactory(
        programme=setting["programme"],
        partner=other,
        city=setting["kupang"],
        starts_on=dt.date(YEAR, 3, 1),
        ends_on=dt.date(YEAR, 3, 10),
    )
    start = dt.datetime(YEAR, 3, 3, 9, tzinfo=WITA)
    theirs = session_create(
        roadshow=roadshow,
        title="Sesi mitra lain",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        capacity=20,
        audience="umkm",
        delivery="in_person",
    )
    login(make_user(Role.PARTNER_COORDINATOR, partner=setting["partner"]))

    response = page.goto(f"{live_server.url}/schedule/sessions/{theirs.pk}/")
    assert response.status == 404
    response = page.goto(f"{live_server.url}/schedule/sessions/{theirs.pk}/edit/")
    assert response.status == 404
    page.goto(f"{live_server.url}/schedule/")
    expect(page.get_by_test_id("empty")).to_be_visible()
