"""Retention: personal data is kept for a set time after the programmes a person took part in.

A participant is due when every programme they have an attendance in has a retention period
(Programme.personal_data_retention_days) and ended longer ago than it; a programme without one
keeps its participants. Erasure is the same as on request (privacy.participant_erase, reason
"retention"), so the counts stay. Uploaded lists' rows and previews are dropped after
RETENTION_IMPORT_ROWS_DAYS whatever the programme. `retention_report` is the dry run an admin
reads before setting a period; the periodic task does the rest in batches.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from cities.models import Programme

from ..models import Attendance, ErasureReason, ImportStatus, Participant, ParticipantImport
from .privacy import participant_erase


@dataclass(frozen=True)
class ProgrammeRetention:
    programme: Programme
    erase_after: dt.date | None  # None: no period set, nothing erased automatically
    due: bool


def programme_retention(*, today: dt.date | None = None) -> list[ProgrammeRetention]:
    today = today or timezone.localdate()
    found = []
    for programme in Programme.objects.order_by("ends_on", "pk"):
        days = programme.personal_data_retention_days
        erase_after = programme.ends_on + dt.timedelta(days=days) if days is not None else None
        found.append(ProgrammeRetention(programme, erase_after, erase_after is not None and erase_after < today))
    return found


def participants_due_for_erasure(*, today: dt.date | None = None) -> QuerySet[Participant]:
    """Not yet erased, not merged away, attended something, and every programme of theirs is past its period."""
    retention = programme_retention(today=today)
    due = [r.programme.pk for r in retention if r.due]
    if not due:
        return Participant.objects.none()
    keeping = Attendance.objects.filter(participant=OuterRef("pk")).exclude(session__programme_id__in=due)
    return (
        Participant.objects.filter(erased_at__isnull=True, merged_into__isnull=True)
        .filter(Exists(Attendance.objects.filter(participant=OuterRef("pk"), session__programme_id__in=due)))
        .exclude(Exists(keeping))
        .order_by("pk")
    )


def retention_report(*, today: dt.date | None = None) -> dict:
    """What the retention job would do today, without doing it: per programme, and in total."""
    today = today or timezone.localdate()
    import_cutoff = timezone.now() - dt.timedelta(days=settings.RETENTION_IMPORT_ROWS_DAYS)
    return {
        "today": today,
        "programmes": programme_retention(today=today),
        "participants_due": participants_due_for_erasure(today=today).count(),
        "import_files_due": _imports_due(import_cutoff).count(),
        "import_rows_days": settings.RETENTION_IMPORT_ROWS_DAYS,
    }


def _imports_due(cutoff: dt.datetime) -> QuerySet[ParticipantImport]:
    return (
        ParticipantImport.objects.filter(created_at__lt=cutoff).exclude(status=ImportStatus.RUNNING).exclude(rows=[], preview=[])
    )


def retention_erase_due(*, today: dt.date | None = None, limit: int = 200) -> int:
    """Erase up to `limit` due participants (each in its own transaction); returns how many were erased."""
    erased = 0
    for participant in participants_due_for_erasure(today=today)[:limit]:
        if participant_erase(participant=participant, by=None, reason=ErasureReason.RETENTION, reference="retention"):
            erased += 1
    return erased


def import_rows_drop_old(*, now: dt.datetime | None = None) -> int:
    """Uploaded lists older than RETENTION_IMPORT_ROWS_DAYS lose their rows and preview; the counts stay."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.RETENTION_IMPORT_ROWS_DAYS)
    due = _imports_due(cutoff)
    # a preview never confirmed imported nothing: it goes whole (nothing counts on it)
    stale_previews, _by_model = due.filter(status=ImportStatus.PREVIEW).delete()
    return stale_previews + due.update(rows=[], preview=[], failure="")
