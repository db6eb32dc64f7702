from django.db import migrations


def fill(apps, schema_editor):
    # The rule's own rebuild (participants/counting.py): the same SQL the nightly check runs.
    from participants.counting import counted_attendance_rebuild

    Programme = apps.get_model("cities", "Programme")
    for programme_id in Programme.objects.values_list("pk", flat=True):
        counted_attendance_rebuild(programme_id=programme_id)


def empty(apps, schema_editor):
    apps.get_model("participants", "CountedAttendance").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("participants", "0009_counted_attendance")]

    operations = [migrations.RunPython(fill, empty)]
