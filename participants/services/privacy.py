"""Data-subject requests under UU 27/2022: export everything held about a person, or erase it.

Erasure keeps the anonymous counts: the Participant row (city, type, gender, age band, sector,
scale, test flag) and its attendances stay, so roll-ups and "counts once" are unchanged; what
identifies the person is blanked or replaced by "Dihapus #<id>". Both write the audit log.
"""

import datetime as dt
import re
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditAction, AuditEvent
from audit.services import audit_record
from cities.models import City
from cities.timezones import to_zone_time
from umkm_program.redaction import redact
from users.models import User

from ..events import personal_data_erase, personal_data_export
from ..models import (
    Attendance,
    DuplicateCandidate,
    DuplicateStatus,
    ErasureReason,
    Participant,
    ParticipantImport,
    ProposedChange,
)
from ..phones import phone_normalise

# What identifies the person: blanked on erasure (full_name gets the placeholder instead).
ERASED_FIELDS = ("full_name", "phone", "email", "nib", "business_name", "agency")
EXPORT_VERSION = 1
REFERENCE_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9/._-]{0,39}")


def erased_name(participant_id: int) -> str:
    # Deliberately not translated: the stored value is the same whatever language the admin uses.
    return f"Dihapus #{participant_id}"


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def _local(value: dt.datetime | None, city: City) -> str | None:
    if value is None:
        return None
    return f"{to_zone_time(value, city.time_zone):%Y-%m-%d %H:%M} {city.zone_label}"


def participant_personal_data(*, participant: Participant) -> dict[str, Any]:
    """Everything the platform holds about this person, as plain JSON-ready data (no other people's data)."""
    p = participant
    ids = [p.pk, *Participant.objects.filter(merged_into=p).values_list("pk", flat=True)]
    attendances = (
        Attendance.objects.filter(participant_id__in=ids)
        .select_related("session", "session__city")
        .order_by("session__starts_at", "pk")
    )
    data: dict[str, Any] = {
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
        "proposed_changes": [
            {"values": c.values, "status": c.status, "source": c.source, "created_at": _iso(c.created_at)}
            for c in ProposedChange.objects.filter(participant_id__in=ids).order_by("created_at", "pk")
        ],
    }
    # The copies apps above keep (the outbox: contact preference, messages) add their own sections.
    for _receiver, sections in personal_data_export.send(sender=Participant, participant_ids=ids):
        data.update(cast(dict[str, Any], sections))
    return data


def participant_export_personal_data(*, participant: Participant, by: User) -> dict[str, Any]:
    """The export an admin downloads on the person's request; the download itself is audited."""
    data = participant_personal_data(participant=participant)
    audit_record(
        actor=by,
        action=AuditAction.PERSONAL_DATA_EXPORTED,
        obj=participant,
        changes={"attendances": len(data["attendances"]), "notifications": len(data.get("notifications", []))},
    )
    return data


def erasure_reason_check(*, reason: str, reference: str) -> tuple[str, str]:
    """The reason as one of ErasureReason and a reference of letters, digits and / . _ - (no free text)."""
    reason, reference = (reason or "").strip(), (reference or "").strip()
    if reason not in ErasureReason.values:
        raise ValidationError({"reason": _("Choose why the data is erased.")})
    if not REFERENCE_PATTERN.fullmatch(reference):
        raise ValidationError({"reference": _("Use only letters, digits and / . _ - (for example PDP-2026-014); no names.")})
    return reason, reference


def participant_erase(*, participant: Participant, by: User | None, reason: str, reference: str = "") -> bool:
    """Erase the person's personal data (and that of records merged into them). Returns False if already erased.

    Every copy goes: the record, uploaded rows and previews, proposed changes, the outbox (text,
    address, error), audit values, Django's admin log. Idempotent: a second call changes nothing.
    """
    reason, reference = erasure_reason_check(reason=reason, reference=reference)
    with transaction.atomic():
        locked = Participant.objects.select_for_update().get(pk=participant.pk)
        if locked.erased_at is not None:
            participant.refresh_from_db()
            return False
        now = timezone.now()
        people = [locked, *Participant.objects.select_for_update().filter(merged_into=locked).order_by("pk")]
        phones = {p.phone for p in people if p.phone}
        names = {p.full_name for p in people if p.full_name}
        known = _known_values(people)
        scrubbed_imports = _imports_scrub(phones=phones, names=names, known=known)
        for person in people:
            person.full_name = erased_name(person.pk)
            person.phone = person.email = person.nib = person.business_name = person.agency = ""
            person.whatsapp_opt_in = False
            person.erased_at = now
            person.save(update_fields=[*ERASED_FIELDS, "whatsapp_opt_in", "erased_at", "updated_at"])
        ids = [p.pk for p in people]
        # The copies apps above keep (the outbox) are erased in this same transaction: all or nothing.
        erased_elsewhere: dict[str, int] = {}
        for _receiver, counts in personal_data_erase.send(sender=Participant, participant_ids=ids, now=now):
            erased_elsewhere.update(cast(dict[str, int], counts))
        # Proposed changes hold the values someone typed for the person: they go with the rest.
        proposals_deleted, _by_model = ProposedChange.objects.filter(participant_id__in=ids).delete()
        # Open merge-queue entries would show an erased person next to someone else: close them.
        DuplicateCandidate.objects.filter(status=DuplicateStatus.OPEN).filter(
            Q(participant_id__in=ids) | Q(existing_id__in=ids)
        ).update(status=DuplicateStatus.DISMISSED, resolved_at=now, resolved_by=by)
        _duplicate_reasons_scrub(ids=ids, known=known)
        admin_log_scrubbed = _admin_log_scrub(ids=ids, known=known)
        audit_scrubbed = _audit_values_scrub(known=known)
        audit_record(
            actor=by,
            action=AuditAction.PERSONAL_DATA_ERASED,
            obj=locked,
            changes={
                "fields": [*ERASED_FIELDS, "whatsapp_opt_in"],
                "records": ids,
                **erased_elsewhere,
                "import_files_scrubbed": scrubbed_imports,
                "proposed_changes_deleted": proposals_deleted,
                "admin_log_entries_scrubbed": admin_log_scrubbed,
                "audit_events_scrubbed": audit_scrubbed,
                "reason": reason,
                "reference": reference,
            },
        )
    participant.refresh_from_db()
    return True


