"""The survey as a form: one field per current question, checked by the same rules the service applies."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import QuestionKind, SurveyQuestion
from .services.responses import TEXT_MAX, answer_clean


def _field(question: SurveyQuestion) -> forms.Field:
    optional = _("optional")
    label = question.text if question.required else f"{question.text} ({optional})"
    kind = question.kind
    if kind == QuestionKind.LIKERT:
        widget = forms.RadioSelect(choices=[(str(i), str(i)) for i in range(1, 6)], attrs={"class": "survey-scale"})
    elif kind == QuestionKind.YES_NO:
        widget = forms.RadioSelect(choices=[("1", _("Yes")), ("0", _("No"))])
    elif kind == QuestionKind.CHOICE:
        widget = forms.RadioSelect(choices=[(c["value"], question.choice_label(c["value"])) for c in question.choices])
    elif kind == QuestionKind.NUMBER:
        widget = forms.NumberInput(attrs={"inputmode": "numeric", "min": question.min_value, "max": question.max_value})  # type: ignore[assignment]
    else:
        widget = forms.Textarea(attrs={"rows": 2, "maxlength": TEXT_MAX})  # type: ignore[assignment]
    # Required-ness and ranges are checked in clean() by the service's own rules, with its messages.
    return forms.CharField(label=label, required=False, widget=widget, strip=True)


class SurveyAnswerForm(forms.Form):
    def __init__(self, *args, questions: list[SurveyQuestion], **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            self.fields[question.code] = _field(question)

    def clean(self):
        cleaned = super().clean()
        for question in self.questions:
            try:
                answer_clean(question, cleaned.get(question.code))
            except ValidationError as exc:
                self.add_error(question.code, exc)
        return cleaned

    def answers(self) -> dict:
        return {q.code: self.cleaned_data.get(q.code, "") for q in self.questions}


def initial_from(response) -> dict:
    """The stored answers as form values, so a second visit edits the first submission."""
    if response is None:
        return {}
    initial = {}
    for answer in response.answers.select_related("question"):
        if answer.question.kind == QuestionKind.TEXT:
            initial[answer.question.code] = answer.text
        elif answer.question.kind == QuestionKind.CHOICE:
            initial[answer.question.code] = answer.choice
        else:
            initial[answer.question.code] = str(answer.number)
    return initial


class PaperFeedbackForm(SurveyAnswerForm):
    """A paper form typed in by a trainer: whose form it is, then the answers."""

    def __init__(self, *args, attendees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {
            "participant": forms.ModelChoiceField(queryset=attendees, label=_("Whose form is this?")),
            **self.fields,
        }
