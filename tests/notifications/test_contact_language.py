"""The language of the page someone used becomes the language of the messages they get."""

import datetime as dt
import uuid

import pytest

from notifications.models import ContactPreference, Notification, NotificationKind
from notifications.services.preferences import contact_language_set
from notifications.services.reminders import reminders_plan
from participants.models import Participant
from tests.factories import ParticipantFactory, TrainerFactory, TrainingSessionFactory
from users.models import Role

pytestmark = pytest.mark.django_db


def at(*args):
    return dt.datetime(*args, tzinfo=dt.UTC)


def _sign_up(client, session, *, phone="081234567801", name="Dewi Lestari"):
    return client.post(
        f"/r/{session.registration_token}/",
        {
            "client_id": str(uuid.uuid4()),
            "full_name": name,
            "phone": phone,
            "gender": "female",
            "business_name": f"Dapur {name}",
            "consent": "on",
        },
    )


def _future_session(**kw):
    from django.utils import timezone

    start = timezone.now() + dt.timedelta(days=2)
    return TrainingSessionFactory(starts_at=start, ends_at=start + dt.timedelta(hours=3), capacity=30, **kw)


def test_self_registered_on_the_english_page_gets_english_reminders_indonesian_page_gets_indonesian(
    client, django_capture_on_commit_callbacks
):
    session = _future_session(title="Jualan di Instagram")
    client.cookies["django_language"] = "en"
    with django_capture_on_commit_callbacks(execute=True):  # the language follows the registration's commit
        assert _sign_up(client, session).status_code == 302
        other = type(client)()
        assert _sign_up(other, session, phone="081234567802", name="Siti Aminah").status_code == 302

    reminders_plan(now=session.starts_at - dt.timedelta(hours=20))

    english = Participant.objects.get(full_name="Dewi Lestari")
    indonesian = Participant.objects.get(full_name="Siti Aminah")
    assert english.contact_preference.language == "en" and indonesian.contact_preference.language == "id"
    body_en = Notification.objects.get(participant=english, kind=NotificationKind.SESSION_DAY_BEFORE).body
    body_id = Notification.objects.get(participant=indonesian, kind=NotificationKind.SESSION_DAY_BEFORE).body
    assert "tomorrow" in body_en and "besok" not in body_en
    assert "besok" in body_id


def test_a_chosen_language_is_not_overwritten_by_a_later_visit(client, django_capture_on_commit_callbacks):
    session = _future_session()
    with django_capture_on_commit_callbacks(execute=True):
        _sign_up(client, session)  # Indonesian page
    person = Participant.objects.get()
    client.cookies["django_language"] = "en"
    with django_capture_on_commit_callbacks(execute=True):
        _sign_up(client, _future_session(city=session.city))

    assert ContactPreference.objects.get(participant=person).language == "id"


def test_an_opt_out_without_language_gets_the_language_and_stays_opted_out():
    person = ParticipantFactory()
    ContactPreference.objects.create(recipient_key=f"participant:{person.pk}", participant=person, opted_out_at=at(2018, 1, 1))

    contact_language_set(participant=person, language="en")
    contact_language_set(participant=person, language="id")

    preference = ContactPreference.objects.get()
    assert preference.language == "en" and preference.opted_out_at is not None


def test_unknown_languages_are_ignored_and_regional_codes_reduced():
    assert contact_language_set(participant=ParticipantFactory(), language="fr") is None
    assert contact_language_set(participant=ParticipantFactory(), language="en-us").language == "en"
    assert ContactPreference.objects.count() == 1


def test_a_walk_in_added_by_a_trainer_on_the_english_page_is_recorded_in_english(
    client, make_user, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    from tests.factories import PartnerFactory

    partner = PartnerFactory()
    user = make_user(Role.TRAINER, partner=partner)
    trainer = TrainerFactory(partner=partner, user=user)
    now = timezone.now()
    session = TrainingSessionFactory(
        partner=partner, lead_trainer=trainer, starts_at=now - dt.timedelta(minutes=10), ends_at=now + dt.timedelta(hours=2)
    )
    client.force_login(user)
    client.cookies["django_language"] = "en"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/trainer/sessions/{session.pk}/walk-in/",
            {
                "client_id": str(uuid.uuid4()),
                "full_name": "Yohana Wenda",
                "phone": "081299887766",
                "gender": "female",
                "business_name": "Noken Wamena",
                "consent": "on",
            },
        )

    assert response.status_code == 302
    assert Participant.objects.get(full_name="Yohana Wenda").contact_preference.language == "en"
