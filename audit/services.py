"""Writing the audit log. Callers pass field names and counts, never personal values."""

from typing import Any

from django.db import models

from .context import current_client_ip
from .models import AuditAction, AuditEvent


def audit_record(
    *, actor: Any, action: str, obj: models.Model | None = None, changes: dict | None = None, ip: str | None = None
) -> AuditEvent:
    """Record that `actor` (a user, or None for the system; audit sits below users) did `action` to `obj` (from the current request's address unless `ip` is given).

    Call it inside the caller's transaction, so the record and the change commit or roll back together.
    `changes` holds field names, counts, ids and reasons chosen from a list: never a personal value.
    """
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_email=getattr(actor, "email", "") or "",
        ip_address=ip or current_client_ip(),
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        changes=changes or {},
    )


def audit_bulk_export(*, actor: Any, what: str, fmt: str, rows: int) -> AuditEvent:
    """A list leaving the platform: which list, in which format, how many rows (never the rows themselves)."""
    return audit_record(actor=actor, action=AuditAction.BULK_EXPORTED, changes={"what": what, "format": fmt, "rows": rows})
