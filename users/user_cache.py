"""The logged-in user of a request, kept in the cache between requests (issue 16: one query less per request).

`get_user` (users/backends.py) runs on every request with a session. The user row, with its
trainer profile, is cached per user for USER_CACHE_SECONDS and dropped whenever the user or the
trainer profile is saved or deleted (receivers connected in users.apps and partners.apps), now and
again once the change commits. So deactivating someone, removing their role, changing their
partner or password, or marking their trainer profile inactive still takes effect on the next
request. A change that goes around save() (queryset.update(), a deleted partner's SET_NULL)
takes effect within USER_CACHE_SECONDS. Logging out ends the session, which names the user.
"""

from collections.abc import Callable

from django.core.cache import cache
from django.db import transaction

from .models import User

USER_CACHE_SECONDS = 60


def _key(user_id) -> str:
    return f"auth-user:{user_id}"


def user_cached(user_id, load: Callable[[], User | None]) -> User | None:
    """The user from the cache, or `load()` (then cached). A refused user (None) is not cached."""
    key = _key(user_id)
    user = cache.get(key)
    if user is None:
        user = load()
        if user is not None:
            cache.set(key, user, USER_CACHE_SECONDS)
    return user


def user_cache_forget(user_id) -> None:
    """Drop the cached copy now and once the current transaction commits (a request may have re-read the old row meanwhile)."""
    if user_id is None:
        return
    cache.delete(_key(user_id))
    transaction.on_commit(lambda: cache.delete(_key(user_id)))


def on_user_changed(sender, instance, **kwargs) -> None:
    user_cache_forget(instance.pk)


def on_trainer_changed(sender, instance, **kwargs) -> None:
    user_cache_forget(instance.user_id)
