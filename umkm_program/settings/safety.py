"""What production refuses to start with: each check names the setting and what to do about it."""

from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

# Keys that appear in this repository, its examples or Django's templates: known to anyone who looks.
KNOWN_SECRET_KEYS = {
    "dev-insecure-key-change-me-0123456789abcdefghijklmnopqrstuvwxyz",
    "test-secret-key-not-for-production-0123456789abcdefghijklmnop",
    "change-me-to-a-long-random-string",
}
MIN_SECRET_KEY_LENGTH = 50


def unsafe_settings(
    *, database_engine: str, allowed_hosts: list[str], secret_key: str, public_base_url: str, notify_provider_chosen: bool
) -> list[str]:
    problems = []
    if database_engine.endswith("sqlite3"):
        problems.append("DATABASE_URL points to SQLite (use PostgreSQL: postgres://...)")
    if "*" in allowed_hosts or not allowed_hosts:
        problems.append("DJANGO_ALLOWED_HOSTS must list the site's host names, not '*'")
    if (
        len(secret_key) < MIN_SECRET_KEY_LENGTH
        or secret_key in KNOWN_SECRET_KEYS
        or secret_key.startswith("django-insecure")
        or "change-me" in secret_key
        or len(set(secret_key)) < 5
    ):
        problems.append(f"DJANGO_SECRET_KEY is short or a known default (use {MIN_SECRET_KEY_LENGTH}+ random characters)")
    address = urlsplit(public_base_url)
    if address.scheme != "https" or not address.hostname or address.hostname in ("127.0.0.1", "localhost", "::1"):
        problems.append("NOTIFY_PUBLIC_BASE_URL (the address in links sent to participants) must be the site's https:// address")
    if not notify_provider_chosen:
        problems.append("NOTIFY_PROVIDER_BACKEND is not set (choose the message provider explicitly)")
    return problems


def refuse_unsafe_settings(**settings) -> None:
    problems = unsafe_settings(**settings)
    if problems:
        raise ImproperlyConfigured("Unsafe production settings: " + "; ".join(problems) + ".")
