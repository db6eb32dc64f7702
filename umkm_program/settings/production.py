"""Production: every secret from the environment, HTTPS, PostgreSQL and Redis required.

Importing this module fails with one line naming every unsafe setting (umkm_program/settings/safety.py).
"""

import os

from .base import *  # noqa: F403
from .base import DATABASES, NOTIFY_PUBLIC_BASE_URL, env
from .safety import refuse_unsafe_settings

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])
refuse_unsafe_settings(
    database_engine=DATABASES["default"]["ENGINE"],
    allowed_hosts=ALLOWED_HOSTS,
    secret_key=SECRET_KEY,
    public_base_url=NOTIFY_PUBLIC_BASE_URL,
    # The log provider sends nothing: production uses it only when someone wrote it down.
    notify_provider_chosen=bool(os.environ.get("NOTIFY_PROVIDER_BACKEND")),
)

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"  # links from WhatsApp messages must still arrive logged in
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")

# Persistent connections: opening a PostgreSQL connection per request costs more
# than a check-in (docs/benchmarks.md); health checks drop broken ones.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
