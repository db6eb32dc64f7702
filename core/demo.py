"""Deterministic demo data at any size, written in bulk so 1,000,000 participants take minutes.

Historical roadshows follow the 2018 programme; a current roadshow for the
demo partner gives the demo trainer sessions yesterday, today and in the
coming days, so every flow can be tried right away.
"""

import datetime as dt
import math
import random
import zoneinfo
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from cities.models import City, CityTarget, Programme
from participants.counting import counted_attendance_rebuild
from participants.models import (
    AgeBand,
    Attendance,
    AttendanceStatus,
    BusinessScale,
    Gender,
    Participant,
    ParticipantKind,
    RegistrationSource,
    Sector,
    SocialMediaUse,
)
from partners.models import Partner, TotStatus, Trainer
from sessions_app.models import Audience, Roadshow, RoadshowStatus, SessionStatus, TrainingSession
from surveys.demo import survey_demo_seed
from users.models import Role, User
from users.roles import roles_install, user_set_role
from users.second_factor import second_factor_activate, second_factor_ready, second_factor_required

from . import demo_names as names

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
BATCH = 5_000


@dataclass
class DemoResult:
    participants: int
    attendances: int
    sessions: int
    created: bool


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
    def participants_and_attendances(self, by_city) -> tuple[int, int]:
        targets = list(CityTarget.objects.filter(programme=self.programme).select_related("city"))
        weights = [t.umkm_target for t in targets]
        city_ids = [t.city_id for t in targets]
        rng = self.rng
        n_participants = 0
        n_attendances = 0
        for batch_start in range(0, self.n_participants, BATCH):
            size = min(BATCH, self.n_participants - batch_start)
            people = []
            chosen_cities = rng.choices(city_ids, weights=weights, k=size)
            for offset in range(size):
                people.append(self._participant(batch_start + offset, chosen_cities[offset]))
            chosen_sessions = []
            for person in people:
                audience = Audience.PEMDA if person.kind == ParticipantKind.PEMDA else Audience.UMKM
                pool = by_city.get((person.city_id, audience)) or by_city[(person.city_id, Audience.UMKM)]
                picks = {rng.randrange(len(pool))}
                if rng.random() < 0.25:
                    picks.add(rng.randrange(len(pool)))
                sessions = [pool[pick] for pick in picks]
                # the person belongs to the partner that met them first
                person.home_partner_id = min(sessions, key=lambda s: s.starts_at).partner_id
                chosen_sessions.append(sessions)
            people = Participant.objects.bulk_create(people, batch_size=BATCH)
            attendances = []
            for person, sessions in zip(people, chosen_sessions, strict=True):
                for session in sessions:
                    attendances.append(self._attendance(person, session))
            Attendance.objects.bulk_create(attendances, batch_size=BATCH)
            n_participants += len(people)
            n_attendances += len(attendances)
        return n_participants, n_attendances

    def _participant(self, index: int, city_id: int) -> Participant:
        rng = self.rng
        female = rng.random() < 0.56
        first = rng.choice(names.FEMALE_FIRST if female else names.MALE_FIRST)
        full_name = f"{first} {rng.choice(names.FAMILY)}"
        pemda = rng.random() < 0.08
        scale = rng.choices(BusinessScale.values, weights=[85, 12, 3])[0]
        return Participant(
            full_name=full_name,
            # Unique by construction: the running index fills the last eight digits.
            phone=f"+628{rng.choice((11, 12, 13, 21, 22, 52, 53, 57, 58, 77))}{index:08d}",
            email=f"peserta{index}@example.net" if rng.random() < 0.4 else "",
            gender=Gender.FEMALE if female else Gender.MALE,
            age_band=rng.choice(AgeBand.values),
            city_id=city_id,
            kind=ParticipantKind.PEMDA if pemda else ParticipantKind.UMKM,
            business_name=""
            if pemda
            else f"{rng.choice(names.BUSINESS_PREFIX)} {rng.choice(names.BUSINESS_SUFFIX)} {first.split()[-1]}",
            agency=rng.choice(names.AGENCIES) if pemda else "",
            sector="" if pemda else rng.choice(Sector.values),
            scale="" if pemda else scale,
            nib=f"{rng.randrange(10**12, 10**13)}" if (not pemda and rng.random() < 0.3) else "",
            baseline_social_media=rng.choices(SocialMediaUse.values, weights=[15, 50, 25, 10])[0],
            consent_at=self.now,
            consent_version=CONSENT_VERSION,
            whatsapp_opt_in=rng.random() < 0.7,
        )

    def _attendance(self, person: Participant, session: TrainingSession) -> Attendance:
        if session.starts_at > self.now:
            return Attendance(
                participant=person, session=session, status=AttendanceStatus.REGISTERED, source=RegistrationSource.SELF
            )
        roll = self.rng.random()
        if session.attendance_closed_at is None and session.ends_at > self.now - dt.timedelta(days=2):
            # Today's or yesterday's open session: some already checked in, the rest still registered.
            status = AttendanceStatus.ATTENDED if roll < 0.4 else AttendanceStatus.REGISTERED
        else:
            status = AttendanceStatus.ATTENDED if roll < 0.85 else AttendanceStatus.NO_SHOW
        return Attendance(
            participant=person,
            session=session,
            status=status,
            source=self.rng.choice(DEMO_SOURCES),
            checked_in_at=session.starts_at + dt.timedelta(minutes=self.rng.randrange(0, 45))
            if status == AttendanceStatus.ATTENDED
            else None,
        )


# A check-in from another partner's record (MATCHED) is a deliberate act, never seeded at random.
DEMO_SOURCES = (RegistrationSource.TRAINER, RegistrationSource.WALK_IN, RegistrationSource.SELF, RegistrationSource.IMPORT)


def demo_seed(*, programme: Programme, participants: int, seed: int, password: str, today: dt.date | None = None) -> DemoResult:
    """Create the demo data once; later runs only refresh the logins."""
    if participants < 1:
        raise ValueError("participants must be a positive number")
    if demo_exists():
        demo_logins_ensure(password=password)
        return DemoResult(Participant.objects.count(), Attendance.objects.count(), TrainingSession.objects.count(), created=False)
    builder = DemoBuilder(programme=programme, participants=participants, seed=seed, today=today or timezone.localdate())
    with transaction.atomic():
        partners, trainers = builder.partners_and_trainers()
        demo_logins_ensure(password=password)
        by_city = builder.roadshows_and_sessions(partners, trainers)
    n_people, n_att = builder.participants_and_attendances(by_city)
    for programme_id in TrainingSession.objects.order_by().values_list("programme_id", flat=True).distinct():
        counted_attendance_rebuild(programme_id=programme_id)  # bulk-written attendances bypass the services
    survey_demo_seed(programme=programme, now=builder.now)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE participants_participant; ANALYZE participants_attendance;")
    return DemoResult(n_people, n_att, sum(len(v) for v in by_city.values()), created=True)
