from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgressConfig(AppConfig):
    name = "progress"
    verbose_name = _("Progress toward targets")

    def ready(self):
        from . import receivers

        receivers.connect()
