"""The environment of a production deployment that production settings accept (umkm_program/settings/safety.py)."""

import os

SAFE_PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "umkm_program.settings.production",
    "DJANGO_SECRET_KEY": "k3y-" + "".join(f"{c}9" for c in "abcdefghijklmnopqrstuvwxyz0123"),
    "DJANGO_ALLOWED_HOSTS": "laju.example.org",
    "DATABASE_URL": "postgres://umkm:secret@db.internal:5432/umkm",
    "REDIS_URL": "redis://redis.internal:6379/0",
    "NOTIFY_PUBLIC_BASE_URL": "https://laju.example.org",
    "NOTIFY_PROVIDER_BACKEND": "notifications.providers.HttpProvider",
}


def production_env(**overrides) -> dict:
    """This process's environment (PATH, the venv) with a deployment's settings; None removes a variable."""
    # The test process sets DJANGO_ALLOW_ASYNC_UNSAFE for Playwright; a deployment never does.
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(SAFE_PRODUCTION_ENV)
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env
