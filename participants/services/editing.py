"""Correcting a participant's details (a wrong phone or name typed at the door, a fixed paper list).

Same rules as creation; a second editor working from an older copy gets EditConflict instead of
silently overwriting the first; the audit log names the fields that changed, never their values.
"""

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from audit.models import AuditAction
from audit.services import audit_record
from umkm_program.conflicts import EditConflict
from umkm_program.events import send_on_commit
from users.models import User

from ..counting import counts_changed, participant_session_ids
from ..events import participant_name_changed
from ..models import DuplicateCandidate, Participant, ParticipantKind
from ..phones import phone_normalise
from ..validators import nib_clean, validate_nib
from .locks import advisory_lock

# What a correction may change; consent, merge and erasure have their own services.
EDITABLE_FIELDS = (
    "full_name",
    "phone",
    "email",
    "gender",
    "age_band",
    "city",
    "kind",
    "business_name",
    "agency",
    "sector",
    "scale",
    "nib",
    "baseline_social_media",
    "whatsapp_opt_in",
)
# Attributes the roll-ups count or slice by: changing one recounts every session the person is in.
COUNTED_FIELDS = ("gender", "scale", "kind", "sector", "baseline_social_media")


class PhoneTaken(ValidationError):
    """Another active participant already has the phone: the merge queue, not a second owner."""

    def __init__(self, other: Participant):
        super().__init__(
            {
                "phone": ValidationError(
                    _(
                        "Another participant already has this phone number. If they are the same person, "
                        "send them to the merge queue instead of saving."
                    ),
                    code="phone_taken",
                )
            }
        )
        self.other = other


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list] = {}
    if "phone" in values:
        try:
            values["phone"] = phone_normalise(values["phone"] or "")
        except ValidationError as exc:
            errors["phone"] = exc.error_list
    if "nib" in values:
        nib = nib_clean(values["nib"])
        try:
            validate_nib(nib)
        except ValidationError as exc:
            errors["nib"] = exc.error_list
        values["nib"] = nib
    for name in ("full_name", "business_name", "agency", "email"):
        if name in values:
            values[name] = (values[name] or "").strip()
    if errors:
        raise ValidationError(errors)
    return values


def participant_update(
    *, participant: Participant, by: User, expected_updated_at: datetime | None = None, **fields: Any
) -> list[str]:
    """Correct the participant's details; returns the names of the fields that changed.

    Raises ValidationError (per field), PhoneTaken, or EditConflict when `expected_updated_at`
    (the copy the editor loaded) is older than the row.
    """
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    values = _clean(dict(fields))
    with transaction.atomic():
        locked = Participant.objects.select_for_update(of=("self",)).get(pk=participant.pk)
        if locked.erased_at:
            raise ValidationError(_("This participant's personal data was erased; it cannot be edited."), code="erased")
        if locked.merged_into_id:
            raise ValidationError(_("This record was merged into another; edit that one instead."), code="merged")
        if expected_updated_at is not None and locked.updated_at != expected_updated_at:
            raise EditConflict()
        before = {name: getattr(locked, f"{name}_id" if name == "city" else name) for name in EDITABLE_FIELDS}
        for name, value in values.items():
            setattr(locked, name, value)
        changed = [name for name in EDITABLE_FIELDS if getattr(locked, f"{name}_id" if name == "city" else name) != before[name]]
        if not changed:
            return []
        errors: dict[str, list] = {}
        if locked.kind == ParticipantKind.PEMDA and not locked.agency:
            errors["agency"] = [ValidationError(_("A government participant needs their agency."), code="required")]
        if locked.kind == ParticipantKind.UMKM and not locked.business_name:
            errors["business_name"] = [ValidationError(_("A business participant needs their business name."), code="required")]
        if errors:
            raise ValidationError(errors)
        if "phone" in changed and locked.phone:
            # The same key as registration's lock: a self-registration with this phone waits for us.
            advisory_lock(key=f"participant-phone:{locked.phone}")
            other = (
                Participant.objects.filter(phone=locked.phone, merged_into__isnull=True, erased_at__isnull=True)
                .exclude(pk=locked.pk)
                .order_by("pk")
                .first()
            )
            if other:
                raise PhoneTaken(other)
        locked.full_clean(exclude=["created_by", "merged_into"])
        locked.save(update_fields=[*changed, "updated_at"])
        audit_record(actor=by, action=AuditAction.PARTICIPANT_UPDATED, obj=locked, changes={"fields": changed})
        if set(changed) & set(COUNTED_FIELDS):
            counts_changed(session_ids=participant_session_ids(participant_ids=[locked.pk]), participant_ids=[locked.pk])
        if "full_name" in changed:
            send_on_commit(participant_name_changed, sender=Participant, participant_id=locked.pk)
    participant.refresh_from_db()
    return changed


def participant_send_to_merge_queue(*, participant: Participant, phone: str) -> bool:
    """The editor's "they are the same person": queue the pair for an admin to merge, nothing saved.

    The editor may not see the other record (another partner's person), so it is looked up here
    by the phone they typed, and only an admin sees both. Returns whether there was someone to queue.
    """
    phone = phone_normalise(phone or "")
    other = (
        Participant.objects.filter(phone=phone, merged_into__isnull=True, erased_at__isnull=True)
        .exclude(pk=participant.pk)
        .order_by("pk")
        .first()
        if phone
        else None
    )
    if other is None:
        return False
    DuplicateCandidate.objects.get_or_create(participant=participant, existing=other, defaults={"reason": "phone", "score": 100})
    return True
