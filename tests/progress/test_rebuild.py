import datetime as dt
import random
import zoneinfo
from collections import Counter

import pytest
from django.utils import timezone

from cities.models import TimeZone
from participants.models import Attendance, AttendanceStatus, Participant
from progress.models import ProgressSnapshot
from progress.selectors import progress_by_city, progress_total
from progress.services import progress_rebuild, slice_key
from sessions_app.models import SessionStatus
from tests.counting import first_attendances
from tests.factories import CityFactory, ParticipantFactory, PartnerFactory, ProgrammeFactory, TrainingSessionFactory

pytestmark = pytest.mark.django_db


def direct_counts(programme):
    """The definition, computed the slow obvious way over raw rows."""
    first = first_attendances(programme)
    by_city = Counter()
    umkm = pemda = women = 0
    for a in first.values():
        if a.session.audience == "umkm":
            umkm += 1
            by_city[a.session.city_id] += 1
            women += a.participant.gender == "female"
        else:
            pemda += 1
    real = Attendance.objects.filter(session__programme=programme, participant__is_test=False)
    return {
        "umkm_trained": umkm,
        "pemda_trained": pemda,
        "umkm_women": women,
        "by_city": dict(by_city),
        "registrations": real.count(),
        "attendances": real.filter(status=AttendanceStatus.ATTENDED).count(),
        "no_shows": real.filter(status=AttendanceStatus.NO_SHOW).count(),
    }


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_rebuild_equals_a_direct_count_on_random_data(seed):
    rng = random.Random(seed)
    programme = ProgrammeFactory()
    other_programme = ProgrammeFactory()
    cities = [CityFactory(time_zone=TimeZone.WITA), CityFactory(time_zone=TimeZone.WIT)]
    partners = [PartnerFactory(), PartnerFactory()]
    base = dt.datetime(2018, 9, 10, 9, tzinfo=zoneinfo.ZoneInfo("Asia/Makassar"))
    sessions = [
        TrainingSessionFactory(
            programme=rng.choice([programme, programme, other_programme]),
            city=rng.choice(cities),
            partner=rng.choice(partners),
            audience=rng.choice(["umkm", "umkm", "pemda"]),
            starts_at=base + dt.timedelta(hours=rng.randrange(0, 24 * 30)),
            status=rng.choice([SessionStatus.COMPLETED, SessionStatus.SCHEDULED, SessionStatus.CANCELLED]),
        )
        for _ in range(12)
    ]
    people = [
        ParticipantFactory(
            city=rng.choice(cities),
            kind=rng.choice(["umkm", "umkm", "umkm", "pemda"]),
            gender=rng.choice(["female", "male"]),
            scale=rng.choice(["mikro", "kecil", "menengah", ""]),
            is_test=rng.random() < 0.1,
        )
        for _ in range(60)
    ]
    for person in people:
        for session in rng.sample(sessions, rng.randrange(0, 4)):
            status = rng.choice(list(AttendanceStatus.values))
            Attendance.objects.create(
                participant=person,
                session=session,
                status=status,
                checked_in_at=timezone.now() if status == AttendanceStatus.ATTENDED else None,
            )

    progress_rebuild(programme_id=programme.pk)

    expected = direct_counts(programme)
    total = progress_total(programme_id=programme.pk)
    assert total.umkm_trained == expected["umkm_trained"]
    assert total.pemda_trained == expected["pemda_trained"]
    assert total.umkm_women == expected["umkm_women"]
    assert total.registrations == expected["registrations"]
    assert total.attendances == expected["attendances"]
    assert total.no_shows == expected["no_shows"]
    assert total.umkm_mikro + total.umkm_kecil + total.umkm_menengah <= total.umkm_trained
    assert {s.city_id: s.umkm_trained for s in progress_by_city(programme_id=programme.pk) if s.umkm_trained} == expected[
        "by_city"
    ]
    per_day = ProgressSnapshot.objects.filter(programme=programme, city=None, partner=None, audience="", day__isnull=False)
    assert sum(s.umkm_trained for s in per_day) == expected["umkm_trained"]
    assert total.sessions_held + total.sessions_planned + total.sessions_cancelled == programme.sessions.count()


def test_a_umkm_counts_once_at_their_first_attendance():
    programme = ProgrammeFactory()
    city = CityFactory()
    first = TrainingSessionFactory(programme=programme, city=city, starts_at=dt.datetime(2018, 9, 10, 1, tzinfo=dt.UTC))
    later = TrainingSessionFactory(programme=programme, city=city, starts_at=dt.datetime(2018, 9, 12, 1, tzinfo=dt.UTC))
    person = ParticipantFactory(city=city)
    for session in (later, first):
        Attendance.objects.create(participant=person, session=session, status="attended", checked_in_at=timezone.now())

    progress_rebuild(programme_id=programme.pk)

    assert progress_total(programme_id=programme.pk).umkm_trained == 1
    assert progress_total(programme_id=programme.pk).attendances == 2
    day_key = slice_key(day=dt.date(2018, 9, 10))
    assert ProgressSnapshot.objects.get(programme=programme, key=day_key).umkm_trained == 1
    assert not ProgressSnapshot.objects.filter(
        programme=programme, key=slice_key(day=dt.date(2018, 9, 12)), umkm_trained__gt=0
    ).exists()


def test_days_are_counted_in_the_city_time_zone():
    programme = ProgrammeFactory()
    jayapura = CityFactory(name="Jayapura", time_zone=TimeZone.WIT)
    # 16.00 UTC on 9 September is 01.00 WIT on 10 September.
    session = TrainingSessionFactory(programme=programme, city=jayapura, starts_at=dt.datetime(2018, 9, 9, 16, tzinfo=dt.UTC))
    Attendance.objects.create(
        participant=ParticipantFactory(city=jayapura), session=session, status="attended", checked_in_at=timezone.now()
    )

    progress_rebuild(programme_id=programme.pk)

    assert ProgressSnapshot.objects.get(programme=programme, key=slice_key(day=dt.date(2018, 9, 10))).umkm_trained == 1


def test_registration_without_attendance_and_test_data_do_not_count():
    programme = ProgrammeFactory()
    session = TrainingSessionFactory(programme=programme)
    Attendance.objects.create(participant=ParticipantFactory(), session=session, status="registered")
    Attendance.objects.create(
        participant=ParticipantFactory(is_test=True), session=session, status="attended", checked_in_at=timezone.now()
    )

    progress_rebuild(programme_id=programme.pk)

    total = progress_total(programme_id=programme.pk)
    assert total.umkm_trained == 0
    assert total.registrations == 1
    assert Participant.objects.count() == 2
