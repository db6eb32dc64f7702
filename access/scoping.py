"""The one place that decides which rows a user may see.

Every page, export and API builds its querysets here, so scoping by role and
partner is enforced once rather than remembered view by view. Anything not
explicitly allowed is empty.

Apps below `access` (partners, sessions_app, participants, invitations) call these rules
through `users/scoping.py`, the interface this module is registered into by
AccessConfig.ready(); apps above (monitoring) may import this module directly.
"""

from django.db.models import BooleanField, Exists, OuterRef, Q, QuerySet, Value

from cities.models import City, CityTarget, Programme
from invitations.models import Invitation
from participants.models import Attendance, DuplicateCandidate, Participant, ParticipantImport, ProposedChange
from partners.models import Partner, Trainer
from sessions_app.models import Roadshow, TrainingSession
from users.models import Role, User
from users.roles import role_of

ADMIN = Role.PROGRAMME_ADMIN
COORDINATOR = Role.PARTNER_COORDINATOR
TRAINER = Role.TRAINER
POLICY = Role.POLICY_VIEWER
KSP = Role.KSP_MONITOR


def may_see_personal_data(user: User) -> bool:
    """KSP monitors never see personal data; policy viewers only when an admin grants it."""
    role = role_of(user)
    if role in (ADMIN, COORDINATOR, TRAINER):
        return True
    if role == POLICY:
        return bool(user.can_see_personal_data)
    return False


def may_handle_data_requests(user: User) -> bool:
    """Personal-data export and erasure on a person's request (UU 27/2022): programme admins only."""
    return role_of(user) == ADMIN


def may_see_programme_aggregates(user: User) -> bool:
    """Programme-wide roll-ups (every city and partner): admins, policy viewers and KSP monitors."""
    return role_of(user) in (ADMIN, POLICY, KSP)


def may_drill_down(user: User) -> bool:
    """Lists of the people behind an aggregate: admins, and policy viewers granted personal data. Never KSP."""
    return role_of(user) in (ADMIN, POLICY) and may_see_personal_data(user)


def may_list_sessions(user: User) -> bool:
    """Lists of the sessions behind a session figure (no personal data): admins and policy viewers. Never KSP."""
    return role_of(user) in (ADMIN, POLICY)


def sees_every_participant(user: User) -> bool:
    """True when participants_for(user) is every participant, so a query may skip that filter."""
    return role_of(user) in (ADMIN, POLICY) and may_see_personal_data(user)


def _trainer_session_filter(user: User) -> Q:
    return Q(lead_trainer__user=user) | Q(co_trainers__user=user)


def programmes_for(user: User) -> QuerySet[Programme]:
    return Programme.objects.all() if role_of(user) else Programme.objects.none()


def cities_for(user: User) -> QuerySet[City]:
    return City.objects.all() if role_of(user) else City.objects.none()


def city_targets_for(user: User) -> QuerySet[CityTarget]:
    return CityTarget.objects.all() if role_of(user) else CityTarget.objects.none()


def partners_for(user: User) -> QuerySet[Partner]:
    role = role_of(user)
    if role in (ADMIN, POLICY, KSP):
        return Partner.objects.all()
    if role in (COORDINATOR, TRAINER):
        return Partner.objects.filter(pk=user.partner_id)  # type: ignore[misc]
    return Partner.objects.none()


def trainers_for(user: User) -> QuerySet[Trainer]:
    role = role_of(user)
    if role in (ADMIN, POLICY):
        return Trainer.objects.all()
    if role == COORDINATOR:
        return Trainer.objects.filter(partner_id=user.partner_id)  # type: ignore[misc]
    if role == TRAINER:
        return Trainer.objects.filter(user=user)
    return Trainer.objects.none()


def roadshows_for(user: User) -> QuerySet[Roadshow]:
    role = role_of(user)
    if role in (ADMIN, POLICY, KSP):
        return Roadshow.objects.all()
    if role == COORDINATOR:
        return Roadshow.objects.filter(partner_id=user.partner_id)  # type: ignore[misc]
    if role == TRAINER:
        session_roadshows = TrainingSession.objects.filter(_trainer_session_filter(user)).values("roadshow_id")
        return Roadshow.objects.filter(pk__in=session_roadshows)
    return Roadshow.objects.none()


def sees_every_session(user: User) -> bool:
    """True when sessions_for(user) is every session, so a count may come from the session roll-ups."""
    return role_of(user) in (ADMIN, POLICY, KSP)