def _known_values(people: list[Participant]) -> list[str]:
    """Every value that identifies these people, with the phone in the ways people write it."""
    values = []
    for p in people:
        values += [p.full_name, p.email, p.nib, p.business_name, p.agency]
        values += phone_written_forms(p.phone)
    return [v for v in values if v and len(v) >= 3]


def phone_written_forms(phone: str) -> list[str]:
    """+6281234567890 as it is also written: 6281234567890, 081234567890, 81234567890."""
    if not phone:
        return []
    digits = phone.lstrip("+")
    national = digits[2:] if digits.startswith("62") else digits
    return [phone, digits, "0" + national, national]


def _mentions(text: str, known: list[str]) -> bool:
    lowered = text.lower()
    digits = "".join(ch for ch in text if ch.isdigit())
    return any(v.lower() in lowered or (v.isdigit() and v in digits) for v in known)


def _scrub_json(value: Any, known: list[str]) -> Any:
    """A JSON value with every string that mentions a known value redacted."""
    if isinstance(value, dict):
        return {k: _scrub_json(v, known) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub_json(v, known) for v in value]
    if isinstance(value, str) and _mentions(value, known):
        return redact(value, known=known)
    return value


def _admin_log_scrub(*, ids: list[int], known: list[str]) -> int:
    """Django's admin log keeps each object's str() and a change message: replace the person there."""
    from django.contrib.admin.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    participant_type = ContentType.objects.get_for_model(Participant)
    changed = LogEntry.objects.filter(content_type=participant_type, object_id__in=[str(i) for i in ids]).update(
        object_repr="[erased]", change_message="[]"
    )
    mention = Q()
    for value in known:
        mention |= Q(object_repr__icontains=value) | Q(change_message__icontains=value)
    for entry in LogEntry.objects.filter(mention).only("pk", "object_repr", "change_message"):
        entry.object_repr = redact(entry.object_repr, known=known)[:200]
        entry.change_message = "[]"
        entry.save(update_fields=["object_repr", "change_message"])
        changed += 1
    return changed


def _audit_values_scrub(*, known: list[str]) -> int:
    """Audit events hold field names and counts, but a reason or value typed before that rule may name the person."""
    mention = Q()
    for value in known:
        mention |= Q(changes__icontains=value) | Q(actor_email__iexact=value)
    changed = 0
    for event in AuditEvent.objects.filter(mention).only("pk", "changes", "actor_email"):
        event.changes = _scrub_json(event.changes, known)
        if event.actor_email.lower() in {v.lower() for v in known}:
            event.actor_email = ""
        event.save(update_fields=["changes", "actor_email"])
        changed += 1
    return changed


def _duplicate_reasons_scrub(*, ids: list[int], known: list[str]) -> None:
    for candidate in DuplicateCandidate.objects.filter(Q(participant_id__in=ids) | Q(existing_id__in=ids)).only("pk", "reason"):
        if _mentions(candidate.reason, known):
            candidate.reason = redact(candidate.reason, known=known)[:200]
            candidate.save(update_fields=["reason"])


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


def _imports_scrub(*, phones: set[str], names: set[str], known: list[str]) -> int:
    """Uploaded lists keep their rows for the preview and the result page: erase the person there too.

    Import jobs are few (one per uploaded paper list), so each is read and rewritten in Python.
    Returns how many import files were changed.
    """
    changed = 0
    for job in ParticipantImport.objects.select_for_update().only("pk", "rows", "preview", "failure").order_by("pk"):
        hits = [_scrub_record(row, phones, names) for row in job.rows] + [
            _scrub_record(item, phones, names) for item in job.preview
        ]
        failure = redact(job.failure, known=known) if job.failure and _mentions(job.failure, known) else job.failure
        if any(hits) or failure != job.failure:
            job.failure = failure
            job.save(update_fields=["rows", "preview", "failure"])
            changed += 1
    return changed
