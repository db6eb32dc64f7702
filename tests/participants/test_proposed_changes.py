"""Staff of the person's partner (or an admin) accept or reject what a public form proposed."""

import datetime as dt
import json
import uuid

import pytest
from django.utils import timezone

from audit.models import AuditAction, AuditEvent
from participants.models import Participant, ProposalStatus, ProposedChange
from participants.services.registration import participant_register_self
from tests.factories import AttendanceFactory, ParticipantFactory, PartnerFactory, TrainerFactory, TrainingSessionFactory
from users.models import Role

pytestmark = pytest.mark.django_db

TYPED = {"full_name": "Siti Rahma Baru", "email": "siti.baru@contoh.id", "business_name": "Warung Siti Jaya"}


@pytest.fixture
def proposal(make_user):
    """Siti, trained by partner A, registered again through the link of A's next session, typing new details."""
    partner = PartnerFactory()
    earlier = TrainingSessionFactory(partner=partner)
    person = ParticipantFactory(
        city=earlier.city, full_name="Siti Rahma", phone="+6281144556677", email="siti@contoh.id", business_name="Warung Siti"
    )
    AttendanceFactory(participant=person, session=earlier)
    now = timezone.now()
    upcoming = TrainingSessionFactory(
        partner=partner, city=earlier.city, starts_at=now + dt.timedelta(days=1), ends_at=now + dt.timedelta(days=1, hours=2)
    )
    participant_register_self(session=upcoming, data={"phone": person.phone, "gender": "female", **TYPED}, client_id=uuid.uuid4())
    return ProposedChange.objects.get(participant=person), make_user(Role.PARTNER_COORDINATOR, partner=partner)


def test_the_coordinator_sees_stored_and_typed_values_side_by_side(client, proposal):
    change, coordinator = proposal
    client.force_login(coordinator)

    page = client.get("/participants/proposed-changes/").content.decode()

    assert f'data-testid="proposal-{change.pk}"' in page
    for stored, typed in (("Warung Siti", "Warung Siti Jaya"), ("siti@contoh.id", "siti.baru@contoh.id")):
        assert stored in page and typed in page
    detail = client.get(f"/participants/{change.participant_id}/").content.decode()
    assert 'data-testid="pending-proposals"' in detail


def test_accepting_applies_the_change_and_audits_field_names_only(client, proposal):
    change, coordinator = proposal
    client.force_login(coordinator)

    response = client.post(f"/participants/proposed-changes/{change.pk}/", {"action": "accept"}, follow=True)

    person = Participant.objects.get(pk=change.participant_id)
    assert (person.full_name, person.email, person.business_name) == tuple(TYPED.values())
    assert "Perubahan diterima" in response.content.decode()
    change.refresh_from_db()
    assert change.status == ProposalStatus.ACCEPTED and change.decided_by == coordinator and change.decided_at
    event = AuditEvent.objects.get(action=AuditAction.CHANGE_ACCEPTED)
    assert event.actor == coordinator and event.object_id == str(person.pk)
    assert event.changes["fields"] == ["business_name", "email", "full_name"]
    logged = json.dumps([e.changes for e in AuditEvent.objects.all()])
    assert not any(value in logged for value in [*TYPED.values(), "Siti Rahma", "Warung Siti"])


def test_rejecting_keeps_the_record_and_is_audited(client, proposal):
    change, coordinator = proposal
    before = Participant.objects.get(pk=change.participant_id)
    client.force_login(coordinator)

    response = client.post(f"/participants/proposed-changes/{change.pk}/", {"action": "reject"}, follow=True)

    after = Participant.objects.get(pk=change.participant_id)
    assert (after.full_name, after.email, after.business_name, after.updated_at) == (
        before.full_name,
        before.email,
        before.business_name,
        before.updated_at,
    )
    assert "Perubahan ditolak" in response.content.decode()
    assert ProposedChange.objects.get().status == ProposalStatus.REJECTED
    event = AuditEvent.objects.get(action=AuditAction.CHANGE_REJECTED)
    assert event.actor == coordinator and event.changes["fields"] == ["business_name", "email", "full_name"]
    assert not AuditEvent.objects.filter(action__in=[AuditAction.CHANGE_ACCEPTED, AuditAction.PARTICIPANT_UPDATED]).exists()
    assert 'data-testid="no-proposals"' in response.content.decode()


