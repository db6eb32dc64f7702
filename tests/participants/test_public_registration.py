"""Issue 9, finding 2: the public registration link never rewrites a stored person, and cannot tell
whether a phone is known. Plus the limits on public forms and the staff's control over the link."""

import datetime as dt
import re
import uuid

import pytest
from django.utils import timezone

from audit.models import AuditAction, AuditEvent
from notifications.models import ContactPreference
from notifications.services.messages import opt_out_token, participant_key
from participants.models import Attendance, Participant, ProposalStatus, ProposedChange, RegistrationSource
from tests.factories import AttendanceFactory, ParticipantFactory, PartnerFactory, TrainerFactory, TrainingSessionFactory
from users.models import Role

pytestmark = pytest.mark.django_db

STORED = {
    "full_name": "Siti Rahmawati",
    "phone": "+6281144556677",
    "email": "siti@warung.id",
    "business_name": "Warung Siti",
}
PERSON_FIELDS = ("full_name", "phone", "email", "gender", "business_name", "nib", "consent_version", "consent_at", "updated_at")


def _open_session(**kw):
    now = timezone.now()
    return TrainingSessionFactory(starts_at=now + dt.timedelta(days=1), ends_at=now + dt.timedelta(days=1, hours=3), **kw)


def _form(phone: str, **overrides) -> dict:
    return {
        "client_id": str(uuid.uuid4()),
        "full_name": "Orang Lain",
        "phone": phone,
        "gender": "female",
        "business_name": "Usaha Lain",
        "email": "lain@contoh.id",
        "consent": "on",
        **overrides,
    }


def _snapshot(person: Participant) -> dict:
    person.refresh_from_db()
    return {f: getattr(person, f) for f in PERSON_FIELDS}


def _without_tokens(html: str) -> str:
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return re.sub(r'"X-CSRFToken": "[^"]+"', "", html)


@pytest.fixture
def known(make_user):
    """A person trained earlier by partner A; a session of partner B with an open public link."""
    partner_a = PartnerFactory()
    earlier = TrainingSessionFactory(partner=partner_a)
    person = ParticipantFactory(city=earlier.city, **STORED)
    AttendanceFactory(participant=person, session=earlier, status="attended", checked_in_at=timezone.now())
    session = _open_session(city=earlier.city, programme=earlier.programme)
    return person, session, partner_a


def test_a_known_phone_registers_the_person_and_changes_nothing_stored(client, known):
    person, session, _ = known
    before = _snapshot(person)

    response = client.post(
        f"/r/{session.registration_token}/",
        _form("0811-4455-6677", full_name="Nama Palsu", email="penyerang@contoh.id", business_name="Bisnis Palsu"),
    )

    assert response.status_code == 302
    assert _snapshot(person) == before
    attendance = Attendance.objects.get(participant=person, session=session)
    assert attendance.source == RegistrationSource.SELF and attendance.status == "registered"
    proposal = ProposedChange.objects.get(participant=person)
    assert proposal.status == ProposalStatus.PENDING and proposal.session == session
    assert proposal.values == {"full_name": "Nama Palsu", "email": "penyerang@contoh.id", "business_name": "Bisnis Palsu"}
    assert not AuditEvent.objects.filter(action=AuditAction.PARTICIPANT_UPDATED).exists()
    assert Participant.objects.filter(phone=STORED["phone"]).count() == 1


def test_the_answer_is_the_same_whether_the_phone_is_known_or_not(client, known):
    person, session, _ = known
    url = f"/r/{session.registration_token}/"

    for_known = client.post(url, _form("0811-4455-6677", full_name="Nama Palsu"))
    for_unknown = client.post(url, _form("0811-9999-0000", full_name="Nama Palsu"))

    assert for_known.status_code == for_unknown.status_code == 302
    assert for_known["Location"] == for_unknown["Location"]
    page_known, page_unknown = client.get(for_known["Location"]), client.get(for_unknown["Location"])
    assert page_known.status_code == page_unknown.status_code == 200
    assert _without_tokens(page_known.content.decode()) == _without_tokens(page_unknown.content.decode())
    assert STORED["full_name"] not in page_known.content.decode()


def test_a_resubmitted_or_repeated_form_leaves_one_proposal(client, known):
    person, session, _ = known
    form = _form("+6281144556677", full_name="Siti R.")

    client.post(f"/r/{session.registration_token}/", form)
    client.post(f"/r/{session.registration_token}/", form)  # the same submission replayed
    client.post(f"/r/{session.registration_token}/", {**form, "client_id": str(uuid.uuid4())})  # typed again

    assert ProposedChange.objects.filter(participant=person).count() == 1
    assert Attendance.objects.filter(participant=person, session=session).count() == 1


def test_typing_exactly_what_is_stored_proposes_nothing(client, known):
    person, session, _ = known
    client.post(f"/r/{session.registration_token}/", _form("+6281144556677", **{k: v for k, v in STORED.items() if k != "phone"}))

    assert Attendance.objects.filter(participant=person, session=session).exists()
    assert not ProposedChange.objects.exists()


# --- rate limits ----------------------------------------------------------------------------------


