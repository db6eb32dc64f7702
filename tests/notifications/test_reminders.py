import datetime as dt
import re

import pytest
from django.utils import timezone

from notifications.models import Channel, ContactPreference, Notification, NotificationKind, NotificationState
from notifications.services.outbox import notifications_send_due
from notifications.services.reminders import reminders_plan
from participants.models import AttendanceStatus
from sessions_app.models import SessionChange, SessionChangeKind
from tests.factories import (
    AttendanceFactory,
    CityFactory,
    ParticipantFactory,
    PartnerFactory,
    TrainerFactory,
    TrainingSessionFactory,
)
from users.models import Role

pytestmark = pytest.mark.django_db

UTC = dt.UTC


def at(*args):
    return dt.datetime(*args, tzinfo=UTC)


def registered(session, **participant):
    participant.setdefault("city", session.city)
    return AttendanceFactory(session=session, participant=ParticipantFactory(**participant), status=AttendanceStatus.REGISTERED)


def test_the_day_before_reminder_leaves_at_nine_city_time_jayapura_0000_utc_makassar_0100_utc():
    jayapura = CityFactory(name="Jayapura", time_zone="Asia/Jayapura")
    makassar = CityFactory(name="Makassar", time_zone="Asia/Makassar")
    # Both sessions start at 10.00 local time on Wednesday 12 September 2018.
    in_jayapura = TrainingSessionFactory(city=jayapura, starts_at=at(2018, 9, 12, 1))
    in_makassar = TrainingSessionFactory(city=makassar, starts_at=at(2018, 9, 12, 2))
    registered(in_jayapura, whatsapp_opt_in=True)
    registered(in_makassar, whatsapp_opt_in=True)

    reminders_plan(now=at(2018, 9, 10, 12))

    day_before = Notification.objects.filter(kind=NotificationKind.SESSION_DAY_BEFORE)
    assert day_before.get(session=in_jayapura).send_after == at(2018, 9, 11, 0, 0)
    assert day_before.get(session=in_makassar).send_after == at(2018, 9, 11, 1, 0)
    two_hours = Notification.objects.filter(kind=NotificationKind.SESSION_TWO_HOURS)
    assert two_hours.get(session=in_jayapura).send_after == at(2018, 9, 11, 23, 0)
    assert "Rabu, 12 September 2018 10.00 WIT" in day_before.get(session=in_jayapura).body
    assert "Rabu, 12 September 2018 10.00 WITA" in day_before.get(session=in_makassar).body

    assert notifications_send_due(now=at(2018, 9, 10, 23, 59, 59)) == 0
    notifications_send_due(now=at(2018, 9, 11, 0, 0))
    assert set(Notification.objects.filter(state=NotificationState.SENT).values_list("session__city__name", flat=True)) == {
        "Jayapura"
    }
    notifications_send_due(now=at(2018, 9, 11, 1, 0))
    assert day_before.filter(state=NotificationState.SENT).count() == 2


def test_planning_again_adds_nothing():
    session = TrainingSessionFactory(starts_at=at(2018, 9, 12, 2))
    for _ in range(3):
        registered(session)

    reminders_plan(now=at(2018, 9, 10, 12))
    reminders_plan(now=at(2018, 9, 10, 12, 5))
    reminders_plan(now=at(2018, 9, 11, 3))

    assert Notification.objects.count() == 6  # three people, two reminders each


def test_channel_follows_opt_in_and_address():
    session = TrainingSessionFactory(starts_at=at(2018, 9, 12, 2))
    whatsapp = registered(session, whatsapp_opt_in=True, email="a@example.org").participant
    email = registered(session, whatsapp_opt_in=False, email="b@example.org").participant
    sms = registered(session, whatsapp_opt_in=False, email="").participant
    unreachable = registered(session, whatsapp_opt_in=False, email="", phone="").participant

    reminders_plan(now=at(2018, 9, 12, 0, 30))

    channels = dict(Notification.objects.values_list("participant", "channel"))
    assert channels == {whatsapp.pk: Channel.WHATSAPP, email.pk: Channel.EMAIL, sms.pk: Channel.SMS}
    assert unreachable.pk not in channels


def test_no_whatsapp_once_the_opt_in_is_withdrawn(mailoutbox):
    session = TrainingSessionFactory(starts_at=at(2018, 9, 12, 2))
    person = registered(session, whatsapp_opt_in=True).participant
    reminders_plan(now=at(2018, 9, 12, 0, 30))
    person.whatsapp_opt_in = False
    person.save(update_fields=["whatsapp_opt_in"])

    notifications_send_due(now=at(2018, 9, 12, 0, 45))

    row = Notification.objects.get()
    assert (row.state, row.last_error) == (NotificationState.CANCELLED, "no WhatsApp opt-in")


