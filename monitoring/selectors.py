"""Reads for the KSP view, the policy dashboards, exports and the API.

Everything here reads roll-ups (progress.ProgressSnapshot, DimensionRollup and
SessionRollup, which progress keeps) with a fixed number of grouped queries, so
the cost of a page follows the number of sessions and days, not participants.
Raw rows are read only for drill-down lists, and then through users/scoping.py.
"""

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from django.db.models import Count, Max, Q, QuerySet, Sum

from cities.models import Programme, TimeZone
from cities.selectors import programme_main
from cities.timezones import zone_day_start
from participants.models import CountedAttendance
from partners.models import TotStatus, Trainer
from progress.figures import METRICS
from progress.models import Dimension, DimensionRollup, ProgressSnapshot, SessionRollup
from progress.selectors import progress_by_city, progress_total, snapshots_for
from sessions_app.models import TrainingSession
from sessions_app.states import state_q
from users.models import User
from users.scoping import city_targets_for, participants_for, programmes_for, sees_every_participant, sessions_for

TREND_MAX_POINTS = 120
PACE_WINDOW_DAYS = 28


def programme_for(*, user: User, programme_id: int | str | None = None) -> Programme | None:
    """The programme a page shows: the one asked for if the user may see it, else the main one.

    The main one is chosen by cities.selectors.programme_main (largest started programme).
    """
    programmes = programmes_for(user)
    if programme_id:
        try:
            chosen: Programme = programmes.get(pk=int(programme_id))
            return chosen
        except (ValueError, Programme.DoesNotExist):
            return None
    return programme_main(programmes=programmes)


def programme_choices(*, user: User) -> list[Programme]:
    """Programmes a user can switch between on the monitoring pages."""
    return list(programmes_for(user).order_by("-starts_on", "pk"))


def _pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


# --- KSP overview ---------------------------------------------------------------------


@dataclass
class CityProgress:
    city_id: int
    name: str
    province: str
    latitude: float
    longitude: float
    target: int
    trained: int
    pemda_trained: int
    pemda_target: int
    sessions_held: int = 0

    @property
    def pct(self) -> float | None:
        return _pct(self.trained, self.target)

    @property
    def bar_pct(self) -> float:
        return min(100.0, self.pct or 0.0)


@dataclass
class TrendPoint:
    day: dt.date
    trained: int
    required: int


@dataclass
class Overview:
    programme: Programme
    target: int
    pemda_target: int
    totals: dict
    cities: list[CityProgress]
    trend: list[TrendPoint]
    trainers_certified: int
    computed_at: dt.datetime | None
    today: dt.date
    reached_on: dt.date | None = None
    projected_on: dt.date | None = None
    pace_per_week: float = 0.0
    required_per_week: float = 0.0
    extra: dict = field(default_factory=dict)

    @property
    def trained(self) -> int:
        return int(self.totals["umkm_trained"])

    @property
    def ended(self) -> bool:
        """The programme's end date has passed: its outcome is final and there is no current pace to speak of."""
        return self.today > self.programme.ends_on

    @property
    def average_per_week(self) -> float:
        """UMKM trained a week on average over the whole programme."""
        weeks = max(1, (self.programme.ends_on - self.programme.starts_on).days) / 7
        return round(self.trained / weeks, 1)

    @property
    def pct(self) -> float | None:
        return _pct(self.trained, self.target)

    @property
    def bar_pct(self) -> float:
        return min(100.0, self.pct or 0.0)

    @property
    def women_pct(self) -> float | None:
        t = self.totals
        return _pct(t["umkm_women"] + t["pemda_women"], t["umkm_trained"] + t["pemda_trained"])

    @property
    def umkm_women_pct(self) -> float | None:
        return _pct(self.totals["umkm_women"], self.totals["umkm_trained"])

    @property
    def pemda_women_pct(self) -> float | None:
        return _pct(self.totals["pemda_women"], self.totals["pemda_trained"])

    @property
    def scale_mix(self) -> list[tuple[str, int, float | None]]:
        t = self.totals
        unknown = max(0, t["umkm_trained"] - t["umkm_mikro"] - t["umkm_kecil"] - t["umkm_menengah"])
        rows = [("mikro", t["umkm_mikro"]), ("kecil", t["umkm_kecil"]), ("menengah", t["umkm_menengah"]), ("unknown", unknown)]
        return [(key, n, _pct(n, t["umkm_trained"])) for key, n in rows]

    @property
    def has_data(self) -> bool:
        return self.computed_at is not None


def _totals(snapshot: ProgressSnapshot | None) -> dict:
    return {m: getattr(snapshot, m) if snapshot else 0 for m in METRICS}


