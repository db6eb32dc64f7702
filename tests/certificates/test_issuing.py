"""Certificates are issued when attendance closes: to the checked-in, never to the registered or no-shows."""

import pytest
from django.test import Client
from django.urls import reverse

from certificates.models import Certificate, CertificateSettings, CertificateStatus, SendWhen
from certificates.numbers import number_normalise
from certificates.rendering import certificate_pdf
from certificates.services import (
    certificate_deliver_after_survey,
    certificates_issue_for_session,
    certificates_on_attendance_closed,
)
from notifications.models import Notification, NotificationKind
from participants.services.checkin import attendance_close

from .conftest import make_session, pdf_qr_codes, pdf_text

pytestmark = pytest.mark.django_db


def test_closing_attendance_issues_one_certificate_to_the_checked_in_person_only(closed_session):
    certificates = list(Certificate.objects.filter(session=closed_session.session))
    assert [c.participant for c in certificates] == [closed_session.attended]
    assert certificates[0].name == "Siti Rahmawati"
    assert certificates[0].status == CertificateStatus.VALID
    assert not Certificate.objects.filter(participant__in=[closed_session.registered, closed_session.no_show]).exists()


def test_closing_again_or_a_replayed_job_changes_nothing(closed_session, django_capture_on_commit_callbacks):
    before = list(Certificate.objects.values_list("pk", "number"))
    with django_capture_on_commit_callbacks(execute=True):
        attendance_close(session=closed_session.session, by=closed_session.trainer_user)
    certificates_on_attendance_closed(session_id=closed_session.session.pk)
    assert list(Certificate.objects.values_list("pk", "number")) == before
    assert Notification.objects.filter(kind=NotificationKind.CERTIFICATE_READY).count() == 1


def test_no_certificates_while_attendance_is_open(make_user):
    session, _trainer, _people = make_session(make_user)
    assert certificates_issue_for_session(session_id=session.pk) == []
    assert not Certificate.objects.exists()


def test_numbers_are_random_with_a_check_character(make_user, django_capture_on_commit_callbacks):
    session, trainer, _people = make_session(make_user, attended_names=[f"Peserta {i}" for i in range(30)])
    with django_capture_on_commit_callbacks(execute=True):
        attendance_close(session=session, by=trainer)
    numbers = sorted(Certificate.objects.values_list("number", flat=True))
    assert len(set(numbers)) == 30
    assert all(number_normalise(n) == n for n in numbers)
    assert all(number_normalise(n.lower().replace("-", " ")) == n for n in numbers)
    # one mistyped symbol is caught by the check character, before any look-up
    number = numbers[0]
    wrong = number[:4] + ("7" if number[4] != "7" else "8") + number[5:]
    assert number_normalise(wrong) is None
    # not sequential: the random parts of consecutive certificates share no common prefix pattern
    bodies = [n[3:14].replace("-", "") for n in Certificate.objects.order_by("pk").values_list("number", flat=True)]
    assert len({b[:3] for b in bodies}) > 20


def test_pdf_has_name_session_number_and_a_qr_code_of_the_public_verification_page(closed_session, settings):
    settings.NOTIFY_PUBLIC_BASE_URL = "https://laju.example.id"
    certificate = Certificate.objects.get(session=closed_session.session)
    pdf = certificate_pdf(certificate)

    text = pdf_text(pdf)
    assert "Siti Rahmawati" in text
    assert "Jualan daring lewat WhatsApp Business" in text
    assert certificate.number in text
    assert "Sertifikat Kehadiran" in text and "Certificate of Attendance" in text
    verify_url = f"https://laju.example.id/sertifikat/{certificate.number}/"
    assert verify_url in text.replace("\n", "")  # printed in full under the code

    assert pdf_qr_codes(pdf) == [verify_url]
    answer = Client().get(verify_url.removeprefix("https://laju.example.id"))  # no login
    assert answer.status_code == 200
    assert "Siti Rahmawati" in answer.content.decode()


def test_pdf_date_is_the_local_date_of_the_city(make_user, django_capture_on_commit_callbacks):
    import datetime as dt
    import zoneinfo

    session, trainer, _people = make_session(make_user)
    # 23.30 UTC on 11 September is already 12 September in Jayapura (WIT, UTC+9)
    session.city.time_zone = "Asia/Jayapura"
    session.city.save()
    session.starts_at = dt.datetime(2018, 9, 11, 23, 30, tzinfo=zoneinfo.ZoneInfo("UTC"))
    session.ends_at = session.starts_at + dt.timedelta(hours=3)
    session.save()
    with django_capture_on_commit_callbacks(execute=True):
        attendance_close(session=session, by=trainer)
    text = pdf_text(certificate_pdf(Certificate.objects.get(session=session)))
    assert "12 September 2018" in text


def test_the_link_goes_through_the_outbox_in_the_persons_language(make_user, django_capture_on_commit_callbacks):
    from notifications.models import ContactPreference

    session, trainer, (person,) = make_session(make_user)
    ContactPreference.objects.create(recipient_key=f"participant:{person.pk}", participant=person, language="en")
    with django_capture_on_commit_callbacks(execute=True):
        attendance_close(session=session, by=trainer)
    certificate = Certificate.objects.get(participant=person)
    message = Notification.objects.get(kind=NotificationKind.CERTIFICATE_READY, participant=person)
    assert message.language == "en"
    assert message.channel == "email"
    assert "Your certificate of attendance is ready" in message.body
    assert reverse("certificates:personal", args=[certificate.download_token]) in message.body


def test_programme_set_to_after_survey_issues_but_does_not_send_yet(make_user, django_capture_on_commit_callbacks):
    session, trainer, (person,) = make_session(make_user)
    CertificateSettings.objects.create(programme=session.programme, send_when=SendWhen.AFTER_SURVEY)
    with django_capture_on_commit_callbacks(execute=True):
        attendance_close(session=session, by=trainer)
    assert Certificate.objects.filter(participant=person).exists()
    assert not Notification.objects.filter(kind=NotificationKind.CERTIFICATE_READY).exists()
    # the survey, once answered, asks for the link; asking twice sends one message
    assert certificate_deliver_after_survey(session_id=session.pk, participant_id=person.pk) == 1
    assert certificate_deliver_after_survey(session_id=session.pk, participant_id=person.pk) == 0
    assert Notification.objects.filter(kind=NotificationKind.CERTIFICATE_READY, participant=person).count() == 1


def test_backfill_command_issues_for_sessions_closed_earlier_without_sending(make_user):
    from django.core.management import call_command
    from django.utils import timezone

    session, _trainer, (person,) = make_session(make_user)
    session.attendance_closed_at = timezone.now()  # closed before certificates existed: no event then
    session.save(update_fields=["attendance_closed_at"])
    call_command("issue_certificates")
    call_command("issue_certificates")
    assert Certificate.objects.filter(participant=person).count() == 1
    assert not Notification.objects.filter(kind=NotificationKind.CERTIFICATE_READY).exists()
