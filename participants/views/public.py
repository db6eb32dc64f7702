"""Self-registration through a session's public link or QR code (no login).

The answer never tells whether the phone typed was known: a known person is registered as stored
(their differences become a proposal for staff), a new one is created, and both get the same page.
"""

from django.shortcuts import redirect, render
from django.views import View

from sessions_app.models import Audience, TrainingSession

from ..forms import ParticipantForm
from ..ratelimit import public_form_limited
from ..selectors import registration_state, session_local
from ..services.registration import RegistrationClosed, participant_register_self

INVALID_TEMPLATE = "participants/self_register_invalid.html"


class PublicSessionLinkMixin:
    """The session behind a live link; a replaced (or never issued) token answers 404 and a closed link 410,
    both with the same "this link is no longer valid" page."""

    def dispatch(self, request, *args, **kwargs):
        if request.method == "POST":
            limited = public_form_limited(request, form="self-register", link=str(kwargs["token"]))
            if limited:
                return limited
        session = TrainingSession.objects.select_related("city").filter(registration_token=kwargs["token"]).first()
        if session is None:
            return render(request, INVALID_TEMPLATE, status=404)
        if session.registration_link_closed_at:
            return render(request, INVALID_TEMPLATE, status=410)
        session.local_start = session_local(session)
        session.local_end = session_local(session, session.ends_at)
        self.session = session
        return super().dispatch(request, *args, **kwargs)


class SelfRegistrationView(PublicSessionLinkMixin, View):
    template_name = "participants/self_register.html"
    closed_template_name = "participants/self_register_closed.html"

    def _closed(self, request, session, state):
        if state.reason == "link_closed":  # closed by staff a moment ago
            return render(request, INVALID_TEMPLATE, status=410)
        return render(request, self.closed_template_name, {"session": session, "reason": state.reason}, status=410)

    def get(self, request, token):
        session = self.session
        state = registration_state(session=session)
        if not state.open:
            return self._closed(request, session, state)
        form = ParticipantForm(pemda=session.audience == Audience.PEMDA)
        return render(request, self.template_name, {"session": session, "form": form})

    def post(self, request, token):
        session = self.session
        form = ParticipantForm(request.POST, pemda=session.audience == Audience.PEMDA)
        if not form.is_valid():
            return render(request, self.template_name, {"session": session, "form": form})
        state = registration_state(session=session)
        if not state.open:
            return self._closed(request, session, state)
        try:
            participant_register_self(
                session=session,
                data=form.participant_data(),
                client_id=form.cleaned_data["client_id"],
                language=getattr(request, "LANGUAGE_CODE", ""),
            )
        except RegistrationClosed as closed:  # someone else took the last place a moment ago
            return self._closed(request, session, closed)
        return redirect("participants:self-register-done", token=token)


class SelfRegistrationDoneView(PublicSessionLinkMixin, View):
    def get(self, request, token):
        return render(request, "participants/self_register_done.html", {"session": self.session})
