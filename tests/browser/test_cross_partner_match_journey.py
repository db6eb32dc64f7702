"""Issue 9: a trainer on a phone recognises a person trained by another partner without seeing who they are."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from audit.models import AuditAction, AuditEvent
from participants.models import Attendance, AttendanceStatus, Participant
from tests.browser.helpers import open_check_in
from tests.factories import AttendanceFactory, ParticipantFactory, PartnerFactory, TrainingSessionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_trainer_recognises_another_partners_person_only_by_hints_and_checks_them_in_with_a_reason(
    page, live_server, login, today
):
    page.set_viewport_size({"width": 390, "height": 844})
    user, session = today
    theirs = ParticipantFactory(
        city=session.city, full_name="Sari Manuhutu", phone="+6281277788899", business_name="Abon Ikan Sari"
    )
    earlier = TrainingSessionFactory(
        partner=PartnerFactory(), city=session.city, starts_at=dt.datetime(2018, 10, 3, 2, 0, tzinfo=dt.UTC)
    )
    AttendanceFactory(participant=theirs, session=earlier, status=AttendanceStatus.ATTENDED, checked_in_at=earlier.starts_at)

    login(user)
    open_check_in(page, live_server, session, "walk-in/")
    page.fill("input[name=full_name]", "Ibu")
    page.fill("input[name=phone]", "0812 7778 8899")

    match = page.get_by_test_id(f"match-{theirs.pk}")
    expect(match.get_by_test_id("match-hint")).to_have_text(f"S*** M., {session.city.name}, dilatih 2018")
    matches_text = page.get_by_test_id("matches").inner_text()
    for secret in ("Sari Manuhutu", "Manuhutu", "Abon Ikan Sari", "8899"):
        assert secret not in matches_text

    # without a reason the browser will not send it; with one, she is checked in
    match.get_by_role("button").click()
    assert not Attendance.objects.filter(session=session).exists()
    match.get_by_label("Orangnya ada di depan saya").check()
    match.get_by_role("button").click()

    expect(page).to_have_url(re.compile(rf"/trainer/sessions/{session.pk}/$"))
    row = page.get_by_test_id(f"row-{theirs.pk}")
    expect(row).to_contain_text("Sari Manuhutu")
    expect(row.get_by_test_id(f"guest-{theirs.pk}")).to_be_visible()
    expect(row.get_by_test_id("checked-in")).to_be_visible()
    expect(row).not_to_contain_text("Abon Ikan Sari")
    expect(row.get_by_test_id(f"edit-{theirs.pk}")).to_have_count(0)
    assert AuditEvent.objects.get(action=AuditAction.CROSS_PARTNER_MATCH).changes["reason"] == "present"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # her record stays closed to the trainer
    response = page.goto(f"{live_server.url}/participants/{theirs.pk}/")
    assert response.status in (403, 404)

    # undoing takes her off the list again
    open_check_in(page, live_server, session)
    page.get_by_test_id(f"row-{theirs.pk}").get_by_test_id("undo-check-in").click()
    expect(page.get_by_test_id("checkin-notice")).to_contain_text("tidak lagi ada di daftar sesi ini")
    expect(page.get_by_test_id(f"row-{theirs.pk}")).to_have_count(0)  # gone without a reload
    expect(page.get_by_test_id("count-attended")).to_have_text("0")
    page.reload()
    expect(page.get_by_test_id("roster")).not_to_contain_text("Sari Manuhutu")
    assert not Attendance.objects.filter(session=session).exists()
    assert Participant.objects.filter(phone="+6281277788899").count() == 1
