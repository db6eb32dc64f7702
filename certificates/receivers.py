"""Reactions to lower apps' domain events: each receiver only queues a task with ids.

Connected from CertificatesConfig.ready(). The events are sent after their transaction commits
(umkm_program.events.send_on_commit), so the task sees the change.
"""

from django.dispatch import receiver

from participants import events as participant_events
from participants.events import (
    attendance_corrected_after_close,
    participant_erased,
    participant_name_changed,
    participants_merged,
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


@receiver(participant_erased, dispatch_uid="certificates.participant_erased")
def on_participant_erased(sender, *, participant_ids: list[int], **kwargs):
    tasks.withdraw_erased_certificates.delay(list(participant_ids))


@receiver(attendance_corrected_after_close, dispatch_uid="certificates.attendance_corrected_after_close")
def on_attendance_corrected(sender, *, session_id: int, participant_id: int, **kwargs):
    tasks.follow_corrected_attendance.delay(session_id, participant_id)


# Main (issue 11) gives participants two personal-data hooks sent *inside* the erasure's and the
# export's transaction: withdrawing there makes an erasure all or nothing, and the export complete.
# Until this branch is merged with it they do not exist here, and the on-commit event above does
# the withdrawal; after the merge both run, and withdrawing twice changes nothing.


def on_personal_data_erase(sender, *, participant_ids, now=None, **kwargs) -> dict:
    return {"certificates_withdrawn": certificates_withdraw_for_erased(participant_ids=list(participant_ids))}


def on_personal_data_export(sender, *, participant_ids, **kwargs) -> dict:
    return certificates_personal_data(participant_ids=list(participant_ids))


for _name, _receiver in (("personal_data_erase", on_personal_data_erase), ("personal_data_export", on_personal_data_export)):
    _signal = getattr(participant_events, _name, None)
    if _signal is not None:
        _signal.connect(_receiver, dispatch_uid=f"certificates.{_name}")
