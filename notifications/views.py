from django.http import Http404
from django.views.generic import TemplateView

from participants.ratelimit import public_form_limited

from .services.messages import opt_out_recipient
from .services.outbox import contact_opt_out


class ContactPreferenceOptOutView(TemplateView):
    """Public page behind the link in every message. GET only asks (link previews must not opt
    anyone out); the POST records the opt-out."""

    template_name = "notifications/opt_out.html"

    def dispatch(self, request, *args, **kwargs):
        if request.method == "POST":
            limited = public_form_limited(request, form="opt-out", link=kwargs["token"])
            if limited:
                return limited
        self.recipient_key = opt_out_recipient(kwargs["token"])
        if not self.recipient_key:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        contact_opt_out(recipient_key=self.recipient_key)
        return self.render_to_response(self.get_context_data(done=True))
