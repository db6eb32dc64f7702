"""A corrected name reissues under the same number; a merge keeps one set; erasure withdraws; admins revoke."""

import pytest
from django.test import Client
from django.urls import reverse

from audit.models import AuditAction, AuditEvent
from certificates.models import Certificate, CertificateStatus
from certificates.rendering import certificate_pdf
from certificates.services import certificate_revoke
from participants.models import AttendanceStatus, ErasureReason
from participants.services.checkin import attendance_close
from participants.services.editing import participant_update
from participants.services.merging import participant_merge
from participants.services.privacy import participant_erase
from tests.factories import AttendanceFactory, ParticipantFactory
from users.models import Role

from .conftest import make_session, pdf_text

pytestmark = pytest.mark.django_db


def test_name_correction_reissues_under_the_same_number(closed_session, make_user, django_capture_on_commit_callbacks):
    certificate = Certificate.objects.get(participant=closed_session.attended)
    admin = make_user(Role.PROGRAMME_ADMIN)
    with django_capture_on_commit_callbacks(execute=True):
        participant_update(participant=closed_session.attended, by=admin, full_name="Siti Rahmawati Putri")

    reissued = Certificate.objects.get(pk=certificate.pk)
    assert reissued.number == certificate.number
    assert reissued.version == 2
    assert reissued.name == "Siti Rahmawati Putri"
    text = pdf_text(certificate_pdf(reissued))
    assert "Siti Rahmawati Putri" in text
    # the old PDF is not served: every download is rendered from the corrected certificate
    response = Client().get(reverse("certificates:personal-pdf", args=[reissued.download_token]))
    assert "Siti Rahmawati Putri" in pdf_text(response.content)
    assert response["Cache-Control"] == "no-store"
    page = Client().get(reverse("certificates:verify", args=[certificate.number])).content.decode()
    assert "Siti Rahmawati Putri" in page


def test_other_corrections_do_not_reissue(closed_session, make_user, django_capture_on_commit_callbacks):
    admin = make_user(Role.PROGRAMME_ADMIN)
    with django_capture_on_commit_callbacks(execute=True):
        participant_update(participant=closed_session.attended, by=admin, email="baru@example.org")
    assert Certificate.objects.get(participant=closed_session.attended).version == 1


def test_erased_persons_certificate_shows_only_withdrawn(closed_session, make_user, django_capture_on_commit_callbacks):
    certificate = Certificate.objects.get(participant=closed_session.attended)
    admin = make_user(Role.PROGRAMME_ADMIN)
    with django_capture_on_commit_callbacks(execute=True):
        participant_erase(participant=closed_session.attended, by=admin, reason=ErasureReason.REQUEST, reference="PDP-2026-012")

    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.WITHDRAWN
    assert certificate.name == ""  # no copy of the name is kept
    for url in (
        reverse("certificates:verify", args=[certificate.number]),
        reverse("certificates:personal", args=[certificate.download_token]),
    ):
        page = Client().get(url).content.decode()
        assert "Sertifikat ditarik" in page  # Indonesian by default
        assert "Siti" not in page and "Jualan daring" not in page
    # the download link no longer gives a PDF
    response = Client().get(reverse("certificates:personal-pdf", args=[certificate.download_token]))
    assert response.status_code == 302


def test_merge_keeps_one_certificate_per_session(make_user, django_capture_on_commit_callbacks):
    session, trainer, (keep, lose) = make_session(make_user, attended_names=("Rina Wulandari", "Rina Wulandary"))
    other_session, other_trainer, _ = make_session(make_user, attended_names=())
    AttendanceFactory(participant=lose, session=other_session, status=AttendanceStatus.ATTENDED, checked_in_at=session.starts_at)
    with django_capture_on_commit_callbacks(execute=True):
        attendance_close(session=session, by=trainer)
        attendance_close(session=other_session, by=other_trainer)
    kept_cert = Certificate.objects.get(participant=keep, session=session)
    lost_same = Certificate.objects.get(participant=lose, session=session)
    lost_other = Certificate.objects.get(participant=lose, session=other_session)

    admin = make_user(Role.PROGRAMME_ADMIN)
    with django_capture_on_commit_callbacks(execute=True):
        participant_merge(keep=keep, lose=lose, by=admin)

    valid = Certificate.objects.filter(status=CertificateStatus.VALID).order_by("session_id")
    assert [(c.participant_id, c.session_id) for c in valid] == [(keep.pk, session.pk), (keep.pk, other_session.pk)]
    lost_same.refresh_from_db()
    assert lost_same.status == CertificateStatus.WITHDRAWN and lost_same.replaced_by_id == kept_cert.pk
    lost_other.refresh_from_db()
    assert lost_other.number == Certificate.objects.get(participant=keep, session=other_session).number
    assert lost_other.name == "Rina Wulandari" and lost_other.version == 2
    page = Client().get(reverse("certificates:verify", args=[lost_same.number])).content.decode()
    assert kept_cert.number in page


