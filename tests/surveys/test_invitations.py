"""Who is invited when: feedback once per attendee when attendance closes; follow-ups on the local day."""

import datetime as dt

import pytest
from django.utils import timezone

from notifications.models import ContactPreference, Notification, NotificationKind
from notifications.services.outbox import contact_opt_out
from participants.models import AttendanceStatus
from participants.services.checkin import attendance_close
from surveys.models import SurveyInvitation, SurveyWave
from surveys.services.invitations import followup_invitations_plan, survey_reminders_plan
from surveys.services.responses import response_submit
from tests.factories.participants import AttendanceFactory, ParticipantFactory

from .conftest import WIT, WITA

pytestmark = pytest.mark.django_db


def test_closing_attendance_invites_each_attendee_once(
    programme, makassar, session_in, attend, make_user, django_capture_on_commit_callbacks
):
    session = session_in(makassar, dt.datetime(2018, 9, 12, 9, 0, tzinfo=WITA))
    attendees = [attend(session) for _ in range(3)]
    opted_out = attend(session)
    contact_opt_out(recipient_key=f"participant:{opted_out.pk}")
    attend(session, consent_at=None, consent_version="")  # never consented
    no_show = ParticipantFactory(city=makassar)
    AttendanceFactory(participant=no_show, session=session, status=AttendanceStatus.REGISTERED)
    trainer = make_user("programme_admin")

    with django_capture_on_commit_callbacks(execute=True):
        attendance_close(session=session, by=trainer)
    with django_capture_on_commit_callbacks(execute=True):
        attendance_close(session=session, by=trainer)  # closing again sends nothing more

    invited = SurveyInvitation.objects.filter(session=session)
    assert sorted(invited.values_list("participant_id", flat=True)) == sorted(p.pk for p in attendees)
    messages = Notification.objects.filter(kind=NotificationKind.SURVEY_FEEDBACK)
    assert messages.count() == 3
    assert all("/s/" in m.body and m.session_id == session.pk for m in messages)
    assert ContactPreference.objects.filter(participant=opted_out, opted_out_at__isnull=False).exists()


def test_the_link_in_the_message_opens_the_survey_and_only_its_hash_is_stored(
    client, programme, makassar, session_in, attend, make_user, django_capture_on_commit_callbacks
):
    session = session_in(makassar, dt.datetime(2018, 9, 12, 9, 0, tzinfo=WITA))
    attend(session)
    with django_capture_on_commit_callbacks(execute=True):
        attendance_close(session=session, by=make_user("programme_admin"))
    message = Notification.objects.get(kind=NotificationKind.SURVEY_FEEDBACK)
    path = "/s/" + message.body.split("/s/")[1].split("/")[0] + "/"
    token = path.split("/")[2]
    invitation = SurveyInvitation.objects.get()
    assert token not in (invitation.nonce, invitation.token_hash)
    assert client.get(path).status_code == 200


def _follow_up_people(programme, jayapura, makassar, session_in, attend):
    # Both sessions at 10.00 local time on 12 September 2018; the 30-day follow-up is due 12 October, 10.00 local.
    papua = attend(session_in(jayapura, dt.datetime(2018, 9, 12, 10, 0, tzinfo=WIT)))
    sulsel = attend(session_in(makassar, dt.datetime(2018, 9, 12, 10, 0, tzinfo=WITA)))
    return papua, sulsel


def _invited(wave_code):
    return set(SurveyInvitation.objects.filter(wave__code=wave_code).values_list("participant_id", flat=True))


def test_follow_ups_go_out_on_the_local_day_and_hour_of_each_city(programme, jayapura, makassar, session_in, attend):
    papua, sulsel = _follow_up_people(programme, jayapura, makassar, session_in, attend)
    utc = dt.UTC

    followup_invitations_plan(now=dt.datetime(2018, 10, 11, 23, 30, tzinfo=utc))  # 12 Oct 08.30 WIT, 07.30 WITA
    assert _invited("follow-up-30") == set()

    followup_invitations_plan(now=dt.datetime(2018, 10, 12, 1, 5, tzinfo=utc))  # 10.05 WIT, 09.05 WITA
    assert _invited("follow-up-30") == {papua.pk}

    followup_invitations_plan(now=dt.datetime(2018, 10, 12, 2, 5, tzinfo=utc))  # 11.05 WIT, 10.05 WITA
    followup_invitations_plan(now=dt.datetime(2018, 10, 12, 2, 20, tzinfo=utc))  # the planner runs again: nothing new
    assert _invited("follow-up-30") == {papua.pk, sulsel.pk}
    assert _invited("follow-up-90") == set()

    sent_after = dict(
        Notification.objects.filter(kind=NotificationKind.SURVEY_FOLLOW_UP).values_list("participant_id", "send_after")
    )
    assert sent_after == {
        papua.pk: dt.datetime(2018, 10, 12, 10, 0, tzinfo=WIT),
        sulsel.pk: dt.datetime(2018, 10, 12, 10, 0, tzinfo=WITA),
    }


def test_one_reminder_after_five_days_only_to_those_who_have_not_answered(programme, jayapura, makassar, session_in, attend):
    papua, sulsel = _follow_up_people(programme, jayapura, makassar, session_in, attend)
    followup_invitations_plan(now=dt.datetime(2018, 10, 12, 3, 0, tzinfo=dt.UTC))
    answered = SurveyInvitation.objects.get(participant=sulsel)
    answers = {"facebook_page": "1", "instagram_business": "0", "whatsapp_business": "1", "sells_online": "1"}
    response_submit(invitation=answered, answers={**answers, "sales_change": "up", "recommend": "5"}, now=answered.send_after)

    assert survey_reminders_plan(now=dt.datetime(2018, 10, 16, 3, 0, tzinfo=dt.UTC)) == 0  # four days: too early
    assert survey_reminders_plan(now=dt.datetime(2018, 10, 17, 3, 0, tzinfo=dt.UTC)) == 1
    assert survey_reminders_plan(now=dt.datetime(2018, 10, 18, 3, 0, tzinfo=dt.UTC)) == 0  # only one reminder
    reminder = Notification.objects.get(kind=NotificationKind.SURVEY_REMINDER)
    assert reminder.participant_id == papua.pk


def test_inactive_waves_invite_nobody(programme, jayapura, makassar, session_in, attend):
    _follow_up_people(programme, jayapura, makassar, session_in, attend)
    SurveyWave.objects.update(is_active=False)
    assert followup_invitations_plan(now=timezone.make_aware(dt.datetime(2018, 10, 12, 12, 0))) == 0
