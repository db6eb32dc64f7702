from django.core.management.base import BaseCommand

from users.roles import roles_install


class Command(BaseCommand):
    help = "Create or update the five staff role groups and their permissions (idempotent)."

    def handle(self, *args, **options):
        roles_install()
        self.stdout.write(self.style.SUCCESS("Role groups installed."))
