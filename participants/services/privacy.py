"""Data-subject requests under UU 27/2022: export everything held about a person, or erase it.

Erasure keeps the anonymous counts: the Participant row (city, type, gender, age band, sector,
scale, test flag) and its attendances stay, so roll-ups and "counts once" are unchanged; what
identifies the person is blanked or replaced by "Dihapus #<id>". Both write the audit log.
"""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditAction
from audit.services import audit_record
from cities.timezones import to_zone_time

from ..events import participant_erased, personal_data_collected
from ..models import Attendance, DuplicateCandidate, DuplicateStatus, Participant, ParticipantImport, ProposedChange
from ..phones import phone_normalise

# What identifies the person: blanked on erasure (full_name gets the placeholder instead).
ERASED_FIELDS = ("full_name", "phone", "email", "nib", "business_name", "agency")
EXPORT_VERSION = 1


def erased_name(participant_id: int) -> str:
    # Deliberately not translated: the stored value is the same whatever language the admin uses.
    return f"Dihapus #{participant_id}"


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def _local(value: dt.datetime | None, city) -> str | None:
    if value is None:
        return None
    return f"{to_zone_time(value, city.time_zone):%Y-%m-%d %H:%M} {city.zone_label}"


def participant_personal_data(*, participant: Participant) -> dict[str, Any]:
    """Everything the platform holds about this person, as plain JSON-ready data (no other people's data)."""
    from notifications.models import ContactPreference, Notification

    p = participant
    ids = [p.pk, *Participant.objects.filter(merged_into=p).values_list("pk", flat=True)]
    attendances = (
        Attendance.objects.filter(participant_id__in=ids)
        .select_related("session", "session__city")
        .order_by("session__starts_at", "pk")
    )
    preference = ContactPreference.objects.filter(participant=p).first()
    notifications = Notification.objects.filter(participant_id__in=ids).order_by("created_at", "pk")
    held_above = {}
    for _receiver, part in personal_data_collected.send(sender=Participant, participant_ids=ids):
        held_above.update(part or {})
    return {
        "export_version": EXPORT_VERSION,
        "exported_at": _iso(timezone.now()),
        "participant": {
            "id": p.pk,
            "full_name": p.full_name,
            "phone": p.phone,
            "email": p.email,
            "gender": p.gender,
            "age_band": p.age_band,
            "city": p.city.name,
            "kind": p.kind,
            "business_name": p.business_name,
            "agency": p.agency,
            "sector": p.sector,
            "scale": p.scale,
            "nib": p.nib,
            "baseline_social_media": p.baseline_social_media,
            "is_test": p.is_test,
            "merged_into_id": p.merged_into_id,
            "merged_record_ids": ids[1:],
            "erased_at": _iso(p.erased_at),
            "created_at": _iso(p.created_at),
            "updated_at": _iso(p.updated_at),
        },
        "consent": {"version": p.consent_version, "given_at": _iso(p.consent_at)},
        "whatsapp_opt_in": p.whatsapp_opt_in,
        "contact_preference": {
            "language": preference.language if preference else "",
            "opted_out_at": _iso(preference.opted_out_at) if preference else None,
        },
        "attendances": [
            {
                "session_id": a.session_id,
                "session": a.session.title,
                "city": a.session.city.name,
                "starts_at_local": _local(a.session.starts_at, a.session.city),
                "ends_at_local": _local(a.session.ends_at, a.session.city),
                "status": a.status,
                "source": a.source,
                "registered_at_local": _local(a.registered_at, a.session.city),
                "checked_in_at_local": _local(a.checked_in_at, a.session.city),
            }
            for a in attendances
        ],
        "notifications": [
            {"channel": n.channel, "kind": n.kind, "state": n.state, "sent_at": _iso(n.sent_at)} for n in notifications
        ],
        "proposed_changes": [
            {"values": c.values, "status": c.status, "source": c.source, "created_at": _iso(c.created_at)}
            for c in ProposedChange.objects.filter(participant_id__in=ids).order_by("created_at", "pk")
        ],
        **held_above,
    }


