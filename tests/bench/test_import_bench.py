"""bench/import_100k.py at 2,000 rows: the same file recipe and checks, through the views and the import task.

Fails on errors and wrong results, never on timings.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from bench.import_100k import build_import_csv, check
from participants.models import ImportStatus, ParticipantImport
from participants.tasks import participant_import_run
from tests.factories import CityFactory, ParticipantFactory, PartnerFactory, TrainingSessionFactory
from users.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """A partner with sessions in two cities and 400 people of its own, another partner with 150."""
    mine, other = PartnerFactory(), PartnerFactory()
    cities = [CityFactory(), CityFactory()]
    for index in range(6):
        TrainingSessionFactory(partner=mine, city=cities[index % 2])
    for index in range(400):
        ParticipantFactory(city=cities[index % 2], home_partner=mine, business_name=f"Warung Berkah {index}")
    for index in range(150):
        ParticipantFactory(city=cities[index % 2], home_partner=other)
    return mine


def test_two_thousand_rows_through_upload_preview_confirm_and_the_job(
    client, make_user, world, django_capture_on_commit_callbacks
):
    coordinator = make_user(Role.PARTNER_COORDINATOR, partner=world)
    content, expected = build_import_csv(user=coordinator, rows=2_000)
    client.force_login(coordinator)

    upload = client.post(
        reverse("participants:import"), {"file": SimpleUploadedFile("list.csv", content, content_type="text/csv")}
    )
    job = ParticipantImport.objects.get()
    assert upload.status_code == 302 and job.total_rows == 2_000
    preview = client.get(reverse("participants:import-detail", args=[job.pk]))
    counts = job.preview_counts
    assert counts["error"] == expected.errors and counts["outside_scope"] == expected.flagged
    assert counts["create"] == expected.created and counts["match"] == expected.matched
    assert len(job.preview) <= 1_000 and all(
        p["action"] == "error" or p.get("outside_scope") or p.get("possible_duplicate_of") for p in job.preview
    )
    assert 'data-testid="preview-next"' in preview.content.decode()  # the problems come a page at a time

    with django_capture_on_commit_callbacks() as queued:
        client.post(reverse("participants:import-confirm", args=[job.pk]))
    assert len(queued) == 1
    participant_import_run(job.pk)  # what the queued task runs in the worker
    client.post(reverse("participants:import-confirm", args=[job.pk]))  # a second confirm imports nothing more
    participant_import_run(job.pk)

    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert check(job.pk, expected, coordinator) == []
    result = client.get(reverse("participants:import-progress", args=[job.pk])).content.decode()
    assert 'data-testid="import-result"' in result
