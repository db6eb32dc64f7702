"""Settings shared by every environment, read from the environment (django-environ).

With nothing configured the platform runs on SQLite, with kombu's SQLAlchemy
transport on a second SQLite file as the Celery broker (works across processes,
so a real worker and beat run). Setting DATABASE_URL and REDIS_URL switches to
PostgreSQL and Redis.
"""

from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-insecure-key-change-me-0123456789abcdefghijklmnopqrstuvwxyz")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sites",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "csp",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "django_celery_beat",
    # Project apps
    "users",
    "cities",
    "partners",
    "sessions_app",
    "participants",
    "progress",
    "invitations",
    "access",
    "notifications",
    "surveys",
    "monitoring",
    "certificates",
    "offline",
    "audit",
    "core",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.ChosenLanguageMiddleware",
    "core.middleware.RequestSizeLimitMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "users.middleware.SlidingSessionMiddleware",
    "users.middleware.SecondFactorRequiredMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "audit.context.AuditContextMiddleware",
]

ROOT_URLCONF = "umkm_program.urls"
WSGI_APPLICATION = "umkm_program.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "users.context_processors.role",
                "core.context_processors.status_enums",
            ],
            # Numbers are grouped for people (10.000); ids in markup and URLs must not be:
            # `{{ obj.pk|unlocalize }}` is available in every template.
            "builtins": ["django.templatetags.l10n", "umkm_program.template_bars"],
        },
    },
]

# --- Database -----------------------------------------------------------------
VAR_DIR.mkdir(exist_ok=True)
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
# A persistent connection is checked before a request reuses it: after a database restart the
# first request reconnects instead of failing (tests/operations/test_postgres_restart.py).
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A real worker and beat share the file with the web process.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL;",
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth ---------------------------------------------------------------------
AUTH_USER_MODEL = "users.User"
# Both refuse deactivated users, removed roles and inactive trainers, at login and on every request.
AUTHENTICATION_BACKENDS = [
    "users.backends.ModelBackend",
    "users.backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SITE_ID = 1
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_ADAPTER = "users.adapters.AccountAdapter"
ACCOUNT_RATE_LIMITS = {"login_failed": "5/5m/ip,5/5m/key"}
# "Remember me" is offered but unticked: trainers share phones, so by default the session ends with the browser.
ACCOUNT_SESSION_REMEMBER = None
# Staff sessions end after a working day without a request (users/middleware.py slides the expiry).
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=9 * 60 * 60)
SESSION_REFRESH_SECONDS = 10 * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Admins and superusers log in with a second factor: an authenticator app (TOTP) with recovery codes.
MFA_ADAPTER = "users.adapters.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "LAJU DIGITAL"
MFA_TOTP_TOLERANCE = 1  # one 30-second step either side: phone clocks drift
# Public forms (self-registration link, message opt-out): POSTs per (count, seconds), counted in the cache.
# A room of people on one venue Wi-Fi shares an address, and a session's QR code is scanned by the whole
# room at once: generous enough for that, tight enough to stop a script.
PUBLIC_FORM_RATE_LIMITS = {
    "address": (env.int("PUBLIC_FORM_LIMIT_PER_ADDRESS", default=40), 600),
    "link": (env.int("PUBLIC_FORM_LIMIT_PER_LINK", default=300), 600),
}
ACCOUNT_LOGOUT_ON_GET = False

# --- Browser policy (django-csp) ------------------------------------------------
# Scripts and styles only from our own origin: no inline <script>, <style>, style="" or on*= handlers
# anywhere (data reaches scripts through data- attributes and json_script). Images may be data: URIs
# (Bootstrap's icons, the TOTP QR code, the session QR code).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "manifest-src": [SELF],
        "worker-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

# --- I18N ---------------------------------------------------------------------
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Indonesian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Jakarta"
USE_THOUSAND_SEPARATOR = True
FORMAT_MODULE_PATH = ["umkm_program.formats"]

