"""Settings for benchmarks: production settings plus one bench-only URL (the floor). Not for deployment."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "False")
# Production refuses to start without these; the bench sends no messages (log provider, a made-up address).
os.environ.setdefault("NOTIFY_PUBLIC_BASE_URL", "https://umkm.example.org")
os.environ.setdefault("NOTIFY_PROVIDER_BACKEND", "notifications.providers.LogProvider")

from umkm_program.settings.production import *  # noqa: E402, F403

ROOT_URLCONF = "bench.urls"
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
# The vendored chart.umd.min.js names a source map that is not vendored, so the manifest storage of
# production refuses collectstatic; plain static storage costs the same per request for what we measure.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
