from django.core.management.base import BaseCommand

from cities.events import programme_seeded
from cities.models import Programme
from cities.seed import programme_seed_2018


class Command(BaseCommand):
    help = "Create the 2018 LAJU DIGITAL programme, its 10 cities and city targets (idempotent)."

    def handle(self, *args, **options):
        programme, changes = programme_seed_2018()
        programme_seeded.send(sender=Programme, programme_id=programme.pk)
        targets = sum(t.umkm_target for t in programme.city_targets.all())
        self.stdout.write(
            self.style.SUCCESS(
                f"{programme.name}: {programme.city_targets.count()} cities, UMKM target {targets:,}; "
                f"{changes} row(s) created or changed."
            )
        )
