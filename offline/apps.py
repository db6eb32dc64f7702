from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OfflineConfig(AppConfig):
    """The trainer's pages without a connection: the service worker, the manifest and the sync endpoint."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "offline"
    verbose_name = _("Offline check-in")
