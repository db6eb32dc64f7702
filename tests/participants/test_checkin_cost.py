"""The check-in's cost, pinned: SQL statements per check-in (first and replay), and a CPU figure to read.

`CHECKIN_CPU=1 pytest -s tests/participants/test_checkin_cost.py` also prints the in-process CPU per
check-in (Django test client, every middleware, the logged-in trainer; no network, no gunicorn).
"""

import cProfile
import os
import time
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from participants.models import Attendance, AttendanceStatus, CountedAttendance
from tests.factories import AttendanceFactory, ParticipantFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _refresh_queued_not_run(monkeypatch):
    """The roll-up refresh goes to the broker in production; the tests' eager Celery would run it inside the request."""
    monkeypatch.setattr("progress.tasks.refresh_progress.apply_async", lambda *args, **kwargs: None)


def _check_in(client, session, person, client_id):
    return client.post(
        f"/trainer/sessions/{session.pk}/check-in/",
        {"participant": person.pk, "client_id": str(client_id)},
        HTTP_ACCEPT="application/json",
    )


def test_a_check_in_and_its_replay_take_at_most_four_statements(client, trainer_setup):
    user, session = trainer_setup
    people = [AttendanceFactory(session=session, participant=ParticipantFactory(city=session.city)).participant for _ in range(2)]
    client.force_login(user)
    _check_in(client, session, people[0], uuid.uuid4())  # warm: the session row in the cache, first-use imports
    client_id = uuid.uuid4()

    with CaptureQueriesContext(connection) as first:
        answer = _check_in(client, session, people[1], client_id)
    with CaptureQueriesContext(connection) as replay:
        again = _check_in(client, session, people[1], client_id)

    assert answer.status_code == 200 and again.status_code == 200, (answer.content, again.content)
    assert answer.json()["ok"] and again.json()["ok"]
    assert len(first) <= 4, [q["sql"] for q in first.captured_queries]
    assert len(replay) <= 4, [q["sql"] for q in replay.captured_queries]
    assert Attendance.objects.filter(participant=people[1], session=session, status=AttendanceStatus.ATTENDED).count() == 1
    assert CountedAttendance.objects.filter(participant=people[1]).count() == 1


@pytest.mark.skipif(not os.environ.get("CHECKIN_CPU"), reason="a measurement: CHECKIN_CPU=1 to print it")
def test_print_cpu_per_check_in(client, trainer_setup):
    user, session = trainer_setup
    n = int(os.environ.get("CHECKIN_CPU_N", "200"))
    people = [
        AttendanceFactory(session=session, participant=ParticipantFactory(city=session.city)).participant for _ in range(n + 20)
    ]
    client.force_login(user)
    for person in people[n:]:
        _check_in(client, session, person, uuid.uuid4())  # warm-up
    ids = [uuid.uuid4() for _ in range(n)]
    profile = cProfile.Profile() if os.environ.get("CHECKIN_PROFILE") else None
    with CaptureQueriesContext(connection) as captured:
        start = time.process_time()
        if profile:
            profile.enable()
        for person, client_id in zip(people[:n], ids, strict=True):
            _check_in(client, session, person, client_id)
        if profile:
            profile.disable()
            profile.dump_stats(os.environ["CHECKIN_PROFILE"])
        first = (time.process_time() - start) / n
    statements = len(captured) / n
    start = time.process_time()
    for person, client_id in zip(people[:n], ids, strict=True):
        _check_in(client, session, person, client_id)
    replay = (time.process_time() - start) / n
    print(f"\ncheck-in: {first * 1000:.2f} ms CPU, {statements:.1f} SQL; replay: {replay * 1000:.2f} ms CPU")
