"""Logins, failed logins and logouts reach the audit log with where they came from, never what was typed."""

import pytest

from audit.models import AuditAction, AuditEvent
from tests.conftest import PASSWORD
from users.models import Role

pytestmark = pytest.mark.django_db


def _login(client, email, password):
    return client.post("/accounts/login/", {"login": email, "password": password}, REMOTE_ADDR="10.9.8.7")


def test_a_login_is_recorded_with_its_address(client, make_user):
    trainer = make_user(Role.KSP_MONITOR)

    response = _login(client, trainer.email, PASSWORD)

    assert response.status_code == 302
    event = AuditEvent.objects.get(action=AuditAction.LOGGED_IN)
    assert (event.actor, event.ip_address, event.object_id) == (trainer, "10.9.8.7", str(trainer.pk))


def test_a_failed_login_names_the_account_tried_but_never_the_password(client, make_user):
    user = make_user(Role.KSP_MONITOR)

    _login(client, user.email, "wrong-password-123")
    _login(client, "someone-else@example.org", "Sekret-123")

    events = list(AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED).order_by("pk"))
    assert [e.actor for e in events] == [user, None]
    assert all(e.ip_address == "10.9.8.7" for e in events)
    stored = str([(e.actor_email, e.object_id, e.changes) for e in events])
    assert "wrong-password-123" not in stored and "Sekret-123" not in stored and "someone-else" not in stored


def test_a_logout_is_recorded(client, make_user):
    user = make_user(Role.KSP_MONITOR)
    client.force_login(user)

    client.post("/accounts/logout/")

    assert AuditEvent.objects.filter(action=AuditAction.LOGGED_OUT, actor=user).exists()
