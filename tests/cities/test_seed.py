import pytest
from django.core.management import call_command

from cities.models import City, CityTarget, Programme

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        list(Programme.objects.values_list("name", "starts_on", "ends_on", "umkm_target", "pemda_target")),
        list(City.objects.order_by("name").values_list("name", "province", "region", "time_zone", "latitude", "longitude")),
        list(CityTarget.objects.order_by("city__name").values_list("city__name", "umkm_target", "roadshow_order")),
    )


def test_seed_programme_creates_the_2018_programme_with_ten_cities_adding_up_to_10000():
    call_command("seed_programme")

    programme = Programme.objects.get()
    assert programme.name == "LAJU DIGITAL 2018"
    assert str(programme.starts_on) == "2018-08-14"
    assert programme.umkm_target == 10_000
    targets = CityTarget.objects.filter(programme=programme)
    assert targets.count() == 10
    assert sum(t.umkm_target for t in targets) == 10_000
    assert targets.order_by("roadshow_order").first().city.name == "Gorontalo"
    assert City.objects.get(name="Jayapura").time_zone == "Asia/Jayapura"
    assert City.objects.get(name="Kupang").time_zone == "Asia/Makassar"


def test_seed_programme_twice_changes_nothing():
    call_command("seed_programme")
    first = snapshot()
    ids = set(CityTarget.objects.values_list("pk", flat=True))

    call_command("seed_programme")

    assert snapshot() == first
    assert set(CityTarget.objects.values_list("pk", flat=True)) == ids


def test_seed_programme_repairs_a_changed_target():
    call_command("seed_programme")
    CityTarget.objects.filter(city__name="Ambon").update(umkm_target=1)

    call_command("seed_programme")

    assert CityTarget.objects.get(city__name="Ambon").umkm_target == 700
