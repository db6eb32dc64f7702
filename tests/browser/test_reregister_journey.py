"""A returning participant registers again through the QR link on a 390x844 phone: the stored record
stays as it was, and the coordinator accepts or rejects what they typed on the review page."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from audit.models import AuditAction, AuditEvent
from participants.models import Attendance, AttendanceStatus, Participant, ProposalStatus, ProposedChange
from tests.factories import AttendanceFactory, ParticipantFactory, PartnerFactory, TrainingSessionFactory
from users.models import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_returning_participant_reregisters_without_changing_the_stored_record(phone, live_server, login, make_user):
    partner = PartnerFactory()
    earlier = TrainingSessionFactory(partner=partner)
    person = ParticipantFactory(
        city=earlier.city, full_name="Maria Lumban", phone="+6285211112222", email="maria@tenun.id", business_name="Tenun Maria"
    )
    AttendanceFactory(participant=person, session=earlier, status=AttendanceStatus.ATTENDED, checked_in_at=timezone.now())
    now = timezone.now()
    session = TrainingSessionFactory(
        partner=partner, city=earlier.city, starts_at=now + dt.timedelta(hours=1), ends_at=now + dt.timedelta(hours=4)
    )
    stored_at = Participant.objects.get(pk=person.pk).updated_at

    phone.goto(f"{live_server.url}/r/{session.registration_token}/")
    phone.fill("input[name=full_name]", "Maria L.")
    phone.fill("input[name=phone]", "0852 1111 2222")
    phone.select_option("select[name=gender]", "female")
    phone.fill("input[name=business_name]", "Tenun Ikat Maria")
    phone.check("input[name=consent]")
    phone.get_by_test_id("register").click()

    expect(phone.get_by_test_id("registered")).to_be_visible()
    assert "Tenun Maria" not in phone.content() and "Maria Lumban" not in phone.content()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    stored = Participant.objects.get(pk=person.pk)
    assert (stored.full_name, stored.business_name, stored.updated_at) == ("Maria Lumban", "Tenun Maria", stored_at)
    assert Attendance.objects.get(participant=person, session=session).status == AttendanceStatus.REGISTERED
    proposal = ProposedChange.objects.get(participant=person)

    # The coordinator of the partner reviews it on the same phone and rejects the new name; htmx swaps the card.
    phone.context.clear_cookies()
    page = login(make_user(Role.PARTNER_COORDINATOR, partner=partner))
    page.goto(f"{live_server.url}/participants/proposed-changes/")
    card = page.get_by_test_id(f"proposal-{proposal.pk}")
    expect(card).to_contain_text("Tenun Ikat Maria")
    expect(card).to_contain_text("Tenun Maria")
    page.wait_for_function("() => window.htmx !== undefined")
    card.get_by_test_id("reject").click()

    expect(page.get_by_test_id("proposal-done")).to_contain_text("ditolak")
    assert ProposedChange.objects.get(pk=proposal.pk).status == ProposalStatus.REJECTED
    assert Participant.objects.get(pk=person.pk).full_name == "Maria Lumban"
    assert AuditEvent.objects.filter(action=AuditAction.CHANGE_REJECTED, object_id=str(person.pk)).count() == 1
