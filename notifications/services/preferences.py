"""What recipients told us about how to reach them (their message language)."""

from django.conf import settings
from django.db import transaction

from participants.models import Participant

from ..models import ContactPreference
from .messages import participant_key


def contact_language_set(*, participant: Participant, language: str) -> ContactPreference | None:
    """Remember the language of the page a participant used, unless they already have one.

    A stored language is never overwritten (the person or an admin chose it); an opt-out
    row without a language gets the language filled in. Unknown codes ("en-us" -> "en") are
    reduced to a supported language or ignored. Returns the preference, or None if ignored.
    """
    codes = {code for code, _name in settings.LANGUAGES}
    language = (language or "").lower()
    if language not in codes:
        language = language.split("-")[0]
    if language not in codes:
        return None
    key = participant_key(participant.pk)
    with transaction.atomic():
        preference, created = ContactPreference.objects.select_for_update().get_or_create(
            recipient_key=key, defaults={"participant": participant, "language": language}
        )
        if not created and not preference.language:
            preference.language = language
            preference.save(update_fields=["language", "updated_at"])
    return preference
