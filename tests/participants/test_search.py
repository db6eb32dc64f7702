"""The trainer's search-as-you-type on the check-in page: what it finds, in what order, for whom."""

import re

import pytest

from tests.factories import AttendanceFactory, ParticipantFactory, PartnerFactory, TrainingSessionFactory

pytestmark = pytest.mark.django_db

RESULT = re.compile(r'data-testid="result-(\d+)"')


def found(client, session, typed: str) -> list[int]:
    response = client.get(f"/trainer/sessions/{session.pk}/search/", {"q": typed}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    return [int(pk) for pk in RESULT.findall(response.content.decode())]


def on_roster(session, full_name, business_name="Toko Kelontong", phone=None, **extra):
    person = ParticipantFactory(city=session.city, full_name=full_name, business_name=business_name, **extra)
    if phone:
        person.phone = phone
        person.save(update_fields=["phone"])
    return AttendanceFactory(session=session, participant=person).participant


def test_search_finds_a_person_by_a_fragment_of_any_name_word_or_several_words(client, trainer_setup):
    user, session = trainer_setup
    person = on_roster(session, "Siti Nurhaliza Rahmawati")
    on_roster(session, "Dewi Kartika")
    client.force_login(user)

    for typed in ("nurha", "RAHMA", "hali", "siti rah", "rahmawati siti", "Siti Nurhaliza Rahmawati"):
        assert found(client, session, typed) == [person.pk], typed


def test_search_finds_a_person_by_business_or_agency(client, trainer_setup):
    user, session = trainer_setup
    baker = on_roster(session, "Yohana Pattiasina", business_name="Roti Bakar Mama Yo")
    officer = on_roster(session, "Markus Tanamal", business_name="", agency="Dinas Koperasi Kota Ambon")
    client.force_login(user)

    assert found(client, session, "bakar mama") == [baker.pk]
    assert found(client, session, "koperasi") == [officer.pk]


def test_search_finds_a_phone_typed_in_any_format(client, trainer_setup):
    user, session = trainer_setup
    person = on_roster(session, "Agustina Wenda", phone="+6285299887766")
    on_roster(session, "Lukas Mandacan", phone="+6281311112222")
    client.force_login(user)

    for typed in ("0852 9988", "+62852-998", "62852998877", "99887", "887766", "0852-9988-7766", "(0852) 99887766"):
        assert found(client, session, typed) == [person.pk], typed


def test_search_shows_the_exact_name_then_names_starting_with_it_then_later_names_then_businesses(client, trainer_setup):
    user, session = trainer_setup
    inside = on_roster(session, "Yuliani Tandi")  # contains "ani" inside a word: last
    business = on_roster(session, "Petrus Lodo", business_name="Ani Jaya Kue")
    later = on_roster(session, "Maria Ani")
    starts = on_roster(session, "Anita Sulu")
    exact = on_roster(session, "Ani")
    client.force_login(user)

    assert found(client, session, "ani") == [exact.pk, starts.pk, later.pk, business.pk, inside.pk]


def test_search_shows_the_full_number_first_then_numbers_starting_with_it(client, trainer_setup):
    user, session = trainer_setup
    inside = on_roster(session, "Ratna Sari", phone="+6281708123456")  # "0812 3456" in the middle
    longer = on_roster(session, "Benny Wakum", phone="+62812345678")
    exact = on_roster(session, "Clara Ayomi", phone="+6281234567")
    client.force_login(user)

    assert found(client, session, "0812 3456 7") == [exact.pk, longer.pk]
    assert found(client, session, "812 3456") == [exact.pk, longer.pk, inside.pk]  # by number within a tier


def test_two_letters_match_the_start_of_a_word_only(client, trainer_setup):
    user, session = trainer_setup
    first = on_roster(session, "Oktavia Rumbiak")
    second = on_roster(session, "Mince Okto")
    on_roster(session, "Yakob Tokoro")  # "ok" inside a word
    client.force_login(user)

    assert found(client, session, "ok") == [first.pk, second.pk]
    assert found(client, session, "mince ru") == []
    assert found(client, session, "oktavia ru") == [first.pk]


def test_search_is_limited_and_a_miss_says_nobody_was_found(client, trainer_setup):
    user, session = trainer_setup
    for n in range(20):
        on_roster(session, f"Kornelia Sawaki {n:02d}")
    client.force_login(user)

    assert len(found(client, session, "kornelia")) == 15
    response = client.get(f"/trainer/sessions/{session.pk}/search/", {"q": "zqxv"})
    assert (
        "Tidak ditemukan. Tambahkan sebagai peserta langsung." in response.content.decode()
    )  # "Nobody found. Add them as a walk-in."


def test_search_keeps_the_trainers_scope_for_every_kind_of_query(client, trainer_setup):
    user, session = trainer_setup
    other_partner_session = TrainingSessionFactory(city=session.city, partner=PartnerFactory())
    stranger = AttendanceFactory(
        session=other_partner_session,
        participant=ParticipantFactory(city=session.city, full_name="Frederika Womsiwor", business_name="Noken Papua Asli"),
    ).participant
    stranger.phone = "+6282199990000"
    stranger.save(update_fields=["phone"])
    own_partner_not_mine = AttendanceFactory(
        session=TrainingSessionFactory(city=session.city, partner=session.partner),
        participant=ParticipantFactory(city=session.city, full_name="Frederika Kapisa", business_name="Noken Biak"),
    ).participant
    mine = on_roster(session, "Frederika Rumere", business_name="Noken Rumere")
    client.force_login(user)

    for typed in ("frederika", "Frederika Womsiwor", "noken", "0821 9999", "99990000"):
        shown = found(client, session, typed)
        assert stranger.pk not in shown and own_partner_not_mine.pk not in shown, typed
    assert found(client, session, "noken") == [mine.pk]


def test_search_costs_a_few_queries_known_in_advance_whatever_it_finds(client, trainer_setup, django_assert_num_queries):
    user, session = trainer_setup
    for n in range(20):
        on_roster(session, f"Herlina Mambor {n:02d}", phone=f"+628521234{n:04d}")
    client.force_login(user)
    client.get(f"/trainer/sessions/{session.pk}/search/", {"q": "x"})  # the session and auth lookups warmed alike

    for typed, people_queries in (("herlina", 1), ("0852 1234", 1), ("Herlina Mambor 03", 4), ("zqxv", 4), ("1234", 3)):
        with django_assert_num_queries(REQUEST_QUERIES + ROSTER_QUERY + people_queries):
            client.get(f"/trainer/sessions/{session.pk}/search/", {"q": typed})


REQUEST_QUERIES = 2  # the user and the scoped training session (the login session comes from the cache)
ROSTER_QUERY = 1  # people on the session's roster from other cities
# then one query per tier read (participants/search.py), each carrying the person's status here: the first only when it
# fills the page ("herlina", "0852 1234"), every tier when it does not (four for words, three for digits from the middle)
