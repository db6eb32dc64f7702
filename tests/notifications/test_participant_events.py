"""notifications follows participants through participants/events.py, never the other way round (issue 11)."""

import pytest
from django.db import transaction
from django.utils import timezone

from notifications.models import ContactPreference, Notification, NotificationState
from participants.events import participant_created, personal_data_erase
from participants.models import ErasureReason, Participant
from participants.services.privacy import participant_erase, participant_personal_data
from tests.factories import ParticipantFactory
from umkm_program.events import send_on_commit
from users.models import Role

pytestmark = pytest.mark.django_db


def test_a_new_persons_language_is_kept_only_when_the_registration_commits(django_capture_on_commit_callbacks):
    kept, rolled_back = ParticipantFactory(), ParticipantFactory()

    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            send_on_commit(participant_created, sender=Participant, participant_id=rolled_back.pk, language="en")
            raise RuntimeError("the registration failed after the event was announced")
        with transaction.atomic():
            send_on_commit(participant_created, sender=Participant, participant_id=kept.pk, language="en")

    assert ContactPreference.objects.get(participant=kept).language == "en"
    assert not ContactPreference.objects.filter(participant=rolled_back).exists()


def _pending_message(person):
    return Notification.objects.create(
        kind="session_day_before",
        channel="whatsapp",
        state=NotificationState.PENDING,
        recipient_key=f"participant:{person.pk}",
        participant=person,
        subject_key="s:1",
        language="id",
        to=person.phone,
        body=f"Halo {person.full_name}, besok pelatihan.",
        params=[person.full_name],
        send_after=timezone.now(),
    )


def test_an_erasure_that_fails_in_an_app_above_leaves_nothing_half_erased(make_user):
    admin = make_user(Role.PROGRAMME_ADMIN)
    person = ParticipantFactory(full_name="Siti Rahma")
    message = _pending_message(person)

    def outbox_down(sender, **kwargs):
        raise RuntimeError("the outbox could not be erased")

    personal_data_erase.connect(outbox_down, dispatch_uid="test.outbox_down")
    try:
        with pytest.raises(RuntimeError):
            participant_erase(participant=person, by=admin, reason=ErasureReason.REQUEST, reference="PDP-2026-001")
    finally:
        personal_data_erase.disconnect(dispatch_uid="test.outbox_down")

    person.refresh_from_db()
    message.refresh_from_db()
    assert person.erased_at is None and person.full_name == "Siti Rahma"
    assert message.state == NotificationState.PENDING and "Siti Rahma" in message.body

    assert participant_erase(participant=person, by=admin, reason=ErasureReason.REQUEST, reference="PDP-2026-001") is True
    message.refresh_from_db()
    assert message.state == NotificationState.CANCELLED and message.body == ""


def test_the_export_includes_what_the_outbox_holds_about_the_person():
    person = ParticipantFactory()
    _pending_message(person)

    data = participant_personal_data(participant=person)

    assert [n["state"] for n in data["notifications"]] == [NotificationState.PENDING]
    assert set(data["contact_preference"]) == {"language", "opted_out_at"}
