"""The breach runbook's first step: from the audit log, whose data an incident touched in a window."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from audit.models import AuditAction, AuditEvent
from audit.services import audit_bulk_export, audit_record
from participants.services.breach import breach_report
from tests.factories import AttendanceFactory, ParticipantFactory, PartnerFactory
from users.models import Role

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 11, 28, 2, 0, tzinfo=dt.UTC)


def _at(event, when):
    AuditEvent.objects.filter(pk=event.pk).update(at=when)


@pytest.fixture
def incident(make_user):
    partner_a, partner_b = PartnerFactory(), PartnerFactory()
    thief = make_user(Role.PARTNER_COORDINATOR, partner=partner_a, email="coord-a@example.org")
    admin = make_user(Role.PROGRAMME_ADMIN, email="admin@example.org")
    in_scope = [ParticipantFactory(home_partner=partner_a) for _ in range(3)]
    outside = ParticipantFactory(home_partner=partner_b)
    corrected = ParticipantFactory(home_partner=partner_b)
    checked_in = AttendanceFactory(participant=ParticipantFactory(home_partner=partner_b))
    before = ParticipantFactory(home_partner=partner_b)

    _at(audit_record(actor=thief, action=AuditAction.LOGGED_IN, ip="203.0.113.9"), T0)
    _at(audit_bulk_export(actor=thief, what="participants", fmt="csv", rows=3), T0 + dt.timedelta(minutes=5))
    _at(audit_record(actor=admin, action=AuditAction.PARTICIPANT_UPDATED, obj=corrected, changes={"fields": ["phone"]}), T0)
    _at(audit_record(actor=admin, action=AuditAction.ATTENDANCE_AFTER_CLOSE, obj=checked_in), T0)
    _at(audit_record(actor=None, action=AuditAction.LOGIN_FAILED, changes={"username": "x"}, ip="198.51.100.7"), T0)
    _at(audit_record(actor=admin, action=AuditAction.PARTICIPANT_UPDATED, obj=before), T0 - dt.timedelta(days=5))
    return {"in_scope": in_scope, "outside": outside, "corrected": corrected, "checked_in": checked_in, "before": before}


def test_the_report_lists_whose_data_the_window_touched(incident):
    report = breach_report(since=T0 - dt.timedelta(hours=1), until=T0 + dt.timedelta(hours=71))

    expected = {p.pk for p in incident["in_scope"]} | {incident["corrected"].pk, incident["checked_in"].participant_id}
    assert report.participants_touched == expected
    assert incident["outside"].pk not in report.participants_touched and incident["before"].pk not in report.participants_touched
    assert [(who, where) for _when, who, where in report.logins] == [("coord-a@example.org", "203.0.113.9")]
    assert len(report.failed_logins) == 1 and report.exports[0]["rows"] == 3


def test_the_report_narrowed_to_one_account(incident):
    report = breach_report(since=T0 - dt.timedelta(hours=1), until=T0 + dt.timedelta(hours=1), actors=["coord-a@example.org"])

    assert report.participants_touched == {p.pk for p in incident["in_scope"]}


def test_the_command_prints_the_counts_and_ids(incident):
    out = io.StringIO()
    call_command("breach_report", "--since", "2026-11-28", "--until", "2026-11-29T00:00+07:00", "--ids", stdout=out)

    text = out.getvalue()
    assert "Participants whose data the incident may have touched: 5" in text
    assert "coord-a@example.org from 203.0.113.9" in text
    assert str(incident["corrected"].pk) in text.split("Participant ids:")[1]
    with pytest.raises(CommandError):
        call_command("breach_report", "--since", "2026-11-29", "--until", "2026-11-28", stdout=io.StringIO())
