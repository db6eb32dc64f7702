"""Writes to accounts that change what someone may reach: each one is audited (who, when, from where).

A role is set with users.roles.user_set_role; activity and the personal-data grant here. The
change takes effect on the user's next request (users/access.py, users/backends.py).
"""

from django.db import transaction
from django.db.models import Model

from audit.models import AuditAction
from audit.services import audit_record

from .models import User
from .roles import user_set_role


def user_set_active(*, user: User, is_active: bool, by: User) -> User:
    """Deactivate (or reactivate) an account; deactivating is audited as access withdrawn."""
    with transaction.atomic():
        was = User.objects.select_for_update().values_list("is_active", flat=True).get(pk=user.pk)
        user.is_active = is_active
        user.save(update_fields=["is_active"])
        if was and not is_active:
            audit_record(actor=by, action=AuditAction.USER_DEACTIVATED, obj=user, changes={"is_active": [True, False]})
    return user


def user_set_personal_data_grant(*, user: User, granted: bool, by: User) -> User:
    """Grant or withdraw a policy viewer's access to personal data; every change is audited."""
    with transaction.atomic():
        was = User.objects.select_for_update().values_list("can_see_personal_data", flat=True).get(pk=user.pk)
        user.can_see_personal_data = granted
        user.save(update_fields=["can_see_personal_data"])
        if was != granted:
            audit_record(
                actor=by, action=AuditAction.PERSONAL_DATA_GRANT, obj=user, changes={"can_see_personal_data": [was, granted]}
            )
    return user


def user_update_access(
    *, user: User, by: User, role: str, partner: Model | None, is_active: bool, can_see_personal_data: bool
) -> User:
    """Role, partner, activity and personal-data grant together, as an admin sets them on one form."""
    with transaction.atomic():
        user_set_role(user=user, role=role, partner=partner, by=by)
        if partner is None and user.partner_id is not None:
            user.partner = None
            user.save(update_fields=["partner"])
        user_set_active(user=user, is_active=is_active, by=by)
        user_set_personal_data_grant(user=user, granted=can_see_personal_data, by=by)
    return user
