"""What participants tells the apps above it, without importing them (umkm_program/events.py).

Two kinds, and why:

- **Events, sent on commit** (`send_on_commit`): "this changed". The apps above react after the
  change is stored, never for a rolled-back one, and a failing receiver does not undo it.
- **Personal-data hooks, sent inside the request's transaction** (`Signal.send`): a data-subject
  request under UU 27/2022 covers every copy of the person's data, including the copies apps
  above keep (the outbox's addresses and texts). The export must be complete and the erasure
  must be all or nothing, so their receivers run in the same transaction and an error in one
  rolls the whole erasure back. They are the only synchronous signals.

Receivers are connected by the higher app's AppConfig.ready() (its `receivers.py`) and only
call a service of their own app.

On-commit events:

counts_changed(programme_id: int, slices: list[[city_id, partner_id, audience, "YYYY-MM-DD"]],
               sessions: list[[city_id, partner_id, audience, "YYYY-MM-DD", session_id]])
    What counts toward a target, or the registrations, attendances or session states behind a
    figure, changed in these slices of the programme (old and new places of anyone who moved);
    `sessions` names the sessions whose figures changed, each with its slice.
"""

from django.dispatch import Signal

# A person was created through a page (walk-in check-in, self-registration).
# kwargs: participant_id: int, language: str (the page's language code; may be empty)
participant_created = Signal()

# Export: each receiver returns a dict of top-level sections to add to the person's export.
# kwargs: participant_ids: list[int] (the person and the records merged into them)
personal_data_export = Signal()

# Erasure, inside its transaction: each receiver erases its copies and returns a dict of counts
# for the audit record. kwargs: participant_ids: list[int], now: datetime
personal_data_erase = Signal()

# A participant's name was corrected (participant_update changed full_name).
# kwargs: participant_id (int).
participant_name_changed = Signal()

# Two records were merged into one person (participant_merge).
# kwargs: kept_id (int), merged_id (int): merged_id's attendances now belong to kept_id.
participants_merged = Signal()

# After attendance was closed, a coordinator or admin corrected one person's attendance (a late
# check-in or walk-in, or an undone check-in). kwargs: session_id (int), participant_id (int).
attendance_corrected_after_close = Signal()

# What counts toward a target changed (see the docstring).
counts_changed = Signal()
