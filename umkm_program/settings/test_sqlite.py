"""Tests on SQLite, the database of `make run`: the test settings with the embedded default's SQLite options.

Run by the Makefile's `pytest` target as a second, small invocation: `pytest --ds=umkm_program.settings.test_sqlite tests/sqlite`.
"""

from .test import *  # noqa: F403

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": ":memory:",
        "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        "ATOMIC_REQUESTS": False,
        "CONN_MAX_AGE": 0,
    }
}
