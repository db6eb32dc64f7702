from django.core.management.base import BaseCommand, CommandError

from monitoring.services import api_token_create
from users.models import User


class Command(BaseCommand):
    help = "Issue an API token for a user (its role scopes what the API returns); prints the key once."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--name", default="api")

    def handle(self, *args, **options):
        try:
            user = User.objects.get(email=options["email"].lower())
        except User.DoesNotExist:
            raise CommandError(f"No user with e-mail {options['email']}.")
        token, key = api_token_create(user=user, name=options["name"])
        self.stdout.write(f"Token {token.name} for {user.email}: {key}")
        self.stdout.write("Send it as: Authorization: Bearer <key>. It is not stored and cannot be shown again.")
