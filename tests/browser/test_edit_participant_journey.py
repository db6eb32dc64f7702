"""On a 390x844 phone a trainer corrects a phone typed wrongly at the door and sees it on the roster."""

import pytest
from playwright.sync_api import expect

from audit.models import AuditAction, AuditEvent
from tests.browser.helpers import open_check_in, person_registered_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_trainer_corrects_a_wrong_phone_from_the_roster(page, live_server, login, today):
    page.set_viewport_size({"width": 390, "height": 844})
    user, session = today
    person = person_registered_for(session, "Siti Aminah", phone="+6281234567809")

    login(user)
    open_check_in(page, live_server, session)
    row = page.get_by_test_id(f"row-{person.pk}")
    expect(row.get_by_test_id("row-phone")).to_have_text("0812-3456-7809")
    row.get_by_test_id(f"edit-{person.pk}").click()

    phone_field = page.get_by_label("Nomor HP (WhatsApp)")
    expect(phone_field).to_be_visible()
    assert phone_field.bounding_box()["width"] <= 390
    phone_field.fill("0812 3456 7890")
    page.get_by_test_id("save-participant").click()

    # Back on the roster of the session, with the corrected number.
    expect(page.get_by_test_id(f"row-{person.pk}").get_by_test_id("row-phone")).to_have_text("0812-3456-7890")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    event = AuditEvent.objects.get(action=AuditAction.PARTICIPANT_UPDATED)
    assert event.changes == {"fields": ["phone"]}
