"""A participant answers the feedback survey from the link in their message, on a phone, then changes an answer."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from notifications.models import Notification, NotificationKind
from participants.models import AttendanceStatus
from surveys.models import SurveyResponse
from surveys.seed import surveys_seed_defaults
from surveys.services.invitations import feedback_invitations_create
from tests.factories import ProgrammeFactory, TrainingSessionFactory
from tests.factories.participants import AttendanceFactory, ParticipantFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _choose(page, name, value):
    page.locator(f"input[name={name}][value='{value}']").check()


def test_participant_answers_on_a_phone_and_a_second_submission_edits(phone, live_server):
    programme = ProgrammeFactory()
    surveys_seed_defaults(programme_id=programme.pk)
    session = TrainingSessionFactory(programme=programme, title="Jualan lewat Instagram")
    person = ParticipantFactory(city=session.city)
    AttendanceFactory(participant=person, session=session, status=AttendanceStatus.ATTENDED, checked_in_at=session.starts_at)
    session.attendance_closed_at = session.ends_at
    session.save(update_fields=["attendance_closed_at"])
    feedback_invitations_create(session_id=session.pk)
    body = Notification.objects.get(kind=NotificationKind.SURVEY_FEEDBACK).body
    path = "/s/" + body.split("/s/")[1].split("/")[0] + "/"

    page = phone
    page.goto(live_server.url + path)
    expect(page.get_by_test_id("survey-title")).to_have_text("Umpan balik pelatihan")
    expect(page.get_by_text("Jualan lewat Instagram")).to_be_visible()
    page.get_by_test_id("survey-submit").click()  # nothing chosen: refused, in Indonesian
    expect(page.get_by_test_id("survey-errors")).to_contain_text("belum ada yang disimpan")
    for name, value in (("satisfaction", "5"), ("usefulness", "4"), ("skill_before", "2"), ("skill_after", "4")):
        _choose(page, name, value)
    page.fill("textarea[name=will_apply]", "Foto produk yang lebih terang")
    page.get_by_test_id("survey-submit").click()
    expect(page.get_by_test_id("survey-saved")).to_contain_text("Terima kasih")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling on the phone

    page.goto(live_server.url + path)  # later, from the same message
    expect(page.get_by_test_id("survey-answered-before")).to_be_visible()
    expect(page.locator("input[name=satisfaction][value='5']")).to_be_checked()
    _choose(page, "satisfaction", "3")
    page.get_by_test_id("survey-submit").click()
    expect(page.get_by_test_id("survey-saved")).to_be_visible()

    response = SurveyResponse.objects.get()
    assert response.edits == 1
    assert response.answers.get(question__code="satisfaction").number == 3
    assert response.answers.get(question__code="will_apply").text == "Foto produk yang lebih terang"
    assert response.submitted_at < response.updated_at <= response.invitation.closes_at
    assert response.invitation.closes_at > dt.datetime.now(dt.UTC)
