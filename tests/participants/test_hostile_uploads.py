"""Hostile participant lists are refused quickly with a clear message, and nothing is written.

The files come from bench/hostile_files.py (bench/hostile_uploads.py measures memory and time of
the same refusals in a fresh process); here they go through the real upload page as an admin.
"""

import time
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import translation

from audit.models import AuditAction, AuditEvent
from bench import hostile_files
from participants.models import Participant, ParticipantImport
from participants.services import import_files
from users.models import Role

pytestmark = pytest.mark.django_db

URL = "/participants/import/"
UNREADABLE_CSV = "could not be read as a CSV list"


def _upload(client, path: Path):
    """The answer and the CPU seconds it cost (upload encoding, parsing and refusal, all in this process):
    CPU time, not wall time, so that other work on a shared machine does not decide the test."""
    with path.open("rb") as handle:
        started = time.process_time()
        response = client.post(URL, {"file": handle})
        return response, time.process_time() - started


def _nothing_written():
    assert ParticipantImport.objects.count() == 0
    assert Participant.objects.count() == 0
    assert not AuditEvent.objects.exclude(action=AuditAction.LOGGED_IN).exists()


@pytest.fixture
def admin_client(client, make_user):
    client.force_login(make_user(Role.PROGRAMME_ADMIN))
    client.cookies["django_language"] = "en"
    yield client
    translation.deactivate()  # the request left English active in this thread: not for the next test


@pytest.mark.parametrize(
    ("builder", "name", "message"),
    [
        (hostile_files.xlsx_million_rows, "million.xlsx", "more than 20.000 rows"),
        (lambda p: hostile_files.xlsx_zip_bomb(p, unpacked_mb=64), "bomb.xlsx", "far larger once unpacked"),
        (hostile_files.csv_long_field, "long.csv", UNREADABLE_CSV),
        (hostile_files.csv_nul_bytes, "nul.csv", UNREADABLE_CSV),
    ],
)
def test_hostile_file_is_refused_within_two_seconds_and_nothing_is_written(admin_client, tmp_path, builder, name, message):
    path = builder(tmp_path / name)

    response, seconds = _upload(admin_client, path)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert seconds < 2, f"{name} took {seconds:.2f} s of CPU"
    _nothing_written()


def test_hostile_file_message_is_in_indonesian_by_default(admin_client, tmp_path):
    admin_client.cookies.pop("django_language", None)
    response, _seconds = _upload(admin_client, hostile_files.csv_nul_bytes(tmp_path / "nul.csv"))

    assert "CSV" in response.content.decode() and UNREADABLE_CSV not in response.content.decode()
    _nothing_written()


def test_a_file_over_the_limit_is_refused_by_its_size_before_it_is_read(admin_client, tmp_path, monkeypatch):
    path = hostile_files.csv_large(tmp_path / "large.csv", mb=21)
    read = []
    monkeypatch.setattr(import_files, "_csv_rows", lambda stream: read.append(1) or iter(()))

    response, seconds = _upload(admin_client, path)

    assert "larger than 20 MB" in response.content.decode()
    assert read == [] and seconds < 2
    _nothing_written()


@override_settings(REQUEST_MAX_BYTES=1024 * 1024)
def test_a_request_body_over_the_limit_is_refused_from_its_length(admin_client):
    body = SimpleUploadedFile("big.csv", b"session,name,phone\n" + b"1,A,0812\n" * 200_000, content_type="text/csv")

    response = admin_client.post(URL, {"file": body})

    assert response.status_code == 413
    _nothing_written()


def test_the_zip_bomb_guard_looks_only_at_the_archive_directory(tmp_path):
    path = hostile_files.xlsx_zip_bomb(tmp_path / "bomb.xlsx", unpacked_mb=64)
    with zipfile.ZipFile(path) as archive:
        strings = archive.getinfo("xl/sharedStrings.xml")
    assert strings.file_size > 64 * 1024 * 1024 and strings.compress_size < 1024 * 1024

    with path.open("rb") as handle, pytest.raises(ValidationError) as refused:
        import_files.import_file_rows(name="bomb.xlsx", content=handle)
    assert refused.value.code == "unpacked_too_large"


def test_a_normal_workbook_written_by_openpyxl_is_still_read(tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["Sesi", "Nama", "Telepon", "Usaha"])
    workbook.active.append([7, "Ani", "081211112222", None])
    workbook.active.append([])
    workbook.active.append([7, "Budi", 81233334444, "Toko"])
    workbook.save(tmp_path / "a.xlsx")

    with (tmp_path / "a.xlsx").open("rb") as handle:
        rows = import_files.import_file_rows(name="a.xlsx", content=handle)

    assert rows == [["Sesi", "Nama", "Telepon", "Usaha"], ["7", "Ani", "081211112222"], ["7", "Budi", "81233334444", "Toko"]]
