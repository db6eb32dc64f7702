"""Admins log in with a second factor: give a test user an authenticator app and read its current code."""

from allauth.mfa import app_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from allauth.mfa.utils import decrypt
from django.core.cache import cache

from users.second_factor import second_factor_activate as users_second_factor_activate


def second_factor_activate(user) -> str:
    """The state after an admin set up their authenticator app: TOTP and recovery codes. Returns the secret."""
    return users_second_factor_activate(user=user)


def totp_secret(user) -> str:
    return decrypt(Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP).data["secret"])


def totp_code(user, *, at: float | None = None) -> str:
    """What the admin's app shows now; a code allauth has already accepted once is skipped for the next one."""
    import time

    counter = int(at if at is not None else time.time()) // app_settings.TOTP_PERIOD
    secret = totp_secret(user)
    for candidate in (counter, counter + 1, counter - 1):
        code = format_hotp_value(hotp_value(secret, candidate))
        if not cache.get(f"allauth.mfa.totp.used?user={user.pk}&code={code}"):
            return code
    raise AssertionError("every code of the tolerance window was used; wait 30 s")


def recovery_codes(user) -> list[str]:
    return RecoveryCodes(Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES)).get_unused_codes()
