"""Reactions to lower apps' domain events: each receiver only queues a task with ids.

Connected from CertificatesConfig.ready(). The events are sent after their transaction commits
(umkm_program.events.send_on_commit), so the task sees the change.
"""

from django.dispatch import receiver

from participants.events import (
    attendance_corrected_after_close,
    participant_erased,
    participant_name_changed,
    participants_merged,
)
from sessions_app.events import attendance_closed

from . import tasks


@receiver(attendance_closed, dispatch_uid="certificates.attendance_closed")
def on_attendance_closed(sender, *, session_id: int, **kwargs):
    tasks.issue_session_certificates.delay(session_id)


@receiver(participant_name_changed, dispatch_uid="certificates.participant_name_changed")
def on_participant_name_changed(sender, *, participant_id: int, **kwargs):
    tasks.reissue_participant_certificates.delay(participant_id)


@receiver(participants_merged, dispatch_uid="certificates.participants_merged")
def on_participants_merged(sender, *, kept_id: int, merged_id: int, **kwargs):
    tasks.merge_certificates.delay(kept_id, merged_id)


@receiver(participant_erased, dispatch_uid="certificates.participant_erased")
def on_participant_erased(sender, *, participant_ids: list[int], **kwargs):
    tasks.withdraw_erased_certificates.delay(list(participant_ids))


@receiver(attendance_corrected_after_close, dispatch_uid="certificates.attendance_corrected_after_close")
def on_attendance_corrected(sender, *, session_id: int, participant_id: int, **kwargs):
    tasks.follow_corrected_attendance.delay(session_id, participant_id)
