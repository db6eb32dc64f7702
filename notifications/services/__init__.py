"""Writes of the notifications app: the outbox (outbox.py) and the reminder planner (reminders.py)."""
