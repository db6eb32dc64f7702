"""Domain events of participants: what higher apps may react to without participants importing them.

Sent with `umkm_program.events.send_on_commit`, so receivers run only after the change committed.
Each carries ids only; receivers load what they need.
"""

from django.dispatch import Signal

# A participant's name was corrected (participant_update changed full_name).
# kwargs: participant_id (int).
participant_name_changed = Signal()

# Two records were merged into one person (participant_merge).
# kwargs: kept_id (int), merged_id (int): merged_id's attendances now belong to kept_id.
participants_merged = Signal()

# A participant's personal data was erased (participant_erase), with that of the records merged
# into them. kwargs: participant_ids (list[int]).
participant_erased = Signal()

# After attendance was closed, a coordinator or admin corrected one person's attendance (a late
# check-in or walk-in, or an undone check-in). kwargs: session_id (int), participant_id (int).
attendance_corrected_after_close = Signal()
