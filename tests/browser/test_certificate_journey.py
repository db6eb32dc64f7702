"""On phones: the trainer closes attendance and downloads the session's certificates; the participant
opens the link from their message and downloads their certificate."""

import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from certificates.models import Certificate
from notifications.models import Notification, NotificationKind
from participants.models import AttendanceStatus
from tests.factories import AttendanceFactory, ParticipantFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_participant_downloads_the_certificate_from_the_link_in_the_message(phone, login, today, live_server, settings):
    settings.NOTIFY_PUBLIC_BASE_URL = live_server.url
    trainer_user, session = today
    person = ParticipantFactory(full_name="Maria Ratu Kupang", city=session.city, email="maria@example.org")
    AttendanceFactory(participant=person, session=session, status=AttendanceStatus.ATTENDED, checked_in_at=session.starts_at)
    no_show = ParticipantFactory(full_name="Yohanes Tidak Datang", city=session.city)
    AttendanceFactory(participant=no_show, session=session)

    # the trainer closes attendance on their phone and finds the certificates
    page = login(trainer_user)
    page.goto(f"{live_server.url}/trainer/sessions/{session.pk}/close/")
    page.get_by_test_id("confirm-close").click()
    page.get_by_test_id("certificates-link").click()
    expect(page.get_by_test_id("certificate-list")).to_contain_text("Maria Ratu Kupang")
    expect(page.get_by_test_id("certificate-list")).not_to_contain_text("Yohanes")
    with page.expect_download() as download:
        page.get_by_test_id("download-all-pdf").click()
    assert "Maria Ratu Kupang" in _pdf_text(Path(download.value.path()).read_bytes())
    page.context.clear_cookies()

    # the participant opens the link in the message they were sent
    message = Notification.objects.get(kind=NotificationKind.CERTIFICATE_READY, participant=person)
    link = re.search(r"https?://\S+/sertifikat/saya/\S+/", message.body).group(0)
    assert not Notification.objects.filter(kind=NotificationKind.CERTIFICATE_READY, participant=no_show).exists()
    phone.goto(link)
    expect(phone.get_by_test_id("certificate-name")).to_have_text("Maria Ratu Kupang")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    with phone.expect_download() as download:
        phone.get_by_test_id("download-certificate").click()
    text = _pdf_text(Path(download.value.path()).read_bytes())
    certificate = Certificate.objects.get(participant=person)
    assert "Maria Ratu Kupang" in text and session.title in text and certificate.number in text
