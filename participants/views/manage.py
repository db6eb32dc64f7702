"""Participants for admins and coordinators: list, detail, merge queue, import, export."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, ListView

from audit.services import audit_bulk_export
from umkm_program.spreadsheets import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE
from users.areas import Area, may_open
from users.scoping import (
    attendance_participant_visible,
    attendances_for,
    duplicate_candidates_for,
    may_handle_data_requests,
    participant_imports_for,
    participants_for,
    proposed_changes_for,
)

from ..filters import ParticipantCityFilterForm
from ..forms import ErasureForm, ImportUploadForm
from ..models import DuplicateStatus, ImportStatus, Participant, ParticipantImport, ProposalStatus
from ..phones import phone_display, phone_search_digits
from ..services.exports import export_csv_stream, export_row_count, export_xlsx_stream
from ..services.imports import import_apply, import_create, import_progress
from ..services.merging import duplicate_dismiss, participant_merge
from ..services.privacy import participant_erase, participant_export_personal_data
from ..tasks import participant_import_run
from .common import PersonalDataMixin

# Files with more rows than this are imported by a background job with a progress bar.
IMPORT_INLINE_MAX_ROWS = 200
IMPORT_PREVIEW_PAGE_ROWS = 100


class ParticipantListView(PersonalDataMixin, ListView):
    template_name = "participants/participant_list.html"
    paginate_by = 50
    context_object_name = "participants"

    def get_queryset(self):
        qs = participants_for(self.request.user).filter(merged_into__isnull=True, erased_at__isnull=True).select_related("city")
        self.filter_form = ParticipantCityFilterForm(self.request.GET, user=self.request.user)
        if city_id := self.filter_form.city_id():
            qs = qs.filter(city_id=city_id)
        query = self.request.GET.get("q", "").strip()
        if query:
            digits = phone_search_digits(query)
            qs = qs.filter(phone__contains=digits) if digits else qs.filter(full_name__icontains=query)
        return qs.order_by("full_name", "pk")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["query"] = self.request.GET.get("q", "")
        ctx["filter_form"] = self.filter_form
        ctx["city_id"] = self.filter_form.city_id() or ""
        ctx["may_import"] = may_open(self.request.user, Area.MANAGE_PARTICIPANTS)
        return ctx


class ParticipantDetailView(PersonalDataMixin, DetailView):
    template_name = "participants/participant_detail.html"
    context_object_name = "participant"

    def get_queryset(self):
        return participants_for(self.request.user).select_related("city", "merged_into")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["phone"] = phone_display(self.object.phone)
        ctx["attendances"] = (
            attendances_for(self.request.user)
            .filter(participant=self.object)
            .select_related("session", "session__city")
            .order_by("-session__starts_at")
        )
        ctx["may_handle_data_requests"] = may_handle_data_requests(self.request.user)
        ctx["pending_proposals"] = (
            proposed_changes_for(self.request.user).filter(participant=self.object, status=ProposalStatus.PENDING).count()
        )
        ctx["may_edit"] = (
            not self.object.erased_at and not self.object.merged_into_id and may_open(self.request.user, Area.CHECK_IN)
        )
        return ctx


class DataRequestMixin(PersonalDataMixin):
    """Export and erasure on a person's request: programme admins only (users/scoping.py decides)."""

    area = Area.DATA_REQUESTS

    def get_participant(self) -> Participant:
        return get_object_or_404(participants_for(self.request.user).select_related("city"), pk=self.kwargs["pk"])  # type: ignore[arg-type]


class ParticipantPersonalDataExportView(DataRequestMixin, View):
    """Everything held about one person, as a JSON download (audited)."""

    def get(self, request, pk):
        participant = self.get_participant()
        data = participant_export_personal_data(participant=participant, by=request.user)
        response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
        response["Content-Disposition"] = f'attachment; filename="participant-{participant.pk}-personal-data.json"'
        return response


