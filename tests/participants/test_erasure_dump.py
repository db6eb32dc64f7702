"""After an erasure, a pg_dump of the whole database holds neither the person's name nor their phone, in any format.

The person is first put everywhere the platform (or Django's admin) may copy them: the outbox
(text, parameters, a provider error that echoed the phone), Django's admin log, an uploaded list's
rows, preview and failure, a proposed change, a merge-queue reason, an audit value typed before
reasons were a choice. The data is committed (transaction=True) so that pg_dump, another
connection, sees it.
"""

import re
import subprocess

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils import timezone

from audit.models import AuditAction, AuditEvent
from notifications.models import Notification, NotificationState
from participants.models import DuplicateCandidate, Participant, ParticipantImport, ProposedChange
from participants.services.privacy import participant_erase
from tests.factories import ParticipantFactory, TrainingSessionFactory
from users.models import Role

NAME = "Zubaidah Hartono"
PHONE = "+6281377778888"
PHONE_DIGITS = "81377778888"  # the national number: in +62…, 62…, 0… and with spaces or dashes
BUSINESS = "Keripik Zubaidah"


def _pg_dump() -> str:
    db = connection.settings_dict
    command = ["pg_dump", "--data-only", "--no-owner", "--dbname", db["NAME"]]
    if db.get("HOST"):
        command += ["--host", db["HOST"]]
    if db.get("PORT"):
        command += ["--port", str(db["PORT"])]
    if db.get("USER"):
        command += ["--username", db["USER"]]
    env = {"PGPASSWORD": db.get("PASSWORD") or "", "PATH": "/usr/bin:/bin"}
    return subprocess.run(command, capture_output=True, text=True, check=True, env=env, timeout=120).stdout


def _found(dump: str) -> list[str]:
    found = []
    for word in ("Zubaidah", "Hartono", "zubaidah@example"):
        if word.lower() in dump.lower():
            found.append(word)
    if PHONE_DIGITS in re.sub(r"[\s().\-+]", "", dump):
        found.append("phone")
    return found


@pytest.mark.django_db(transaction=True)
def test_after_erasure_pg_dump_finds_neither_name_nor_phone(make_user):
    admin = make_user(Role.PROGRAMME_ADMIN)
    session = TrainingSessionFactory()
    person = ParticipantFactory(
        full_name=NAME, phone=PHONE, email="zubaidah@example.id", business_name=BUSINESS, nib="9876543210123"
    )
    other = ParticipantFactory(full_name="Budi Lain", phone="+6281300001111")
    Notification.objects.create(
        kind="session_day_before",
        channel="whatsapp",
        state=NotificationState.FAILED,
        recipient_key=f"participant:{person.pk}",
        participant=person,
        subject_key="s:1",
        language="id",
        to=PHONE,
        body=f"Halo {NAME}",
        params=[NAME],
        last_error="400 rejected: invalid recipient 6281377778888",
        send_after=timezone.now(),
    )
    participant_type = ContentType.objects.get_for_model(Participant)
    LogEntry.objects.create(
        user=admin,
        content_type=participant_type,
        object_id=str(person.pk),
        object_repr=NAME,
        action_flag=CHANGE,
        change_message=f'[{{"changed": {{"fields": ["Phone"]}}, "note": "{NAME} 0813-7777-8888"}}]',
    )
    LogEntry.objects.create(
        user=admin,
        content_type=ContentType.objects.get_for_model(DuplicateCandidate),
        object_id="999",
        object_repr=f"{NAME} ~ Budi Lain",
        action_flag=CHANGE,
        change_message="[]",
    )
    ParticipantImport.objects.create(
        created_by=admin,
        file_name="daftar.csv",
        rows=[{"session": str(session.pk), "full_name": NAME, "phone": "0813 7777 8888"}],
        preview=[{"row": 2, "name": NAME, "phone": PHONE, "action": "create", "reason": "new participant"}],
        failure=f"row 2: {NAME} could not be saved",
    )
    ProposedChange.objects.create(participant=person, session=session, values={"full_name": NAME + " Baru"})
    DuplicateCandidate.objects.create(participant=other, existing=person, reason=f"similar to {NAME}")
    AuditEvent.objects.create(
        action=AuditAction.PARTICIPANT_UPDATED,
        object_type="participants.participant",
        object_id=str(person.pk),
        changes={"fields": ["phone"], "note": f"asked by {NAME} from 081377778888"},
    )
    before = _pg_dump()
    assert set(_found(before)) == {"Zubaidah", "Hartono", "zubaidah@example", "phone"}  # the check can fail

    assert participant_erase(participant=person, by=admin, reason="request", reference="PDP-2026-7") is True

    assert _found(_pg_dump()) == []
    assert "Budi Lain" in _pg_dump()  # other people are untouched
