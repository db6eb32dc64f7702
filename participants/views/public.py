"""Self-registration through a session's public link or QR code (no login)."""

from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from sessions_app.models import Audience, TrainingSession

from ..forms import ParticipantForm
from ..selectors import registration_state, session_local
from ..services.registration import RegistrationClosed, participant_register_self


class SelfRegistrationView(View):
    template_name = "participants/self_register.html"
    closed_template_name = "participants/self_register_closed.html"

    def get_session(self, token) -> TrainingSession:
        session = get_object_or_404(TrainingSession.objects.select_related("city"), registration_token=token)
        session.local_start = session_local(session)
        session.local_end = session_local(session, session.ends_at)
        return session

    def _closed(self, request, session, state):
        return render(request, self.closed_template_name, {"session": session, "reason": state.reason}, status=410)

    def get(self, request, token):
        session = self.get_session(token)
        state = registration_state(session=session)
        if not state.open:
            return self._closed(request, session, state)
        form = ParticipantForm(pemda=session.audience == Audience.PEMDA)
        return render(request, self.template_name, {"session": session, "form": form})

    def post(self, request, token):
        session = self.get_session(token)
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


class SelfRegistrationDoneView(View):
    def get(self, request, token):
        session = get_object_or_404(TrainingSession.objects.select_related("city"), registration_token=token)
        session.local_start = session_local(session)
        return render(request, "participants/self_register_done.html", {"session": session})
