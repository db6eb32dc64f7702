"""The staff roles as Django groups with permissions, and how a user's role is read."""

from django.contrib.auth.models import Group, Permission

from audit.models import AuditAction
from audit.services import audit_record

from .models import Role, User

_ALL = ("view", "add", "change", "delete")

# app_label.model -> actions each role gets; the programme admin gets everything.
ROLE_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    Role.PROGRAMME_ADMIN: {
        "cities.programme": _ALL,
        "cities.city": _ALL,
        "cities.citytarget": _ALL,
        "partners.partner": _ALL,
        "partners.trainer": _ALL,
        "sessions_app.roadshow": _ALL,
        "sessions_app.trainingsession": _ALL,
        "participants.participant": _ALL,
        "participants.attendance": _ALL,
        "users.user": _ALL,
        "django_celery_beat.periodictask": _ALL,
        "notifications.notification": ("view", "change"),
        "audit.auditevent": ("view",),
    },
    Role.PARTNER_COORDINATOR: {
        "cities.programme": ("view",),
        "cities.city": ("view",),
        "partners.partner": ("view",),
        "partners.trainer": ("view", "add", "change"),
        "sessions_app.roadshow": ("view", "add", "change"),
        "sessions_app.trainingsession": ("view", "add", "change"),
        "participants.participant": ("view", "add", "change"),
        "participants.attendance": ("view", "add", "change"),
    },
    Role.TRAINER: {
        "cities.city": ("view",),
        "sessions_app.trainingsession": ("view",),
        "participants.participant": ("view", "add", "change"),
        "participants.attendance": ("view", "add", "change"),
    },
    Role.POLICY_VIEWER: {
        "cities.programme": ("view",),
        "cities.city": ("view",),
        "cities.citytarget": ("view",),
        "partners.partner": ("view",),
        "sessions_app.roadshow": ("view",),
        "sessions_app.trainingsession": ("view",),
    },
    Role.KSP_MONITOR: {
        "cities.programme": ("view",),
        "cities.city": ("view",),
        "cities.citytarget": ("view",),
    },
}


def roles_install() -> None:
    """Create or update one group per role with exactly its permissions. Idempotent."""
    for role, models in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        perms = []  # type: ignore[var-annotated]
        for label, actions in models.items():
            app_label, model = label.split(".")
            codenames = [f"{action}_{model}" for action in actions]
            perms.extend(Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames))
        group.permissions.set(perms)


def user_set_role(*, user: User, role: str, partner=None, by=None) -> User:
    """Give a user one role (or none, with role=""): the role field and the matching group move together.

    With `by` (the person making the change) a change of role is audited; seeding, tests and
    the invitation's own acceptance path pass it as they see fit.
    """
    previous = User.objects.filter(pk=user.pk).values_list("role", flat=True).first() if user.pk else None
    user.role = role
    if partner is not None:
        user.partner = partner
    user.full_clean(exclude=["password"])
    user.save(update_fields=["role", "partner"])
    role_groups = Group.objects.filter(name__in=Role.values)
    user.groups.remove(*role_groups)
    if role:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    if by is not None and (previous or "") != role:
        audit_record(actor=by, action=AuditAction.ROLE_CHANGED, obj=user, changes={"role": [previous or "", role]})
    return user


def role_of(user) -> str:
    """The user's role; superusers act as programme admins."""
    if not getattr(user, "is_authenticated", False):
        return ""
    if user.is_superuser:
        return Role.PROGRAMME_ADMIN
    return user.role or ""
