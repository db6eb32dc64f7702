from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessConfig(AppConfig):
    """Who may see which rows. Sits above every app whose models it scopes; apps below reach the rules
    through users/scoping.py, where ready() registers them (dependency inversion)."""

    name = "access"
    verbose_name = _("Access")

    def ready(self):
        from users import scoping

        from . import scoping as rules

        scoping.register(rules)
