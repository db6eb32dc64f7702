"""The trainer's list follows the work (past sessions with open attendance), the sign-up sheet has a row per place,
and a check-in or undo answers with the new counter and every row of that person (htmx out-of-band swaps)."""

import datetime as dt
import re
import uuid

import pytest
from django.utils import timezone

from participants.models import Attendance, AttendanceStatus
from participants.services.checkin import attendance_check_in, attendance_close
from participants.views.trainer import SHEET_FIRST_PAGE_ROWS, SHEET_NEXT_PAGE_ROWS, sheet_pages
from sessions_app.models import SessionStatus
from tests.factories import AttendanceFactory, ParticipantFactory, TrainingSessionFactory

pytestmark = pytest.mark.django_db


def led_by(user, session_of, *, starts_at, **fields):
    trainer = session_of.lead_trainer
    return TrainingSessionFactory(
        partner=session_of.partner,
        city=session_of.city,
        lead_trainer=trainer,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=3),
        **fields,
    )


def section(html: str, testid: str) -> str:
    match = re.search(rf'data-testid="{testid}".*?</section>', html, re.S)
    return match.group(0) if match else ""


def test_past_sessions_with_open_attendance_are_listed_above_today_in_their_own_section(client, trainer_setup):
    user, today = trainer_setup
    now = timezone.now()
    yesterday = led_by(user, today, starts_at=now - dt.timedelta(days=1, hours=2), title="Kelas kemarin")
    closed = led_by(user, today, starts_at=now - dt.timedelta(days=2), title="Kelas sudah ditutup")
    attendance_close(session=closed, by=user)
    led_by(user, today, starts_at=now - dt.timedelta(days=3), title="Kelas batal", status=SessionStatus.CANCELLED)
    led_by(user, today, starts_at=now + dt.timedelta(days=2), title="Kelas lusa")
    client.force_login(user)

    html = client.get("/trainer/sessions/").content.decode()

    past = section(html, "past-open")
    assert "Sesi lalu yang presensinya masih terbuka" in past
    assert "Kelas kemarin" in past and f"/trainer/sessions/{yesterday.pk}/" in past
    assert "Kelas sudah ditutup" not in html and "Kelas batal" not in html
    assert today.title not in past and "Kelas lusa" not in past
    assert html.index("Kelas kemarin") < html.index(today.title) < html.index("Kelas lusa")


def test_no_past_section_when_every_past_session_is_closed(client, trainer_setup):
    user, today = trainer_setup
    closed = led_by(user, today, starts_at=timezone.now() - dt.timedelta(days=1))
    attendance_close(session=closed, by=user)
    client.force_login(user)

    html = client.get("/trainer/sessions/").content.decode()

    assert 'data-testid="past-open"' not in html and today.title in html


def test_another_trainers_open_past_session_is_not_listed(client, trainer_setup):
    user, today = trainer_setup
    other = TrainingSessionFactory(
        partner=today.partner, starts_at=timezone.now() - dt.timedelta(days=1), title="Kelas orang lain"
    )
    client.force_login(user)

    assert other.title not in client.get("/trainer/sessions/").content.decode()


def test_a_late_arrival_is_added_to_yesterdays_open_session_and_it_is_closed(client, trainer_setup):
    user, today = trainer_setup
    yesterday = led_by(user, today, starts_at=timezone.now() - dt.timedelta(days=1))
    late = AttendanceFactory(session=yesterday, participant=ParticipantFactory(city=yesterday.city)).participant
    client.force_login(user)

    page = client.get(f"/trainer/sessions/{yesterday.pk}/")
    check_in = client.post(
        f"/trainer/sessions/{yesterday.pk}/check-in/", {"participant": late.pk, "client_id": str(uuid.uuid4())}, follow=True
    )
    close = client.post(f"/trainer/sessions/{yesterday.pk}/close/", follow=True)

    assert page.status_code == 200 and 'data-testid="close-attendance"' in page.content.decode()
    assert check_in.status_code == 200
    assert Attendance.objects.get(session=yesterday, participant=late).status == AttendanceStatus.ATTENDED
    assert close.status_code == 200
    assert f"/trainer/sessions/{yesterday.pk}/" not in client.get("/trainer/sessions/").content.decode()


def test_the_coordinator_reaches_the_check_in_list_from_the_menu(client, make_user, trainer_setup):
    from users.models import Role

    _user, today = trainer_setup
    coordinator = make_user(Role.PARTNER_COORDINATOR, partner=today.partner)
    client.force_login(coordinator)

    menu = client.get("/schedule/").content.decode()
    listed = client.get("/trainer/sessions/").content.decode()

    assert 'data-testid="nav-checkin"' in menu and 'href="/trainer/sessions/"' in menu
    assert f"/trainer/sessions/{today.pk}/" in listed


@pytest.mark.parametrize("capacity", [5, 17, 18, 70])
def test_the_sign_up_sheet_has_one_row_per_place_paged_with_the_header_on_every_page(client, trainer_setup, capacity):
    user, session = trainer_setup
    session.capacity = capacity
    session.save(update_fields=["capacity"])
    client.force_login(user)

    html = client.get(f"/trainer/sessions/{session.pk}/sign-up-sheet/").content.decode()

    rows = re.findall(r'<tr data-testid="sheet-row"><td>(\d+)</td>', html)
    assert [int(n) for n in rows] == list(range(1, capacity + 1))
    pages = html.count('data-testid="sheet-page"')
    assert pages == len(sheet_pages(capacity))
    assert html.count("<thead>") == pages  # the column headings on every page
    assert html.count('data-testid="sheet-page-header"') == pages - 1  # the session named on every later page
    assert f"Halaman {pages} dari {pages}" in html


