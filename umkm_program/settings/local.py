"""Local development and `make run`: debug on, SQLite + SQLite-backed broker (kombu SQLAlchemy transport) unless URLs are set."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["*"])
