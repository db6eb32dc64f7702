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

from django.core.exceptions import EmptyResultSet, ImproperlyConfigured
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


# ---- the rules as precompiled SQL, for the hottest requests ----------------------------------------
#
# Building a scoped queryset and compiling it to SQL costs the ORM a few milliseconds per request (the
# check-in's profile, issue 16). `scope_sql` compiles a queryset built from the rules above once per
# kind of user and re-binds it to each user's own ids: the SQL is the ORM's, so the rule stays defined in
# access/scoping.py alone. Every value a rule may take from the user is one of the marks below; anything
# else it read would come from the stand-in (a fresh user with nothing but the kind's fields), which is
# why tests/participants/test_checkin_place.py compares the result with the querysets themselves for every role.

_MARK_USER = -730_001
_MARK_PARTNER = -730_002
_MARK_BASE = -731_000

_compiled: dict[tuple, tuple[str, list[tuple[str, Any]]]] = {}


def _user_kind(user: User) -> tuple:
    """What decides which queryset the rules build for a user (not which ids it holds)."""
    from .roles import role_of

    return (
        role_of(user),
        bool(user.is_superuser),
        user.partner_id is None,
        bool(user.can_see_personal_data),
    )


def _stand_in(user: User) -> User:
    return User(
        pk=_MARK_USER,
        role=user.role,
        is_superuser=user.is_superuser,
        partner_id=None if user.partner_id is None else _MARK_PARTNER,
        can_see_personal_data=user.can_see_personal_data,
    )


def scope_sql(user: User, name: str, build, **values: Any) -> tuple[str, list[Any]]:
    """(sql, params) of `build(stand_in_user, marks)`, a queryset built with the rules above, bound to `user` and `values`.

    `marks[key]` is a placeholder integer to use for `values[key]` (a session id, a person id), so the
    compiled SQL can be reused; `name` names the queryset `build` makes (the cache key with the user's kind).
    """
    key = (name, *_user_kind(user))
    entry = _compiled.get(key)
    if entry is None:
        marks = {k: _MARK_BASE - i for i, k in enumerate(sorted(values))}
        try:
            sql, params = build(_stand_in(user), marks).query.sql_with_params()
        except EmptyResultSet:  # the rule allows nothing (`.none()`): a statement that selects nothing
            sql, params = "SELECT 0 WHERE FALSE", []
        by_mark: dict[Any, tuple[str, Any]] = {_MARK_USER: ("user", "pk"), _MARK_PARTNER: ("user", "partner_id")}
        by_mark.update({mark: ("value", k) for k, mark in marks.items()})
        slots = [by_mark.get(p, ("const", p)) if isinstance(p, int) else ("const", p) for p in params]
        entry = _compiled[key] = (sql, slots)
    sql, slots = entry
    bound = [
        getattr(user, what) if kind == "user" else values[what] if kind == "value" else what  # noqa: SIM108
        for kind, what in slots
    ]
    return sql, bound
