"""The menu of each role, as data: templates/includes/nav_links.html only draws it.

Every link names the area of the page it opens (users/areas.py), and a link is drawn only when the user may open
that area, so the menu never offers a page that answers 403; a group left without links is not drawn.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from .areas import ADMIN, COORDINATOR, KSP, POLICY, TRAINER, Area, may_open
from .models import User
from .roles import role_of


@dataclass(frozen=True)
class Link:
    label: Any  # a lazy translation
    url_name: str
    area: Area
    testid: str = ""
    own_partner: bool = False  # the URL takes the user's partner


@dataclass(frozen=True)
class Group:
    """A dropdown of links."""

    label: Any
    links: tuple[Link, ...]


SCHEDULE = Link(_("Schedule"), "sessions_app:session-list", Area.SCHEDULE)
INVITATIONS = Link(_("Invitations"), "invitations:invitation-list", Area.INVITATIONS)
PARTICIPANTS = Link(_("Participants"), "participants:list", Area.PARTICIPANTS)
IMPORT = Link(_("Import a list"), "participants:import", Area.MANAGE_PARTICIPANTS)
PROPOSED_CHANGES = Link(_("Proposed changes"), "participants:proposed-changes", Area.MANAGE_PARTICIPANTS)
DASHBOARDS = Link(_("Dashboards"), "monitoring-dashboard", Area.DASHBOARDS)
KSP_MONITORING = Link(_("KSP monitoring"), "monitoring-ksp", Area.AGGREGATES)

# The brand leads home, which is each role's first item. The admin's many pages are grouped in menus so that the
# bar fits one line on a 1366 px screen.
MENUS: dict[str, tuple[Link | Group, ...]] = {
    ADMIN: (
        Link(_("Programme overview"), "sessions_app:programme-overview", Area.PROGRAMME_OVERVIEW),
        SCHEDULE,
        Link(_("Partners"), "partners:partner-list", Area.PARTNERS),
        INVITATIONS,
        Group(
            _("Participants"),
            (PARTICIPANTS, IMPORT, Link(_("Possible duplicates"), "participants:duplicates", Area.DUPLICATES), PROPOSED_CHANGES),
        ),
        Group(_("Monitoring"), (DASHBOARDS, KSP_MONITORING)),
        Group(
            _("Administration"),
            (
                Link(_("Django admin"), "admin:index", Area.ADMINISTRATION),
                Link(_("Message outbox"), "admin:notifications_notification_changelist", Area.ADMINISTRATION),
                Link(_("Audit log"), "admin:audit_auditevent_changelist", Area.ADMINISTRATION),
            ),
        ),
    ),
    COORDINATOR: (
        SCHEDULE,
        Link(_("Check-in"), "participants:trainer-sessions", Area.CHECK_IN, testid="nav-checkin"),
        Link(_("Trainers"), "partners:partner-detail", Area.PARTNERS, own_partner=True),
        INVITATIONS,
        Group(_("Participants"), (PARTICIPANTS, IMPORT, PROPOSED_CHANGES)),
    ),
    TRAINER: (
        Link(_("My sessions"), "participants:trainer-sessions", Area.CHECK_IN),
        Link(_("My calendar"), "sessions_app:trainer-sessions", Area.OWN_SESSIONS),
        PARTICIPANTS,
    ),
    POLICY: (DASHBOARDS, KSP_MONITORING),
    KSP: (KSP_MONITORING,),
}


def _link(user: User, link: Link) -> dict[str, Any] | None:
    if not may_open(user, link.area):
        return None
    if link.own_partner:
        if not user.partner_id:
            return None
        href = reverse(link.url_name, args=[user.partner_id])
    else:
        href = reverse(link.url_name)
    return {"label": link.label, "href": href, "testid": link.testid}


def _menu(user: User | None) -> list[dict[str, Any]]:
    if user is None or not user.is_authenticated:
        return []
    entries: list[dict[str, Any]] = []
    for entry in MENUS.get(role_of(user), ()):
        if isinstance(entry, Group):
            links = [drawn for drawn in (_link(user, link) for link in entry.links) if drawn]
            if links:
                entries.append({"label": entry.label, "links": links})
        elif drawn := _link(user, entry):
            entries.append(drawn)
    return entries


def navigation_for(user: User | None) -> Any:
    """The user's menu, built only when a template draws it: a list of links ({label, href, testid}) and groups
    ({label, links})."""
    return SimpleLazyObject(lambda: _menu(user))
