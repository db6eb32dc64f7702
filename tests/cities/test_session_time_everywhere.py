"""Every page, document, message and feed that shows a session time shows the city's local time.

A session at 09.00 in Jakarta (WIB), Kupang and Makassar (WITA) and Jayapura (WIT) must read
09.00 (Indonesian) or 09:00 (English) followed by its own zone, never the Jakarta or UTC hour
labelled with the city's zone (the bug: 07.00 WIT, 08.00 WITA).
"""

import datetime as dt
import re
import zoneinfo

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification
from notifications.services.reminders import reminders_plan
from participants.models import AttendanceStatus
from partners.services import trainer_calendar_token_rotate
from progress.services import progress_rebuild
from sessions_app.models import SessionStatus
from tests.factories import (
    AttendanceFactory,
    CityFactory,
    ParticipantFactory,
    PartnerFactory,
    ProgrammeFactory,
    TrainerFactory,
    TrainingSessionFactory,
)
from users.models import Role

pytestmark = pytest.mark.django_db

CITIES = [
    ("Jakarta", "Asia/Jakarta", "WIB"),
    ("Kupang", "Asia/Makassar", "WITA"),
    ("Makassar", "Asia/Makassar", "WITA"),
    ("Jayapura", "Asia/Jayapura", "WIT"),
]
# A time followed by a zone label: "09.00 WIT", "09:00–12:00 WITA", "09.00–12.00 WIB".
LABELLED = re.compile(r"\b(\d{2})[.:](\d{2})(?:\s*[–-]\s*(?:[^,;<>\n]{0,24}?\s)?(\d{2})[.:](\d{2}))?\s+(WIB|WITA|WIT)\b")


def at_nine(time_zone: str, day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(9, 0), tzinfo=zoneinfo.ZoneInfo(time_zone))


@pytest.fixture
def world(make_user):
    """In each city a session at 09.00–12.00 local three days ahead (open for registration) and one a week ago (attended)."""
    programme = ProgrammeFactory(starts_on=dt.date(2018, 8, 14), ends_on=timezone.localdate() + dt.timedelta(days=365))
    partner = PartnerFactory()
    trainer_user = make_user(Role.TRAINER, partner=partner)
    trainer = TrainerFactory(partner=partner, user=trainer_user)
    upcoming, past = {}, {}
    for name, zone, _label in CITIES:
        city = CityFactory(name=name, time_zone=zone)
        today = timezone.now().astimezone(zoneinfo.ZoneInfo(zone)).date()
        for bucket, day, status in (
            (upcoming, today + dt.timedelta(days=3), SessionStatus.SCHEDULED),
            (past, today - dt.timedelta(days=7), SessionStatus.COMPLETED),
        ):
            start = at_nine(zone, day)
            bucket[name] = TrainingSessionFactory(
                programme=programme,
                city=city,
                partner=partner,
                lead_trainer=trainer,
                title=f"Kelas {name} {'nanti' if bucket is upcoming else 'lalu'}",
                starts_at=start,
                ends_at=start + dt.timedelta(hours=3),
                capacity=40,
                status=status,
            )
        person = ParticipantFactory(city=city, email=f"peserta-{name.lower()}@example.org", whatsapp_opt_in=False)
        AttendanceFactory(session=upcoming[name], participant=person, status=AttendanceStatus.REGISTERED)
        AttendanceFactory(
            session=past[name], participant=person, status=AttendanceStatus.ATTENDED, checked_in_at=past[name].starts_at
        )
        past[name].attendance_closed_at = past[name].ends_at
        past[name].save(update_fields=["attendance_closed_at"])
    progress_rebuild(programme_id=programme.pk)
    admin = make_user(Role.PROGRAMME_ADMIN)
    return {
        "programme": programme,
        "trainer": trainer,
        "trainer_user": trainer_user,
        "admin": admin,
        "upcoming": upcoming,
        "past": past,
    }


def client(user=None, *, language: str) -> Client:
    c = Client()
    c.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    if user is not None:
        c.force_login(user)
    return c


def text_of(response) -> str:
    assert response.status_code == 200, (response.status_code, response.request["PATH_INFO"])
    return response.content.decode()


def assert_local_times(text: str, *, language: str, cities: list[str], where: str) -> None:
    """Each city's session reads 09.00 (09:00 in English) with its own zone; no labelled time has another hour."""
    sep = "." if language == "id" else ":"
    labels = {name: label for name, _zone, label in CITIES}
    for name in cities:
        expected = [f"09{sep}00–12{sep}00 {labels[name]}", f"09{sep}00 {labels[name]}"]
        assert any(e in text for e in expected), f"{where}: no 09{sep}00 {labels[name]} for {name}"
    found = LABELLED.findall(text)
    assert found, f"{where}: no labelled time at all"
    for start_h, start_m, end_h, end_m, label in found:
        assert (start_h, start_m) in {("09", "00"), ("12", "00")}, (
            f"{where}: {start_h}{sep}{start_m} {label} is not the local time"
        )
        assert end_h in {"", "12"}, f"{where}: ends {end_h}{sep}{end_m} {label}"
    wrong_sep = ":" if sep == "." else "."
    assert f"09{wrong_sep}00 " not in text.replace(f"09{wrong_sep}00:", ""), f"{where}: clock not in the {language} format"


