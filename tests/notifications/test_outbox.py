import datetime as dt
import threading

import pytest
from django.db import connection
from django.utils import timezone

from notifications.models import Channel, Notification, NotificationKind, NotificationState
from notifications.services.outbox import notifications_send_due
from tests.factories import ParticipantFactory, TrainingSessionFactory, UserFactory

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2018, 9, 11, 1, 0, tzinfo=dt.UTC)


def outbox_row(*, channel=Channel.WHATSAPP, participant=None, session=None, send_after=T0, **fields):
    session = session or TrainingSessionFactory(starts_at=dt.datetime(2018, 9, 12, 2, tzinfo=dt.UTC))
    participant = participant or ParticipantFactory(whatsapp_opt_in=True, email="umkm@example.org")
    fields.setdefault("kind", NotificationKind.SESSION_CANCELLED)
    return Notification.objects.create(
        channel=channel,
        recipient_key=f"participant:{participant.pk}",
        participant=participant,
        subject_key=f"change:{session.pk}",
        session=session,
        language="id",
        subject_line="Dibatalkan",
        body="Halo, pelatihan dibatalkan.",
        params=["Sari", "Kelas", "Rabu"],
        send_after=send_after,
        **fields,
    )


def test_a_provider_that_is_down_is_retried_with_back_off_until_it_answers(fake_provider, settings):
    settings.NOTIFY_RETRY_BASE_SECONDS = 60
    fake_provider.script = ["500", "429", "timeout"]  # the fake asks for Retry-After: 120 on 429
    row = outbox_row()

    notifications_send_due(now=T0)
    row.refresh_from_db()
    assert (row.state, row.attempts, row.send_after) == (NotificationState.PENDING, 1, T0 + dt.timedelta(seconds=60))
    assert "500 provider error" in row.last_error

    assert notifications_send_due(now=T0 + dt.timedelta(seconds=59)) == 0  # not before the back-off
    assert len(fake_provider.requests) == 1
    notifications_send_due(now=T0 + dt.timedelta(seconds=60))
    row.refresh_from_db()
    assert row.attempts == 2 and "429" in row.last_error
    assert row.send_after == T0 + dt.timedelta(seconds=60 + 120)  # the provider's Retry-After wins over 2 x 60 s = 120 s

    notifications_send_due(now=row.send_after)
    row.refresh_from_db()
    assert row.attempts == 3 and "timeout" in row.last_error
    assert row.send_after == T0 + dt.timedelta(seconds=180 + 240)  # 4 x 60 s

    notifications_send_due(now=row.send_after)
    row.refresh_from_db()
    assert (row.state, row.attempts) == (NotificationState.SENT, 4)
    assert len({r["key"] for r in fake_provider.requests}) == 1  # every attempt carried the same idempotency key
    assert len(fake_provider.delivered) == 1


def test_the_final_failure_is_recorded_and_does_not_stop_other_messages(fake_provider, settings, mailoutbox):
    settings.NOTIFY_MAX_ATTEMPTS = 3
    fake_provider.script = ["500"] * 10
    failing = outbox_row()
    by_email = outbox_row(channel=Channel.EMAIL, send_after=T0 + dt.timedelta(seconds=1))

    now = T0
    for _ in range(3):
        notifications_send_due(now=now)
        now += dt.timedelta(hours=2)
    notifications_send_due(now=now)

    failing.refresh_from_db()
    by_email.refresh_from_db()
    assert (failing.state, failing.attempts) == (NotificationState.FAILED, 3)
    assert "attempt 3: 500 provider error" in failing.last_error
    assert len(fake_provider.requests) == 3
    assert by_email.state == NotificationState.SENT
    assert len(mailoutbox) == 1


def test_a_message_the_provider_rejects_fails_at_once(fake_provider):
    fake_provider.script = ["400"]
    row = outbox_row()

    notifications_send_due(now=T0)
    notifications_send_due(now=T0 + dt.timedelta(hours=1))

    row.refresh_from_db()
    assert (row.state, row.attempts) == (NotificationState.FAILED, 1)
    assert "400 rejected" in row.last_error and "invalid template parameter" in row.last_error
    assert len(fake_provider.requests) == 1


def test_an_email_goes_once_with_a_stable_message_id(mailoutbox):
    row = outbox_row(channel=Channel.EMAIL)

    notifications_send_due(now=T0)
    notifications_send_due(now=T0 + dt.timedelta(minutes=1))

    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["umkm@example.org"]
    assert mailoutbox[0].extra_headers["Message-ID"] == f"<{row.idempotency_key}@laju-digital>"
    row.refresh_from_db()
    assert row.state == NotificationState.SENT


@pytest.mark.django_db(transaction=True)
def test_two_senders_never_take_the_same_row(fake_provider):
    fake_provider.script = ["hold"]
    row = outbox_row(send_after=timezone.now())
    results = {}

    def first_sender():
        results["first"] = notifications_send_due()
        connection.close()

    thread = threading.Thread(target=first_sender)
    thread.start()
    assert fake_provider.holding.wait(10)
    results["second"] = notifications_send_due()  # the row is locked by the first: skipped, not waited for
    fake_provider.release.set()
    thread.join(10)

    assert results == {"first": 1, "second": 0}
    assert len(fake_provider.requests) == 1
    row.refresh_from_db()
    assert row.state == NotificationState.SENT


def test_admin_lists_the_outbox_with_filters_and_retries_a_failed_message(admin_client, django_assert_max_num_queries):
    failed = outbox_row(channel=Channel.EMAIL, state=NotificationState.FAILED, attempts=5, last_error="SMTP down")
    for _ in range(3):
        outbox_row(state=NotificationState.SENT)

    with django_assert_max_num_queries(12):
        page = admin_client.get("/admin/notifications/notification/", {"state__exact": "failed"})
    assert page.status_code == 200
    assert "SMTP down" in page.content.decode()
    for _ in range(20):
        outbox_row(state=NotificationState.FAILED, last_error="x")
    with django_assert_max_num_queries(12):
        admin_client.get("/admin/notifications/notification/")

    response = admin_client.post(
        "/admin/notifications/notification/", {"action": "retry_failed", "_selected_action": [failed.pk]}, follow=True
    )

    assert response.status_code == 200
    failed.refresh_from_db()
    assert (failed.state, failed.attempts) == (NotificationState.PENDING, 0)
    assert "SMTP down" in failed.last_error  # the history stays until it succeeds


def test_programme_admins_may_see_and_retry_the_outbox(make_user):
    from users.models import Role

    admin = make_user(Role.PROGRAMME_ADMIN)
    assert admin.has_perm("notifications.view_notification")
    assert admin.has_perm("notifications.change_notification")
    assert not UserFactory().has_perm("notifications.view_notification")


def test_programme_admins_find_the_outbox_in_the_navigation(admin_client):
    page = admin_client.get("/schedule/overview/")

    assert 'href="/admin/notifications/notification/"' in page.content.decode()


def test_a_malformed_row_fails_without_blocking_the_rows_behind_it(mailoutbox):
    broken = outbox_row(channel=Channel.EMAIL, kind=NotificationKind.SESSION_TWO_HOURS, context={"starts_at": "not a time"})
    fine = outbox_row(channel=Channel.EMAIL, send_after=T0 + dt.timedelta(seconds=1))

    notifications_send_due(now=T0 + dt.timedelta(minutes=1))

    broken.refresh_from_db()
    fine.refresh_from_db()
    assert broken.state == NotificationState.FAILED and "could not check" in broken.last_error
    assert fine.state == NotificationState.SENT
