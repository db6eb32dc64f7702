"""A bulk load's first fill of CountedAttendance (one INSERT ... SELECT) writes exactly the rebuild's rows."""

import pytest

from participants.counting import counted_attendance_first_fill, counted_attendance_rebuild
from participants.models import CountedAttendance
from tests.counting import first_attendances
from tests.monitoring.conftest import build_world

pytestmark = pytest.mark.django_db

FIELDS = ("participant_id", "attendance_id", "session_id", "city_id", "partner_id", "audience", "day", "starts_at", "is_woman")


def _rows(programme_id):
    return sorted(CountedAttendance.objects.filter(programme_id=programme_id).values_list(*FIELDS))


@pytest.mark.parametrize("seed", [3, 11, 2018])
def test_first_fill_writes_the_rows_the_rebuild_writes(seed):
    # random data with noise: test records, merged duplicates, pemda at UMKM sessions, every status, two programmes
    world = build_world(seed=seed, people=70, sessions=12)
    for programme in (world.programme, world.other):
        counted_attendance_rebuild(programme_id=programme.pk)
        rebuilt = _rows(programme.pk)
        CountedAttendance.objects.filter(programme_id=programme.pk).delete()

        written = counted_attendance_first_fill(programme_id=programme.pk)

        assert _rows(programme.pk) == rebuilt
        assert written == len(rebuilt)
        assert {row[0]: row[1] for row in rebuilt} == {pid: a.pk for pid, a in first_attendances(programme).items()}
        assert counted_attendance_rebuild(programme_id=programme.pk) == 0  # the nightly check finds nothing to repair


def test_first_fill_refuses_a_programme_that_already_has_rows():
    world = build_world(seed=5, people=20, sessions=4)
    assert CountedAttendance.objects.filter(programme_id=world.programme.pk).exists()
    with pytest.raises(ValueError, match="already has counted attendances"):
        counted_attendance_first_fill(programme_id=world.programme.pk)