def participant_export_personal_data(*, participant: Participant, by) -> dict[str, Any]:
    """The export an admin downloads on the person's request; the download itself is audited."""
    data = participant_personal_data(participant=participant)
    audit_record(
        actor=by,
        action=AuditAction.PERSONAL_DATA_EXPORTED,
        obj=participant,
        changes={"attendances": len(data["attendances"]), "notifications": len(data["notifications"])},
    )
    return data


def participant_erase(*, participant: Participant, by, reason: str) -> bool:
    """Erase the person's personal data (and that of records merged into them). Returns False if already erased.

    Idempotent: a second call finds erased_at set and changes nothing.
    """
    from notifications.services.outbox import participant_notifications_erase

    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the data is erased (for example, the person's request and its date).")})
    with transaction.atomic():
        locked = Participant.objects.select_for_update().get(pk=participant.pk)
        if locked.erased_at is not None:
            participant.refresh_from_db()
            return False
        now = timezone.now()
        people = [locked, *Participant.objects.select_for_update().filter(merged_into=locked).order_by("pk")]
        scrubbed_imports = _imports_scrub(
            phones={p.phone for p in people if p.phone}, names={p.full_name for p in people if p.full_name}
        )
        for person in people:
            person.full_name = erased_name(person.pk)
            person.phone = person.email = person.nib = person.business_name = person.agency = ""
            person.whatsapp_opt_in = False
            person.erased_at = now
            person.save(update_fields=[*ERASED_FIELDS, "whatsapp_opt_in", "erased_at", "updated_at"])
        ids = [p.pk for p in people]
        cancelled = participant_notifications_erase(participant_ids=ids, now=now)
        # Sent inside the transaction, not on commit: what apps above hold about the person is
        # erased with it or, if that fails, nothing is (no half-erased person).
        participant_erased.send(sender=Participant, participant_ids=ids)
        # Proposed changes hold the values someone typed for the person: they go with the rest.
        proposals_deleted, _by_model = ProposedChange.objects.filter(participant_id__in=ids).delete()
        # Open merge-queue entries would show an erased person next to someone else: close them.
        DuplicateCandidate.objects.filter(status=DuplicateStatus.OPEN).filter(
            Q(participant_id__in=ids) | Q(existing_id__in=ids)
        ).update(status=DuplicateStatus.DISMISSED, resolved_at=now, resolved_by=by)
        audit_record(
            actor=by,
            action=AuditAction.PERSONAL_DATA_ERASED,
            obj=locked,
            changes={
                "fields": [*ERASED_FIELDS, "whatsapp_opt_in"],
                "records": ids,
                "notifications_cancelled": cancelled,
                "import_files_scrubbed": scrubbed_imports,
                "proposed_changes_deleted": proposals_deleted,
                "reason": reason[:500],
            },
        )
    participant.refresh_from_db()
    return True


def _scrub_record(record: dict, phones: set[str], names: set[str]) -> bool:
    """Blank the personal fields of one uploaded row (raw row or preview entry) that names an erased person."""
    if not isinstance(record, dict):
        return False
    try:
        phone = phone_normalise(str(record.get("phone", "")))
    except ValidationError:
        phone = ""
    name = (record.get("full_name") or record.get("name") or "").strip()
    changed = False
    if (phone and phone in phones) or (name and name in names):
        for field in (*ERASED_FIELDS, "name"):
            if record.get(field):
                record[field] = ""
                changed = True
    reason = record.get("reason")
    if isinstance(reason, str) and any(n and n in reason for n in names):
        record["reason"] = ""  # "possible duplicate of <name>" named the erased person
        changed = True
    return changed


def _imports_scrub(*, phones: set[str], names: set[str]) -> int:
    """Uploaded lists keep their rows for the preview and the result page: erase the person there too.

    Import jobs are few (one per uploaded paper list), so each is read and rewritten in Python.
    Returns how many import files were changed.
    """
    changed = 0
    for job in ParticipantImport.objects.select_for_update().only("pk", "rows", "preview").order_by("pk"):
        hits = [_scrub_record(row, phones, names) for row in job.rows] + [
            _scrub_record(item, phones, names) for item in job.preview
        ]
        if any(hits):
            job.save(update_fields=["rows", "preview"])
            changed += 1
    return changed
