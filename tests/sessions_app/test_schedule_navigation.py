"""The schedule list starts at today (past sessions one click away) and a session's page gives those who run it
the self-registration link, its QR code, the sign-up sheet and the check-in page."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from sessions_app.models import SessionStatus
from tests.factories import TrainerFactory, TrainingSessionFactory
from users.models import Role

pytestmark = pytest.mark.django_db


def session(world, *, days, title, **fields):
    starts = timezone.now() + dt.timedelta(days=days)
    return TrainingSessionFactory(
        programme=world["programme"],
        roadshow=world["rs_kupang"],
        city=world["kupang"],
        partner=world["partner"],
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=3),
        title=title,
        **fields,
    )


@pytest.fixture
def spread(world):
    return {
        "long_ago": session(world, days=-400, title="Kelas lama"),
        "last_week": session(world, days=-7, title="Kelas minggu lalu"),
        "next_week": session(world, days=7, title="Kelas minggu depan"),
        "tomorrow": session(world, days=1, title="Kelas besok"),
    }


def titles(response):
    return [s.title for s in response.context["sessions"]]


@pytest.mark.parametrize("role", [Role.PROGRAMME_ADMIN, Role.PARTNER_COORDINATOR])
def test_the_schedule_starts_at_today_soonest_first(client, make_user, world, spread, role):
    client.force_login(make_user(role, partner=world["partner"] if role == Role.PARTNER_COORDINATOR else None))

    response = client.get(reverse("sessions_app:session-list"))

    assert titles(response) == ["Kelas besok", "Kelas minggu depan"]
    html = response.content.decode()
    assert 'data-testid="when-past"' in html and "Sudah lewat" in html


def test_past_sessions_are_one_link_away_most_recent_first(client, admin_user_, spread):
    client.force_login(admin_user_)

    past = client.get(reverse("sessions_app:session-list"), {"when": "past"})
    every = client.get(reverse("sessions_app:session-list"), {"when": "all"})

    assert titles(past) == ["Kelas minggu lalu", "Kelas lama"]
    assert titles(every) == ["Kelas lama", "Kelas minggu lalu", "Kelas besok", "Kelas minggu depan"]


def test_dates_typed_without_a_choice_mean_those_dates_even_in_the_past(client, admin_user_, spread):
    client.force_login(admin_user_)
    day = timezone.localdate() - dt.timedelta(days=8)

    response = client.get(reverse("sessions_app:session-list"), {"date_from": day.isoformat()})

    assert titles(response) == ["Kelas minggu lalu", "Kelas besok", "Kelas minggu depan"]
    assert response.context["filter_form"]["when"].value() == "all"


def test_a_session_of_this_morning_in_jayapura_counts_as_today(client, admin_user_, world):
    # 00.30 WIT today is still "yesterday" in UTC and in Jakarta; it belongs to today's list.
    import zoneinfo

    wit = zoneinfo.ZoneInfo("Asia/Jayapura")
    today_wit = timezone.now().astimezone(wit).date()
    starts = dt.datetime.combine(today_wit, dt.time(0, 30), tzinfo=wit)
    TrainingSessionFactory(city=world["jayapura"], partner=world["partner"], starts_at=starts, title="Kelas dini hari")
    TrainingSessionFactory(
        city=world["jayapura"], partner=world["partner"], starts_at=starts - dt.timedelta(hours=1), title="Kelas tengah malam"
    )
    client.force_login(admin_user_)

    assert titles(client.get(reverse("sessions_app:session-list"))) == ["Kelas dini hari"]


def test_the_export_follows_the_list(client, admin_user_, spread):
    client.force_login(admin_user_)

    upcoming = client.get(reverse("sessions_app:session-export")).content.decode("utf-8-sig")
    everything = client.get(reverse("sessions_app:session-export"), {"when": "all"}).content.decode("utf-8-sig")

    assert "Kelas besok" in upcoming and "Kelas lama" not in upcoming
    assert "Kelas lama" in everything


def test_the_roadshow_list_has_no_sessions_choice(client, admin_user_, world):
    client.force_login(admin_user_)

    response = client.get(reverse("sessions_app:roadshow-list"), {"when": "past"})

    assert "when" not in response.context["filter_form"].fields
    assert len(response.context["roadshows"]) == 2


@pytest.fixture
def runners(make_user, world):
    trainer = TrainerFactory(partner=world["partner"], user=make_user(Role.TRAINER, partner=world["partner"]))
    return {
        "admin": make_user(Role.PROGRAMME_ADMIN),
        "coordinator": make_user(Role.PARTNER_COORDINATOR, partner=world["partner"]),
        "trainer": trainer.user,
        "lead": trainer,
    }


@pytest.mark.parametrize("who", ["admin", "coordinator", "trainer"])
def test_those_who_run_a_session_get_its_link_qr_sheet_and_check_in_on_its_page(client, world, runners, who):
    s = session(world, days=1, title="Kelas besok", lead_trainer=runners["lead"])
    client.force_login(runners[who])

    html = client.get(reverse("sessions_app:session-detail", args=[s.pk])).content.decode()
    qr = client.get(f"/trainer/sessions/{s.pk}/qr.svg")
    sheet = client.get(f"/trainer/sessions/{s.pk}/sign-up-sheet/")

    assert f'value="http://testserver/r/{s.registration_token}/"' in html
    assert f'src="/trainer/sessions/{s.pk}/qr.svg"' in html
    assert f'href="/trainer/sessions/{s.pk}/sign-up-sheet/"' in html
    assert f'href="/trainer/sessions/{s.pk}/"' in html and 'data-testid="open-checkin"' in html
    assert qr.status_code == 200 and qr["Content-Type"] == "image/svg+xml"
    assert b'<svg xmlns="http://www.w3.org/2000/svg"' in qr.content  # a file an <img> can show
    assert sheet.status_code == 200


def test_a_cancelled_session_offers_no_registration_link(client, world, runners):
    s = session(world, days=1, title="Kelas batal", status=SessionStatus.CANCELLED)
    client.force_login(runners["admin"])

    html = client.get(reverse("sessions_app:session-detail", args=[s.pk])).content.decode()

    assert 'data-testid="registration-links"' not in html and str(s.registration_token) not in html


def test_the_check_in_page_offers_the_same_registration_partial(client, world, runners):
    s = session(world, days=0, title="Kelas hari ini", lead_trainer=runners["lead"])
    client.force_login(runners["trainer"])

    html = client.get(f"/trainer/sessions/{s.pk}/").content.decode()

    assert 'data-testid="registration-links"' in html and f"/r/{s.registration_token}/" in html


def test_the_calendar_shows_past_days_and_offers_no_upcoming_choice(client, admin_user_, spread):
    client.force_login(admin_user_)
    month = (timezone.now() - dt.timedelta(days=7)).strftime("%Y-%m")

    response = client.get(reverse("sessions_app:session-calendar"), {"month": month})

    shown = {s.title for week in response.context["weeks"] for day in week for s in day.sessions}
    assert "Kelas minggu lalu" in shown
    assert "when" not in response.context["filter_form"].fields
