"""The trainer's core flow on a 390x844 phone screen, and self-registration through the QR link."""

import re

import pytest
from playwright.sync_api import expect

from participants.models import Attendance, AttendanceStatus, Participant
from tests.browser.helpers import htmx_ready, open_check_in, person_registered_for
from tests.factories import AttendanceFactory, ParticipantFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_trainer_checks_in_adds_a_walk_in_is_offered_the_known_record_and_closes(phone, live_server, login, today):
    user, session = today
    returning = person_registered_for(session, "Siti Aminah", phone="+6281234567890")
    stayed_away = AttendanceFactory(
        session=session, participant=ParticipantFactory(city=session.city, full_name="Yohanes Tapilaha")
    )
    known = ParticipantFactory(
        city=session.city,
        full_name="Maria Lumban",
        phone="+6285211112222",
        business_name="Tenun Maria",
        home_partner=session.partner,  # a returning person of the trainer's own partner
    )

    page = login(user)
    expect(page).to_have_url(re.compile(r"/trainer/sessions/$"))
    page.get_by_test_id(f"session-{session.pk}").click()
    expect(page.get_by_test_id("session-title")).to_have_text(session.title)

    # search by phone in another format, then one tap
    htmx_ready(page)
    page.get_by_test_id("search").fill("0812 3456")
    results = page.get_by_test_id("search-results")
    expect(results).to_contain_text("Siti Aminah")
    results.get_by_role("button", name="Catat hadir").click()
    expect(results.get_by_test_id("checked-in")).to_be_visible()
    assert Attendance.objects.get(session=session, participant=returning).status == AttendanceStatus.ATTENDED

    # a walk-in
    page.reload()
    page.get_by_test_id("walk-in").click()
    page.fill("input[name=full_name]", "Budi Santoso")
    page.fill("input[name=phone]", "0813 9876 5432")
    page.select_option("select[name=gender]", "male")
    page.fill("input[name=business_name]", "Bengkel Budi")
    page.select_option("select[name=scale]", "mikro")
    page.check("input[name=consent]")
    page.get_by_test_id("save-walk-in").click()
    expect(page.get_by_test_id("roster")).to_contain_text("Budi Santoso")
    assert Participant.objects.get(full_name="Budi Santoso").phone == "+6281398765432"

    # typing a known phone in another format offers the existing record
    page.get_by_test_id("walk-in").click()
    htmx_ready(page)
    page.fill("input[name=full_name]", "Maria L")
    page.fill("input[name=phone]", "62 852-1111-2222")
    match = page.get_by_test_id(f"match-{known.pk}")
    expect(match).to_be_visible()
    match.get_by_role("button").click()
    expect(page.get_by_test_id("roster")).to_contain_text("Maria Lumban")
    assert Participant.objects.filter(phone="+6285211112222").count() == 1

    # close attendance: the rest become no-shows
    page.get_by_test_id("close-attendance").click()
    page.get_by_test_id("confirm-close").click()
    expect(page.get_by_test_id("closed-note")).to_be_visible()
    assert Attendance.objects.get(pk=stayed_away.pk).status == AttendanceStatus.NO_SHOW
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_double_tap_makes_one_attendance(phone, live_server, login, today):
    user, session = today
    person = person_registered_for(session, "Ani Rahma")
    page = login(user)
    open_check_in(page, live_server, session)

    page.get_by_test_id(f"row-{person.pk}").get_by_role("button").dblclick()

    expect(page.get_by_test_id(f"row-{person.pk}").get_by_test_id("checked-in")).to_be_visible()
    assert Attendance.objects.filter(session=session, participant=person).count() == 1


def test_check_in_while_offline_is_sent_when_back_online(phone, live_server, login, today):
    user, session = today
    person = person_registered_for(session, "Ani Rahma")
    page = login(user)
    open_check_in(page, live_server, session)

    page.context.set_offline(True)
    page.get_by_test_id(f"row-{person.pk}").get_by_role("button").click()
    expect(page.get_by_test_id("queued")).to_be_visible()
    expect(page.get_by_test_id("offline-banner")).to_be_visible()
    assert Attendance.objects.get(participant=person).status == AttendanceStatus.REGISTERED

    page.context.set_offline(False)
    expect(page.get_by_test_id(f"row-{person.pk}").get_by_test_id("checked-in")).to_be_visible()
    assert Attendance.objects.get(participant=person).status == AttendanceStatus.ATTENDED


def test_participant_self_registers_through_the_qr_link(phone, live_server, today):
    _, session = today
    page = phone
    page.goto(f"{live_server.url}/r/{session.registration_token}/")

    page.fill("input[name=full_name]", "Dewi Lestari")
    page.fill("input[name=phone]", "+62 811 4455 667")
    page.select_option("select[name=gender]", "female")
    page.fill("input[name=business_name]", "Dapur Dewi")
    page.get_by_test_id("register").click()
    expect(page.locator("#id_consent").locator("xpath=..").locator(".invalid-feedback")).to_be_visible()  # consent is required

    page.check("input[name=consent]")
    page.get_by_test_id("register").click()

    expect(page.get_by_test_id("registered")).to_be_visible()
    person = Participant.objects.get(phone="+628114455667")
    assert person.consent_version == "2018-08-v1"
    assert Attendance.objects.get(participant=person).status == AttendanceStatus.REGISTERED
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_full_session_link_says_so(phone, live_server, today):
    _, session = today
    session.capacity = 1
    session.save()
    AttendanceFactory(session=session)

    phone.goto(f"{live_server.url}/r/{session.registration_token}/")

    expect(phone.get_by_test_id("closed-reason")).to_contain_text("penuh")
