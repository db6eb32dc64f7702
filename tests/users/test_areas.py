"""One list says who may open which area (users/areas.py): the views' permission check and the menu read it, so
the menu offers each role the pages it had before and never a page that answers 403."""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.factories import PartnerFactory, ProgrammeFactory
from users.areas import AREAS, Area
from users.mixins import RoleRequiredMixin
from users.models import Role

pytestmark = pytest.mark.django_db

# Each role's menu, as it was when the roles were written in the template (issue 17 moved it to users/navigation.py).
MENUS = {
    Role.PROGRAMME_ADMIN: [
        "Ikhtisar program",
        "Jadwal",
        "Mitra",
        "Undangan",
        "Peserta",
        "Peserta",
        "Impor daftar",
        "Kemungkinan data ganda",
        "Usulan perubahan",
        "Pemantauan",
        "Dasbor",
        "Pemantauan KSP",
        "Administrasi",
        "Admin Django",
        "Kotak keluar pesan",
        "Log audit",
    ],
    Role.PARTNER_COORDINATOR: [
        "Jadwal",
        "Presensi",
        "Pelatih",
        "Undangan",
        "Peserta",
        "Peserta",
        "Impor daftar",
        "Usulan perubahan",
    ],
    Role.TRAINER: ["Sesi saya", "Kalender saya", "Peserta"],
    Role.POLICY_VIEWER: ["Dasbor", "Pemantauan KSP"],
    Role.KSP_MONITOR: ["Pemantauan KSP"],
}


def menu_of(html: str) -> tuple[list[str], list[str]]:
    """The labels (links and dropdown buttons, in order) and the link targets of the navigation bar."""
    nav = re.search(r'<ul class="navbar-nav[^"]*">(.*?)</ul>\s*(?:<ul|<div|</div>)', html, re.S).group(1)
    labels = [re.sub(r"\s+", " ", text).strip() for text in re.findall(r"<(?:a|button)[^>]*>(.*?)</(?:a|button)>", nav, re.S)]
    return labels, re.findall(r'<a class="(?:nav-link|dropdown-item)" href="([^"]+)"', nav)


@pytest.mark.parametrize("role", list(MENUS))
def test_each_role_gets_its_menu_and_every_link_in_it_opens(role, make_user):
    ProgrammeFactory()
    partner = PartnerFactory() if role in (Role.PARTNER_COORDINATOR, Role.TRAINER) else None
    user = make_user(role, partner=partner, is_staff=role == Role.PROGRAMME_ADMIN)
    client = Client()
    client.force_login(user)

    labels, hrefs = menu_of(client.get("/", follow=True).content.decode())

    assert labels == MENUS[role]
    for href in hrefs:
        assert client.get(href).status_code in (200, 302), href


def test_a_policy_viewer_granted_personal_data_gets_no_new_menu_item(make_user):
    user = make_user(Role.POLICY_VIEWER, can_see_personal_data=True)
    client = Client()
    client.force_login(user)

    labels, _hrefs = menu_of(client.get("/", follow=True).content.decode())

    assert labels == MENUS[Role.POLICY_VIEWER]


def staff_views(patterns=None):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            yield from staff_views(pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            view = getattr(pattern.callback, "view_class", None)
            if view is not None and issubclass(view, RoleRequiredMixin):
                yield pattern.name, view


def test_every_staff_page_names_an_area_the_list_knows():
    views = list(staff_views())
    assert len(views) > 40
    for name, view in views:
        assert isinstance(getattr(view, "area", None), Area), name
        assert view.area in AREAS, name


def test_every_page_with_personal_data_asks_for_it():
    from participants.views.common import PersonalDataMixin
    from users.scoping import may_see_personal_data

    views = [(name, view) for name, view in staff_views() if issubclass(view, PersonalDataMixin)]
    assert len(views) > 20
    for name, view in views:
        assert may_see_personal_data in AREAS[view.area].checks, name
