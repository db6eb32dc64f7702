"""A large import runs as a Celery job on a real worker (Redis broker); the page polls its progress."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.files.uploadedfile import SimpleUploadedFile

from participants.models import Attendance, ImportStatus, ParticipantImport
from tests.factories import TrainingSessionFactory
from umkm_program.celery import app
from users.models import Role

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def real_worker():
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        with start_worker(app, perform_ping_check=False, loglevel="WARNING"):
            yield
    finally:
        app.conf.task_always_eager = eager


def test_large_import_runs_in_the_background_with_a_progress_page(client, make_user, real_worker):
    session = TrainingSessionFactory()
    rows = "\n".join(f"{session.pk},Peserta {i},0812{i:08d},P,Usaha {i}" for i in range(450))
    upload = SimpleUploadedFile("besar.csv", f"session,name,phone,gender,business\n{rows}\n".encode())
    client.force_login(make_user(Role.PROGRAMME_ADMIN))

    client.post("/participants/import/", {"file": upload})
    job = ParticipantImport.objects.get()
    confirm = client.post(f"/participants/import/{job.pk}/confirm/")
    page = client.get(confirm["Location"]).content.decode()

    assert 'role="progressbar"' in page
    job.refresh_from_db()
    if job.status != ImportStatus.DONE:  # still running: the page refreshes itself, with or without JavaScript
        assert 'http-equiv="refresh"' in page and 'hx-trigger="every 1s"' in page
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        partial = client.get(f"/participants/import/{job.pk}/progress/").content.decode()
        if 'data-testid="import-result"' in partial:
            break
        time.sleep(0.3)
    assert "450 peserta baru" in partial and "every 1s" not in partial  # polling stops when done
    assert Attendance.objects.filter(session=session).count() == 450