def test_messages_are_in_the_recipients_language():
    session = TrainingSessionFactory(title="Jualan di Instagram", starts_at=at(2018, 9, 12, 2))
    indonesian = registered(session).participant
    english = registered(session).participant
    ContactPreference.objects.create(recipient_key=f"participant:{english.pk}", participant=english, language="en")

    reminders_plan(now=at(2018, 9, 10, 12))

    body_id = Notification.objects.get(participant=indonesian, kind=NotificationKind.SESSION_DAY_BEFORE).body
    body_en = Notification.objects.get(participant=english, kind=NotificationKind.SESSION_DAY_BEFORE).body
    assert "besok" in body_id and "Wednesday, 12 September 2018 10:00 WITA" in body_en
    assert "tomorrow" in body_en and "Rabu" in body_id
    assert Notification.objects.get(participant=english, kind=NotificationKind.SESSION_DAY_BEFORE).language == "en"


def test_the_opt_out_link_in_a_message_stops_further_messages(client):
    session = TrainingSessionFactory(starts_at=at(2018, 9, 12, 2))
    person = registered(session, whatsapp_opt_in=True).participant
    reminders_plan(now=at(2018, 9, 10, 12))
    row = Notification.objects.filter(participant=person).first()
    url = re.search(r"https?://\S+/notifications/opt-out/\S+/", row.body).group(0)
    path = url.split("8000", 1)[1]
    assert row.params[-1] == url

    page = client.get(path)  # a link preview must not opt anyone out
    assert page.status_code == 200
    assert not ContactPreference.objects.filter(opted_out_at__isnull=False).exists()
    done = client.post(path)

    assert "tidak akan menerima pesan lagi" in done.content.decode()
    assert ContactPreference.objects.get(participant=person).opted_out_at is not None
    assert set(Notification.objects.filter(participant=person).values_list("state", flat=True)) == {NotificationState.CANCELLED}
    assert client.post(path).status_code == 200  # twice is fine
    assert client.get("/notifications/opt-out/forged-token/").status_code == 404


def test_an_erased_participants_message_is_cancelled_and_scrubbed():
    session = TrainingSessionFactory(starts_at=at(2018, 9, 12, 2))
    person = registered(session, whatsapp_opt_in=True).participant
    reminders_plan(now=at(2018, 9, 12, 0, 30))
    person.full_name, person.phone, person.erased_at = "", "", timezone.now()
    person.save()

    notifications_send_due(now=at(2018, 9, 12, 0, 45))

    row = Notification.objects.get()
    assert row.state == NotificationState.CANCELLED
    assert row.last_error == "participant's personal data erased"
    assert (row.to, row.body, row.params) == ("", "", [])
    reminders_plan(now=at(2018, 9, 12, 0, 40))
    assert Notification.objects.count() == 1


def test_a_moved_session_tells_everyone_registered_once_and_reminds_at_the_new_time():
    session = TrainingSessionFactory(starts_at=at(2018, 9, 12, 2), venue="Hotel Aryaduta")
    people = [registered(session, whatsapp_opt_in=True).participant for _ in range(2)]
    AttendanceFactory(session=session, status=AttendanceStatus.NO_SHOW)
    reminders_plan(now=at(2018, 9, 10, 12))
    old_start = session.starts_at
    session.starts_at, session.ends_at = at(2018, 9, 13, 2), at(2018, 9, 13, 6)
    session.save()
    change = SessionChange.objects.create(
        session=session, kind=SessionChangeKind.MOVED, old_starts_at=old_start, old_ends_at=at(2018, 9, 12, 6), reason="Banjir"
    )

    reminders_plan(now=at(2018, 9, 10, 13))
    reminders_plan(now=at(2018, 9, 10, 13, 5))

    moved = Notification.objects.filter(kind=NotificationKind.SESSION_MOVED)
    assert sorted(moved.values_list("participant", flat=True)) == sorted(p.pk for p in people)
    assert "Kamis, 13 September 2018 10.00 WITA" in moved.first().body and "Banjir" in moved.first().body
    change.refresh_from_db()
    assert change.notified_at == at(2018, 9, 10, 13)

    notifications_send_due(now=at(2018, 9, 11, 1))  # the old time's day-before reminders
    old = Notification.objects.filter(kind=NotificationKind.SESSION_DAY_BEFORE, context__starts_at=old_start.isoformat())
    assert set(old.values_list("state", "last_error")) == {(NotificationState.CANCELLED, "session moved")}
    assert moved.filter(state=NotificationState.SENT).count() == 2
    new = Notification.objects.filter(kind=NotificationKind.SESSION_DAY_BEFORE, send_after=at(2018, 9, 12, 1))
    assert new.count() == 2


