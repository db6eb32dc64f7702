from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UsersConfig(AppConfig):
    name = "users"
    verbose_name = _("Users")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_delete, post_save

        from .middleware import session_stamp_at_login
        from .models import User
        from .user_cache import on_user_changed

        user_logged_in.connect(session_stamp_at_login, dispatch_uid="users_session_stamp_at_login")
        post_save.connect(on_user_changed, sender=User, dispatch_uid="users_user_cache_saved")
        post_delete.connect(on_user_changed, sender=User, dispatch_uid="users_user_cache_deleted")
