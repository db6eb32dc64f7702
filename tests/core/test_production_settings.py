"""Production refuses to start with unsafe settings: one line that names each of them."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.core.production_env import production_env

ROOT = Path(__file__).resolve().parents[2]
PREFIX = "django.core.exceptions.ImproperlyConfigured: Unsafe production settings: "


def start(**overrides) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", "import umkm_program.settings.production"],
        cwd=ROOT,
        env=production_env(**overrides),
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        ({"DATABASE_URL": "sqlite:////srv/laju/db.sqlite3"}, "DATABASE_URL points to SQLite"),
        ({"DATABASE_URL": None}, "DATABASE_URL points to SQLite"),  # the default of base settings
        ({"DJANGO_ALLOWED_HOSTS": "*"}, "DJANGO_ALLOWED_HOSTS"),
        ({"DJANGO_ALLOWED_HOSTS": "laju.example.org,*"}, "DJANGO_ALLOWED_HOSTS"),
        ({"DJANGO_SECRET_KEY": "s3cr3t-but-only-thirty-characters"}, "DJANGO_SECRET_KEY"),
        ({"DJANGO_SECRET_KEY": "x" * 60}, "DJANGO_SECRET_KEY"),
        ({"DJANGO_SECRET_KEY": "dev-insecure-key-change-me-0123456789abcdefghijklmnopqrstuvwxyz"}, "DJANGO_SECRET_KEY"),
        ({"DJANGO_SECRET_KEY": None}, "DJANGO_SECRET_KEY"),
        ({"NOTIFY_PUBLIC_BASE_URL": None}, "NOTIFY_PUBLIC_BASE_URL"),  # would be http://127.0.0.1:8000 in messages
        ({"NOTIFY_PUBLIC_BASE_URL": "http://laju.example.org"}, "NOTIFY_PUBLIC_BASE_URL"),
        ({"NOTIFY_PROVIDER_BACKEND": None}, "NOTIFY_PROVIDER_BACKEND is not set"),
    ],
)
def test_an_unsafe_setting_stops_production_with_one_line_naming_it(overrides, named):
    result = start(**overrides)

    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith(PREFIX), result.stderr[-1500:]
    assert named in last_line
    assert last_line.count(";") == 0, "only the setting that is wrong is named"


def test_every_unsafe_setting_is_named_in_the_same_line():
    result = start(
        DATABASE_URL=None,
        DJANGO_ALLOWED_HOSTS="*",
        DJANGO_SECRET_KEY="short",
        NOTIFY_PUBLIC_BASE_URL=None,
        NOTIFY_PROVIDER_BACKEND=None,
    )

    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith(PREFIX)
    for named in (
        "DATABASE_URL",
        "DJANGO_ALLOWED_HOSTS",
        "DJANGO_SECRET_KEY",
        "NOTIFY_PUBLIC_BASE_URL",
        "NOTIFY_PROVIDER_BACKEND",
    ):
        assert named in last_line


def test_the_log_provider_is_accepted_when_chosen_explicitly():
    assert start(NOTIFY_PROVIDER_BACKEND="notifications.providers.LogProvider").returncode == 0


def test_production_cookies_and_browser_policy():
    script = (
        "import json; from django.conf import settings as s; print(json.dumps([s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY,"
        " s.SESSION_COOKIE_SAMESITE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_AGE, s.CONTENT_SECURITY_POLICY['DIRECTIVES']]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {script}"],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )

    secure, httponly, samesite, csrf_secure, age, policy = json.loads(result.stdout)
    assert (secure, httponly, samesite, csrf_secure) == (True, True, "Lax", True)
    assert age == 9 * 60 * 60
    assert policy["script-src"] == policy["style-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"] and policy["form-action"] == ["'self'"]
