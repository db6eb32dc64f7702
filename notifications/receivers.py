"""How notifications follows what happens to participants (participants/events.py).

Connected by NotificationsConfig.ready(). Each receiver calls one service of this app.
"""

from participants.events import participant_created, personal_data_erase, personal_data_export
from participants.models import Participant

from .services.outbox import participant_notifications_erase
from .services.personal_data import participant_personal_data_sections
from .services.preferences import contact_language_set


def remember_language(sender, *, participant_id: int, language: str = "", **kwargs) -> None:
    """A person created on a page gets that page's language for their messages."""
    if not language:
        return
    participant = Participant.objects.filter(pk=participant_id).first()
    if participant is not None:
        contact_language_set(participant=participant, language=language)


def export_outbox_data(sender, *, participant_ids: list[int], **kwargs) -> dict:
    return participant_personal_data_sections(participant_ids=participant_ids)


def erase_outbox_data(sender, *, participant_ids: list[int], now, **kwargs) -> dict:
    return {"notifications_cancelled": participant_notifications_erase(participant_ids=participant_ids, now=now)}


def connect() -> None:
    participant_created.connect(remember_language, dispatch_uid="notifications.remember_language")
    personal_data_export.connect(export_outbox_data, dispatch_uid="notifications.export_outbox_data")
    personal_data_erase.connect(erase_outbox_data, dispatch_uid="notifications.erase_outbox_data")