def test_too_many_posts_from_one_address_get_429_in_indonesian_and_write_nothing(client, settings):
    settings.PUBLIC_FORM_RATE_LIMITS = {"address": (3, 600), "link": (100, 600)}
    session = _open_session()
    url = f"/r/{session.registration_token}/"
    for n in range(3):
        assert client.post(url, _form(f"08119000000{n}")).status_code == 302

    limited = client.post(url, _form("081190000009"))

    body = limited.content.decode()
    assert limited.status_code == 429 and "Terlalu banyak percobaan" in body and "Tidak ada yang disimpan" in body
    assert limited["Retry-After"] == "600"
    assert not Participant.objects.filter(phone="+6281190000009").exists()
    assert Participant.objects.count() == 3
    assert client.get(url).status_code == 200  # reading the form is not limited


def test_too_many_posts_through_one_link_get_429_from_any_address(client, settings):
    settings.PUBLIC_FORM_RATE_LIMITS = {"address": (100, 600), "link": (2, 600)}
    session, other = _open_session(), _open_session()
    url = f"/r/{session.registration_token}/"
    client.post(url, _form("081190000001"), REMOTE_ADDR="10.0.0.1")
    client.post(url, _form("081190000002"), REMOTE_ADDR="10.0.0.2")

    limited = client.post(url, _form("081190000003"), REMOTE_ADDR="10.0.0.3")
    elsewhere = client.post(f"/r/{other.registration_token}/", _form("081190000004"), REMOTE_ADDR="10.0.0.3")

    assert limited.status_code == 429 and "Terlalu banyak percobaan" in limited.content.decode()
    assert not Participant.objects.filter(phone="+6281190000003").exists()
    assert elsewhere.status_code == 302  # another session's link has its own count


def test_the_opt_out_form_is_limited_too(client, settings):
    settings.PUBLIC_FORM_RATE_LIMITS = {"address": (1, 600), "link": (100, 600)}
    first, second = ParticipantFactory(), ParticipantFactory()

    done = client.post(f"/notifications/opt-out/{opt_out_token(participant_key(first.pk))}/")
    limited = client.post(f"/notifications/opt-out/{opt_out_token(participant_key(second.pk))}/")

    assert done.status_code == 200 and limited.status_code == 429
    assert "Terlalu banyak percobaan" in limited.content.decode()
    assert not ContactPreference.objects.filter(participant=second).exists()


# --- closing and replacing the link ---------------------------------------------------------------


@pytest.fixture
def coordinated(make_user):
    partner = PartnerFactory()
    session = _open_session(partner=partner)
    return make_user(Role.PARTNER_COORDINATOR, partner=partner), session


def test_the_coordinator_closes_the_link_and_it_says_it_is_no_longer_valid(client, coordinated):
    coordinator, session = coordinated
    client.force_login(coordinator)
    page = client.get(f"/schedule/sessions/{session.pk}/").content.decode()
    assert 'data-testid="close-link"' in page and str(session.registration_token) in page

    client.post(f"/schedule/sessions/{session.pk}/registration-link/", {"action": "close"})
    client.logout()

    shown = client.get(f"/r/{session.registration_token}/")
    posted = client.post(f"/r/{session.registration_token}/", _form("081190000001"))
    assert shown.status_code == 410 and "Tautan ini tidak berlaku lagi" in shown.content.decode()
    assert posted.status_code == 410 and not Participant.objects.filter(phone="+6281190000001").exists()


def test_replacing_the_link_kills_the_old_one_and_opens_a_new_one(client, coordinated):
    coordinator, session = coordinated
    old_token = session.registration_token
    client.force_login(coordinator)
    client.post(f"/schedule/sessions/{session.pk}/registration-link/", {"action": "close"})

    client.post(f"/schedule/sessions/{session.pk}/registration-link/", {"action": "replace"})
    client.logout()

    session.refresh_from_db()
    assert session.registration_token != old_token and session.registration_link_closed_at is None
    old = client.get(f"/r/{old_token}/")
    assert old.status_code == 404 and "Tautan ini tidak berlaku lagi" in old.content.decode()
    assert client.post(f"/r/{old_token}/", _form("081190000001")).status_code == 404
    assert client.get(f"/r/{session.registration_token}/").status_code == 200
    assert client.post(f"/r/{session.registration_token}/", _form("081190000002")).status_code == 302
    assert not Participant.objects.filter(phone="+6281190000001").exists()


def test_only_staff_running_the_session_control_its_link(client, coordinated, make_user):
    _, session = coordinated
    token = session.registration_token
    url = f"/schedule/sessions/{session.pk}/registration-link/"
    client.force_login(make_user(Role.PARTNER_COORDINATOR, partner=PartnerFactory()))
    assert client.post(url, {"action": "replace"}).status_code == 404
    trainer = make_user(Role.TRAINER, partner=session.partner)
    session.lead_trainer = TrainerFactory(partner=session.partner, user=trainer)
    session.save()
    client.force_login(trainer)
    assert client.post(url, {"action": "close"}).status_code == 403
    client.force_login(make_user(Role.PROGRAMME_ADMIN))
    assert client.post(url, {"action": "close"}).status_code == 302

    session.refresh_from_db()
    assert session.registration_token == token and session.registration_link_closed_at is not None
