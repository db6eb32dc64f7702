"""On a 390x844 phone: a late arrival added to yesterday's still-open session, the counter and every row of a
person following each check-in and undo without a reload, the coordinator reaching check-in from the menu,
and the sign-up sheet printing one row per place on A4 pages."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from participants.models import Attendance, AttendanceStatus
from tests.browser.helpers import htmx_ready, open_check_in, person_registered_for
from tests.factories import AttendanceFactory, ParticipantFactory, TrainingSessionFactory
from users.models import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_trainer_adds_a_late_arrival_to_yesterdays_open_session_and_closes_it(phone, live_server, login, today):
    user, todays = today
    starts = timezone.now() - dt.timedelta(days=1, hours=1)
    yesterday = TrainingSessionFactory(
        partner=todays.partner,
        city=todays.city,
        lead_trainer=todays.lead_trainer,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=3),
        title="Kelas kemarin",
    )
    late = person_registered_for(yesterday, "Rahmat Terlambat")

    page = login(user)
    past = page.get_by_test_id("past-open")
    expect(past).to_contain_text("Sesi lalu yang presensinya masih terbuka")
    expect(past).to_contain_text("Kelas kemarin")
    no_sideways_scroll(page)
    past.get_by_test_id(f"session-{yesterday.pk}").click()

    expect(page.get_by_test_id("session-title")).to_have_text("Kelas kemarin")
    htmx_ready(page)
    page.get_by_test_id("search").fill("Rahmat")
    page.get_by_test_id(f"result-{late.pk}").get_by_role("button", name="Catat hadir").click()
    expect(page.get_by_test_id("count-attended")).to_have_text("1")
    assert Attendance.objects.get(session=yesterday, participant=late).status == AttendanceStatus.ATTENDED

    page.get_by_test_id("close-attendance").click()
    page.get_by_test_id("confirm-close").click()
    expect(page.get_by_test_id("closed-note")).to_be_visible()
    page.goto(f"{live_server.url}/trainer/sessions/")
    expect(page.get_by_test_id(f"session-{todays.pk}")).to_be_visible()
    expect(page.get_by_test_id("past-open")).to_have_count(0)


def test_the_counter_and_every_row_of_a_person_follow_each_check_in_and_undo(phone, live_server, login, today):
    user, session = today
    siti = person_registered_for(session, "Siti Aminah")
    yohanes = person_registered_for(session, "Yohanes Tapilaha")
    earlier = TrainingSessionFactory(partner=session.partner, city=session.city, lead_trainer=session.lead_trainer)
    newcomer = AttendanceFactory(
        session=earlier, participant=ParticipantFactory(city=session.city, full_name="Siti Nurhaliza")
    ).participant

    page = login(user)
    open_check_in(page, live_server, session)
    attended, registered = page.get_by_test_id("count-attended"), page.get_by_test_id("count-registered")
    roster = page.get_by_test_id("roster")
    expect(attended).to_have_text("0")
    expect(registered).to_have_text("2")

    # from the search results: the counter and the same person's roster row further down follow
    page.get_by_test_id("search").fill("Siti")
    result = page.get_by_test_id(f"result-{siti.pk}")
    result.get_by_role("button", name="Catat hadir").click()
    expect(attended).to_have_text("1")
    expect(registered).to_have_text("1")
    expect(result.get_by_test_id("checked-in")).to_be_visible()
    expect(roster.get_by_test_id(f"row-{siti.pk}").get_by_test_id("checked-in")).to_be_visible()

    # from the roster
    roster.get_by_test_id(f"row-{yohanes.pk}").get_by_role("button", name="Catat hadir").click()
    expect(attended).to_have_text("2")
    expect(registered).to_have_text("0")

    # someone from the search who was not on this session's list joins the roster
    page.get_by_test_id(f"result-{newcomer.pk}").get_by_role("button", name="Catat hadir").click()
    expect(attended).to_have_text("3")
    expect(roster.get_by_test_id(f"row-{newcomer.pk}").get_by_test_id("checked-in")).to_be_visible()

    # undo in the roster moves the counter back and the search result offers the check-in again
    roster.get_by_test_id(f"row-{siti.pk}").get_by_test_id("undo-check-in").click()
    expect(attended).to_have_text("2")
    expect(registered).to_have_text("1")
    expect(result.get_by_role("button", name="Catat hadir")).to_be_visible()
    expect(roster.get_by_test_id(f"row-{siti.pk}")).to_contain_text("dibatalkan")

    # nothing drifted: a reload shows the same numbers
    page.reload()
    expect(page.get_by_test_id("count-attended")).to_have_text("2")
    expect(page.get_by_test_id("count-registered")).to_have_text("1")
    no_sideways_scroll(page)


def test_a_check_in_replayed_after_going_back_online_moves_the_counter(phone, live_server, login, today):
    user, session = today
    person = person_registered_for(session, "Ani Rahma")
    page = login(user)
    open_check_in(page, live_server, session)

    page.context.set_offline(True)
    page.get_by_test_id(f"row-{person.pk}").get_by_role("button").click()
    expect(page.get_by_test_id("queued")).to_be_visible()
    expect(page.get_by_test_id("count-attended")).to_have_text("0")

    page.context.set_offline(False)
    expect(page.get_by_test_id("count-attended")).to_have_text("1")
    expect(page.get_by_test_id(f"row-{person.pk}").get_by_test_id("undo-check-in")).to_be_visible()
    assert Attendance.objects.get(participant=person).status == AttendanceStatus.ATTENDED


def test_the_coordinator_reaches_the_check_in_page_from_the_menu(phone, live_server, login, make_user, today):
    _trainer, session = today
    coordinator = make_user(Role.PARTNER_COORDINATOR, partner=session.partner)

    page = login(coordinator)
    page.get_by_role("button", name=re.compile("navigasi|navigation", re.I)).click()
    page.get_by_test_id("nav-checkin").click()

    expect(page.get_by_test_id("home-title")).to_have_text("Presensi")
    page.get_by_test_id(f"session-{session.pk}").click()
    expect(page.get_by_test_id("session-title")).to_have_text(session.title)
    expect(page.get_by_test_id("counts")).to_be_visible()
    no_sideways_scroll(page)


def test_the_session_page_shows_the_registration_link_qr_and_sheet_to_the_coordinator(
    phone, live_server, login, make_user, today
):
    _trainer, session = today
    coordinator = make_user(Role.PARTNER_COORDINATOR, partner=session.partner)

    page = login(coordinator)
    page.goto(f"{live_server.url}/schedule/sessions/{session.pk}/")
    links = page.get_by_test_id("registration-links")
    expect(links.get_by_test_id("registration-url")).to_have_value(f"{live_server.url}/r/{session.registration_token}/")
    links.get_by_test_id("registration-qr").scroll_into_view_if_needed()
    expect(links.get_by_test_id("registration-qr")).to_be_visible()
    page.wait_for_function(
        "() => { const qr = document.querySelector('[data-testid=registration-qr]'); return qr.complete && qr.naturalWidth > 0; }"
    )
    no_sideways_scroll(page)
    page.get_by_test_id("open-checkin").click()
    expect(page.get_by_test_id("session-title")).to_have_text(session.title)


def test_the_sign_up_sheet_prints_a_row_per_place_on_a4_pages(page, live_server, login, today):
    user, session = today
    session.capacity = 70
    session.save(update_fields=["capacity"])

    login(user)
    page.goto(f"{live_server.url}/trainer/sessions/{session.pk}/sign-up-sheet/")
    expect(page.get_by_test_id("sheet-row")).to_have_count(70)
    # on the trainer's phone the page itself does not scroll sideways: the wide table scrolls in its box
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", prefer_css_page_size=True)

    # 17 rows under the QR code, then 22 a page: 4 pages, no page spilling over onto a fifth
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 4
