"""Which roles may open which area of the site: the one list read by the views' permission check
(users/mixins.py RoleRequiredMixin), by the navigation (users/navigation.py) and by templates (`may.<area>`, from
users/context_processors.py).

An area is a set of pages that let in the same people: a list of roles, and the scoping rules
(users/scoping.py) a user of those roles must also pass. Which rows a page then shows is still
the scoping rules' business; an area only says who gets the page at all (others get 403).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from .models import Role, User
from .roles import role_of
from .scoping import may_drill_down, may_handle_data_requests, may_list_sessions, may_see_personal_data

ADMIN = Role.PROGRAMME_ADMIN
COORDINATOR = Role.PARTNER_COORDINATOR
TRAINER = Role.TRAINER
POLICY = Role.POLICY_VIEWER
KSP = Role.KSP_MONITOR

RUNS_SESSIONS: tuple[str, ...] = (ADMIN, COORDINATOR, TRAINER)
MANAGES_PARTICIPANTS: tuple[str, ...] = (ADMIN, COORDINATOR)


class Area(StrEnum):
    PROGRAMME_OVERVIEW = "programme_overview"  # the admin's overview of the roadshow
    SCHEDULE = "schedule"  # sessions and roadshows: list, calendar, export, create, edit, cancel, registration link
    SESSION_DETAIL = "session_detail"  # one session's page
    OWN_SESSIONS = "own_sessions"  # a trainer's own sessions and calendar feed
    PARTNERS = "partners"  # partners, their trainers
    PARTNER_ADMIN = "partner_admin"  # adding and editing partners
    INVITATIONS = "invitations"
    SESSION_FEEDBACK = "session_feedback"  # a session's survey answers
    PARTICIPANTS = "participants"  # the participant list, a person's page, exports
    CHECK_IN = "check_in"  # running a session: check-in, walk-ins, closing, QR, sheet, corrections, offline sync
    CERTIFICATES = "certificates"  # a session's certificates
    CERTIFICATE_REVOKE = "certificate_revoke"
    MANAGE_PARTICIPANTS = "manage_participants"  # imports, proposed changes
    DUPLICATES = "duplicates"  # possible duplicates and merging
    DATA_REQUESTS = "data_requests"  # a person's export and erasure on their request
    AGGREGATES = "aggregates"  # the KSP view: programme-wide figures, no personal data
    DASHBOARDS = "dashboards"  # the policy dashboards and their exports
    DRILL_DOWN = "drill_down"  # the people behind a figure
    SESSION_FIGURES = "session_figures"  # the sessions behind a figure
    ADMINISTRATION = "administration"  # Django's admin (also asks for is_staff itself)


@dataclass(frozen=True)
class AreaRule:
    roles: tuple[str, ...]
    checks: tuple[Callable[[User], bool], ...] = ()


def _is_staff(user: User) -> bool:
    return bool(user.is_staff)


AREAS: dict[Area, AreaRule] = {
    Area.PROGRAMME_OVERVIEW: AreaRule((ADMIN,)),
    Area.SCHEDULE: AreaRule(MANAGES_PARTICIPANTS),
    Area.SESSION_DETAIL: AreaRule(RUNS_SESSIONS),
    Area.OWN_SESSIONS: AreaRule((TRAINER,)),
    Area.PARTNERS: AreaRule(MANAGES_PARTICIPANTS),
    Area.PARTNER_ADMIN: AreaRule((ADMIN,)),
    Area.INVITATIONS: AreaRule(MANAGES_PARTICIPANTS),
    Area.SESSION_FEEDBACK: AreaRule(RUNS_SESSIONS),
    Area.PARTICIPANTS: AreaRule((*RUNS_SESSIONS, POLICY), (may_see_personal_data,)),
    Area.CHECK_IN: AreaRule(RUNS_SESSIONS, (may_see_personal_data,)),
    Area.CERTIFICATES: AreaRule(RUNS_SESSIONS, (may_see_personal_data,)),
    Area.CERTIFICATE_REVOKE: AreaRule((ADMIN,), (may_see_personal_data,)),
    Area.MANAGE_PARTICIPANTS: AreaRule(MANAGES_PARTICIPANTS, (may_see_personal_data,)),
    Area.DUPLICATES: AreaRule((ADMIN,), (may_see_personal_data,)),
    Area.DATA_REQUESTS: AreaRule((ADMIN,), (may_see_personal_data, may_handle_data_requests)),
    Area.AGGREGATES: AreaRule((ADMIN, POLICY, KSP)),
    Area.DASHBOARDS: AreaRule((ADMIN, POLICY)),
    Area.DRILL_DOWN: AreaRule((ADMIN, POLICY), (may_drill_down,)),
    Area.SESSION_FIGURES: AreaRule((ADMIN, POLICY), (may_list_sessions,)),
    Area.ADMINISTRATION: AreaRule((ADMIN,), (_is_staff,)),
}


def may_open(user: User | None, area: Area) -> bool:
    """True when the user is signed in, has one of the area's roles and passes its scoping rules."""
    if user is None or not user.is_authenticated:
        return False
    rule = AREAS[area]
    return role_of(user) in rule.roles and all(check(user) for check in rule.checks)


class AreaAccess:
    """`may.<area>` in templates: asks may_open once per area and request."""

    def __init__(self, user: User | None) -> None:
        self.user = user
        self._answers: dict[str, bool] = {}

    def __getitem__(self, name: str) -> bool:
        if name not in self._answers:
            # Area(name) refuses an unknown name; Django's templates turn that into an empty (false) value.
            self._answers[name] = may_open(self.user, Area(name))
        return self._answers[name]