def certified_trainers_count(*, programme: Programme) -> int:
    """Trainers certified through ToT of the partners that run the programme's sessions or roadshows (a count only)."""
    # Partners with sessions in the programme, read from their per-partner snapshot rows (one per partner).
    partner_ids = (
        snapshots_for(programme_id=programme.pk)
        .filter(city=None, partner__isnull=False, audience="", day=None)
        .values("partner_id")
    )
    return Trainer.objects.filter(tot_status=TotStatus.CERTIFIED, is_active=True, partner_id__in=partner_ids).count()


def _trend(*, programme: Programme, target: int, per_day: list[tuple[dt.date, int]], today: dt.date) -> list[TrendPoint]:
    """Cumulative trained at evenly spaced dates (so the x axis is time), beside the straight line to the target."""
    start, end = programme.starts_on, programme.ends_on
    last = max([end, min(today, per_day[-1][0]) if per_day else end])
    span = (last - start).days
    step = max(1, math.ceil(span / TREND_MAX_POINTS))
    duration = max(1, (end - start).days)
    points, running, i = [], 0, 0
    day = start
    while True:
        while i < len(per_day) and per_day[i][0] <= day:
            running += per_day[i][1]
            i += 1
        elapsed = (day - start).days
        points.append(TrendPoint(day, running, round(target * min(1.0, elapsed / duration))))
        if day >= last:
            break
        day = min(last, day + dt.timedelta(days=step))
    return points


def ksp_overview(*, user: User, programme: Programme, today: dt.date) -> Overview:
    """The headline, per-city progress, trend and pace of a programme: six small queries whatever the data size."""
    total = progress_total(programme_id=programme.pk)
    by_city = {s.city_id: s for s in progress_by_city(programme_id=programme.pk)}
    targets = list(
        city_targets_for(user).filter(programme=programme).select_related("city").order_by("roadshow_order", "city__name")
    )
    # day__isnull=False: every row has a day.
    per_day = cast(
        list[tuple[dt.date, int]],
        list(
            snapshots_for(programme_id=programme.pk)
            .filter(city=None, partner=None, audience="", day__isnull=False, umkm_trained__gt=0)
            .order_by("day")
            .values_list("day", "umkm_trained")
        ),
    )
    cities = []
    seen = set()
    for t in targets:
        snap = by_city.get(t.city_id)
        seen.add(t.city_id)
        cities.append(
            CityProgress(
                t.city_id, t.city.name, t.city.province, float(t.city.latitude), float(t.city.longitude),
                t.umkm_target, snap.umkm_trained if snap else 0, snap.pemda_trained if snap else 0, t.pemda_target,
                snap.sessions_held if snap else 0,
            )
        )  # fmt: skip
    for city_id, snap in by_city.items():
        if city_id in seen or city_id is None:
            continue
        c = snap.city
        if c is None:  # per-city snapshots always have a city
            continue
        cities.append(
            CityProgress(
                city_id,
                c.name,
                c.province,
                float(c.latitude),
                float(c.longitude),
                0,
                snap.umkm_trained,
                snap.pemda_trained,
                0,
                snap.sessions_held,
            )
        )
    target = programme.umkm_target
    overview = Overview(
        programme=programme,
        target=target,
        pemda_target=programme.pemda_target,
        totals=_totals(total),
        cities=cities,
        trend=_trend(programme=programme, target=target, per_day=per_day, today=today),
        trainers_certified=certified_trainers_count(programme=programme),
        computed_at=total.computed_at if total else None,
        today=today,
    )
    duration_weeks = max(1, (programme.ends_on - programme.starts_on).days) / 7
    overview.required_per_week = round(target / duration_weeks, 1)
    running = 0
    for day, n in per_day:
        running += n
        if running >= target:
            overview.reached_on = day
            break
    # The current pace is the last PACE_WINDOW_DAYS: a programme that paused has no pace to project from.
    window_start = today - dt.timedelta(days=PACE_WINDOW_DAYS - 1)
    recent = sum(n for day, n in per_day if window_start <= day <= today)
    pace_per_day = recent / PACE_WINDOW_DAYS
    overview.pace_per_week = round(pace_per_day * 7, 1)
    if overview.reached_on is None and pace_per_day > 0:
        overview.projected_on = today + dt.timedelta(days=math.ceil((target - overview.trained) / pace_per_day))
    return overview


# --- Policy dashboards ----------------------------------------------------------------