def sessions_for(user: User) -> QuerySet[TrainingSession]:
    role = role_of(user)
    if sees_every_session(user):
        return TrainingSession.objects.all()
    if role == COORDINATOR:
        return TrainingSession.objects.filter(partner_id=user.partner_id)  # type: ignore[misc]
    if role == TRAINER:
        ids = TrainingSession.objects.filter(_trainer_session_filter(user)).values("pk")
        return TrainingSession.objects.filter(pk__in=ids)
    return TrainingSession.objects.none()


def attendances_for(user: User) -> QuerySet[Attendance]:
    role = role_of(user)
    if not may_see_personal_data(user):
        return Attendance.objects.none()
    if role in (ADMIN, POLICY):
        return Attendance.objects.all()
    return Attendance.objects.filter(session__in=sessions_for(user).values("pk"))


def participants_for(user: User) -> QuerySet[Participant]:
    """People whose records the user may open: never widened by someone attending one's session.

    A person belongs to the partner that registered them first (Participant.home_partner).
    Coordinators see their partner's people; trainers those of their partner who are in their own
    sessions. Checking in someone of another partner puts them on that session's roster
    (attendances_for) but opens nothing else about them. Anyone sees the records they created.
    """
    role = role_of(user)
    if not may_see_personal_data(user):
        return Participant.objects.none()
    if role in (ADMIN, POLICY):
        return Participant.objects.all()
    if not user.partner_id:  # never let "no partner" match the people without one
        return Participant.objects.filter(created_by=user)
    if role == COORDINATOR:
        return Participant.objects.filter(Q(home_partner_id=user.partner_id) | Q(created_by=user))
    if role == TRAINER:
        # Correlated (EXISTS per person) rather than `pk IN (everyone in my sessions)`: callers narrow the people
        # first (one id, a search's matches), and at 1,000,000 participants a busy trainer's sessions hold 100,000
        # attendances, which the IN form hashed on every request (2-3 s per search; docs/benchmarks.md, issue 16).
        in_my_sessions = Exists(
            Attendance.objects.filter(participant_id=OuterRef("pk"), session__in=sessions_for(user).values("pk"))
        )
        return Participant.objects.filter(Q(in_my_sessions, home_partner_id=user.partner_id) | Q(created_by=user))
    return Participant.objects.none()


def attendance_participant_visible(user: User):
    """An annotation for attendance rows: may the user see more of this row's person than the name?

    False for a guest of another partner on one's roster: the row is theirs to see, the person's
    contact details are not.
    """
    if sees_every_participant(user):
        return Value(True, output_field=BooleanField())
    return Exists(participants_for(user).filter(pk=OuterRef("participant_id")))


def invitations_for(user: User) -> QuerySet[Invitation]:
    role = role_of(user)
    if role == ADMIN:
        return Invitation.objects.all()
    if role == COORDINATOR:
        return Invitation.objects.filter(partner_id=user.partner_id, role=TRAINER)  # type: ignore[misc]
    return Invitation.objects.none()


def participant_imports_for(user: User) -> QuerySet[ParticipantImport]:
    """Uploaded lists hold personal data: admins see all, coordinators and trainers their own uploads."""
    role = role_of(user)
    if role == ADMIN:
        return ParticipantImport.objects.all()
    if role in (COORDINATOR, TRAINER):
        return ParticipantImport.objects.filter(created_by=user)
    return ParticipantImport.objects.none()


def duplicate_candidates_for(user: User) -> QuerySet[DuplicateCandidate]:
    """The merge queue compares people across partners: programme admins only."""
    return DuplicateCandidate.objects.all() if role_of(user) == ADMIN else DuplicateCandidate.objects.none()


def proposed_changes_for(user: User) -> QuerySet[ProposedChange]:
    """Changes proposed through public forms: admins, and coordinators for the people they may see (never trainers)."""
    role = role_of(user)
    if role == ADMIN:
        return ProposedChange.objects.all()
    if role == COORDINATOR:
        return ProposedChange.objects.filter(participant__in=participants_for(user).values("pk"))
    return ProposedChange.objects.none()


_BY_MODEL = {
    ProposedChange: proposed_changes_for,
    ParticipantImport: participant_imports_for,
    DuplicateCandidate: duplicate_candidates_for,
    Programme: programmes_for,
    City: cities_for,
    CityTarget: city_targets_for,
    Partner: partners_for,
    Trainer: trainers_for,
    Roadshow: roadshows_for,
    TrainingSession: sessions_for,
    Attendance: attendances_for,
    Participant: participants_for,
    Invitation: invitations_for,
}


def scoped(user: User, model) -> QuerySet:
    """The queryset of `model` that `user` may see."""
    try:
        return _BY_MODEL[model](user)
    except KeyError:
        raise LookupError(f"No scoping rule for {model.__name__}: add one to access/scoping.py") from None
