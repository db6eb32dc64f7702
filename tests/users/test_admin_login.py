"""The Django admin logs in through allauth: rate limits, a second factor for admins and superusers."""

import re

import pytest
from allauth.mfa.models import Authenticator

from tests.conftest import PASSWORD
from tests.factories import PartnerFactory
from tests.second_factor import recovery_codes, totp_code
from users.models import Role

pytestmark = pytest.mark.django_db

THROTTLED = "Terlalu banyak percobaan masuk yang gagal. Coba lagi nanti."
TOO_MANY = "Terlalu banyak percobaan dalam waktu singkat"


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def admin_login_form(client) -> str:
    """Open the admin's login page as a person does; it hands over to allauth's login. Returns that URL."""
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    return response["Location"]


def test_the_admin_login_page_is_allauths_login(client):
    response = client.get("/admin/", follow=True)

    assert response.redirect_chain[-1][0] == "/accounts/login/?next=%2Fadmin%2F"
    assert response.templates[0].name == "account/login.html"


def test_forty_wrong_passwords_on_the_admin_login_are_throttled_and_then_the_right_one_is_refused(client, make_user):
    admin = make_user(Role.PROGRAMME_ADMIN, is_staff=True)
    login_url = admin_login_form(client)

    answers = [client.post(login_url, {"login": admin.email, "password": f"guess-{n}"}) for n in range(40)]
    right = client.post(login_url, {"login": admin.email, "password": PASSWORD}, follow=True)

    assert all(THROTTLED not in a.content.decode() for a in answers[:5])
    for n, answer in enumerate(answers[5:], start=6):
        # allauth refuses the password from the sixth try; past 30 tries a minute it refuses the request itself.
        said = answer.content.decode()
        assert (answer.status_code == 200 and THROTTLED in said) or (answer.status_code == 429 and TOO_MANY in said), n
    assert THROTTLED in right.content.decode() or TOO_MANY in right.content.decode()
    assert not logged_in(client)
    assert client.get("/admin/").status_code == 302


def test_an_admin_logs_in_with_password_and_the_code_of_their_app(client, make_user):
    admin = make_user(Role.PROGRAMME_ADMIN, is_staff=True)
    login_url = admin_login_form(client)

    after_password = client.post(login_url, {"login": admin.email, "password": PASSWORD})
    assert after_password["Location"] == "/accounts/2fa/authenticate/"
    assert not logged_in(client), "the password alone opens nothing"
    assert client.get("/admin/").status_code == 302

    wrong = client.post("/accounts/2fa/authenticate/", {"code": "000000" if totp_code(admin) != "000000" else "111111"})
    assert wrong.status_code == 200 and not logged_in(client)
    assert "Kode tidak valid" in wrong.content.decode() or wrong.context["form"].errors

    done = client.post("/accounts/2fa/authenticate/", {"code": totp_code(admin)}, follow=True)
    assert logged_in(client)
    assert done.redirect_chain[-1][0] == "/admin/"
    assert done.status_code == 200


def test_a_recovery_code_works_once(client, make_user):
    admin = make_user(Role.PROGRAMME_ADMIN, is_staff=True)
    code = recovery_codes(admin)[0]

    client.post("/accounts/login/", {"login": admin.email, "password": PASSWORD})
    first = client.post("/accounts/2fa/authenticate/", {"code": code}, follow=True)
    assert logged_in(client)
    assert first.redirect_chain[-1][0] == "/schedule/overview/"
    assert code not in recovery_codes(admin)

    client.post("/accounts/logout/")
    client.post("/accounts/login/", {"login": admin.email, "password": PASSWORD})
    again = client.post("/accounts/2fa/authenticate/", {"code": code})
    assert again.status_code == 200
    assert not logged_in(client)


def test_a_session_that_skipped_the_code_is_logged_out_and_sent_to_the_login(client, make_user):
    """An admin's session made by any login that went around allauth's code step opens nothing."""
    admin = make_user(Role.PROGRAMME_ADMIN, is_staff=True)
    client.real_force_login(admin)  # Django's own login, no authenticator code (tests/conftest.py keeps the original)

    refused = client.get("/participants/")

    assert refused.status_code == 302 and refused["Location"].startswith("/accounts/login/")
    assert not logged_in(client)
    assert client.get("/admin/").status_code == 302


def test_an_admin_without_an_authenticator_sets_one_up_before_any_page(client, make_user):
    admin = make_user(Role.PROGRAMME_ADMIN, is_staff=True)
    Authenticator.objects.filter(user=admin).delete()  # a new admin, before their first login

    landed = client.post("/accounts/login/", {"login": admin.email, "password": PASSWORD}, follow=True)
    assert landed.redirect_chain[-1][0] == "/accounts/2fa/totp/activate/"
    assert "second factor" in landed.content.decode() or "faktor kedua" in landed.content.decode()
    for page in ("/schedule/overview/", "/participants/", "/admin/"):
        assert client.get(page)["Location"] == "/accounts/2fa/totp/activate/", page

    secret = landed.context["form"].secret
    import time

    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    activated = client.post("/accounts/2fa/totp/activate/", {"code": code}, follow=True)

    assert Authenticator.objects.filter(user=admin, type=Authenticator.Type.TOTP).exists()
    assert len(recovery_codes(admin)) == 10
    assert re.search(r"/accounts/2fa/recovery-codes/", activated.redirect_chain[-1][0])
    assert client.get("/schedule/overview/").status_code == 200
    assert client.get("/admin/").status_code == 200


def test_a_superuser_without_a_role_needs_the_second_factor_too(client, django_user_model):
    boss = django_user_model.objects.create_superuser(email="root@example.org", password=PASSWORD)

    landed = client.post("/accounts/login/", {"login": boss.email, "password": PASSWORD}, follow=True)

    assert landed.redirect_chain[-1][0] == "/accounts/2fa/totp/activate/"
    assert client.get("/admin/")["Location"] == "/accounts/2fa/totp/activate/"


def test_an_admin_cannot_switch_the_second_factor_off(client, make_user):
    admin = make_user(Role.PROGRAMME_ADMIN, is_staff=True)
    client.post("/accounts/login/", {"login": admin.email, "password": PASSWORD})
    client.post("/accounts/2fa/authenticate/", {"code": totp_code(admin)})

    client.post("/accounts/2fa/totp/deactivate/")

    assert Authenticator.objects.filter(user=admin, type=Authenticator.Type.TOTP).exists()


@pytest.mark.parametrize("role", [Role.PARTNER_COORDINATOR, Role.TRAINER, Role.POLICY_VIEWER, Role.KSP_MONITOR])
def test_other_roles_log_in_with_their_password_and_the_admin_refuses_them_without_a_loop(client, make_user, role):
    partner = PartnerFactory() if role in (Role.PARTNER_COORDINATOR, Role.TRAINER) else None
    user = make_user(role, partner=partner)

    client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})

    assert logged_in(client)
    assert not Authenticator.objects.filter(user=user).exists()
    assert client.get("/admin/", follow=True).status_code == 403
