"""403, 404 and 500 are pages of the platform: in the user's language, in the base layout, with a way home."""

import re

import pytest
from django.test import Client, RequestFactory
from django.utils import translation
from django.views.defaults import server_error

from tests.factories import PartnerFactory
from users.models import Role

pytestmark = pytest.mark.django_db


def test_a_page_outside_the_role_answers_403_in_indonesian_with_a_way_home(make_user):
    client = Client()
    client.force_login(make_user(Role.TRAINER, partner=PartnerFactory()))

    response = client.get("/monitoring/ksp/")

    assert response.status_code == 403
    html = response.content.decode()
    assert '<html lang="id">' in html
    assert "Anda tidak boleh membuka halaman ini" in html
    assert re.search(r'<a [^>]*href="/"[^>]*data-testid="error-home"', html)
    assert 'id="main-nav"' in html  # the base layout, with the role's menu
    assert "Forbidden" not in html


def test_the_403_page_follows_the_chosen_language(make_user):
    client = Client()
    client.force_login(make_user(Role.TRAINER, partner=PartnerFactory()))
    client.cookies["django_language"] = "en"

    html = client.get("/monitoring/ksp/").content.decode()

    assert "You may not open this page" in html
    assert "Back to the home page" in html


def test_an_unknown_address_answers_404_in_the_layout():
    response = Client().get("/no-such-page/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "Halaman ini tidak ada" in html
    assert "Kembali ke beranda" in html
    assert 'id="language-form"' in html


def test_the_500_page_needs_neither_the_database_nor_the_request(django_assert_num_queries):
    request = RequestFactory().get("/anything/")  # no user, no session, no context processors' data

    with translation.override("id"), django_assert_num_queries(0):
        response = server_error(request)

    assert response.status_code == 500
    html = response.content.decode()
    assert "Terjadi kesalahan di sistem kami" in html
    assert 'href="/"' in html
    assert "bootstrap.min.css" in html  # styled like every other page
    assert 'id="language-form"' not in html  # switching language would need the session and a CSRF token
