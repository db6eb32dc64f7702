"""Undoing a mistaken check-in: back to registered, only while attendance is open, audited, progress refreshed."""

import uuid

import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditAction, AuditEvent
from participants.models import Attendance, AttendanceStatus
from participants.services.checkin import attendance_check_in, attendance_close, attendance_undo_check_in
from tests.factories import AttendanceFactory, PartnerFactory, TrainerFactory, TrainingSessionFactory
from users.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def checked_in(trainer_setup):
    user, session = trainer_setup
    person = AttendanceFactory(session=session).participant
    attendance_check_in(session=session, participant=person, by=user, client_id=uuid.uuid4())
    return user, session, person


def test_undo_turns_the_attendance_back_to_registered_once(checked_in, django_capture_on_commit_callbacks, counts_events):
    user, session, person = checked_in

    with django_capture_on_commit_callbacks(execute=True):
        first = attendance_undo_check_in(session=session, participant=person, by=user)
    with django_capture_on_commit_callbacks(execute=True):
        second = attendance_undo_check_in(session=session, participant=person, by=user)

    attendance = Attendance.objects.get(session=session, participant=person)
    assert (first, second) == (True, False)
    assert (attendance.status, attendance.checked_in_at, attendance.checked_in_by) == (AttendanceStatus.REGISTERED, None, None)
    assert counts_events == [{(session.programme_id, session.city_id)}]
    event = AuditEvent.objects.get(action=AuditAction.CHECK_IN_UNDONE)
    assert event.actor == user and event.object_id == str(attendance.pk)


def test_undo_is_refused_once_attendance_is_closed(checked_in):
    user, session, person = checked_in
    attendance_close(session=session, by=user)

    with pytest.raises(ValidationError):
        attendance_undo_check_in(session=session, participant=person, by=user)

    assert Attendance.objects.get(session=session, participant=person).status == AttendanceStatus.ATTENDED
    assert not AuditEvent.objects.exclude(action=AuditAction.LOGGED_IN).exists()


def test_the_trainer_undoes_from_the_session_page_with_or_without_htmx(client, checked_in):
    user, session, person = checked_in
    client.force_login(user)

    page = client.get(f"/trainer/sessions/{session.pk}/").content.decode()
    plain = client.post(f"/trainer/sessions/{session.pk}/undo-check-in/", {"participant": person.pk})
    attendance_check_in(session=session, participant=person, by=user, client_id=uuid.uuid4())
    htmx = client.post(f"/trainer/sessions/{session.pk}/undo-check-in/", {"participant": person.pk}, HTTP_HX_REQUEST="true")

    assert 'data-testid="undo-check-in"' in page
    assert plain.status_code == 302
    assert htmx.status_code == 200 and 'data-testid="checked-in"' not in htmx.content.decode()
    assert 'class="checkin-form"' in htmx.content.decode()  # the row offers check-in again
    assert Attendance.objects.get(session=session, participant=person).status == AttendanceStatus.REGISTERED
    assert AuditEvent.objects.filter(action=AuditAction.CHECK_IN_UNDONE).count() == 2


def test_a_trainer_of_another_partner_cannot_undo(client, checked_in, make_user):
    _user, session, person = checked_in
    other_partner = PartnerFactory()
    stranger = make_user(Role.TRAINER, partner=other_partner)
    TrainerFactory(partner=other_partner, user=stranger)
    TrainingSessionFactory(partner=other_partner)
    client.force_login(stranger)

    response = client.post(f"/trainer/sessions/{session.pk}/undo-check-in/", {"participant": person.pk})

    assert response.status_code == 404
    assert Attendance.objects.get(session=session, participant=person).status == AttendanceStatus.ATTENDED


def test_a_closed_session_shows_no_undo_and_refuses_it(client, checked_in):
    user, session, person = checked_in
    attendance_close(session=session, by=user)
    client.force_login(user)

    page = client.get(f"/trainer/sessions/{session.pk}/").content.decode()
    response = client.post(f"/trainer/sessions/{session.pk}/undo-check-in/", {"participant": person.pk}, follow=True)

    assert 'data-testid="undo-check-in"' not in page
    assert response.status_code == 200
    assert Attendance.objects.get(session=session, participant=person).status == AttendanceStatus.ATTENDED
