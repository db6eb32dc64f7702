"""The sync endpoint: one receipt per action, the online flow's rules, nothing applied twice."""

import datetime as dt
import json
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from offline.models import SyncedAction
from participants.checkin_access import session_day
from participants.models import Attendance, AttendanceStatus, DuplicateCandidate, Participant
from tests.factories import AttendanceFactory, ParticipantFactory, PartnerFactory, TrainerFactory
from users.models import Role

pytestmark = pytest.mark.django_db

URL = "/offline/sync/"


def send(client, *actions, raw=None):
    body = raw if raw is not None else json.dumps({"actions": list(actions)})
    return client.post(URL, body, content_type="application/json", headers={"Accept": "application/json"})


def check_in(session, person, **extra):
    return {"client_id": str(uuid.uuid4()), "kind": "check_in", "session": session.pk, "participant": person.pk, **extra}


def walk_in(session, **data):
    fields = {"full_name": "Budi Santoso", "phone": "0813 9876 5432", "gender": "male", "business_name": "Bengkel Budi"}
    fields.update(scale="mikro", consent=True)
    fields.update(data)
    return {"client_id": str(uuid.uuid4()), "kind": "walk_in", "session": session.pk, "data": fields}


@pytest.fixture
def registered(trainer_setup):
    _user, session = trainer_setup
    return AttendanceFactory(
        session=session, participant=ParticipantFactory(city=session.city, home_partner=session.partner)
    ).participant


def test_the_probe_says_who_is_logged_in_and_gives_a_csrf_token(client, trainer_setup):
    user, _session = trainer_setup
    client.force_login(user)
    answer = client.get(URL).json()
    assert answer["user"] == user.pk and len(answer["csrf"]) == 64


def test_an_expired_login_is_sent_to_log_in_and_nothing_is_applied(client, trainer_setup, registered):
    _user, session = trainer_setup
    response = send(client, check_in(session, registered))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert Attendance.objects.get(participant=registered).status == AttendanceStatus.REGISTERED


def test_a_stale_csrf_token_is_refused_without_applying(trainer_setup, registered):
    from django.test import Client

    user, session = trainer_setup
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post(
        URL,
        json.dumps({"actions": [check_in(session, registered)]}),
        content_type="application/json",
        headers={"X-CSRFToken": "x" * 32},
    )
    assert response.status_code == 403
    assert Attendance.objects.get(participant=registered).status == AttendanceStatus.REGISTERED


def test_a_check_in_is_applied_once_and_a_replay_changes_nothing(client, trainer_setup, registered):
    user, session = trainer_setup
    client.force_login(user)
    action = check_in(session, registered)

    first = send(client, action).json()
    again = send(client, action).json()

    assert first["receipts"][0]["outcome"] == "applied"
    assert first["receipts"][0]["participant"] == registered.pk
    assert again["receipts"][0]["outcome"] == "already_applied"
    attendance = Attendance.objects.get(participant=registered)
    assert attendance.status == AttendanceStatus.ATTENDED and attendance.checked_in_by == user
    assert SyncedAction.objects.count() == 1
    roster = first["rosters"][str(session.pk)]
    assert roster["counts"]["attended"] == 1
    assert [r["status"] for r in roster["rows"]] == ["attended"]


def test_an_undo_replayed_after_a_new_check_in_does_not_undo_it_again(client, trainer_setup, registered):
    user, session = trainer_setup
    client.force_login(user)
    undo = {"client_id": str(uuid.uuid4()), "kind": "undo", "session": session.pk, "participant": registered.pk}

    send(client, check_in(session, registered), undo, check_in(session, registered))
    assert Attendance.objects.get(participant=registered).status == AttendanceStatus.ATTENDED

    assert send(client, undo).json()["receipts"][0]["outcome"] == "already_applied"
    assert Attendance.objects.get(participant=registered).status == AttendanceStatus.ATTENDED


def test_only_the_trainers_own_sessions(client, trainer_setup, make_user, registered):
    _user, session = trainer_setup
    colleague = make_user(Role.TRAINER, partner=session.partner)
    TrainerFactory(partner=session.partner, user=colleague)
    client.force_login(colleague)

    receipt = send(client, check_in(session, registered)).json()["receipts"][0]

    assert receipt["outcome"] == "refused" and "bukan" in receipt["reason"].lower()
    assert Attendance.objects.get(participant=registered).status == AttendanceStatus.REGISTERED


def test_someone_out_of_scope_is_refused(client, trainer_setup):
    user, session = trainer_setup
    stranger = ParticipantFactory(home_partner=PartnerFactory())
    client.force_login(user)
    receipt = send(client, check_in(session, stranger)).json()["receipts"][0]
    assert receipt["outcome"] == "refused"
    assert not Attendance.objects.filter(participant=stranger).exists()


