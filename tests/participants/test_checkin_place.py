"""checkin_place reads the session and the person in one statement from the scope's querysets compiled once per
kind of user (users/scoping.py scope_sql). It must answer exactly as the querysets themselves (get_session's
sessions_for, then checkin_target) for every role: same session or none, same person or none, same guest flag."""

import itertools

import pytest

from participants.checkin_access import checkin_place, checkin_target, match_token
from tests.factories import AttendanceFactory, ParticipantFactory, PartnerFactory, TrainerFactory, TrainingSessionFactory
from users.models import Role
from users.scoping import participants_for, scope_sql, sessions_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_user):
    a, b = PartnerFactory(), PartnerFactory()
    users = {
        "trainer_lead": make_user(Role.TRAINER, partner=a),
        "trainer_co": make_user(Role.TRAINER, partner=a),
        "trainer_idle": make_user(Role.TRAINER, partner=a),
        "trainer_b": make_user(Role.TRAINER, partner=b),
        "coord_a": make_user(Role.PARTNER_COORDINATOR, partner=a),
        "coord_b": make_user(Role.PARTNER_COORDINATOR, partner=b),
        "policy": make_user(Role.POLICY_VIEWER),
        "policy_pd": make_user(Role.POLICY_VIEWER, can_see_personal_data=True),
        "ksp": make_user(Role.KSP_MONITOR),
        "admin": make_user(Role.PROGRAMME_ADMIN),
        "superuser": make_user("", is_superuser=True),
    }
    lead = TrainerFactory(partner=a, user=users["trainer_lead"])
    co = TrainerFactory(partner=a, user=users["trainer_co"])
    TrainerFactory(partner=a, user=users["trainer_idle"])
    lead_b = TrainerFactory(partner=b, user=users["trainer_b"])
    mine = TrainingSessionFactory(partner=a, lead_trainer=lead)
    mine.co_trainers.add(co)
    earlier = TrainingSessionFactory(partner=a, lead_trainer=lead)
    other_a = TrainingSessionFactory(partner=a)
    theirs = TrainingSessionFactory(partner=b, lead_trainer=lead_b)
    sessions = [mine, earlier, other_a, theirs]

    on_list = AttendanceFactory(session=mine).participant  # home partner a
    trained_earlier = AttendanceFactory(session=earlier).participant  # a's, in the trainer's scope
    elsewhere_a = AttendanceFactory(session=other_a).participant  # a's, not in the trainers' sessions
    of_b = AttendanceFactory(session=theirs).participant  # b's
    guest_on_list = ParticipantFactory(home_partner=b)
    AttendanceFactory(session=mine, participant=guest_on_list)
    created_by_idle = ParticipantFactory(home_partner=a, created_by=users["trainer_idle"])
    merged = AttendanceFactory(session=mine, participant=ParticipantFactory(merged_into=on_list)).participant
    people = [on_list, trained_earlier, elsewhere_a, of_b, guest_on_list, created_by_idle, merged]
    return users, sessions, people


def _reference(user, session_id, participant_id, token):
    session = sessions_for(user).filter(pk=session_id).first()
    if session is None:
        return None, None, False
    participant, guest = checkin_target(user=user, session=session, participant_id=participant_id, match_token=token)
    return session.pk, getattr(participant, "pk", None), guest


def test_checkin_place_answers_as_the_scope_querysets_for_every_role(world):
    users, sessions, people = world
    compared = 0
    for (name, user), session, person in itertools.product(users.items(), sessions, people):
        for token in ("", match_token(participant_id=person.pk, session_id=session.pk, user_id=user.pk)):
            place = checkin_place(user=user, session_id=session.pk, participant_id=person.pk, match_token=token)
            got = (getattr(place.session, "pk", None), getattr(place.participant, "pk", None), place.guest)
            assert got == _reference(user, session.pk, person.pk, token), (name, session.pk, person.pk, bool(token))
            compared += 1
    assert compared == len(users) * len(sessions) * len(people) * 2


def test_checkin_place_gives_a_session_none_for_a_session_that_does_not_exist(world):
    users, _sessions, people = world
    place = checkin_place(user=users["admin"], session_id=10**9, participant_id=people[0].pk)
    assert place.session is None and place.participant is None


def test_the_compiled_scope_is_bound_to_each_user_not_to_the_first_of_their_kind(world):
    users, sessions, people = world
    mine, _earlier, _other_a, theirs = sessions
    # the same compiled statement (trainers of a partner) serves both; each gets their own sessions
    for user, session in ((users["trainer_lead"], mine), (users["trainer_b"], theirs), (users["trainer_lead"], theirs)):
        sql, params = scope_sql(
            user, "checkin.session", lambda u, m: sessions_for(u).filter(pk=m["session"]).values("pk"), session=session.pk
        )
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(f"SELECT EXISTS ({sql})", params)
            assert cursor.fetchone()[0] == sessions_for(user).filter(pk=session.pk).exists()
    for user, person in itertools.product(users.values(), people):
        sql, params = scope_sql(
            user, "checkin.person", lambda u, m: participants_for(u).filter(pk=m["person"]).values("pk"), person=person.pk
        )
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT EXISTS ({sql})", params)
            assert cursor.fetchone()[0] == participants_for(user).filter(pk=person.pk).exists()
