"""Thin Celery tasks: ids in, services called. Each is safe to run twice or concurrently."""

from celery import shared_task
from django.db import OperationalError

from .services import (
    certificate_follow_attendance,
    certificates_merge,
    certificates_on_attendance_closed,
    certificates_reissue_for_participant,
)

_DB_RETRY = {"autoretry_for": (OperationalError,), "retry_backoff": 5, "retry_backoff_max": 300, "max_retries": 5}


@shared_task(name="certificates.issue_for_session", acks_late=True, **_DB_RETRY)
def issue_session_certificates(session_id: int) -> int:
    return certificates_on_attendance_closed(session_id=session_id)


@shared_task(name="certificates.reissue_for_participant", acks_late=True, **_DB_RETRY)
def reissue_participant_certificates(participant_id: int) -> int:
    return certificates_reissue_for_participant(participant_id=participant_id)


@shared_task(name="certificates.merge", acks_late=True, **_DB_RETRY)
def merge_certificates(kept_id: int, merged_id: int) -> int:
    return certificates_merge(kept_id=kept_id, merged_id=merged_id)


@shared_task(name="certificates.follow_attendance", acks_late=True, **_DB_RETRY)
def follow_corrected_attendance(session_id: int, participant_id: int) -> str:
    return certificate_follow_attendance(session_id=session_id, participant_id=participant_id)
