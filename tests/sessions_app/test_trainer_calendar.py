"""The trainer's upcoming sessions and the secret iCalendar feed."""

import datetime as dt

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from partners.services import trainer_calendar_token_rotate
from sessions_app.services import session_assign_trainers, session_cancel, session_create
from tests.factories import RoadshowFactory
from users.models import Role
from users.roles import user_set_role

pytestmark = pytest.mark.django_db


def future_world(world):
    """Move the roadshows into the future, so the sessions are upcoming."""
    year = timezone.now().year + 1
    for key in ("rs_kupang", "rs_jayapura"):
        world[key] = RoadshowFactory(
            programme=world["programme"],
            partner=world["partner"],
            city=world[key].city,
            starts_on=dt.date(year, 3, 1),
            ends_on=dt.date(year, 3, 10),
        )
    world["programme"].ends_on = dt.date(year, 12, 31)
    world["programme"].save()
    return year


def add(roadshow, start, trainer, **kw):
    session = session_create(
        roadshow=roadshow,
        title=f"Kelas {roadshow.city}",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=3),
        capacity=30,
        audience="umkm",
        delivery="in_person",
        venue="Aula",
        **kw,
    )
    return session_assign_trainers(session=session, expected_version=session.version, lead_trainer=trainer)


@pytest.fixture
def trainer_sessions(world):
    from .conftest import WIT, WITA

    year = future_world(world)
    trainer = world["trainer"]
    user_set_role(user=trainer.user, role=Role.TRAINER, partner=world["partner"])
    kupang = add(world["rs_kupang"], dt.datetime(year, 3, 2, 9, tzinfo=WITA), trainer)
    jayapura = add(world["rs_jayapura"], dt.datetime(year, 3, 4, 9, tzinfo=WIT), trainer)
    return year, trainer, kupang, jayapura


def test_feed_gives_each_session_its_city_time_zone(client, trainer_sessions):
    year, trainer, kupang, jayapura = trainer_sessions
    token = trainer_calendar_token_rotate(trainer=trainer)

    response = client.get(reverse("sessions_app:trainer-feed", args=[token]))

    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert f"DTSTART;TZID=Asia/Makassar:{year}0302T090000" in body
    assert f"DTSTART;TZID=Asia/Jayapura:{year}0304T090000" in body
    assert "BEGIN:VTIMEZONE" in body
    events = {e["summary"]: e for e in icalendar.Calendar.from_ical(response.content).walk("VEVENT")}
    assert events["Kelas Kupang"].decoded("dtstart").astimezone(dt.UTC) == dt.datetime(year, 3, 2, 1, tzinfo=dt.UTC)
    assert events["Kelas Jayapura"].decoded("dtstart").astimezone(dt.UTC) == dt.datetime(year, 3, 4, 0, tzinfo=dt.UTC)


def test_feed_marks_cancelled_sessions_so_phones_drop_them(client, trainer_sessions):
    _year, trainer, kupang, _ = trainer_sessions
    session_cancel(session=kupang, expected_version=kupang.version)
    token = trainer_calendar_token_rotate(trainer=trainer)
    events = icalendar.Calendar.from_ical(client.get(reverse("sessions_app:trainer-feed", args=[token])).content).walk("VEVENT")
    assert {str(e["summary"]): str(e["status"]) for e in events}["Kelas Kupang"] == "CANCELLED"


def test_feed_needs_the_current_secret(client, trainer_sessions):
    _year, trainer, *_ = trainer_sessions
    old = trainer_calendar_token_rotate(trainer=trainer)
    trainer_calendar_token_rotate(trainer=trainer)
    assert client.get(reverse("sessions_app:trainer-feed", args=[old])).status_code == 404
    assert client.get(reverse("sessions_app:trainer-feed", args=["guess"])).status_code == 404


def test_trainer_page_lists_upcoming_sessions_and_makes_the_link(client, trainer_sessions, django_assert_max_num_queries):
    _year, trainer, *_ = trainer_sessions
    client.force_login(trainer.user)
    url = reverse("sessions_app:trainer-sessions")
    with django_assert_max_num_queries(10):
        response = client.get(url)
    html = response.content.decode()
    assert "09.00–12.00 WITA" in html and "09.00–12.00 WIT" in html
    assert "feed-url" not in html
    client.post(reverse("sessions_app:trainer-calendar-token"))
    trainer.refresh_from_db()
    assert f"/schedule/ical/{trainer.calendar_token}.ics" in client.get(url).content.decode()


def test_trainer_page_in_english_uses_colon_times(client, trainer_sessions):
    _year, trainer, *_ = trainer_sessions
    client.force_login(trainer.user)
    client.cookies["django_language"] = "en"
    html = client.get(reverse("sessions_app:trainer-sessions")).content.decode()
    assert "My upcoming sessions" in html and "09:00–12:00 WITA" in html


def test_other_roles_do_not_get_the_trainer_page(client, make_user):
    client.force_login(make_user(Role.PROGRAMME_ADMIN))
    assert client.get(reverse("sessions_app:trainer-sessions")).status_code == 403
