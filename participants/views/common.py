from users.areas import Area
from users.mixins import RoleRequiredMixin


class PersonalDataMixin(RoleRequiredMixin):
    """Pages with personal data: staff roles only, and never a role that may see only aggregates (403).
    Views narrow it with another area of users/areas.py, each of which asks for personal data too."""

    area = Area.PARTICIPANTS


def device_of(request) -> str:
    return request.headers.get("User-Agent", "")[:200]
