"""Domain events of cities, for apps above it (see umkm_program/events.py).

- `programme_seeded(programme_id)`: `manage.py seed_programme` created or checked a programme;
  apps above add their default data for it (e.g. surveys: the default survey waves). Sent
  synchronously by the command, so the seed is complete when the command ends.
"""

from django.dispatch import Signal

programme_seeded = Signal()
