import io

import pytest
from django.core.exceptions import ValidationError

from participants.models import Attendance, AttendanceStatus, ImportStatus, Participant
from participants.services.imports import import_apply, import_create, import_file_read
from participants.tasks import participant_import_run
from tests.factories import TrainingSessionFactory
from users.models import Role

pytestmark = pytest.mark.django_db


def _csv(session, rows):
    lines = ["session,name,phone,gender,business,status"] + [f"{session.pk},{r}" for r in rows]
    return ("\n".join(lines) + "\n").encode()


def test_preview_then_confirm_imports_valid_rows_once(make_user):
    admin = make_user(Role.PROGRAMME_ADMIN)
    session = TrainingSessionFactory()
    content = _csv(
        session, ["Ani,0812 1111 2222,P,Warung Ani,hadir", "Bad,123,P,X,", "Rudi,0812 3333 4444,L,Toko Rudi,terdaftar"]
    )

    job = import_create(user=admin, name="list.csv", content=content)
    assert [p["action"] for p in job.preview] == ["create", "error", "create"]
    assert Participant.objects.count() == 0

    import_apply(participant_import=job)
    import_apply(participant_import=job)  # confirming twice changes nothing

    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and (job.created_count, job.error_count) == (2, 1)
    assert dict(Attendance.objects.values_list("participant__full_name", "status")) == {
        "Ani": AttendanceStatus.ATTENDED,
        "Rudi": AttendanceStatus.REGISTERED,
    }


def test_xlsx_is_read():
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["Sesi", "Nama", "Telepon"])
    workbook.active.append([7, "Ani", "081211112222"])
    buffer = io.BytesIO()
    workbook.save(buffer)

    assert import_file_read(name="a.xlsx", content=buffer.getvalue()) == [
        {"session": "7", "full_name": "Ani", "phone": "081211112222"}
    ]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("a.csv", "session,nama,telepon\n1,Dédé,0812\n".encode("latin-1"), "UTF-8"),
        ("a.txt", b"x", "CSV"),
        ("a.xlsx", b"not a zip", "Excel"),
        ("a.csv", b"nama,telepon\nA,1\n", "session"),
        ("a.csv", ("session,name,phone\n" + "1,A,0812\n" * 100_001).encode(), "100.000"),
    ],
)
def test_bad_files_get_a_clear_message(name, content, message):
    with pytest.raises(ValidationError) as exc:
        import_file_read(name=name, content=content)
    assert message in " ".join(exc.value.messages)


def test_coordinator_cannot_import_into_another_partners_session(make_user):
    from tests.factories import PartnerFactory

    coordinator = make_user(Role.PARTNER_COORDINATOR, partner=PartnerFactory())
    foreign = TrainingSessionFactory()

    job = import_create(user=coordinator, name="a.csv", content=_csv(foreign, ["Ani,0812 1111 2222,P,W,"]))

    assert job.preview[0]["action"] == "error"


def test_a_failing_import_writes_nothing_and_says_why(make_user, monkeypatch):
    admin = make_user(Role.PROGRAMME_ADMIN)
    session = TrainingSessionFactory()
    job = import_create(user=admin, name="a.csv", content=_csv(session, ["Ani,0812 1111 2222,P,W,", "Budi,0812 1111 3333,L,B,"]))
    from participants.services import imports

    written = []

    def explode(**kwargs):  # the rows are in (inside the transaction) when the counts are brought in step
        written.append((Participant.objects.count(), Attendance.objects.count()))
        raise RuntimeError("disk full")

    monkeypatch.setattr(imports, "counted_attendance_sync", explode)

    with pytest.raises(RuntimeError):
        participant_import_run(job.pk)

    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and "disk full" in job.failure
    assert written == [(2, 2)]
    assert Participant.objects.count() == 0 and Attendance.objects.count() == 0
