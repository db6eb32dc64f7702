import datetime as dt
import random
import zoneinfo
from dataclasses import dataclass

import pytest
from django.utils import timezone

from cities.models import TimeZone
from core.demo_rows import participant_kwargs
from participants.models import AttendanceStatus
from progress.services import progress_rebuild
from sessions_app.models import SessionStatus
from tests.factories import (
    AttendanceFactory,
    CityFactory,
    CityTargetFactory,
    ParticipantFactory,
    PartnerFactory,
    ProgrammeFactory,
    TrainerFactory,
    TrainingSessionFactory,
)


@dataclass
class World:
    programme: object
    other: object
    cities: list
    partners: list
    sessions: list
    people: list


def build_world(*, seed: int, people: int, sessions: int) -> World:
    """Random programme data with noise: another programme, test records, merged duplicates, pemda, all states."""
    rng = random.Random(seed)
    programme = ProgrammeFactory(starts_on=dt.date(2018, 8, 14), ends_on=dt.date(2019, 8, 13), umkm_target=400, pemda_target=40)
    other = ProgrammeFactory(umkm_target=100)  # smaller than `programme`, so the pages open on `programme` by default
    cities = [
        CityFactory(
            name=f"Kota Acak {seed}-{i}", province=f"Provinsi {i % 2}", time_zone=tz, latitude=-5 + i, longitude=119 + 3 * i
        )
        for i, tz in enumerate([TimeZone.WITA, TimeZone.WIT, TimeZone.WITA])
    ]
    for city in cities[:2]:
        CityTargetFactory(programme=programme, city=city, umkm_target=200, pemda_target=20)
    partners = [PartnerFactory(), PartnerFactory()]
    for partner in partners:
        TrainerFactory(partner=partner)
    TrainerFactory(partner=partners[0], tot_status="in_training", tot_certified_on=None)
    base = dt.datetime(2018, 9, 10, 9, tzinfo=zoneinfo.ZoneInfo("Asia/Makassar"))
    session_rows = [
        TrainingSessionFactory(
            programme=rng.choice([programme, programme, programme, other]),
            city=rng.choice(cities),
            partner=rng.choice(partners),
            audience=rng.choice(["umkm", "umkm", "pemda"]),
            starts_at=base + dt.timedelta(hours=rng.randrange(0, 24 * 60)),
            status=rng.choice(
                [SessionStatus.COMPLETED, SessionStatus.COMPLETED, SessionStatus.SCHEDULED, SessionStatus.CANCELLED]
            ),
            capacity=rng.randrange(5, 40),
        )
        for _ in range(sessions)
    ]
    persons = []
    values_rng = random.Random(seed + 1)  # its own stream: the world's shape stays what `seed` gave before
    for index in range(people):
        # Realistic values from the row makers the demo seed uses, then the noise the figures must survive:
        # any kind, unspecified gender, blank traits, test records.
        values = participant_kwargs(values_rng, index=index)
        del values["phone"], values["city_id"]  # the factory's sequence keeps phones unique across several worlds in one test
        kind = rng.choice(["umkm", "umkm", "umkm", "pemda"])
        persons.append(
            ParticipantFactory(
                **values
                | {
                    "city": rng.choice(cities),
                    "kind": kind,
                    "gender": rng.choice(["female", "male", "unspecified"]),
                    "scale": rng.choice(["mikro", "kecil", "menengah", ""]) if kind == "umkm" else "",
                    "sector": rng.choice(["food", "fashion", "craft", ""]) if kind == "umkm" else "",
                    "baseline_social_media": rng.choice(["none", "personal", "business_page", "sells_online", ""]),
                    "is_test": rng.random() < 0.08,
                    "agency": values["agency"] if kind == "pemda" else "",
                    "business_name": values["business_name"] if kind == "umkm" else "",
                }
            )
        )
    for person in persons[-3:]:
        person.merged_into = persons[0]
        person.save(update_fields=["merged_into"])
    for person in persons:
        for session in rng.sample(session_rows, min(len(session_rows), rng.randrange(0, 4))):
            status = rng.choice(list(AttendanceStatus.values))
            AttendanceFactory(
                participant=person,
                session=session,
                status=status,
                checked_in_at=timezone.now() if status == AttendanceStatus.ATTENDED else None,
            )
    for p in (programme, other):
        progress_rebuild(programme_id=p.pk)
    return World(programme, other, cities, partners, session_rows, persons)


@pytest.fixture
def world(db):
    return build_world(seed=7, people=80, sessions=14)
