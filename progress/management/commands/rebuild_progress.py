import time

from django.core.management.base import BaseCommand

from cities.models import Programme
from progress.services import progress_refresh


class Command(BaseCommand):
    help = "Rebuild the progress roll-ups of every programme (or of one) from the raw rows."

    def add_arguments(self, parser):
        parser.add_argument("--programme", type=int, help="only this programme id")

    def handle(self, *args, **options):
        programmes = Programme.objects.order_by("pk")
        if options["programme"]:
            programmes = programmes.filter(pk=options["programme"])
        for programme in programmes:
            started = time.monotonic()
            slices = progress_refresh(programme_id=programme.pk)
            self.stdout.write(f"{programme}: {slices} slices in {time.monotonic() - started:.2f} s")
