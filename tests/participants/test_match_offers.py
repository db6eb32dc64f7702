"""The one rule for what a walk-in match shows, and the scoping rule behind it."""

import datetime as dt

import pytest
from django.db import connection

from participants.models import AttendanceStatus, Participant
from participants.selectors import match_offers_for, name_masked
from participants.services.matching import participant_find_matches
from tests.factories import AttendanceFactory, ParticipantFactory, PartnerFactory, TrainerFactory, TrainingSessionFactory
from users.models import Role
from users.scoping import participants_for


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("Sari Manuhutu", "S*** M."),
        ("siti nur aminah", "S*** A."),
        ("Yohanes", "Y***"),
        ("  ", "***"),
        ("", "***"),
    ],
)
def test_names_are_masked_to_two_initials(name, masked):
    assert name_masked(name) == masked


@pytest.fixture
def trainer_of_a(make_user):
    partner_a = PartnerFactory()
    user = make_user(Role.TRAINER, partner=partner_a)
    session = TrainingSessionFactory(partner=partner_a, lead_trainer=TrainerFactory(partner=partner_a, user=user))
    return user, session


@pytest.mark.django_db
def test_a_match_outside_scope_carries_only_masked_name_city_and_first_year(trainer_of_a):
    user, session = trainer_of_a
    theirs = ParticipantFactory(full_name="Sari Manuhutu", phone="+6281277788899", business_name="Abon Ikan Sari")
    assert theirs.city.time_zone == "Asia/Makassar"
    for year in (2019, 2018):
        AttendanceFactory(
            participant=theirs,
            session=TrainingSessionFactory(partner=PartnerFactory(), starts_at=dt.datetime(year, 12, 31, 20, tzinfo=dt.UTC)),
            status=AttendanceStatus.ATTENDED,
            checked_in_at=dt.datetime(year, 12, 31, 20, tzinfo=dt.UTC),
        )
    # registered but never attended at a third partner: does not count as training
    AttendanceFactory(participant=theirs, session=TrainingSessionFactory(starts_at=dt.datetime(2017, 5, 1, tzinfo=dt.UTC)))

    [offer] = match_offers_for(user=user, session=session, matches=participant_find_matches(city_id=None, phone=theirs.phone))

    assert offer.masked and offer.other_partner
    assert offer.hint == f"S*** M., {theirs.city.name}"
    # 31 December 2018 20:00 UTC is already 2019 in Makassar (WITA, UTC+8)
    assert offer.first_trained_year == 2019
    assert (offer.full_name, offer.business, offer.masked_phone, offer.city) == ("", "", "", "")


@pytest.mark.django_db
def test_a_match_in_scope_shows_the_person(trainer_of_a):
    user, session = trainer_of_a
    ours = AttendanceFactory(
        session=TrainingSessionFactory(partner=session.partner, lead_trainer=session.lead_trainer),
        participant=ParticipantFactory(full_name="Maria Lumban", business_name="Tenun Maria", phone="+6285211112222"),
    ).participant

    [offer] = match_offers_for(user=user, session=session, matches=participant_find_matches(city_id=None, phone=ours.phone))

    assert not offer.masked and not offer.other_partner
    assert (offer.full_name, offer.business, offer.city) == ("Maria Lumban", "Tenun Maria", ours.city.name)
    assert "2222" not in offer.masked_phone[:-3] and offer.masked_phone.endswith("222")
    assert offer.first_trained_year is None  # registered, never attended


@pytest.mark.django_db
def test_offers_take_two_queries_whatever_their_number(trainer_of_a, django_assert_num_queries):
    user, session = trainer_of_a
    people = ParticipantFactory.create_batch(4, phone="+6281300000009")
    matches = participant_find_matches(city_id=None, phone="+6281300000009")
    assert len(matches) == 4 == len(people)

    with django_assert_num_queries(2):
        offers = match_offers_for(user=user, session=session, matches=matches)
    assert all(o.masked for o in offers)


@pytest.mark.django_db
def test_attending_another_partners_session_does_not_widen_their_staffs_scope(make_user):
    partner_a, partner_b = PartnerFactory(), PartnerFactory()
    trainer_a = make_user(Role.TRAINER, partner=partner_a)
    session_a = TrainingSessionFactory(partner=partner_a, lead_trainer=TrainerFactory(partner=partner_a, user=trainer_a))
    coordinator_a = make_user(Role.PARTNER_COORDINATOR, partner=partner_a)
    theirs = AttendanceFactory(session=TrainingSessionFactory(partner=partner_b)).participant
    AttendanceFactory(participant=theirs, session=session_a, status=AttendanceStatus.ATTENDED, checked_in_at=session_a.starts_at)
    ours = AttendanceFactory(session=session_a).participant

    assert set(participants_for(trainer_a)) == {ours}
    assert set(participants_for(coordinator_a)) == {ours}
    assert theirs in participants_for(make_user(Role.PARTNER_COORDINATOR, partner=partner_b))


@pytest.mark.django_db
def test_staff_without_a_partner_never_see_the_people_without_one(make_user):
    orphan = ParticipantFactory()
    coordinator = make_user(Role.PARTNER_COORDINATOR, partner=PartnerFactory())
    coordinator.partner = None  # as if the partner were removed: "no partner" must not match "no partner"

    assert orphan.home_partner_id is None
    assert not participants_for(coordinator).exists()


@pytest.mark.django_db
def test_the_backfill_gives_each_person_the_partner_that_met_them_first(make_user):
    import importlib

    from django.apps import apps

    backfill = importlib.import_module("participants.migrations.0005_participant_home_partner_backfill").backfill
    first, later = PartnerFactory(), PartnerFactory()
    person = ParticipantFactory()
    AttendanceFactory(participant=person, session=TrainingSessionFactory(partner=first))
    AttendanceFactory(participant=person, session=TrainingSessionFactory(partner=later))
    creator = make_user(Role.PARTNER_COORDINATOR, partner=later)
    never_attended = ParticipantFactory(created_by=creator)
    unknown = ParticipantFactory()
    Participant.objects.update(home_partner=None)

    with connection.schema_editor() as editor:
        backfill(apps, editor)

    homes = dict(Participant.objects.values_list("pk", "home_partner_id"))
    assert homes == {person.pk: first.pk, never_attended.pk: later.pk, unknown.pk: None}
