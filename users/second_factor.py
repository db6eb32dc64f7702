"""Who must log in with a second factor, and whether they have one.

Programme admins (the role), Django staff and superusers: they can read and change everyone's personal
data and the Django admin, so a stolen password alone must not open their account. The second factor is
allauth's MFA: an authenticator app (TOTP) with recovery codes. allauth asks for the code at login once an
authenticator exists; users/middleware.py sends anyone who needs one and has none to set it up first.
"""

import time
from typing import Any

from allauth.mfa.models import Authenticator

from .models import Role


def second_factor_required(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_superuser or user.is_staff or user.role == Role.PROGRAMME_ADMIN)


def second_factor_passed(request: Any, user: Any) -> bool:
    """Whether this session's login gave the authenticator's code, or the authenticator was set up in this
    session (which takes a valid code). allauth records each step of a login in the session ("mfa" for the code)."""
    from allauth.account.internal.flows.login import get_authentication_records

    records = get_authentication_records(request, user)
    if any(record.get("method") == "mfa" for record in records):
        return True
    logged_in_at = min((record["at"] for record in records if "at" in record), default=None)
    if logged_in_at is None:
        return False
    totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).values_list("created_at", flat=True).first()
    return totp is not None and totp.timestamp() >= logged_in_at


def second_factor_ready(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def second_factor_activate(*, user) -> str:
    """Give a user an authenticator app (TOTP) and recovery codes, as allauth's set-up page does. Returns the secret.

    For the demo admin and tests; people set theirs up themselves on /accounts/2fa/totp/activate/.
    """
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)
    return secret


def second_factor_codes(*, user) -> tuple[str, str, list[str]]:
    """(secret, the code the app shows now, unused recovery codes) of a user's authenticator: for the demo login."""
    from allauth.mfa import app_settings
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
    from allauth.mfa.utils import decrypt

    totp = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    secret = decrypt(totp.data["secret"])
    code = format_hotp_value(hotp_value(secret, int(time.time()) // app_settings.TOTP_PERIOD))
    recovery = Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES).first()
    return secret, code, RecoveryCodes(recovery).get_unused_codes() if recovery else []
