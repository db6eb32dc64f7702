"""Authentication backends that ask users/access.py at login and on every request.

Django's backends refuse an inactive user; ours also refuse a user whose role was removed or whose
trainer profile was marked inactive. `get_user` runs for each request with a session, so an open
session stops working on the next request.
"""

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth import backends

from .access import user_has_access
from .models import User


class _AccessCheck:
    def user_can_authenticate(self, user) -> bool:
        return user_has_access(user)

    def get_user(self, user_id):
        # The trainer profile comes in the same query: the check costs no extra round trip.
        user = User._default_manager.select_related("trainer").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None


class ModelBackend(_AccessCheck, backends.ModelBackend):
    pass


class AuthenticationBackend(_AccessCheck, AllauthBackend):
    pass
