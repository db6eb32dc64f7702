"""Whether an account may use the platform right now.

Checked at login and again on every request (users/backends.py), for API tokens
(monitoring) and for the trainer's calendar feed, so that deactivating a user,
removing their role or marking their trainer profile inactive takes effect on
the very next request, not when a session happens to expire.
"""

from .models import Role


def user_has_access(user) -> bool:
    if user is None or not getattr(user, "is_active", False):
        return False
    if user.is_superuser:
        return True
    if user.role not in Role.values:
        return False
    if user.role == Role.TRAINER:
        trainer = getattr(user, "trainer", None)  # a trainer without a profile yet (just invited) keeps access
        if trainer is not None and not trainer.is_active:
            return False
    return True
