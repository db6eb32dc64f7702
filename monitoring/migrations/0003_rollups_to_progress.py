from django.db import migrations


class Migration(migrations.Migration):
    """The roll-ups move to progress, which keeps them (same tables); TrainedPerson gives way to
    participants.CountedAttendance, kept in the same transaction as each change."""

    dependencies = [
        ("monitoring", "0002_trained_person"),
        ("progress", "0002_rollups_from_monitoring"),
        ("participants", "0010_counted_attendance_backfill"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="DimensionRollup"),
                migrations.DeleteModel(name="SessionRollup"),
            ],
            database_operations=[],
        ),
        migrations.DeleteModel(name="TrainedPerson"),
    ]
