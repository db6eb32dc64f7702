"""The public survey page (tampered, expired, language, resubmission) and the trainer's paper entry."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from notifications.models import ContactPreference
from surveys.links import link_token
from surveys.models import ResponseSource, SurveyInvitation, SurveyQuestion, SurveyResponse, SurveyWave
from surveys.services.invitations import feedback_invitations_create
from tests.conftest import PASSWORD
from tests.factories.partners import TrainerFactory

from .conftest import WITA

pytestmark = pytest.mark.django_db

GOOD = {"satisfaction": "4", "usefulness": "5", "skill_before": "2", "skill_after": "4", "will_apply": "Foto produk"}


@pytest.fixture
def closed_session(programme, makassar, session_in, attend):
    session = session_in(makassar, dt.datetime(2018, 9, 12, 9, 0, tzinfo=WITA))
    attend(session, full_name="Siti Rahmawati")
    session.attendance_closed_at = session.ends_at
    session.save(update_fields=["attendance_closed_at"])
    return session


@pytest.fixture
def invitation(closed_session):
    feedback_invitations_create(session_id=closed_session.pk)  # now: the link is open
    return SurveyInvitation.objects.get()


def url(invitation, token=None):
    return reverse("surveys:answer", args=[token or link_token(invitation.nonce)])


def test_a_tampered_link_gets_a_clear_page_in_indonesian(client, invitation):
    token = link_token(invitation.nonce)
    tampered = token[:-1] + ("0" if token[-1] != "0" else "1")
    response = client.get(url(invitation, tampered))
    assert response.status_code == 404
    assert "Tautan survei ini tidak berlaku" in response.content.decode()
    assert client.post(url(invitation, tampered), GOOD).status_code == 404
    assert not SurveyResponse.objects.exists()


def test_an_expired_link_gets_a_clear_page_and_writes_nothing(client, invitation):
    SurveyInvitation.objects.filter(pk=invitation.pk).update(
        send_after=invitation.send_after - dt.timedelta(days=60), closes_at=invitation.send_after - dt.timedelta(days=1)
    )
    response = client.get(url(invitation))
    assert response.status_code == 410
    assert "Survei ini sudah ditutup" in response.content.decode()
    assert client.post(url(invitation), GOOD).status_code == 410
    assert not SurveyResponse.objects.exists()


def test_the_page_speaks_the_participants_language_and_a_second_submission_edits(client, invitation):
    ContactPreference.objects.create(
        recipient_key=f"participant:{invitation.participant_id}", participant=invitation.participant, language="en"
    )
    page = client.get(url(invitation)).content.decode()
    assert "How satisfied are you with this training?" in page
    assert "Siti Rahmawati" not in page  # the page never shows who the link belongs to

    assert client.post(url(invitation), GOOD).status_code == 302
    again = client.post(url(invitation), {**GOOD, "satisfaction": "2"})
    assert again.status_code == 302
    response = SurveyResponse.objects.get()
    assert response.answers.get(question__code="satisfaction").number == 2
    assert "answered already" in client.get(url(invitation)).content.decode()


def test_bad_answers_are_refused_with_a_message_and_nothing_saved(client, invitation):
    response = client.post(url(invitation), {**GOOD, "satisfaction": "9", "usefulness": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Mohon isi angka dari 1 sampai 5" in html
    assert "Mohon jawab pertanyaan ini" in html
    assert not SurveyResponse.objects.exists()


def _trainer_client(session, partner=None):
    trainer = TrainerFactory(partner=partner or session.partner)
    from users.roles import user_set_role

    user_set_role(user=trainer.user, role="trainer", partner=trainer.partner)
    trainer.user.set_password(PASSWORD)
    trainer.user.save()
    client = Client()
    client.force_login(trainer.user)
    return trainer, client


def test_a_trainer_enters_paper_feedback_for_their_own_session_only(roles, closed_session):
    trainer, client = _trainer_client(closed_session)
    closed_session.lead_trainer = trainer
    closed_session.save(update_fields=["lead_trainer"])
    person = closed_session.attendances.get().participant
    page = reverse("surveys:session-feedback", args=[closed_session.pk])

    assert client.post(page, {**GOOD, "participant": person.pk}).status_code == 302
    response = SurveyResponse.objects.get()
    assert (response.source, response.entered_by_id) == (ResponseSource.PAPER, trainer.user_id)
    assert "Foto produk" in client.get(page).content.decode()  # free text: shown to the session's staff

    _other, stranger = _trainer_client(closed_session, partner=TrainerFactory().partner)
    assert stranger.get(page).status_code == 404
    assert stranger.post(page, {**GOOD, "participant": person.pk}).status_code == 404


def test_seed_programme_seeds_the_default_surveys_once(db):
    call_command("seed_programme")
    call_command("seed_programme")
    assert set(SurveyWave.objects.values_list("code", "days_after")) == {
        ("feedback", 0),
        ("follow-up-30", 30),
        ("follow-up-90", 90),
    }
    assert SurveyQuestion.objects.filter(wave__code="follow-up-90").count() == 6