class ParticipantEraseView(DataRequestMixin, View):
    """Confirmation page, then erasure on POST with a reason."""

    template_name = "participants/participant_erase.html"

    def get(self, request, pk):
        participant = self.get_participant()
        return render(request, self.template_name, {"participant": participant, "form": ErasureForm()})

    def post(self, request, pk):
        participant = self.get_participant()
        form = ErasureForm(request.POST)
        if form.is_valid():
            try:
                erased = participant_erase(
                    participant=participant,
                    by=request.user,
                    reason=form.cleaned_data["reason"],
                    reference=form.cleaned_data["reference"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                if erased:
                    messages.success(request, _("The participant's personal data is erased; their attendance still counts."))
                else:
                    messages.info(request, _("This participant's personal data was already erased."))
                return redirect("participants:detail", pk=participant.pk)
        return render(request, self.template_name, {"participant": participant, "form": form})


class AdminOnlyMixin(PersonalDataMixin):
    area = Area.DUPLICATES


class DuplicateCandidateListView(AdminOnlyMixin, ListView):
    template_name = "participants/duplicate_list.html"
    context_object_name = "candidates"
    paginate_by = 25

    def get_queryset(self):
        return (
            duplicate_candidates_for(self.request.user)
            .filter(status=DuplicateStatus.OPEN)
            .select_related("participant", "participant__city", "existing", "existing__city")
            .order_by("-score", "created_at")
        )


class DuplicateCandidateResolveView(AdminOnlyMixin, View):
    def post(self, request, pk):
        candidate = get_object_or_404(duplicate_candidates_for(request.user), pk=pk)
        action = request.POST.get("action")
        if action == "dismiss":
            duplicate_dismiss(candidate=candidate, by=request.user)
            messages.success(request, _("Kept as two different people."))
            return redirect("participants:duplicates")
        if action not in ("keep_existing", "keep_new"):
            raise Http404
        keep, lose = candidate.existing, candidate.participant
        if action == "keep_new":
            keep, lose = lose, keep
        try:
            participant_merge(keep=keep, lose=lose, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Merged into %(name)s; their attendances now count once.") % {"name": keep.full_name})
        return redirect("participants:duplicates")


class ParticipantImportCreateView(PersonalDataMixin, View):
    area = Area.MANAGE_PARTICIPANTS
    template_name = "participants/import_upload.html"

    def get(self, request):
        return render(request, self.template_name, {"form": ImportUploadForm()})

    def post(self, request):
        form = ImportUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                job = import_create(user=request.user, name=upload.name, content=upload)
            except ValidationError as exc:
                form.add_error("file", exc)
            else:
                return redirect("participants:import-detail", pk=job.pk)
        return render(request, self.template_name, {"form": form})


class ImportScopedMixin(PersonalDataMixin):
    area = Area.MANAGE_PARTICIPANTS

    def get_import(self) -> ParticipantImport:
        # never the stored rows: 100,000 of them would cost the web process tens of megabytes per page
        imports = participant_imports_for(self.request.user).defer("rows")  # type: ignore[arg-type]
        return get_object_or_404(imports, pk=self.kwargs["pk"])


def _import_context(job: ParticipantImport) -> dict:
    done = import_progress(participant_import=job)
    percent = int(100 * done / job.total_rows) if job.total_rows else 100
    return {
        "job": job,
        "done_rows": done,
        "percent": percent,
        "running": job.status in (ImportStatus.QUEUED, ImportStatus.RUNNING),
        "statuses": ImportStatus,
    }


class ParticipantImportDetailView(ImportScopedMixin, View):
    """The preview before confirming, the progress while it runs, the result after."""

    def get(self, request, pk):
        job = self.get_import()
        ctx = _import_context(job)
        if job.status == ImportStatus.PREVIEW:
            page = Paginator(job.preview, IMPORT_PREVIEW_PAGE_ROWS).get_page(request.GET.get("page"))
            ctx["page_obj"], ctx["preview_rows"] = page, page.object_list
            ctx["counts"] = job.preview_counts or _preview_counts(job.preview)
            ctx["problems_only"] = len(job.preview) < job.total_rows  # a large file: its counts and first problems
        return render(request, "participants/import_detail.html", ctx)


def _preview_counts(preview: list[dict]) -> dict[str, int]:
    """For an import uploaded before the counts were stored with it (its preview then held every row)."""
    counts = {a: sum(1 for p in preview if p["action"] == a) for a in ("create", "match", "error")}
    counts["duplicate"] = sum(1 for p in preview if p.get("possible_duplicate_of"))
    counts["outside_scope"] = sum(1 for p in preview if p.get("outside_scope"))
    return counts


class ParticipantImportProgressView(ImportScopedMixin, View):
    """htmx partial polled while the job runs; it stops polling once the job is done."""

    def get(self, request, pk):
        return render(request, "participants/_import_progress.html", _import_context(self.get_import()))


class ParticipantImportConfirmView(ImportScopedMixin, View):
    def post(self, request, pk):
        job = self.get_import()
        if job.status == ImportStatus.PREVIEW:
            if job.total_rows > IMPORT_INLINE_MAX_ROWS:
                with transaction.atomic():
                    updated = ParticipantImport.objects.filter(pk=job.pk, status=ImportStatus.PREVIEW).update(
                        status=ImportStatus.QUEUED
                    )
                    if updated:
                        transaction.on_commit(lambda: participant_import_run.delay(job.pk))
            else:
                import_apply(participant_import=job)
        return redirect("participants:import-detail", pk=job.pk)


class ExportView(PersonalDataMixin, View):
    """CSV or XLSX of participants or attendance, only the rows the user may see (of one city with ?city=), streamed."""

    def get(self, request, what, fmt):
        if what == "participants":
            qs = participants_for(request.user)
        elif what == "attendance":
            qs = attendances_for(request.user).annotate(participant_visible=attendance_participant_visible(request.user))
        else:
            raise Http404
        if fmt not in ("csv", "xlsx"):
            raise Http404
        filter_form = ParticipantCityFilterForm(request.GET, user=request.user)
        if not filter_form.is_valid():
            messages.error(request, " ".join(filter_form.errors["city"]))
            return redirect("participants:list")
        if city_id := filter_form.city_id():
            qs = qs.filter(city_id=city_id) if what == "participants" else qs.filter(session__city_id=city_id)
        audit_bulk_export(actor=request.user, what=what, fmt=fmt, rows=export_row_count(what=what, qs=qs))
        stamp = timezone.now().strftime("%Y%m%d-%H%M")
        filename = f"{what}-{stamp}.{fmt}"
        if fmt == "csv":
            response = StreamingHttpResponse(export_csv_stream(what=what, qs=qs), content_type=CSV_CONTENT_TYPE)
        else:
            response = StreamingHttpResponse(export_xlsx_stream(what=what, qs=qs), content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
