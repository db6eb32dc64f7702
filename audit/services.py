"""Writing the audit log. Callers pass field names and counts, never personal values."""

from django.db import models

from .models import AuditEvent


def audit_record(*, actor, action: str, obj: models.Model, changes: dict | None = None) -> AuditEvent:
    """Record that `actor` did `action` to `obj`. Call it inside the caller's transaction."""
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_email=getattr(actor, "email", "") or "",
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        changes=changes or {},
    )
