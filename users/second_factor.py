"""Who must log in with a second factor, and whether they have one.

Programme admins (the role), Django staff and superusers: they can read and change everyone's personal
data and the Django admin, so a stolen password alone must not open their account. The second factor is
allauth's MFA: an authenticator app (TOTP) with recovery codes. allauth asks for the code at login once an
authenticator exists; users/middleware.py sends anyone who needs one and has none to set it up first.
"""

from allauth.mfa.models import Authenticator

from .models import Role


def second_factor_required(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_superuser or user.is_staff or user.role == Role.PROGRAMME_ADMIN)


def second_factor_ready(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
