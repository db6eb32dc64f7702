"""Data-subject requests (UU 27/2022): export on request, erasure that keeps the counts, the audit log."""

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from audit.models import AuditAction, AuditEvent
from notifications.models import ContactPreference, Notification, NotificationState
from participants.models import Attendance, AttendanceStatus, DuplicateCandidate, DuplicateStatus, Participant
from participants.services.merging import participant_merge
from participants.services.privacy import participant_erase
from progress.models import ProgressSnapshot
from progress.services import progress_rebuild, slice_key
from tests.factories import (
    AttendanceFactory,
    CityFactory,
    ParticipantFactory,
    PartnerFactory,
    ProgrammeFactory,
    TrainingSessionFactory,
)
from users.models import Role

pytestmark = pytest.mark.django_db


def _notification(person, *, state, subject, sent_at=None, channel="whatsapp"):
    return Notification.objects.create(
        kind="session_day_before",
        channel=channel,
        state=state,
        recipient_key=f"participant:{person.pk}",
        participant=person,
        subject_key=subject,
        language="id",
        to=person.phone,
        body=f"Halo {person.full_name}, besok pelatihan.",
        params=[person.full_name],
        send_after=timezone.now(),
        sent_at=sent_at,
    )


@pytest.fixture
def person():
    city = CityFactory(name="Ambon", time_zone="Asia/Jayapura")
    session = TrainingSessionFactory(
        city=city, title="Jualan di Facebook", starts_at=dt.datetime(2018, 9, 12, 1, 0, tzinfo=dt.UTC)
    )
    person = ParticipantFactory(
        city=city, full_name="Siti Aminah", phone="+6281211112222", email="siti@example.id", nib="1234567890123"
    )
    person.whatsapp_opt_in = True
    person.save()
    AttendanceFactory(participant=person, session=session, status=AttendanceStatus.ATTENDED, checked_in_at=session.starts_at)
    ContactPreference.objects.create(recipient_key=f"participant:{person.pk}", participant=person, language="id")
    return person


def test_admin_downloads_everything_held_about_the_person_and_nothing_about_others(client, make_user, person):
    admin = make_user(Role.PROGRAMME_ADMIN)
    sent = _notification(person, state=NotificationState.SENT, subject="s:1", sent_at=timezone.now())
    other = ParticipantFactory(full_name="Orang Lain")
    _notification(other, state=NotificationState.SENT, subject="s:1")
    client.force_login(admin)

    response = client.get(f"/participants/{person.pk}/personal-data.json")

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["participant"]["full_name"] == "Siti Aminah"
    assert data["participant"]["phone"] == "+6281211112222"
    assert data["participant"]["nib"] == "1234567890123"
    assert data["consent"]["version"] == "2018-08-v1" and data["consent"]["given_at"]
    assert data["whatsapp_opt_in"] is True
    assert data["contact_preference"] == {"language": "id", "opted_out_at": None}
    [attendance] = data["attendances"]
    assert attendance["session"] == "Jualan di Facebook" and attendance["city"] == "Ambon"
    assert attendance["starts_at_local"] == "2018-09-12 10:00 WIT"
    assert data["notifications"] == [
        {"channel": "whatsapp", "kind": "session_day_before", "state": "sent", "sent_at": sent.sent_at.isoformat()}
    ]
    assert "Orang Lain" not in response.content.decode()
    event = AuditEvent.objects.get(action=AuditAction.PERSONAL_DATA_EXPORTED)
    assert (event.actor, event.object_id) == (admin, str(person.pk))


@pytest.mark.parametrize("role", [Role.PARTNER_COORDINATOR, Role.TRAINER, Role.KSP_MONITOR, Role.POLICY_VIEWER])
def test_nobody_but_an_admin_may_export_or_erase(client, make_user, person, role):
    client.force_login(make_user(role, partner=PartnerFactory() if role in (Role.PARTNER_COORDINATOR, Role.TRAINER) else None))

    assert client.get(f"/participants/{person.pk}/personal-data.json").status_code in (403, 404)
    assert client.post(f"/participants/{person.pk}/erase/", {"reason": "x"}).status_code in (403, 404)

    person.refresh_from_db()
    assert person.erased_at is None and person.full_name == "Siti Aminah"
    assert not AuditEvent.objects.filter(object_type="participants.participant").exists()


