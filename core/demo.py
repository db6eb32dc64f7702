"""Deterministic demo data at any size, written in bulk so 1,000,000 participants take minutes.

Historical roadshows follow the 2018 programme; a current roadshow for the
demo partner gives the demo trainer sessions yesterday, today and in the
coming days, so every flow can be tried right away.
"""

import datetime as dt
import itertools
import math
import random
import time
import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from cities.models import City, CityTarget, Programme
from participants.counting import counted_attendance_first_fill, counted_attendance_rebuild
from participants.models import (
    Attendance,
    CountedAttendance,
    Participant,
    ParticipantKind,
)
from partners.models import Partner, TotStatus, Trainer
from sessions_app.models import Audience, Roadshow, RoadshowStatus, SessionStatus, TrainingSession
from surveys.demo import survey_demo_seed
from umkm_program.bulk_copy import checks_after_load, copy_rows, copy_supported, ids_reserve
from users.models import Role, User
from users.roles import roles_install, user_set_role
from users.second_factor import second_factor_activate, second_factor_ready, second_factor_required

from . import demo_names as names
from . import demo_rows as rows

DEMO_LOGINS = [
    ("admin@example.org", "Admin Program", Role.PROGRAMME_ADMIN),
    ("coordinator@example.org", "Koordinator Mitra", Role.PARTNER_COORDINATOR),
    ("trainer@example.org", "Pelatih Lapangan", Role.TRAINER),
    ("policy@example.org", "Tim Kebijakan", Role.POLICY_VIEWER),
    ("ksp@example.org", "Pemantau KSP", Role.KSP_MONITOR),
]
CONSENT_VERSION = "2018-08-v1"
CURRENT_PROGRAMME_NAME = "LAJU DIGITAL – kelas lanjutan (demo)"
SESSION_CAPACITY = 70
BATCH = 5_000  # bulk_create batch (SQLite)
CHUNK = 20_000  # people generated and written at a time: bounds memory
KIND = rows.PARTICIPANT_FIELDS.index("kind")
# For the seed's one transaction on PostgreSQL: indexes built after the load sort in memory (a GIN
# trigram index on names builds ~40% faster with 512 MB than with the default 64 MB), the counting
# rule's window and the survey joins hash and sort in memory, and no JIT compiling (seconds per big
# INSERT ... SELECT, not won back: these statements move rows, they do not evaluate much).
BULK_SETTINGS = "SET LOCAL maintenance_work_mem = '512MB'; SET LOCAL work_mem = '64MB'; SET LOCAL jit = off"


@dataclass
class DemoResult:
    participants: int
    attendances: int
    sessions: int
    created: bool
    phases: dict[str, float] = field(default_factory=dict)  # seconds per phase of a first run


def demo_exists() -> bool:
    return Partner.objects.filter(name=names.PARTNERS[0][0]).exists()


def demo_logins_ensure(*, password: str) -> list[User]:
    """Create or refresh the five demo logins with the given password."""
    roles_install()
    partner = Partner.objects.get(name=names.PARTNERS[0][0])
    users = []
    for email, name, role in DEMO_LOGINS:
        user, _ = User.objects.get_or_create(email=email, defaults={"name": name})
        user.name = name
        user.set_password(password)
        user.is_staff = role == Role.PROGRAMME_ADMIN
        user.is_superuser = role == Role.PROGRAMME_ADMIN
        user.save()
        needs_partner = role in (Role.PARTNER_COORDINATOR, Role.TRAINER)
        user_set_role(user=user, role=role, partner=partner if needs_partner else None)
        if second_factor_required(user) and not second_factor_ready(user):
            # The demo admin's authenticator: `manage.py demo_second_factor` shows its secret and current code.
            second_factor_activate(user=user)
        users.append(user)
    trainer_user = User.objects.get(email="trainer@example.org")
    Trainer.objects.get_or_create(
        user=trainer_user,
        defaults={
            "partner": partner,
            "tot_status": TotStatus.CERTIFIED,
            "tot_started_on": dt.date(2018, 7, 1),
            "tot_certified_on": dt.date(2018, 8, 10),
        },
    )
    return users


def _local(city: City, day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=zoneinfo.ZoneInfo(city.time_zone))