@dataclass
class DashboardFilters:
    programme: Programme
    city_id: int | None = None
    province: str = ""
    partner_id: int | None = None
    audience: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    def slice_q(self, prefix: str = "") -> Q:
        """Filter on the finest slices (city, partner, audience and day all fixed) of the roll-ups."""
        q = Q(**{f"{prefix}programme": self.programme})
        if self.city_id:
            q &= Q(**{f"{prefix}city_id": self.city_id})
        if self.province:
            q &= Q(**{f"{prefix}city__province": self.province})
        if self.partner_id:
            q &= Q(**{f"{prefix}partner_id": self.partner_id})
        if self.audience:
            q &= Q(**{f"{prefix}audience": self.audience})
        if self.date_from:
            q &= Q(**{f"{prefix}day__gte": self.date_from})
        if self.date_to:
            q &= Q(**{f"{prefix}day__lte": self.date_to})
        return q


def _finest_snapshots(filters: DashboardFilters) -> QuerySet[ProgressSnapshot]:
    return ProgressSnapshot.objects.filter(
        filters.slice_q(), city__isnull=False, partner__isnull=False, day__isnull=False
    ).exclude(audience="")


_SUMS = {m: Sum(m) for m in METRICS}


def _zero(row: Mapping[str, Any]) -> dict:
    return {k: (v or 0) if k in METRICS else v for k, v in row.items()}


@dataclass
class Aggregates:
    totals: dict
    by_day: list[dict]
    by_city: list[dict]
    by_partner: list[dict]
    dimensions: dict[str, list[dict]]
    computed_at: dt.datetime | None
    dimensions_computed_at: dt.datetime | None


def dashboard_aggregates(*, filters: DashboardFilters) -> Aggregates:
    """Every aggregate the policy dashboards show, in five grouped queries over the roll-ups."""
    base = _finest_snapshots(filters)
    totals = _zero(base.aggregate(**_SUMS, computed_at=Max("computed_at")))
    by_day = [_zero(r) for r in base.values("day").annotate(**_SUMS).order_by("day")]
    by_city = [
        _zero(r)
        for r in base.values("city_id", "city__name", "city__province", "city__latitude", "city__longitude")
        .annotate(**_SUMS)
        .order_by("city__name")
    ]
    by_partner = [_zero(r) for r in base.values("partner_id", "partner__name").annotate(**_SUMS).order_by("partner__name")]
    dims: dict[str, list[dict]] = {d: [] for d in Dimension.values}
    dims_computed = None
    rows = (
        DimensionRollup.objects.filter(filters.slice_q())
        .values("dimension", "value")
        .annotate(trained=Sum("trained"), attended=Sum("attended"), computed_at=Max("computed_at"))
        .order_by("dimension", "value")
    )
    for r in rows:
        dims[r["dimension"]].append({"value": r["value"], "trained": r["trained"], "attended": r["attended"]})
        dims_computed = max(filter(None, [dims_computed, r["computed_at"]]), default=None)
    return Aggregates(totals, by_day, by_city, by_partner, dims, totals.get("computed_at"), dims_computed)


def dashboard_sessions(*, user: User, filters: DashboardFilters) -> QuerySet[TrainingSession]:
    """Sessions (scoped to the user) with their roll-up: fill and no-show rates, for a paginated table."""
    return listed_sessions(user=user, filters=filters)


def rollup_session_count(agg: Aggregates) -> int:
    """How many sessions the filters select, from the roll-up (every session is held, planned or cancelled).

    The same sessions dashboard_sessions lists for a user who sees every session (same filters, the
    same local days), as of the roll-up's last refresh: a session written since shows once it is refreshed.
    """
    t = agg.totals
    return int(t["sessions_held"] + t["sessions_planned"] + t["sessions_cancelled"])


def session_rates(session: TrainingSession) -> dict:
    rollup = getattr(session, "rollup", None)
    if rollup is None:
        return {"registrations": 0, "attended": 0, "no_shows": 0, "fill_pct": None, "no_show_pct": None}
    decided = rollup.attended + rollup.no_shows
    return {
        "registrations": rollup.registrations,
        "attended": rollup.attended,
        "no_shows": rollup.no_shows,
        "fill_pct": _pct(rollup.attended, session.capacity),
        "no_show_pct": _pct(rollup.no_shows, decided),
    }


def session_rollup_computed_at(*, programme: Programme) -> dt.datetime | None:
    latest: dt.datetime | None = SessionRollup.objects.filter(programme=programme).aggregate(m=Max("computed_at"))["m"]
    return latest


# --- Drill-down (personal data: only through users/scoping.py) ---------------------------


