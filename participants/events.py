"""Domain events of participants, sent on commit (umkm_program/events.py) for the apps above to follow.

counts_changed(programme_id: int, slices: list[[city_id, partner_id, audience, "YYYY-MM-DD"]])
    What counts toward a target, or the registrations, attendances or session states behind a
    figure, changed in these slices of the programme (old and new places of anyone who moved).
"""

from django.dispatch import Signal

counts_changed = Signal()
