"""The people and records the access matrix asks about: two partners, every role, one of each object.

Every object a URL points at belongs to partner A (its session, participant, import, trainer...).
Partner B's coordinator and trainer are the "other partner" identities, so each row of the
matrix checks both a user who may see the object and one of the same role who may not.
Names and phones are distinctive so that a response can be searched for them.
"""

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from django.utils import timezone

from invitations.models import Invitation
from monitoring.models import ApiToken
from notifications.services.messages import opt_out_token, participant_key
from participants.models import AttendanceStatus, DuplicateCandidate, ParticipantImport, ProposedChange
from surveys.links import link_token, token_hash
from surveys.models import SurveyInvitation, SurveyWave
from surveys.seed import surveys_seed_defaults
from tests.factories import (
    AttendanceFactory,
    CityFactory,
    ParticipantFactory,
    PartnerFactory,
    ProgrammeFactory,
    RoadshowFactory,
    TrainerFactory,
    TrainingSessionFactory,
)
from users.models import Role
from users.roles import user_set_role

IDENTITIES = (
    "anon",
    "norole",
    "admin",
    "coord_a",
    "coord_b",
    "trainer_a",
    "trainer_off",
    "trainer_b",
    "policy",
    "policy_pd",
    "ksp",
)
# Roles that must never see a person's name or phone in any response.
NO_PERSONAL_DATA = ("anon", "norole", "trainer_off", "policy", "ksp")

INVITATION_TOKEN = "matrix-invitation-token-0123456789abcdef"
API_KEY = "matrix-api-key-0123456789abcdef"


@dataclass
class World:
    users: dict = field(default_factory=dict)
    objects: dict = field(default_factory=dict)
    tokens: dict = field(default_factory=dict)
    # name/phone strings per partner, to search responses for
    people: dict = field(default_factory=dict)


def build_world(make_user) -> World:
    world = World()
    programme = ProgrammeFactory(starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2027, 12, 31))
    city = CityFactory(name="Kota Matriks")
    now = timezone.now()
    for key, name, phone in (("a", "Zubaidah Quenby", "+6281299001101"), ("b", "Yosafat Wirjadi", "+6281299002202")):
        partner = PartnerFactory()
        trainer = TrainerFactory(partner=partner, calendar_token=f"cal-{key}-0123456789abcdef")
        user_set_role(user=trainer.user, role=Role.TRAINER, partner=partner)
        coordinator = make_user(Role.PARTNER_COORDINATOR, partner=partner)
        roadshow = RoadshowFactory(programme=programme, city=city, partner=partner)
        session = TrainingSessionFactory(
            programme=programme,
            city=city,
            partner=partner,
            roadshow=roadshow,
            lead_trainer=trainer,
            starts_at=now + dt.timedelta(hours=1),
            ends_at=now + dt.timedelta(hours=4),
        )
        participant = ParticipantFactory(full_name=name, phone=phone, city=city, created_by=coordinator)
        AttendanceFactory(participant=participant, session=session, status=AttendanceStatus.ATTENDED, checked_in_at=now)
        world.users[f"coord_{key}"] = coordinator
        world.users[f"trainer_{key}"] = trainer.user
        world.people[key] = (name, phone, participant.business_name)
        world.objects[key] = {
            "partner": partner,
            "trainer": trainer,
            "roadshow": roadshow,
            "session": session,
            "participant": participant,
        }
    a = world.objects["a"]
    # A second trainer of partner A on the same session, whose trainer profile was marked inactive.
    off = TrainerFactory(partner=a["partner"], is_active=False)
    user_set_role(user=off.user, role=Role.TRAINER, partner=a["partner"])
    a["session"].co_trainers.add(off)
    world.users["trainer_off"] = off.user
    admin = make_user(Role.PROGRAMME_ADMIN, is_staff=True)
    world.users.update(
        admin=admin,
        norole=_no_role_user(),
        policy=make_user(Role.POLICY_VIEWER),
        policy_pd=make_user(Role.POLICY_VIEWER, can_see_personal_data=True),
        ksp=make_user(Role.KSP_MONITOR),
    )
    twin = ParticipantFactory(full_name="Zubaidah Quenbi", phone="+6281299001199", city=city, created_by=world.users["coord_a"])
    a["duplicate"] = DuplicateCandidate.objects.create(participant=twin, existing=a["participant"], reason="name", score=90)
    a["proposal"] = ProposedChange.objects.create(
        participant=a["participant"], session=a["session"], values={"full_name": "Zubaidah Q. Baru"}
    )
    a["import"] = ParticipantImport.objects.create(created_by=world.users["coord_a"], file_name="daftar.csv")
    Invitation.objects.create(
        email="invitee@example.org",
        role=Role.TRAINER,
        partner=a["partner"],
        token_hash=hashlib.sha256(INVITATION_TOKEN.encode()).hexdigest(),
        invited_by=admin,
        expires_at=now + dt.timedelta(days=7),
    )
    ApiToken.objects.create(user=world.users["policy"], name="matrix", key_digest=hashlib.sha256(API_KEY.encode()).hexdigest())
    surveys_seed_defaults(programme_id=programme.pk)
    survey_nonce = "0123456789abcdef0123456789abcdef"
    SurveyInvitation.objects.create(
        wave=SurveyWave.objects.get(programme=programme, code="feedback"),
        participant=a["participant"],
        session=a["session"],
        nonce=survey_nonce,
        token_hash=token_hash(link_token(survey_nonce)),
        send_after=now,
        closes_at=now + dt.timedelta(days=14),
    )
    world.tokens = {
        "survey": link_token(survey_nonce),
        "registration": a["session"].registration_token,
        "calendar": a["trainer"].calendar_token,
        "invitation": INVITATION_TOKEN,
        "opt_out": opt_out_token(participant_key(a["participant"].pk)),
    }
    return world


def _no_role_user():
    from tests.factories import UserFactory

    return UserFactory(email="norole@example.org")
