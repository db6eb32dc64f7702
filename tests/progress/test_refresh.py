"""Refreshing roll-ups after check-ins: debounced, serialised, and always equal to the raw rows."""

import datetime as dt
import json
import random
import threading
import zoneinfo
from collections import defaultdict
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from participants.models import Attendance, AttendanceStatus
from progress.models import ProgressSnapshot
from progress.selectors import progress_total
from progress.services import METRICS, progress_refresh, progress_refresh_soon, slice_key
from progress.tasks import rebuild_all_progress
from sessions_app.models import SessionStatus
from tests.factories import CityFactory, ParticipantFactory, PartnerFactory, ProgrammeFactory, TrainingSessionFactory
from tests.jobs import wait_for

pytestmark = pytest.mark.django_db


def queued(queue):
    from umkm_program.celery import app

    with app.connection_for_write() as conn:
        return [json.loads(m) for m in conn.default_channel.client.lrange(queue, 0, -1)]


def test_a_burst_of_500_check_ins_queues_one_refresh_per_programme(celery_queue, settings):
    settings.PROGRESS_REFRESH_DELAY_SECONDS = 60
    busy, quiet = ProgrammeFactory(), ProgrammeFactory()

    results = [progress_refresh_soon(programme_id=busy.pk, city_id=1 + i % 3) for i in range(500)]
    progress_refresh_soon(programme_id=quiet.pk, city_id=1)

    assert results.count(True) == 1
    messages = queued(celery_queue)
    assert len(messages) == 2
    assert {m["headers"]["task"] for m in messages} == {"progress.refresh"}
    eta = dt.datetime.fromisoformat(messages[0]["headers"]["eta"])
    assert dt.timedelta(seconds=50) < eta - timezone.now() <= dt.timedelta(seconds=60)

    progress_refresh(programme_id=busy.pk)  # the queued task runs: the next check-in may queue again
    assert progress_refresh_soon(programme_id=busy.pk, city_id=1) is True
    assert len(queued(celery_queue)) == 3


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_check_ins_reach_the_roll_up_through_a_real_worker_once(start_worker, settings, celery_queue):
    # Web and worker share the debounce key through Redis, as in production.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": settings.CELERY_BROKER_URL,
            "KEY_PREFIX": celery_queue,
        }
    }
    settings.PROGRESS_REFRESH_DELAY_SECONDS = 3
    programme = ProgrammeFactory()
    session = TrainingSessionFactory(programme=programme)
    people = [ParticipantFactory(city=session.city) for _ in range(200)]
    worker = start_worker(env={"TEST_SHARED_CACHE_PREFIX": celery_queue})

    for person in people:
        Attendance.objects.create(
            participant=person, session=session, status=AttendanceStatus.ATTENDED, checked_in_at=timezone.now()
        )
        progress_refresh_soon(programme_id=programme.pk, city_id=session.city_id)  # what on_commit runs after a check-in

    wait_for(lambda: (progress_total(programme_id=programme.pk) or ProgressSnapshot()).umkm_trained == 200, message="roll-up")
    log = worker.log.read_text()
    assert log.count("Task progress.refresh[") == 2, log  # received and succeeded: one task for 200 check-ins
    assert progress_refresh_soon(programme_id=programme.pk, city_id=session.city_id)  # the worker freed the key


def direct_slices(programme):
    """Every slice computed the slow obvious way from the raw rows."""
    sessions = list(programme.sessions.select_related("city"))
    first = {}
    for a in (
        Attendance.objects.filter(session__programme=programme, status=AttendanceStatus.ATTENDED)
        .select_related("participant", "session")
        .order_by("session__starts_at", "pk")
    ):
        p = a.participant
        if not (p.is_test or p.merged_into_id or p.kind != a.session.audience):
            first.setdefault(p.pk, a)
    slices = defaultdict(lambda: dict.fromkeys(METRICS, 0))
    for s in sessions:
        day = s.starts_at.astimezone(zoneinfo.ZoneInfo(s.city.time_zone)).date()
        counts = dict.fromkeys(METRICS, 0)
        real = [a for a in s.attendances.select_related("participant") if not a.participant.is_test]
        counts["registrations"] = len(real)
        counts["attendances"] = sum(a.status == "attended" for a in real)
        counts["no_shows"] = sum(a.status == "no_show" for a in real)
        status = (
            "cancelled"
            if s.status == "cancelled"
            else ("held" if s.status == "completed" or s.attendance_closed_at else "planned")
        )
        counts[f"sessions_{status}"] = 1
        for a in first.values():
            if a.session_id == s.pk:
                prefix = "umkm" if s.audience == "umkm" else "pemda"
                counts[f"{prefix}_trained"] += 1
                counts[f"{prefix}_women"] += a.participant.gender == "female"
                if prefix == "umkm" and a.participant.scale:
                    counts[f"umkm_{a.participant.scale}"] += 1
        for city in (s.city_id, None):
            for partner in (s.partner_id, None):
                for audience in (s.audience, ""):
                    for d in (day, None):
                        target = slices[slice_key(city_id=city, partner_id=partner, audience=audience, day=d)]
                        for name, value in counts.items():
                            target[name] += value
    return dict(slices)


