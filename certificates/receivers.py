"""Reactions to lower apps' domain events: each receiver only queues a task with ids.

Connected from CertificatesConfig.ready(). The events are sent after their transaction commits
(umkm_program.events.send_on_commit), so the task sees the change.
"""

from django.dispatch import receiver

from participants.events import (
    attendance_corrected_after_close,
    participant_name_changed,
    participants_merged,
    personal_data_erase,
    personal_data_export,
)
from sessions_app.events import attendance_closed

from . import tasks
from .selectors import certificates_personal_data
from .services import certificates_withdraw_for_erased


@receiver(attendance_closed, dispatch_uid="certificates.attendance_closed")
def on_attendance_closed(sender, *, session_id: int, **kwargs):
    tasks.issue_session_certificates.delay(session_id)


@receiver(participant_name_changed, dispatch_uid="certificates.participant_name_changed")
def on_participant_name_changed(sender, *, participant_id: int, **kwargs):
    tasks.reissue_participant_certificates.delay(participant_id)


@receiver(participants_merged, dispatch_uid="certificates.participants_merged")
def on_participants_merged(sender, *, kept_id: int, merged_id: int, **kwargs):
    tasks.merge_certificates.delay(kept_id, merged_id)


@receiver(attendance_corrected_after_close, dispatch_uid="certificates.attendance_corrected_after_close")
def on_attendance_corrected(sender, *, session_id: int, participant_id: int, **kwargs):
    tasks.follow_corrected_attendance.delay(session_id, participant_id)


# Erasure and export of personal data: hooks sent *inside* their transaction (participants/events.py),
# so withdrawing the certificates is part of an all-or-nothing erasure and the export is complete.


@receiver(personal_data_erase, dispatch_uid="certificates.personal_data_erase")
def on_personal_data_erase(sender, *, participant_ids, now=None, **kwargs) -> dict:
    return {"certificates_withdrawn": certificates_withdraw_for_erased(participant_ids=list(participant_ids))}


@receiver(personal_data_export, dispatch_uid="certificates.personal_data_export")
def on_personal_data_export(sender, *, participant_ids, **kwargs) -> dict:
    return certificates_personal_data(participant_ids=list(participant_ids))
