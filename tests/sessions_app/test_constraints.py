import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from tests.factories import AttendanceFactory, RoadshowFactory, TrainingSessionFactory

pytestmark = pytest.mark.django_db


def test_session_must_end_after_it_starts():
    session = TrainingSessionFactory.build()
    with pytest.raises(IntegrityError), transaction.atomic():
        TrainingSessionFactory(starts_at=session.starts_at, ends_at=session.starts_at)


def test_session_capacity_must_be_positive():
    with pytest.raises(IntegrityError), transaction.atomic():
        TrainingSessionFactory(capacity=0)


def test_roadshow_cannot_end_before_it_starts():
    with pytest.raises(IntegrityError), transaction.atomic():
        RoadshowFactory(starts_on=dt.date(2018, 9, 20), ends_on=dt.date(2018, 9, 10))


def test_one_attendance_per_participant_and_session():
    attendance = AttendanceFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        AttendanceFactory(participant=attendance.participant, session=attendance.session)
