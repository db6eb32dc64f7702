"""Who counts as trained, computed the slow obvious way over raw rows: the reference the roll-ups are compared to."""

from participants.models import Attendance, AttendanceStatus


def first_attendances(programme):
    """participant id -> the attendance at which they count (first attended session for their audience)."""
    attended = (
        Attendance.objects.filter(session__programme=programme, status=AttendanceStatus.ATTENDED)
        .select_related("session", "session__city", "participant")
        .order_by("session__starts_at", "pk")
    )
    first = {}
    for a in attended:
        p = a.participant
        if p.is_test or p.merged_into_id or p.kind != a.session.audience:
            continue
        first.setdefault(p.pk, a)
    return first
