from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from .areas import Area, may_open


class RoleRequiredMixin(LoginRequiredMixin):
    """The one permission check of the staff pages: a view names its `area` (users/areas.py says who may open it).
    Anonymous visitors go to the login page; signed-in users who may not open the area get 403."""

    area: Area
    request: HttpRequest  # set by View; declared so mixins below may use them
    kwargs: dict[str, Any]

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not may_open(request.user, self.area):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)
