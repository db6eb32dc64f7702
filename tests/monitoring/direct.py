"""The definitions, computed the slow obvious way over raw rows, to compare the pages against."""

import zoneinfo
from collections import Counter

from participants.models import Attendance, AttendanceStatus
from tests.counting import first_attendances


def local_day(a):
    return a.session.starts_at.astimezone(zoneinfo.ZoneInfo(a.session.city.time_zone)).date()


def direct(programme, *, city=None, partner=None, audience=None, date_from=None, date_to=None):
    def keep(session):
        return (
            (city is None or session.city_id == city.pk)
            and (partner is None or session.partner_id == partner.pk)
            and (audience is None or session.audience == audience)
        )

    def keep_day(a):
        day = local_day(a)
        return (date_from is None or day >= date_from) and (date_to is None or day <= date_to)

    first = [a for a in first_attendances(programme).values() if keep(a.session) and keep_day(a)]
    umkm = [a for a in first if a.session.audience == "umkm"]
    pemda = [a for a in first if a.session.audience == "pemda"]
    real = [
        a
        for a in Attendance.objects.filter(session__programme=programme, participant__is_test=False).select_related(
            "session", "session__city", "participant"
        )
        if keep(a.session) and keep_day(a)
    ]
    return {
        "umkm_trained": len(umkm),
        "pemda_trained": len(pemda),
        "umkm_women": sum(a.participant.gender == "female" for a in umkm),
        "pemda_women": sum(a.participant.gender == "female" for a in pemda),
        "umkm_by_city": Counter(a.session.city_id for a in umkm),
        "pemda_by_city": Counter(a.session.city_id for a in pemda),
        "scale": Counter(a.participant.scale for a in umkm),
        "trained_by_sector": Counter(a.participant.sector for a in first),
        "trained_by_gender": Counter(a.participant.gender for a in first),
        "attended_by_social": Counter(a.participant.baseline_social_media for a in real if a.status == AttendanceStatus.ATTENDED),
        "registrations": len(real),
        "attendances": sum(a.status == AttendanceStatus.ATTENDED for a in real),
        "no_shows": sum(a.status == AttendanceStatus.NO_SHOW for a in real),
        "first_ids": {a.participant_id for a in umkm},
    }
