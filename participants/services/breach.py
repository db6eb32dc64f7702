"""Whose data an incident may have touched, from the audit log: the first step of a breach notice
(UU 27/2022 asks for notice within 3×24 hours).

Given a time window (and optionally the accounts or addresses under suspicion), it lists:
- the accounts that logged in or failed to, and from where;
- every audited action, counted;
- the participants acted on one by one (records opened for export or erasure, corrected, merged,
  checked in, matched across partners), by id;
- the lists exported, and how many participants each exporting account can see today (a list
  export holds the account's whole scope, users/scoping.py), with their ids.
Ids only: the report can be passed around; names and phones are looked up by someone allowed to.
"""

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from audit.models import AuditAction, AuditEvent
from users.models import User
from users.scoping import participants_for

from ..models import Attendance

_PARTICIPANT = "participants.participant"
_ATTENDANCE = "participants.attendance"
_IMPORT = "participants.participantimport"


@dataclass
class BreachReport:
    since: dt.datetime
    until: dt.datetime
    events: int = 0
    actions: Counter = field(default_factory=Counter)
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # (when, who, from)
    failed_logins: list[tuple[str, str, str]] = field(default_factory=list)
    participants_acted_on: set[int] = field(default_factory=set)
    exports: list[dict] = field(default_factory=list)
    participants_in_exports: set[int] = field(default_factory=set)
    imports: list[int] = field(default_factory=list)  # uploaded lists: their rows name people (if not yet dropped)

    @property
    def participants_touched(self) -> set[int]:
        return self.participants_acted_on | self.participants_in_exports


def breach_report(
    *, since: dt.datetime, until: dt.datetime, actors: list[str] | None = None, addresses: list[str] | None = None
) -> BreachReport:
    events = AuditEvent.objects.filter(at__gte=since, at__lt=until).order_by("at", "pk")
    if actors:
        events = events.filter(actor_email__in=actors)
    if addresses:
        events = events.filter(ip_address__in=addresses)
    report = BreachReport(since=since, until=until)
    attendance_ids: set[int] = set()
    exporters: dict[str, list[dict]] = {}
    for event in events.iterator():
        report.events += 1
        report.actions[event.action] += 1
        who, where = event.actor_email or "-", event.ip_address or "-"
        when = event.at.isoformat(timespec="seconds")
        if event.action == AuditAction.LOGGED_IN:
            report.logins.append((when, who, where))
        elif event.action == AuditAction.LOGIN_FAILED:
            report.failed_logins.append((when, who, where))
        if event.object_type == _PARTICIPANT and event.object_id.isdigit():
            report.participants_acted_on.add(int(event.object_id))
            merged = (event.changes or {}).get("merged_record")
            if isinstance(merged, int):
                report.participants_acted_on.add(merged)
        elif event.object_type == _ATTENDANCE and event.object_id.isdigit():
            attendance_ids.add(int(event.object_id))
        elif event.object_type == _IMPORT and event.object_id.isdigit():
            report.imports.append(int(event.object_id))
        if event.action == AuditAction.BULK_EXPORTED:
            export = {"when": when, "who": who, "from": where, **(event.changes or {})}
            report.exports.append(export)
            exporters.setdefault(event.actor_email, []).append(export)
        participant_id = (event.changes or {}).get("participant_id")
        if isinstance(participant_id, int):
            report.participants_acted_on.add(participant_id)
    report.participants_acted_on |= set(Attendance.objects.filter(pk__in=attendance_ids).values_list("participant_id", flat=True))
    for email in exporters:
        user = User.objects.filter(email__iexact=email).first() if email else None
        if user is None:
            continue
        report.participants_in_exports |= set(participants_for(user).values_list("pk", flat=True))
    return report
