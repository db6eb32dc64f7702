"""The interface to the scoping rules: which rows a user may see.

The rules themselves live in one module, `access/scoping.py`, in an app that sits above the
models it scopes. Apps below it (partners, sessions_app, participants, invitations) need the
rules in their views and services but may not import `access`, so they call these functions,
and `access`'s AppConfig.ready() registers its module here (dependency inversion). The
functions keep the names and signatures they had when the rules lived in this file, so no
caller changed. Nothing here decides anything: with no rules registered every call fails
loudly instead of answering with a guess.
"""

from __future__ import annotations

from typing import Any, Protocol

from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet

from .models import User


class Scope(Protocol):
    """What the registered rules provide (access/scoping.py, a module, satisfies it)."""

    def may_see_personal_data(self, user: User) -> bool: ...
    def may_handle_data_requests(self, user: User) -> bool: ...
    def may_see_programme_aggregates(self, user: User) -> bool: ...
    def may_drill_down(self, user: User) -> bool: ...
    def may_list_sessions(self, user: User) -> bool: ...
    def sees_every_participant(self, user: User) -> bool: ...
    def sees_every_session(self, user: User) -> bool: ...
    def programmes_for(self, user: User) -> QuerySet: ...
    def cities_for(self, user: User) -> QuerySet: ...
    def city_targets_for(self, user: User) -> QuerySet: ...
    def partners_for(self, user: User) -> QuerySet: ...
    def trainers_for(self, user: User) -> QuerySet: ...
    def roadshows_for(self, user: User) -> QuerySet: ...
    def sessions_for(self, user: User) -> QuerySet: ...
    def attendances_for(self, user: User) -> QuerySet: ...
    def participants_for(self, user: User) -> QuerySet: ...
    def attendance_participant_visible(self, user: User) -> Any: ...
    def invitations_for(self, user: User) -> QuerySet: ...
    def participant_imports_for(self, user: User) -> QuerySet: ...
    def duplicate_candidates_for(self, user: User) -> QuerySet: ...
    def proposed_changes_for(self, user: User) -> QuerySet: ...
    def scoped(self, user: User, model) -> QuerySet: ...


_rules: Scope | None = None


def register(rules: Scope) -> None:
    """Called once by access.apps.AccessConfig.ready()."""
    global _rules
    _rules = rules


def rules() -> Scope:
    if _rules is None:
        raise ImproperlyConfigured("No scoping rules registered: add 'access' to INSTALLED_APPS.")
    return _rules


def may_see_personal_data(user: User) -> bool:
    return rules().may_see_personal_data(user)


def may_handle_data_requests(user: User) -> bool:
    return rules().may_handle_data_requests(user)


def may_see_programme_aggregates(user: User) -> bool:
    return rules().may_see_programme_aggregates(user)


def may_drill_down(user: User) -> bool:
    return rules().may_drill_down(user)


def may_list_sessions(user: User) -> bool:
    return rules().may_list_sessions(user)


def sees_every_participant(user: User) -> bool:
    return rules().sees_every_participant(user)


def sees_every_session(user: User) -> bool:
    return rules().sees_every_session(user)


def programmes_for(user: User) -> QuerySet:
    return rules().programmes_for(user)


def cities_for(user: User) -> QuerySet:
    return rules().cities_for(user)


def city_targets_for(user: User) -> QuerySet:
    return rules().city_targets_for(user)


def partners_for(user: User) -> QuerySet:
    return rules().partners_for(user)


def trainers_for(user: User) -> QuerySet:
    return rules().trainers_for(user)


def roadshows_for(user: User) -> QuerySet:
    return rules().roadshows_for(user)


def sessions_for(user: User) -> QuerySet:
    return rules().sessions_for(user)


def attendances_for(user: User) -> QuerySet:
    return rules().attendances_for(user)


def participants_for(user: User) -> QuerySet:
    return rules().participants_for(user)


def attendance_participant_visible(user: User):
    return rules().attendance_participant_visible(user)


def invitations_for(user: User) -> QuerySet:
    return rules().invitations_for(user)


def participant_imports_for(user: User) -> QuerySet:
    return rules().participant_imports_for(user)


def duplicate_candidates_for(user: User) -> QuerySet:
    return rules().duplicate_candidates_for(user)


def proposed_changes_for(user: User) -> QuerySet:
    return rules().proposed_changes_for(user)


def scoped(user: User, model) -> QuerySet:
    """The queryset of `model` that `user` may see."""
    return rules().scoped(user, model)
