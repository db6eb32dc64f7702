"""The outbox: rows are claimed one at a time with SELECT ... FOR UPDATE SKIP LOCKED and the
provider is called while the row lock is held. A worker that dies after sending and before
marking rolls its transaction back with its connection, so the row is pending again and the
next attempt carries the same idempotency key (the provider delivers once; e-mail, which has
no such key, may then go out twice: at least once, never lost)."""

import datetime as dt
import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from umkm_program.redaction import redact

from ..models import Channel, ContactPreference, Notification, NotificationKind, NotificationState
from ..providers import OutgoingMessage, get_provider

logger = logging.getLogger(__name__)

SESSION_REMINDERS = (NotificationKind.SESSION_DAY_BEFORE, NotificationKind.SESSION_TWO_HOURS)
_PERSONAL_FIELDS = {"to": "", "body": "", "subject_line": "", "params": [], "last_error": ""}


def retry_delay(*, attempts: int, retry_after: float | None = None) -> dt.timedelta:
    """Exponential back-off (base, 2x, 4x... capped at an hour), never sooner than the provider asked."""
    seconds = min(settings.NOTIFY_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0), 3600)
    return dt.timedelta(seconds=max(seconds, retry_after or 0))


def notifications_enqueue(*, rows: list[Notification]) -> None:
    """Ask for messages. A row whose (recipient, subject, kind) exists already is left as it is."""
    if not rows:
        return
    Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    now = timezone.now()
    if any(row.send_after <= now for row in rows):
        transaction.on_commit(_queue_send_due)


def notification_send(*, notification_id: int, now: dt.datetime | None = None) -> str | None:
    """Deliver one due pending row; None when it is not due, not pending or another worker holds it."""
    now = now or timezone.now()
    with transaction.atomic():
        row = _claim(Notification.objects.filter(pk=notification_id), now)
        if row is None:
            return None
        _deliver(row, now)
        return str(row.state)


def notifications_send_due(*, now: dt.datetime | None = None, limit: int = 500) -> int:
    """Deliver due pending rows one by one until none is left (or `limit`); returns how many were handled."""
    now = now or timezone.now()
    handled = 0
    while handled < limit:
        with transaction.atomic():
            row = _claim(Notification.objects.all(), now)
            if row is None:
                break
            _deliver(row, now)
        handled += 1
    return handled


def notifications_retry(*, notification_ids: Iterable[int], now: dt.datetime | None = None) -> int:
    """Put failed messages back in the queue with a fresh set of attempts (the admin's "retry")."""
    now = now or timezone.now()
    count = Notification.objects.filter(pk__in=list(notification_ids), state=NotificationState.FAILED).update(
        state=NotificationState.PENDING, attempts=0, send_after=now, updated_at=now
    )
    if count:
        transaction.on_commit(_queue_send_due)
    return count


def contact_opt_out(*, recipient_key: str, now: dt.datetime | None = None) -> ContactPreference:
    """Record an opt-out and cancel what is still waiting for that recipient. Repeating it changes nothing."""
    now = now or timezone.now()
    kind, _sep, pk = recipient_key.partition(":")
    owner = {"participant_id": int(pk)} if kind == "participant" else {"user_id": int(pk)}
    with transaction.atomic():
        preference, _created = ContactPreference.objects.select_for_update().get_or_create(
            recipient_key=recipient_key, defaults=owner
        )
        if preference.opted_out_at is None:
            preference.opted_out_at = now
            preference.save(update_fields=["opted_out_at", "updated_at"])
        Notification.objects.filter(recipient_key=recipient_key, state=NotificationState.PENDING).update(
            state=NotificationState.CANCELLED, last_error="opted out", updated_at=now
        )
    return preference


def _claim(queryset: QuerySet[Notification], now: dt.datetime) -> Notification | None:
    return (
        queryset.select_for_update(skip_locked=True, of=("self",))
        .filter(state=NotificationState.PENDING, send_after__lte=now)
        .select_related("participant", "user", "session")
        .order_by("send_after", "pk")
        .first()
    )


def _deliver(row: Notification, now: dt.datetime) -> None:
    try:
        reason = _cancel_reason(row, now)
    except Exception as exc:  # a malformed row must not block the rows queued behind it
        logger.exception("notification %s could not be checked", row.pk)
        row.state, row.last_error = NotificationState.FAILED, _redacted(row, f"could not check the message: {exc!r}")[:2000]
        row.save(update_fields=["state", "last_error", "updated_at"])
        return
    if reason:
        personal = _PERSONAL_FIELDS if row.participant_id and row.participant.erased_at else {}  # type: ignore[union-attr]  # the matching _id was checked first
        for name, value in personal.items():
            setattr(row, name, value)
        row.state, row.last_error = NotificationState.CANCELLED, reason
        row.save(update_fields=["state", "last_error", "updated_at", *personal])
        return
    row.to = _address(row)
    row.attempts += 1
    try:
        row.provider_message_id = _send(row)[:200]
    except Exception as exc:  # a provider fault must not stop the other messages
        retryable = getattr(exc, "retryable", True)
        # provider errors echo the request: no phone, name or message text is stored or logged
        row.last_error = _redacted(row, f"{now:%Y-%m-%d %H:%M:%S} UTC, attempt {row.attempts}: {exc}")[:2000]
        if retryable and row.attempts < settings.NOTIFY_MAX_ATTEMPTS:
            delay = retry_delay(attempts=row.attempts, retry_after=getattr(exc, "retry_after", None))
            row.send_after = now + delay
            transaction.on_commit(lambda: _queue_send_one(row.pk, delay))
        else:
            row.state = NotificationState.FAILED
        logger.warning("notification %s: %s", row.pk, row.last_error)
        row.save(update_fields=["to", "attempts", "last_error", "send_after", "state", "updated_at"])
        return
    row.state, row.sent_at = NotificationState.SENT, now
    row.save(update_fields=["to", "attempts", "state", "sent_at", "provider_message_id", "updated_at"])


