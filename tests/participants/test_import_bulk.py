"""The import's bulk writes (issue 16): COPY on PostgreSQL, counted attendances of new people from the
rule in SQL, the known people found by phone in one query that cannot take the trigram index."""

import datetime as dt

import pytest
from django.db import connection, transaction

from participants.counting import counted_attendance_fill_new, counted_attendance_rebuild
from participants.models import (
    Attendance,
    AttendanceStatus,
    CountedAttendance,
    ImportStatus,
    Participant,
    ParticipantKind,
    RegistrationSource,
)
from participants.services import imports
from participants.services.imports import import_apply, import_create
from participants.services.matching import _PEOPLE_WITH_PHONES_SQL, participants_with_phones
from participants.tasks import participant_import_run
from sessions_app.models import Audience
from tests.factories import AttendanceFactory, ParticipantFactory, TrainingSessionFactory
from users.models import Role

pytestmark = pytest.mark.django_db


def _csv(rows: list[str]) -> bytes:
    return ("session,name,phone,gender,business,nib,email,status\n" + "\n".join(rows) + "\n").encode()


@pytest.fixture
def programme_sessions():
    """Three sessions of one programme: two UMKM classes a week apart and a pemda class."""
    early = TrainingSessionFactory()
    late = TrainingSessionFactory(
        programme=early.programme, partner=early.partner, city=early.city, starts_at=early.starts_at + dt.timedelta(days=7)
    )
    pemda = TrainingSessionFactory(programme=early.programme, partner=early.partner, audience=Audience.PEMDA)
    return early, late, pemda


def test_new_people_and_their_attendances_are_written_with_every_field(make_user, programme_sessions):
    early, _late, pemda = programme_sessions
    admin = make_user(Role.PROGRAMME_ADMIN)
    content = _csv(
        [
            f"{early.pk},Ani Lestari,0812-1111-2222,P,Warung Ani,1234567890123,ani@example.org,hadir",
            f"{pemda.pk},Budi Santoso,+62 813 3333 4444,L,,,,terdaftar",
        ]
    )

    job = import_apply(participant_import=import_create(user=admin, name="a.csv", content=content))

    assert (job.status, job.created_count) == (ImportStatus.DONE, 2)
    ani = Participant.objects.get(phone="+6281211112222")
    assert (ani.full_name, ani.gender, ani.business_name, ani.nib, ani.email) == (
        "Ani Lestari",
        "female",
        "Warung Ani",
        "1234567890123",
        "ani@example.org",
    )
    assert (ani.city_id, ani.home_partner_id, ani.kind, ani.created_by) == (early.city_id, early.partner_id, "umkm", admin)
    assert ani.consent_at is None and ani.created_at is not None and not ani.is_test and ani.merged_into_id is None
    budi = Participant.objects.get(phone="+6281333334444")
    assert budi.kind == ParticipantKind.PEMDA
    attended = Attendance.objects.get(participant=ani)
    assert (attended.status, attended.source, attended.checked_in_at, attended.checked_in_by) == (
        AttendanceStatus.ATTENDED,
        RegistrationSource.IMPORT,
        early.starts_at,
        admin,
    )
    registered = Attendance.objects.get(participant=budi)
    assert (registered.status, registered.checked_in_at, registered.checked_in_by) == (AttendanceStatus.REGISTERED, None, None)
    assert registered.registered_at is not None


def test_counted_attendances_after_an_import_are_what_the_rule_computes(
    make_user, programme_sessions, counts_events, django_capture_on_commit_callbacks
):
    early, late, pemda = programme_sessions
    known = ParticipantFactory(phone="+6281900000001", home_partner=early.partner, city=early.city)
    AttendanceFactory(participant=known, session=late, status=AttendanceStatus.ATTENDED, checked_in_at=late.starts_at)
    admin = make_user(Role.PROGRAMME_ADMIN)
    rows = [
        f"{late.pk},Citra,0812 5555 0001,P,Toko Citra,,,hadir",  # first seen at the later class...
        f"{pemda.pk},Dewi,0812 5555 0002,P,,,,hadir",  # a pemda officer: counted at the pemda class
        f"{early.pk},Eka,0812 5555 0003,L,Usaha Eka,,,terdaftar",  # registered only: never counted
        f"{early.pk},Fajar,0812 5555 0004,L,Usaha Fajar,,,hadir",
        f"{early.pk},Known,0819-0000-0001,P,,,,hadir",  # a known person, now at the earlier class too
    ]
    rows += [f"{early.pk},Filler {i},0813 7000 {i:04d},P,Usaha {i},,,hadir" for i in range(2_100)]  # over one chunk
    rows.append(f"{early.pk},Citra again,0812-5555-0001,P,,,,hadir")  # ...and at the earlier one, in a later chunk
    job = import_create(user=admin, name="a.csv", content=_csv(rows))
    with django_capture_on_commit_callbacks(execute=True):
        import_apply(participant_import=job)

    assert len(rows) > imports.CHUNK_ROWS
    assert counted_attendance_rebuild(programme_id=early.programme_id) == 0  # nothing to repair: kept in step
    counted = dict(CountedAttendance.objects.values_list("participant__full_name", "session_id"))
    assert counted["Citra"] == early.pk  # the earlier attendance counts, though written in a later chunk
    assert counted["Dewi"] == pemda.pk and counted["Fajar"] == early.pk and counted[known.full_name] == early.pk
    assert "Eka" not in counted
    assert len(counted) == 2_100 + 4
    assert {(early.programme_id, early.city_id), (pemda.programme_id, pemda.city_id)} <= set().union(*counts_events)


