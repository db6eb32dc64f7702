"""Writes for roadshows and training sessions, with every scheduling rule.

Each rule raises a ValidationError keyed by the form field it belongs to, so
a page can show the message next to that field. Edits carry the version the
user loaded; a save against a newer version raises EditConflict instead of
silently overwriting someone else's change.
"""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cities.models import City, Programme
from cities.timezones import city_time_text, city_zone, zone_date
from partners.models import Partner, TotStatus, Trainer
from umkm_program.conflicts import EditConflict
from umkm_program.events import send_on_commit
from users.models import User

from .events import session_changed
from .models import Roadshow, RoadshowStatus, SessionChange, SessionChangeKind, SessionStatus, TrainingSession

# Fields a session edit may change; anything else is not the editor's business.
SESSION_EDITABLE = (
    "title",
    "audience",
    "delivery",
    "modules",
    "venue",
    "online_url",
    "starts_at",
    "ends_at",
    "capacity",
    "status",
)
ROADSHOW_EDITABLE = ("starts_on", "ends_on", "status", "notes")


# --- rules ------------------------------------------------------------------------------------


def _check_roadshow_dates(*, programme: Programme, starts_on: dt.date, ends_on: dt.date) -> None:
    errors = {}
    if ends_on < starts_on:
        errors["ends_on"] = _("The end date must be on or after the start date.")
    elif starts_on < programme.starts_on or ends_on > programme.ends_on:
        errors["starts_on"] = _("The roadshow must fall within the programme's dates (%(start)s – %(end)s).") % {
            "start": programme.starts_on.strftime("%d/%m/%Y"),
            "end": programme.ends_on.strftime("%d/%m/%Y"),
        }
    if errors:
        raise ValidationError(errors)


def _check_session(*, roadshow: Roadshow | None, starts_at: dt.datetime, ends_at: dt.datetime, capacity: int | None) -> None:
    errors = {}
    if capacity is None or capacity < 1:
        errors["capacity"] = _("Capacity must be at least 1.")
    if ends_at <= starts_at:
        errors["end_time"] = _("The session must end after it starts.")
    elif roadshow is not None:
        zone = roadshow.city.time_zone
        first, last = zone_date(starts_at, zone), zone_date(ends_at, zone)
        if first < roadshow.starts_on or last > roadshow.ends_on:
            errors["date"] = _("The session must fall within its roadshow's dates (%(start)s – %(end)s).") % {
                "start": roadshow.starts_on.strftime("%d/%m/%Y"),
                "end": roadshow.ends_on.strftime("%d/%m/%Y"),
            }
    if roadshow is not None and roadshow.status == RoadshowStatus.CANCELLED:
        errors["roadshow"] = _("This roadshow is cancelled; it cannot hold sessions.")
    if errors:
        raise ValidationError(errors)


def _lock_trainers(trainers: Iterable[Trainer]) -> list[Trainer]:
    """Lock the trainers (in pk order, so two saves never deadlock) before checking their bookings."""
    pks = sorted({t.pk for t in trainers})
    return list(Trainer.objects.select_for_update().filter(pk__in=pks).select_related("user").order_by("pk"))


def _check_trainers(
    *, session: TrainingSession, lead: Trainer | None, co_trainers: list[Trainer], starts_at: dt.datetime, ends_at: dt.datetime
) -> None:
    """Offer only certified, active trainers of the session's partner; never book one into two overlapping sessions."""
    errors: dict[str, list[str]] = {}
    everyone = ([lead] if lead else []) + co_trainers
    if lead and lead in co_trainers:
        errors.setdefault("co_trainers", []).append(_("The lead trainer cannot also be a co-trainer."))
    for trainer in everyone:
        field = "lead_trainer" if trainer == lead else "co_trainers"
        if trainer.partner_id != session.partner_id:
            errors.setdefault(field, []).append(
                _("%(trainer)s is not a trainer of %(partner)s.") % {"trainer": trainer, "partner": session.partner}
            )
        elif trainer.tot_status != TotStatus.CERTIFIED or not trainer.is_active:
            errors.setdefault(field, []).append(
                _("%(trainer)s has not completed the training of trainers (ToT).") % {"trainer": trainer}
            )
    if not errors and everyone:
        trainer_pks = [t.pk for t in everyone]
        clashes = (
            TrainingSession.objects.exclude(pk=session.pk)
            .exclude(status=SessionStatus.CANCELLED)
            .filter(starts_at__lt=ends_at, ends_at__gt=starts_at)
            .filter(Q(lead_trainer__in=trainer_pks) | Q(co_trainers__in=trainer_pks))
            .select_related("city", "lead_trainer")
            .prefetch_related("co_trainers")
            .distinct()
        )
        for other in clashes:
            booked = {other.lead_trainer_id, *(t.pk for t in other.co_trainers.all())}
            for trainer in everyone:
                if trainer.pk in booked:
                    field = "lead_trainer" if trainer == lead else "co_trainers"
                    errors.setdefault(field, []).append(
                        _("%(trainer)s is already booked for “%(session)s” in %(city)s at %(when)s, which overlaps this session.")
                        % {
                            "trainer": trainer,
                            "session": other.title,
                            "city": other.city,
                            "when": city_time_text(other.starts_at, other.city, style="short"),
                        }
                    )
    if errors:
        raise ValidationError(errors)


