"""Roll-ups following changes: debounced, recounting only the touched slices, retried on failure, checked nightly."""

import datetime as dt
import json
import time
import uuid
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from participants.models import Attendance, AttendanceStatus, CountedAttendance
from participants.services.checkin import attendance_check_in
from progress import services
from progress.models import PendingSlice, ProgressCheck, ProgressSnapshot
from progress.selectors import progress_total
from progress.services import progress_check, progress_rebuild, progress_refresh, progress_refresh_soon, slice_key
from progress.tasks import check_all_progress
from tests.counting import direct_slices, stored_slices
from tests.factories import CityFactory, ParticipantFactory, ProgrammeFactory, TrainingSessionFactory
from tests.jobs import wait_for
from users.models import Role

pytestmark = pytest.mark.django_db


def queued(queue):
    from umkm_program.celery import app

    with app.connection_for_write() as conn:
        return [json.loads(m) for m in conn.default_channel.client.lrange(queue, 0, -1)]


def test_a_burst_of_500_changes_queues_one_refresh_per_programme(celery_queue, settings):
    settings.PROGRESS_REFRESH_DELAY_SECONDS = 15
    busy, quiet = ProgrammeFactory(), ProgrammeFactory()

    results = [progress_refresh_soon(programme_id=busy.pk) for _ in range(500)]
    progress_refresh_soon(programme_id=quiet.pk)

    assert results.count(True) == 1
    messages = queued(celery_queue)
    assert len(messages) == 2
    assert {m["headers"]["task"] for m in messages} == {"progress.refresh"}
    eta = dt.datetime.fromisoformat(messages[0]["headers"]["eta"])
    assert dt.timedelta(seconds=10) < eta - timezone.now() <= dt.timedelta(seconds=15)

    progress_refresh(programme_id=busy.pk)  # the queued task runs: the next change may queue again
    assert progress_refresh_soon(programme_id=busy.pk) is True
    assert len(queued(celery_queue)) == 3


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_check_ins_reach_the_ksp_api_within_a_minute_through_a_real_worker(start_worker, settings, celery_queue, make_user):
    # Web and worker share the debounce key through Redis, as in production; the delay is the default.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": settings.CELERY_BROKER_URL,
            "KEY_PREFIX": celery_queue,
        }
    }
    programme = ProgrammeFactory()
    session = TrainingSessionFactory(programme=programme)
    people = [ParticipantFactory(city=session.city) for _ in range(40)]
    trainer = make_user(Role.PROGRAMME_ADMIN)
    ksp = Client()
    ksp.force_login(make_user(Role.KSP_MONITOR))
    progress_rebuild(programme_id=programme.pk)
    worker = start_worker(env={"TEST_SHARED_CACHE_PREFIX": celery_queue})

    def shown():
        body = ksp.get(f"/api/v1/progress/?programme={programme.pk}").json()
        return body["headline"]["umkm_trained"]

    assert shown() == 0
    started = time.monotonic()
    for person in people:
        attendance_check_in(session=session, participant=person, by=trainer, client_id=uuid.uuid4())

    wait_for(lambda: shown() == 40, timeout=60, message="the KSP figure")
    assert time.monotonic() - started < 60
    log = worker.log.read_text()
    assert log.count("Task progress.refresh[") <= 4, log  # received and succeeded: one or two refreshes for 40 check-ins
    assert stored_slices(programme) == direct_slices(programme)


