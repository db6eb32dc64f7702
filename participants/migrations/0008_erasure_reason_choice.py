"""Erasure reasons were free text (which tended to name the person): old ones become "other" with no text."""

from django.db import migrations


def reasons_to_choice(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    choices = {"request", "consent_withdrawn", "mistake", "retention", "other"}
    for event in AuditEvent.objects.filter(action="personal_data_erased").only("pk", "changes"):
        changes = dict(event.changes or {})
        if changes.get("reason") in choices and "reference" in changes:
            continue
        changes["reason"] = "other"
        changes["reference"] = ""
        event.changes = changes
        event.save(update_fields=["changes"])


class Migration(migrations.Migration):
    dependencies = [
        ("participants", "0007_proposed_change"),
        ("audit", "0003_audit_trail_where_and_more"),
    ]

    operations = [migrations.RunPython(reasons_to_choice, migrations.RunPython.noop)]
