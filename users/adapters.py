from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse

from .access import user_has_access


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are created or invited by admins: no public sign-up."""

    def is_open_for_signup(self, request):
        return False

    def get_login_redirect_url(self, request):
        return reverse("home")

    def pre_login(self, request, user, **kwargs):
        """A right password is not enough: a deactivated account, removed role or inactive trainer gets no session."""
        if user.is_active and not user_has_access(user):
            from allauth.account.internal.stagekit import clear_login

            clear_login(request)
            return self.respond_user_inactive(request, user)
        return super().pre_login(request, user, **kwargs)