def test_sheet_pages_split_rows_to_fit_a4():
    assert [len(p) for p in sheet_pages(70)] == [SHEET_FIRST_PAGE_ROWS, *[SHEET_NEXT_PAGE_ROWS] * 2, 70 - 17 - 44]
    assert [list(p) for p in sheet_pages(1)] == [[1]]


def oob_ids(html: str) -> list[str]:
    return re.findall(r'id="([^"]+)"[^>]*hx-swap-oob="true"', html)


def test_an_htmx_check_in_answers_with_the_counter_and_every_row_of_that_person(client, trainer_setup):
    user, session = trainer_setup
    person = AttendanceFactory(session=session, participant=ParticipantFactory(city=session.city)).participant
    AttendanceFactory(session=session)
    client.force_login(user)

    html = client.post(
        f"/trainer/sessions/{session.pk}/check-in/",
        {"participant": person.pk, "client_id": str(uuid.uuid4()), "shown": "search,roster"},
        HTTP_HX_REQUEST="true",
    ).content.decode()

    assert oob_ids(html) == ["checkin-counts", f"search-person-{person.pk}", f"roster-person-{person.pk}"]
    assert re.search(r'data-testid="count-attended">1<', html) and re.search(r'data-testid="count-registered">1<', html)
    assert html.count('data-testid="checked-in"') == 2


def test_a_person_checked_in_from_the_search_joins_the_roster(client, trainer_setup):
    user, session = trainer_setup
    earlier = led_by(user, session, starts_at=timezone.now() - dt.timedelta(days=30))
    newcomer = AttendanceFactory(session=earlier, participant=ParticipantFactory(city=session.city)).participant
    client.force_login(user)

    html = client.post(
        f"/trainer/sessions/{session.pk}/check-in/",
        {"participant": newcomer.pk, "client_id": str(uuid.uuid4()), "shown": "search"},
        HTTP_HX_REQUEST="true",
    ).content.decode()

    assert oob_ids(html) == ["checkin-counts", f"search-person-{newcomer.pk}"]
    assert 'hx-swap-oob="beforeend:#roster"' in html and f'id="roster-person-{newcomer.pk}"' in html


def test_an_htmx_undo_moves_the_counter_back(client, trainer_setup):
    user, session = trainer_setup
    person = ParticipantFactory(city=session.city)
    attendance_check_in(session=session, participant=person, by=user, client_id=uuid.uuid4())
    client.force_login(user)

    html = client.post(
        f"/trainer/sessions/{session.pk}/undo-check-in/", {"participant": person.pk, "shown": "roster"}, HTTP_HX_REQUEST="true"
    ).content.decode()

    assert oob_ids(html) == ["checkin-counts", f"roster-person-{person.pk}"]
    assert re.search(r'data-testid="count-attended">0<', html) and re.search(r'data-testid="count-registered">1<', html)
    assert "dibatalkan" in html


def test_a_refused_undo_says_why_in_the_page_alert(client, trainer_setup):
    user, session = trainer_setup
    person = ParticipantFactory(city=session.city)
    attendance_check_in(session=session, participant=person, by=user, client_id=uuid.uuid4())
    attendance_close(session=session, by=user)
    client.force_login(user)

    html = client.post(
        f"/trainer/sessions/{session.pk}/undo-check-in/", {"participant": person.pk}, HTTP_HX_REQUEST="true"
    ).content.decode()

    assert 'id="checkin-alert" hx-swap-oob="true"' in html and "ditutup" in html
    assert Attendance.objects.get(session=session, participant=person).status == AttendanceStatus.ATTENDED


def test_a_check_in_answers_json_with_the_new_counts_and_no_html(client, trainer_setup):
    user, session = trainer_setup
    person = AttendanceFactory(session=session, participant=ParticipantFactory(city=session.city)).participant
    client.force_login(user)

    body = client.post(
        f"/trainer/sessions/{session.pk}/check-in/",
        {"participant": person.pk, "client_id": str(uuid.uuid4()), "shown": "roster"},
        HTTP_ACCEPT="application/json",
    ).json()

    # the script draws the answer itself: no template is rendered for it (issue 16)
    assert body["ok"] and body["status"] == "attended" and body["participant"] == person.pk
    assert body["counts"] == {"registered": 0, "attended": 1, "no_show": 0, "capacity": session.capacity}
    assert "html" not in body


def test_a_check_in_by_htmx_still_gets_the_counter_and_the_rows(client, trainer_setup):
    user, session = trainer_setup
    person = AttendanceFactory(session=session, participant=ParticipantFactory(city=session.city)).participant
    client.force_login(user)

    html = client.post(
        f"/trainer/sessions/{session.pk}/check-in/",
        {"participant": person.pk, "client_id": str(uuid.uuid4()), "shown": "roster"},
        HTTP_HX_REQUEST="true",
    ).content.decode()

    assert oob_ids(html) == ["checkin-counts", f"roster-person-{person.pk}"]
    assert re.search(r'data-testid="count-attended">1<', html)


def test_search_rows_and_roster_rows_have_distinct_ids(client, trainer_setup):
    user, session = trainer_setup
    person = AttendanceFactory(
        session=session, participant=ParticipantFactory(city=session.city, full_name="Siti Aminah")
    ).participant
    client.force_login(user)

    html = client.get(f"/trainer/sessions/{session.pk}/", {"q": "Siti"}).content.decode()

    assert html.count(f'id="search-person-{person.pk}"') == 1 and html.count(f'id="roster-person-{person.pk}"') == 1
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids))