def test_a_failing_import_leaves_no_people_attendances_or_counts(make_user, programme_sessions, monkeypatch):
    early, _late, _pemda = programme_sessions
    admin = make_user(Role.PROGRAMME_ADMIN)
    job = import_create(user=admin, name="a.csv", content=_csv([f"{early.pk},Ani,0812 1111 2222,P,W,,,hadir"]))
    seen = []

    def explode(**kwargs):
        seen.append((Participant.objects.count(), Attendance.objects.count()))
        raise RuntimeError("disk full")

    monkeypatch.setattr(imports, "counted_attendance_fill_new", explode)

    with pytest.raises(RuntimeError):
        participant_import_run(job.pk)

    job.refresh_from_db()
    assert seen == [(1, 1)]  # the rows were in, by COPY, inside the transaction
    assert job.status == ImportStatus.FAILED and "disk full" in job.failure
    assert (Participant.objects.count(), Attendance.objects.count(), CountedAttendance.objects.count()) == (0, 0, 0)


def test_the_new_peoples_rows_go_in_by_copy(make_user, programme_sessions, monkeypatch):
    early, _late, _pemda = programme_sessions
    admin = make_user(Role.PROGRAMME_ADMIN)
    copied = []
    real_copy = imports.copy_rows
    monkeypatch.setattr(
        imports, "copy_rows", lambda model, fields, rows: copied.append(model.__name__) or real_copy(model, fields, rows)
    )
    job = import_create(user=admin, name="a.csv", content=_csv([f"{early.pk},Ani,0812 1111 2222,P,W,,,hadir"]))

    import_apply(participant_import=job)

    assert copied == ["Participant", "Attendance"]
    assert Participant.objects.get().attendances.count() == 1


def test_fill_new_counts_only_the_people_it_is_given(programme_sessions):
    early, late, _pemda = programme_sessions
    person, other = ParticipantFactory(), ParticipantFactory()
    for who in (person, other):
        AttendanceFactory(participant=who, session=late, status=AttendanceStatus.ATTENDED, checked_in_at=late.starts_at)
        AttendanceFactory(participant=who, session=early, status=AttendanceStatus.ATTENDED, checked_in_at=early.starts_at)

    touched = counted_attendance_fill_new(participant_ids=[person.pk])

    assert list(CountedAttendance.objects.values_list("participant_id", "session_id")) == [(person.pk, early.pk)]
    assert {slice_[-1] for slice_ in touched} == {early.pk}


def test_people_with_phones_oldest_first_active_only_in_one_query(django_assert_num_queries):
    oldest = ParticipantFactory(phone="+6281200000001")
    newer = ParticipantFactory(phone="+6281200000001")
    merged = ParticipantFactory(phone="+6281200000002", merged_into=oldest)
    ParticipantFactory(phone="+6281200000003")

    with django_assert_num_queries(5):  # a savepoint, the setting, the lookup, the setting back, the release
        found = participants_with_phones(phones=["+6281200000001", "+6281200000002", "+6289999999999", ""])

    assert found == [(oldest.pk, "+6281200000001"), (newer.pk, "+6281200000001")]
    assert (merged.pk, "+6281200000002") in participants_with_phones(phones=["+6281200000002"], active_only=False)
    assert participants_with_phones(phones=[]) == []


def test_the_phone_lookup_leaves_bitmap_scans_as_they_were():
    ParticipantFactory(phone="+6281200000001")
    with transaction.atomic():
        participants_with_phones(phones=["+6281200000001"])
        with connection.cursor() as cursor:
            cursor.execute("SHOW enable_bitmapscan")
            assert cursor.fetchone()[0] == "on"
    participants_with_phones(phones=["+6281200000001"])  # outside a transaction of the caller's
    with connection.cursor() as cursor:
        cursor.execute("SHOW enable_bitmapscan")
        assert cursor.fetchone()[0] == "on"


def test_the_phone_lookup_is_planned_on_the_btree_not_the_trigram_index():
    ParticipantFactory.create_batch(30)
    phones = [f"+62812{n:08d}" for n in range(3000)]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute("EXPLAIN " + _PEOPLE_WITH_PHONES_SQL.format(active="TRUE"), [phones])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "trgm" not in plan


