"""Domain events of sessions_app, sent on commit (umkm_program/events.py) for the apps above to follow.

session_changed(programme_id: int, session_id: int, slices: list[[city_id, partner_id, audience, "YYYY-MM-DD"]],
                moved: bool)
    A session was created, cancelled or edited in a way the figures see (state, time, audience);
    `slices` are where it counted before and after, `moved` says its time or audience changed (which
    can change whose first attendance it is).
"""

from django.dispatch import Signal

session_changed = Signal()
