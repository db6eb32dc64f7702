"""Inviting coordinators and trainers, and the invitee's one-time page to set a password."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import FormView

from partners.models import Partner
from umkm_program.forms import add_service_errors
from users.areas import Area
from users.mixins import RoleRequiredMixin
from users.models import Role
from users.roles import role_of
from users.scoping import scoped

from .forms import AcceptInvitationForm, InvitationForm
from .models import Invitation
from .services import INVITABLE, invitation_accept, invitation_create, invitation_for_token


class InvitationListView(RoleRequiredMixin, FormView):
    """The invitations sent so far and the form to send one; coordinators invite trainers of their own partner."""

    area = Area.INVITATIONS
    template_name = "invitations/invitation_list.html"
    form_class = InvitationForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        user = self.request.user
        kwargs.update(roles=INVITABLE[role_of(user)], partners=scoped(user, Partner).filter(is_active=True))
        return kwargs

    def get_initial(self):
        return {"partner": self.request.GET.get("partner") or self.request.user.partner_id, "role": Role.TRAINER}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["now"] = timezone.now()
        ctx["invitations"] = scoped(self.request.user, Invitation).select_related("partner", "invited_by")[:100]
        return ctx

    def form_valid(self, form):
        data = form.cleaned_data
        accept_url = self.request.build_absolute_uri(reverse("invitations:invitation-accept", args=["TOKEN"])).replace(
            "TOKEN", "{token}"
        )
        try:
            invitation_create(
                email=data["email"],
                name=data["name"],
                role=data["role"],
                partner=data["partner"],
                invited_by=self.request.user,
                accept_url=accept_url,
            )
        except PermissionDenied:
            form.add_error("partner", _("You may only invite trainers of your own partner."))
            return self.form_invalid(form)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request, _("Invitation sent to %(email)s. The link works once, for 7 days.") % {"email": data["email"]}
        )
        return redirect("invitations:invitation-list")


class InvitationAcceptView(FormView):
    """Anyone holding a valid link may set the password of the account it invites; the link then dies."""

    template_name = "invitations/invitation_accept.html"
    form_class = AcceptInvitationForm

    def dispatch(self, request, *args, **kwargs):
        self.invitation = invitation_for_token(token=kwargs["token"])
        if self.invitation is None:
            response = self.response_class(
                request=request, template=["invitations/invitation_invalid.html"], context={}, status=410
            )
            return response
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"name": self.invitation.name}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(invitation=self.invitation, role=Role(self.invitation.role).label)
        return ctx

    def form_valid(self, form):
        try:
            invitation_accept(token=self.kwargs["token"], name=form.cleaned_data["name"], password=form.cleaned_data["password1"])
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                form.add_error("password1", error.message_dict["password"])
            else:
                form.add_error(None, error.messages)
            return self.form_invalid(form)
        messages.success(self.request, _("Your password is set. Log in with your e-mail address and new password."))
        return redirect("account_login")
