"""Creating participants from the walk-in, self-registration and import forms; a public form never updates one."""

import uuid
from typing import Any

from django.db import transaction
from django.utils import timezone

from sessions_app.models import Audience, TrainingSession
from umkm_program.events import send_on_commit
from users.models import User

from ..consent import CURRENT_CONSENT_VERSION
from ..counting import counts_changed
from ..events import participant_created
from ..models import Attendance, AttendanceStatus, Participant, ParticipantKind, RegistrationSource
from ..selectors import registration_state
from .locks import advisory_lock
from .matching import duplicate_candidates_record, participant_find_matches

PARTICIPANT_FIELDS = (
    "full_name",
    "phone",
    "email",
    "gender",
    "age_band",
    "business_name",
    "agency",
    "sector",
    "scale",
    "nib",
    "baseline_social_media",
    "whatsapp_opt_in",
)


def _kind_for(session: TrainingSession) -> str:
    return ParticipantKind.PEMDA if session.audience == Audience.PEMDA else ParticipantKind.UMKM


def participant_create(
    *, data: dict[str, Any], session: TrainingSession, by: User | None = None, consent_version: str = CURRENT_CONSENT_VERSION
) -> Participant:
    """A new participant in the session's city, with the consent version they agreed to.

    The session's partner registered them first, so the person belongs to that partner (home_partner).
    """
    values = {f: data[f] for f in PARTICIPANT_FIELDS if f in data and data[f] is not None}
    participant = Participant(
        **values,
        city_id=session.city_id,
        home_partner_id=session.partner_id,
        kind=_kind_for(session),
        consent_at=timezone.now() if consent_version else None,
        consent_version=consent_version,
        created_by=by if getattr(by, "is_authenticated", False) else None,
    )
    participant.full_clean(exclude=["city", "created_by", "merged_into"])
    participant.save()
    return participant


class RegistrationClosed(Exception):
    """The session stopped taking registrations (full, over, cancelled, closed) before this one got in."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def participant_register_self(
    *, session: TrainingSession, data: dict[str, Any], client_id: uuid.UUID | str | None, language: str = ""
) -> Attendance:
    """Self-registration through the session's link: registered, not checked in.

    A public form never changes a stored person: a known phone registers that person as stored, and
    whatever was typed differently is kept as a proposed change for staff to accept or reject. The
    caller answers the same way whether the phone was known or not. Concurrent submissions for one
    phone are serialised by an advisory lock on it. The capacity check and the insert happen under a
    row lock on the session, so two people racing for the last place cannot both get it: the loser
    gets RegistrationClosed("full").
    `language` is the page's language; it becomes a new person's message language.
    """
    from .proposals import proposed_change_record

    with transaction.atomic():
        locked = TrainingSession.objects.select_for_update(of=("self",)).get(pk=session.pk)
        existing = Attendance.objects.filter(client_id=client_id).select_related("participant").first()
        if existing:
            return existing
        advisory_lock(key=f"participant-phone:{data['phone']}")
        participant = (
            Participant.objects.filter(phone=data["phone"], merged_into__isnull=True, erased_at__isnull=True)
            .order_by("pk")
            .first()
        )
        if participant:
            already = Attendance.objects.filter(participant=participant, session=locked).first()
            if already:  # registering again is not a new place taken
                proposed_change_record(participant=participant, session=locked, data=data)
                return already
        state = registration_state(session=locked)
        if not state.open:
            raise RegistrationClosed(state.reason)
        if participant:
            proposed_change_record(participant=participant, session=locked, data=data)
        else:
            participant = participant_create(data=data, session=locked)
            # They could not be shown likely matches (other people's data): an admin reviews them instead.
            matches = participant_find_matches(
                city_id=locked.city_id,
                nib=participant.nib,
                full_name=participant.full_name,
                business_name=participant.business_name or participant.agency,
            )
            duplicate_candidates_record(participant=participant, matches=matches)
            send_on_commit(participant_created, sender=Participant, participant_id=participant.pk, language=language)
        attendance, _ = Attendance.objects.get_or_create(
            participant=participant,
            session=locked,
            defaults={"client_id": client_id, "source": RegistrationSource.SELF, "status": AttendanceStatus.REGISTERED},
        )
        counts_changed(session_ids=[locked.pk])  # one more registration in the session's figures
        return attendance
