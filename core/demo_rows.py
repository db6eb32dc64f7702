"""Row makers: plausible values for one person or one attendance, drawn from a seeded random.Random.

The one place where demo and test values are made: the demo seed (core/demo.py) calls them a
million times and writes the tuples with COPY; the test factories (tests/factories) call the
same functions for their defaults. Plain values, no model instances and no Faker, so a row costs
a few microseconds and the same generator state always gives the same row. The weights below
are the demo's shape of the 2018 programme (56% women, 8% pemda officers, 85% micro businesses).
"""

import datetime as dt
import itertools
import random
from collections.abc import Sequence
from typing import Any

from participants.models import (
    AgeBand,
    AttendanceStatus,
    BusinessScale,
    Gender,
    ParticipantKind,
    RegistrationSource,
    Sector,
    SocialMediaUse,
)

from . import demo_names as names

# The columns of `participant_values`, in order (Participant attnames).
PARTICIPANT_FIELDS = (
    "full_name",
    "phone",
    "email",
    "gender",
    "age_band",
    "city_id",
    "kind",
    "business_name",
    "agency",
    "sector",
    "scale",
    "nib",
    "baseline_social_media",
    "whatsapp_opt_in",
)
ATTENDANCE_FIELDS = ("status", "source", "checked_in_at")

MOBILE_PREFIXES = ("11", "12", "13", "21", "22", "52", "53", "57", "58", "77")
SCALES = tuple(BusinessScale.values)
SCALE_WEIGHTS = tuple(itertools.accumulate([85, 12, 3]))
SECTORS = tuple(Sector.values)
AGE_BANDS = tuple(AgeBand.values)
BASELINES = tuple(SocialMediaUse.values)
BASELINE_WEIGHTS = tuple(itertools.accumulate([15, 50, 25, 10]))
# A check-in from another partner's record (MATCHED) is a deliberate act, never made at random.
SOURCES = (RegistrationSource.TRAINER, RegistrationSource.WALK_IN, RegistrationSource.SELF, RegistrationSource.IMPORT)
_PEMDA, _UMKM = ParticipantKind.PEMDA.value, ParticipantKind.UMKM.value
_FIRST_NAMES = {True: tuple(names.FEMALE_FIRST), False: tuple(names.MALE_FIRST)}

# When a session is, as seen by the attendance maker.
FUTURE, OPEN, CLOSED = "future", "open", "closed"


def participant_values(rng: random.Random, *, index: int, city_id: int | None) -> tuple[Any, ...]:
    """One person, in PARTICIPANT_FIELDS order; `index` makes the phone (and e-mail) unique."""
    random_ = rng.random
    female = random_() < 0.56
    first = rng.choice(_FIRST_NAMES[female])
    full_name = f"{first} {rng.choice(names.FAMILY)}"
    phone = f"+628{rng.choice(MOBILE_PREFIXES)}{index:08d}"
    email = f"peserta{index}@example.net" if random_() < 0.4 else ""
    age_band = rng.choice(AGE_BANDS)
    baseline = rng.choices(BASELINES, cum_weights=BASELINE_WEIGHTS)[0]
    opt_in = random_() < 0.7
    gender = Gender.FEMALE.value if female else Gender.MALE.value
    if random_() < 0.08:
        agency = rng.choice(names.AGENCIES)
        return (full_name, phone, email, gender, age_band, city_id, _PEMDA, "", agency, "", "", "", baseline, opt_in)
    business = f"{rng.choice(names.BUSINESS_PREFIX)} {rng.choice(names.BUSINESS_SUFFIX)} {first.split()[-1]}"
    sector = rng.choice(SECTORS)
    scale = rng.choices(SCALES, cum_weights=SCALE_WEIGHTS)[0]
    nib_ = str(rng.randrange(10**12, 10**13)) if random_() < 0.3 else ""
    return (full_name, phone, email, gender, age_band, city_id, _UMKM, business, "", sector, scale, nib_, baseline, opt_in)


def participant_kwargs(rng: random.Random, *, index: int, city_id: int | None = None) -> dict[str, Any]:
    """`participant_values` as keyword arguments for a model or a factory."""
    return dict(zip(PARTICIPANT_FIELDS, participant_values(rng, index=index, city_id=city_id), strict=True))


def session_phase(*, starts_at: dt.datetime, ends_at: dt.datetime, closed_at: dt.datetime | None, now: dt.datetime) -> str:
    """FUTURE (people only registered), OPEN (today's or yesterday's session, check-in still open) or CLOSED."""
    if starts_at > now:
        return FUTURE
    if closed_at is None and ends_at > now - dt.timedelta(days=2):
        return OPEN
    return CLOSED


def attendance_values(rng: random.Random, *, phase: str, starts_at: dt.datetime) -> tuple[str, str, dt.datetime | None]:
    """(status, source, checked_in_at) of one registration at a session in `phase`."""
    if phase == FUTURE:
        return (AttendanceStatus.REGISTERED.value, RegistrationSource.SELF.value, None)
    roll = rng.random()
    if phase == OPEN:  # some already checked in, the rest still registered
        attended = roll < 0.4
        status = AttendanceStatus.ATTENDED.value if attended else AttendanceStatus.REGISTERED.value
    else:
        attended = roll < 0.85
        status = AttendanceStatus.ATTENDED.value if attended else AttendanceStatus.NO_SHOW.value
    source = rng.choice(SOURCES).value
    checked_in_at = starts_at + dt.timedelta(minutes=rng.randrange(0, 45)) if attended else None
    return (status, source, checked_in_at)


def picks(rng: random.Random, pool_size: int) -> Sequence[int]:
    """Which sessions of a pool one person registers for: one, and a second one in a quarter of cases."""
    first = rng.randrange(pool_size)
    if rng.random() < 0.25:
        second = rng.randrange(pool_size)
        if second != first:
            return (first, second)
    return (first,)
