"""Undoing a mistaken check-in on the phone, and an admin erasing a person's data on request."""

import re

import pytest
from playwright.sync_api import expect

from participants.models import Attendance, AttendanceStatus, Participant
from tests.browser.helpers import open_check_in, person_registered_for
from tests.factories import ParticipantFactory
from users.models import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_trainer_undoes_a_mistaken_check_in(page, live_server, login, today):
    page.set_viewport_size({"width": 390, "height": 844})
    user, session = today
    person = person_registered_for(session, "Siti Aminah")

    login(user)
    open_check_in(page, live_server, session)
    row = page.get_by_test_id(f"row-{person.pk}")
    row.get_by_role("button", name="Catat hadir").click()
    expect(row.get_by_test_id("checked-in")).to_be_visible()

    row.get_by_test_id("undo-check-in").click()
    expect(row.get_by_role("button", name="Catat hadir")).to_be_visible()
    expect(row).to_contain_text("dibatalkan")
    assert Attendance.objects.get(session=session, participant=person).status == AttendanceStatus.REGISTERED


def test_admin_erases_a_person_with_a_reason(page, live_server, login, make_user):
    admin = make_user(Role.PROGRAMME_ADMIN)
    person = ParticipantFactory(full_name="Yohanes Tapilaha", phone="+6281277778888")

    login(admin)
    page.goto(f"{live_server.url}/participants/{person.pk}/")
    expect(page.get_by_test_id("export-personal-data")).to_be_visible()
    page.get_by_test_id("erase-personal-data").click()
    page.get_by_test_id("confirm-erase").click()
    expect(page.locator(".invalid-feedback, .is-invalid").first).to_be_visible()  # the reason is required
    page.check("input[name=reason][value=request]")
    page.fill("input[name=reference]", "PDP-2026-028")
    page.get_by_test_id("confirm-erase").click()

    expect(page).to_have_url(re.compile(rf"/participants/{person.pk}/$"))
    expect(page.get_by_test_id("erased-notice")).to_be_visible()
    expect(page.get_by_test_id("participant-name")).to_have_text(f"Dihapus #{person.pk}")
    assert Participant.objects.get(pk=person.pk).phone == ""
