from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UsersConfig(AppConfig):
    name = "users"
    verbose_name = _("Users")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .middleware import session_stamp_at_login

        user_logged_in.connect(session_stamp_at_login, dispatch_uid="users_session_stamp_at_login")
