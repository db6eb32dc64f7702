"""Personal survey links: random per invitation, unguessable, and only their hash is stored.

The token is an HMAC of the invitation's random nonce under the site secret: the reminder can
re-create the link it first sent, while the database holds only the nonce and SHA-256(token).
"""

import hashlib
import hmac
import secrets
from collections.abc import Callable

from django.conf import settings
from django.urls import reverse
from django.utils.crypto import salted_hmac

_SALT = "surveys.personal-link"


def new_nonce() -> str:
    return secrets.token_hex(16)


def new_nonces(count: int) -> list[str]:
    """`count` nonces at once (one read of the system's randomness): for bulk writes such as the demo seed."""
    raw = secrets.token_hex(16 * count)
    return [raw[i : i + 32] for i in range(0, 32 * count, 32)]


def link_token(nonce: str) -> str:
    return salted_hmac(_SALT, nonce, algorithm="sha256").hexdigest()[:40]


def link_tokens() -> Callable[[str], str]:
    """`link_token` for many nonces: the HMAC key is derived once (salted_hmac derives it on every call)."""
    key = hashlib.sha256((_SALT + settings.SECRET_KEY).encode()).digest()

    def token(nonce: str) -> str:
        return hmac.new(key, nonce.encode(), hashlib.sha256).hexdigest()[:40]

    return token


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def survey_url(nonce: str) -> str:
    path = reverse("surveys:answer", args=[link_token(nonce)])
    return settings.NOTIFY_PUBLIC_BASE_URL.rstrip("/") + path
