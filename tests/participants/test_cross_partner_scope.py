"""Issue 9, findings 1 and 3: no path widens anyone's reach to another partner's people.

Partner B trained Sari Manuhutu in 2018. Partner A's coordinator imports her phone, and partner
A's trainer types it on the walk-in form: neither learns who she is, neither gets her record.
"""

import datetime as dt
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from audit.models import AuditAction, AuditEvent
from participants.models import Attendance, AttendanceStatus, DuplicateCandidate, Participant, RegistrationSource
from tests.factories import AttendanceFactory, ParticipantFactory, PartnerFactory, TrainerFactory, TrainingSessionFactory
from users.models import Role

pytestmark = pytest.mark.django_db

PHONE = "+6281277788899"
NAME = "Sari Manuhutu"
BUSINESS = "Abon Ikan Sari"


@pytest.fixture
def world(make_user):
    """Partner A (coordinator, trainer with a session today) and partner B's person, trained in 2018."""
    partner_a, partner_b = PartnerFactory(), PartnerFactory()
    trainer_user = make_user(Role.TRAINER, partner=partner_a)
    trainer = TrainerFactory(partner=partner_a, user=trainer_user)
    now = timezone.now()
    session = TrainingSessionFactory(
        partner=partner_a,
        lead_trainer=trainer,
        starts_at=now - dt.timedelta(minutes=30),
        ends_at=now + dt.timedelta(hours=3),
        capacity=30,
    )
    theirs = ParticipantFactory(city=session.city, full_name=NAME, phone=PHONE, business_name=BUSINESS, email="sari@example.org")
    b_session = TrainingSessionFactory(
        partner=partner_b, city=session.city, starts_at=dt.datetime(2018, 10, 3, 2, 0, tzinfo=dt.UTC)
    )
    AttendanceFactory(participant=theirs, session=b_session, status=AttendanceStatus.ATTENDED, checked_in_at=b_session.starts_at)
    theirs.refresh_from_db()
    assert theirs.home_partner_id == partner_b.pk
    return {
        "session": session,
        "trainer": trainer_user,
        "coordinator_a": make_user(Role.PARTNER_COORDINATOR, partner=partner_a),
        "coordinator_b": make_user(Role.PARTNER_COORDINATOR, partner=partner_b),
        "admin": make_user(Role.PROGRAMME_ADMIN),
        "theirs": theirs,
    }


def _leaks(body: str, phone: bool = True) -> list[str]:
    """The personal values of B's person that appear in a response (the phone too, unless the user typed it)."""
    values = [NAME, "Manuhutu", BUSINESS, "sari@example.org"]
    if phone:
        values += [PHONE, "0812-7778-8899", "081277788899", "8899"]
    return [v for v in values if v in body]


# --- finding 1: an import pulls in another partner's person ---------------------------------


def _upload(client, session, rows):
    lines = ["session,name,phone,gender,business,status"] + [f"{session.pk},{r}" for r in rows]
    upload = SimpleUploadedFile("daftar.csv", ("\n".join(lines) + "\n").encode(), content_type="text/csv")
    response = client.post("/participants/import/", {"file": upload})
    assert response.status_code == 302, response.content.decode()[:500]
    return response["Location"]


def test_import_of_another_partners_phone_neither_reveals_nor_attaches_the_person(client, world):
    session, theirs = world["session"], world["theirs"]
    client.force_login(world["coordinator_a"])

    detail_url = _upload(client, session, ["Ibu S,0812 7778 8899,P,,hadir", "Budi Baru,0813 1111 2222,L,Bengkel Budi,hadir"])
    preview = client.get(detail_url).content.decode()

    assert "matches a person registered by another partner; an admin will review" in preview or (
        "mitra lain" in preview  # the Indonesian page says the same
    )
    assert 'data-testid="preview-outside-scope"' in preview
    assert _leaks(preview) == []
    assert f"/participants/{theirs.pk}/" not in preview

    confirmed = client.post(detail_url.rstrip("/") + "/confirm/")
    assert confirmed.status_code == 302

    # B's person is untouched: not attended at A's session, not A's, not renamed
    assert not Attendance.objects.filter(participant=theirs, session=session).exists()
    theirs.refresh_from_db()
    assert (theirs.full_name, theirs.home_partner_id) == (NAME, world["theirs"].home_partner_id)
    # the row became a new person of partner A, checked in, and waits in the merge queue
    newcomer = Participant.objects.get(phone=PHONE, full_name="Ibu S")
    assert newcomer.home_partner_id == session.partner_id
    assert Attendance.objects.get(participant=newcomer, session=session).status == AttendanceStatus.ATTENDED
    candidate = DuplicateCandidate.objects.get(participant=newcomer)
    assert candidate.existing_id == theirs.pk and candidate.reason == "phone"

    # A's pages and exports never show B's person
    assert client.get(f"/participants/{theirs.pk}/").status_code == 404
    # (the phone itself is in A's pages: A typed it, for the new record that is A's own)
    listing = client.get("/participants/").content.decode() + client.get("/participants/", {"q": "8899"}).content.decode()
    participants_csv = b"".join(client.get("/participants/export/participants.csv").streaming_content).decode("utf-8-sig")
    attendance_csv = b"".join(client.get("/participants/export/attendance.csv").streaming_content).decode("utf-8-sig")
    for body in (listing, participants_csv, attendance_csv):
        assert _leaks(body, phone=False) == []
    assert not any(line.lstrip("\ufeff").startswith(f"{theirs.pk},") for line in participants_csv.splitlines())
    assert "Ibu S" in participants_csv and "Budi Baru" in participants_csv

    # the admin sees the pair in the merge queue
    client.force_login(world["admin"])
    queue = client.get("/participants/duplicates/").content.decode()
    assert NAME in queue and "Ibu S" in queue

    # and the import is on record with its counts, no personal values
    event = AuditEvent.objects.get(action=AuditAction.BULK_IMPORTED)
    assert event.changes == {"rows": 2, "created": 2, "matched": 0, "flagged": 1, "errors": 0}
    assert event.actor == world["coordinator_a"]


