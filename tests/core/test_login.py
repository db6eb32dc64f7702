import pytest

from tests.conftest import PASSWORD
from tests.second_factor import totp_code
from users.models import Role

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "home"),
    [
        (Role.PROGRAMME_ADMIN, "/schedule/overview/"),
        (Role.PARTNER_COORDINATOR, "/schedule/"),
        (Role.TRAINER, "/trainer/sessions/"),
        (Role.POLICY_VIEWER, "/monitoring/dashboard/"),
        (Role.KSP_MONITOR, "/monitoring/ksp/"),
    ],
)
def test_each_role_lands_on_its_home(client, make_user, role, home):
    from tests.factories import PartnerFactory

    partner = PartnerFactory() if role in (Role.PARTNER_COORDINATOR, Role.TRAINER) else None
    user = make_user(role, partner=partner)

    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD}, follow=True)
    if role == Role.PROGRAMME_ADMIN:  # admins give their authenticator app's code too
        assert response.redirect_chain[-1][0] == "/accounts/2fa/authenticate/"
        response = client.post("/accounts/2fa/authenticate/", {"code": totp_code(user)}, follow=True)

    assert response.redirect_chain[-1][0] == home
    assert user.email in response.content.decode()


def test_other_roles_home_is_forbidden(client, make_user):
    client.force_login(make_user(Role.KSP_MONITOR))
    assert client.get("/schedule/overview/").status_code == 403


def test_wrong_password_shows_allauths_message_in_indonesian(client, make_user):
    user = make_user(Role.KSP_MONITOR)

    response = client.post("/accounts/login/", {"login": user.email, "password": "wrong"})

    assert response.status_code == 200
    assert "tidak benar" in response.content.decode()


def test_repeated_wrong_logins_are_rate_limited(client, make_user):
    user = make_user(Role.KSP_MONITOR)
    for _ in range(5):
        client.post("/accounts/login/", {"login": user.email, "password": "wrong"})

    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})

    assert response.status_code in (200, 429)
    assert "_auth_user_id" not in client.session


def test_there_is_no_public_signup(client):
    response = client.get("/accounts/signup/")
    body = response.content.decode()
    assert "Daftar Ditutup" in body
    assert 'name="password1"' not in body


def test_dates_and_numbers_follow_the_locale(settings):
    import datetime as dt

    from django.utils import formats, translation

    with translation.override("id"):
        assert formats.date_format(dt.date(2018, 8, 14)) == "14 Agustus 2018"
        assert formats.number_format(10000, force_grouping=True) == "10.000"
    with translation.override("en"):
        assert formats.date_format(dt.date(2018, 8, 14)) == "14 August 2018"
        assert formats.number_format(10000, force_grouping=True) == "10,000"
