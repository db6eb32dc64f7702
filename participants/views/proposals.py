"""Reviewing what people typed on a public form that differs from their stored record: accept or reject.

Works without JavaScript (each button posts and the page comes back with a message); with htmx the
decided card is swapped in place.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from users.areas import Area
from users.scoping import proposed_changes_for

from ..selectors import proposed_change_fields, proposed_changes_pending
from ..services.proposals import ProposalAlreadyDecided, proposed_change_accept, proposed_change_reject
from .common import PersonalDataMixin

ROW_TEMPLATE = "participants/_proposed_change.html"


def _card(proposal) -> dict:
    return {"proposal": proposal, "fields": proposed_change_fields(proposal=proposal)}


class ProposedChangeListView(PersonalDataMixin, TemplateView):
    area = Area.MANAGE_PARTICIPANTS
    template_name = "participants/proposed_change_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["cards"] = [_card(p) for p in proposed_changes_pending(user=self.request.user)[:100]]
        return ctx


class ProposedChangeDecideView(PersonalDataMixin, View):
    area = Area.MANAGE_PARTICIPANTS

    def post(self, request, pk):
        proposal = get_object_or_404(
            proposed_changes_for(request.user).select_related("participant", "participant__city", "session"), pk=pk
        )
        action = request.POST.get("action")
        error = ""
        try:
            if action == "accept":
                proposed_change_accept(proposal=proposal, by=request.user)
                done = _("Change accepted: %(name)s's record is updated.") % {"name": proposal.participant.full_name}
            elif action == "reject":
                proposed_change_reject(proposal=proposal, by=request.user)
                done = _("Change rejected: %(name)s's record stays as it was.") % {"name": proposal.participant.full_name}
            else:
                error = _("Choose accept or reject.")
        except ProposalAlreadyDecided:
            error = _("Someone already decided on this change.")
        except ValidationError as invalid:
            error = _("The change cannot be applied: %(reason)s") % {"reason": " ".join(invalid.messages)}
        proposal.refresh_from_db()
        proposal.participant.refresh_from_db()
        if request.htmx:
            ctx = {**_card(proposal), "done": "" if error else done, "error": error}
            return render(request, ROW_TEMPLATE, ctx)  # htmx swaps 2xx only: the card itself says what went wrong
        if error:
            messages.error(request, error)
        else:
            messages.success(request, done)
        return redirect("participants:proposed-changes")
