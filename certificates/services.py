"""Issuing, delivering, correcting and revoking certificates of attendance.

Every function is idempotent: the events that call them may be delivered twice (closing attendance
again, a task retried by the broker), and the unique (participant, session) constraint and the
outbox's unique (recipient, subject, kind) keep one certificate and one message per person.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditAction
from audit.services import audit_record
from notifications.models import Notification, NotificationKind
from notifications.services.messages import (
    language_for,
    message_render,
    opt_out_url,
    participant_channel,
    participant_key,
    preferences_for,
)
from notifications.services.outbox import notifications_enqueue
from participants.models import Attendance, AttendanceStatus, Participant
from sessions_app.models import TrainingSession
from users.models import User

from .links import personal_url
from .models import Certificate, CertificateSettings, CertificateStatus, SendWhen
from .numbers import number_new

_NUMBER_ATTEMPTS = 5


def _eligible_attendances(session: TrainingSession) -> QuerySet[Attendance]:
    """Checked in, and a person whose data still exists (an erased person gets no new certificate)."""
    return Attendance.objects.filter(
        session=session,
        status=AttendanceStatus.ATTENDED,
        participant__erased_at__isnull=True,
        participant__merged_into__isnull=True,
    ).select_related("participant")


def certificates_issue_for_session(*, session_id: int) -> list[int]:
    """Issue a certificate to everyone checked in at a session whose attendance is closed.

    Returns the ids of the certificates made now (none when called again). Registered people and
    no-shows get none; a session whose attendance is still open gets none yet.
    """
    created: list[int] = []
    with transaction.atomic():
        session = TrainingSession.objects.select_for_update().get(pk=session_id)
        if session.attendance_closed_at is None:
            return []
        for _attempt in range(_NUMBER_ATTEMPTS):
            have = set(Certificate.objects.filter(session=session).values_list("participant_id", flat=True))
            missing = [a.participant for a in _eligible_attendances(session) if a.participant_id not in have]
            if not missing:
                break
            rows = [Certificate(number=number_new(), participant=p, session=session, name=p.full_name) for p in missing]
            # A number that happens to exist already (1 in 2^50 per pair) only skips that row: it is
            # made on the next round with a fresh number.
            Certificate.objects.bulk_create(rows, ignore_conflicts=True)
            numbers = [row.number for row in rows]
            created += list(Certificate.objects.filter(session=session, number__in=numbers).values_list("pk", flat=True))
    return created


def send_when_for(programme_id: int) -> str:
    setting = CertificateSettings.objects.filter(programme_id=programme_id).values_list("send_when", flat=True).first()
    return setting or SendWhen.ON_CLOSE


def certificates_on_attendance_closed(*, session_id: int) -> int:
    """Issue the session's certificates and, if the programme says so, send each person their link."""
    certificates_issue_for_session(session_id=session_id)
    programme_id = TrainingSession.objects.values_list("programme_id", flat=True).get(pk=session_id)
    if send_when_for(programme_id) != SendWhen.ON_CLOSE:
        return 0  # sent when the feedback survey is answered: certificates_deliver() from there
    ids = Certificate.objects.filter(session_id=session_id, status=CertificateStatus.VALID).values_list("pk", flat=True)
    return certificates_deliver(certificate_ids=list(ids))


def certificate_deliver_after_survey(*, session_id: int, participant_id: int) -> int:
    """For the feedback survey (issue 13) to call when a participant answers it: send their certificate
    link if their programme sends certificates after the survey. Idempotent (the outbox keeps one message)."""
    certificate = (
        Certificate.objects.filter(session_id=session_id, participant_id=participant_id, status=CertificateStatus.VALID)
        .select_related("session")
        .first()
    )
    if certificate is None or send_when_for(certificate.session.programme_id) != SendWhen.AFTER_SURVEY:
        return 0
    return certificates_deliver(certificate_ids=[certificate.pk])


def _subject(certificate: Certificate) -> str:
    return f"certificate:{certificate.number}"


def certificates_deliver(*, certificate_ids: list[int]) -> int:
    """Queue one message per valid certificate with the personal download link, in the person's language
    and by their channel. Test records, unreachable people and those who opted out get none. Returns how many."""
    certificates = list(
        Certificate.objects.filter(
            pk__in=certificate_ids,
            status=CertificateStatus.VALID,
            participant__is_test=False,
            participant__erased_at__isnull=True,
            participant__merged_into__isnull=True,
        ).select_related("participant", "session")
    )
    keys = {participant_key(c.participant_id) for c in certificates}
    preferences = preferences_for(keys)
    sent_before = set(
        Notification.objects.filter(
            kind=NotificationKind.CERTIFICATE_READY, subject_key__in=[_subject(c) for c in certificates]
        ).values_list("recipient_key", "subject_key")
    )
    now = timezone.now()
    rows = []
    for certificate in certificates:
        participant, key = certificate.participant, participant_key(certificate.participant_id)
        preference, route = preferences.get(key), participant_channel(participant)
        if (key, _subject(certificate)) in sent_before or route is None or (preference and preference.opted_out_at):
            continue
        language = language_for(participant, preference)
        context = {
            "name": certificate.name,
            "title": certificate.session.title,
            "url": personal_url(certificate.download_token),
            "opt_out_url": opt_out_url(key),
        }
        subject_line, body, params = message_render(kind=NotificationKind.CERTIFICATE_READY, language=language, context=context)
        rows.append(
            Notification(
                kind=NotificationKind.CERTIFICATE_READY,
                channel=route[0],
                recipient_key=key,
                participant=participant,
                subject_key=_subject(certificate),
                session=certificate.session,
                language=language,
                to=route[1],
                subject_line=subject_line,
                body=body,
                params=params,
                send_after=now,
            )
        )
    notifications_enqueue(rows=rows)
    return len(rows)


