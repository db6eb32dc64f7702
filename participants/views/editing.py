"""Correcting a participant's details: trainers of their sessions, coordinators, admins."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View

from users.areas import Area
from users.scoping import cities_for, participants_for

from ..forms import ParticipantEditForm
from ..models import Participant
from ..services.editing import EditConflict, PhoneTaken, participant_send_to_merge_queue, participant_update
from .common import PersonalDataMixin


class ParticipantUpdateView(PersonalDataMixin, View):
    """GET shows the form; POST saves through participant_update. KSP and policy viewers: 403."""

    area = Area.CHECK_IN
    template_name = "participants/participant_edit.html"

    def get_participant(self) -> Participant:
        qs = participants_for(self.request.user).filter(merged_into__isnull=True, erased_at__isnull=True)  # type: ignore[arg-type]
        return get_object_or_404(qs.select_related("city"), pk=self.kwargs["pk"])

    def next_url(self) -> str:
        url = self.request.POST.get("next") or self.request.GET.get("next") or ""
        if url and url_has_allowed_host_and_scheme(url, allowed_hosts={self.request.get_host()}):
            return url
        return ""

    def render_form(self, participant, form, **extra):
        ctx = {"participant": participant, "form": form, "next": self.next_url(), **extra}
        return render(self.request, self.template_name, ctx)

    def get(self, request, pk):
        participant = self.get_participant()
        form = ParticipantEditForm(instance=participant, cities=cities_for(request.user))
        return self.render_form(participant, form)

    def post(self, request, pk):
        participant = self.get_participant()
        form = ParticipantEditForm(request.POST, instance=participant, cities=cities_for(request.user))
        if not form.is_valid():
            return self.render_form(participant, form)
        if request.POST.get("to_merge_queue") and participant_send_to_merge_queue(
            participant=participant, phone=form.cleaned_data["phone"]
        ):
            messages.success(request, _("Sent to the merge queue: an admin will check and merge the two records."))
            return self.done(pk)
        try:
            changed = participant_update(
                participant=participant,
                by=request.user,
                expected_updated_at=form.cleaned_data["updated_at"],
                **form.changes(),
            )
        except EditConflict:
            fresh = ParticipantEditForm(instance=self.get_participant(), cities=cities_for(request.user))
            return self.render_form(participant, fresh, conflict=True)
        except PhoneTaken as exc:
            _add_errors(form, exc)
            return self.render_form(participant, form, phone_taken=True)
        except ValidationError as exc:
            _add_errors(form, exc)
            return self.render_form(participant, form)
        if changed:
            messages.success(request, _("Saved. %(name)s's details are corrected.") % {"name": participant.full_name})
        else:
            messages.info(request, _("Nothing changed."))
        return self.done(pk)

    def done(self, pk):
        return redirect(self.next_url() or "participants:detail", **({} if self.next_url() else {"pk": pk}))


def _add_errors(form, exc: ValidationError) -> None:
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)