def _registrations(session: TrainingSession) -> int:
    # Through the reverse relation participants' Attendance declares: sessions_app does not import participants.
    return session.attendances.count()


def _record_change(session: TrainingSession, *, kind: str, by: User | None, reason: str, **new: Any) -> None:
    """Record a cancel/move of `session` (still holding its old time and venue) for the people registered to it.

    Nobody registered, nobody to tell: nothing is recorded. `new` carries new_starts_at/new_ends_at for a move.
    """
    registered = _registrations(session)
    if registered:
        SessionChange.objects.create(
            session=session,
            kind=kind,
            old_starts_at=session.starts_at,
            old_ends_at=session.ends_at,
            old_venue=session.venue,
            reason=reason,
            registrations_affected=registered,
            changed_by=by,
            **new,
        )


def _slice(session: TrainingSession) -> list:
    day = zone_date(session.starts_at, session.city.time_zone)
    return [session.city_id, session.partner_id, session.audience, day.isoformat()]


def _announce(session: TrainingSession, *, before: list | None = None, moved: bool = False) -> None:
    """Tell the apps above (on commit) that the session's figures changed: where it counted before and now."""
    slices = sorted({tuple(before or _slice(session)), tuple(_slice(session))})
    send_on_commit(
        session_changed,
        sender=TrainingSession,
        programme_id=session.programme_id,
        session_id=session.pk,
        slices=[list(item) for item in slices],
        moved=moved,
    )


def _bump(model: type[Roadshow] | type[TrainingSession], *, pk: int, expected_version: int, changes: dict) -> None:
    """Write `changes` only if nobody saved since `expected_version`; raise EditConflict otherwise."""
    updated = model.objects.filter(pk=pk, version=expected_version).update(version=F("version") + 1, **changes)
    if not updated:
        current = model.objects.filter(pk=pk).values_list("version", flat=True).first()
        raise EditConflict(current or 0)


# --- roadshows --------------------------------------------------------------------------------


def roadshow_create(
    *,
    programme: Programme,
    city: City,
    partner: Partner,
    starts_on: dt.date,
    ends_on: dt.date,
    notes: str = "",
    status: str = RoadshowStatus.PLANNED,
) -> Roadshow:
    _check_roadshow_dates(programme=programme, starts_on=starts_on, ends_on=ends_on)
    return Roadshow.objects.create(
        programme=programme, city=city, partner=partner, starts_on=starts_on, ends_on=ends_on, notes=notes, status=status
    )


@transaction.atomic
def roadshow_update(*, roadshow: Roadshow, expected_version: int, **changes: Any) -> Roadshow:
    """Change a roadshow's dates, status or notes; its sessions must still fit inside the new dates."""
    unknown = set(changes) - set(ROADSHOW_EDITABLE)
    if unknown:
        raise TypeError(f"roadshow_update cannot change {sorted(unknown)}")
    locked = Roadshow.objects.select_for_update().select_related("programme", "city").get(pk=roadshow.pk)
    if locked.version != expected_version:
        raise EditConflict(locked.version)
    starts_on = changes.get("starts_on", locked.starts_on)
    ends_on = changes.get("ends_on", locked.ends_on)
    _check_roadshow_dates(programme=locked.programme, starts_on=starts_on, ends_on=ends_on)
    zone = city_zone(locked.city)
    live = locked.sessions.exclude(status=SessionStatus.CANCELLED)
    if changes.get("status") == RoadshowStatus.CANCELLED and live.exists():
        raise ValidationError(
            {"status": _("Cancel this roadshow's sessions first; it still has sessions that are not cancelled.")}
        )
    outside = [
        s
        for s in live.only("starts_at", "ends_at")
        if not (starts_on <= s.starts_at.astimezone(zone).date() and s.ends_at.astimezone(zone).date() <= ends_on)
    ]
    if outside:
        raise ValidationError(
            {
                "starts_on": _("%(count)d session(s) of this roadshow would fall outside the new dates; move them first.")
                % {"count": len(outside)}
            }
        )
    _bump(Roadshow, pk=locked.pk, expected_version=expected_version, changes=changes)
    locked.refresh_from_db()
    return locked


# --- sessions ---------------------------------------------------------------------------------


@transaction.atomic
def session_create(
    *,
    roadshow: Roadshow,
    title: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    capacity: int,
    audience: str,
    delivery: str,
    venue: str = "",
    online_url: str = "",
    modules: str = "",
    status: str = SessionStatus.SCHEDULED,
) -> TrainingSession:
    roadshow = Roadshow.objects.select_related("city", "programme").get(pk=roadshow.pk)
    _check_session(roadshow=roadshow, starts_at=starts_at, ends_at=ends_at, capacity=capacity)
    if status not in (SessionStatus.DRAFT, SessionStatus.SCHEDULED):
        raise ValidationError({"status": _("A new session is either a draft or scheduled.")})
    session = TrainingSession.objects.create(
        programme=roadshow.programme,
        roadshow=roadshow,
        city=roadshow.city,
        partner_id=roadshow.partner_id,
        title=title,
        audience=audience,
        delivery=delivery,
        modules=modules,
        venue=venue,
        online_url=online_url,
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=capacity,
        status=status,
    )
    _announce(session)
    return session


