"""Imported rows that look like someone already known (not by phone) are flagged in the preview and queued for merging."""

import pytest
from django.urls import reverse

from participants.models import DuplicateCandidate, Participant
from participants.services.imports import import_apply, import_create
from participants.tasks import participant_import_run
from tests.factories import AttendanceFactory, CityFactory, ParticipantFactory, PartnerFactory, TrainingSessionFactory
from users.models import Role

pytestmark = pytest.mark.django_db


def _csv(session, rows):
    lines = ["session,name,phone,gender,business,nib,status"] + [f"{session.pk},{r}" for r in rows]
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture
def known(db):
    session = TrainingSessionFactory()
    return {
        "session": session,
        "dewi": ParticipantFactory(
            city=session.city, full_name="Dewi Lestari", business_name="Dapur Dewi", phone="+628114455600", nib=""
        ),
        "rudi": ParticipantFactory(city=session.city, full_name="Rudi Hartono", business_name="Toko Rudi", nib="1234567890123"),
        "elsewhere": ParticipantFactory(city=CityFactory(), full_name="Yohana Wenda", business_name="Noken Wamena"),
    }


ROWS = [
    "Dewi Lestary,0812 9999 0001,P,Dapur Dewi,,hadir",  # similar name + business, new phone
    "R. Hartono,0812 9999 0002,L,Bengkel,1234567890123,hadir",  # same NIB
    "Dewi Lestari,+62 811 4455 600,P,Dapur Dewi,,hadir",  # same phone: an existing person, not a duplicate
    "Yohana Wenda,0812 9999 0003,P,Noken Wamena,,hadir",  # the similar person lives in another city
    "Agus Salim,0812 9999 0004,L,Warung Agus,,hadir",  # nobody like them
]


def test_preview_flags_possible_duplicates_with_who_and_why(make_user, known):
    admin = make_user(Role.PROGRAMME_ADMIN)

    job = import_create(user=admin, name="list.csv", content=_csv(known["session"], ROWS))

    rows = {p["name"]: p for p in job.preview}
    assert rows["Dewi Lestary"]["possible_duplicate_of"] == [known["dewi"].pk]
    assert "Dewi Lestari" in rows["Dewi Lestary"]["reason"] and "nama dan usaha mirip" in rows["Dewi Lestary"]["reason"]
    assert rows["R. Hartono"]["possible_duplicate_of"] == [known["rudi"].pk] and "NIB sama" in rows["R. Hartono"]["reason"]
    assert rows["Dewi Lestari"]["action"] == "match" and "possible_duplicate_of" not in rows["Dewi Lestari"]
    assert "possible_duplicate_of" not in rows["Yohana Wenda"] and "possible_duplicate_of" not in rows["Agus Salim"]
    assert [p["action"] for p in job.preview] == ["create", "create", "match", "create", "create"]


def test_importing_records_the_flagged_rows_in_the_merge_queue_once(make_user, known):
    admin = make_user(Role.PROGRAMME_ADMIN)
    job = import_create(user=admin, name="list.csv", content=_csv(known["session"], ROWS))

    import_apply(participant_import=job)
    import_apply(participant_import=job)

    pairs = {(c.participant.full_name, c.existing_id, c.reason) for c in DuplicateCandidate.objects.select_related("participant")}
    assert pairs == {("Dewi Lestary", known["dewi"].pk, "name"), ("R. Hartono", known["rudi"].pk, "nib")}
    assert Participant.objects.filter(full_name="Dewi Lestary").count() == 1  # created, not silently merged
    assert Participant.objects.filter(phone="+628114455600").count() == 1  # the phone match reused the record


def test_a_failing_import_leaves_no_merge_queue_entries(make_user, known, monkeypatch):
    from participants.services import imports

    admin = make_user(Role.PROGRAMME_ADMIN)
    job = import_create(user=admin, name="list.csv", content=_csv(known["session"], ROWS))
    written = []

    def explode(**kwargs):  # the merge-queue entries are in (inside the transaction) when the counts follow
        written.append(DuplicateCandidate.objects.count())
        raise RuntimeError("disk full")

    monkeypatch.setattr(imports, "counted_attendance_sync", explode)
    with pytest.raises(RuntimeError):
        participant_import_run(job.pk)

    assert written == [2]
    assert DuplicateCandidate.objects.count() == 0 and not Participant.objects.filter(full_name="Dewi Lestary").exists()


