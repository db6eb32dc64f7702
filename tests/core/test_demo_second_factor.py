"""The demo admin can log in: `make run` prints a code of its authenticator, and that code works."""

import re

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_the_printed_code_of_the_demo_admin_logs_in(client, capsys):
    call_command("seed_demo", participants=20, password="laju-digital-2018", no_logins=True)
    call_command("demo_second_factor")
    printed = capsys.readouterr().out
    code = re.search(r"code now: (\d{6})", printed).group(1)
    recovery = re.search(r"recovery codes: (\d+)", printed).group(1)

    client.post("/accounts/login/", {"login": "admin@example.org", "password": "laju-digital-2018"})
    landed = client.post("/accounts/2fa/authenticate/", {"code": code}, follow=True)

    assert landed.redirect_chain[-1][0] == "/schedule/overview/"
    client.post("/accounts/logout/")
    client.post("/accounts/login/", {"login": "admin@example.org", "password": "laju-digital-2018"})
    assert (
        client.post("/accounts/2fa/authenticate/", {"code": recovery}, follow=True).redirect_chain[-1][0] == "/schedule/overview/"
    )


def test_seeding_again_keeps_the_demo_admins_authenticator(capsys):
    call_command("seed_demo", participants=20, password="laju-digital-2018", no_logins=True)
    call_command("demo_second_factor")
    first = re.search(r"secret (\w+)", capsys.readouterr().out).group(1)

    call_command("seed_demo", participants=20, password="laju-digital-2018", no_logins=True)
    call_command("demo_second_factor")

    assert re.search(r"secret (\w+)", capsys.readouterr().out).group(1) == first
