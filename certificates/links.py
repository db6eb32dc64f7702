"""The public addresses printed on a certificate and sent in messages (absolute: they leave the site)."""

from django.conf import settings
from django.urls import reverse


def _absolute(path: str) -> str:
    return settings.NOTIFY_PUBLIC_BASE_URL.rstrip("/") + path


def verify_url(number: str) -> str:
    return _absolute(reverse("certificates:verify", args=[number]))


def personal_url(download_token: str) -> str:
    return _absolute(reverse("certificates:personal", args=[download_token]))
