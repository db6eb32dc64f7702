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


def direct_slices(programme):
    """Every roll-up slice of the programme, computed the slow obvious way from raw rows: key -> metrics."""
    import zoneinfo
    from collections import defaultdict

    from progress.figures import METRICS
    from progress.services import slice_key

    first = first_attendances(programme)
    slices = defaultdict(lambda: dict.fromkeys(METRICS, 0))
    slices[slice_key()] = dict.fromkeys(METRICS, 0)  # the programme total exists even when empty
    for s in programme.sessions.select_related("city"):
        day = s.starts_at.astimezone(zoneinfo.ZoneInfo(s.city.time_zone)).date()
        counts = dict.fromkeys(METRICS, 0)
        real = [a for a in s.attendances.select_related("participant") if not a.participant.is_test]
        counts["registrations"] = len(real)
        counts["attendances"] = sum(a.status == "attended" for a in real)
        counts["no_shows"] = sum(a.status == "no_show" for a in real)
        state = (
            "cancelled"
            if s.status == "cancelled"
            else ("held" if s.status == "completed" or s.attendance_closed_at else "planned")
        )
        counts[f"sessions_{state}"] = 1
        for a in first.values():
            if a.session_id == s.pk:
                prefix = "umkm" if s.audience == "umkm" else "pemda"
                counts[f"{prefix}_trained"] += 1
                counts[f"{prefix}_women"] += a.participant.gender == "female"
                if prefix == "umkm" and a.participant.scale:
                    counts[f"umkm_{a.participant.scale}"] += 1
        for city in (s.city_id, None):
            for partner in (s.partner_id, None):
                for audience in (s.audience, ""):
                    for d in (day, None):
                        target = slices[slice_key(city_id=city, partner_id=partner, audience=audience, day=d)]
                        for name, value in counts.items():
                            target[name] += value
    return dict(slices)


def stored_slices(programme):
    from progress.figures import METRICS
    from progress.models import ProgressSnapshot

    return {s.key: {m: getattr(s, m) for m in METRICS} for s in ProgressSnapshot.objects.filter(programme=programme)}
