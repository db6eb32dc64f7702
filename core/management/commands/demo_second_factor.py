from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from core.demo import DEMO_LOGINS
from users.models import Role, User
from users.second_factor import second_factor_codes


class Command(BaseCommand):
    help = "Show the demo admin's authenticator secret, the code it shows now and its unused recovery codes."

    def handle(self, *args, **options):
        translation.activate("en")
        email = next(email for email, _name, role in DEMO_LOGINS if role == Role.PROGRAMME_ADMIN)
        user = User.objects.filter(email=email).first()
        if user is None:
            raise CommandError("No demo admin yet: run `manage.py seed_demo` first.")
        secret, code, recovery = second_factor_codes(user=user)
        self.stdout.write(f"    {email} also needs a code from an authenticator app (second factor):")
        self.stdout.write(f"      secret {secret} (add it to the app), code now: {code}")
        self.stdout.write(f"      one-time recovery codes: {' '.join(recovery[:3])} ...")
        self.stdout.write("      a fresh code any time: .venv/bin/python manage.py demo_second_factor")
