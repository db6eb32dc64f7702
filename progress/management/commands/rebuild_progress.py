import time

from django.core.management.base import BaseCommand

from cities.models import Programme
from progress.services import progress_check, progress_rebuild


class Command(BaseCommand):
    help = "Rebuild the roll-ups of every programme (or of one) from the raw rows; --check also reports differences."

    def add_arguments(self, parser):
        parser.add_argument("--programme", type=int, help="only this programme id")
        parser.add_argument("--check", action="store_true", help="compare with the kept roll-ups first and record the result")

    def handle(self, *args, **options):
        programmes = Programme.objects.order_by("pk")
        if options["programme"]:
            programmes = programmes.filter(pk=options["programme"])
        for programme in programmes:
            started = time.monotonic()
            if options["check"]:
                check = progress_check(programme_id=programme.pk)
                self.stdout.write(f"{programme}: {check.differences} differences in {time.monotonic() - started:.2f} s")
                continue
            slices = progress_rebuild(programme_id=programme.pk)
            self.stdout.write(f"{programme}: {slices} slices in {time.monotonic() - started:.2f} s")
