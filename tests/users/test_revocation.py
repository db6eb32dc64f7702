"""Issue 9, finding 5: an inactive trainer, a deactivated user or a removed role loses access on the next request.

Pages, check-in, exports, the API bearer token and the trainer's secret calendar feed all stop at once,
and each change of access made by an admin or coordinator is in the audit log.
"""

import datetime as dt
import uuid

import pytest
from django.test import Client
from django.utils import timezone

from audit.models import AuditAction, AuditEvent
from monitoring.services import api_token_create
from participants.models import Attendance, AttendanceStatus
from partners.services import trainer_calendar_token_rotate
from tests.conftest import PASSWORD
from tests.factories import AttendanceFactory, PartnerFactory, TrainerFactory, TrainingSessionFactory
from users.models import Role, User

pytestmark = pytest.mark.django_db

API_URL = "/api/v1/progress/"


@pytest.fixture
def running(make_user):
    """A trainer logged in on their phone, in the middle of a session, with a calendar link."""
    partner = PartnerFactory()
    user = make_user(Role.TRAINER, partner=partner)
    trainer = TrainerFactory(partner=partner, user=user)
    now = timezone.now()
    session = TrainingSessionFactory(
        partner=partner, lead_trainer=trainer, starts_at=now - dt.timedelta(minutes=30), ends_at=now + dt.timedelta(hours=3)
    )
    person = AttendanceFactory(session=session).participant
    token = trainer_calendar_token_rotate(trainer=trainer)
    phone = Client()
    phone.force_login(user)
    return user, trainer, session, person, token, phone


def _assert_trainer_is_locked_out(phone, session, person, token):
    page = phone.get(f"/trainer/sessions/{session.pk}/")
    check_in = phone.post(
        f"/trainer/sessions/{session.pk}/check-in/",
        {"participant": person.pk, "client_id": uuid.uuid4()},
        HTTP_ACCEPT="application/json",
    )
    export = phone.get("/participants/export/attendance.csv")
    feed = Client().get(f"/schedule/ical/{token}.ics")

    assert page.status_code == 302 and page["Location"].startswith("/accounts/login/")
    assert check_in.status_code == 302 and check_in["Location"].startswith("/accounts/login/")
    assert export.status_code == 302 and export["Location"].startswith("/accounts/login/")
    assert feed.status_code == 404
    assert Attendance.objects.get(session=session, participant=person).status == AttendanceStatus.REGISTERED