def _redacted(row: Notification, text: str) -> str:
    known = [row.to, row.subject_line, *[str(p) for p in row.params or []]]
    if row.participant_id and row.participant:
        known += [row.participant.full_name, row.participant.email, row.participant.business_name]
    if row.user_id and row.user:
        known += [row.user.email, row.user.get_full_name()]
    return redact(text, known=known)


def _address(row: Notification) -> str:
    if row.participant_id:
        return row.participant.email if row.channel == Channel.EMAIL else row.participant.phone  # type: ignore[union-attr]  # the matching _id was checked first
    return row.user.email if row.user_id else ""  # type: ignore[union-attr]  # the matching _id was checked first


def _cancel_reason(row: Notification, now: dt.datetime) -> str:
    participant, user, session = row.participant, row.user, row.session
    if participant is None and user is None:
        return "recipient no longer exists"
    if participant is not None:
        if participant.erased_at:
            return "participant's personal data erased"
        if participant.merged_into_id:
            return "participant merged into another record"
        if row.channel == Channel.WHATSAPP and not participant.whatsapp_opt_in:
            return "no WhatsApp opt-in"
    if user is not None and not user.is_active:
        return "user inactive"
    if ContactPreference.objects.filter(recipient_key=row.recipient_key, opted_out_at__isnull=False).exists():
        return "opted out"
    if not _address(row):
        return "no address"
    if row.kind in (*SESSION_REMINDERS, NotificationKind.LOW_REGISTRATION, NotificationKind.ATTENDANCE_OPEN):
        if session is None or session.status == "cancelled":
            return "session cancelled"
        planned = row.context.get("starts_at")
        if planned and dt.datetime.fromisoformat(planned) != session.starts_at:
            return "session moved"
    if row.kind in (*SESSION_REMINDERS, NotificationKind.LOW_REGISTRATION) and now >= session.starts_at:  # type: ignore[union-attr]  # the matching _id was checked first
        return "session already started"
    if row.kind in SESSION_REMINDERS and not participant.attendances.filter(session=session, status="registered").exists():  # type: ignore[union-attr]  # the matching _id was checked first
        return "no longer registered"
    if row.kind == NotificationKind.ATTENDANCE_OPEN and session.attendance_closed_at:  # type: ignore[union-attr]  # the matching _id was checked first
        return "attendance already closed"
    return ""


def _send(row: Notification) -> str:
    if row.channel == Channel.EMAIL:
        email = EmailMessage(
            subject=row.subject_line,
            body=row.body,
            to=[row.to],
            headers={"Message-ID": f"<{row.idempotency_key}@laju-digital>", "X-Notification-Key": str(row.idempotency_key)},
        )
        email.send(fail_silently=False)
        return f"email-{row.idempotency_key}"
    message = OutgoingMessage(
        channel=row.channel,
        to=row.to,
        template=row.kind,
        language=row.language,
        text=row.body,
        idempotency_key=str(row.idempotency_key),
        params=list(row.params),
    )
    outcome: str = get_provider().send(message)
    return outcome


def _queue_send_due() -> None:
    from ..tasks import send_due_notifications

    send_due_notifications.delay()


def _queue_send_one(notification_id: int, delay: dt.timedelta) -> None:
    from ..tasks import send_notification

    send_notification.apply_async(args=[notification_id], countdown=delay.total_seconds())


def participant_notifications_erase(*, participant_ids: Iterable[int], now: dt.datetime | None = None) -> int:
    """A participant's personal data was erased: cancel what still waits for them (as the sender
    would) and blank the address and text of every message to them. Returns how many were cancelled."""
    now = now or timezone.now()
    rows = Notification.objects.filter(participant_id__in=list(participant_ids))
    rows.update(**_PERSONAL_FIELDS, updated_at=now)  # the error text too: a provider may have echoed the person
    return rows.filter(state=NotificationState.PENDING).update(
        state=NotificationState.CANCELLED, last_error="participant's personal data erased", updated_at=now
    )


def notification_texts_drop_old(*, now: dt.datetime | None = None) -> int:
    """Messages done with (sent, failed, cancelled) longer than RETENTION_MESSAGE_BODY_DAYS ago lose their
    text, address and error; kind, channel, state and times stay for the figures. Returns how many rows."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.RETENTION_MESSAGE_BODY_DAYS)
    done = Notification.objects.exclude(state=NotificationState.PENDING).filter(updated_at__lt=cutoff)
    return done.exclude(to="", body="", subject_line="", params=[], last_error="").update(**_PERSONAL_FIELDS, updated_at=now)
