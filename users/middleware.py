"""Session rules for staff: a second factor before any page, and sessions that end after a day idle."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from .second_factor import second_factor_passed, second_factor_ready, second_factor_required

# Paths an admin without an authenticator may still open: the account pages themselves (setting up the
# authenticator, reauthenticating, logging out), static files, the language switch and the health check.
_OPEN_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/healthz")
SECOND_FACTOR_CHECKED = "_second_factor_checked"
REFRESHED_AT = "_refreshed_at"


def session_stamp_at_login(sender, request, user, **kwargs):
    """Connected to user_logged_in: the login writes the session anyway, so the checks below need no second write."""
    if request is None or not hasattr(request, "session"):
        return
    request.session[REFRESHED_AT] = int(time.time())
    if second_factor_required(user) and second_factor_ready(user) and second_factor_passed(request, user):
        request.session[SECOND_FACTOR_CHECKED] = True


class SecondFactorRequiredMiddleware:
    """An admin or superuser needs a session whose login gave the authenticator's code.

    Without an authenticator app they are sent to set one up before any other page. With one, a
    session that did not pass the code step (a login that went around allauth's, say) is logged out
    and sent to the login page, which asks for the code.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and not request.path.startswith(_OPEN_PREFIXES)
            and second_factor_required(user)
            and not request.session.get(SECOND_FACTOR_CHECKED)
        ):
            if not second_factor_ready(user):
                messages.warning(request, _("Admins must use a second factor. Set up an authenticator app to continue."))
                return redirect(reverse("mfa_activate_totp"))
            if not second_factor_passed(request, user):
                logout(request)
                messages.warning(request, _("Log in again with the code from your authenticator app."))
                return redirect(f"{reverse('account_login')}?next={request.path}")
            # Checked once per session: an admin cannot remove their authenticator (users/adapters.py).
            request.session[SECOND_FACTOR_CHECKED] = True
        return self.get_response(request)


class SlidingSessionMiddleware:
    """A logged-in session lives SESSION_COOKIE_AGE after its last request, not after its login.

    Saving the session resets its expiry; doing it at most every SESSION_REFRESH_SECONDS spares a
    database write on every check-in while keeping the idle limit to within those minutes.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if session is not None and user is not None and user.is_authenticated and not session.is_empty():
            now = int(time.time())
            if now - session.get(REFRESHED_AT, 0) >= settings.SESSION_REFRESH_SECONDS:
                session[REFRESHED_AT] = now
        return response
