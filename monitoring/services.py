"""Writes of the monitoring app: rebuilding its roll-ups, issuing API tokens.

The roll-ups follow the rules of progress/counting.py (a person counts once,
at their first attendance of a session for their audience; test records never
count; merged-away duplicates are not people) and add the participant traits
the policy charts need (gender, sector, baseline social-media use) and
per-session fill. Two grouped queries per programme, then arithmetic on
per-session facts.
"""

import hashlib
import secrets
from collections import defaultdict

from django.db import connection, transaction
from django.utils import timezone

from cities.timezones import zone_date
from participants.models import AttendanceStatus
from progress.counting import counted_attendances_sql
from sessions_app.models import TrainingSession
from users.access import user_has_access

from .models import ApiToken, Dimension, DimensionRollup, SessionRollup, TrainedPerson

_STATES_SQL = """
SELECT a.session_id, a.status, p.gender, p.sector, p.baseline_social_media, COUNT(*)
FROM participants_attendance a
JOIN sessions_app_trainingsession s ON s.id = a.session_id
JOIN participants_participant p ON p.id = a.participant_id
WHERE s.programme_id = %s AND p.is_test = %s
GROUP BY a.session_id, a.status, p.gender, p.sector, p.baseline_social_media
"""

_TRAINED_PEOPLE_INSERT = """
INSERT INTO monitoring_trainedperson
    (programme_id, participant_id, attendance_id, session_id, city_id, partner_id, audience, is_woman, starts_at)
SELECT %s, participant_id, id, session_id, city_id, partner_id, audience, gender = 'female', starts_at FROM ({counted}) counted
"""
_TRAINED_PEOPLE_COLUMNS = (
    "a.id",
    "a.participant_id",
    "a.session_id",
    "s.city_id",
    "s.partner_id",
    "s.audience",
    "s.starts_at",
    "p.gender",
)
_TRAIT_COLUMNS = ("a.session_id", "p.gender", "p.sector", "p.baseline_social_media")

DIMENSION_FIELDS = (Dimension.GENDER, Dimension.SECTOR, Dimension.SOCIAL_MEDIA)


def monitoring_rebuild(*, programme_id: int) -> int:
    """Recompute the dimension, session and trained-people roll-ups of a programme; returns how many rows were written.

    Readers see the old or the new figures, never a mix: the swap is one transaction.
    """
    sessions = {}
    for pk, city_id, partner_id, audience, starts_at, tz in TrainingSession.objects.filter(programme_id=programme_id).values_list(
        "pk", "city_id", "partner_id", "audience", "starts_at", "city__time_zone"
    ):
        sessions[pk] = (city_id, partner_id, audience, zone_date(starts_at, tz))

    per_session: dict[int, dict[str, int]] = {pk: {"registrations": 0, "attended": 0, "no_shows": 0} for pk in sessions}
    # (city, partner, audience, day, dimension, value) -> [trained, attended]
    cells: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    with connection.cursor() as cursor:
        cursor.execute(_STATES_SQL, [programme_id, False])
        for session_id, status, *traits, n in cursor.fetchall():
            counts = per_session[session_id]
            counts["registrations"] += n
            if status == AttendanceStatus.NO_SHOW:
                counts["no_shows"] += n
            elif status == AttendanceStatus.ATTENDED:
                counts["attended"] += n
                for dimension, value in zip(DIMENSION_FIELDS, traits, strict=True):
                    cells[(*sessions[session_id], dimension, value or "")][1] += n
        counted, params = counted_attendances_sql(programme_id=programme_id, columns=_TRAIT_COLUMNS)
        cursor.execute(
            f"WITH counted AS ({counted}) SELECT session_id, gender, sector, baseline_social_media, COUNT(*) FROM counted "
            "GROUP BY session_id, gender, sector, baseline_social_media",
            params,
        )
        for session_id, *traits, n in cursor.fetchall():
            for dimension, value in zip(DIMENSION_FIELDS, traits, strict=True):
                cells[(*sessions[session_id], dimension, value or "")][0] += n

    now = timezone.now()
    dimension_rows = [
        DimensionRollup(
            programme_id=programme_id,
            city_id=city_id,
            partner_id=partner_id,
            audience=audience,
            day=day,
            dimension=dimension,
            value=value,
            trained=trained,
            attended=attended,
            computed_at=now,
        )
        for (city_id, partner_id, audience, day, dimension, value), (trained, attended) in cells.items()
    ]
    session_rows = [
        SessionRollup(session_id=pk, programme_id=programme_id, computed_at=now, **counts) for pk, counts in per_session.items()
    ]
    with transaction.atomic():
        DimensionRollup.objects.filter(programme_id=programme_id).delete()
        SessionRollup.objects.filter(programme_id=programme_id).delete()
        DimensionRollup.objects.bulk_create(dimension_rows, batch_size=2_000)
        SessionRollup.objects.bulk_create(session_rows, batch_size=2_000)
        TrainedPerson.objects.filter(programme_id=programme_id).delete()
        with connection.cursor() as cursor:
            counted, params = counted_attendances_sql(programme_id=programme_id, columns=_TRAINED_PEOPLE_COLUMNS)
            cursor.execute(_TRAINED_PEOPLE_INSERT.format(counted=counted), [programme_id, *params])
            people = cursor.rowcount
            # A fresh table of a million rows has no statistics until autovacuum gets to it; plan with real ones.
            if connection.vendor == "postgresql":
                cursor.execute("ANALYZE monitoring_trainedperson")
    return len(dimension_rows) + len(session_rows) + people


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def api_token_create(*, user, name: str) -> tuple[ApiToken, str]:
    """Issue a token for `user`; returns the row and the key, which is not stored and cannot be shown again."""
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, key_digest=_digest(key), prefix=key[:8])
    return token, key


def api_token_revoke(*, token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk, revoked_at=None).update(revoked_at=timezone.now())


def api_token_user(*, key: str):
    """The user behind a key, or None; a deactivated user, a removed role or an inactive trainer has none."""
    token = ApiToken.objects.filter(key_digest=_digest(key), revoked_at=None).select_related("user", "user__trainer").first()
    return token.user if token and user_has_access(token.user) else None