# --- Static -------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env("DJANGO_STATIC_ROOT", default=str(VAR_DIR / "staticfiles"))
MEDIA_URL = "/media/"
MEDIA_ROOT = env("DJANGO_MEDIA_ROOT", default=str(VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Cache --------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    # Cache errors are misses (logged), so logins, rate limits and pages keep working when Redis is down.
    CACHES = {
        "default": {
            "BACKEND": "core.cache.FailSafeRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# With Redis, a request reads its session from the cache and not from the database (a check-in's
# commonest query, issue 16); writes still go to both, so a Redis restart logs nobody out.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db" if REDIS_URL else "django.contrib.sessions.backends.db"

# --- Celery -------------------------------------------------------------------
BROKER_DB = VAR_DIR / "broker.sqlite3"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
else:
    # Zero-setup default: kombu's SQLAlchemy transport on a SQLite file. A message is one row
    # written in one transaction, so a worker never reads half a message (kombu's filesystem
    # transport could: kombu issue #1551). NullPool: the prefork worker must not share a pooled
    # SQLite connection across fork. bench/broker_throughput.py measures it.
    from sqlalchemy.pool import NullPool

    CELERY_BROKER_URL = f"sqla+sqlite:///{BROKER_DB}"
    CELERY_BROKER_TRANSPORT_OPTIONS = {"connect_args": {"timeout": 30}, "poolclass": NullPool}  # type: ignore[dict-item]
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# --- E-mail -------------------------------------------------------------------
EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="LAJU DIGITAL <noreply@example.org>")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
}

# --- Notifications and roll-ups ------------------------------------------------
NOTIFY_PROVIDER_BACKEND = env("NOTIFY_PROVIDER_BACKEND", default="notifications.providers.LogProvider")
NOTIFY_HTTP_URL = env("NOTIFY_HTTP_URL", default="")
NOTIFY_HTTP_TOKEN = env("NOTIFY_HTTP_TOKEN", default="")
NOTIFY_HTTP_TIMEOUT = env.float("NOTIFY_HTTP_TIMEOUT", default=10.0)
NOTIFY_MAX_ATTEMPTS = env.int("NOTIFY_MAX_ATTEMPTS", default=5)
NOTIFY_RETRY_BASE_SECONDS = env.int("NOTIFY_RETRY_BASE_SECONDS", default=60)
NOTIFY_PUBLIC_BASE_URL = env("NOTIFY_PUBLIC_BASE_URL", default="http://127.0.0.1:8000")
# How long changes are gathered before one refresh recounts the slices they touched (the KSP view
# shows a check-in within this plus a second or so; a refresh costs the same at any programme size).
PROGRESS_REFRESH_DELAY_SECONDS = env.int("PROGRESS_REFRESH_DELAY_SECONDS", default=15)
EMAIL_TIMEOUT = env.int("DJANGO_EMAIL_TIMEOUT", default=20)  # the sender holds a row lock while it sends

# --- Uploads, personal data retention ---------------------------------------------
# Uploads over FILE_UPLOAD_MAX_MEMORY_SIZE are spooled to disk; the import form checks the size
# before reading; the middleware refuses larger request bodies from their Content-Length.
PARTICIPANT_IMPORT_MAX_BYTES = env.int("PARTICIPANT_IMPORT_MAX_BYTES", default=20 * 1024 * 1024)
REQUEST_MAX_BYTES = env.int("REQUEST_MAX_BYTES", default=PARTICIPANT_IMPORT_MAX_BYTES + 2 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# Uploaded lists' rows and previews, and the text of sent messages, are dropped after these days.
RETENTION_IMPORT_ROWS_DAYS = env.int("RETENTION_IMPORT_ROWS_DAYS", default=30)
RETENTION_MESSAGE_BODY_DAYS = env.int("RETENTION_MESSAGE_BODY_DAYS", default=30)

# --- Backups (manage.py backup_database / restore_database, make backup / make restore) ---
BACKUP_PASSPHRASE = env("BACKUP_PASSPHRASE", default="")
BACKUP_DIR = env("BACKUP_DIR", default=str(VAR_DIR / "backups"))
