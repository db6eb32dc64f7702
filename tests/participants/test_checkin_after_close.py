"""Issue 9, finding 6: once attendance is closed, trainers cannot change it; coordinators and admins correct it, audited."""

import json
import uuid

import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditAction, AuditEvent
from participants.models import Attendance, AttendanceStatus, Participant
from participants.services.checkin import attendance_check_in, attendance_close
from tests.factories import AttendanceFactory, PartnerFactory
from users.models import Role

pytestmark = pytest.mark.django_db

REFUSED = "Absensi sesi ini sudah ditutup"
WALK_IN = {
    "full_name": "Budi Santoso",
    "phone": "0813-9876-5432",
    "gender": "male",
    "business_name": "Bengkel Budi",
    "scale": "mikro",
    "consent": "on",
}


@pytest.fixture
def closed(trainer_setup):
    """A session whose attendance was closed: one person came, one did not (now a no-show)."""
    user, session = trainer_setup
    came = AttendanceFactory(session=session).participant
    stayed_away = AttendanceFactory(session=session, participant__full_name="Siti Aminah").participant
    attendance_check_in(session=session, participant=came, by=user, client_id=uuid.uuid4())
    attendance_close(session=session, by=user)
    return user, session, came, stayed_away


def _status(session, person):
    return Attendance.objects.get(session=session, participant=person).status


def _check_in(client, session, person, **extra):
    return client.post(
        f"/trainer/sessions/{session.pk}/check-in/", {"participant": person.pk, "client_id": uuid.uuid4()}, **extra
    )


def test_trainer_check_in_after_close_is_refused_and_writes_nothing(client, closed):
    trainer, session, _came, stayed_away = closed
    client.force_login(trainer)

    plain = _check_in(client, session, stayed_away, follow=True)
    htmx = _check_in(client, session, stayed_away, HTTP_HX_REQUEST="true")
    offline = _check_in(client, session, stayed_away, HTTP_ACCEPT="application/json")

    assert REFUSED in plain.content.decode()
    assert REFUSED in htmx.content.decode() and "alert-danger" in htmx.content.decode()
    assert offline.status_code == 409 and offline.json()["ok"] is False and REFUSED in offline.json()["message"]
    assert _status(session, stayed_away) == AttendanceStatus.NO_SHOW
    assert not AuditEvent.objects.filter(action=AuditAction.ATTENDANCE_AFTER_CLOSE).exists()


def test_trainer_page_after_close_offers_no_check_in_walk_in_or_undo(client, closed):
    trainer, session, _came, stayed_away = closed
    client.force_login(trainer)

    page = client.get(f"/trainer/sessions/{session.pk}/").content.decode()

    assert "Sekarang hanya koordinator mitra Anda atau admin program" in page
    assert 'class="checkin-form"' not in page
    assert 'data-testid="walk-in"' not in page and 'data-testid="undo-check-in"' not in page
    assert 'data-testid="status-no_show"' in page


def test_trainer_walk_in_after_close_is_refused_and_creates_nobody(client, closed):
    trainer, session, _came, _stayed_away = closed
    client.force_login(trainer)
    people = Participant.objects.count()

    form = client.get(f"/trainer/sessions/{session.pk}/walk-in/", follow=True)
    posted = client.post(
        f"/trainer/sessions/{session.pk}/walk-in/",
        {**WALK_IN, "client_id": uuid.uuid4()},
        follow=True,
    )

    assert REFUSED in form.content.decode() and REFUSED in posted.content.decode()
    assert Participant.objects.count() == people
    assert Attendance.objects.filter(session=session).count() == 2


def test_a_trainer_who_loaded_the_session_before_it_closed_is_still_refused(trainer_setup):
    """The closing happens between the page load and the tap: the database guard refuses the write."""
    trainer, session = trainer_setup
    person = AttendanceFactory(session=session).participant
    stale = type(session).objects.get(pk=session.pk)
    attendance_close(session=session, by=trainer)

    with pytest.raises(ValidationError):
        attendance_check_in(session=stale, participant=person, by=trainer, client_id=uuid.uuid4())

    assert _status(session, person) == AttendanceStatus.NO_SHOW


