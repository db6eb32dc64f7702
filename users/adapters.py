import time

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import get_authentication_records
from allauth.core import context
from allauth.mfa.adapter import DefaultMFAAdapter
from django.urls import reverse

from .access import user_has_access
from .second_factor import second_factor_required


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are created or invited by admins: no public sign-up."""

    def is_open_for_signup(self, request):
        return False

    def get_login_redirect_url(self, request):
        return reverse("home")

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        """Within minutes of logging in, setting up the authenticator and reading its recovery codes asks for nothing more.

        An admin is sent to set up their authenticator right after logging in; asking again for the password
        they just typed would only be in the way. Later changes ask again, as allauth does.
        """
        request = context.request
        if app == "allauth.mfa" and request is not None and request.user.is_authenticated:
            records = get_authentication_records(request, request.user)
            if records and time.time() - records[-1].get("at", 0) < account_settings.REAUTHENTICATION_TIMEOUT:
                return False
        return super().is_reauthentication_required(app=app, **kwargs)

    def pre_login(self, request, user, **kwargs):
        """A right password is not enough: a deactivated account, removed role or inactive trainer gets no session."""
        if user.is_active and not user_has_access(user):
            from allauth.account.internal.stagekit import clear_login

            clear_login(request)
            return self.respond_user_inactive(request, user)
        return super().pre_login(request, user, **kwargs)


class MFAAdapter(DefaultMFAAdapter):
    def can_delete_authenticator(self, authenticator) -> bool:
        """Admins keep their authenticator app: they may renew recovery codes, not go back to a password alone."""
        if authenticator.type == authenticator.Type.TOTP and second_factor_required(authenticator.user):
            return False
        return super().can_delete_authenticator(authenticator)
