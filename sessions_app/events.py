"""Domain events of sessions: what higher apps may react to without sessions_app importing them.

Sent with `umkm_program.events.send_on_commit`, so receivers run only after the change committed.
"""

from django.dispatch import Signal

# Attendance of a session was closed (everyone still only registered became a no-show).
# kwargs: session_id (int). Sent by participants.services.checkin.attendance_close on every call
# (closing is idempotent), so a receiver must be idempotent too.
attendance_closed = Signal()