def trained_participants(
    *,
    user: User,
    programme: Programme,
    audience: str,
    city_id: int | None = None,
    partner_id: int | None = None,
    women: bool = False,
) -> QuerySet[CountedAttendance]:
    """The people a 'trained' number counts (their counted attendances), limited to whom the user may see."""
    qs = CountedAttendance.objects.filter(programme=programme, audience=audience)
    if not sees_every_participant(user):  # skipping an all-rows semi-join saves seconds at a million people
        qs = qs.filter(participant__in=participants_for(user))
    if city_id:
        qs = qs.filter(city_id=city_id)
    if partner_id:
        qs = qs.filter(partner_id=partner_id)
    if women:
        qs = qs.filter(is_woman=True)
    return qs.select_related("participant", "session", "session__city").order_by("starts_at", "attendance_id")


# --- Session drill-down (not personal data; scoped through users/scoping.py) -----------

SESSION_STATUSES = ("held", "planned", "cancelled")


def _status_q(status: str) -> Q:
    """The same rule progress_rebuild counts sessions by (sessions_app/states.py)."""
    return state_q(status)


def local_days_q(*, date_from: dt.date | None, date_to: dt.date | None, field: str = "starts_at") -> Q:
    """Sessions whose `field` falls on local days date_from..date_to in their own city's zone.

    Portable (PostgreSQL and SQLite): the day bounds are computed in Python as aware datetimes,
    one pair per zone the platform knows, instead of a database time-zone function.
    """
    either = Q()
    for zone in TimeZone.values:
        bounds = Q(city__time_zone=zone)
        if date_from:
            bounds &= Q(**{f"{field}__gte": zone_day_start(date_from, zone)})
        if date_to:
            bounds &= Q(**{f"{field}__lt": zone_day_start(date_to + dt.timedelta(days=1), zone)})
        either |= bounds
    return either


def listed_sessions(*, user: User, filters: DashboardFilters, status: str = "") -> QuerySet[TrainingSession]:
    """The sessions a session figure counts, with the dashboard's filters; days are the city's own local date, as in the roll-ups."""
    qs = sessions_for(user).filter(programme=filters.programme)
    if filters.city_id:
        qs = qs.filter(city_id=filters.city_id)
    if filters.province:
        qs = qs.filter(city__province=filters.province)
    if filters.partner_id:
        qs = qs.filter(partner_id=filters.partner_id)
    if filters.audience:
        qs = qs.filter(audience=filters.audience)
    if filters.date_from or filters.date_to:
        qs = qs.filter(local_days_q(date_from=filters.date_from, date_to=filters.date_to))
    if status in SESSION_STATUSES:
        qs = qs.filter(_status_q(status))
    return qs.select_related("city", "partner", "rollup").order_by("-starts_at", "pk")


def listed_session_totals(qs: QuerySet[TrainingSession]) -> dict:
    """Sessions, registrations, attendances and no-shows of a session list, in one query over the session roll-up."""
    row = qs.order_by().aggregate(
        sessions=Count("pk"),
        registrations=Sum("rollup__registrations"),
        attended=Sum("rollup__attended"),
        no_shows=Sum("rollup__no_shows"),
    )
    return {k: v or 0 for k, v in row.items()}


def map_cities(*, user: User, filters: DashboardFilters, by_city: list[dict]) -> list[CityProgress]:
    """The map's cities for the dashboard filters: the filtered roll-up per city beside the city targets (one query)."""
    targets = city_targets_for(user).filter(programme=filters.programme).select_related("city")
    if filters.city_id:
        targets = targets.filter(city_id=filters.city_id)
    if filters.province:
        targets = targets.filter(city__province=filters.province)
    pemda = filters.audience == "pemda"
    rows = {r["city_id"]: r for r in by_city}
    cities, seen = [], set()
    for t in targets.order_by("roadshow_order", "city__name"):
        r = rows.get(t.city_id, {})
        seen.add(t.city_id)
        cities.append(
            CityProgress(
                t.city_id, t.city.name, t.city.province, float(t.city.latitude), float(t.city.longitude),
                t.pemda_target if pemda else t.umkm_target, r.get("pemda_trained" if pemda else "umkm_trained", 0),
                r.get("pemda_trained", 0), t.pemda_target,
            )
        )  # fmt: skip
    for cid, r in rows.items():
        if cid not in seen:  # sessions in a city without a target: shown, with no target to compare with
            trained = r["pemda_trained" if pemda else "umkm_trained"]
            cities.append(
                CityProgress(
                    cid, r["city__name"], r["city__province"], float(r["city__latitude"]), float(r["city__longitude"]),
                    0, trained, r["pemda_trained"], 0,
                )
            )  # fmt: skip
    return cities