def test_preview_page_shows_the_possible_duplicate_and_the_count(client, make_user, known):
    client.force_login(make_user(Role.PROGRAMME_ADMIN))
    upload = _upload(client, known["session"], ROWS)

    html = client.get(upload["Location"]).content.decode()

    assert 'data-testid="preview-duplicates"' in html and "Dewi Lestari" in html
    assert "kemungkinan duplikat" in html


def test_a_coordinator_is_not_shown_the_name_of_someone_outside_their_partner(client, make_user, known):
    partner = PartnerFactory()
    session = TrainingSessionFactory(partner=partner, city=known["session"].city)
    client.force_login(make_user(Role.PARTNER_COORDINATOR, partner=partner))

    html = client.get(_upload(client, session, ROWS[:1])["Location"]).content.decode()

    assert "Dewi Lestari" not in html and 'data-testid="preview-duplicates"' in html


def test_a_coordinator_sees_the_name_of_their_own_participant(client, make_user, known):
    partner = PartnerFactory()
    session = TrainingSessionFactory(partner=partner, city=known["session"].city)
    AttendanceFactory(session=session, participant=known["dewi"])
    client.force_login(make_user(Role.PARTNER_COORDINATOR, partner=partner))

    html = client.get(_upload(client, session, ROWS[:1])["Location"]).content.decode()

    assert "Dewi Lestari" in html


def _upload(client, session, rows):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        reverse("participants:import"), {"file": SimpleUploadedFile("list.csv", _csv(session, rows), "text/csv")}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return response


def test_preview_query_count_does_not_grow_with_rows(client, make_user, known, django_assert_max_num_queries):
    client.force_login(make_user(Role.PROGRAMME_ADMIN))
    for i in range(40):  # people in the city, some alike
        ParticipantFactory(city=known["session"].city, full_name=f"Dewi Lestari {i}", business_name="Dapur Dewi")

    def rows(n):
        return [f"Dewi Lestari {i},0813 7777 {i:04d},P,Dapur Dewi,,hadir" for i in range(n)]

    with django_assert_max_num_queries(30) as few:
        _upload(client, known["session"], rows(3))
    with django_assert_max_num_queries(len(few.captured_queries)):
        _upload(client, known["session"], rows(60))
    from participants.models import ParticipantImport

    flagged = [p for p in ParticipantImport.objects.latest("pk").preview if p.get("possible_duplicate_of")]
    assert len(flagged) == 60  # "Dewi Lestari 7" is like the known "Dewi Lestari 7" (and more): every row is flagged


def test_batch_matching_agrees_with_the_walk_in_rule(known, django_assert_num_queries):
    from participants.services.matching import Person, participant_find_matches, participants_find_matches_many

    city = known["session"].city
    ParticipantFactory(city=city, full_name="Dewi Lestari", business_name="Salon Cantik")  # same name, other business
    ParticipantFactory(city=city, full_name="Dewii Lestari", business_name="")  # name only: weaker, still offered
    people = [
        Person(city_id=city.pk, full_name="Dewi Lestary", business_name="Dapur Dewi"),
        Person(city_id=city.pk, full_name="Rudi", business_name="", nib="1234567890123"),
        Person(city_id=city.pk, full_name="Yohana Wenda", business_name="Noken Wamena"),
        Person(city_id=None, full_name="Dewi Lestari"),
    ]

    with django_assert_num_queries(3):  # NIBs, the cities' distinct names, the records bearing a similar name
        many = participants_find_matches_many(people=people)

    single = [
        participant_find_matches(city_id=p.city_id, nib=p.nib, full_name=p.full_name, business_name=p.business_name)
        for p in people
    ]
    assert [[(m.participant.pk, m.reason, m.score) for m in ms] for ms in many] == [
        [(m.participant.pk, m.reason, m.score) for m in ms] for ms in single
    ]
    assert {m.participant.full_name for m in many[0]} == {"Dewi Lestari", "Dewii Lestari"}
