"""Answers: validated as a whole, written in one transaction (nothing half-saved), one response per
invitation that a later submission edits until the link closes; paper answers entered by trainers."""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from participants.models import Attendance, AttendanceStatus, Participant
from sessions_app.models import TrainingSession
from users.models import User

from ..links import link_token, new_nonce, token_hash
from ..models import (
    QuestionKind,
    ResponseSource,
    SurveyAnswer,
    SurveyInvitation,
    SurveyQuestion,
    SurveyResponse,
    SurveyWave,
)
from .indicators import indicators_refresh_soon

TEXT_MAX = 500


def current_questions(wave: SurveyWave) -> list[SurveyQuestion]:
    return list(wave.questions.filter(retired_at__isnull=True).order_by("position", "pk"))


def answer_clean(question: SurveyQuestion, raw: Any) -> dict | None:
    """{"number"|"choice"|"text": value} for one raw answer, None when left empty; ValidationError when wrong."""
    raw = "" if raw is None else str(raw).strip()
    if raw == "":
        if question.required:
            raise ValidationError(_("Please answer this question."), code="required")
        return None
    kind = question.kind
    if kind == QuestionKind.TEXT:
        if len(raw) > TEXT_MAX:
            raise ValidationError(_("Please keep the answer under %(max)d characters.") % {"max": TEXT_MAX}, code="long")
        return {"text": raw}
    if kind == QuestionKind.CHOICE:
        if raw not in {c["value"] for c in question.choices}:
            raise ValidationError(_("Please pick one of the options."), code="choice")
        return {"choice": raw}
    if kind == QuestionKind.YES_NO:
        if raw not in ("0", "1"):
            raise ValidationError(_("Please answer yes or no."), code="yes_no")
        return {"number": int(raw)}
    try:
        number = int(raw)
    except ValueError:
        raise ValidationError(_("Please enter a whole number."), code="number") from None
    low, high = (1, 5) if kind == QuestionKind.LIKERT else (question.min_value, question.max_value)
    if (low is not None and number < low) or (high is not None and number > high):
        raise ValidationError(
            _("Please give a number from %(low)s to %(high)s.") % {"low": low, "high": "…" if high is None else high},
            code="range",
        )
    return {"number": number}


def response_submit(
    *,
    invitation: SurveyInvitation,
    answers: dict,
    source: str = ResponseSource.LINK,
    by: User | None = None,
    now: dt.datetime | None = None,
) -> SurveyResponse:
    """Save the answers (question code -> raw value) of one invitation; a repeat edits the stored response.

    Every answer is checked before anything is written: a ValidationError keyed by question code
    leaves the stored response as it was.
    """
    now = now or timezone.now()
    questions = current_questions(invitation.wave)
    cleaned, errors = {}, {}
    for question in questions:
        try:
            cleaned[question] = answer_clean(question, answers.get(question.code))
        except ValidationError as exc:
            errors[question.code] = exc.messages
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = SurveyInvitation.objects.select_for_update().get(pk=invitation.pk)
        if now >= locked.closes_at:
            raise ValidationError(_("This survey has closed; answers can no longer be changed."), code="closed")
        response = SurveyResponse.objects.filter(invitation=locked).first()
        if response is None:
            response = SurveyResponse.objects.create(
                invitation=locked, source=source, entered_by=by, submitted_at=now, updated_at=now
            )
        else:
            response.updated_at, response.edits = now, response.edits + 1
            response.save(update_fields=["updated_at", "edits"])
            response.answers.all().delete()
        SurveyAnswer.objects.bulk_create(
            [SurveyAnswer(response=response, question=q, **value) for q, value in cleaned.items() if value is not None]
        )
        programme_id = locked.wave.programme_id
        transaction.on_commit(lambda: indicators_refresh_soon(programme_id=programme_id))
    return response


def paper_response_enter(
    *,
    wave: SurveyWave,
    session: TrainingSession,
    participant: Participant,
    answers: dict,
    by: User,
    now: dt.datetime | None = None,
) -> SurveyResponse:
    """A trainer types in a feedback form filled on paper, for an attendee of their own session.

    Uses the person's invitation (creating one that is never sent, if none exists), so paper and
    link answers share the one-response-per-wave rule. The caller has checked the session is in scope.
    """
    now = now or timezone.now()
    if wave.kind != "feedback" or wave.programme_id != session.programme_id:
        raise ValidationError(_("This survey is not a feedback survey of this session's programme."))
    if not Attendance.objects.filter(session=session, participant=participant, status=AttendanceStatus.ATTENDED).exists():
        raise ValidationError(_("Only people who attended this session can give feedback on it."))
    nonce = new_nonce()
    invitation, _created = SurveyInvitation.objects.get_or_create(
        wave=wave,
        participant=participant,
        session=session,
        defaults={
            "nonce": nonce,
            "token_hash": token_hash(link_token(nonce)),
            "send_after": now,
            "closes_at": now + dt.timedelta(days=wave.open_days),
        },
    )
    return response_submit(invitation=invitation, answers=answers, source=ResponseSource.PAPER, by=by, now=now)


def question_revise(*, question: SurveyQuestion, changes: dict) -> SurveyQuestion:
    """Change a question. Unanswered: edited in place. Answered: retired, and version + 1 takes its place,
    so stored answers keep the meaning they were given under."""
    allowed = {"kind", "text_id", "text_en", "choices", "required", "min_value", "max_value", "baseline_values", "position"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError(_("These fields cannot be changed: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    with transaction.atomic():
        locked = SurveyQuestion.objects.select_for_update().get(pk=question.pk)
        if locked.retired_at is not None:
            raise ValidationError(_("This version was replaced already; change the current one."))
        if not locked.answers.exists():
            for name, value in changes.items():
                setattr(locked, name, value)
            locked.save()
            return locked
        locked.retired_at = timezone.now()
        locked.save(update_fields=["retired_at"])
        fields = {f: getattr(locked, f) for f in allowed | {"wave_id", "code"}}
        fields.update(changes)
        return SurveyQuestion.objects.create(**fields, version=locked.version + 1)


def participant_answers_erase(*, participant_ids: list[int]) -> int:
    """Blank the free-text answers of erased people (their figures stay, as the counts do)."""
    return (
        SurveyAnswer.objects.filter(response__invitation__participant_id__in=list(participant_ids))
        .exclude(text="")
        .update(text="")
    )