def test_the_word_index_finds_exactly_the_names_a_scan_of_every_word_finds():
    import random

    from participants.services.matching import NameIndex, _name_tokens
    from tests.factories import CityFactory

    rng = random.Random(16)
    syllables = ["ka", "ri", "to", "la", "me", "sa", "nu", "wi", "da", "go", "an", "i"]

    def word() -> str:
        return "".join(rng.choice(syllables) for _ in range(rng.randint(1, 4))).capitalize()

    city = CityFactory()
    names = sorted({f"{word()} {word()}" + (f"-{word()}" if rng.random() < 0.2 else "") for _ in range(80)})
    for name in names:
        ParticipantFactory(city=city, full_name=name)
    index = NameIndex()
    index.load({city.pk})
    known = index._names[city.pk]
    found = 0
    for _ in range(300):
        for token in _name_tokens(f"{word()} {word()}{word()}"):
            scanned = {i for i, name in enumerate(known) for w in name.lower().split() if token in w}
            assert set(index._names_containing(city.pk, token)) == scanned, token
            found += bool(scanned)
    assert found > 50  # most tokens are found somewhere: the comparison is not between empty sets


def test_bulk_matching_gives_exactly_the_rule_a_scan_of_every_record_gives(monkeypatch):
    """participants_find_matches_many (the word index, its memo of tokens, forgotten when full) against the
    rule applied to every record: a name token (3 characters or more) inside the record's name, a similar
    name (token_sort_ratio >= 85) and a similar business when both are known, in the same city, active records
    only. Generated names sharing syllables, plus short names, accents and case, the same name in another city,
    erased and merged people."""
    import random

    from django.utils import timezone
    from rapidfuzz import fuzz, utils

    from participants.services import matching
    from participants.services.matching import NAME_SIMILARITY, Match, NameIndex, Person, _name_score, _name_tokens
    from tests.factories import CityFactory

    monkeypatch.setattr(matching, "_CONTAINING_KEPT", 40)  # the memo is forgotten again and again
    monkeypatch.setattr(matching, "_CONTAINING_WORTH", 2)
    rng = random.Random(1616)
    syllables = ["ka", "ri", "to", "la", "me", "sa", "nu", "wi", "dé", "go", "an", "i", "Ö"]

    def word() -> str:
        return "".join(rng.choice(syllables) for _ in range(rng.randint(1, 3))).capitalize()

    def name() -> str:
        return rng.choice([f"{word()} {word()}", f"{word()}", f"{word()} {word()} {word()}".upper(), f"{word()}-{word()}"])

    city, other = CityFactory(), CityFactory()
    businesses = ["", "Dapur Sari", "Warung Sari", "Toko Kue Lestari", "Sari Jaya"]
    people = [
        ParticipantFactory(
            city=rng.choice([city, city, other]), full_name=name(), business_name=rng.choice(businesses), agency=""
        )
        for _ in range(150)
    ]
    for p in people[:10]:
        ParticipantFactory(city=p.city, full_name=p.full_name, business_name=p.business_name)  # same name twice
    gone = rng.sample(people, 12)
    for p in gone[:6]:
        Participant.objects.filter(pk=p.pk).update(erased_at=timezone.now())
    for p in gone[6:]:
        Participant.objects.filter(pk=p.pk).update(merged_into=people[-1] if p is not people[-1] else people[0])
    asked = [
        Person(city_id=city.pk, full_name=p.full_name[:-1] + "a", business_name=rng.choice(businesses))
        for p in rng.sample(people, 60)
    ]
    asked += [Person(city_id=city.pk, full_name=name(), business_name=rng.choice(businesses)) for _ in range(200)]
    asked += [Person(city_id=city.pk, full_name=n) for n in ("Al", "Ka Ri", "SARI", "sári", "", "  ")]
    asked += [Person(city_id=None, full_name=people[0].full_name)]

    records = list(Participant.objects.filter(merged_into__isnull=True, erased_at__isnull=True).order_by("pk"))

    def by_the_rule(person: Person) -> list[tuple[int, str, int]]:
        tokens = _name_tokens(person.full_name)
        found = []
        for p in records:
            if not (person.city_id and tokens and p.city_id == person.city_id):
                continue
            if not any(t in p.full_name.lower() for t in tokens):
                continue
            if fuzz.token_sort_ratio(person.full_name, p.full_name, processor=utils.default_process) < NAME_SIMILARITY:
                continue
            score = _name_score(person.full_name, person.business_name, p)
            if score is not None:
                found.append(Match(p, "name", score))
        return [(m.participant.pk, m.reason, m.score) for m in sorted(found, key=lambda m: -m.score)[:5]]

    index = NameIndex()
    many = matching.participants_find_matches_many(people=asked, names=index)
    expected = [by_the_rule(person) for person in asked]
    assert [[(m.participant.pk, m.reason, m.score) for m in ms] for ms in many] == expected
    assert sum(bool(e) for e in expected) > 12  # a good number are found: not a comparison of empty lists
    assert not {m.participant.pk for ms in many for m in ms} & {p.pk for p in gone}
    # asked again through the same index (its memos warm), the same answers
    again = matching.participants_find_matches_many(people=asked, names=index)
    assert [[(m.participant.pk, m.score) for m in ms] for ms in again] == [[(pk, s) for pk, _r, s in e] for e in expected]
