import uuid

import pytest

from participants.models import AttendanceStatus, CountedAttendance
from participants.services.checkin import attendance_check_in
from progress.selectors import progress_total
from progress.services import progress_rebuild
from tests.factories import AttendanceFactory

pytestmark = pytest.mark.django_db


def test_a_check_in_refreshes_the_roll_up_after_commit(django_capture_on_commit_callbacks, make_user):
    attendance = AttendanceFactory(status=AttendanceStatus.REGISTERED)
    session = attendance.session
    progress_rebuild(programme_id=session.programme_id)
    assert progress_total(programme_id=session.programme_id).umkm_trained == 0
    trainer = make_user("programme_admin")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        attendance_check_in(session=session, participant=attendance.participant, by=trainer, client_id=uuid.uuid4())

    assert len(callbacks) == 1
    # Tests run tasks eagerly: the queued refresh has rebuilt the programme's figures.
    assert progress_total(programme_id=session.programme_id).umkm_trained == 1
    # ...from the counted attendance kept in the check-in's own transaction.
    assert CountedAttendance.objects.filter(programme_id=session.programme_id).count() == 1
