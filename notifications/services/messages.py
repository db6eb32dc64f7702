"""Who gets a message on which channel, in which language, with which text."""

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.core import signing
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from cities.timezones import zone_time_text
from participants.models import Participant

from ..models import Channel, ContactPreference, NotificationKind

OPT_OUT_SALT = "notifications.opt-out"

SUBJECTS: dict[str, Promise] = {
    NotificationKind.SESSION_DAY_BEFORE: _("Reminder: %(title)s is tomorrow"),
    NotificationKind.SESSION_TWO_HOURS: _("Reminder: %(title)s starts in two hours"),
    NotificationKind.ATTENDANCE_OPEN: _("Attendance still open: %(title)s"),
    NotificationKind.LOW_REGISTRATION: _("Less than half full: %(title)s"),
    NotificationKind.SESSION_CANCELLED: _("Cancelled: %(title)s"),
    NotificationKind.SESSION_MOVED: _("New time: %(title)s"),
    NotificationKind.CERTIFICATE_READY: _("Your certificate: %(title)s"),
}

# Body parameters of the approved WhatsApp template of each kind, in order.
TEMPLATE_PARAMS: dict[str, list[str]] = {
    NotificationKind.SESSION_DAY_BEFORE: ["name", "title", "when", "place", "opt_out_url"],
    NotificationKind.SESSION_TWO_HOURS: ["name", "title", "when", "place", "opt_out_url"],
    NotificationKind.ATTENDANCE_OPEN: ["name", "title", "when", "city", "opt_out_url"],
    NotificationKind.LOW_REGISTRATION: ["name", "title", "when", "city", "registered", "capacity", "opt_out_url"],
    NotificationKind.SESSION_CANCELLED: ["name", "title", "old_when", "reason", "opt_out_url"],
    NotificationKind.SESSION_MOVED: ["name", "title", "old_when", "when", "place", "opt_out_url"],
    NotificationKind.CERTIFICATE_READY: ["name", "title", "url", "opt_out_url"],
}


def participant_key(participant_id: int) -> str:
    return f"participant:{participant_id}"


def user_key(user_id: int) -> str:
    return f"user:{user_id}"


def opt_out_token(recipient_key: str) -> str:
    return signing.dumps(recipient_key, salt=OPT_OUT_SALT, compress=True)


def opt_out_recipient(token: str) -> str | None:
    try:
        key: str = signing.loads(token, salt=OPT_OUT_SALT)
    except signing.BadSignature:
        return None
    return key


def opt_out_url(recipient_key: str) -> str:
    path = reverse("notifications:opt-out", args=[opt_out_token(recipient_key)])
    return str(settings.NOTIFY_PUBLIC_BASE_URL).rstrip("/") + path


def preferences_for(recipient_keys: Iterable[str]) -> dict[str, ContactPreference]:
    return {p.recipient_key: p for p in ContactPreference.objects.filter(recipient_key__in=list(recipient_keys))}


def language_for(recipient: object, preference: ContactPreference | None) -> str:
    """The recipient's chosen language, else the platform default (Indonesian)."""
    codes = {code for code, _name in settings.LANGUAGES}
    for candidate in (preference.language if preference else "", getattr(recipient, "language", "")):
        if candidate in codes:
            return candidate
    return settings.LANGUAGE_CODE


def participant_channel(participant: Participant) -> tuple[str, str] | None:
    """WhatsApp only with the participant's opt-in; else e-mail, else SMS; None when unreachable."""
    if participant.phone and participant.whatsapp_opt_in:
        return Channel.WHATSAPP, participant.phone
    if participant.email:
        return Channel.EMAIL, participant.email
    if participant.phone:
        return Channel.SMS, participant.phone
    return None


def local_when(moment: dt.datetime, *, time_zone: str, language: str) -> str:
    """'Rabu, 12 September 2018 10.00 WIT' in the city's zone, in the recipient's language."""
    with translation.override(language):
        return zone_time_text(moment, time_zone, style="long")


def message_render(*, kind: str, language: str, context: dict) -> tuple[str, str, list]:
    """(e-mail subject, text, WhatsApp template parameters) in the given language."""
    with translation.override(language):
        body = render_to_string(f"notifications/messages/{kind}.txt", context).strip()
        subject = str(SUBJECTS[kind]) % {"title": context.get("title", "")}
    params = [str(context.get(name, "")) for name in TEMPLATE_PARAMS[kind]]
    return subject[:200], body, params
