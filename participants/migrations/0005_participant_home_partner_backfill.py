"""Give every existing participant the partner that registered them first.

The partner of the session of their earliest attendance (the one that met them first); for someone
with no attendance, the partner of the user who created the record; otherwise none (programme
admins still see them). Plain SQL: one UPDATE each, fast at a million people.
"""

from django.db import migrations

FROM_FIRST_ATTENDANCE = """
UPDATE participants_participant p
   SET home_partner_id = first.partner_id
  FROM (
        SELECT DISTINCT ON (a.participant_id) a.participant_id, s.partner_id
          FROM participants_attendance a
          JOIN sessions_app_trainingsession s ON s.id = a.session_id
         WHERE s.partner_id IS NOT NULL
         ORDER BY a.participant_id, a.registered_at, a.id
       ) first
 WHERE p.id = first.participant_id AND p.home_partner_id IS NULL
"""

FROM_CREATOR = """
UPDATE participants_participant p
   SET home_partner_id = u.partner_id
  FROM users_user u
 WHERE p.created_by_id = u.id AND u.partner_id IS NOT NULL AND p.home_partner_id IS NULL
"""


def backfill(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(FROM_FIRST_ATTENDANCE)
            cursor.execute(FROM_CREATOR)
        return
    # SQLite (the zero-setup default holds few rows): the same rule through the ORM.
    Participant = apps.get_model("participants", "Participant")
    Attendance = apps.get_model("participants", "Attendance")
    for participant in Participant.objects.filter(home_partner__isnull=True).iterator():
        first = (
            Attendance.objects.filter(participant=participant, session__partner__isnull=False)
            .order_by("registered_at", "pk")
            .values_list("session__partner_id", flat=True)
            .first()
        )
        if first is None and participant.created_by_id:
            first = participant.created_by.partner_id
        if first:
            Participant.objects.filter(pk=participant.pk).update(home_partner_id=first)


class Migration(migrations.Migration):
    dependencies = [
        ("participants", "0004_participant_home_partner"),
        ("sessions_app", "0001_initial"),
        ("users", "0001_initial"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