def test_a_roles_without_personal_data_gets_403(client, make_user, trainer_setup, registered):
    _user, session = trainer_setup
    client.force_login(make_user(Role.KSP_MONITOR))
    assert send(client, check_in(session, registered)).status_code == 403


@pytest.mark.parametrize(
    ("raw", "status"),
    [("not json", 400), ("[]", 400), ('{"actions": []}', 400), ('{"actions": "x"}', 400)],
)
def test_a_malformed_batch_is_refused_with_a_clear_message(client, trainer_setup, raw, status):
    user, _session = trainer_setup
    client.force_login(user)
    response = send(client, raw=raw)
    assert response.status_code == status
    assert response.json()["error"]
    assert not SyncedAction.objects.exists()


def test_an_oversized_batch_is_refused(client, trainer_setup, registered):
    user, session = trainer_setup
    client.force_login(user)
    response = send(client, *[check_in(session, registered) for _ in range(101)])
    assert response.status_code == 413 and "100" in response.json()["error"]
    assert Attendance.objects.get(participant=registered).status == AttendanceStatus.REGISTERED


def test_each_action_has_its_own_answer(client, trainer_setup, registered):
    user, session = trainer_setup
    client.force_login(user)
    receipts = send(
        client,
        {"kind": "check_in", "session": session.pk, "participant": registered.pk},  # no client id
        {**check_in(session, registered), "kind": "teleport"},
        check_in(session, registered),
    ).json()["receipts"]
    assert [r["outcome"] for r in receipts] == ["refused", "refused", "applied"]
    assert all(r["reason"] for r in receipts[:2])


def test_a_wrong_device_clock_is_recorded_but_stays_within_the_sessions_day(client, trainer_setup, registered):
    user, session = trainer_setup
    client.force_login(user)
    wrong = "2001-01-01T08:00:00+00:00"

    send(client, check_in(session, registered, device_at=wrong))

    action = SyncedAction.objects.get()
    assert action.device_at == dt.datetime(2001, 1, 1, 8, tzinfo=dt.UTC)
    start, end = session_day(session)
    checked_in_at = Attendance.objects.get(participant=registered).checked_in_at
    assert start <= checked_in_at < end and checked_in_at <= timezone.now()


def test_a_believable_device_clock_is_the_check_in_time(client, trainer_setup, registered):
    user, session = trainer_setup
    client.force_login(user)
    tapped = session.starts_at + dt.timedelta(minutes=10)

    send(client, check_in(session, registered, device_at=tapped.isoformat()))

    assert Attendance.objects.get(participant=registered).checked_in_at == tapped


def test_a_walk_in_is_added_once(client, trainer_setup):
    user, session = trainer_setup
    client.force_login(user)
    action = walk_in(session)

    receipt = send(client, action).json()["receipts"][0]
    replay = send(client, action).json()["receipts"][0]

    person = Participant.objects.get(full_name="Budi Santoso")
    assert receipt["outcome"] == "applied" and receipt["participant"] == person.pk
    assert replay["outcome"] == "already_applied"
    assert person.phone == "+6281398765432" and person.home_partner_id == session.partner_id
    assert Attendance.objects.get(participant=person, session=session).status == AttendanceStatus.ATTENDED
    assert Participant.objects.filter(full_name="Budi Santoso").count() == 1


def test_a_walk_in_with_a_known_phone_in_another_format_is_that_person(client, trainer_setup):
    user, session = trainer_setup
    known = ParticipantFactory(city=session.city, phone="+6285211112222", full_name="Maria Lumban", home_partner=session.partner)
    client.force_login(user)

    receipt = send(client, walk_in(session, full_name="Maria L", phone="62 852-1111-2222")).json()["receipts"][0]

    assert receipt["outcome"] == "merged" and receipt["participant"] == known.pk
    assert Participant.objects.filter(phone="+6285211112222").count() == 1
    known.refresh_from_db()
    assert known.full_name == "Maria Lumban"  # what the phone typed does not overwrite the record
    assert Attendance.objects.get(participant=known, session=session).status == AttendanceStatus.ATTENDED


