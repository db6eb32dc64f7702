"""What one check-in's refresh costs in SQL statements does not depend on how full its slice is.

A slice (city, partner, audience, local day) holding one session with one person and the same
slice holding 20 sessions with 10 people each: the refresh after one more check-in issues the
same, pinned number of statements, and the figures still equal a direct count.
"""

import datetime as dt
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from participants.models import Attendance, AttendanceStatus
from participants.services.checkin import attendance_check_in
from progress import services
from progress.services import progress_rebuild, progress_refresh
from tests.counting import direct_slices, stored_slices
from tests.factories import CityFactory, ParticipantFactory, PartnerFactory, ProgrammeFactory, TrainingSessionFactory

pytestmark = pytest.mark.django_db

# What one check-in's refresh issues: lock, pending rows (read, delete, the not-yet-rebuilt guard),
# the touched session's stored row, its session row, attendances (one grouping) and counted people,
# its new row, the touched slice's session rows (summed), the old slices, the moves, the dimension
# rows. None of them reads more than the touched sessions' rows and the slice's session rows.
REFRESH_QUERIES = 18


def _slice(sessions: int, people_each: int):
    programme, city, partner = ProgrammeFactory(), CityFactory(time_zone="Asia/Makassar"), PartnerFactory()
    starts = dt.datetime(2018, 9, 12, 1, tzinfo=dt.UTC)
    made = [
        TrainingSessionFactory(
            programme=programme, city=city, partner=partner, audience="umkm", starts_at=starts + dt.timedelta(minutes=10 * i)
        )
        for i in range(sessions)
    ]
    for session in made:
        for _ in range(people_each):
            Attendance.objects.create(
                session=session, participant=ParticipantFactory(city=city), status=AttendanceStatus.ATTENDED, checked_in_at=starts
            )
    progress_rebuild(programme_id=programme.pk)  # also keeps the counted attendances of those people
    return programme, made[0], city


def _refresh_after_one_check_in(admin, monkeypatch, django_capture_on_commit_callbacks, sessions, people_each) -> int:
    monkeypatch.setattr(services, "progress_refresh_soon", lambda **kwargs: False)  # this test is the worker
    programme, session, city = _slice(sessions, people_each)
    with django_capture_on_commit_callbacks(execute=True):  # the receiver records the touched slice
        attendance_check_in(session=session, participant=ParticipantFactory(city=city), by=admin, client_id=uuid.uuid4())
    with CaptureQueriesContext(connection) as queries:
        assert progress_refresh(programme_id=programme.pk) == 1
    assert stored_slices(programme) == direct_slices(programme)
    assert stored_slices(programme)["*|*|*|*"]["umkm_trained"] == sessions * people_each + 1
    return len(queries)


def test_one_check_ins_refresh_issues_as_many_statements_in_a_full_slice_as_in_an_empty_one(
    admin_user_, monkeypatch, django_capture_on_commit_callbacks
):
    small = _refresh_after_one_check_in(admin_user_, monkeypatch, django_capture_on_commit_callbacks, 1, 1)
    large = _refresh_after_one_check_in(admin_user_, monkeypatch, django_capture_on_commit_callbacks, 20, 10)
    assert small == large == REFRESH_QUERIES
