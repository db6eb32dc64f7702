"""The outbox's part of a data-subject request (UU 27/2022): what it holds about a person, for the export."""

import datetime as dt
from typing import Any

from ..models import ContactPreference, Notification


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def participant_personal_data_sections(*, participant_ids: list[int]) -> dict[str, Any]:
    """The contact preference of the person (the first id) and every message to them or a record merged into them."""
    preference = ContactPreference.objects.filter(participant_id=participant_ids[0]).first()
    notifications = Notification.objects.filter(participant_id__in=participant_ids).order_by("created_at", "pk")
    return {
        "contact_preference": {
            "language": preference.language if preference else "",
            "opted_out_at": _iso(preference.opted_out_at) if preference else None,
        },
        "notifications": [
            {"channel": n.channel, "kind": n.kind, "state": n.state, "sent_at": _iso(n.sent_at)} for n in notifications
        ],
    }
