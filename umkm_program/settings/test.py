"""Test settings: PostgreSQL always (the real database), fast hashing, strict templates."""

from .base import *  # noqa: F403
from .base import TEMPLATES, env

DATABASES = {"default": env.db("DATABASE_URL", default="postgres:///umkm")}
SECRET_KEY = "test-secret-key-not-for-production-0123456789abcdefghijklmnop"  # noqa: S105  test settings only, never used in production
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# As in production with Redis (base.py), whether or not the run names a REDIS_URL: the pinned query
# counts of every logged-in page assume the session is read from the cache.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
TEMPLATES[0]["OPTIONS"]["string_if_invalid"] = ""  # type: ignore[index]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
# Tests that are about the job system use a real Redis broker and worker.
CELERY_BROKER_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/0")
CELERY_BROKER_TRANSPORT_OPTIONS = {}
ALLOWED_HOSTS = ["*"]
WHITENOISE_AUTOREFRESH = True
