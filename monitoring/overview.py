"""The admin's programme overview: every city of a programme in roadshow order, against its target.

It sits in monitoring because it shows figures of the apps below it: sessions and UMKM trained
from the progress roll-up (the same figures the KSP view shows) next to people registered and
attending per city, counted from participants' attendance rows.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q

from cities.models import CityTarget, Programme
from participants.models import Attendance, AttendanceStatus
from sessions_app.models import Roadshow, TrainingSession
from users.models import User
from users.scoping import scoped


@dataclass
class OverviewRow:
    """One city of the overview. planned/held/cancelled/trained are filled from the progress roll-up by the
    view (the same figures the KSP view shows); registered and people_attended are this page's own raw counts."""

    city: object
    order: int
    umkm_target: int
    roadshows: list = field(default_factory=list)
    planned: int = 0
    held: int = 0
    cancelled: int = 0
    trained: int = 0
    registered: int = 0
    people_attended: int = 0

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.trained / self.umkm_target)) if self.umkm_target else 0


def programme_overview(*, user: User, programme: Programme) -> list[OverviewRow]:
    """Cities in roadshow order with their roadshows and the people registered and attending there.

    people_attended counts a person once per city (one who attended UMKM sessions in two cities is in
    both rows); it is not the programme's "UMKM trained", which the caller takes from progress.
    Three grouped queries whatever the number of cities, sessions or participants.
    """
    rows: dict[int, OverviewRow] = {}
    targets = scoped(user, CityTarget).filter(programme=programme).select_related("city").order_by("roadshow_order", "city__name")
    for target in targets:
        rows[target.city_id] = OverviewRow(city=target.city, order=target.roadshow_order, umkm_target=target.umkm_target)
    roadshows = (
        scoped(user, Roadshow)
        .filter(programme=programme)
        .exclude(status="cancelled")
        .select_related("city", "partner")
        .order_by("starts_on")
    )
    for roadshow in roadshows:
        row = rows.get(roadshow.city_id)
        if row is None:
            row = rows[roadshow.city_id] = OverviewRow(city=roadshow.city, order=10_000, umkm_target=0)
        row.roadshows.append(roadshow)
    sessions = scoped(user, TrainingSession).filter(programme=programme)
    people = (
        Attendance.objects.filter(
            session__in=sessions.values("pk"), participant__is_test=False, participant__merged_into__isnull=True
        )
        .values("session__city_id")
        .order_by()
        .annotate(
            registered=Count("participant_id", distinct=True),
            attended=Count("participant_id", filter=Q(status=AttendanceStatus.ATTENDED, session__audience="umkm"), distinct=True),
        )
    )
    for item in people:
        row = rows.get(item["session__city_id"])
        if row is not None:
            row.registered, row.people_attended = item["registered"], item["attended"]
    return sorted(rows.values(), key=lambda r: (r.order, r.city.name))  # type: ignore[attr-defined]


def roadshow_span(roadshows) -> tuple[dt.date | None, dt.date | None]:
    if not roadshows:
        return None, None
    return min(r.starts_on for r in roadshows), max(r.ends_on for r in roadshows)
