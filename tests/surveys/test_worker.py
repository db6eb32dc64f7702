"""For real: closing attendance in the web process reaches a `celery worker` through Redis, which
invites the attendees and sends each one WhatsApp message with their personal link, once."""

import datetime as dt

import pytest

from notifications.models import Notification, NotificationState
from participants.services.checkin import attendance_close
from surveys.models import SurveyInvitation
from tests.jobs import wait_for

from .conftest import WITA

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def test_closing_attendance_invites_through_the_worker_once(
    start_worker, fake_provider, programme, makassar, session_in, attend, make_user
):
    session = session_in(makassar, dt.datetime(2018, 9, 12, 9, 0, tzinfo=WITA))
    people = [attend(session, whatsapp_opt_in=True) for _ in range(2)]
    start_worker()

    attendance_close(session=session, by=make_user("programme_admin"))
    attendance_close(session=session, by=make_user("programme_admin"))  # a second click: nothing more

    wait_for(
        lambda: Notification.objects.filter(state=NotificationState.SENT, kind="survey_feedback").count() == 2,
        message="both invitations sent",
    )
    assert set(SurveyInvitation.objects.values_list("participant_id", flat=True)) == {p.pk for p in people}
    # Closing attendance also sends each attendee their certificate (issue 14): count the survey's own.
    surveys = [body["template"] for body in fake_provider.delivered.values() if body["template"]["name"] == "survey_feedback"]
    assert len(surveys) == 2
    template = surveys[0]
    assert any("/s/" in str(p) for p in template["components"][0]["parameters"])
