"""Invitations: admins invite coordinators and trainers, coordinators invite their own partner's trainers.

The invitee follows a one-time link, sets a password and can then log in.
"""

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from partners.models import Partner
from partners.services import trainer_create
from users.models import Role, User
from users.roles import role_of, user_set_role

from .models import Invitation

INVITATION_LIFETIME = dt.timedelta(days=7)
INVITABLE: dict[str, tuple[str, ...]] = {
    Role.PROGRAMME_ADMIN: (Role.PARTNER_COORDINATOR, Role.TRAINER),
    Role.PARTNER_COORDINATOR: (Role.TRAINER,),
}


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_create(
    *, email: str, role: str, partner: Partner, invited_by: User, name: str = "", accept_url: str
) -> Invitation:
    """Record an invitation and e-mail its link once the transaction commits.

    `accept_url` contains "{token}", replaced with the secret. A new invitation to
    the same address withdraws the earlier open one.
    """
    email = email.strip().lower()
    inviter_role = role_of(invited_by)
    if role not in INVITABLE.get(inviter_role, ()):
        raise PermissionDenied
    if inviter_role == Role.PARTNER_COORDINATOR and partner.pk != invited_by.partner_id:
        raise PermissionDenied
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("Someone with this e-mail address already has an account.")})
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    try:
        with transaction.atomic():
            Invitation.objects.select_for_update().filter(email=email, accepted_at=None, revoked_at=None).update(revoked_at=now)
            invitation = Invitation.objects.create(
                email=email,
                name=name,
                role=role,
                partner=partner,
                token_hash=_hash(token),
                invited_by=invited_by,
                expires_at=now + INVITATION_LIFETIME,
            )
    except IntegrityError:
        raise ValidationError({"email": _("An invitation to this address was just sent; try again in a moment.")}) from None
    link = accept_url.replace("{token}", token)
    language = translation.get_language()
    transaction.on_commit(lambda: _send(invitation, link, language))
    return invitation


def _send(invitation: Invitation, link: str, language: str | None) -> None:
    with translation.override(language):
        context = {"invitation": invitation, "link": link, "role": Role(invitation.role).label, "days": INVITATION_LIFETIME.days}
        send_mail(
            subject=_("You are invited to LAJU DIGITAL"),
            message=render_to_string("invitations/invitation_email.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[invitation.email],
        )


def invitation_for_token(*, token: str) -> Invitation | None:
    """The open, unexpired invitation behind a link, or None."""
    return (
        Invitation.objects.filter(token_hash=_hash(token), accepted_at=None, revoked_at=None, expires_at__gt=timezone.now())
        .select_related("partner")
        .first()
    )


@transaction.atomic
def invitation_accept(*, token: str, name: str, password: str) -> User:
    """Create the invitee's account with their chosen password; the link then stops working."""
    invitation = (
        Invitation.objects.select_for_update()
        .filter(token_hash=_hash(token), accepted_at=None, revoked_at=None, expires_at__gt=timezone.now())
        .first()
    )
    if invitation is None:
        raise ValidationError(_("This invitation link has expired or has already been used. Ask for a new invitation."))
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise ValidationError(_("Someone with this e-mail address already has an account."))
    user = User(email=invitation.email, name=name.strip() or invitation.name)
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from None
    user.set_password(password)
    user.save()
    user_set_role(user=user, role=invitation.role, partner=invitation.partner, by=invitation.invited_by)
    if invitation.role == Role.TRAINER:
        trainer_create(user=user, partner=invitation.partner)
    invitation.accepted_at = timezone.now()
    invitation.user = user
    invitation.save(update_fields=["accepted_at", "user"])
    return user


def invitation_revoke(*, invitation: Invitation) -> None:
    Invitation.objects.filter(pk=invitation.pk, accepted_at=None, revoked_at=None).update(revoked_at=timezone.now())