def test_a_late_check_in_in_another_city_moves_the_count_there(admin_user_, django_capture_on_commit_callbacks):
    programme = ProgrammeFactory()
    makassar, ambon = CityFactory(time_zone="Asia/Makassar"), CityFactory(time_zone="Asia/Jayapura")
    later = TrainingSessionFactory(programme=programme, city=makassar, starts_at=dt.datetime(2018, 9, 20, 1, tzinfo=dt.UTC))
    earlier = TrainingSessionFactory(programme=programme, city=ambon, starts_at=dt.datetime(2018, 9, 10, 1, tzinfo=dt.UTC))
    person = ParticipantFactory(city=makassar)
    progress_rebuild(programme_id=programme.pk)

    with django_capture_on_commit_callbacks(execute=True):  # tasks run eagerly in tests
        attendance_check_in(session=later, participant=person, by=admin_user_, client_id=uuid.uuid4())
    assert stored_slices(programme)[slice_key(city_id=makassar.pk)]["umkm_trained"] == 1

    with django_capture_on_commit_callbacks(execute=True):
        attendance_check_in(session=earlier, participant=person, by=admin_user_, client_id=uuid.uuid4())

    slices = stored_slices(programme)
    assert slices[slice_key(city_id=makassar.pk)]["umkm_trained"] == 0
    assert slices[slice_key(city_id=ambon.pk)]["umkm_trained"] == 1
    assert slices[slice_key()]["umkm_trained"] == 1
    assert slices == direct_slices(programme)
    assert CountedAttendance.objects.get(participant=person).session_id == earlier.pk


def test_a_failing_refresh_keeps_the_previous_figures_and_is_retried(admin_user_, monkeypatch, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False  # queued, not run: this test runs the refresh itself
    monkeypatch.setattr(services, "progress_refresh_soon", lambda **kwargs: False)
    session = TrainingSessionFactory()
    programme = session.programme
    progress_rebuild(programme_id=programme.pk)
    before = stored_slices(programme)
    from django.db import transaction

    with transaction.atomic():
        attendance_check_in(session=session, participant=ParticipantFactory(), by=admin_user_, client_id=uuid.uuid4())
        services.progress_slices_mark(
            programme_id=programme.pk,
            slices=[[session.city_id, session.partner_id, session.audience, "2018-09-12"]],
        )

    def broken(*args, **kwargs):
        raise RuntimeError("database went away half-way")

    monkeypatch.setattr(services, "_increment", broken)
    with pytest.raises(RuntimeError):
        progress_refresh(programme_id=programme.pk)
    assert stored_slices(programme) == before  # nothing half-written
    assert PendingSlice.objects.filter(programme=programme).count() == 1  # still waiting for the retry

    monkeypatch.undo()
    assert progress_refresh(programme_id=programme.pk) == 1
    assert progress_total(programme_id=programme.pk).umkm_trained == 1
    assert not PendingSlice.objects.exists()
    assert stored_slices(programme) == direct_slices(programme)


def test_the_nightly_check_reports_and_repairs_any_difference():
    session = TrainingSessionFactory()
    programme = session.programme
    for _ in range(3):
        Attendance.objects.create(
            participant=ParticipantFactory(), session=session, status=AttendanceStatus.ATTENDED, checked_in_at=timezone.now()
        )
    progress_rebuild(programme_id=programme.pk)
    assert progress_check(programme_id=programme.pk).differences == 0

    # Drift that no service would cause: a snapshot edited by hand, a counted attendance lost.
    ProgressSnapshot.objects.filter(programme=programme, key=slice_key()).update(umkm_trained=99)
    CountedAttendance.objects.filter(programme=programme).first().delete()

    check = progress_check(programme_id=programme.pk)
    assert check.differences == 2
    assert check.details["counted_attendances"] == 1 and check.details["snapshots"] == [slice_key()]
    assert progress_total(programme_id=programme.pk).umkm_trained == 3  # repaired
    assert CountedAttendance.objects.filter(programme=programme).count() == 3
    assert progress_check(programme_id=programme.pk).differences == 0
    assert ProgressCheck.objects.filter(programme=programme).count() == 3


def test_the_command_and_the_periodic_check_cover_every_programme():
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
    check_all_progress.delay()  # eager in tests: one check per programme, which repairs
    assert all(progress_total(programme_id=p.pk).umkm_trained == 1 for p in programmes)
    assert sorted(ProgressCheck.objects.values_list("differences", flat=True)) == [16, 16]  # each one's 16 slices

    out = StringIO()
    call_command("rebuild_progress", "--check", stdout=out)
    assert out.getvalue().count(": 0 differences") == 2
