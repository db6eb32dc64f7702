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
    {
        "name": "Retention of personal data",
        "task": "participants.retention",
        "every_seconds": 86400,
        "description": "Erase participants past their programmes' retention period; drop old uploaded rows "
        "(run manage.py retention_report first).",
    },
    {
        "name": "Drop old message texts",
        "task": "notifications.drop_old_texts",
        "every_seconds": 86400,
        "description": "Blank the text, address and error of messages finished more than RETENTION_MESSAGE_BODY_DAYS ago.",
    },
    {
        "name": "Plan survey invitations",
        "task": "surveys.plan_invitations",
        "every_seconds": 900,
        "description": "Invite participants to follow-up surveys on their local day and hour; remind once after 5 days.",
    },
    {
        "name": "Rebuild survey indicators",
        "task": "surveys.rebuild_all",
        "every_seconds": 86400,
        "description": "Nightly full rebuild of every programme's survey indicators from the responses.",
    },
]
