"""Applying a phone's offline queue: each action in its own transaction, with the online flow's rules, one receipt each.

A receipt is what lets the phone drop an action from its queue: applied, already applied,
merged into an existing person, or refused with a reason. The client id makes every action
idempotent: a replayed action gets the receipt it got the first time and changes nothing.
"""

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from participants.checkin_access import checkin_target, session_day
from participants.forms import ParticipantForm
from participants.models import Attendance, MatchReason, Participant
from participants.services.checkin import (
    attendance_check_in,
    attendance_check_in_matched,
    attendance_undo_check_in,
    participant_walk_in,
)
from participants.services.locks import advisory_lock
from participants.services.matching import participant_find_matches
from sessions_app.models import Audience, TrainingSession
from users.models import User
from users.scoping import participants_for, sessions_for

from .models import SyncedAction, SyncKind, SyncOutcome

# The phone's clock may run ahead of the server's by this much before it counts as wrong.
CLOCK_SLACK = dt.timedelta(minutes=5)
WALK_IN_FIELDS = frozenset(ParticipantForm.Meta.fields) | {"consent"}


@dataclass
class Receipt:
    client_id: str
    outcome: str
    kind: str = ""
    session: int | None = None
    participant: int | None = None
    reason: str = ""
    message: str = ""
    errors: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v not in (None, "", {}) or k in ("client_id", "outcome")}


class Refused(Exception):
    """`reason` goes back to the phone; `kept` (no personal data: form errors may quote what was typed) is stored."""

    def __init__(self, reason: str, errors: dict | None = None, kept: str = ""):
        super().__init__(reason)
        self.reason = reason
        self.errors = errors or {}
        self.kept = kept or reason


def attendance_time(*, session: TrainingSession, device_at: dt.datetime | None, now: dt.datetime | None = None) -> dt.datetime:
    """When an offline check-in happened: the phone's clock if it is believable, never outside the session's day.

    A phone clock in the future, or outside the session's day in its city's zone, is not believed:
    the server's time is used while the day lasts, otherwise the session's start or end.
    """
    now = now or timezone.now()
    day_start, day_end = session_day(session)
    if device_at is not None and day_start <= device_at < day_end and device_at <= now + CLOCK_SLACK:
        return min(device_at, now)
    if day_start <= now < day_end:
        return now
    return session.ends_at if now >= day_end else session.starts_at


def offline_actions_apply(*, user: User, actions: list[Any], device: str = "", language: str = "") -> list[Receipt]:
    """Apply a batch from one phone's queue, in order, each on its own: a refusal never stops the rest."""
    return [offline_action_apply(user=user, action=action, device=device, language=language) for action in actions]


def offline_action_apply(*, user: User, action: Any, device: str = "", language: str = "") -> Receipt:
    client_id = _client_id(action)
    if client_id is None:
        raw = str(action.get("client_id", ""))[:64] if isinstance(action, dict) else ""
        return Receipt(raw, SyncOutcome.REFUSED, reason=_("This action has no valid id; it cannot be sent."))
    kind = action.get("kind") if action.get("kind") in SyncKind.values else ""
    with transaction.atomic():
        advisory_lock(key=f"offline-action:{client_id}")
        done = SyncedAction.objects.filter(client_id=client_id).first()
        if done is not None:
            return _replayed(done, user)
        device_at = _device_time(action.get("device_at"))
        try:
            session = _session(user, action.get("session"))
            outcome, participant, message, at = _apply(
                user=user,
                session=session,
                kind=kind,
                action=action,
                client_id=client_id,
                device=device,
                device_at=device_at,
                language=language,
            )
        except Refused as refused:
            # the refusal is kept too, so a replay gets the same answer and nothing half-done remains
            session_id = action.get("session") if isinstance(action.get("session"), int) else None
            SyncedAction.objects.create(
                client_id=client_id,
                user=user,
                session_id=session_id if TrainingSession.objects.filter(pk=session_id).exists() else None,  # type: ignore[misc]  # session_id is checked by the caller
                kind=kind,
                outcome=SyncOutcome.REFUSED,
                reason=refused.kept[:300],
                device_at=device_at,
            )
            return Receipt(str(client_id), SyncOutcome.REFUSED, kind, session_id, reason=refused.reason, errors=refused.errors)
        SyncedAction.objects.create(
            client_id=client_id,
            user=user,
            session=session,
            participant=participant,
            kind=kind,
            outcome=outcome,
            device_at=device_at,
            applied_at=at,
        )
    return Receipt(str(client_id), outcome, kind, session.pk, getattr(participant, "pk", None), message=message)