def test_a_cancelled_session_is_announced_and_its_reminders_stop():
    session = TrainingSessionFactory(starts_at=at(2018, 9, 12, 2))
    registered(session, whatsapp_opt_in=True)
    reminders_plan(now=at(2018, 9, 10, 12))
    session.status = "cancelled"
    session.save()
    SessionChange.objects.create(
        session=session, kind=SessionChangeKind.CANCELLED, old_starts_at=session.starts_at, old_ends_at=session.ends_at
    )

    reminders_plan(now=at(2018, 9, 10, 13))
    notifications_send_due(now=at(2018, 9, 11, 1))

    states = dict(Notification.objects.values_list("kind", "state"))
    assert states[NotificationKind.SESSION_CANCELLED] == NotificationState.SENT
    assert states[NotificationKind.SESSION_DAY_BEFORE] == NotificationState.CANCELLED
    assert "dibatalkan" in Notification.objects.get(kind=NotificationKind.SESSION_CANCELLED).body


def test_trainers_are_reminded_when_attendance_is_still_open_twelve_hours_after_the_end():
    partner = PartnerFactory()
    lead, co = TrainerFactory(partner=partner), TrainerFactory(partner=partner)
    session = TrainingSessionFactory(partner=partner, lead_trainer=lead, starts_at=at(2018, 9, 12, 1), status="completed")
    session.co_trainers.add(co)
    ended = session.ends_at

    reminders_plan(now=ended + dt.timedelta(hours=11, minutes=59))
    assert not Notification.objects.exists()
    reminders_plan(now=ended + dt.timedelta(hours=12))
    reminders_plan(now=ended + dt.timedelta(hours=13))

    rows = Notification.objects.filter(kind=NotificationKind.ATTENDANCE_OPEN)
    assert sorted(rows.values_list("user", flat=True)) == sorted([lead.user_id, co.user_id])
    assert set(rows.values_list("channel", flat=True)) == {Channel.EMAIL}


def test_no_attendance_reminder_once_attendance_is_closed(mailoutbox):
    trainer = TrainerFactory()
    session = TrainingSessionFactory(partner=trainer.partner, lead_trainer=trainer, starts_at=at(2018, 9, 12, 1))
    reminders_plan(now=session.ends_at + dt.timedelta(hours=12))
    session.attendance_closed_at = session.ends_at + dt.timedelta(hours=12, minutes=30)
    session.save()

    notifications_send_due(now=session.ends_at + dt.timedelta(hours=13))

    assert Notification.objects.get().last_error == "attendance already closed"
    assert mailoutbox == []


def test_coordinators_hear_about_a_session_less_than_half_full_three_days_before(make_user, mailoutbox):
    partner, other = PartnerFactory(), PartnerFactory()
    coordinator = make_user(Role.PARTNER_COORDINATOR, partner=partner)
    make_user(Role.PARTNER_COORDINATOR, partner=other)
    thin = TrainingSessionFactory(partner=partner, capacity=10, starts_at=at(2018, 9, 14, 2))
    full_enough = TrainingSessionFactory(partner=partner, capacity=10, starts_at=at(2018, 9, 14, 2))
    for _ in range(4):
        registered(thin)
    registered(thin, is_test=True)
    for _ in range(5):
        registered(full_enough)

    reminders_plan(now=at(2018, 9, 10, 2))  # four days before: too early
    assert not Notification.objects.filter(kind=NotificationKind.LOW_REGISTRATION).exists()
    reminders_plan(now=at(2018, 9, 11, 2))
    notifications_send_due(now=at(2018, 9, 11, 2))

    row = Notification.objects.get(kind=NotificationKind.LOW_REGISTRATION)
    assert (row.user, row.session, row.state) == (coordinator, thin, NotificationState.SENT)
    assert len(mailoutbox) == 1 and mailoutbox[0].to == [coordinator.email]
    assert "4" in mailoutbox[0].body and "10" in mailoutbox[0].body