def test_erasure_needs_a_reason_and_the_confirmation_step(client, make_user, person):
    client.force_login(make_user(Role.PROGRAMME_ADMIN))

    page = client.get(f"/participants/{person.pk}/erase/")
    missing = client.post(f"/participants/{person.pk}/erase/", {"reason": "  "})

    assert page.status_code == 200 and 'data-testid="confirm-erase"' in page.content.decode()
    assert missing.status_code == 200 and "is-invalid" in missing.content.decode()
    person.refresh_from_db()
    assert person.erased_at is None


def test_erasure_blanks_the_person_cancels_their_messages_and_keeps_the_attendance(client, make_user, person):
    admin = make_user(Role.PROGRAMME_ADMIN)
    pending = _notification(person, state=NotificationState.PENDING, subject="s:2")
    sent = _notification(person, state=NotificationState.SENT, subject="s:1", sent_at=timezone.now())
    other = ParticipantFactory(city=person.city, full_name="Budi Santoso")
    other_pending = _notification(other, state=NotificationState.PENDING, subject="s:2")
    DuplicateCandidate.objects.create(participant=other, existing=person, reason="same name")
    client.force_login(admin)

    response = client.post(f"/participants/{person.pk}/erase/", {"reason": "request", "reference": "PDP-2026-028"}, follow=True)

    assert response.status_code == 200
    person.refresh_from_db()
    assert person.full_name == f"Dihapus #{person.pk}"
    assert (person.phone, person.email, person.nib, person.business_name, person.agency) == ("", "", "", "", "")
    assert person.erased_at is not None and person.whatsapp_opt_in is False
    assert person.gender and person.city_id  # the anonymous facts stay for the counts
    assert Attendance.objects.filter(participant=person, status=AttendanceStatus.ATTENDED).count() == 1
    pending.refresh_from_db()
    sent.refresh_from_db()
    assert pending.state == NotificationState.CANCELLED
    assert (sent.state, sent.to, sent.body, sent.params) == (NotificationState.SENT, "", "", [])
    other_pending.refresh_from_db()
    assert other_pending.state == NotificationState.PENDING and other_pending.body
    assert DuplicateCandidate.objects.get().status == DuplicateStatus.DISMISSED
    event = AuditEvent.objects.get(action=AuditAction.PERSONAL_DATA_ERASED)
    assert event.actor == admin and event.changes["notifications_cancelled"] == 1
    assert "Siti" not in json.dumps(event.changes) and "+62812" not in json.dumps(event.changes)
    assert 'data-testid="erased-notice"' in response.content.decode()


def test_erasing_twice_changes_nothing(make_user, person):
    admin = make_user(Role.PROGRAMME_ADMIN)

    assert participant_erase(participant=person, by=admin, reason="request", reference="PDP-1") is True
    first = Participant.objects.get(pk=person.pk)
    assert participant_erase(participant=person, by=admin, reason="request", reference="PDP-1") is False

    again = Participant.objects.get(pk=person.pk)
    assert (again.erased_at, again.updated_at, again.full_name) == (first.erased_at, first.updated_at, first.full_name)
    assert AuditEvent.objects.filter(action=AuditAction.PERSONAL_DATA_ERASED).count() == 1


def test_erasure_without_a_reason_is_refused(make_user, person):
    with pytest.raises(ValidationError):
        participant_erase(participant=person, by=make_user(Role.PROGRAMME_ADMIN), reason=" ")
    person.refresh_from_db()
    assert person.erased_at is None


def test_erasure_also_erases_the_records_merged_into_the_person(make_user, person):
    admin = make_user(Role.PROGRAMME_ADMIN)
    old = ParticipantFactory(city=person.city, full_name="Siti A.", phone="+6281299990000")
    participant_merge(keep=person, lose=old, by=admin)

    participant_erase(participant=person, by=admin, reason="request", reference="PDP-1")

    old.refresh_from_db()
    assert old.full_name == f"Dihapus #{old.pk}" and old.phone == "" and old.erased_at
    assert AuditEvent.objects.filter(action=AuditAction.PARTICIPANT_MERGED, object_id=str(person.pk)).exists()


