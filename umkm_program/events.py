"""Domain events: how a lower app tells higher apps about a change without importing them.

A lower app declares its events as `django.dispatch.Signal` objects in its own `events.py`
(e.g. `participants/events.py: attendance_changed = Signal()`) and announces them with
`send_on_commit(...)`, inside the transaction that made the change. The signal is sent only
after that transaction commits (never for a rolled-back change), and a failing receiver is
logged without breaking the request that made the change. Higher apps connect their receivers
in their `AppConfig.ready()` (a `receivers.py` module); a receiver only queues a task or calls
a service, it holds no business logic itself.

This module is part of the project package, below every app, and imports none of them.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.dispatch import Signal

logger = logging.getLogger(__name__)


def _send(signal: Signal, sender: Any, kwargs: dict[str, Any]) -> None:
    for receiver, result in signal.send_robust(sender=sender, **kwargs):
        if isinstance(result, Exception):
            logger.error("event receiver %r failed", receiver, exc_info=result)


def send_on_commit(signal: Signal, sender: Any, **kwargs: Any) -> None:
    """Send `signal` once the current transaction commits (at once when there is none)."""
    transaction.on_commit(lambda: _send(signal, sender, kwargs))
