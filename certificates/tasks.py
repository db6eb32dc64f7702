"""Thin Celery tasks: ids in, services called. Each is safe to run twice or concurrently."""

from umkm_program.task_base import project_task

from .services import (
    certificate_follow_attendance,
    certificates_merge,
    certificates_on_attendance_closed,
    certificates_reissue_for_participant,
)


@project_task("certificates.issue_for_session")
def issue_session_certificates(session_id: int) -> int:
    return certificates_on_attendance_closed(session_id=session_id)


@project_task("certificates.reissue_for_participant")
def reissue_participant_certificates(participant_id: int) -> int:
    return certificates_reissue_for_participant(participant_id=participant_id)


@project_task("certificates.merge")
def merge_certificates(kept_id: int, merged_id: int) -> int:
    return certificates_merge(kept_id=kept_id, merged_id=merged_id)


@project_task("certificates.follow_attendance")
def follow_corrected_attendance(session_id: int, participant_id: int) -> str:
    return certificate_follow_attendance(session_id=session_id, participant_id=participant_id)
