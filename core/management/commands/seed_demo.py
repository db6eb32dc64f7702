import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from cities.models import Programme
from cities.seed import PROGRAMME_2018, programme_seed_2018
from core.demo import DEMO_LOGINS, demo_seed

DEFAULT_PASSWORD = "laju-digital-2018"  # noqa: S105  the documented demo login, not a secret


def positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise CommandError(f"--participants must be a whole number, got {value!r}.") from None
    if number < 1:
        raise CommandError(f"--participants must be at least 1, got {number}.")
    return number


class Command(BaseCommand):
    help = "Create realistic demo data (partners, trainers, sessions, participants) and one login per role."

    def add_arguments(self, parser):
        parser.add_argument("--participants", type=str, default="2000", help="How many participants (default 2000).")
        parser.add_argument("--seed", type=int, default=2018, help="Random seed; the same seed gives the same data.")
        parser.add_argument("--password", default=DEFAULT_PASSWORD, help="Password for the five demo logins.")
        parser.add_argument(
            "--no-logins", action="store_true", help="Do not list the logins (`make run` prints them once itself)."
        )

    def handle(self, *args, **options):
        participants = positive_int(options["participants"])
        started = time.monotonic()
        programme_seed_2018()
        programme = Programme.objects.get(slug=PROGRAMME_2018["slug"])
        result = demo_seed(programme=programme, participants=participants, seed=options["seed"], password=options["password"])
        elapsed = time.monotonic() - started
        if result.created:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo data: {result.participants:,} participants, {result.attendances:,} attendances, "
                    f"{result.sessions:,} sessions in {elapsed:.1f} s."
                )
            )
            for name, seconds in result.phases.items():
                self.stdout.write(f"  {seconds:7.1f} s  {name}")
        else:
            self.stdout.write(f"Demo data already present ({result.participants:,} participants); logins refreshed.")
        if options["no_logins"]:
            return
        self.stdout.write("Demo logins (password: {}):".format(options["password"]))
        for email, _name, role in DEMO_LOGINS:
            self.stdout.write(f"  {role.label:<22} {email}")
        call_command("demo_second_factor", stdout=self.stdout)
