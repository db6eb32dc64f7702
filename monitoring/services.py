"""Writes of the monitoring app: issuing API tokens. Its roll-ups are kept by progress (progress/services.py)."""

import hashlib
import secrets

from django.utils import timezone

from users.access import user_has_access
from users.models import User

from .models import ApiToken


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Issue a token for `user`; returns the row and the key, which is not stored and cannot be shown again."""
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, key_digest=_digest(key), prefix=key[:8])
    return token, key


def api_token_revoke(*, token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk, revoked_at=None).update(revoked_at=timezone.now())


def api_token_user(*, key: str) -> User | None:
    """The user behind a key, or None; a deactivated user, a removed role or an inactive trainer has none."""
    token = ApiToken.objects.filter(key_digest=_digest(key), revoked_at=None).select_related("user", "user__trainer").first()
    return token.user if token and user_has_access(token.user) else None
