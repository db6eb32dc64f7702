"""The participant edit page: access through users/scoping.py, saving, the conflict, the query count."""

import pytest

from participants.models import DuplicateCandidate, Participant
from tests.factories import AttendanceFactory, ParticipantFactory, PartnerFactory, TrainerFactory
from users.models import Role

pytestmark = pytest.mark.django_db


def _form(person: Participant, **overrides) -> dict:
    data = {
        "phone": person.phone,
        "full_name": person.full_name,
        "gender": person.gender,
        "kind": person.kind,
        "business_name": person.business_name,
        "agency": person.agency,
        "sector": person.sector,
        "scale": person.scale,
        "nib": person.nib,
        "email": person.email,
        "city": person.city_id,
        "updated_at": person.updated_at.isoformat(),
    }
    if person.whatsapp_opt_in:
        data["whatsapp_opt_in"] = "on"
    data.update(overrides)
    return data


def test_trainer_corrects_a_phone_of_someone_in_their_session(client, trainer_setup):
    user, session = trainer_setup
    person = AttendanceFactory(session=session, participant__phone="+6281300000001").participant
    client.force_login(user)

    page = client.get(f"/participants/{person.pk}/edit/")
    assert page.status_code == 200
    response = client.post(f"/participants/{person.pk}/edit/", _form(person, phone="0813 1111 2222"))

    assert response.status_code == 302
    person.refresh_from_db()
    assert person.phone == "+6281311112222"


def test_trainer_of_another_partner_gets_404(client, trainer_setup, make_user):
    _, session = trainer_setup
    person = AttendanceFactory(session=session).participant
    partner = PartnerFactory()
    stranger = make_user(Role.TRAINER, partner=partner)
    TrainerFactory(partner=partner, user=stranger)
    client.force_login(stranger)

    assert client.get(f"/participants/{person.pk}/edit/").status_code == 404
    assert client.post(f"/participants/{person.pk}/edit/", _form(person, full_name="X")).status_code == 404
    person.refresh_from_db()
    assert person.full_name != "X"


@pytest.mark.parametrize("role", [Role.KSP_MONITOR, Role.POLICY_VIEWER])
def test_ksp_and_policy_viewers_get_403(client, make_user, role):
    person = ParticipantFactory()
    client.force_login(make_user(role))
    assert client.get(f"/participants/{person.pk}/edit/").status_code == 403
    assert client.post(f"/participants/{person.pk}/edit/", _form(person, full_name="X")).status_code == 403


def test_a_second_editor_is_told_and_nothing_is_overwritten(client, make_user):
    person = ParticipantFactory(full_name="Siti Aminah")
    client.force_login(make_user(Role.PROGRAMME_ADMIN))
    stale = _form(person)
    client.post(f"/participants/{person.pk}/edit/", {**stale, "full_name": "Siti Aminah Putri"})

    response = client.post(f"/participants/{person.pk}/edit/", {**stale, "full_name": "Siti A."})

    assert response.status_code == 200
    assert 'data-testid="edit-conflict"' in response.content.decode()
    person.refresh_from_db()
    assert person.full_name == "Siti Aminah Putri"


def test_a_phone_someone_else_has_shows_the_merge_queue_offer(client, make_user):
    holder = ParticipantFactory(phone="+6281399998888")
    person = ParticipantFactory()
    client.force_login(make_user(Role.PROGRAMME_ADMIN))

    response = client.post(f"/participants/{person.pk}/edit/", _form(person, phone="081399998888"))

    assert 'data-testid="to-merge-queue"' in response.content.decode()
    queued = client.post(f"/participants/{person.pk}/edit/", _form(person, phone="081399998888", to_merge_queue="1"))
    assert queued.status_code == 302
    assert DuplicateCandidate.objects.filter(participant=person, existing=holder).exists()
    person.refresh_from_db()
    assert person.phone != "+6281399998888"  # nothing saved


def test_the_edit_page_and_roster_link_it(client, trainer_setup):
    user, session = trainer_setup
    person = AttendanceFactory(session=session).participant
    client.force_login(user)
    assert f"/participants/{person.pk}/edit/" in client.get(f"/trainer/sessions/{session.pk}/").content.decode()
    assert f"/participants/{person.pk}/edit/" in client.get(f"/participants/{person.pk}/").content.decode()


def test_edit_page_query_count_is_small(client, trainer_setup, django_assert_max_num_queries):
    user, session = trainer_setup
    person = AttendanceFactory(session=session).participant
    AttendanceFactory.create_batch(5, session=session)
    client.force_login(user)
    with django_assert_max_num_queries(12):
        client.get(f"/participants/{person.pk}/edit/")
    with django_assert_max_num_queries(25):
        client.post(f"/participants/{person.pk}/edit/", _form(person, full_name="Nama Benar"))