def _client_id(action: Any) -> uuid.UUID | None:
    if not isinstance(action, dict):
        return None
    try:
        return uuid.UUID(str(action.get("client_id", "")))
    except ValueError:
        return None


def _device_time(value: Any) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = parse_datetime(value)
    except ValueError:
        return None
    if moment is None or timezone.is_naive(moment):
        return None
    return moment


def _session(user: User, session_id: Any) -> TrainingSession:
    """Only sessions the user runs (users/scoping.py): for a trainer, their own."""
    if not isinstance(session_id, int) or isinstance(session_id, bool):
        raise Refused(_("This action does not say which session it belongs to."))
    session: TrainingSession | None = sessions_for(user).select_related("city").filter(pk=session_id).first()
    if session is None:
        raise Refused(_("This session is not one of yours."))
    return session


# What applying one action gives: its outcome, the person, the message for the phone and the time it checked in.
Applied = tuple[str, Participant | None, str, dt.datetime | None]


def _apply(
    *,
    user: User,
    session: TrainingSession,
    kind: str,
    action: dict[str, Any],
    client_id: uuid.UUID,
    device: str,
    device_at: dt.datetime | None,
    language: str = "",
) -> Applied:
    if kind == SyncKind.CHECK_IN:
        return _check_in(
            user=user,
            session=session,
            participant_id=action.get("participant"),
            device=device,
            device_at=device_at,
            client_id=client_id,
        )
    if kind == SyncKind.UNDO:
        return _undo(user=user, session=session, participant_id=action.get("participant"))
    if kind == SyncKind.WALK_IN:
        return _walk_in(
            user=user,
            session=session,
            data=action.get("data"),
            device=device,
            device_at=device_at,
            client_id=client_id,
            language=language,
        )
    raise Refused(_("This kind of action is not known."))


def _check_in(
    *,
    user: User,
    session: TrainingSession,
    participant_id: Any,
    device: str,
    device_at: dt.datetime | None,
    client_id: uuid.UUID,
) -> Applied:
    if not isinstance(participant_id, int) or isinstance(participant_id, bool):
        raise Refused(_("That check-in could not be read. Search for the person again."))
    participant, guest = checkin_target(user=user, session=session, participant_id=participant_id)
    if participant is None:
        raise Refused(_("That person is not in your sessions or this city."))
    at = attendance_time(session=session, device_at=device_at)
    try:
        result = attendance_check_in(session=session, participant=participant, by=user, client_id=client_id, device=device, at=at)
    except ValidationError as exc:
        raise Refused(" ".join(exc.messages)) from exc
    if not result.checked_in_now:
        return (
            SyncOutcome.ALREADY_APPLIED,
            participant,
            _("%(name)s was already checked in.") % {"name": participant.full_name},
            None,
        )
    return SyncOutcome.APPLIED, participant, _("%(name)s is checked in.") % {"name": participant.full_name}, at


def _undo(*, user: User, session: TrainingSession, participant_id: Any) -> Applied:
    if not isinstance(participant_id, int) or isinstance(participant_id, bool):
        raise Refused(_("That check-in could not be read. Search for the person again."))
    attendance = Attendance.objects.filter(session=session, participant_id=participant_id).select_related("participant").first()
    if attendance is None:
        raise Refused(_("That person is not on this session's list."))
    participant = attendance.participant
    try:
        undone = attendance_undo_check_in(session=session, participant=participant, by=user)
    except ValidationError as exc:
        raise Refused(" ".join(exc.messages)) from exc
    name = participant.full_name
    if not undone:
        return SyncOutcome.ALREADY_APPLIED, participant, _("%(name)s was not checked in.") % {"name": name}, None
    if not Attendance.objects.filter(pk=attendance.pk).exists():  # a guest: the check-in was all that put them here
        return (
            SyncOutcome.APPLIED,
            participant,
            _("Check-in of %(name)s is undone; they are no longer on this session's list.") % {"name": name},
            None,
        )
    return SyncOutcome.APPLIED, participant, _("Check-in of %(name)s is undone.") % {"name": name}, None


