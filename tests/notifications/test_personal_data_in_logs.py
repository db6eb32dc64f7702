"""No phone number, name or message text in the log or in stored provider errors."""

import logging

import pytest

from notifications.models import Notification, NotificationState
from notifications.providers import LogProvider, OutgoingMessage
from notifications.services.outbox import notifications_send_due
from tests.factories import ParticipantFactory
from tests.notifications.test_outbox import T0, outbox_row
from umkm_program.redaction import mask_phone, redact

pytestmark = pytest.mark.django_db
PHONE = "+6281234567890"
NAME = "Sari Wulandari"


def _phone_in(text: str) -> bool:
    digits = "".join(ch for ch in text if ch.isdigit())
    return "1234567890" in digits or "81234567" in digits


def test_the_log_provider_masks_the_number_and_does_not_log_the_text(caplog):
    message = OutgoingMessage(
        channel="whatsapp",
        to=PHONE,
        template="session_day_before",
        language="id",
        text=f"Halo {NAME}, besok pelatihan.",
        idempotency_key="k-1",
        params=[NAME],
    )
    with caplog.at_level(logging.INFO, logger="notifications.providers"):
        assert LogProvider().send(message) == "log-k-1"

    logged = caplog.text
    assert "whatsapp" in logged and "+62***90" in logged
    assert not _phone_in(logged) and NAME not in logged and "besok" not in logged


def test_a_provider_error_that_echoes_the_request_is_stored_and_logged_without_phone_or_name(fake_provider, caplog):
    fake_provider.script = ["echo400"]
    person = ParticipantFactory(whatsapp_opt_in=True, phone=PHONE, full_name=NAME)
    row = outbox_row(participant=person)
    Notification.objects.filter(pk=row.pk).update(params=[NAME, "Kelas", "Rabu"])

    with caplog.at_level(logging.WARNING):
        notifications_send_due(now=T0)

    row.refresh_from_db()
    assert row.state == NotificationState.FAILED
    assert "400 rejected" in row.last_error  # what went wrong is still there for the operator
    assert fake_provider.requests and PHONE.lstrip("+") in str(fake_provider.requests[0]["body"])  # the echo was real
    for text in (row.last_error, caplog.text):
        assert not _phone_in(text) and NAME not in text


@pytest.mark.parametrize("written", ["+62 812-3456-7890", "081234567890", "6281234567890", "(0812) 3456 7890"])
def test_redact_hides_every_way_a_phone_is_written(written):
    assert not _phone_in(redact(f"bad number {written} for x"))


def test_mask_phone_keeps_only_the_last_two_digits():
    assert mask_phone(PHONE) == "+62***90"
    assert mask_phone("") == ""
