"""make backup / make restore: an encrypted pg_dump that comes back whole, and refuses to come back altered."""

import io
import subprocess

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.utils import ProgrammingError

from audit.models import AuditEvent
from core.backups import BackupError, decrypt_chunks, encrypt_stream
from participants.models import Attendance, Participant
from sessions_app.models import TrainingSession
from tests.factories import AttendanceFactory, ParticipantFactory

PASSPHRASE = "correct horse battery staple 2018"


def _counts():
    return {model.__name__: model.objects.count() for model in (Participant, Attendance, TrainingSession, AuditEvent)}


@pytest.mark.django_db(transaction=True)
def test_backup_drop_restore_gives_back_the_same_counts(tmp_path, settings):
    settings.BACKUP_PASSPHRASE = PASSPHRASE
    for n in range(5):
        AttendanceFactory(participant=ParticipantFactory(full_name=f"Peserta Cadangan {n}"))
    before = _counts()
    target = tmp_path / "laju.dump.enc"

    call_command("backup_database", "--output", str(target), stdout=io.StringIO())

    assert target.stat().st_mode & 0o777 == 0o600
    assert b"Peserta Cadangan" not in target.read_bytes() and b"PGDMP" not in target.read_bytes()  # encrypted
    with connection.cursor() as cursor:  # the disaster: every table gone
        cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    with pytest.raises(ProgrammingError):
        Participant.objects.count()
    connection.close()

    call_command("restore_database", str(target), "--yes", stdout=io.StringIO())

    assert _counts() == before and before["Participant"] == 5
    assert Participant.objects.filter(full_name="Peserta Cadangan 3").exists()


@pytest.mark.django_db(transaction=True)
def test_a_wrong_passphrase_or_an_altered_file_restores_nothing(tmp_path, settings):
    settings.BACKUP_PASSPHRASE = PASSPHRASE
    ParticipantFactory(full_name="Tetap Ada")
    target = tmp_path / "laju.dump.enc"
    call_command("backup_database", "--output", str(target), stdout=io.StringIO())
    ParticipantFactory(full_name="Ditambah Sesudahnya")

    settings.BACKUP_PASSPHRASE = "another passphrase of some length"
    with pytest.raises(CommandError, match="Wrong passphrase"):
        call_command("restore_database", str(target), "--yes", stdout=io.StringIO())

    settings.BACKUP_PASSPHRASE = PASSPHRASE
    altered = tmp_path / "altered.dump.enc"
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0x01
    altered.write_bytes(bytes(data))
    with pytest.raises(CommandError, match="altered"):
        call_command("restore_database", str(altered), "--yes", stdout=io.StringIO())
    cut = tmp_path / "cut.dump.enc"
    cut.write_bytes(target.read_bytes()[:-100])
    with pytest.raises(CommandError):
        call_command("restore_database", str(cut), "--yes", stdout=io.StringIO())

    assert Participant.objects.filter(full_name="Ditambah Sesudahnya").exists()  # nothing was restored


def test_no_backup_without_a_passphrase(tmp_path, settings):
    settings.BACKUP_PASSPHRASE = ""
    with pytest.raises(CommandError, match="BACKUP_PASSPHRASE"):
        call_command("backup_database", "--output", str(tmp_path / "x"), stdout=io.StringIO())
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize("size", [0, 1, 1024 * 1024, 1024 * 1024 + 1, 3 * 1024 * 1024 - 7])
def test_encryption_round_trips_any_length(size):
    plain = bytes(range(256)) * (size // 256) + bytes(size % 256)
    sealed = io.BytesIO()
    encrypt_stream(io.BytesIO(plain), sealed, passphrase=PASSPHRASE)
    sealed.seek(0)
    assert b"".join(decrypt_chunks(io.BufferedReader(sealed), passphrase=PASSPHRASE)) == plain


def test_dropping_the_last_chunk_is_detected():
    sealed = io.BytesIO()
    encrypt_stream(io.BytesIO(b"x" * (2 * 1024 * 1024 + 5)), sealed, passphrase=PASSPHRASE)
    data = sealed.getvalue()
    first_chunk_end = 14 + 16 + 4 + 12 + 1024 * 1024 + 16
    second_chunk_end = first_chunk_end + 4 + 12 + 1024 * 1024 + 16
    with pytest.raises(BackupError):
        list(decrypt_chunks(io.BufferedReader(io.BytesIO(data[:second_chunk_end])), passphrase=PASSPHRASE))


def test_make_restore_without_a_file_says_how():
    result = subprocess.run(["make", "-s", "restore"], capture_output=True, text=True, check=False)
    assert result.returncode != 0 and "Usage: make restore FILE=" in result.stdout + result.stderr
