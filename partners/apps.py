from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = _("Partners and trainers")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from users.user_cache import on_trainer_changed

        from .models import Trainer

        # The logged-in user is cached with their trainer profile (users/user_cache.py).
        post_save.connect(on_trainer_changed, sender=Trainer, dispatch_uid="partners_trainer_user_cache_saved")
        post_delete.connect(on_trainer_changed, sender=Trainer, dispatch_uid="partners_trainer_user_cache_deleted")
