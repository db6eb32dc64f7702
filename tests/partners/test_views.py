import pytest
from django.urls import reverse

from partners.models import Partner, TotStatus
from tests.factories import CityFactory, PartnerFactory, TrainerFactory
from users.models import Role

pytestmark = pytest.mark.django_db


def test_admin_creates_a_partner_and_duplicate_names_are_refused(client, make_user):
    client.force_login(make_user(Role.PROGRAMME_ADMIN))
    url = reverse("partners:partner-create")
    assert client.post(url, {"name": "Yayasan Kopernik", "is_active": "on"}).status_code == 302
    response = client.post(url, {"name": "YAYASAN KOPERNIK", "is_active": "on"})
    assert response.context["form"].errors["name"] == ["Mitra dengan nama ini sudah ada."]
    assert Partner.objects.count() == 1


def test_admin_edits_a_partner(client, make_user):
    client.force_login(make_user(Role.PROGRAMME_ADMIN))
    partner = PartnerFactory(name="Lama")
    client.post(reverse("partners:partner-update", args=[partner.pk]), {"name": "Baru", "short_name": "B", "is_active": "on"})
    partner.refresh_from_db()
    assert (partner.name, partner.short_name) == ("Baru", "B")


def test_coordinator_sees_and_edits_only_own_trainers(client, make_user):
    own, other = PartnerFactory(), PartnerFactory()
    mine, theirs = TrainerFactory(partner=own), TrainerFactory(partner=other)
    client.force_login(make_user(Role.PARTNER_COORDINATOR, partner=own))

    assert [p.pk for p in client.get(reverse("partners:partner-list")).context["partners"]] == [own.pk]
    assert client.get(reverse("partners:partner-detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("partners:trainer-update", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("partners:partner-create")).status_code == 403

    kupang = CityFactory(name="Kupang")
    response = client.post(
        reverse("partners:trainer-update", args=[mine.pk]),
        {"tot_status": TotStatus.IN_TRAINING, "tot_started_on": "2018-07-01", "cities": [kupang.pk], "is_active": "on"},
    )
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.tot_status == TotStatus.IN_TRAINING and list(mine.cities.all()) == [kupang]


def test_tot_form_error_is_next_to_the_field(client, make_user):
    trainer = TrainerFactory()
    client.force_login(make_user(Role.PROGRAMME_ADMIN))
    client.cookies["django_language"] = "en"
    response = client.post(
        reverse("partners:trainer-update", args=[trainer.pk]),
        {"tot_status": TotStatus.CERTIFIED, "tot_started_on": "2018-07-01", "is_active": "on"},
    )
    assert response.context["form"].errors["tot_certified_on"] == ["A certified trainer needs the date of certification."]


def test_partner_pages_query_counts_do_not_grow(client, make_user, django_assert_max_num_queries):
    client.force_login(make_user(Role.PROGRAMME_ADMIN))
    partner = PartnerFactory()
    for _ in range(15):
        trainer = TrainerFactory(partner=partner)
        trainer.cities.add(CityFactory())
        PartnerFactory()
    with django_assert_max_num_queries(8):
        client.get(reverse("partners:partner-list"))
    with django_assert_max_num_queries(9):
        response = client.get(reverse("partners:partner-detail", args=[partner.pk]))
    assert len(response.context["trainers"]) == 15
