"""The import's likely-duplicate lookup reads the records bearing the similar names through the name index.

participants.services.matching._bearing_names asks PostgreSQL with a join on (city, UPPER(name)) that the
(city_id, UPPER(full_name) COLLATE "C") btree answers, where `city_id = … AND full_name IN (…)` read the
whole city (2.1 s per chunk at 1,000,000 people). It must find exactly what the IN form finds.
"""

import pytest
from django.db.models import Q
from django.utils import timezone

from participants.models import Participant
from participants.services.matching import _bearing_names
from tests.factories import ParticipantFactory

pytestmark = pytest.mark.django_db

FIELDS = ("pk", "full_name", "business_name", "agency", "city_id", "nib", "phone")
NAMES = ["Ani Lestari", "ANI LESTARI", "ani lestari", "Ani  Lestari", "Élise Rahmawati", "Straße Putri", "Wayan", "Dewi Ayu"]


def _in_form(wanted):
    condition = Q()
    for city_id, names in wanted.items():
        condition |= Q(city_id=city_id, full_name__in=names)
    base = Participant.objects.filter(merged_into__isnull=True, erased_at__isnull=True)
    return sorted(base.filter(condition).values_list("pk", flat=True))


def test_the_join_finds_exactly_the_records_the_in_form_finds_and_no_one_else():
    first = ParticipantFactory(full_name="Ani Lestari")
    city, other_city = first.city, ParticipantFactory(full_name="Ani Lestari").city
    assert other_city != city
    people = [first] + [ParticipantFactory(full_name=name, city=city) for name in NAMES for _twice in range(2)]
    elsewhere = ParticipantFactory(full_name="Wayan", city=other_city)
    erased = ParticipantFactory(full_name="Dewi Ayu", city=city, erased_at=timezone.now())
    merged = ParticipantFactory(full_name="Wayan", city=city, merged_into=first)
    base = Participant.objects.filter(merged_into__isnull=True, erased_at__isnull=True).only(*FIELDS).order_by("pk")

    for wanted in (
        {city.pk: {"Ani Lestari"}},  # the other casings and spacings are other names
        {city.pk: {"ANI LESTARI", "Straße Putri", "Élise Rahmawati"}},
        {city.pk: {"Wayan", "Dewi Ayu"}, other_city.pk: {"Ani Lestari"}},
        {city.pk: {"Nobody Here"}},
    ):
        found = _bearing_names(base, wanted, FIELDS)
        assert [p.pk for p in found] == _in_form(wanted), wanted
        assert {p.pk for p in found}.isdisjoint({erased.pk, merged.pk})
        assert all(p.full_name in wanted[p.city_id] for p in found)
    found = _bearing_names(base, {city.pk: {"Wayan"}}, FIELDS)
    assert elsewhere.pk not in {p.pk for p in found} and len(found) == 2
    assert all(p.phone == Participant.objects.get(pk=p.pk).phone for p in found)  # the fields asked for are read
    assert len(people) == 17
    assert _bearing_names(base, {}, FIELDS) == []