def test_coordinator_corrects_a_no_show_after_close_and_it_is_audited(client, closed, make_user):
    _trainer, session, _came, stayed_away = closed
    coordinator = make_user(Role.PARTNER_COORDINATOR, partner=session.partner)
    client.force_login(coordinator)

    page = client.get(f"/trainer/sessions/{session.pk}/").content.decode()
    first = _check_in(client, session, stayed_away, HTTP_HX_REQUEST="true")
    again = _check_in(client, session, stayed_away, HTTP_HX_REQUEST="true")

    assert "Anda masih bisa memperbaikinya" in page and 'class="checkin-form"' in page
    assert 'data-testid="checked-in"' in first.content.decode() and 'data-testid="checked-in"' in again.content.decode()
    assert _status(session, stayed_away) == AttendanceStatus.ATTENDED
    event = AuditEvent.objects.get(action=AuditAction.ATTENDANCE_AFTER_CLOSE)  # the repeat changed nothing
    attendance = Attendance.objects.get(session=session, participant=stayed_away)
    assert (event.actor, event.object_id) == (coordinator, str(attendance.pk))
    assert event.changes == {"done": "check_in", "status": ["no_show", "attended"]}
    assert event.ip_address == "127.0.0.1"
    dumped = json.dumps(event.changes)
    assert stayed_away.full_name not in dumped and stayed_away.phone not in dumped


def test_coordinator_undoes_a_check_in_after_close_into_a_no_show_audited(client, closed, make_user):
    _trainer, session, came, _stayed_away = closed
    coordinator = make_user(Role.PARTNER_COORDINATOR, partner=session.partner)
    client.force_login(coordinator)

    response = client.post(f"/trainer/sessions/{session.pk}/undo-check-in/", {"participant": came.pk}, HTTP_HX_REQUEST="true")

    assert response.status_code == 200 and 'class="checkin-form"' in response.content.decode()
    assert _status(session, came) == AttendanceStatus.NO_SHOW
    event = AuditEvent.objects.get(action=AuditAction.ATTENDANCE_AFTER_CLOSE)
    assert event.actor == coordinator
    assert event.changes["done"] == "undo_check_in" and event.changes["status"] == ["attended", "no_show"]
    assert not AuditEvent.objects.filter(action=AuditAction.CHECK_IN_UNDONE).exists()


def test_trainer_undo_after_close_is_refused_with_the_message(client, closed):
    trainer, session, came, _stayed_away = closed
    client.force_login(trainer)

    response = client.post(f"/trainer/sessions/{session.pk}/undo-check-in/", {"participant": came.pk}, follow=True)

    assert REFUSED in response.content.decode()
    assert _status(session, came) == AttendanceStatus.ATTENDED
    assert not AuditEvent.objects.exclude(action=AuditAction.LOGGED_IN).exists()


def test_admin_adds_a_walk_in_after_close_audited(client, closed, make_user):
    _trainer, session, _came, _stayed_away = closed
    admin = make_user(Role.PROGRAMME_ADMIN)
    client.force_login(admin)

    response = client.post(
        f"/trainer/sessions/{session.pk}/walk-in/",
        {**WALK_IN, "client_id": uuid.uuid4()},
    )

    assert response.status_code == 302
    person = Participant.objects.get(full_name="Budi Santoso")
    assert _status(session, person) == AttendanceStatus.ATTENDED
    event = AuditEvent.objects.get(action=AuditAction.ATTENDANCE_AFTER_CLOSE)
    assert event.actor == admin and event.changes == {"done": "walk_in", "status": [None, "attended"]}


def test_coordinator_of_another_partner_cannot_correct(client, closed, make_user):
    _trainer, session, _came, stayed_away = closed
    client.force_login(make_user(Role.PARTNER_COORDINATOR, partner=PartnerFactory()))

    response = _check_in(client, session, stayed_away)

    assert response.status_code == 404
    assert _status(session, stayed_away) == AttendanceStatus.NO_SHOW
    assert not AuditEvent.objects.exclude(action=AuditAction.LOGGED_IN).exists()


def test_check_in_while_open_is_not_audited_as_a_correction(client, trainer_setup):
    trainer, session = trainer_setup
    person = AttendanceFactory(session=session).participant
    client.force_login(trainer)

    _check_in(client, session, person)

    assert _status(session, person) == AttendanceStatus.ATTENDED
    assert not AuditEvent.objects.exclude(action=AuditAction.LOGGED_IN).exists()