ATTENDANCE_CORRECTED = "attendance corrected"


def certificate_follow_attendance(*, session_id: int, participant_id: int) -> str:
    """Attendance was corrected after closing: a person now checked in gets their certificate (and its
    link), one no longer checked in has theirs revoked, and one checked in again gets it back.
    Returns what happened: "issued", "revoked", "restored" or "" (nothing to do)."""
    attended = Attendance.objects.filter(
        session_id=session_id, participant_id=participant_id, status=AttendanceStatus.ATTENDED
    ).exists()
    now = timezone.now()
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().filter(session_id=session_id, participant_id=participant_id).first()
        if not attended:
            if certificate is None or not certificate.is_valid:
                return ""
            certificate.status, certificate.revoked_at, certificate.revoke_reason = (
                CertificateStatus.REVOKED,
                now,
                ATTENDANCE_CORRECTED,
            )
            certificate.save(update_fields=["status", "revoked_at", "revoke_reason", "updated_at"])
            return "revoked"
        if certificate is not None:
            if certificate.status != CertificateStatus.REVOKED or certificate.revoke_reason != ATTENDANCE_CORRECTED:
                return ""  # valid already, or revoked by an admin / withdrawn for a reason a check-in does not undo
            certificate.status, certificate.revoked_at, certificate.revoke_reason = CertificateStatus.VALID, None, ""
            certificate.save(update_fields=["status", "revoked_at", "revoke_reason", "updated_at"])
            return "restored"
    made = certificates_issue_for_session(session_id=session_id)
    programme_id = TrainingSession.objects.values_list("programme_id", flat=True).get(pk=session_id)
    if made and send_when_for(programme_id) == SendWhen.ON_CLOSE:
        certificates_deliver(certificate_ids=made)
    return "issued" if made else ""


def certificates_reissue_for_participant(*, participant_id: int) -> int:
    """The person's name was corrected: reissue their valid certificates under the same numbers.

    The new name is printed from now on (the PDF is rendered from these fields, so the old one is
    never served again); the version goes up. Returns how many were reissued.
    """
    with transaction.atomic():
        participant = Participant.objects.get(pk=participant_id)
        if participant.erased_at:
            return 0
        stale = (
            Certificate.objects.select_for_update()
            .filter(participant=participant, status=CertificateStatus.VALID)
            .exclude(name=participant.full_name)
        )
        now = timezone.now()
        count = 0
        for certificate in stale.order_by("pk"):
            certificate.name = participant.full_name
            certificate.version += 1
            certificate.reissued_at = now
            certificate.save(update_fields=["name", "version", "reissued_at", "updated_at"])
            count += 1
    return count


def certificates_merge(*, kept_id: int, merged_id: int) -> int:
    """Two records became one person: one certificate per session, all under the kept record's name.

    A certificate of the merged record for a session the kept one has none for moves over (reissued
    if the name differs); where both had one, the merged record's is withdrawn and points to the one
    kept, so its verification page leads there. Returns how many were withdrawn.
    """
    withdrawn = 0
    with transaction.atomic():
        kept = Participant.objects.get(pk=kept_id)
        rows = list(Certificate.objects.select_for_update().filter(participant_id__in=[kept_id, merged_id]).order_by("pk"))
        kept_by_session = {c.session_id: c for c in rows if c.participant_id == kept_id}
        now = timezone.now()
        for certificate in [c for c in rows if c.participant_id == merged_id]:
            survivor = kept_by_session.get(certificate.session_id)
            if survivor is None:
                certificate.participant = kept
                certificate.save(update_fields=["participant", "updated_at"])
                kept_by_session[certificate.session_id] = certificate
            elif certificate.status == CertificateStatus.VALID:
                certificate.status, certificate.revoked_at, certificate.replaced_by = CertificateStatus.WITHDRAWN, now, survivor
                certificate.revoke_reason = "merged"
                certificate.save(update_fields=["status", "revoked_at", "replaced_by", "revoke_reason", "updated_at"])
                withdrawn += 1
    certificates_reissue_for_participant(participant_id=kept_id)
    return withdrawn


def certificates_withdraw_for_erased(*, participant_ids: list[int]) -> int:
    """The person's data was erased: withdraw their certificates and keep no copy of the name on them."""
    now = timezone.now()
    with transaction.atomic():
        withdrawn = Certificate.objects.filter(participant_id__in=participant_ids, status=CertificateStatus.VALID).update(
            status=CertificateStatus.WITHDRAWN, revoked_at=now, revoke_reason="erased", updated_at=now
        )
        Certificate.objects.filter(participant_id__in=participant_ids).exclude(name="").update(name="", updated_at=now)
    return withdrawn


def certificate_revoke(*, certificate: Certificate, by: User, reason: str, ip: str | None = None) -> bool:
    """An admin revokes a certificate (issued by mistake, attendance disputed). Audited. False if it was not valid."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the certificate is revoked.")})
    with transaction.atomic():
        now = timezone.now()
        changed = Certificate.objects.filter(pk=certificate.pk, status=CertificateStatus.VALID).update(
            status=CertificateStatus.REVOKED, revoked_at=now, revoke_reason=reason[:1000], revoked_by=by, updated_at=now
        )
        if changed:
            # The reason is free text that may name the person: the audit log keeps only that there was one.
            audit_record(
                actor=by,
                action=AuditAction.CERTIFICATE_REVOKED,
                obj=certificate,
                changes={"number": certificate.number, "status": ["valid", "revoked"]},
                ip=ip,
            )
    certificate.refresh_from_db()
    return bool(changed)
