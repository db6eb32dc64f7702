"""Personal survey links: random per invitation, unguessable, and only their hash is stored.

The token is an HMAC of the invitation's random nonce under the site secret: the reminder can
re-create the link it first sent, while the database holds only the nonce and SHA-256(token).
"""

import hashlib
import secrets

from django.conf import settings
from django.urls import reverse
from django.utils.crypto import salted_hmac

_SALT = "surveys.personal-link"


def new_nonce() -> str:
    return secrets.token_hex(16)


def link_token(nonce: str) -> str:
    return salted_hmac(_SALT, nonce, algorithm="sha256").hexdigest()[:40]


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def survey_url(nonce: str) -> str:
    path = reverse("surveys:answer", args=[link_token(nonce)])
    return settings.NOTIFY_PUBLIC_BASE_URL.rstrip("/") + path
