"""The one definition of a session's state as the figures count it: held, planned or cancelled.

A session is held once it is marked completed or its attendance list has been
closed (the trainer closed check-in even if nobody pressed "completed");
cancelled sessions never count; everything else is still planned. progress's
roll-ups and every page that counts sessions use these, never their own test.
"""

from django.db.models import Q

from .models import SessionStatus

HELD, PLANNED, CANCELLED = "held", "planned", "cancelled"


def session_state(*, status: str, attendance_closed_at) -> str:
    if status == SessionStatus.CANCELLED:
        return CANCELLED
    if status == SessionStatus.COMPLETED or attendance_closed_at is not None:
        return HELD
    return PLANNED


def state_q(state: str, prefix: str = "") -> Q:
    """Q for sessions in `state` (HELD, PLANNED or CANCELLED), the same rule as session_state;
    `prefix` reaches them through a relation, e.g. "session__"."""
    cancelled = Q(**{f"{prefix}status": SessionStatus.CANCELLED})
    done = Q(**{f"{prefix}status": SessionStatus.COMPLETED}) | Q(**{f"{prefix}attendance_closed_at__isnull": False})
    if state == CANCELLED:
        return cancelled
    if state == HELD:
        return ~cancelled & done
    return ~cancelled & ~done
