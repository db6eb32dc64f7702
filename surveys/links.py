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


def token_hash_sql(nonce: str) -> tuple[str, dict[str, bytes]]:
    """(SQL expression, params): `token_hash(link_token(<nonce>))` computed by PostgreSQL, for bulk writes.

    HMAC-SHA256 spelled out with the built-in sha256() (no pgcrypto): the key, derived as
    `link_tokens` derives it, is padded to the 64-byte block and XORed with the inner and outer pads
    here, so only the pads travel as parameters. `nonce` is an SQL expression of type text.
    """
    key = hashlib.sha256((_SALT + settings.SECRET_KEY).encode()).digest().ljust(64, b"\0")
    pads = {"link_inner_pad": bytes(b ^ 0x36 for b in key), "link_outer_pad": bytes(b ^ 0x5C for b in key)}
    mac = f"sha256(%(link_outer_pad)s || sha256(%(link_inner_pad)s || convert_to({nonce}, 'UTF8')))"
    token = f"left(encode({mac}, 'hex'), 40)"
    return f"encode(sha256(convert_to({token}, 'UTF8')), 'hex')", pads


def survey_url(nonce: str) -> str:
    path = reverse("surveys:answer", args=[link_token(nonce)])
    return settings.NOTIFY_PUBLIC_BASE_URL.rstrip("/") + path
