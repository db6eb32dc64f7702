from django.core.exceptions import PermissionDenied

from users.mixins import RoleRequiredMixin
from users.models import Role
from users.scoping import may_see_personal_data

RUNS_SESSIONS = (Role.PROGRAMME_ADMIN, Role.PARTNER_COORDINATOR, Role.TRAINER)
MANAGES_PARTICIPANTS = (Role.PROGRAMME_ADMIN, Role.PARTNER_COORDINATOR)


class PersonalDataMixin(RoleRequiredMixin):
    """Pages with personal data: staff roles only, and never a role that may see only aggregates (403)."""

    allowed_roles: tuple[str, ...] = (*RUNS_SESSIONS, Role.POLICY_VIEWER)

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_see_personal_data(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def device_of(request) -> str:
    return request.headers.get("User-Agent", "")[:200]
