"""The check-in's one statement (participants/services/checkin.py with counting.py's CTEs) against changes to the
same person running at the same moment: the counted attendance must end as the rule says."""

import datetime as dt
import threading
import uuid

import pytest
from django.db import connection, connections, transaction

from participants.counting import counted_attendance_rebuild, counts_changed
from participants.models import Attendance, AttendanceStatus, CountedAttendance
from participants.services.checkin import attendance_check_in
from tests.factories import AttendanceFactory, ParticipantFactory, TrainingSessionFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _refresh_queued_not_run(monkeypatch):
    monkeypatch.setattr("progress.tasks.refresh_progress.apply_async", lambda *args, **kwargs: None)


def test_a_person_counted_elsewhere_while_the_check_in_waited_is_recounted(trainer_setup):
    """Another change counts the person at a later session and commits while the check-in waits for the person's
    lock: the statement's snapshot does not show that counted row, so the check-in recounts the person (under the
    lock) and the earlier session, this one, counts."""
    user, session = trainer_setup
    person = AttendanceFactory(session=session, participant=ParticipantFactory(city=session.city)).participant
    later = TrainingSessionFactory(
        programme=session.programme,
        partner=session.partner,
        city=session.city,
        audience=session.audience,
        starts_at=session.starts_at + dt.timedelta(days=1),
        ends_at=session.ends_at + dt.timedelta(days=1),
    )
    locked, release = threading.Event(), threading.Event()

    def other_change():
        try:
            with transaction.atomic():
                Attendance.objects.create(
                    participant=person, session=later, status=AttendanceStatus.ATTENDED, checked_in_at=later.starts_at
                )
                counts_changed(participant_ids=[person.pk])  # locks the person, counts them at `later`
                locked.set()
                release.wait(10)
        finally:
            connections.close_all()

    other = threading.Thread(target=other_change)
    other.start()
    assert locked.wait(10)
    threading.Timer(0.5, release.set).start()  # commits while the check-in below waits for the person

    result = attendance_check_in(session=session, participant=person, by=user, client_id=uuid.uuid4())
    other.join(10)

    assert result.checked_in_now
    counted = CountedAttendance.objects.get(participant=person)
    assert counted.session_id == session.pk  # the earlier of the two
    assert counted_attendance_rebuild(programme_id=session.programme_id) == 0


def test_a_check_in_at_an_earlier_session_moves_the_count_and_a_later_one_leaves_it(trainer_setup):
    user, session = trainer_setup
    person = ParticipantFactory(city=session.city)

    def at(days):
        return TrainingSessionFactory(
            programme=session.programme,
            partner=session.partner,
            city=session.city,
            audience=session.audience,
            starts_at=session.starts_at + dt.timedelta(days=days),
            ends_at=session.ends_at + dt.timedelta(days=days),
        )

    middle, late, early = at(1), at(2), at(-1)
    for where, counted_at in ((middle, middle), (late, middle), (early, early)):
        first = attendance_check_in(session=where, participant=person, by=user, client_id=uuid.uuid4())
        again = attendance_check_in(session=where, participant=person, by=user, client_id=uuid.uuid4())
        assert first.checked_in_now and not again.checked_in_now
        assert CountedAttendance.objects.get(participant=person).session_id == counted_at.pk
    assert counted_attendance_rebuild(programme_id=session.programme_id) == 0
    assert connection.vendor == "postgresql"


def test_a_replay_changes_nothing_and_answers_with_the_stored_attendance(trainer_setup):
    user, session = trainer_setup
    registered = AttendanceFactory(session=session, participant=ParticipantFactory(city=session.city))
    client_id = uuid.uuid4()

    first = attendance_check_in(session=session, participant=registered.participant, by=user, client_id=client_id)
    replay = attendance_check_in(session=session, participant=registered.participant, by=user, client_id=client_id)

    stored = Attendance.objects.get(pk=registered.pk)
    assert first.checked_in_now and not first.created and first.attendance.pk == stored.pk
    assert not replay.checked_in_now and replay.attendance.pk == stored.pk
    assert replay.attendance.checked_in_at == stored.checked_in_at and replay.attendance.checked_in_by_id == user.pk
    assert first.counts == replay.counts == {"registered": 0, "attended": 1, "no_show": 0, "capacity": session.capacity}
    assert Attendance.objects.filter(participant=registered.participant).count() == 1
    assert CountedAttendance.objects.filter(participant=registered.participant).count() == 1
