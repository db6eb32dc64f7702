"""Changes to a stored person proposed through a public form, and staff deciding on them.

A public form never writes to a known person: the differences between what was typed and what is
stored become a ProposedChange. Staff of the person's partner (or an admin) accept it, which applies
it through the editing service, or reject it; both are audited with field names only.
"""

from typing import Any

from django.db import transaction
from django.utils import timezone

from audit.models import AuditAction
from audit.services import audit_record
from sessions_app.models import TrainingSession
from users.models import User

from ..models import Participant, ProposalSource, ProposalStatus, ProposedChange
from .editing import participant_update
from .registration import PARTICIPANT_FIELDS

# What a public form may propose; the phone is how the person was recognised, so it never differs.
PROPOSABLE_FIELDS = tuple(name for name in PARTICIPANT_FIELDS if name != "phone")


class ProposalAlreadyDecided(Exception):
    """Someone else accepted or rejected this proposal first."""


def proposed_values_from(*, participant: Participant, data: dict[str, Any]) -> dict[str, Any]:
    """The typed values that differ from the stored ones. Blanks propose nothing, and neither does leaving
    the WhatsApp box unticked (withdrawing goes through the opt-out link)."""
    values = {}
    for field in PROPOSABLE_FIELDS:
        typed = data.get(field)
        if typed in (None, "") or (field == "whatsapp_opt_in" and not typed):
            continue
        if isinstance(typed, str):
            typed = typed.strip()
        if typed != getattr(participant, field):
            values[field] = typed
    return values


def proposed_change_record(
    *,
    participant: Participant,
    session: TrainingSession | None,
    data: dict[str, Any],
    source: str = ProposalSource.SELF_REGISTRATION,
) -> ProposedChange | None:
    """Keep what differs as a pending proposal; None when nothing differs or the same proposal is already pending.

    Call it inside the caller's transaction (registration holds a lock on the phone, so two submissions of
    the same form cannot both create one).
    """
    values = proposed_values_from(participant=participant, data=data)
    if not values:
        return None
    pending = ProposedChange.objects.filter(participant=participant, status=ProposalStatus.PENDING)
    if any(existing.values == values for existing in pending):
        return None
    return ProposedChange.objects.create(participant=participant, session=session, source=source, values=values)


def _decide(*, proposal: ProposedChange, by: User, status: str) -> ProposedChange:
    locked = ProposedChange.objects.select_for_update().get(pk=proposal.pk)
    if locked.status != ProposalStatus.PENDING:
        raise ProposalAlreadyDecided()
    locked.status = status
    locked.decided_by = by
    locked.decided_at = timezone.now()
    locked.save(update_fields=["status", "decided_by", "decided_at"])
    return locked


def proposed_change_accept(*, proposal: ProposedChange, by: User) -> list[str]:
    """Apply the proposal to the person through the editing service; returns the fields that changed.

    Raises ProposalAlreadyDecided, or the editing service's ValidationError (nothing is then decided).
    """
    with transaction.atomic():
        locked = _decide(proposal=proposal, by=by, status=ProposalStatus.ACCEPTED)
        values = {k: v for k, v in locked.values.items() if k in PROPOSABLE_FIELDS}
        changed = participant_update(participant=locked.participant, by=by, **values)
        audit_record(
            actor=by,
            action=AuditAction.CHANGE_ACCEPTED,
            obj=locked.participant,
            changes={"proposal": locked.pk, "fields": sorted(values), "changed": changed, "source": locked.source},
        )
    proposal.refresh_from_db()
    return changed


def proposed_change_reject(*, proposal: ProposedChange, by: User) -> ProposedChange:
    """Refuse the proposal: the person stays as stored. Raises ProposalAlreadyDecided."""
    with transaction.atomic():
        locked = _decide(proposal=proposal, by=by, status=ProposalStatus.REJECTED)
        audit_record(
            actor=by,
            action=AuditAction.CHANGE_REJECTED,
            obj=locked.participant,
            changes={"proposal": locked.pk, "fields": sorted(locked.values), "source": locked.source},
        )
    proposal.refresh_from_db()
    return proposal
