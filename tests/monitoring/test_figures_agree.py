"""Every place that shows the main programme's "UMKM trained", "pemda trained" and "sessions held" shows
the same numbers, equal to a direct count by DESIGN.md's rule (issue 11).

Random data with noise (another, smaller programme, test records, merged duplicates, pemda, every
session state, attendance closed on a session nobody marked completed and on a cancelled one). Each
page is opened the way its user opens it, without choosing a programme, so each must open on the
main programme. Figures are read from what the user gets: the HTML, the PDF's text, the CSV and
XLSX files and the API's JSON.
"""

import csv
import io
import re

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from participants.models import Attendance, AttendanceStatus
from progress.services import progress_rebuild
from sessions_app.models import SessionStatus, TrainingSession
from tests.factories import ParticipantFactory, TrainingSessionFactory
from users.models import Role

from .conftest import build_world

pytestmark = pytest.mark.django_db


def direct_count(programme) -> dict[str, int]:
    """DESIGN.md's rule over raw rows: a person counts once, at their first attended session of their own
    audience in the programme; test records and merged duplicates never count. A session is held when
    it is completed or its attendance was closed, unless it was cancelled."""
    first: dict[int, str] = {}
    attended = (
        Attendance.objects.filter(session__programme=programme, status=AttendanceStatus.ATTENDED)
        .select_related("session", "participant")
        .order_by("session__starts_at", "pk")
    )
    for a in attended:
        person = a.participant
        if person.is_test or person.merged_into_id or person.kind != a.session.audience:
            continue
        first.setdefault(person.pk, a.session.audience)
    held = [
        s
        for s in TrainingSession.objects.filter(programme=programme)
        if s.status != SessionStatus.CANCELLED and (s.status == SessionStatus.COMPLETED or s.attendance_closed_at is not None)
    ]
    return {
        "umkm_trained": sum(1 for audience in first.values() if audience == "umkm"),
        "pemda_trained": sum(1 for audience in first.values() if audience == "pemda"),
        "sessions_held": len(held),
    }


def _client(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.cookies["django_language"] = "en"
    client.force_login(user)
    return client


def _number_at(html: str, testid: str) -> list[int]:
    """The numbers inside the element marked data-testid="<testid>", links and separators removed."""
    match = re.search(rf'data-testid="{testid}"[^>]*>(.*?)</(?:div|td|p)>', html, flags=re.S)
    assert match, f"no element {testid!r} on the page"
    text = re.sub(r"<[^>]+>", "", match.group(1))
    return [int(n.replace(",", "").replace(".", "")) for n in re.findall(r"\d[\d.,]*", text)]


def admin_overview(admin) -> dict[str, int]:
    html = _client(admin).get("/schedule/overview/").content.decode()
    return {"umkm_trained": _number_at(html, "total-trained")[0], "sessions_held": _number_at(html, "total-held")[0]}


def ksp_view(ksp) -> dict[str, int]:
    html = _client(ksp).get("/monitoring/ksp/").content.decode()
    return {
        "umkm_trained": _number_at(html, "headline")[0],
        "pemda_trained": _number_at(html, "pemda-trained")[0],
        "sessions_held": _number_at(html, "sessions")[0],
    }


def policy_dashboard(policy) -> dict[str, int]:
    html = _client(policy).get("/monitoring/dashboard/").content.decode()
    return {
        "umkm_trained": _number_at(html, "total-umkm")[0],
        "pemda_trained": _number_at(html, "total-pemda")[0],
        "sessions_held": _number_at(html, "total-sessions")[0],
    }


def ksp_pdf(ksp) -> dict[str, int]:
    response = _client(ksp).get("/monitoring/ksp/report.pdf")
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    # The report is always in Indonesian (it goes to KSP); labels wrap across lines in the PDF's text.
    patterns = {
        "umkm_trained": r"UMKM unik terlatih\s+([\d.]+)\s*/",
        "pemda_trained": r"Aparatur pemda\s+terlatih\s+([\d.]+)",
        "sessions_held": r"Sesi terlaksana /\s+direncanakan\s+([\d.]+)\s*/",
    }
    found = {key: re.search(pattern, text) for key, pattern in patterns.items()}
    assert all(found.values()), text
    return {key: int(match.group(1).replace(".", "")) for key, match in found.items()}


def _totals_from(rows) -> dict[str, int]:
    values = dict(rows)
    return {
        "umkm_trained": int(values["Unique UMKM trained"]),
        "pemda_trained": int(values["Pemda officers trained"]),
        "sessions_held": int(values["Sessions held"]),
    }


def csv_export(policy) -> dict[str, int]:
    response = _client(policy).get("/monitoring/dashboard/export/totals.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    return _totals_from(rows[1:])


def xlsx_export(policy) -> dict[str, int]:
    response = _client(policy).get("/monitoring/dashboard/export.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    return _totals_from(sheet.iter_rows(min_row=2, max_col=2, values_only=True))


def api(ksp) -> dict[str, int]:
    headline = _client(ksp).get("/api/v1/progress/").json()["headline"]
    return {key: headline[key] for key in ("umkm_trained", "pemda_trained", "sessions_held")}


@pytest.mark.parametrize("seed", [3, 11, 2018])
def test_every_page_export_and_the_api_show_the_direct_count_for_the_main_programme(make_user, seed):
    world = build_world(seed=seed, people=60, sessions=12)
    # attendance closed on a session nobody marked completed (held) and on a cancelled one (not held)
    for status in (SessionStatus.SCHEDULED, SessionStatus.CANCELLED):
        session = TrainingSession.objects.filter(programme=world.programme, status=status).first()
        if session is not None:
            TrainingSession.objects.filter(pk=session.pk).update(attendance_closed_at=timezone.now())
    # and at least one pemda officer trained, whatever the seed drew
    pemda_session = TrainingSessionFactory(
        programme=world.programme, city=world.cities[0], partner=world.partners[0], audience="pemda", status="completed"
    )
    Attendance.objects.create(
        participant=ParticipantFactory(city=world.cities[0], kind="pemda"),
        session=pemda_session,
        status=AttendanceStatus.ATTENDED,
        checked_in_at=timezone.now(),
    )
    for programme in (world.programme, world.other):
        progress_rebuild(programme_id=programme.pk)
    expected = direct_count(world.programme)
    admin, ksp, policy = make_user(Role.PROGRAMME_ADMIN), make_user(Role.KSP_MONITOR), make_user(Role.POLICY_VIEWER)

    shown = {
        "admin overview": admin_overview(admin),
        "KSP view": ksp_view(ksp),
        "policy dashboard": policy_dashboard(policy),
        "KSP PDF": ksp_pdf(ksp),
        "CSV export": csv_export(policy),
        "XLSX export": xlsx_export(policy),
        "API": api(ksp),
    }

    disagree = {
        place: {key: (value, expected[key]) for key, value in figures.items() if value != expected[key]}
        for place, figures in shown.items()
    }
    assert {place: d for place, d in disagree.items() if d} == {}, "(shown, direct count)"
    assert expected["umkm_trained"] > 0 and expected["pemda_trained"] > 0 and expected["sessions_held"] > 0
