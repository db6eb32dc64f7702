"""A small run of bench/checkin_latency.py's client against a live server: the check-in and its floor.

Errors and wrong rows fail it; timings never do (the figures come from the bench on a quiet machine).
"""

import asyncio
import datetime as dt
import random
import re
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from django.utils import timezone

from bench.checkin_client import Login, closed_loop, make_jobs
from bench.checkin_floor import floor_table_create
from bench.checkin_latency import verify, verify_floor
from participants.models import Attendance, AttendanceStatus
from tests.conftest import PASSWORD
from tests.factories import AttendanceFactory, ParticipantFactory, PartnerFactory, TrainerFactory, TrainingSessionFactory
from users.models import Role

pytestmark = [pytest.mark.urls("bench.urls"), pytest.mark.django_db(transaction=True)]


def phone_login(base: str, email: str) -> Login:
    http = requests.Session()
    page = http.get(f"{base}/accounts/login/", timeout=10)
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert found is not None, "no CSRF token on the login page"
    token = found.group(1)
    http.post(
        f"{base}/accounts/login/",
        data={"login": email, "password": PASSWORD, "csrfmiddlewaretoken": token},
        headers={"Referer": f"{base}/accounts/login/"},
        timeout=10,
    )
    return Login(session_cookie=http.cookies["sessionid"], csrf_token=http.cookies["csrftoken"])


@pytest.fixture
def roster(make_user):
    """A trainer with a session running now and 60 people registered for it."""
    partner = PartnerFactory()
    user = make_user(Role.TRAINER, partner=partner)
    now = timezone.now()
    session = TrainingSessionFactory(
        partner=partner,
        lead_trainer=TrainerFactory(partner=partner, user=user),
        starts_at=now - dt.timedelta(minutes=30),
        ends_at=now + dt.timedelta(hours=3),
        capacity=100,
    )
    people = [
        AttendanceFactory(session=session, participant=ParticipantFactory(city=session.city, home_partner=session.partner))
        for _ in range(60)
    ]
    return user, session, [a.participant_id for a in people]


def run_loop(coroutine):
    """Run the load client's coroutine in its own thread: a browser test earlier in this worker may leave
    Playwright's event loop running in the main thread, and asyncio.run() refuses to nest."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def test_three_phones_check_in_a_room_with_double_taps_and_each_person_is_attended_once(live_server, roster):
    user, session, people = roster
    host, port = live_server.thread.host, live_server.thread.port
    phones = [phone_login(live_server.url, user.email) for _ in range(3)]
    jobs = make_jobs(people, 40, rng=random.Random(16))
    replays = len(jobs) - len(set(jobs))

    result = run_loop(
        closed_loop(host=host, port=port, path=f"/trainer/sessions/{session.pk}/check-in/", logins=phones, jobs=jobs)
    )

    assert replays > 0  # the run did double-tap
    assert (result.errors, result.error_samples) == (0, [])
    assert len(result.answered) == len(jobs)
    assert verify(session.pk, result.answered) == []
    attended = Attendance.objects.filter(session=session, status=AttendanceStatus.ATTENDED)
    assert attended.count() == len(set(jobs))  # nobody else was checked in


def test_the_floor_inserts_once_per_client_id_for_a_logged_in_phone_and_refuses_a_stranger(live_server, roster):
    user, _session, people = roster
    floor_table_create()
    host, port = live_server.thread.host, live_server.thread.port
    phones = [phone_login(live_server.url, user.email) for _ in range(2)]
    jobs = make_jobs(people, 30, rng=random.Random(16))

    result = run_loop(closed_loop(host=host, port=port, path="/bench/checkin-floor/", logins=phones, jobs=jobs))
    stranger = run_loop(
        closed_loop(host=host, port=port, path="/bench/checkin-floor/", logins=[Login("", phones[0].csrf_token)], jobs=jobs[:1])
    )

    assert (result.errors, len(result.answered)) == (0, len(jobs))
    assert verify_floor(result.answered) == []
    assert stranger.errors == 1  # not logged in: sent to the login page, nothing inserted