def test_admin_revokes_with_a_reason_and_it_is_audited(closed_session, make_user, client):
    certificate = Certificate.objects.get(participant=closed_session.attended)
    admin = make_user(Role.PROGRAMME_ADMIN)
    client.force_login(admin)
    url = reverse("certificates:revoke", args=[certificate.pk])

    response = client.post(url, {"reason": "  "})
    assert response.status_code == 200
    assert Certificate.objects.get(pk=certificate.pk).status == CertificateStatus.VALID

    response = client.post(url, {"reason": "Hadir atas nama orang lain"})
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.REVOKED and certificate.revoke_reason == "Hadir atas nama orang lain"
    event = AuditEvent.objects.get(action=AuditAction.CERTIFICATE_REVOKED)
    assert event.actor == admin and event.object_id == str(certificate.pk)
    assert "Hadir atas nama" not in str(event.changes)

    page = Client().get(reverse("certificates:verify", args=[certificate.number])).content.decode()
    assert "Sertifikat dicabut" in page and "Siti" not in page
    # revoking again changes nothing and is not audited twice
    assert certificate_revoke(certificate=certificate, by=admin, reason="lagi") is False
    assert AuditEvent.objects.filter(action=AuditAction.CERTIFICATE_REVOKED).count() == 1


def test_a_person_checked_in_after_close_can_be_issued_from_the_session_page(closed_session, make_user, client):
    latecomer = ParticipantFactory(full_name="Dewi Terlambat", city=closed_session.session.city)
    AttendanceFactory(
        participant=latecomer,
        session=closed_session.session,
        status=AttendanceStatus.ATTENDED,
        checked_in_at=closed_session.session.starts_at,
    )
    client.force_login(closed_session.trainer_user)
    page = client.get(reverse("certificates:session", args=[closed_session.session.pk])).content.decode()
    assert 'data-testid="issue-certificates"' in page
    client.post(reverse("certificates:session-issue", args=[closed_session.session.pk]))
    assert Certificate.objects.filter(participant=latecomer).exists()


def test_attendance_corrected_after_close_follows_on_the_certificate(
    closed_session, make_user, django_capture_on_commit_callbacks
):
    import uuid

    from notifications.models import Notification, NotificationKind
    from participants.services.checkin import attendance_check_in, attendance_undo_check_in

    session = closed_session.session
    coordinator = make_user(Role.PARTNER_COORDINATOR, partner=session.partner)
    certificate = Certificate.objects.get(participant=closed_session.attended)

    # a mistaken check-in undone after closing: the certificate is revoked
    with django_capture_on_commit_callbacks(execute=True):
        attendance_undo_check_in(session=session, participant=closed_session.attended, by=coordinator)
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.REVOKED
    # checked in again: the same certificate is valid again
    with django_capture_on_commit_callbacks(execute=True):
        attendance_check_in(session=session, participant=closed_session.attended, by=coordinator, client_id=uuid.uuid4())
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.VALID
    # a no-show who did come after all gets a certificate and its link
    with django_capture_on_commit_callbacks(execute=True):
        attendance_check_in(session=session, participant=closed_session.no_show, by=coordinator, client_id=uuid.uuid4())
    assert Certificate.objects.get(participant=closed_session.no_show).status == CertificateStatus.VALID
    assert Notification.objects.filter(kind=NotificationKind.CERTIFICATE_READY, participant=closed_session.no_show).exists()


def test_personal_data_export_lists_the_persons_certificates(closed_session):
    from certificates.selectors import certificates_personal_data

    certificate = Certificate.objects.get(participant=closed_session.attended)
    data = certificates_personal_data(participant_ids=[closed_session.attended.pk])
    assert [(c["number"], c["name"], c["status"]) for c in data["certificates"]] == [
        (certificate.number, "Siti Rahmawati", "valid")
    ]
