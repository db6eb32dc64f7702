"""The merge queue: an admin decides that two records are one person."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditAction
from audit.services import audit_record
from umkm_program.events import send_on_commit
from users.models import User

from ..counting import counts_changed, participant_session_ids
from ..events import participants_merged
from ..models import Attendance, AttendanceStatus, DuplicateCandidate, DuplicateStatus, Participant, ProposedChange

# When both records were at the same session, the attendance that says more wins.
_STATUS_RANK: dict[str, int] = {AttendanceStatus.ATTENDED: 3, AttendanceStatus.REGISTERED: 2, AttendanceStatus.NO_SHOW: 1}
_FILLABLE = ("email", "age_band", "business_name", "agency", "sector", "scale", "nib", "baseline_social_media", "phone")


def participant_merge(*, keep: Participant, lose: Participant, by: User) -> Participant:
    """Move `lose`'s attendances to `keep` and mark `lose` as merged into it, so the person counts once."""
    if keep.pk == lose.pk:
        raise ValidationError(_("A record cannot be merged into itself."))
    with transaction.atomic():
        # Lock both rows in a fixed order so two admins merging crosswise cannot deadlock.
        locked = {p.pk: p for p in Participant.objects.select_for_update().filter(pk__in=[keep.pk, lose.pk]).order_by("pk")}
        keep, lose = locked[keep.pk], locked[lose.pk]
        if lose.merged_into_id or keep.merged_into_id:
            raise ValidationError(_("One of these records was already merged."))
        kept_by_session = {a.session_id: a for a in Attendance.objects.select_for_update().filter(participant=keep)}
        touched_sessions = set()
        for attendance in Attendance.objects.select_for_update().filter(participant=lose):
            touched_sessions.add(attendance.session_id)
            mine = kept_by_session.get(attendance.session_id)
            if mine is None:
                Attendance.objects.filter(pk=attendance.pk).update(participant=keep)
                continue
            if _STATUS_RANK[attendance.status] > _STATUS_RANK[mine.status]:
                Attendance.objects.filter(pk=mine.pk).update(
                    status=attendance.status, checked_in_at=attendance.checked_in_at, checked_in_by=attendance.checked_in_by
                )
            attendance.delete()
        filled = [f for f in _FILLABLE if not getattr(keep, f) and getattr(lose, f)]
        for field in filled:
            setattr(keep, field, getattr(lose, field))
        if lose.whatsapp_opt_in and not keep.whatsapp_opt_in:
            keep.whatsapp_opt_in = True
            filled.append("whatsapp_opt_in")
        if filled:
            keep.save(update_fields=[*filled, "updated_at"])
        Participant.objects.filter(merged_into=lose).update(merged_into=keep)
        # What was proposed for the merged record is now proposed for the person it became.
        ProposedChange.objects.filter(participant=lose).update(participant=keep)
        lose.merged_into = keep
        lose.save(update_fields=["merged_into", "updated_at"])
        now = timezone.now()
        DuplicateCandidate.objects.filter(
            status=DuplicateStatus.OPEN, participant__in=[keep, lose], existing__in=[keep, lose]
        ).update(status=DuplicateStatus.MERGED, resolved_at=now, resolved_by=by)
        # Other open candidates that named the loser now name the survivor (or are moot).
        DuplicateCandidate.objects.filter(status=DuplicateStatus.OPEN).filter(participant=lose).update(
            status=DuplicateStatus.DISMISSED, resolved_at=now, resolved_by=by
        )
        DuplicateCandidate.objects.filter(status=DuplicateStatus.OPEN).filter(existing=lose).update(
            status=DuplicateStatus.DISMISSED, resolved_at=now, resolved_by=by
        )
        audit_record(
            actor=by,
            action=AuditAction.PARTICIPANT_MERGED,
            obj=keep,
            changes={"merged_record": lose.pk, "fields_filled": filled, "sessions": sorted(touched_sessions)},
        )
        # The survivor's filled-in traits (scale, sector) count in every session they attended.
        counts_changed(
            session_ids=touched_sessions | participant_session_ids(participant_ids=[keep.pk]), participant_ids=[keep.pk, lose.pk]
        )
        send_on_commit(participants_merged, sender=Participant, kept_id=keep.pk, merged_id=lose.pk)
    return keep


def duplicate_dismiss(*, candidate: DuplicateCandidate, by: User) -> DuplicateCandidate:
    DuplicateCandidate.objects.filter(pk=candidate.pk, status=DuplicateStatus.OPEN).update(
        status=DuplicateStatus.DISMISSED, resolved_at=timezone.now(), resolved_by=by
    )
    candidate.refresh_from_db()
    return candidate
