import datetime as dt
import uuid

import pytest
from django.utils import timezone

from participants.models import (
    Attendance,
    AttendanceStatus,
    DuplicateCandidate,
    DuplicateStatus,
    Participant,
    ProposedChange,
)
from participants.services.merging import participant_merge
from participants.services.registration import participant_register_self
from progress.models import ProgressSnapshot
from progress.services import progress_rebuild
from tests.factories import AttendanceFactory, ParticipantFactory, TrainingSessionFactory
from users.models import Role

pytestmark = pytest.mark.django_db


def test_merging_moves_attendances_and_the_person_counts_once(make_user):
    admin = make_user(Role.PROGRAMME_ADMIN)
    first, second = TrainingSessionFactory(), None
    second = TrainingSessionFactory(programme=first.programme, city=first.city, partner=first.partner)
    keep = ParticipantFactory(city=first.city)
    lose = ParticipantFactory(city=first.city, nib="1234567890123")
    now = timezone.now()
    AttendanceFactory(participant=keep, session=first, status=AttendanceStatus.ATTENDED, checked_in_at=now)
    AttendanceFactory(participant=lose, session=second, status=AttendanceStatus.ATTENDED, checked_in_at=now)
    AttendanceFactory(participant=lose, session=first, status=AttendanceStatus.REGISTERED)
    DuplicateCandidate.objects.create(participant=lose, existing=keep, reason="name", score=90)

    participant_merge(keep=keep, lose=lose, by=admin)

    lose.refresh_from_db()
    keep.refresh_from_db()
    assert lose.merged_into == keep and keep.nib == "1234567890123"
    assert set(Attendance.objects.filter(participant=keep).values_list("session_id", flat=True)) == {first.pk, second.pk}
    assert not Attendance.objects.filter(participant=lose).exists()
    assert DuplicateCandidate.objects.get().status == DuplicateStatus.MERGED
    progress_rebuild(programme_id=first.programme_id)
    total = ProgressSnapshot.objects.filter(programme=first.programme).order_by("-umkm_trained").first()
    assert total.umkm_trained == 1


def test_merge_queue_page_merges_for_admins_only(client, make_user):
    candidate = DuplicateCandidate.objects.create(
        participant=ParticipantFactory(), existing=ParticipantFactory(), reason="phone", score=100
    )
    from tests.factories import PartnerFactory

    client.force_login(make_user(Role.TRAINER, partner=PartnerFactory()))
    assert client.get("/participants/duplicates/").status_code == 403
    client.force_login(make_user(Role.PROGRAMME_ADMIN))

    assert candidate.participant.full_name in client.get("/participants/duplicates/").content.decode()
    client.post(f"/participants/duplicates/{candidate.pk}/", {"action": "keep_existing"})

    assert Participant.objects.get(pk=candidate.participant_id).merged_into_id == candidate.existing_id


def _session(**kw):
    now = timezone.now()
    return TrainingSessionFactory(starts_at=now + dt.timedelta(days=1), ends_at=now + dt.timedelta(days=1, hours=3), **kw)


def test_same_phone_registering_twice_neither_duplicates_nor_overwrites():
    session = _session()
    data = {"full_name": "Dewi", "phone": "+628114455667", "gender": "female", "business_name": "Dapur Dewi"}

    participant_register_self(session=session, data=data, client_id=uuid.uuid4())
    participant_register_self(session=session, data={**data, "business_name": "Dapur Dewi Jaya"}, client_id=uuid.uuid4())

    person = Participant.objects.get()
    assert person.business_name == "Dapur Dewi" and person.consent_version
    assert ProposedChange.objects.get(participant=person).values == {"business_name": "Dapur Dewi Jaya"}
    assert Attendance.objects.get().status == AttendanceStatus.REGISTERED


@pytest.mark.parametrize("state", ["full", "over", "cancelled"])
def test_registration_link_closed_page(client, state):
    session = _session(capacity=1)
    if state == "full":
        AttendanceFactory(session=session)
    elif state == "over":
        session.ends_at = timezone.now() - dt.timedelta(minutes=1)
        session.starts_at = session.ends_at - dt.timedelta(hours=2)
        session.save()
    else:
        session.status = "cancelled"
        session.save()

    response = client.get(f"/r/{session.registration_token}/")
    posted = client.post(
        f"/r/{session.registration_token}/",
        {
            "client_id": str(uuid.uuid4()),
            "full_name": "A",
            "phone": "081234567890",
            "gender": "male",
            "business_name": "B",
            "consent": "on",
        },
    )

    assert response.status_code == 410 and 'data-testid="closed-reason"' in response.content.decode()
    assert posted.status_code == 410 and Participant.objects.filter(full_name="A").count() == 0


def test_pemda_session_asks_for_the_agency(client):
    session = _session(audience="pemda")
    body = client.get(f"/r/{session.registration_token}/").content.decode()
    assert 'name="agency"' in body and 'name="business_name"' not in body


def test_self_registration_similar_to_someone_known_goes_to_the_merge_queue():
    session = _session()
    known = ParticipantFactory(city=session.city, full_name="Dewi Lestari", business_name="Dapur Dewi", phone="+628114455600")

    participant_register_self(
        session=session,
        data={"full_name": "Dewi Lestari", "phone": "+628114455667", "gender": "female", "business_name": "Dapur Dewi"},
        client_id=uuid.uuid4(),
    )

    candidate = DuplicateCandidate.objects.get()
    assert candidate.existing == known and candidate.participant.phone == "+628114455667"


def test_someone_already_registered_registering_again_on_a_full_session_is_not_turned_away():
    session = _session(capacity=1)
    data = {"full_name": "Dewi", "phone": "+628114455667", "gender": "female", "business_name": "Dapur Dewi"}
    first = participant_register_self(session=session, data=data, client_id=uuid.uuid4())

    again = participant_register_self(session=session, data={**data, "business_name": "Dapur Dewi Jaya"}, client_id=uuid.uuid4())

    assert again.pk == first.pk and Participant.objects.get().business_name == "Dapur Dewi"


def test_a_full_session_refuses_a_newcomer_through_the_service_and_writes_nothing():
    from participants.services.registration import RegistrationClosed

    session = _session(capacity=1)
    AttendanceFactory(session=session)
    before = Participant.objects.count()

    with pytest.raises(RegistrationClosed) as closed:
        participant_register_self(
            session=session, data={"full_name": "Baru", "phone": "+628114455668", "gender": "male"}, client_id=uuid.uuid4()
        )

    assert closed.value.reason == "full" and Participant.objects.count() == before