def test_an_erased_person_is_gone_from_lists_search_and_exports(client, make_user, person):
    admin = make_user(Role.PROGRAMME_ADMIN)
    participant_erase(participant=person, by=admin, reason="request", reference="PDP-1")
    client.force_login(admin)

    listing = client.get("/participants/", {"q": "Dihapus"}).content.decode()
    export = b"".join(client.get("/participants/export/participants.csv").streaming_content).decode()

    assert f"Dihapus #{person.pk}" not in listing
    assert f"Dihapus #{person.pk}" not in export and "Siti" not in export


def test_progress_totals_are_the_same_before_and_after_erasure(make_user):
    programme = ProgrammeFactory()
    city = CityFactory()
    sessions = [
        TrainingSessionFactory(programme=programme, city=city, starts_at=dt.datetime(2018, 9, day, 1, tzinfo=dt.UTC))
        for day in (10, 12)
    ]
    people = [ParticipantFactory(city=city, gender=g) for g in ("female", "male", "female", "female")]
    for i, person in enumerate(people):
        for session in sessions[: 1 + i % 2]:
            Attendance.objects.create(participant=person, session=session, status="attended", checked_in_at=timezone.now())
    Attendance.objects.create(participant=people[0], session=TrainingSessionFactory(programme=programme, city=city))

    def snapshot():
        progress_rebuild(programme_id=programme.pk)
        rows = ProgressSnapshot.objects.filter(programme=programme).values().order_by("key")
        return {row["key"]: {k: v for k, v in row.items() if k not in ("id", "computed_at")} for row in rows}

    before = snapshot()
    admin = make_user(Role.PROGRAMME_ADMIN)
    for person in people[:3]:
        participant_erase(participant=person, by=admin, reason="request", reference="PDP-1")
    after = snapshot()

    assert before and before == after
    total = after[slice_key()]
    assert total["umkm_trained"] == 4 and total["umkm_women"] == 3


def test_erasure_also_blanks_the_person_in_uploaded_lists(make_user):
    from participants.models import ParticipantImport
    from participants.services.privacy import participant_erase
    from tests.factories import ParticipantFactory

    admin = make_user("programme_admin")
    person = ParticipantFactory(full_name="Siti Erasable", phone="+6281299990001")
    other = ParticipantFactory(full_name="Budi Tetap", phone="+6281299990002")
    job = ParticipantImport.objects.create(
        created_by=admin,
        file_name="daftar.csv",
        rows=[
            {"session": "1", "full_name": "Siti Erasable", "phone": "0812-9999-0001"},
            {"session": "1", "full_name": "Budi Tetap", "phone": "081299990002"},
        ],
        preview=[
            {"row": 2, "name": "Siti Erasable", "phone": "+6281299990001", "action": "create", "reason": "new participant"},
            {
                "row": 3,
                "name": "Budi Tetap",
                "phone": "+6281299990002",
                "action": "create",
                "reason": "possible duplicate of Siti Erasable",
            },
        ],
    )

    participant_erase(participant=person, by=admin, reason="request", reference="PDP/2026/29")

    job.refresh_from_db()
    assert "Siti Erasable" not in str(job.rows) + str(job.preview)
    assert "0001" not in str(job.rows) + str(job.preview)
    assert job.rows[1]["full_name"] == other.full_name
    assert job.preview[1]["name"] == "Budi Tetap"


def test_old_free_text_erasure_reasons_become_other_with_no_text():
    import importlib

    from django.apps import apps

    migration = importlib.import_module("participants.migrations.0008_erasure_reason_choice")
    old = AuditEvent.objects.create(
        action=AuditAction.PERSONAL_DATA_ERASED, changes={"fields": ["phone"], "reason": "Permintaan Siti Aminah, 28/11"}
    )
    new = AuditEvent.objects.create(action=AuditAction.PERSONAL_DATA_ERASED, changes={"reason": "request", "reference": "PDP-1"})

    migration.reasons_to_choice(apps, None)

    old.refresh_from_db()
    new.refresh_from_db()
    assert old.changes == {"fields": ["phone"], "reason": "other", "reference": ""}
    assert new.changes == {"reason": "request", "reference": "PDP-1"}
