import threading
import uuid

import pytest
from django.db import connection

from participants.models import Attendance, AttendanceStatus, DuplicateCandidate, Participant
from participants.services.checkin import attendance_check_in, attendance_close, participant_walk_in
from participants.services.matching import participant_find_matches
from tests.factories import AttendanceFactory, ParticipantFactory


@pytest.mark.django_db
def test_check_in_twice_with_the_same_client_id_is_one_attendance(trainer_setup):
    user, session = trainer_setup
    person = ParticipantFactory(city=session.city)
    client_id = uuid.uuid4()

    first = attendance_check_in(session=session, participant=person, by=user, client_id=client_id)
    again = attendance_check_in(session=session, participant=person, by=user, client_id=client_id)

    assert first.checked_in_now and not again.checked_in_now
    assert first.attendance.pk == again.attendance.pk
    assert Attendance.objects.filter(session=session).count() == 1


@pytest.mark.django_db
def test_checking_in_a_registered_person_turns_the_registration_into_attendance(trainer_setup):
    user, session = trainer_setup
    registration = AttendanceFactory(session=session, participant=ParticipantFactory(city=session.city))

    result = attendance_check_in(session=session, participant=registration.participant, by=user, client_id=uuid.uuid4())

    registration.refresh_from_db()
    assert result.checked_in_now
    assert registration.status == AttendanceStatus.ATTENDED and registration.checked_in_by == user
    # a second trainer's tap with another client id changes nothing
    later = attendance_check_in(session=session, participant=registration.participant, by=user, client_id=uuid.uuid4())
    assert not later.checked_in_now and Attendance.objects.filter(session=session).count() == 1


@pytest.mark.django_db
def test_walk_in_replayed_creates_one_person_and_one_attendance(trainer_setup):
    user, session = trainer_setup
    client_id = uuid.uuid4()
    data = {"full_name": "Siti Aminah", "phone": "+6281234567890", "gender": "female", "business_name": "Kue Siti"}

    participant_walk_in(session=session, data=data, by=user, client_id=client_id)
    participant_walk_in(session=session, data=data, by=user, client_id=client_id)

    assert Participant.objects.filter(phone="+6281234567890").count() == 1
    attendance = Attendance.objects.get(session=session)
    assert attendance.status == AttendanceStatus.ATTENDED and attendance.client_id == client_id


@pytest.mark.django_db
def test_walk_in_created_despite_a_match_goes_to_the_merge_queue(trainer_setup):
    user, session = trainer_setup
    existing = ParticipantFactory(city=session.city, full_name="Siti Aminah", business_name="Kue Siti", phone="+6281234567890")
    data = {"full_name": "Siti Aminah", "phone": "+6281234567891", "gender": "female", "business_name": "Kue Siti Enak"}
    matches = participant_find_matches(
        city_id=session.city_id, phone=data["phone"], full_name=data["full_name"], business_name=data["business_name"]
    )
    assert [m.participant for m in matches] == [existing]

    result = participant_walk_in(session=session, data=data, by=user, client_id=uuid.uuid4(), uncertain_matches=matches)

    candidate = DuplicateCandidate.objects.get()
    assert candidate.participant == result.attendance.participant and candidate.existing == existing


@pytest.mark.django_db
def test_closing_attendance_makes_the_rest_no_shows_and_records_when(trainer_setup):
    user, session = trainer_setup
    came = AttendanceFactory(session=session)
    stayed_away = AttendanceFactory(session=session)
    attendance_check_in(session=session, participant=came.participant, by=user, client_id=uuid.uuid4())

    assert attendance_close(session=session, by=user) == 1

    session.refresh_from_db()
    stayed_away.refresh_from_db()
    came.refresh_from_db()
    assert session.attendance_closed_at is not None
    assert stayed_away.status == AttendanceStatus.NO_SHOW and came.status == AttendanceStatus.ATTENDED
    assert attendance_close(session=session, by=user) == 0  # closing twice changes nothing


@pytest.mark.django_db
def test_counts_changed_is_announced_once_after_commit(trainer_setup, counts_events, django_capture_on_commit_callbacks):
    user, session = trainer_setup
    person = ParticipantFactory(city=session.city)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        attendance_check_in(session=session, participant=person, by=user, client_id=uuid.uuid4())
        assert counts_events == []  # nothing before the commit
    for callback in callbacks:
        callback()

    assert counts_events == [{(session.programme_id, session.city_id)}]


def _in_threads(n, target):
    barrier = threading.Barrier(n)
    errors = []

    def run(i):
        try:
            barrier.wait()
            target(i)
        except Exception as exc:  # noqa: BLE001 - the test reports any
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


@pytest.mark.django_db(transaction=True)
def test_concurrent_check_ins_of_one_person_make_one_attendance(trainer_setup):
    """Two trainers (different client ids) and a double tap (same client id), all at the same moment."""
    user, session = trainer_setup
    person = ParticipantFactory(city=session.city)
    shared = uuid.uuid4()
    client_ids = [uuid.uuid4(), uuid.uuid4(), shared, shared, uuid.uuid4(), shared]

    errors = _in_threads(
        len(client_ids), lambda i: attendance_check_in(session=session, participant=person, by=user, client_id=client_ids[i])
    )

    assert errors == []
    assert Attendance.objects.filter(session=session, participant=person).count() == 1
    assert Attendance.objects.get(session=session).status == AttendanceStatus.ATTENDED


@pytest.mark.django_db(transaction=True)
def test_concurrent_replays_of_one_walk_in_make_one_person(trainer_setup):
    user, session = trainer_setup
    client_id = uuid.uuid4()
    data = {"full_name": "Budi Santoso", "phone": "+6281398765432", "gender": "male", "business_name": "Bengkel Budi"}

    errors = _in_threads(4, lambda i: participant_walk_in(session=session, data=dict(data), by=user, client_id=client_id))

    assert errors == []
    assert Participant.objects.filter(phone="+6281398765432").count() == 1
    assert Attendance.objects.filter(session=session).count() == 1