class DemoBuilder:
    def __init__(self, *, programme: Programme, participants: int, seed: int, today: dt.date):
        self.programme = programme
        self.n_participants = participants
        self.rng = random.Random(seed)  # noqa: S311  seeded demo data, reproducible on purpose
        self.today = today
        self.now = timezone.now()

    # --- partners, trainers, roadshows, sessions ------------------------------------
    def partners_and_trainers(self) -> tuple[list[Partner], dict[int, list[Trainer]]]:
        partners = [
            Partner.objects.create(name=n, short_name=s, contact_email=f"info@{s.lower().replace(' ', '')}.example.org")
            for n, s in names.PARTNERS
        ]
        trainers: dict[int, list[Trainer]] = {p.pk: [] for p in partners}
        cities = list(City.objects.all())
        for p_index, partner in enumerate(partners):
            for t in range(4):
                first = self.rng.choice(names.FEMALE_FIRST + names.MALE_FIRST)
                user = User.objects.create_user(
                    email=f"trainer{p_index + 1}.{t + 1}@example.org",
                    password=None,
                    name=f"{first} {self.rng.choice(names.FAMILY)}",
                    role=Role.TRAINER,
                    partner=partner,
                )
                status = TotStatus.CERTIFIED if t < 3 else TotStatus.IN_TRAINING
                trainer = Trainer.objects.create(
                    user=user,
                    partner=partner,
                    tot_status=status,
                    tot_started_on=dt.date(2018, 7, 1),
                    tot_certified_on=dt.date(2018, 8, 10) if status == TotStatus.CERTIFIED else None,
                )
                trainer.cities.set(self.rng.sample(cities, 3))
                trainers[partner.pk].append(trainer)
        return partners, trainers

    def roadshows_and_sessions(self, partners, trainers) -> dict[tuple[int, str], list[TrainingSession]]:
        targets = list(CityTarget.objects.filter(programme=self.programme).select_related("city").order_by("roadshow_order"))
        total_target = sum(t.umkm_target for t in targets)
        # Seats for ~1.25 attendances per participant, split by city target.
        total_sessions = max(len(targets) * 2, math.ceil(self.n_participants * 1.25 / (SESSION_CAPACITY * 0.65)))
        start = dt.date(2018, 9, 10)
        span = (self.programme.ends_on - start).days
        by_city: dict[tuple[int, str], list[TrainingSession]] = {}
        pending = []
        for i, target in enumerate(targets):
            partner = partners[i % len(partners)]
            rs_start = start + dt.timedelta(days=i * span // len(targets))
            rs_end = rs_start + dt.timedelta(days=max(4, span // len(targets) - 3))
            roadshow = Roadshow.objects.create(
                programme=self.programme,
                city=target.city,
                partner=partner,
                starts_on=rs_start,
                ends_on=rs_end,
                status=RoadshowStatus.COMPLETED,
            )
            n = max(2, round(total_sessions * target.umkm_target / total_target))
            days = (rs_end - rs_start).days + 1
            team = trainers[partner.pk][:3]
            for s in range(n):
                audience = Audience.PEMDA if s % 10 == 9 else Audience.UMKM
                day = rs_start + dt.timedelta(days=s % days)
                hour = 8 + 5 * ((s // days) % 2)
                begins = _local(target.city, day, hour)
                pending.append(
                    TrainingSession(
                        programme=self.programme,
                        roadshow=roadshow,
                        city=target.city,
                        partner=partner,
                        title=self._title(audience, s),
                        audience=audience,
                        modules="Facebook Page, Instagram Business, WhatsApp Business, iklan berbayar",
                        venue=f"{self.rng.choice(names.VENUES)} {target.city.name}",
                        starts_at=begins,
                        ends_at=begins + dt.timedelta(hours=4),
                        capacity=SESSION_CAPACITY,
                        status=SessionStatus.COMPLETED,
                        lead_trainer=team[s % len(team)],
                        attendance_closed_at=begins + dt.timedelta(hours=5),
                    )
                )
        pending.extend(self._current_sessions(partners[0], trainers[partners[0].pk]))
        created = TrainingSession.objects.bulk_create(pending, batch_size=BATCH)
        for session in created:
            by_city.setdefault((session.city_id, session.audience), []).append(session)
        return by_city

    def _title(self, audience: str, n: int) -> str:
        if audience == Audience.PEMDA:
            return "Media sosial untuk humas pemerintah daerah"
        return ["Memulai bisnis di Facebook", "Instagram untuk UMKM", "WhatsApp Business dan iklan"][n % 3]

    def _current_sessions(self, partner: Partner, team: list[Trainer]) -> list[TrainingSession]:
        """A follow-up class series around today, so the demo trainer has live sessions.

        The 2018 programme's dates are history, so these belong to a small programme
        of their own rather than stretching the 2018 one.
        """
        city = City.objects.get(name="Makassar")
        current = Programme.objects.create(
            name=CURRENT_PROGRAMME_NAME,
            slug="demo-kelas-lanjutan",
            description="Demo: follow-up classes around today, for trying the trainer's flow.",
            starts_on=self.today - dt.timedelta(days=30),
            ends_on=self.today + dt.timedelta(days=90),
            umkm_target=200,
            pemda_target=20,
        )
        CityTarget.objects.create(programme=current, city=city, umkm_target=200, pemda_target=20, roadshow_order=1)
        roadshow = Roadshow.objects.create(
            programme=current,
            city=city,
            partner=partner,
            starts_on=self.today - dt.timedelta(days=3),
            ends_on=self.today + dt.timedelta(days=10),
            status=RoadshowStatus.CONFIRMED,
            notes="Demo: current roadshow",
        )
        demo_trainer = Trainer.objects.get(user__email="trainer@example.org")
        sessions = []
        for offset, hour, audience in [
            (-1, 9, Audience.UMKM),
            (0, 9, Audience.UMKM),
            (0, 14, Audience.PEMDA),
            (2, 9, Audience.UMKM),
            (5, 13, Audience.UMKM),
        ]:
            begins = _local(city, self.today + dt.timedelta(days=offset), hour)
            sessions.append(
                TrainingSession(
                    programme=current,
                    roadshow=roadshow,
                    city=city,
                    partner=partner,
                    title=self._title(audience, offset + 3),
                    audience=audience,
                    venue=f"Hotel Santika {city.name}",
                    starts_at=begins,
                    ends_at=begins + dt.timedelta(hours=3),
                    capacity=SESSION_CAPACITY,
                    status=SessionStatus.SCHEDULED,
                    lead_trainer=demo_trainer if offset >= -1 else team[0],
                )
            )
        return sessions

    # --- participants and attendances -------------------------------------------------
    def people(self, by_city) -> Iterator[list[tuple[tuple, int, list[tuple]]]]:
        """Chunks of (participant values, home partner id, [(session id, attendance values)]), CHUNK people each.

        One generator for both writers (COPY and bulk_create), so both write the same rows for a seed.
        """
        targets = list(CityTarget.objects.filter(programme=self.programme).order_by("pk").values_list("city_id", "umkm_target"))
        city_ids = [city_id for city_id, _ in targets]
        cum_weights = list(itertools.accumulate(target for _, target in targets))
        pools = {key: [self._session_facts(session) for session in sessions] for key, sessions in by_city.items()}
        rng = self.rng
        pemda = ParticipantKind.PEMDA.value
        for chunk_start in range(0, self.n_participants, CHUNK):
            size = min(CHUNK, self.n_participants - chunk_start)
            chunk = []
            for offset, city_id in enumerate(rng.choices(city_ids, cum_weights=cum_weights, k=size)):
                values = rows.participant_values(rng, index=chunk_start + offset, city_id=city_id)
                audience = Audience.PEMDA if values[KIND] == pemda else Audience.UMKM
                pool = pools.get((city_id, audience)) or pools[(city_id, Audience.UMKM)]
                sessions = [pool[pick] for pick in rows.picks(rng, len(pool))]
                # the person belongs to the partner that met them first
                home_partner_id = min(sessions, key=lambda s: s[2])[1]
                attendances = [
                    (session_id, rows.attendance_values(rng, phase=phase, starts_at=starts_at))
                    for session_id, _partner_id, starts_at, phase in sessions
                ]
                chunk.append((values, home_partner_id, attendances))
            yield chunk

    def _session_facts(self, session: TrainingSession) -> tuple[int, int, dt.datetime, str]:
        phase = rows.session_phase(
            starts_at=session.starts_at, ends_at=session.ends_at, closed_at=session.attendance_closed_at, now=self.now
        )
        return (session.pk, session.partner_id, session.starts_at, phase)

    def participants_and_attendances(self, by_city) -> tuple[int, int]:
        if copy_supported():
            return self._write_with_copy(by_city)
        return self._write_with_orm(by_city)

    def _write_with_copy(self, by_city) -> tuple[int, int]:
        """PostgreSQL: ids from the sequences first, then COPY, a chunk at a time (memory stays flat)."""
        n_people = n_attendances = 0
        consent = (self.now, CONSENT_VERSION)
        for chunk in self.people(by_city):
            person_ids = ids_reserve(Participant, len(chunk))
            copy_rows(
                Participant,
                (*rows.PARTICIPANT_FIELDS, "id", "home_partner_id", "consent_at", "consent_version"),
                ((*values, pk, home, *consent) for pk, (values, home, _) in zip(person_ids, chunk, strict=True)),
            )
            attendance_rows = [
                (pk, session_id, *values)
                for pk, (_, _, attendances) in zip(person_ids, chunk, strict=True)
                for session_id, values in attendances
            ]
            n_attendances += copy_rows(Attendance, ("participant_id", "session_id", *rows.ATTENDANCE_FIELDS), attendance_rows)
            n_people += len(chunk)
        return n_people, n_attendances

    def _write_with_orm(self, by_city) -> tuple[int, int]:
        """SQLite (`make run`): the same rows through bulk_create."""
        n_people = n_attendances = 0
        for chunk in self.people(by_city):
            people = Participant.objects.bulk_create(
                [
                    Participant(
                        **dict(zip(rows.PARTICIPANT_FIELDS, values, strict=True)),
                        home_partner_id=home,
                        consent_at=self.now,
                        consent_version=CONSENT_VERSION,
                    )
                    for values, home, _ in chunk
                ],
                batch_size=BATCH,
            )
            attendances = [
                Attendance(
                    participant=person,
                    session_id=session_id,
                    **dict(zip(rows.ATTENDANCE_FIELDS, values, strict=True)),
                )
                for person, (_, _, person_attendances) in zip(people, chunk, strict=True)
                for session_id, values in person_attendances
            ]
            Attendance.objects.bulk_create(attendances, batch_size=BATCH)
            n_people += len(people)
            n_attendances += len(attendances)
        return n_people, n_attendances


def demo_seed(*, programme: Programme, participants: int, seed: int, password: str, today: dt.date | None = None) -> DemoResult:
    """Create the demo data once, in one transaction (all or nothing); later runs only refresh the logins."""
    if participants < 1:
        raise ValueError("participants must be a positive number")
    if demo_exists():
        demo_logins_ensure(password=password)
        return DemoResult(Participant.objects.count(), Attendance.objects.count(), TrainingSession.objects.count(), created=False)
    builder = DemoBuilder(programme=programme, participants=participants, seed=seed, today=today or timezone.localdate())
    phases: dict[str, float] = {}
    clock = time.monotonic()

    def phase(name: str) -> None:
        nonlocal clock
        now = time.monotonic()
        phases[name] = now - clock
        clock = now

    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(BULK_SETTINGS)
        partners, trainers = builder.partners_and_trainers()
        demo_logins_ensure(password=password)
        by_city = builder.roadshows_and_sessions(partners, trainers)
        phase("partners, trainers, logins, sessions")
        with checks_after_load(Participant, Attendance):
            n_people, n_att = builder.participants_and_attendances(by_city)
            phase("participants and attendances (COPY)")
        phase("their foreign keys and indexes")
        if connection.vendor == "postgresql":  # plan the queries below with real statistics
            with connection.cursor() as cursor:
                cursor.execute(
                    "ANALYZE participants_participant; ANALYZE participants_attendance; ANALYZE sessions_app_trainingsession"
                )
            phase("analyze")
        # bulk-written attendances bypass the services: the counting rule fills CountedAttendance, in one
        # INSERT ... SELECT per programme when it starts empty (a rebuild's upsert needs the unique constraint)
        programme_ids = list(TrainingSession.objects.order_by("programme_id").values_list("programme_id", flat=True).distinct())
        first_fill = not CountedAttendance.objects.filter(programme_id__in=programme_ids).exists()
        with checks_after_load(CountedAttendance, unique=first_fill):
            for programme_id in programme_ids:
                if first_fill:
                    counted_attendance_first_fill(programme_id=programme_id)
                else:
                    counted_attendance_rebuild(programme_id=programme_id)
        phase("counted attendance (the counting rule, in SQL)")
        survey_demo_seed(programme=programme, now=builder.now, seed=seed)
        phase("surveys")
    return DemoResult(n_people, n_att, sum(len(v) for v in by_city.values()), created=True, phases=phases)