def test_a_known_phone_of_another_partner_checks_in_a_guest_without_showing_them(client, trainer_setup):
    from audit.models import AuditAction, AuditEvent

    user, session = trainer_setup
    theirs = ParticipantFactory(
        city=session.city, phone="+6281277788899", full_name="Sari Wulandari", home_partner=PartnerFactory()
    )
    client.force_login(user)

    answer = send(client, walk_in(session, full_name="Ibu Sari", phone="0812 7778 8899")).json()

    receipt = answer["receipts"][0]
    assert receipt["outcome"] == "merged" and "Sari Wulandari" not in receipt["message"]
    row = answer["rosters"][str(session.pk)]["rows"][0]
    assert row["guest"] and row["phone"] == "" and row["detail"] == ""
    assert theirs.business_name not in json.dumps(answer) and "8899" not in json.dumps(answer)
    assert AuditEvent.objects.get(action=AuditAction.CROSS_PARTNER_MATCH).changes["reason"] == "present"


def test_an_incomplete_walk_in_is_refused_with_its_reason_and_writes_nothing(client, trainer_setup):
    user, session = trainer_setup
    client.force_login(user)
    receipt = send(client, walk_in(session, consent=False)).json()["receipts"][0]
    assert receipt["outcome"] == "refused" and "consent" in receipt["errors"]
    assert not Participant.objects.filter(full_name="Budi Santoso").exists()
    assert SyncedAction.objects.get().reason  # kept, so a replay gets the same answer


def test_a_refusal_keeps_no_personal_data(client, trainer_setup):
    user, session = trainer_setup
    client.force_login(user)
    receipt = send(client, walk_in(session, phone="ABCDEF")).json()["receipts"][0]
    assert receipt["outcome"] == "refused" and "phone" in receipt["errors"]
    assert "ABCDEF" in receipt["reason"] and "ABCDEF" not in SyncedAction.objects.get().reason


def test_a_similar_name_makes_a_new_person_for_the_merge_queue(client, trainer_setup):
    user, session = trainer_setup
    similar = ParticipantFactory(
        city=session.city, full_name="Budi Santoso", business_name="Bengkel Budi", phone="+6281100000001"
    )
    client.force_login(user)
    assert send(client, walk_in(session)).json()["receipts"][0]["outcome"] == "applied"
    new = Participant.objects.exclude(pk=similar.pk).get(full_name="Budi Santoso")
    assert DuplicateCandidate.objects.filter(participant__in=[new, similar]).exists() or DuplicateCandidate.objects.exists()


def test_a_closed_session_refuses_a_trainers_check_in(client, trainer_setup, registered):
    user, session = trainer_setup
    session.attendance_closed_at = timezone.now()
    session.save(update_fields=["attendance_closed_at"])
    client.force_login(user)
    receipt = send(client, check_in(session, registered)).json()["receipts"][0]
    assert receipt["outcome"] == "refused" and receipt["reason"]
    assert Attendance.objects.get(participant=registered).status == AttendanceStatus.REGISTERED


def test_the_session_page_may_stay_on_the_phone_only_for_the_trainers_own_sessions(client, trainer_setup, make_user):
    user, session = trainer_setup
    client.force_login(user)
    page = client.get(reverse("participants:session-checkin", kwargs={"pk": session.pk}))
    assert page["X-Offline-Cache"] == "1"

    coordinator = make_user(Role.PARTNER_COORDINATOR, partner=session.partner)
    client.force_login(coordinator)
    page = client.get(reverse("participants:session-checkin", kwargs={"pk": session.pk}))
    assert page.status_code == 200 and "X-Offline-Cache" not in page


def test_yesterdays_session_is_not_kept(client, trainer_setup):
    user, session = trainer_setup
    session.starts_at -= dt.timedelta(days=2)
    session.ends_at -= dt.timedelta(days=2)
    session.save(update_fields=["starts_at", "ends_at"])
    client.force_login(user)
    page = client.get(reverse("participants:session-checkin", kwargs={"pk": session.pk}))
    assert "X-Offline-Cache" not in page


def test_the_session_page_has_no_inline_script(client, trainer_setup):
    user, session = trainer_setup
    client.force_login(user)
    html = client.get(reverse("participants:session-checkin", kwargs={"pk": session.pk})).content.decode()
    import re

    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert " onclick=" not in html and " onsubmit=" not in html


def test_the_service_worker_and_manifest_are_served_from_the_root(client):
    sw = client.get("/sw.js")
    assert sw["Content-Type"].startswith("application/javascript")
    assert sw["Service-Worker-Allowed"] == "/"
    assert b"LAJU_SW" in sw.content and b"/static/vendor/idb/idb.umd.js" in sw.content
    manifest = client.get("/manifest.webmanifest").json()
    assert manifest["scope"] == "/" and manifest["start_url"] == "/trainer/sessions/"
    from django.contrib.staticfiles import finders
    from PIL import Image

    for icon in manifest["icons"]:
        path = finders.find(icon["src"].removeprefix("/static/"))
        width, height = Image.open(path).size
        assert icon["sizes"] == f"{width}x{height}"
