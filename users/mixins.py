from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from .roles import role_of


class RoleRequiredMixin(LoginRequiredMixin):
    """Only users whose role is in `allowed_roles` get the page; others get 403."""

    allowed_roles: tuple[str, ...] = ()
    request: HttpRequest  # set by View; declared so mixins below may use them
    kwargs: dict[str, Any]

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if role_of(request.user) not in self.allowed_roles:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)
