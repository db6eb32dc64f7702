"""Reads: which certificates a user may see (through users/scoping.py), and public look-ups by number or key."""

from django.db.models import Count, Q, QuerySet

from participants.models import AttendanceStatus
from sessions_app.models import TrainingSession
from users.areas import Area, may_open
from users.models import User
from users.scoping import sessions_for

from .models import Certificate
from .numbers import number_normalise


def may_handle_certificates(user: User) -> bool:
    """The people who run sessions (users/areas.py): names are personal data, so only roles that may see it; a
    trainer sees their own sessions only (sessions_for)."""
    return may_open(user, Area.CERTIFICATES)


def may_revoke_certificates(user: User) -> bool:
    return may_open(user, Area.CERTIFICATE_REVOKE)


def certificate_sessions_for(user: User) -> QuerySet[TrainingSession]:
    if not may_handle_certificates(user):
        return TrainingSession.objects.none()
    return sessions_for(user)


def certificates_for(user: User) -> QuerySet[Certificate]:
    if not may_handle_certificates(user):
        return Certificate.objects.none()
    return Certificate.objects.filter(session__in=sessions_for(user).values("pk"))


def session_certificates(*, session: TrainingSession) -> list[Certificate]:
    return list(Certificate.objects.filter(session=session).order_by("name", "pk"))


def session_valid_certificates(*, session: TrainingSession) -> QuerySet[Certificate]:
    return Certificate.objects.filter(session=session, status="valid").order_by("name", "pk")


def session_attendance_counts(*, session: TrainingSession) -> dict:
    return session.attendances.aggregate(
        attended=Count("pk", filter=Q(status=AttendanceStatus.ATTENDED)),
        not_attended=Count("pk", filter=~Q(status=AttendanceStatus.ATTENDED)),
    )


def certificate_by_number(typed: str) -> Certificate | None:
    number = number_normalise(typed)
    if number is None:
        return None
    return Certificate.objects.select_related("session__city", "replaced_by").filter(number=number).first()


def certificate_by_download_token(token: str) -> Certificate | None:
    return Certificate.objects.select_related("session__city").filter(download_token=token).first()


def certificates_personal_data(*, participant_ids: list[int]) -> dict:
    """The person's certificates for their personal-data export (UU 27/2022): what is printed on them."""
    rows = Certificate.objects.filter(participant_id__in=participant_ids).select_related("session").order_by("issued_at", "pk")
    return {
        "certificates": [
            {
                "number": c.number,
                "name": c.name,
                "session_id": c.session_id,
                "session": c.session.title,
                "status": c.status,
                "version": c.version,
                "issued_at": c.issued_at.isoformat(),
            }
            for c in rows
        ]
    }
