"""Certificate pages: the public verification and personal download, and the staff's session downloads."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from audit.context import client_ip_of
from cities.timezones import to_city_time
from users.areas import Area
from users.mixins import RoleRequiredMixin

from .forms import CertificateLookupForm, CertificateRevokeForm
from .models import Certificate
from .numbers import number_normalise
from .rendering import certificate_file_name, certificate_pdf, certificates_pdf, certificates_zip
from .selectors import (
    certificate_by_download_token,
    certificate_by_number,
    certificate_sessions_for,
    certificates_for,
    may_revoke_certificates,
    session_attendance_counts,
    session_certificates,
    session_valid_certificates,
)
from .services import certificate_revoke, certificates_issue_for_session


def _pdf_response(pdf: bytes, file_name: str, *, content_type="application/pdf") -> HttpResponse:
    response = HttpResponse(pdf, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    response["Cache-Control"] = "no-store"  # a corrected name must never come back from a cache
    return response


def _private(response):
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response


# --- public -------------------------------------------------------------------------------------


class CertificateLookupView(FormView):
    """Type a certificate number: for those who read it off the paper instead of scanning the code."""

    template_name = "certificates/lookup.html"
    form_class = CertificateLookupForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if "number" in self.request.GET:
            kwargs["data"] = self.request.GET
        return kwargs

    def get(self, request, *args, **kwargs):
        form = self.get_form()
        if form.is_bound and form.is_valid():
            certificate = certificate_by_number(form.cleaned_data["number"])
            if certificate is not None:
                return redirect("certificates:verify", number=certificate.number)
            form.add_error("number", _("No certificate has this number. Check it against the paper and try again."))
        return self.render_to_response(self.get_context_data(form=form))

    def post(self, request, *args, **kwargs):
        return self.http_method_not_allowed(request, *args, **kwargs)


class CertificateVerifyView(TemplateView):
    """What the QR code opens: does this certificate exist and is it valid? Name, session and date only."""

    template_name = "certificates/verify.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        certificate = certificate_by_number(kwargs["number"])
        # Echo only a well-formed number: the page must not repeat arbitrary text put in a link.
        ctx["number"] = number_normalise(kwargs["number"]) or ""
        ctx["certificate"] = certificate
        if certificate is not None and certificate.is_valid:
            ctx["local_date"] = to_city_time(certificate.session.starts_at, certificate.session.city).date()
        return ctx

    def render_to_response(self, context, **response_kwargs):
        if context["certificate"] is None:
            response_kwargs["status"] = 404
        return _private(super().render_to_response(context, **response_kwargs))


class PersonalCertificateView(TemplateView):
    """The participant's own page behind the link in their message: see and download their certificate."""

    template_name = "certificates/personal.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        certificate = certificate_by_download_token(kwargs["token"])
        if certificate is None:
            raise Http404
        ctx["certificate"] = certificate
        if certificate.is_valid:
            ctx["local_date"] = to_city_time(certificate.session.starts_at, certificate.session.city).date()
        return ctx

    def render_to_response(self, context, **response_kwargs):
        return _private(super().render_to_response(context, **response_kwargs))


class PersonalCertificatePdfView(View):
    def get(self, request, token):
        certificate = certificate_by_download_token(token)
        if certificate is None:
            raise Http404
        if not certificate.is_valid:
            return redirect("certificates:personal", token=token)
        return _pdf_response(certificate_pdf(certificate), certificate_file_name(certificate))


# --- staff ---------------------------------------------------------------------------------------


class CertificateStaffMixin(RoleRequiredMixin):
    area = Area.CERTIFICATES

    def get_session(self):
        if not hasattr(self, "_session"):
            qs = certificate_sessions_for(self.request.user).select_related("city", "programme", "partner")
            self._session = get_object_or_404(qs, pk=self.kwargs["pk"])
        return self._session


class SessionCertificatesView(CertificateStaffMixin, TemplateView):
    template_name = "certificates/session.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        session = self.get_session()
        certificates = session_certificates(session=session)
        counts = session_attendance_counts(session=session)
        ctx.update(
            session=session,
            certificates=certificates,
            valid_count=sum(1 for c in certificates if c.is_valid),
            counts=counts,
            may_issue=session.attendance_closed_at is not None and len(certificates) < counts["attended"],
            may_revoke=may_revoke_certificates(self.request.user),
        )
        return ctx


class SessionCertificatesIssueView(CertificateStaffMixin, View):
    """Issue what is missing now (a session closed before certificates existed, or a failed job)."""

    def post(self, request, pk):
        session = self.get_session()
        if session.attendance_closed_at is None:
            messages.error(request, _("Certificates are issued once attendance is closed."))
        else:
            made = certificates_issue_for_session(session_id=session.pk)
            messages.success(request, _("%(count)s certificates issued.") % {"count": len(made)})
        return redirect("certificates:session", pk=session.pk)


class SessionCertificatesPdfView(CertificateStaffMixin, View):
    def get(self, request, pk):
        session = self.get_session()
        certificates = session_valid_certificates(session=session)
        if not certificates.exists():
            messages.error(request, _("This session has no valid certificates to download."))
            return redirect("certificates:session", pk=session.pk)
        return _pdf_response(certificates_pdf(certificates), f"sertifikat-sesi-{session.pk}.pdf")


class SessionCertificatesZipView(CertificateStaffMixin, View):
    def get(self, request, pk):
        session = self.get_session()
        certificates = session_valid_certificates(session=session)
        if not certificates.exists():
            messages.error(request, _("This session has no valid certificates to download."))
            return redirect("certificates:session", pk=session.pk)
        return _pdf_response(certificates_zip(certificates), f"sertifikat-sesi-{session.pk}.zip", content_type="application/zip")


class CertificatePdfView(CertificateStaffMixin, View):
    def get(self, request, pk):
        certificate = get_object_or_404(certificates_for(request.user), pk=pk)
        if not certificate.is_valid:
            messages.error(request, _("This certificate is no longer valid and cannot be downloaded."))
            return redirect("certificates:session", pk=certificate.session_id)
        return _pdf_response(certificate_pdf(certificate), certificate_file_name(certificate))


class CertificateRevokeView(CertificateStaffMixin, FormView):
    """A programme admin revokes one certificate, with a reason (audited)."""

    template_name = "certificates/revoke.html"
    form_class = CertificateRevokeForm
    area = Area.CERTIFICATE_REVOKE

    def get_certificate(self) -> Certificate:
        if not hasattr(self, "_certificate"):
            qs = certificates_for(self.request.user).select_related("session__city")  # type: ignore[arg-type]
            self._certificate = get_object_or_404(qs, pk=self.kwargs["pk"])
        return self._certificate

    def get_context_data(self, **kwargs):
        return super().get_context_data(certificate=self.get_certificate(), **kwargs)

    def form_valid(self, form):
        certificate = self.get_certificate()
        try:
            revoked = certificate_revoke(
                certificate=certificate, by=self.request.user, reason=form.cleaned_data["reason"], ip=client_ip_of(self.request)
            )
        except ValidationError as exc:
            form.add_error("reason", exc.message_dict.get("reason"))
            return self.form_invalid(form)
        if revoked:
            messages.success(self.request, _("Certificate %(number)s is revoked.") % {"number": certificate.number})
        else:
            messages.info(
                self.request,
                _("Certificate %(number)s was not valid any more; nothing changed.") % {"number": certificate.number},
            )
        return redirect(reverse("certificates:session", kwargs={"pk": certificate.session_id}))
