"""The search reads its tiers one query each and stops once 15 are found (issue 16: search at 1,000,000).

What a trainer sees must not depend on where the search stopped: the tiers come in order, every query is
limited to the user's scope, and the number of queries per search stays small and known.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from participants.selectors import SEARCH_LIMIT, participant_search
from tests.factories import AttendanceFactory, CityFactory, ParticipantFactory, PartnerFactory, TrainingSessionFactory

pytestmark = pytest.mark.django_db

ROSTER_QUERY = 1  # the session's roster from other cities, always asked
BROAD_NAME_QUERIES = ROSTER_QUERY + 1  # the first tier (names starting with it) has 15 already
TEXT_MISS_QUERIES = ROSTER_QUERY + 4  # every tier asked: starts, later word starts, business/agency starts, the rest
PHONE_START_QUERIES = ROSTER_QUERY + 1  # "0812 34": numbers starting with it are the only tier
PHONE_DIGITS_MISS_QUERIES = ROSTER_QUERY + 3  # "81234": starting +6281234, starting +81234, containing it


def person(session, full_name, *, business_name="Toko Kelontong", phone=None, city=None, roster=True, **extra):
    """Someone the session's trainer may find: on the session's roster, or (roster=False) on another of their sessions."""
    p = ParticipantFactory(city=city or session.city, full_name=full_name, business_name=business_name, **extra)
    if phone:
        p.phone = phone
        p.save(update_fields=["phone"])
    if roster:
        AttendanceFactory(session=session, participant=p)
    else:
        other = TrainingSessionFactory(partner=session.partner, lead_trainer=session.lead_trainer, city=session.city)
        AttendanceFactory(session=other, participant=p)
    return p


def names(user, session, typed):
    return [p.full_name for p in participant_search(user=user, session=session, query=typed)]


def test_a_name_that_starts_with_what_was_typed_ranks_before_one_that_only_contains_it(trainer_setup):
    user, session = trainer_setup
    person(session, "Azarya Mofu")  # alphabetically first, but "zar" is only inside it
    person(session, "Yosef Zarkasi")  # a later name starts with it
    person(session, "Zarina Kambu")
    person(session, "Petrus Lodo", business_name="Zarah Jaya")  # a business that starts with it

    assert names(user, session, "zar") == ["Zarina Kambu", "Yosef Zarkasi", "Petrus Lodo", "Azarya Mofu"]


def test_the_exact_name_comes_first_and_names_sort_case_insensitively(trainer_setup):
    user, session = trainer_setup
    person(session, "ani lestari")
    person(session, "Ani Bonai")
    person(session, "ANI")

    assert names(user, session, "Ani") == ["ANI", "Ani Bonai", "ani lestari"]


def test_a_tier_that_fills_the_page_is_the_last_query(trainer_setup, django_assert_num_queries):
    user, session = trainer_setup
    for n in range(SEARCH_LIMIT + 2):
        person(session, f"Kornelia Sawaki {n:02d}", roster=n % 2 == 0)
    person(session, "Maria Kornelia")  # a later name: the next tier, never reached

    with django_assert_num_queries(BROAD_NAME_QUERIES):
        shown = names(user, session, "korne")

    assert shown == [f"Kornelia Sawaki {n:02d}" for n in range(SEARCH_LIMIT)]


def test_a_tier_short_of_the_page_is_followed_by_the_next(trainer_setup):
    user, session = trainer_setup
    for n in range(SEARCH_LIMIT - 2):
        person(session, f"Kornelia Sawaki {n:02d}")
    person(session, "Maria Kornelia")
    person(session, "Yuli Kornelius")
    person(session, "Zeth Ayomi", business_name="Kornelia Catering")  # would be 16th: left out

    shown = names(user, session, "korne")

    assert shown[-2:] == ["Maria Kornelia", "Yuli Kornelius"] and len(shown) == SEARCH_LIMIT


def test_a_miss_asks_every_tier_and_no_more(trainer_setup, django_assert_num_queries):
    user, session = trainer_setup
    person(session, "Herlina Mambor")

    with django_assert_num_queries(TEXT_MISS_QUERIES):
        assert names(user, session, "zqxv") == []
    with django_assert_num_queries(PHONE_DIGITS_MISS_QUERIES):
        assert names(user, session, "97531") == []


def test_numbers_typed_from_their_start_come_in_number_order_and_stop_at_the_page(trainer_setup, django_assert_num_queries):
    user, session = trainer_setup
    for n in range(SEARCH_LIMIT + 3):
        person(session, f"Penjual {n:02d}", phone=f"+628530{n:07d}", roster=n % 3 != 0)

    for typed in ("0853 0", "+62853-0", "62 853 0", "(0853) 0", "+62 853 0"):
        with django_assert_num_queries(PHONE_START_QUERIES):
            shown = participant_search(user=user, session=session, query=typed)
        assert [p.phone for p in shown] == [f"+628530{n:07d}" for n in range(SEARCH_LIMIT)], typed


def test_digits_from_the_middle_come_after_numbers_that_start_with_them(trainer_setup):
    user, session = trainer_setup
    person(session, "Ina Inside", phone="+6281299887766")  # "99887" inside
    person(session, "Sam Start", phone="+629988712345")  # +62 then "99887": typed without the 0

    assert names(user, session, "99887") == ["Sam Start", "Ina Inside"]
    assert names(user, session, "998-87") == ["Sam Start", "Ina Inside"]


def test_nobody_outside_the_scope_appears_however_well_they_match(trainer_setup):
    user, session = trainer_setup
    mine = person(session, "Frederika Rumere Satu", phone="+6282199990001")
    other_partner = AttendanceFactory(
        session=TrainingSessionFactory(city=session.city, partner=PartnerFactory()),
        participant=ParticipantFactory(city=session.city, full_name="Frederika", phone="+6282199990000"),
    ).participant  # the exact name and the lowest number, of another partner
    elsewhere = person(session, "Frederika", phone="+6282199990002", city=CityFactory(), roster=False)  # mine, other city
    erased = person(session, "Frederika", phone="+6282199990003")
    erased.erased_at = timezone.now()
    erased.save(update_fields=["erased_at"])
    merged = person(session, "Frederika", phone="+6282199990004", merged_into=mine)

    for typed in ("Frederika", "frede", "0821 9999", "+62821-9999-000", "99990"):
        shown = [p.pk for p in participant_search(user=user, session=session, query=typed)]
        assert shown == [mine.pk], typed
    assert {other_partner.pk, elsewhere.pk, erased.pk, merged.pk}.isdisjoint(
        p.pk for p in participant_search(user=user, session=session, query="Frederika")
    )


def test_someone_on_the_roster_from_another_city_ranks_among_the_citys_people(trainer_setup):
    user, session = trainer_setup
    for n in range(SEARCH_LIMIT + 1):
        person(session, f"Kornelia Sawaki {n:02d}")
    guest = person(session, "Kornelia Amos", city=CityFactory())  # on this roster, lives elsewhere
    person(session, "Kornelia Amos", city=CityFactory(), roster=False)  # the same name elsewhere, not here: never

    shown = participant_search(user=user, session=session, query="Kornelia")

    assert [p.full_name for p in shown][:2] == ["Kornelia Amos", "Kornelia Sawaki 00"] and len(shown) == SEARCH_LIMIT
    assert shown[0].pk == guest.pk and shown[0].session_status == "registered"


def test_each_person_carries_their_status_in_this_session(trainer_setup):
    user, session = trainer_setup
    here = person(session, "Lukas Mandacan")
    person(session, "Lukas Wenda", roster=False)

    statuses = {p.full_name: p.session_status for p in participant_search(user=user, session=session, query="lukas")}

    assert statuses == {here.full_name: "registered", "Lukas Wenda": ""}


def test_every_query_of_the_people_has_one_order_by_the_tiers(trainer_setup):
    """An ORDER BY inside the scope's `IN (...)` (the model's default ordering) stops PostgreSQL pulling the
    subquery up: at 1,000,000 it then computed the trainer's whole scope on every search (2 s instead of 1 ms)."""
    user, session = trainer_setup
    person(session, "Herlina Mambor")

    for typed in ("herl", "zqxv", "0852 1234", "1234"):
        with CaptureQueriesContext(connection) as ctx:
            participant_search(user=user, session=session, query=typed)
        assert ctx.captured_queries and all(q["sql"].count("ORDER BY") == 1 for q in ctx.captured_queries), typed


def test_digits_typed_without_the_0_find_indonesian_numbers_before_foreign_ones(trainer_setup):
    user, session = trainer_setup
    person(session, "Ana Macau", phone="+85366123456")  # starts "+853 66": a foreign number
    person(session, "Budi Lokal", phone="+6285366123456")  # "0853 6612 3456" typed as "853 66..."
    person(session, "Cici Tengah", phone="+6281285366999")  # "85366" inside

    assert names(user, session, "85366") == ["Budi Lokal", "Ana Macau", "Cici Tengah"]
