"""Domain events of sessions: what higher apps may react to without sessions_app importing them.

Sent with `umkm_program.events.send_on_commit`, so receivers run only after the change committed.

session_changed(programme_id: int, session_id: int, slices: list[[city_id, partner_id, audience, "YYYY-MM-DD"]],
                moved: bool)
    A session was created, cancelled or edited in a way the figures see (state, time, audience);
    `slices` are where it counted before and after, `moved` says its time or audience changed (which
    can change whose first attendance it is).
"""

from django.dispatch import Signal

# Attendance of a session was closed (everyone still only registered became a no-show).
# kwargs: session_id (int). Sent by participants.services.checkin.attendance_close when it first
# closes the session; receivers are idempotent all the same (a task may run twice).
attendance_closed = Signal()

session_changed = Signal()
