import pytest
from django.db import IntegrityError, transaction

from participants.models import AttendanceStatus
from tests.factories import AttendanceFactory, ParticipantFactory

pytestmark = pytest.mark.django_db


def test_nib_must_be_13_digits_or_empty():
    ParticipantFactory(nib="1234567890123")
    ParticipantFactory(nib="")
    with pytest.raises(IntegrityError), transaction.atomic():
        ParticipantFactory(nib="12345")


def test_phone_is_stored_in_e164():
    with pytest.raises(IntegrityError), transaction.atomic():
        ParticipantFactory(phone="081234567890")


def test_attended_requires_a_check_in_time():
    with pytest.raises(IntegrityError), transaction.atomic():
        AttendanceFactory(status=AttendanceStatus.ATTENDED, checked_in_at=None)
