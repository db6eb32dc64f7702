"""Retention: erased a set time after all of a person's programmes ended; old uploaded rows and message texts dropped."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from audit.models import AuditAction, AuditEvent
from notifications.models import Notification, NotificationState
from notifications.services.outbox import notification_texts_drop_old
from participants.models import Attendance, ImportStatus, Participant, ParticipantImport
from participants.services.retention import import_rows_drop_old, participants_due_for_erasure, retention_erase_due
from participants.tasks import apply_retention
from progress.models import ProgressSnapshot
from progress.services import progress_rebuild
from tests.factories import CityFactory, ParticipantFactory, ProgrammeFactory, TrainingSessionFactory
from users.models import Role

pytestmark = pytest.mark.django_db
TODAY = dt.date(2021, 1, 1)


@pytest.fixture
def programmes():
    old = ProgrammeFactory(starts_on=dt.date(2018, 8, 1), ends_on=dt.date(2019, 8, 1), personal_data_retention_days=365)
    unset = ProgrammeFactory(starts_on=dt.date(2018, 8, 1), ends_on=dt.date(2019, 8, 1))
    running = ProgrammeFactory(starts_on=dt.date(2020, 8, 1), ends_on=dt.date(2021, 8, 1), personal_data_retention_days=30)
    return old, unset, running


def _attend(person, programme, city):
    session = TrainingSessionFactory(programme=programme, city=city)
    Attendance.objects.create(participant=person, session=session, status="attended", checked_in_at=session.starts_at)


def test_only_people_whose_programmes_all_ended_past_their_period_are_due(programmes):
    old, unset, running = programmes
    city = CityFactory()
    due = ParticipantFactory(city=city, full_name="Ani Lama")
    _attend(due, old, city)
    also_in_running = ParticipantFactory(city=city)
    _attend(also_in_running, old, city)
    _attend(also_in_running, running, city)
    in_unset = ParticipantFactory(city=city)
    _attend(in_unset, unset, city)
    never_attended = ParticipantFactory(city=city)

    assert list(participants_due_for_erasure(today=TODAY)) == [due]
    assert list(participants_due_for_erasure(today=dt.date(2020, 7, 31))) == []  # one day before the period ends

    assert retention_erase_due(today=TODAY) == 1
    assert retention_erase_due(today=TODAY) == 0  # a second run finds nothing
    for person in (due, also_in_running, in_unset, never_attended):
        person.refresh_from_db()
    assert due.erased_at is not None and due.full_name == f"Dihapus #{due.pk}"
    assert all(p.erased_at is None for p in (also_in_running, in_unset, never_attended))
    event = AuditEvent.objects.get(action=AuditAction.PERSONAL_DATA_ERASED)
    assert event.changes["reason"] == "retention" and event.actor is None


def test_the_counts_are_the_same_after_retention(programmes):
    old = programmes[0]
    city = CityFactory()
    people = [ParticipantFactory(city=city, gender=g) for g in ("female", "male", "female")]
    for person in people:
        _attend(person, old, city)

    def snapshot():
        progress_rebuild(programme_id=old.pk)
        rows = ProgressSnapshot.objects.filter(programme=old).values().order_by("key")
        return {row["key"]: {k: v for k, v in row.items() if k not in ("id", "computed_at")} for row in rows}

    before = snapshot()
    assert retention_erase_due(today=TODAY) == 3
    assert Participant.objects.filter(erased_at__isnull=False).count() == 3
    assert before and snapshot() == before


def test_the_report_is_a_dry_run_and_apply_erases(programmes):
    old = programmes[0]
    city = CityFactory()
    person = ParticipantFactory(city=city, full_name="Budi Laporan")
    _attend(person, old, city)
    out = io.StringIO()

    call_command("retention_report", stdout=out)

    person.refresh_from_db()
    assert person.erased_at is None
    assert "Participants due for erasure today: 1" in out.getvalue()
    assert "no retention period set" in out.getvalue() and "erase after 2020-07-31 (due)" in out.getvalue()

    call_command("retention_report", "--apply", stdout=io.StringIO())
    person.refresh_from_db()
    assert person.erased_at is not None


def test_old_uploaded_rows_are_dropped_and_their_counts_kept(make_user):
    admin = make_user(Role.PROGRAMME_ADMIN)
    rows = [{"session": "1", "full_name": "Ani", "phone": "081211112222"}]
    done = ParticipantImport.objects.create(
        created_by=admin, file_name="a.csv", rows=rows, preview=rows, status=ImportStatus.DONE, total_rows=1, created_count=1
    )
    stale_preview = ParticipantImport.objects.create(created_by=admin, file_name="b.csv", rows=rows, preview=rows)
    recent = ParticipantImport.objects.create(created_by=admin, file_name="c.csv", rows=rows, preview=rows)
    ParticipantImport.objects.filter(pk__in=[done.pk, stale_preview.pk]).update(created_at=timezone.now() - dt.timedelta(days=31))

    assert import_rows_drop_old() == 2
    done.refresh_from_db()
    recent.refresh_from_db()
    assert (done.rows, done.preview, done.total_rows, done.created_count) == ([], [], 1, 1)
    assert not ParticipantImport.objects.filter(pk=stale_preview.pk).exists()
    assert recent.rows == rows
    assert import_rows_drop_old() == 0


def test_old_message_texts_are_dropped_pending_ones_kept():
    person = ParticipantFactory(full_name="Citra Pesan", phone="+6281255556666")

    def message(subject, state):
        return Notification.objects.create(
            kind="session_day_before",
            channel="whatsapp",
            state=state,
            recipient_key=f"participant:{person.pk}",
            participant=person,
            subject_key=subject,
            language="id",
            to=person.phone,
            body="Halo Citra Pesan",
            params=["Citra Pesan"],
            last_error="500 provider error: +6281255556666",
            send_after=timezone.now(),
        )

    sent, pending = message("s:1", NotificationState.SENT), message("s:2", NotificationState.PENDING)
    Notification.objects.filter(pk__in=[sent.pk, pending.pk]).update(updated_at=timezone.now() - dt.timedelta(days=31))

    assert notification_texts_drop_old() == 1
    sent.refresh_from_db()
    pending.refresh_from_db()
    assert (sent.to, sent.body, sent.params, sent.last_error, sent.state) == ("", "", [], "", NotificationState.SENT)
    assert pending.body == "Halo Citra Pesan"


def test_the_periodic_task_runs_both(programmes, monkeypatch):
    old = programmes[0]
    city = CityFactory()
    person = ParticipantFactory(city=city)
    _attend(person, old, city)
    monkeypatch.setattr("participants.services.retention.timezone.localdate", lambda: TODAY)

    assert apply_retention.delay().get() == {"import_files": 0, "participants_erased": 1}