def test_import_of_ones_own_people_still_matches_them(client, world):
    session = world["session"]
    mine = AttendanceFactory(
        session=TrainingSessionFactory(partner=session.partner), participant=ParticipantFactory(phone="+6281300000001")
    ).participant
    client.force_login(world["coordinator_a"])

    detail_url = _upload(client, session, ["Orang Saya,0813 0000 0001,P,,hadir"])
    assert 'data-testid="preview-outside-scope"' not in client.get(detail_url).content.decode()
    client.post(detail_url.rstrip("/") + "/confirm/")

    assert Attendance.objects.get(participant=mine, session=session).status == AttendanceStatus.ATTENDED
    assert Participant.objects.filter(phone="+6281300000001").count() == 1
    assert not DuplicateCandidate.objects.exists()


# --- finding 3: walk-in matching reveals anyone by phone -------------------------------------


def _walk_in_form(**extra):
    return {
        "client_id": str(uuid.uuid4()),
        "full_name": "Ibu Sari",
        "phone": "0812 7778 8899",
        "gender": "female",
        "business_name": "Kue",
        "consent": "on",
        **extra,
    }


def test_walk_in_match_of_another_partners_person_shows_only_masked_hints(client, world):
    session, theirs = world["session"], world["theirs"]
    client.force_login(world["trainer"])

    typed = client.get(f"/trainer/sessions/{session.pk}/matches/", {"phone": "0812 7778 8899", "full_name": "Ibu"})
    posted = client.post(f"/trainer/sessions/{session.pk}/walk-in/", _walk_in_form())

    # the form page echoes the phone the trainer typed; the stored name, business and e-mail never appear
    for response, typed_phone_echoed in ((typed, False), (posted, True)):
        body = response.content.decode()
        assert f'data-testid="match-{theirs.pk}"' in body
        assert "S*** M., " + session.city.name in body and "2018" in body
        assert _leaks(body, phone=not typed_phone_echoed) == []
        assert 'name="match_reason"' in body  # acting on it needs a reason
    assert Participant.objects.filter(phone=PHONE).count() == 1  # nothing created


