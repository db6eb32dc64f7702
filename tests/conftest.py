import os

import pytest

from tests.second_factor import second_factor_activate
from users.models import Role
from users.roles import roles_install, user_set_role
from users.second_factor import second_factor_required

# Playwright's sync API runs an event loop in the test thread; Django must allow ORM calls there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PASSWORD = "pass-1234-word"


def pytest_ignore_collect(collection_path, config):
    """tests/sqlite runs only on SQLite (`--ds=umkm_program.settings.test_sqlite`); the rest only on PostgreSQL."""
    from django.conf import settings

    on_sqlite = settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")
    try:
        in_sqlite_dir = "sqlite" in collection_path.relative_to(config.rootpath).parts[:2]
    except ValueError:  # outside the project
        return None
    if collection_path.is_dir() and collection_path.name == "sqlite":
        return not on_sqlite
    if on_sqlite and collection_path.suffix == ".py" and collection_path.name.startswith("test_") and not in_sqlite_dir:
        return True
    return None


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": os.environ.get("CHROMIUM", "/usr/bin/chromium"), "args": CHROMIUM_ARGS}


@pytest.fixture
def roles(db):
    roles_install()


@pytest.fixture
def make_user(roles):
    """make_user(role, partner=None, **fields) -> a user with that role and group, password PASSWORD."""
    from tests.factories import UserFactory

    def _make(role: str, partner=None, **fields):
        user = UserFactory(password=PASSWORD, **fields)
        user = user_set_role(user=user, role=role, partner=partner)
        if second_factor_required(user):
            second_factor_activate(user)  # as after their first login; tests/users/test_admin_login.py starts without
        return user

    return _make


@pytest.fixture
def admin_user(admin_user):
    """pytest-django's superuser, with the authenticator app every superuser must have."""
    second_factor_activate(admin_user)
    return admin_user


@pytest.fixture
def admin_user_(make_user):
    return make_user(Role.PROGRAMME_ADMIN)


@pytest.fixture(autouse=True)
def _force_login_passes_the_second_factor(monkeypatch):
    """`Client.force_login` goes around every login step, the authenticator's code included, so a session it makes
    counts as having passed it (users/middleware.py logs out an admin whose session did not).
    tests/users/test_admin_login.py checks the real steps, and the refusal of a session without the code."""
    from django.test import Client

    from users.middleware import SECOND_FACTOR_CHECKED

    real_force_login = Client.force_login

    def force_login(self, user, backend=None):
        real_force_login(self, user, backend)
        if second_factor_required(user):
            session = self.session
            session[SECOND_FACTOR_CHECKED] = True
            session.save()

    monkeypatch.setattr(Client, "force_login", force_login)
    monkeypatch.setattr(Client, "real_force_login", real_force_login, raising=False)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits and debounce keys live in the cache; no test inherits another's."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
