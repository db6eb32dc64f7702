"""Redis stops while people work: logins, pages and check-ins answer normally; /healthz says 503;
nothing is lost, and the roll-ups catch up once Redis is back.

A private redis-server (tests/operations/conftest.py) carries the cache and the broker; the test
kills it. The shared Redis of the machine is never touched.
"""

import logging
import time
import uuid

import pytest

from audit.models import AuditAction, AuditEvent
from participants.models import Attendance, AttendanceStatus
from progress.models import ProgressSnapshot
from progress.services import slice_key
from progress.tasks import refresh_pending_progress
from tests.conftest import PASSWORD
from tests.factories import AttendanceFactory
from umkm_program.celery import app

pytestmark = pytest.mark.django_db


def _login(client, user):
    return client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})


def test_with_redis_stopped_people_log_in_see_pages_and_check_in(
    client, trainer_setup, private_redis, caplog, django_capture_on_commit_callbacks
):
    user, session = trainer_setup
    people = [AttendanceFactory(session=session).participant for _ in range(3)]
    assert _login(client, user).status_code == 302  # Redis up: as always
    client.post(f"/trainer/sessions/{session.pk}/check-in/", {"participant": people[0].pk, "client_id": str(uuid.uuid4())})
    assert client.get("/healthz").status_code == 200

    private_redis.stop()
    client.logout()
    started = time.monotonic()
    with caplog.at_level(logging.WARNING), django_capture_on_commit_callbacks(execute=True) as after_commit:
        login = _login(client, user)
        page = client.get(f"/trainer/sessions/{session.pk}/")
        check_in = client.post(
            f"/trainer/sessions/{session.pk}/check-in/", {"participant": people[1].pk, "client_id": str(uuid.uuid4())}
        )
        retried_id = str(uuid.uuid4())
        twice = [
            client.post(f"/trainer/sessions/{session.pk}/check-in/", {"participant": people[2].pk, "client_id": retried_id})
            for _ in range(2)
        ]
        health = client.get("/healthz")
    elapsed = time.monotonic() - started

    assert login.status_code == 302 and login["Location"] != "/accounts/login/"
    assert page.status_code == 200
    assert check_in.status_code == 302 and all(r.status_code == 302 for r in twice)  # the normal answer: back to the list
    assert health.status_code == 503 and health.json()["broker"] != "ok"
    assert elapsed < 30, f"the requests took {elapsed:.1f} s with Redis down"
    assert set(
        Attendance.objects.filter(session=session, status=AttendanceStatus.ATTENDED).values_list("participant", flat=True)
    ) == {p.pk for p in people}
    assert AuditEvent.objects.filter(action=AuditAction.LOGGED_IN).count() == 2
    assert after_commit  # the refresh requests after each check-in ran, and failed quietly
    assert "cache unavailable" in caplog.text and "could not queue the progress refresh" in caplog.text

    private_redis.start()  # Redis is back: the periodic sweep recounts the slices recorded while it was down
    assert client.get("/healthz").status_code == 200
    app.conf.task_always_eager = True  # the worker's part, run here (the fixture puts it back)
    refresh_pending_progress()
    total = ProgressSnapshot.objects.get(programme=session.programme, key=slice_key())
    assert total.umkm_trained == 3


def test_failed_logins_are_still_refused_with_redis_stopped(client, trainer_setup, private_redis):
    user, _session = trainer_setup
    private_redis.stop()

    wrong = client.post("/accounts/login/", {"login": user.email, "password": "wrong-password"})

    assert wrong.status_code == 200 and "_auth_user_id" not in client.session
