from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = _("Surveys and results")

    def ready(self):
        from . import receivers  # noqa: F401  (connects the domain-event receivers)