def stored_slices(programme):
    return {s.key: {m: getattr(s, m) for m in METRICS} for s in ProgressSnapshot.objects.filter(programme=programme)}


@pytest.mark.parametrize("seed", [4, 5, 6])
def test_every_slice_equals_the_raw_rows_after_each_wave_of_check_ins(seed):
    rng = random.Random(seed)
    programme = ProgrammeFactory()
    cities = [CityFactory(time_zone="Asia/Makassar"), CityFactory(time_zone="Asia/Jayapura")]
    partners = [PartnerFactory(), PartnerFactory()]
    base = dt.datetime(2018, 9, 10, 1, tzinfo=dt.UTC)
    sessions = [
        TrainingSessionFactory(
            programme=programme,
            city=rng.choice(cities),
            partner=rng.choice(partners),
            audience=rng.choice(["umkm", "umkm", "pemda"]),
            starts_at=base + dt.timedelta(hours=rng.randrange(0, 24 * 20)),
            status=rng.choice([SessionStatus.COMPLETED, SessionStatus.SCHEDULED, SessionStatus.CANCELLED]),
        )
        for _ in range(10)
    ]
    people = [
        ParticipantFactory(
            city=rng.choice(cities),
            kind=rng.choice(["umkm", "umkm", "pemda"]),
            gender=rng.choice(["female", "male"]),
            scale=rng.choice(["mikro", "kecil", "menengah", ""]),
            is_test=rng.random() < 0.1,
        )
        for _ in range(40)
    ]
    progress_refresh(programme_id=programme.pk)
    for _wave in range(3):
        # A wave of registrations and check-ins in random order: late check-ins for earlier
        # sessions move people's first attendance to another city and day.
        for person in rng.sample(people, 15):
            session = rng.choice(sessions)
            attendance, _ = Attendance.objects.get_or_create(participant=person, session=session)
            attendance.status = rng.choice(list(AttendanceStatus.values))
            attendance.checked_in_at = timezone.now() if attendance.status == "attended" else None
            attendance.save()
        progress_refresh(programme_id=programme.pk)

        assert stored_slices(programme) == direct_slices(programme)


def test_a_late_check_in_in_another_city_moves_the_count_there():
    programme = ProgrammeFactory()
    makassar, ambon = CityFactory(time_zone="Asia/Makassar"), CityFactory(time_zone="Asia/Jayapura")
    later = TrainingSessionFactory(programme=programme, city=makassar, starts_at=dt.datetime(2018, 9, 20, 1, tzinfo=dt.UTC))
    earlier = TrainingSessionFactory(programme=programme, city=ambon, starts_at=dt.datetime(2018, 9, 10, 1, tzinfo=dt.UTC))
    person = ParticipantFactory(city=makassar)
    Attendance.objects.create(participant=person, session=later, status="attended", checked_in_at=timezone.now())
    progress_refresh(programme_id=programme.pk)
    assert stored_slices(programme)[slice_key(city_id=makassar.pk)]["umkm_trained"] == 1

    Attendance.objects.create(participant=person, session=earlier, status="attended", checked_in_at=timezone.now())
    progress_refresh(programme_id=programme.pk)

    slices = stored_slices(programme)
    assert slices[slice_key(city_id=makassar.pk)]["umkm_trained"] == 0
    assert slices[slice_key(city_id=ambon.pk)]["umkm_trained"] == 1
    assert slices[slice_key()]["umkm_trained"] == 1


def test_the_command_and_the_periodic_task_rebuild_every_programme():
    programmes = [ProgrammeFactory(), ProgrammeFactory()]
    for programme in programmes:
        session = TrainingSessionFactory(programme=programme)
        Attendance.objects.create(
            participant=ParticipantFactory(), session=session, status="attended", checked_in_at=timezone.now()
        )

    out = StringIO()
    call_command("rebuild_progress", stdout=out)
    assert all(progress_total(programme_id=p.pk).umkm_trained == 1 for p in programmes)
    assert all(str(p) in out.getvalue() for p in programmes)

    ProgressSnapshot.objects.all().delete()
    rebuild_all_progress.delay()  # eager in tests: one refresh per programme
    assert all(progress_total(programme_id=p.pk).umkm_trained == 1 for p in programmes)


@pytest.mark.django_db(transaction=True)
def test_concurrent_refreshes_of_one_programme_do_not_collide():
    programme = ProgrammeFactory()
    session = TrainingSessionFactory(programme=programme)
    for _ in range(5):
        Attendance.objects.create(
            participant=ParticipantFactory(), session=session, status="attended", checked_in_at=timezone.now()
        )
    errors = []

    def refresh():
        try:
            progress_refresh(programme_id=programme.pk)
        except Exception as exc:  # pragma: no cover - what the test is about
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=refresh) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)

    assert errors == []
    assert progress_total(programme_id=programme.pk).umkm_trained == 5
    assert ProgressSnapshot.objects.filter(programme=programme).count() == len(direct_slices(programme))
