"""Staff sessions on shared phones: no "remember me" unless asked for, and an end after a working day idle."""

import datetime as dt
import time

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.utils import timezone

from tests.conftest import PASSWORD
from tests.factories import PartnerFactory
from users.models import Role

pytestmark = pytest.mark.django_db

WORKING_DAY = dt.timedelta(hours=9)


@pytest.fixture
def trainer(make_user):
    return make_user(Role.TRAINER, partner=PartnerFactory())


def stored(client) -> Session:
    return Session.objects.get(session_key=client.session.session_key)


def test_remember_me_is_offered_but_not_ticked(client):
    page = client.get("/accounts/login/").content.decode()

    box = next(tag for tag in page.split("<input")[1:] if 'name="remember"' in tag)
    assert "checked" not in box.split(">")[0]


def test_a_login_without_remember_me_ends_with_the_browser_and_after_a_working_day_idle(client, trainer):
    response = client.post("/accounts/login/", {"login": trainer.email, "password": PASSWORD})

    cookie = response.cookies["sessionid"]
    assert cookie["max-age"] == "" and cookie["expires"] == ""  # gone when the browser closes
    assert cookie["httponly"] is True
    left = stored(client).expire_date - timezone.now()
    assert WORKING_DAY - dt.timedelta(minutes=1) < left <= WORKING_DAY  # and on the server after nine idle hours


def test_remember_me_keeps_the_session_a_working_day_not_two_weeks(client, trainer):
    response = client.post("/accounts/login/", {"login": trainer.email, "password": PASSWORD, "remember": "on"})

    assert int(response.cookies["sessionid"]["max-age"]) == WORKING_DAY.total_seconds()


def test_working_moves_the_end_forward(client, trainer):
    client.post("/accounts/login/", {"login": trainer.email, "password": PASSWORD})
    # As if the trainer last did anything eight and a half hours ago: half an hour left.
    session = client.session
    session["_refreshed_at"] = int(time.time()) - 8 * 3600 - 1800
    session.save()
    Session.objects.filter(session_key=session.session_key).update(expire_date=timezone.now() + dt.timedelta(minutes=30))

    assert client.get("/trainer/sessions/").status_code == 200

    left = stored(client).expire_date - timezone.now()
    assert left > WORKING_DAY - dt.timedelta(minutes=1)


def test_a_session_idle_for_a_working_day_is_over(client, trainer):
    client.post("/accounts/login/", {"login": trainer.email, "password": PASSWORD})
    assert client.get("/trainer/sessions/").status_code == 200
    Session.objects.filter(session_key=client.session.session_key).update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    cache.clear()  # the cached copy of the session (cached_db) expires with it

    response = client.get("/trainer/sessions/")

    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_pages_in_quick_succession_do_not_rewrite_the_session_each_time(client, trainer):
    client.post("/accounts/login/", {"login": trainer.email, "password": PASSWORD})
    client.get("/trainer/sessions/")
    before = stored(client).expire_date

    client.get("/trainer/sessions/")

    assert stored(client).expire_date == before  # refreshed at most every ten minutes
