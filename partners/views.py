"""Partner (NGO) and trainer pages; coordinators see and change only their own partner."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView, ListView

from cities.models import City
from umkm_program.forms import add_service_errors
from users.areas import Area
from users.mixins import RoleRequiredMixin
from users.scoping import scoped

from .forms import PartnerForm, TrainerForm
from .models import Partner, TotStatus, Trainer
from .services import PARTNER_FIELDS, partner_create, partner_update, trainer_update


class PartnerListView(RoleRequiredMixin, ListView):
    area = Area.PARTNERS
    template_name = "partners/partner_list.html"
    context_object_name = "partners"
    paginate_by = 50

    def get_queryset(self):
        return (
            scoped(self.request.user, Partner)
            .order_by("name")
            .annotate(
                trainer_count=Count("trainers", distinct=True),
                certified_count=Count("trainers", filter=Q(trainers__tot_status=TotStatus.CERTIFIED), distinct=True),
            )
        )


class PartnerDetailView(RoleRequiredMixin, DetailView):
    area = Area.PARTNERS
    template_name = "partners/partner_detail.html"
    context_object_name = "partner"

    def get_queryset(self):
        return scoped(self.request.user, Partner)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["trainers"] = (
            scoped(self.request.user, Trainer).filter(partner=self.object).select_related("user").prefetch_related("cities")
        )
        return ctx


class PartnerCreateView(RoleRequiredMixin, FormView):
    area = Area.PARTNER_ADMIN
    template_name = "partners/partner_form.html"
    form_class = PartnerForm

    def form_valid(self, form):
        try:
            partner = partner_create(**{f: form.cleaned_data[f] for f in PARTNER_FIELDS})
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Partner saved."))
        return redirect("partners:partner-detail", partner.pk)


class PartnerUpdateView(RoleRequiredMixin, FormView):
    area = Area.PARTNER_ADMIN
    template_name = "partners/partner_form.html"
    form_class = PartnerForm

    def get_partner(self):
        return get_object_or_404(scoped(self.request.user, Partner), pk=self.kwargs["pk"])

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.get_partner()
        return kwargs

    def form_valid(self, form):
        partner = Partner.objects.get(pk=self.kwargs["pk"])
        try:
            partner_update(partner=partner, **{f: form.cleaned_data[f] for f in PARTNER_FIELDS})
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Partner saved."))
        return redirect("partners:partner-detail", partner.pk)


class TrainerUpdateView(RoleRequiredMixin, FormView):
    """ToT status and dates, cities served; a coordinator reaches only their own partner's trainers."""

    area = Area.PARTNERS
    template_name = "partners/trainer_form.html"
    form_class = TrainerForm

    def get_trainer(self) -> Trainer:
        if not hasattr(self, "_trainer"):
            qs = scoped(self.request.user, Trainer).select_related("user", "partner")  # type: ignore[arg-type]
            self._trainer = get_object_or_404(qs, pk=self.kwargs["pk"])
        return self._trainer

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["cities"] = scoped(self.request.user, City)
        return kwargs

    def get_initial(self):
        t = self.get_trainer()
        fields = ("phone", "tot_status", "tot_started_on", "tot_certified_on", "is_active")
        return {**{f: getattr(t, f) for f in fields}, "cities": list(t.cities.all())}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["trainer"] = self.get_trainer()
        return ctx

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        cities = data.pop("cities")
        trainer = self.get_trainer()
        try:
            trainer_update(trainer=trainer, cities=cities, by=self.request.user, **data)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Trainer saved."))
        return redirect("partners:partner-detail", trainer.partner_id)
