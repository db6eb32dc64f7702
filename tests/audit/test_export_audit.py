"""Every list that leaves the platform is in the audit log: who, from where, which list, how many rows."""

import pytest

from audit.models import AuditAction, AuditEvent
from tests.factories import AttendanceFactory, ParticipantFactory, TrainingSessionFactory
from users.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, make_user):
    client.force_login(make_user(Role.PROGRAMME_ADMIN))
    return client


def _exports():
    return list(AuditEvent.objects.filter(action=AuditAction.BULK_EXPORTED).order_by("pk"))


def test_a_participant_export_records_its_row_count_and_address(admin_client):
    ParticipantFactory.create_batch(3)
    erased = ParticipantFactory()
    erased.erased_at = erased.created_at
    erased.save(update_fields=["erased_at"])

    response = admin_client.get("/participants/export/participants.xlsx", REMOTE_ADDR="10.1.2.3")

    assert response.status_code == 200
    [event] = _exports()
    assert event.changes == {"what": "participants", "format": "xlsx", "rows": 3}
    assert event.ip_address == "10.1.2.3"


def test_attendance_schedule_and_dashboard_exports_are_recorded(admin_client):
    session = TrainingSessionFactory()
    AttendanceFactory.create_batch(2, session=session)

    b"".join(admin_client.get("/participants/export/attendance.csv").streaming_content)
    admin_client.get("/schedule/export.csv", {"when": "all"})

    kinds = [(e.changes["what"], e.changes["format"], e.changes["rows"]) for e in _exports()]
    assert kinds == [("attendance", "csv", 2), ("sessions", "csv", 1)]


def test_a_refused_export_records_nothing(client, make_user):
    client.force_login(make_user(Role.KSP_MONITOR))

    assert client.get("/participants/export/participants.csv").status_code == 403
    assert _exports() == []