def _walk_in(
    *,
    user: User,
    session: TrainingSession,
    data: Any,
    device: str,
    device_at: dt.datetime | None,
    client_id: uuid.UUID,
    language: str = "",
) -> Applied:
    """A walk-in typed offline: the walk-in form's rules; a known phone (any format) checks in that person instead."""
    if not isinstance(data, dict) or not set(data) <= WALK_IN_FIELDS:
        raise Refused(_("This walk-in could not be read. Add the person again."))
    values = {k: v for k, v in data.items() if isinstance(v, (str, bool))}
    form = ParticipantForm({**values, "client_id": str(client_id)}, pemda=session.audience == Audience.PEMDA)
    if not form.is_valid():
        errors = {name: [str(e) for e in errs] for name, errs in form.errors.items()}
        first = next(iter(errors.values()))[0] if errors else ""
        problem = _("The walk-in form is not complete: %(problem)s") % {"problem": first}
        raise Refused(problem, errors=errors, kept=_("The walk-in form is not complete."))
    fields = form.participant_data()
    matches = participant_find_matches(
        city_id=session.city_id,
        phone=fields["phone"],
        nib=fields.get("nib", ""),
        full_name=fields["full_name"],
        business_name=fields.get("business_name") or fields.get("agency", ""),
    )
    at = attendance_time(session=session, device_at=device_at)
    known = [m for m in matches if m.reason in ("phone", "nib")]
    try:
        if known:
            return _merge_into_known(
                user=user, session=session, person=known[0].participant, device=device, client_id=client_id, at=at
            )
        result = participant_walk_in(
            session=session,
            data=fields,
            by=user,
            client_id=client_id,
            device=device,
            uncertain_matches=matches,
            language=language,
            at=at,
        )
    except ValidationError as exc:
        raise Refused(" ".join(exc.messages)) from exc
    person = result.attendance.participant
    return SyncOutcome.APPLIED, person, _("%(name)s is added and checked in.") % {"name": person.full_name}, at


def _merge_into_known(
    *, user: User, session: TrainingSession, person: Participant, device: str, client_id: uuid.UUID, at: dt.datetime
) -> Applied:
    """The same phone or NIB is the same person: check them in rather than make a second record.

    Someone of another partner is checked in as a match the trainer met in person (audited, opens
    only this attendance); what the phone typed is not written over the stored record.
    """
    in_scope = (
        participants_for(user).filter(pk=person.pk).exists()
        or Attendance.objects.filter(session=session, participant=person).exists()
    )
    if in_scope:
        result = attendance_check_in(session=session, participant=person, by=user, client_id=client_id, device=device, at=at)
        name = person.full_name
    else:
        result = attendance_check_in_matched(
            session=session, participant=person, by=user, client_id=client_id, reason=MatchReason.PRESENT, device=device, at=at
        )
        name = _("a person registered by another partner")
    message = _("Already registered: %(name)s is checked in.") % {"name": name}
    return SyncOutcome.MERGED, person, message, at if result.checked_in_now else None


def _replayed(done: SyncedAction, user: User) -> Receipt:
    """The receipt for an action seen before: nothing is applied again."""
    outcome = done.outcome if done.outcome == SyncOutcome.REFUSED else SyncOutcome.ALREADY_APPLIED
    message = _("Already sent earlier; nothing changed.")
    return Receipt(
        str(done.client_id), outcome, done.kind, done.session_id, done.participant_id, reason=done.reason, message=message
    )