def test_checking_in_another_partners_person_needs_a_reason_opens_only_that_attendance_and_undo_takes_it_back(client, world):
    session, theirs, trainer = world["session"], world["theirs"], world["trainer"]
    client.force_login(trainer)
    body = client.get(f"/trainer/sessions/{session.pk}/matches/", {"phone": "0812 7778 8899"}).content.decode()
    token = body.split('name="match_token" value="')[1].split('"')[0]
    check_in = {"participant": theirs.pk, "client_id": str(uuid.uuid4()), "match_token": token}

    refused = client.post(f"/trainer/sessions/{session.pk}/check-in/", check_in, follow=True)
    assert "Pilih alasan" in refused.content.decode() or "Choose why" in refused.content.decode()
    assert not Attendance.objects.filter(session=session).exists()
    forged = client.post(f"/trainer/sessions/{session.pk}/check-in/", {**check_in, "match_reason": "because"}, follow=True)
    assert not Attendance.objects.filter(session=session).exists() and forged.status_code == 200

    client.post(f"/trainer/sessions/{session.pk}/check-in/", {**check_in, "match_reason": "present"})
    client.post(f"/trainer/sessions/{session.pk}/check-in/", {**check_in, "match_reason": "present"})  # a double tap

    attendance = Attendance.objects.get(session=session, participant=theirs)
    assert attendance.status == AttendanceStatus.ATTENDED and attendance.source == RegistrationSource.MATCHED
    event = AuditEvent.objects.get(action=AuditAction.CROSS_PARTNER_MATCH)
    assert event.actor == trainer and event.object_id == str(attendance.pk)
    assert event.changes == {"reason": "present", "session_id": session.pk, "participant_id": theirs.pk}

    # the roster shows her name (she is in front of them), nothing more
    roster = client.get(f"/trainer/sessions/{session.pk}/").content.decode()
    assert NAME in roster and f'data-testid="guest-{theirs.pk}"' in roster
    assert BUSINESS not in roster and "0812-7778-8899" not in roster and f"/participants/{theirs.pk}/edit/" not in roster
    # her record, its edit page and her other attendances stay closed
    assert client.get(f"/participants/{theirs.pk}/").status_code in (403, 404)
    assert client.get(f"/participants/{theirs.pk}/edit/").status_code == 404
    attendance_csv = b"".join(client.get("/participants/export/attendance.csv").streaming_content).decode("utf-8-sig")
    assert attendance_csv.count(NAME) == 1  # this session's row only, not her 2018 attendance
    assert PHONE not in attendance_csv
    participants_csv = b"".join(client.get("/participants/export/participants.csv").streaming_content).decode("utf-8-sig")
    assert _leaks(participants_csv) == []
    # the coordinator of A does not get her record either
    client.force_login(world["coordinator_a"])
    assert client.get(f"/participants/{theirs.pk}/").status_code == 404

    # undo: the roster row is gone and so is the access
    client.force_login(trainer)
    undone = client.post(f"/trainer/sessions/{session.pk}/undo-check-in/", {"participant": theirs.pk}, follow=True)
    assert undone.status_code == 200
    assert not Attendance.objects.filter(session=session, participant=theirs).exists()
    roster = client.get(f"/trainer/sessions/{session.pk}/").content.decode()
    assert NAME not in roster
    assert (
        client.post(
            f"/trainer/sessions/{session.pk}/check-in/",
            {"participant": theirs.pk, "client_id": str(uuid.uuid4())},
            HTTP_ACCEPT="application/json",
        ).status_code
        == 404
    )
    assert AuditEvent.objects.filter(action=AuditAction.CHECK_IN_UNDONE, object_id=str(attendance.pk)).exists()


def test_a_match_token_is_the_trainers_own(client, world, make_user):
    """A token handed to someone else (another trainer of the session's partner) lets them do nothing."""
    from participants.views.trainer import match_token

    session, theirs = world["session"], world["theirs"]
    colleague = make_user(Role.TRAINER, partner=session.partner)
    session.co_trainers.add(TrainerFactory(partner=session.partner, user=colleague))
    token = match_token(participant_id=theirs.pk, session_id=session.pk, user_id=world["trainer"].pk)
    client.force_login(colleague)

    response = client.post(
        f"/trainer/sessions/{session.pk}/check-in/",
        {"participant": theirs.pk, "client_id": str(uuid.uuid4()), "match_token": token, "match_reason": "listed"},
        HTTP_ACCEPT="application/json",
    )

    assert response.status_code == 404 and not Attendance.objects.filter(session=session).exists()


def test_a_returning_person_of_ones_own_partner_is_checked_in_from_the_match_without_a_reason(client, world):
    session = world["session"]
    ours = AttendanceFactory(
        session=TrainingSessionFactory(partner=session.partner, city=session.city),
        participant=ParticipantFactory(city=session.city, full_name="Maria Lumban", phone="+6285211112222"),
    ).participant
    client.force_login(world["trainer"])
    body = client.get(f"/trainer/sessions/{session.pk}/matches/", {"phone": "0852 1111 2222"}).content.decode()
    token = body.split('name="match_token" value="')[1].split('"')[0]
    assert 'name="match_reason"' not in body

    client.post(
        f"/trainer/sessions/{session.pk}/check-in/",
        {"participant": ours.pk, "client_id": str(uuid.uuid4()), "match_token": token},
    )

    assert Attendance.objects.get(session=session, participant=ours).status == AttendanceStatus.ATTENDED
    assert not AuditEvent.objects.filter(action=AuditAction.CROSS_PARTNER_MATCH).exists()
    assert client.get(f"/participants/{ours.pk}/edit/").status_code == 200  # now one of the trainer's people


def test_someone_of_another_partner_who_registered_for_the_session_is_checked_in_with_one_tap(client, world):
    """Self-registered through the session's link: already on the list, so no match or reason is needed."""
    session, theirs = world["session"], world["theirs"]
    AttendanceFactory(participant=theirs, session=session, source=RegistrationSource.SELF)
    client.force_login(world["trainer"])

    response = client.post(
        f"/trainer/sessions/{session.pk}/check-in/",
        {"participant": theirs.pk, "client_id": str(uuid.uuid4())},
        HTTP_ACCEPT="application/json",
    )

    assert response.status_code == 200
    assert Attendance.objects.get(session=session, participant=theirs).status == AttendanceStatus.ATTENDED
    assert client.get(f"/participants/{theirs.pk}/").status_code in (403, 404)
