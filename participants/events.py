"""Domain events of participants, for apps above it (see umkm_program/events.py).

- `attendance_closed(session_id)`: a session's attendance was closed (sent once, by
  services.checkin.attendance_close, after its transaction commits).
- `participant_erased(participant_ids)`: these people's personal data was erased
  (services.privacy.participant_erase); apps above erase what they hold about them.
- `personal_data_collected(participant_ids)`: a person's data is exported on request
  (services.privacy.participant_personal_data); each receiver returns a dict of what its app
  holds about these records (e.g. {"survey_responses": [...]}), merged into the export.
"""

from django.dispatch import Signal

attendance_closed = Signal()
participant_erased = Signal()
personal_data_collected = Signal()
