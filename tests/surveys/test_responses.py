"""Answering: all-or-nothing validation, one response per invitation that a resubmission edits,
closed links refused, answered questions versioned, free text erased with the person."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from participants.models import ErasureReason
from participants.services.privacy import participant_erase
from surveys.models import SurveyAnswer, SurveyInvitation, SurveyQuestion, SurveyResponse
from surveys.services.invitations import feedback_invitations_create
from surveys.services.responses import question_revise, response_submit

from .conftest import WITA

pytestmark = pytest.mark.django_db

GOOD = {"satisfaction": "5", "usefulness": "4", "skill_before": "2", "skill_after": "4", "will_apply": "Foto produk"}


@pytest.fixture
def invitation(programme, makassar, session_in, attend):
    session = session_in(makassar, dt.datetime(2018, 9, 12, 9, 0, tzinfo=WITA))
    attend(session)
    session.attendance_closed_at = session.ends_at
    session.save(update_fields=["attendance_closed_at"])
    feedback_invitations_create(session_id=session.pk, now=session.ends_at)
    return SurveyInvitation.objects.get()


def _stored(response):
    return {a.question.code: a.number if a.number is not None else a.text for a in response.answers.select_related("question")}


def test_a_second_submission_edits_the_first(invitation):
    first = response_submit(invitation=invitation, answers=GOOD, now=invitation.send_after)
    second = response_submit(
        invitation=invitation, answers={**GOOD, "satisfaction": "3", "will_apply": ""}, now=invitation.send_after
    )
    assert first.pk == second.pk
    assert SurveyResponse.objects.count() == 1
    assert _stored(SurveyResponse.objects.get()) == {"satisfaction": 3, "usefulness": 4, "skill_before": 2, "skill_after": 4}
    assert SurveyResponse.objects.get().edits == 1


@pytest.mark.parametrize(
    "bad, field",
    [({"satisfaction": "7"}, "satisfaction"), ({"usefulness": ""}, "usefulness"), ({"skill_after": "banyak"}, "skill_after")],
)
def test_out_of_range_or_missing_answers_are_refused_and_nothing_changes(invitation, bad, field):
    response_submit(invitation=invitation, answers=GOOD, now=invitation.send_after)
    with pytest.raises(ValidationError) as refused:
        response_submit(invitation=invitation, answers={**GOOD, "satisfaction": "1", **bad}, now=invitation.send_after)
    assert field in refused.value.message_dict
    assert _stored(SurveyResponse.objects.get())["satisfaction"] == 5  # the valid change was not half-saved


def test_answers_are_refused_once_the_link_has_closed(invitation):
    with pytest.raises(ValidationError) as refused:
        response_submit(invitation=invitation, answers=GOOD, now=invitation.closes_at)
    assert refused.value.code == "closed"
    assert not SurveyResponse.objects.exists()


def test_an_answered_question_gets_a_new_version_instead_of_an_edit(invitation):
    question = SurveyQuestion.objects.get(wave=invitation.wave, code="usefulness")
    edited = question_revise(question=question, changes={"text_en": "How useful?"})
    assert edited.pk == question.pk and edited.version == 1  # no answers yet: edited in place

    response_submit(invitation=invitation, answers=GOOD, now=invitation.send_after)
    revised = question_revise(question=edited, changes={"text_en": "How useful for your sales?"})

    assert revised.pk != question.pk and revised.version == 2
    question.refresh_from_db()
    assert question.retired_at is not None and question.text_en == "How useful?"
    assert SurveyAnswer.objects.get(question__code="usefulness").question_id == question.pk


def test_free_text_is_erased_with_the_person_and_the_figures_stay(invitation, make_user):
    response_submit(invitation=invitation, answers=GOOD, now=invitation.send_after)
    participant_erase(
        participant=invitation.participant,
        by=make_user("programme_admin"),
        reason=ErasureReason.REQUEST,
        reference="PDP-2026-001",
    )
    assert not SurveyAnswer.objects.exclude(text="").exists()
    assert SurveyAnswer.objects.filter(question__code="satisfaction", number=5).exists()


def test_the_persons_data_export_holds_their_answers(invitation):
    from participants.services.privacy import participant_personal_data

    response_submit(invitation=invitation, answers=GOOD, now=invitation.send_after)
    exported = participant_personal_data(participant=invitation.participant)["survey_responses"]
    assert [r["survey"] for r in exported] == ["feedback"]
    assert exported[0]["answers"]["will_apply@v1"] == "Foto produk"
    assert exported[0]["answers"]["satisfaction@v1"] == 5
