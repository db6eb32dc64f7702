"""The last place of a nearly full session, claimed by several people at the same moment."""

import datetime as dt
import threading
import uuid

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from participants.models import Attendance, Participant
from participants.services.registration import RegistrationClosed, participant_register_self
from tests.factories import AttendanceFactory, TrainingSessionFactory

pytestmark = pytest.mark.django_db(transaction=True)

RACERS = 6


def _nearly_full_session():
    now = timezone.now()
    session = TrainingSessionFactory(
        starts_at=now + dt.timedelta(days=1), ends_at=now + dt.timedelta(days=1, hours=3), capacity=3
    )
    for _ in range(2):
        AttendanceFactory(session=session)
    return session


def _race(work):
    """Run work(i) in RACERS threads released together; returns their results (or exceptions)."""
    barrier = threading.Barrier(RACERS)
    results = [None] * RACERS

    def run(i):
        try:
            barrier.wait(timeout=10)
            results[i] = work(i)
        except Exception as exc:  # noqa: BLE001 - the test inspects it
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(RACERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def test_concurrent_public_registrations_for_the_last_place_admit_exactly_one():
    session = _nearly_full_session()
    url = f"/r/{session.registration_token}/"

    def register(i):
        response = Client().post(
            url,
            {
                "client_id": str(uuid.uuid4()),
                "full_name": f"Peserta Nomor {i}",
                "phone": f"0812345678{i:02d}",
                "gender": "female",
                "business_name": f"Usaha {i}",
                "consent": "on",
            },
        )
        return response.status_code, response.content.decode()

    results = _race(register)

    assert all(isinstance(r, tuple) for r in results), results
    codes = sorted(code for code, _body in results)
    assert codes == [302] + [410] * (RACERS - 1)  # one in, the others told it is full; no 500
    for code, body in results:
        if code == 410:
            assert 'data-testid="closed-reason"' in body and ("penuh" in body or "full" in body)
    assert Attendance.objects.filter(session=session).count() == 3
    assert Participant.objects.filter(full_name__startswith="Peserta Nomor").count() == 1


def test_concurrent_service_calls_raise_full_for_all_but_one():
    session = _nearly_full_session()

    def register(i):
        return participant_register_self(
            session=session,
            data={"full_name": f"Orang {i}", "phone": f"+62812345679{i:02d}", "gender": "male", "business_name": "X"},
            client_id=uuid.uuid4(),
        )

    results = _race(register)

    closed = [r for r in results if isinstance(r, RegistrationClosed)]
    admitted = [r for r in results if isinstance(r, Attendance)]
    assert len(admitted) == 1 and len(closed) == RACERS - 1, results
    assert {c.reason for c in closed} == {"full"}
    assert Attendance.objects.filter(session=session).count() == session.capacity
