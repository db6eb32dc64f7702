"""WhatsApp and SMS providers behind one small interface.

`LogProvider` (the default) only logs; `HttpProvider` posts WhatsApp Cloud API
style template messages to a configurable URL with a bearer token and an
`Idempotency-Key` header, so a provider that honours it delivers a retried
message once.
"""

import logging
from dataclasses import dataclass, field

import requests
from django.conf import settings
from django.utils.module_loading import import_string

from umkm_program.redaction import mask_phone

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class OutgoingMessage:
    channel: str  # "whatsapp" or "sms"
    to: str  # E.164
    template: str
    language: str
    text: str
    idempotency_key: str
    params: list = field(default_factory=list)


class ProviderError(Exception):
    """A failed send. `retryable` errors are tried again later; `retry_after` is the provider's wish, in seconds."""

    def __init__(self, message: str, *, retryable: bool = True, retry_after: float | None = None):
        super().__init__(message)
        self.retryable = retryable
        self.retry_after = retry_after


class LogProvider:
    """Sends nothing; logs that a message would have gone, with the number masked and without the text."""

    def send(self, message: OutgoingMessage) -> str:
        logger.info(
            "%s to %s [%s/%s]: %s characters (text not logged)",
            message.channel,
            mask_phone(message.to),
            message.template,
            message.language,
            len(message.text),
        )
        return f"log-{message.idempotency_key}"


class HttpProvider:
    def __init__(self, *, url: str | None = None, token: str | None = None, timeout: float | None = None):
        self.url = url if url is not None else settings.NOTIFY_HTTP_URL
        self.token = token if token is not None else settings.NOTIFY_HTTP_TOKEN
        self.timeout = timeout if timeout is not None else settings.NOTIFY_HTTP_TIMEOUT

    def payload(self, message: OutgoingMessage) -> dict:
        to = message.to.lstrip("+")
        if message.channel == "sms":
            return {"messaging_product": "sms", "to": to, "type": "text", "text": {"body": message.text}}
        return {
            "messaging_product": "whatsapp",
            "to": to,
            "type": "template",
            "template": {
                "name": message.template,
                "language": {"code": message.language},
                "components": [{"type": "body", "parameters": [{"type": "text", "text": str(p)} for p in message.params]}],
            },
        }

    def send(self, message: OutgoingMessage) -> str:
        if not self.url:
            raise ProviderError("NOTIFY_HTTP_URL is not set", retryable=False)
        headers = {"Authorization": f"Bearer {self.token}", "Idempotency-Key": message.idempotency_key}
        try:
            response = requests.post(self.url, json=self.payload(message), headers=headers, timeout=self.timeout)
        except requests.Timeout:
            raise ProviderError(f"timeout after {self.timeout:g} s")
        except requests.RequestException as exc:
            raise ProviderError(f"connection failed: {exc.__class__.__name__}")
        if response.status_code == 429:
            raise ProviderError("429 rate limited", retry_after=_seconds(response.headers.get("Retry-After")))
        if response.status_code >= 500:
            raise ProviderError(f"{response.status_code} provider error: {response.text[:200]}")
        if response.status_code >= 400:
            raise ProviderError(f"{response.status_code} rejected: {response.text[:200]}", retryable=False)
        try:
            return str(response.json()["messages"][0]["id"])
        except (ValueError, KeyError, IndexError, TypeError):
            return ""


def _seconds(value: str | None) -> float | None:
    try:
        return max(float(value), 0.0) if value else None
    except ValueError:
        return None


def get_provider():
    return import_string(settings.NOTIFY_PROVIDER_BACKEND)()
