"""The periodic schedule, defined in code and installed into django-celery-beat's
DatabaseScheduler by `manage.py setup_periodic_tasks` (admins see and pause them in the admin)."""

PERIODIC_TASKS = [
    {
        "name": "Plan reminders",
        "task": "notifications.plan_reminders",
        "every_seconds": 300,
        "description": "Write outbox rows for reminders, session changes, open attendance and half-empty sessions.",
    },
    {
        "name": "Send due messages",
        "task": "notifications.send_due",
        "every_seconds": 60,
        "description": "Deliver pending outbox rows whose time has come; retries with back-off.",
    },
    {
        "name": "Recount pending progress slices",
        "task": "progress.refresh_pending",
        "every_seconds": 300,
        "description": "Recount roll-up slices touched by changes whose own refresh was not queued (broker down).",
    },
    {
        "name": "Check progress roll-ups",
        "task": "progress.check_all",
        "every_seconds": 86400,
        "description": "Nightly: recompute every programme's roll-ups from the raw rows, record any difference "
        "(must be zero) in Roll-up checks, and repair it.",
    },
]