def _lock_session(session: TrainingSession, expected_version: int) -> TrainingSession:
    locked = (
        TrainingSession.objects.select_for_update(of=("self",))
        .select_related("roadshow__city", "city", "partner")
        .get(pk=session.pk)
    )
    if locked.version != expected_version:
        raise EditConflict(locked.version)
    return locked


@transaction.atomic
def session_update(
    *, session: TrainingSession, expected_version: int, by: User | None = None, reason: str = "", **changes: Any
) -> TrainingSession:
    """Edit a session. A change of time or venue is a move: refused for completed sessions,
    re-checks the trainers' other bookings, and is recorded for the registered people."""
    unknown = set(changes) - set(SESSION_EDITABLE)
    if unknown:
        raise TypeError(f"session_update cannot change {sorted(unknown)}")
    locked = _lock_session(session, expected_version)
    changes = {k: v for k, v in changes.items() if getattr(locked, k) != v}
    if not changes:
        return locked
    if locked.status in (SessionStatus.COMPLETED, SessionStatus.CANCELLED):
        if locked.status == SessionStatus.COMPLETED:
            raise ValidationError({"date": _("A completed session cannot be moved or changed.")})
        raise ValidationError({"status": _("A cancelled session cannot be changed.")})
    if changes.get("status") == SessionStatus.CANCELLED:
        raise ValidationError({"status": _("Use “Cancel session” to cancel, so that registered people are told.")})
    starts_at = changes.get("starts_at", locked.starts_at)
    ends_at = changes.get("ends_at", locked.ends_at)
    _check_session(
        roadshow=locked.roadshow, starts_at=starts_at, ends_at=ends_at, capacity=changes.get("capacity", locked.capacity)
    )
    moved = {"starts_at", "ends_at", "venue"} & set(changes)
    if {"starts_at", "ends_at"} & set(changes):
        trainers = _lock_trainers(([locked.lead_trainer] if locked.lead_trainer else []) + list(locked.co_trainers.all()))
        lead = next((t for t in trainers if t.pk == locked.lead_trainer_id), None)
        _check_trainers(
            session=locked, lead=lead, co_trainers=[t for t in trainers if t != lead], starts_at=starts_at, ends_at=ends_at
        )
    if moved:
        _record_change(locked, kind=SessionChangeKind.MOVED, by=by, reason=reason, new_starts_at=starts_at, new_ends_at=ends_at)
    before = _slice(locked)
    _bump(TrainingSession, pk=locked.pk, expected_version=expected_version, changes={**changes, "updated_at": timezone.now()})
    locked.refresh_from_db()
    if {"starts_at", "audience", "status"} & set(changes):
        _announce(locked, before=before, moved=bool({"starts_at", "audience"} & set(changes)))
    return locked


@transaction.atomic
def session_cancel(
    *, session: TrainingSession, expected_version: int, by: User | None = None, reason: str = ""
) -> TrainingSession:
    locked = _lock_session(session, expected_version)
    if locked.status == SessionStatus.CANCELLED:
        return locked
    if locked.status == SessionStatus.COMPLETED:
        raise ValidationError({"reason": _("A completed session cannot be cancelled.")})
    _record_change(locked, kind=SessionChangeKind.CANCELLED, by=by, reason=reason)
    _bump(
        TrainingSession,
        pk=locked.pk,
        expected_version=expected_version,
        changes={"status": SessionStatus.CANCELLED, "updated_at": timezone.now()},
    )
    locked.refresh_from_db()
    _announce(locked)
    return locked


@transaction.atomic
def session_assign_trainers(
    *, session: TrainingSession, expected_version: int, lead_trainer: Trainer | None, co_trainers: Iterable[Trainer] = ()
) -> TrainingSession:
    locked = _lock_session(session, expected_version)
    if locked.status in (SessionStatus.COMPLETED, SessionStatus.CANCELLED):
        raise ValidationError({"lead_trainer": _("Trainers cannot be changed on a completed or cancelled session.")})
    co_trainers = list(co_trainers)
    locked_trainers = {t.pk: t for t in _lock_trainers(([lead_trainer] if lead_trainer else []) + co_trainers)}
    lead = locked_trainers.get(lead_trainer.pk) if lead_trainer else None
    co = [locked_trainers[t.pk] for t in co_trainers]
    _check_trainers(session=locked, lead=lead, co_trainers=co, starts_at=locked.starts_at, ends_at=locked.ends_at)
    _bump(
        TrainingSession,
        pk=locked.pk,
        expected_version=expected_version,
        changes={"lead_trainer": lead, "updated_at": timezone.now()},
    )
    locked.co_trainers.set(co)
    locked.refresh_from_db()
    return locked
