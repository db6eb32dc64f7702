"""Closing or replacing a session's public self-registration link (and its QR code).

Closing makes the link answer "no longer valid"; replacing issues a new token (the link is open
again) and the old one stops working at once, e.g. after a photo of the QR code went round.
"""

import uuid

from django.db import transaction
from django.utils import timezone

from .models import TrainingSession


def session_registration_link_close(*, session: TrainingSession) -> TrainingSession:
    """Stop the session's link from taking registrations. Closing a closed link changes nothing."""
    with transaction.atomic():
        TrainingSession.objects.filter(pk=session.pk, registration_link_closed_at__isnull=True).update(
            registration_link_closed_at=timezone.now(), updated_at=timezone.now()
        )
    session.refresh_from_db(fields=["registration_token", "registration_link_closed_at", "updated_at"])
    return session


def session_registration_link_replace(*, session: TrainingSession) -> TrainingSession:
    """Give the session a new, open link; the old token then leads nowhere."""
    with transaction.atomic():
        TrainingSession.objects.filter(pk=session.pk).update(
            registration_token=uuid.uuid4(), registration_link_closed_at=None, updated_at=timezone.now()
        )
    session.refresh_from_db(fields=["registration_token", "registration_link_closed_at", "updated_at"])
    return session
