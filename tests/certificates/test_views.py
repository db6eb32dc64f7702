"""Downloads are scoped (a trainer: own sessions only); the public pages show nothing but what a third party needs."""

import io
import zipfile

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from certificates.models import Certificate
from participants.services.checkin import attendance_close
from tests.factories import TrainerFactory
from users.models import Role

from .conftest import make_session, pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_certificates(make_user, django_capture_on_commit_callbacks):
    session, trainer, people = make_session(make_user, attended_names=("Ani Lestari", "Bambang Susilo", "Cahya Purnama"))
    with django_capture_on_commit_callbacks(execute=True):
        attendance_close(session=session, by=trainer)
    return session, trainer, people


def test_coordinator_downloads_the_session_as_zip_and_as_one_pdf(three_certificates, make_user, client):
    session, _trainer, _people = three_certificates
    client.force_login(make_user(Role.PARTNER_COORDINATOR, partner=session.partner))
    numbers = set(Certificate.objects.filter(session=session).values_list("number", flat=True))

    response = client.get(reverse("certificates:session-zip", args=[session.pk]))
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert {name.removeprefix("sertifikat-").removesuffix(".pdf") for name in archive.namelist()} == numbers
    first = archive.read(archive.namelist()[0])
    assert len(PdfReader(io.BytesIO(first)).pages) == 1

    response = client.get(reverse("certificates:session-pdf", args=[session.pk]))
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 3
    text = pdf_text(response.content)
    assert all(name in text for name in ("Ani Lestari", "Bambang Susilo", "Cahya Purnama"))


def test_trainer_gets_own_sessions_only(three_certificates, make_user):
    session, trainer_user, _people = three_certificates
    certificate = Certificate.objects.filter(session=session).first()
    own = Client()
    own.force_login(trainer_user)
    assert own.get(reverse("certificates:pdf", args=[certificate.pk]))["Content-Type"] == "application/pdf"
    assert own.get(reverse("certificates:session", args=[session.pk])).status_code == 200

    colleague_user = make_user(Role.TRAINER, partner=session.partner)
    TrainerFactory(partner=session.partner, user=colleague_user)
    colleague = Client()
    colleague.force_login(colleague_user)  # same partner, not on this session
    for url in (
        reverse("certificates:pdf", args=[certificate.pk]),
        reverse("certificates:session", args=[session.pk]),
        reverse("certificates:session-zip", args=[session.pk]),
        reverse("certificates:session-pdf", args=[session.pk]),
    ):
        assert colleague.get(url).status_code == 404
    assert own.get(reverse("certificates:revoke", args=[certificate.pk])).status_code == 403


def test_ksp_and_policy_viewers_get_no_certificates(three_certificates, make_user):
    session, _trainer, _people = three_certificates
    for role in (Role.KSP_MONITOR, Role.POLICY_VIEWER):
        viewer = Client()
        viewer.force_login(make_user(role))
        assert viewer.get(reverse("certificates:session-pdf", args=[session.pk])).status_code == 403


def test_verification_page_reveals_no_contact_or_business_data(three_certificates):
    session, _trainer, people = three_certificates
    person = people[0]
    certificate = Certificate.objects.get(participant=person)
    page = Client().get(reverse("certificates:verify", args=[certificate.number])).content.decode()
    assert "Ani Lestari" in page and session.title in page and "Sertifikat sah" in page
    for secret in (person.phone, person.phone.removeprefix("+62"), person.email, person.business_name):
        assert secret not in page


def test_unknown_and_mistyped_numbers_get_a_clear_page(three_certificates):
    certificate = Certificate.objects.first()
    unknown = Client().get(reverse("certificates:verify", args=["LD-00000-00000-0"]))
    assert unknown.status_code == 404 and "Sertifikat tidak ditemukan" in unknown.content.decode()
    assert "LD-00000-00000-0" in unknown.content.decode()
    # text that is not a number is not repeated on the page (no message can be planted in a link)
    planted = Client().get(reverse("certificates:verify", args=["Hubungi-0812-3456-7890"])).content.decode()
    message = planted[planted.index('data-testid="certificate-unknown"') :].split("</div>")[0]
    assert "Ini bukan nomor sertifikat" in message and "Hubungi" not in message
    # typed by hand, lower case without dashes, finds the certificate through the look-up form
    typed = certificate.number.lower().replace("-", "")
    response = Client().get(reverse("certificates:lookup"), {"number": typed})
    assert response.status_code == 302 and response["Location"] == reverse("certificates:verify", args=[certificate.number])
    wrong = Client().get(reverse("certificates:lookup"), {"number": "LD-12345-67890-Q"}).content.decode()
    assert "Tidak ada sertifikat dengan nomor ini" in wrong


def test_verification_page_in_english_when_asked(three_certificates):
    certificate = Certificate.objects.first()
    visitor = Client()
    visitor.cookies["django_language"] = "en"  # the language switch on every page
    page = visitor.get(reverse("certificates:verify", args=[certificate.number]))
    assert "Valid certificate" in page.content.decode()


def test_session_page_query_count_does_not_grow_with_certificates(three_certificates, client, django_assert_max_num_queries):
    session, trainer_user, _people = three_certificates
    client.force_login(trainer_user)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("certificates:session", args=[session.pk])).status_code == 200