def _admin_change_user(admin_client, user, **changes):
    data = {
        "email": user.email,
        "name": user.name,
        "role": user.role,
        "partner": user.partner_id or "",
        "date_joined_0": "2018-08-14",
        "date_joined_1": "09:00:00",
        "groups": list(user.groups.values_list("pk", flat=True)),
    }
    flags = {"is_active": user.is_active, "can_see_personal_data": user.can_see_personal_data}
    flags.update({k: v for k, v in changes.items() if k in flags})
    data.update({k: v for k, v in changes.items() if k not in flags})
    data.update({k: "on" for k, v in flags.items() if v})
    response = admin_client.post(f"/admin/users/user/{user.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    user.refresh_from_db()


def test_the_feed_and_pages_work_before_anything_is_withdrawn(running):
    """The control: the same requests succeed for an active trainer."""
    _user, _trainer, session, person, token, phone = running

    assert phone.get(f"/trainer/sessions/{session.pk}/").status_code == 200
    assert phone.get("/participants/export/attendance.csv").status_code == 200
    assert Client().get(f"/schedule/ical/{token}.ics").status_code == 200


def test_trainer_marked_inactive_by_the_coordinator_is_locked_out_at_once(running, make_user):
    user, trainer, session, person, token, phone = running
    coordinator = make_user(Role.PARTNER_COORDINATOR, partner=trainer.partner)
    office = Client()
    office.force_login(coordinator)

    saved = office.post(
        f"/partners/trainers/{trainer.pk}/edit/",
        {"tot_status": trainer.tot_status, "tot_started_on": "2018-07-01", "tot_certified_on": "2018-08-10"},
    )

    assert saved.status_code == 302
    trainer.refresh_from_db()
    assert trainer.is_active is False
    _assert_trainer_is_locked_out(phone, session, person, token)
    event = AuditEvent.objects.get(action=AuditAction.USER_DEACTIVATED)
    assert (event.actor, event.object_type, event.object_id) == (coordinator, "partners.trainer", str(trainer.pk))
    assert event.changes == {"trainer_active": [True, False]}


def test_an_inactive_trainer_cannot_log_in_again(client, running):
    user, trainer, _session, _person, _token, _phone = running
    trainer.is_active = False
    trainer.save(update_fields=["is_active"])

    login = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD}, follow=True)

    assert "Akun ini tidak aktif." in login.content.decode()
    response = client.get("/trainer/sessions/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_deactivated_user_is_locked_out_and_their_api_token_refused(running, admin_client, admin_user, make_user):
    user, _trainer, session, person, token, phone = running
    viewer = make_user(Role.POLICY_VIEWER)
    _row, key = api_token_create(user=viewer, name="dashboard kantor")
    assert Client().get(API_URL, HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200

    _admin_change_user(admin_client, user, is_active=False)
    _admin_change_user(admin_client, viewer, is_active=False)

    assert user.is_active is False
    _assert_trainer_is_locked_out(phone, session, person, token)
    assert Client().get(API_URL, HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401
    events = AuditEvent.objects.filter(action=AuditAction.USER_DEACTIVATED).order_by("pk")
    assert [(e.actor, e.object_id) for e in events] == [(admin_user, str(user.pk)), (admin_user, str(viewer.pk))]


def test_removed_role_is_locked_out_and_audited(running, admin_client, admin_user, make_user):
    user, _trainer, session, person, token, phone = running
    viewer = make_user(Role.POLICY_VIEWER)
    _row, key = api_token_create(user=viewer, name="dashboard kantor")

    _admin_change_user(admin_client, user, role="")
    _admin_change_user(admin_client, viewer, role="")

    assert user.role == "" and not user.groups.filter(name__in=Role.values).exists()
    _assert_trainer_is_locked_out(phone, session, person, token)
    assert Client().get(API_URL, HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401
    events = AuditEvent.objects.filter(action=AuditAction.ROLE_CHANGED).order_by("pk")
    assert [(e.actor, e.object_id, e.changes) for e in events] == [
        (admin_user, str(user.pk), {"role": ["trainer", ""]}),
        (admin_user, str(viewer.pk), {"role": ["policy_viewer", ""]}),
    ]


def test_a_trainer_moved_to_another_role_loses_the_calendar_feed(running, admin_client):
    user, _trainer, _session, _person, token, _phone = running

    _admin_change_user(admin_client, user, role=Role.PARTNER_COORDINATOR)

    assert Client().get(f"/schedule/ical/{token}.ics").status_code == 404
    assert user.groups.get().name == Role.PARTNER_COORDINATOR


def test_personal_data_grant_is_audited_and_applies_at_once(admin_client, admin_user, make_user):
    viewer = make_user(Role.POLICY_VIEWER)
    browser = Client()
    browser.force_login(viewer)
    assert browser.get("/participants/").status_code == 403

    _admin_change_user(admin_client, viewer, can_see_personal_data=True)
    granted = browser.get("/participants/").status_code
    _admin_change_user(admin_client, viewer, can_see_personal_data=False)
    withdrawn = browser.get("/participants/").status_code

    assert (granted, withdrawn) == (200, 403)
    events = AuditEvent.objects.filter(action=AuditAction.PERSONAL_DATA_GRANT).order_by("pk")
    assert [(e.actor, e.changes) for e in events] == [
        (admin_user, {"can_see_personal_data": [False, True]}),
        (admin_user, {"can_see_personal_data": [True, False]}),
    ]
    assert not AuditEvent.objects.filter(action=AuditAction.ROLE_CHANGED).exists()  # the role did not change


def test_a_reactivated_user_gets_back_in(running, admin_client):
    user, _trainer, session, _person, _token, phone = running
    _admin_change_user(admin_client, user, is_active=False)
    _admin_change_user(admin_client, user, is_active=True)

    assert phone.get(f"/trainer/sessions/{session.pk}/").status_code == 200
    assert User.objects.get(pk=user.pk).is_active
