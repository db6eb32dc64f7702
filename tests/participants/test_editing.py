"""Correcting a participant's details: participants/services/editing.py."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from audit.models import AuditAction, AuditEvent
from participants.models import DuplicateCandidate, Participant, ParticipantKind
from participants.services.editing import EditConflict, PhoneTaken, participant_send_to_merge_queue, participant_update
from tests.factories import AttendanceFactory, CityFactory, ParticipantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(make_user):
    return make_user("programme_admin")


def test_phone_typed_any_way_is_stored_as_e164(admin):
    person = ParticipantFactory()
    changed = participant_update(participant=person, by=admin, phone="0813-1111-2222")
    person.refresh_from_db()
    assert person.phone == "+6281311112222"
    assert changed == ["phone"]


def test_an_invalid_phone_is_refused_with_a_message_on_the_phone_field(admin):
    person = ParticipantFactory(phone="+6281311112222")
    with pytest.raises(ValidationError) as exc:
        participant_update(participant=person, by=admin, phone="12")
    assert "phone" in exc.value.error_dict
    person.refresh_from_db()
    assert person.phone == "+6281311112222"


def test_nib_must_have_13_digits(admin):
    person = ParticipantFactory()
    with pytest.raises(ValidationError) as exc:
        participant_update(participant=person, by=admin, nib="12345")
    assert "nib" in exc.value.error_dict
    participant_update(participant=person, by=admin, nib="1234 5678 90123")
    person.refresh_from_db()
    assert person.nib == "1234567890123"


def test_umkm_needs_a_business_and_pemda_needs_an_agency(admin):
    person = ParticipantFactory(kind=ParticipantKind.UMKM, business_name="Warung", agency="")
    with pytest.raises(ValidationError) as exc:
        participant_update(participant=person, by=admin, business_name="")
    assert "business_name" in exc.value.error_dict
    with pytest.raises(ValidationError) as exc:
        participant_update(participant=person, by=admin, kind=ParticipantKind.PEMDA)
    assert "agency" in exc.value.error_dict
    participant_update(participant=person, by=admin, kind=ParticipantKind.PEMDA, agency="Diskominfo")
    person.refresh_from_db()
    assert person.kind == ParticipantKind.PEMDA and person.agency == "Diskominfo"


def test_an_erased_participant_cannot_be_edited(admin):
    person = ParticipantFactory(erased_at=timezone.now(), full_name="")
    with pytest.raises(ValidationError):
        participant_update(participant=person, by=admin, full_name="Someone")
    person.refresh_from_db()
    assert person.full_name == ""


def test_a_phone_another_active_person_has_is_refused_and_offers_the_merge_queue(admin):
    holder = ParticipantFactory(phone="+6281399998888")
    person = ParticipantFactory(phone="+6281300000001")
    with pytest.raises(PhoneTaken) as exc:
        participant_update(participant=person, by=admin, phone="081399998888")
    assert "antrean penggabungan" in " ".join(exc.value.message_dict["phone"])  # "merge queue", in Indonesian
    person.refresh_from_db()
    assert person.phone == "+6281300000001"

    assert participant_send_to_merge_queue(participant=person, phone="081399998888")
    candidate = DuplicateCandidate.objects.get()
    assert (candidate.participant, candidate.existing) == (person, holder)


def test_the_phone_of_a_merged_away_record_is_free(admin):
    keep = ParticipantFactory()
    ParticipantFactory(phone="+6281399998888", merged_into=keep)
    person = ParticipantFactory()
    participant_update(participant=person, by=admin, phone="+6281399998888")
    person.refresh_from_db()
    assert person.phone == "+6281399998888"


def test_a_second_editor_working_from_an_older_copy_gets_a_conflict(admin):
    person = ParticipantFactory(full_name="Siti Aminah")
    loaded = Participant.objects.get(pk=person.pk).updated_at
    participant_update(participant=person, by=admin, expected_updated_at=loaded, full_name="Siti Aminah Putri")
    with pytest.raises(EditConflict):
        participant_update(participant=person, by=admin, expected_updated_at=loaded, full_name="Siti A.")
    person.refresh_from_db()
    assert person.full_name == "Siti Aminah Putri"


def test_the_audit_entry_names_the_fields_but_holds_no_personal_values(admin):
    person = ParticipantFactory(full_name="Budi Santoso", phone="+6281300000001")
    participant_update(participant=person, by=admin, full_name="Budi Santosa", phone="081311112222", gender="female")
    event = AuditEvent.objects.get(action=AuditAction.PARTICIPANT_UPDATED)
    assert event.object_id == str(person.pk) and event.actor == admin
    assert sorted(event.changes["fields"]) == ["full_name", "phone"]  # gender was already female
    stored = str(event.changes)
    for value in ("Budi", "Santos", "8130000", "8131111"):
        assert value not in stored


def test_nothing_changed_writes_no_audit_entry(admin):
    person = ParticipantFactory()
    assert participant_update(participant=person, by=admin, full_name=person.full_name) == []
    assert not AuditEvent.objects.exists()


def test_counts_changed_only_when_a_counted_attribute_changed(admin, django_capture_on_commit_callbacks, counts_events):
    calls = counts_events
    attendance = AttendanceFactory()
    person = attendance.participant

    with django_capture_on_commit_callbacks(execute=True):
        participant_update(participant=person, by=admin, full_name="Nama Baru", phone="081311112222")
    assert calls == []

    with django_capture_on_commit_callbacks(execute=True):
        participant_update(participant=person, by=admin, gender="male")
    assert calls == [{(attendance.session.programme_id, attendance.session.city_id)}]

    calls.clear()
    new_city = CityFactory()
    with django_capture_on_commit_callbacks(execute=True):  # where the person lives is not what the figures slice by
        participant_update(participant=person, by=admin, city=new_city)
    assert calls == []