@pytest.mark.parametrize("language", ["id", "en"])
def test_trainer_pages_show_each_session_at_nine_local(world, language):
    c = client(world["trainer_user"], language=language)
    everyone = [name for name, _z, _l in CITIES]
    assert_local_times(
        text_of(c.get(reverse("participants:trainer-sessions"))), language=language, cities=everyone, where="trainer list"
    )
    assert_local_times(
        text_of(c.get(reverse("sessions_app:trainer-sessions"))), language=language, cities=everyone, where="trainer schedule"
    )
    for name, session in world["upcoming"].items():
        for url_name in ("participants:session-checkin", "participants:sign-up-sheet"):
            page = text_of(c.get(reverse(url_name, args=[session.pk])))
            assert_local_times(page, language=language, cities=[name], where=f"{url_name} {name}")


@pytest.mark.parametrize("language", ["id", "en"])
def test_public_registration_and_its_confirmation_show_nine_local(world, language):
    c = client(language=language)
    for name, session in world["upcoming"].items():
        for url_name in ("participants:self-register", "participants:self-register-done"):
            page = text_of(c.get(reverse(url_name, args=[session.registration_token])))
            assert_local_times(page, language=language, cities=[name], where=f"{url_name} {name}")


@pytest.mark.parametrize("language", ["id", "en"])
def test_schedule_and_monitoring_pages_show_nine_local(world, language):
    c = client(world["admin"], language=language)
    everyone = [name for name, _z, _l in CITIES]
    month = world["upcoming"]["Jakarta"].starts_at.astimezone(zoneinfo.ZoneInfo("Asia/Jakarta")).strftime("%Y-%m")
    pages = {
        "schedule list": reverse("sessions_app:session-list") + "?when=all",
        "calendar": reverse("sessions_app:session-calendar") + f"?month={month}",
        "monitoring sessions": reverse("monitoring-sessions") + f"?programme={world['programme'].pk}",
        "trained list": reverse("monitoring-trained") + f"?programme={world['programme'].pk}",
    }
    for where, url in pages.items():
        page = text_of(c.get(url))
        cities = (
            everyone
            if where != "calendar"
            else [n for n, s in world["upcoming"].items() if s.starts_at.strftime("%Y-%m") == month]
        )
        assert_local_times(page, language=language, cities=cities, where=where)
    for name, session in world["upcoming"].items():
        for url_name in ("sessions_app:session-detail", "sessions_app:session-cancel", "sessions_app:session-trainers"):
            page = text_of(c.get(reverse(url_name, args=[session.pk])))
            assert_local_times(page, language=language, cities=[name], where=f"{url_name} {name}")


def test_calendar_feed_and_csv_export_carry_the_local_time(world, make_user):
    token = trainer_calendar_token_rotate(trainer=world["trainer"])
    feed = client(language="id").get(reverse("sessions_app:trainer-feed", args=[token])).content.decode()
    unfolded = feed.replace("\r\n ", "")
    for session in world["upcoming"].values():
        local_day = session.starts_at.astimezone(zoneinfo.ZoneInfo(session.city.time_zone)).strftime("%Y%m%d")
        assert f"DTSTART;TZID={session.city.time_zone}:{local_day}T090000" in unfolded
    assert_local_times(unfolded.replace("\\,", ","), language="id", cities=list(world["upcoming"]), where="iCal description")

    csv = client(world["admin"], language="en").get(reverse("sessions_app:session-export") + "?when=all").content.decode()
    for name, _zone, label in CITIES:
        rows = [line for line in csv.splitlines() if f"Kelas {name} nanti" in line]
        assert rows and ",09:00,12:00," + label + "," in rows[0], rows


def test_reminder_messages_give_nine_local(world):
    reminders_plan(now=min(s.starts_at for s in world["upcoming"].values()) - dt.timedelta(days=2))
    bodies = {n.session.city.name: n.body for n in Notification.objects.select_related("session__city") if n.session_id}
    for name in world["upcoming"]:
        assert name in bodies, f"no reminder for {name}"
        assert_local_times(bodies[name], language="id", cities=[name], where=f"reminder {name}")


SESSION_TIME = re.compile(
    r"(starts_at|ends_at|local_start|local_end|old_starts_at|new_starts_at|attendance_closed_at)(\|timezone:[^|}\s]+)?\|(date|time)\b"
)


def test_no_template_formats_a_session_time_with_date_or_time():
    """`|date`/`|time` convert to Jakarta time first; session times go through the city_time filters."""
    from pathlib import Path

    root = Path(settings.BASE_DIR)
    offenders = [
        f"{path.relative_to(root)}: {match.group(0)}"
        for path in root.glob("*/templates/**/*")
        if path.is_file() and ".venv" not in path.parts
        for match in SESSION_TIME.finditer(path.read_text(errors="ignore"))
    ]
    assert offenders == []
