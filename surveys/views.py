"""The public survey page (personal link, no login) and the trainer's feedback page for a session."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views import View

from notifications.models import ContactPreference
from participants.models import Participant
from participants.ratelimit import public_form_limited
from users.areas import Area
from users.mixins import RoleRequiredMixin
from users.scoping import sessions_for

from .forms import PaperFeedbackForm, SurveyAnswerForm, initial_from
from .links import token_hash
from .models import SurveyInvitation, SurveyResponse, SurveyWave, WaveKind
from .selectors import free_text_answers_for
from .services.responses import current_questions, paper_response_enter, response_submit

INVALID_TEMPLATE = "surveys/link_invalid.html"
CLOSED_TEMPLATE = "surveys/link_closed.html"


def _participant_language(request, participant_id: int) -> str:
    """The language the person chose with the switcher, else the one we write to them in, else Indonesian."""
    codes = dict(settings.LANGUAGES)
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if chosen in codes:
        return chosen
    stored = ContactPreference.objects.filter(participant_id=participant_id).values_list("language", flat=True).first()
    return stored if stored in codes else settings.LANGUAGE_CODE


class SurveyAnswerView(View):
    """GET shows the survey (with the stored answers, if any); POST saves or edits them until the link closes.

    A token that matches no invitation (tampered, mistyped) answers 404 and a closed one 410, each with a
    page that says what happened; neither tells anything about the person.
    """

    template_name = "surveys/answer.html"

    def dispatch(self, request, token):
        if request.method == "POST":
            limited = public_form_limited(request, form="survey", link=token_hash(token)[:16])
            if limited:
                return limited
        invitation = (
            SurveyInvitation.objects.select_related("wave", "session__city", "participant")
            .filter(token_hash=token_hash(token))
            .first()
        )
        if invitation is None or invitation.participant.erased_at:
            return render(request, INVALID_TEMPLATE, status=404)
        language = _participant_language(request, invitation.participant_id)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        if timezone.now() >= invitation.closes_at:
            return render(request, CLOSED_TEMPLATE, {"invitation": invitation}, status=410)
        self.invitation = invitation
        self.questions = current_questions(invitation.wave)
        return super().dispatch(request, token)

    def _render(self, request, form, *, saved=False, status=200):
        invitation = self.invitation
        response = SurveyResponse.objects.filter(invitation=invitation).first()
        ctx = {"invitation": invitation, "form": form, "saved": saved, "response": response}
        return render(request, self.template_name, ctx, status=status)

    def get(self, request, token):
        response = SurveyResponse.objects.filter(invitation=self.invitation).first()
        form = SurveyAnswerForm(questions=self.questions, initial=initial_from(response))
        return self._render(request, form, saved=request.GET.get("saved") == "1")

    def post(self, request, token):
        form = SurveyAnswerForm(request.POST, questions=self.questions)
        if not form.is_valid():
            return self._render(request, form, status=400)
        try:
            response_submit(invitation=self.invitation, answers=form.answers())
        except ValidationError as exc:
            if getattr(exc, "code", None) == "closed":
                return render(request, CLOSED_TEMPLATE, {"invitation": self.invitation}, status=410)
            for code, errors in (exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}).items():
                form.add_error(code if code in form.fields else None, errors)
            return self._render(request, form, status=400)
        return redirect(f"{request.path}?saved=1")


class SessionFeedbackView(RoleRequiredMixin, View):
    """Feedback on one of the user's sessions: counts, free-text answers, and paper forms typed in."""

    template_name = "surveys/session_feedback.html"
    area = Area.SESSION_FEEDBACK

    def setup_view(self, request, pk):
        session = sessions_for(request.user).select_related("city", "partner").filter(pk=pk).first()
        if session is None:
            raise Http404
        self.session = session
        self.wave = (
            SurveyWave.objects.filter(programme_id=session.programme_id, kind=WaveKind.FEEDBACK, is_active=True)
            .order_by("position", "pk")
            .first()
        )
        if self.wave is None:
            raise Http404
        self.questions = current_questions(self.wave)
        self.attendees = Participant.objects.filter(
            attendances__session=session, attendances__status="attended", erased_at__isnull=True
        ).order_by("full_name")

    def _render(self, request, form, status=200):
        invitations = SurveyInvitation.objects.filter(wave=self.wave, session=self.session)
        ctx = {
            "session": self.session,
            "wave": self.wave,
            "form": form,
            "invited": invitations.count(),
            "responded": invitations.filter(response__isnull=False).count(),
            "free_text": free_text_answers_for(request.user, session=self.session)[:200],
        }
        return render(request, self.template_name, ctx, status=status)

    def get(self, request, pk):
        self.setup_view(request, pk)
        return self._render(request, PaperFeedbackForm(questions=self.questions, attendees=self.attendees))

    def post(self, request, pk):
        self.setup_view(request, pk)
        form = PaperFeedbackForm(request.POST, questions=self.questions, attendees=self.attendees)
        if not form.is_valid():
            return self._render(request, form, status=400)
        try:
            paper_response_enter(
                wave=self.wave,
                session=self.session,
                participant=form.cleaned_data["participant"],
                answers=form.answers(),
                by=request.user,
            )
        except ValidationError as exc:
            for code, errors in (exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}).items():
                form.add_error(code if code in form.fields else None, errors)
            return self._render(request, form, status=400)
        messages.success(request, _("Paper feedback saved."))
        return redirect("surveys:session-feedback", pk=self.session.pk)