def test_a_decided_change_cannot_be_decided_again(client, proposal):
    change, coordinator = proposal
    client.force_login(coordinator)
    client.post(f"/participants/proposed-changes/{change.pk}/", {"action": "reject"})

    again = client.post(f"/participants/proposed-changes/{change.pk}/", {"action": "accept"}, follow=True)

    assert "sudah diputuskan" in again.content.decode()
    assert Participant.objects.get(pk=change.participant_id).full_name == "Siti Rahma"
    assert AuditEvent.objects.filter(action__in=[AuditAction.CHANGE_ACCEPTED, AuditAction.CHANGE_REJECTED]).count() == 1


def test_htmx_swaps_the_decided_card_in_place(client, proposal):
    change, coordinator = proposal
    client.force_login(coordinator)

    response = client.post(f"/participants/proposed-changes/{change.pk}/", {"action": "accept"}, HTTP_HX_REQUEST="true")

    body = response.content.decode()
    assert response.status_code == 200 and 'data-testid="proposal-done"' in body and "<html" not in body
    assert 'data-testid="accept"' not in body


def test_another_partners_coordinator_neither_sees_nor_decides(client, proposal, make_user):
    change, _ = proposal
    client.force_login(make_user(Role.PARTNER_COORDINATOR, partner=PartnerFactory()))

    page = client.get("/participants/proposed-changes/").content.decode()
    accept = client.post(f"/participants/proposed-changes/{change.pk}/", {"action": "accept"})
    reject = client.post(f"/participants/proposed-changes/{change.pk}/", {"action": "reject"})

    assert "Siti" not in page and f"proposal-{change.pk}" not in page
    assert accept.status_code == 404 and reject.status_code == 404
    assert ProposedChange.objects.get().status == ProposalStatus.PENDING
    assert Participant.objects.get(pk=change.participant_id).full_name == "Siti Rahma"


def test_trainers_and_aggregate_roles_are_refused(client, proposal, make_user):
    change, coordinator = proposal
    trainer = make_user(Role.TRAINER, partner=coordinator.partner)
    TrainerFactory(partner=coordinator.partner, user=trainer)
    for user in (trainer, make_user(Role.KSP_MONITOR), make_user(Role.POLICY_VIEWER, can_see_personal_data=True)):
        client.force_login(user)
        assert client.get("/participants/proposed-changes/").status_code == 403
        assert client.post(f"/participants/proposed-changes/{change.pk}/", {"action": "accept"}).status_code == 403
    assert ProposedChange.objects.get().status == ProposalStatus.PENDING


def test_an_admin_decides_any_partners_proposal(client, proposal, make_user):
    change, _ = proposal
    client.force_login(make_user(Role.PROGRAMME_ADMIN))

    assert f"proposal-{change.pk}" in client.get("/participants/proposed-changes/").content.decode()
    client.post(f"/participants/proposed-changes/{change.pk}/", {"action": "accept"})

    assert Participant.objects.get(pk=change.participant_id).business_name == "Warung Siti Jaya"


def test_erasing_the_person_deletes_their_proposals(client, proposal, make_user):
    change, _ = proposal
    client.force_login(make_user(Role.PROGRAMME_ADMIN))

    exported = client.get(f"/participants/{change.participant_id}/personal-data.json").json()
    client.post(f"/participants/{change.participant_id}/erase/", {"reason": "request", "reference": "PDP-2026-001"})

    assert exported["proposed_changes"][0]["values"]["business_name"] == "Warung Siti Jaya"
    assert Participant.objects.get(pk=change.participant_id).erased_at is not None
    assert not ProposedChange.objects.exists()


def test_the_review_page_costs_the_same_for_one_or_many_proposals(client, proposal, django_assert_max_num_queries):
    change, coordinator = proposal
    for n in range(6):
        other = ParticipantFactory(city=change.participant.city)
        AttendanceFactory(participant=other, session=change.session)
        ProposedChange.objects.create(participant=other, session=change.session, values={"full_name": f"Nama {n}"})
    client.force_login(coordinator)

    with django_assert_max_num_queries(4):
        page = client.get("/participants/proposed-changes/").content.decode()

    assert page.count('data-testid="proposal-') == 7
