"""The certificate PDF: rendered on demand with WeasyPrint from the stored certificate and its session.

Several certificates go through one HTML document (one page each), so a session's 70 take one
layout pass, not 70.
"""

import io
import logging
import zipfile

import segno
from django.template.loader import render_to_string
from django.utils import dateformat, translation

from cities.timezones import to_city_time

from .links import verify_url
from .models import Certificate

logging.getLogger("weasyprint").setLevel(logging.WARNING)
logging.getLogger("fontTools").setLevel(logging.WARNING)


def _local_date(moment, city, language: str) -> str:
    with translation.override(language):
        return dateformat.format(to_city_time(moment, city), "j F Y")


def _page(certificate: Certificate) -> dict:
    session = certificate.session
    url = verify_url(certificate.number)
    lead = session.lead_trainer
    return {
        "certificate": certificate,
        "session": session,
        "modules": [line.strip() for line in session.modules.splitlines() if line.strip()],
        "date_id": _local_date(session.starts_at, session.city, "id"),
        "date_en": _local_date(session.starts_at, session.city, "en"),
        "lead_trainer": (lead.user.name or "") if lead else "",
        "verify_url": url,
        # A PNG, not SVG: WeasyPrint embeds it as an image, which readers and scanners of the PDF keep sharp at this scale.
        "qr": segno.make(url, error="m").png_data_uri(scale=8, border=2),
    }


def _with_relations(certificates):
    if hasattr(certificates, "select_related"):
        return certificates.select_related(
            "session__city", "session__partner", "session__programme", "session__lead_trainer__user"
        )
    return certificates


def _document(certificates: list[Certificate]):
    """The laid-out document: one page per certificate, in the order given."""
    from weasyprint import HTML

    html = render_to_string("certificates/pdf/certificates.html", {"pages": [_page(c) for c in certificates]})
    return HTML(string=html).render()


def certificates_pdf(certificates) -> bytes:
    """One PDF, one A4 page per certificate, in the order given."""
    return _document(list(_with_relations(certificates))).write_pdf()


def certificate_pdf(certificate: Certificate) -> bytes:
    return certificates_pdf([certificate])


def certificate_file_name(certificate: Certificate) -> str:
    version = f"-v{certificate.version}" if certificate.version > 1 else ""
    return f"sertifikat-{certificate.number}{version}.pdf"


def certificates_zip(certificates) -> bytes:
    """A ZIP of one PDF per certificate: laid out once as one document, each page written as its own file."""
    certificates = list(_with_relations(certificates))
    document = _document(certificates)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:  # PDFs are compressed already
        for certificate, page in zip(certificates, document.pages, strict=True):
            archive.writestr(certificate_file_name(certificate), document.copy([page]).write_pdf())
    return buffer.getvalue()
