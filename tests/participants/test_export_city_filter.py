"""The participant list narrows to one city, and its exports follow it (issue 16: an XLSX of one city's 100,000)."""

import csv
import io

import pytest
from django.contrib.messages import get_messages
from openpyxl import load_workbook

from audit.models import AuditAction, AuditEvent
from tests.factories import AttendanceFactory, CityFactory, ParticipantFactory, TrainingSessionFactory
from users.models import Role

pytestmark = pytest.mark.django_db


def _csv_names(response, column: int) -> set[str]:
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    return {r[column] for r in rows[1:]}


@pytest.fixture
def two_cities():
    kupang, ambon = CityFactory(name="Kupang"), CityFactory(name="Ambon")
    in_kupang = TrainingSessionFactory(city=kupang)
    in_ambon = TrainingSessionFactory(city=ambon, partner=in_kupang.partner)
    AttendanceFactory(session=in_kupang, participant=ParticipantFactory(city=kupang, full_name="Orang Kupang"))
    AttendanceFactory(session=in_ambon, participant=ParticipantFactory(city=ambon, full_name="Orang Ambon"))
    return kupang, ambon, in_kupang.partner


def test_the_list_and_both_exports_show_only_the_chosen_city(client, make_user, two_cities):
    kupang, _ambon, _partner = two_cities
    client.force_login(make_user(Role.PROGRAMME_ADMIN))

    page = client.get("/participants/", {"city": kupang.pk}).content.decode()
    people = _csv_names(client.get("/participants/export/participants.csv", {"city": kupang.pk}), 1)
    attendance = _csv_names(client.get("/participants/export/attendance.csv", {"city": kupang.pk}), 5)
    sheet = load_workbook(
        io.BytesIO(b"".join(client.get("/participants/export/participants.xlsx", {"city": kupang.pk}).streaming_content))
    ).worksheets[0]

    assert "Orang Kupang" in page and "Orang Ambon" not in page
    assert f"/participants/export/participants.xlsx?city={kupang.pk}" in page  # the export links carry the filter
    assert people == attendance == {"Orang Kupang"}
    assert [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["Orang Kupang"]
    assert [e.changes["rows"] for e in AuditEvent.objects.filter(action=AuditAction.BULK_EXPORTED).order_by("pk")] == [1, 1, 1]


def test_a_city_never_widens_a_coordinators_export(client, make_user, two_cities):
    kupang, _ambon, partner = two_cities
    ParticipantFactory(city=kupang, full_name="Orang Mitra Lain")  # nobody's session: outside the coordinator's scope
    client.force_login(make_user(Role.PARTNER_COORDINATOR, partner=partner))

    people = _csv_names(client.get("/participants/export/participants.csv", {"city": kupang.pk}), 1)

    assert people == {"Orang Kupang"}


def test_an_unknown_city_gets_a_clear_message_and_no_file(client, make_user, two_cities):
    client.force_login(make_user(Role.PROGRAMME_ADMIN))

    response = client.get("/participants/export/participants.csv", {"city": "999999"})

    assert response.status_code == 302 and response["Location"] == "/participants/"
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Pilih kota dari daftar."]
    assert not AuditEvent.objects.filter(action=AuditAction.BULK_EXPORTED).exists()
