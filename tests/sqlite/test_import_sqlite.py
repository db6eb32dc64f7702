"""The import on SQLite, the database of `make run`: no COPY there, the same result through bulk_create."""

import pytest

from participants.counting import counted_attendance_rebuild
from participants.models import Attendance, CountedAttendance, ImportStatus, Participant
from participants.services.imports import import_apply, import_create
from participants.services.matching import participants_with_phones
from tests.factories import ParticipantFactory, TrainingSessionFactory
from umkm_program.bulk_copy import copy_supported
from users.models import Role

pytestmark = pytest.mark.django_db


def test_an_import_on_sqlite_writes_people_attendances_and_counts(make_user):
    assert not copy_supported()
    session = TrainingSessionFactory()
    known = ParticipantFactory(phone="+6281900000001", home_partner=session.partner, city=session.city)
    admin = make_user(Role.PROGRAMME_ADMIN)
    content = (
        "session,name,phone,gender,business,status\n"
        f"{session.pk},Ani,0812-1111-2222,P,Warung Ani,hadir\n"
        f"{session.pk},Budi,+62 812 3333 4444,L,Toko Budi,terdaftar\n"
        f"{session.pk},Known,0819 0000 0001,P,,hadir\n"
        f"{session.pk},Ani again,62 812 1111 2222,P,,hadir\n"
    ).encode()

    job = import_apply(participant_import=import_create(user=admin, name="a.csv", content=content))
    import_apply(participant_import=job)  # a second confirm changes nothing

    assert (job.status, job.created_count, job.matched_count) == (ImportStatus.DONE, 2, 2)
    assert set(Participant.objects.values_list("phone", flat=True)) == {"+6281211112222", "+6281233334444", known.phone}
    assert Attendance.objects.count() == 3
    assert set(CountedAttendance.objects.values_list("participant__phone", flat=True)) == {"+6281211112222", known.phone}
    assert counted_attendance_rebuild(programme_id=session.programme_id) == 0
    assert participants_with_phones(phones=[known.phone, "+6289999999999"]) == [(known.pk, known.phone)]
