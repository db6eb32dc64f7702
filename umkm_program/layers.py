"""The order of the apps, ground floor first: each may import only the ones listed before it.

tests/core/test_layers.py reads every module of every app (imports inside functions included,
migrations excluded) and fails on an import of an app listed later, on a cycle, on an app
missing from this list, and when the README's layout table lists the apps in another order.

How a lower app reaches a higher one without importing it:
- it announces a change with a domain event sent on commit (umkm_program/events.py; the
  lower app declares the signals in its `events.py`, the higher app connects receivers in
  its `receivers.py` from AppConfig.ready());
- it calls an interface declared below and implemented above (users/scoping.py, filled in
  by access's AppConfig.ready()).
A new app goes directly above the highest app it uses.
"""

LAYERS = [
    "umkm_program",  # project package: settings, URLs, celery, domain-event and form helpers; imports no app
    "audit",  # the audit log; knows users only as settings.AUTH_USER_MODEL
    "users",  # the User, roles, the scoping interface (users/scoping.py)
    "cities",  # programmes, cities, targets, time zones
    "partners",  # NGOs and their trainers
    "sessions_app",  # roadshows, training sessions, the schedule
    "participants",  # people, attendance, check-in, registration, imports, merge, personal-data requests
    "invitations",  # invitations for coordinators and trainers
    "access",  # the scoping rules (access/scoping.py), registered into users/scoping.py
    "offline",  # the trainer's pages without a connection: service worker, manifest, the sync endpoint
    "notifications",  # the outbox, reminders; listens to participants' events
    "progress",  # the roll-ups and every figure derived from raw rows
    "surveys",  # feedback and follow-up surveys, their links, responses and indicator roll-up
    "certificates",  # certificates of attendance: issued on closing, verified by QR; listens to events
    "monitoring",  # pages, exports and API that read the figures; the programme overview
    "core",  # the site: landing pages, health, demo data, periodic task table
]
