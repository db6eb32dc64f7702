"""The roadshow list honours the same schedule filters as the session list (status = the roadshow's own)."""

import datetime as dt

import pytest
from django.urls import reverse

from sessions_app.models import RoadshowStatus
from sessions_app.services import roadshow_update, session_create
from tests.factories import CityFactory, PartnerFactory, ProgrammeFactory, RoadshowFactory, TrainingSessionFactory
from users.models import Role

from .conftest import WIT, WITA, at

pytestmark = pytest.mark.django_db

URL = "/schedule/roadshows/"


@pytest.fixture
def admin(client, make_user):
    user = make_user(Role.PROGRAMME_ADMIN)
    client.force_login(user)
    return user


def cities_of(response):
    return sorted(r.city.name for r in response.context["roadshows"])


def session_in(roadshow, start, audience="umkm"):
    fields = {"title": "Kelas", "capacity": 30, "delivery": "in_person", "venue": "Aula"}
    return session_create(roadshow=roadshow, starts_at=start, ends_at=start + dt.timedelta(hours=3), audience=audience, **fields)


def test_the_url_is_the_roadshow_list(client, admin, world):
    assert reverse("sessions_app:roadshow-list") == URL


def test_status_filter_uses_the_roadshow_status(client, admin, world):
    roadshow_update(roadshow=world["rs_jayapura"], expected_version=world["rs_jayapura"].version, status=RoadshowStatus.CONFIRMED)

    assert cities_of(client.get(URL, {"status": "confirmed"})) == ["Jayapura"]
    assert cities_of(client.get(URL, {"status": "planned"})) == ["Kupang"]
    assert cities_of(client.get(URL, {"status": "cancelled"})) == []
    assert cities_of(client.get(URL)) == ["Jayapura", "Kupang"]


def test_the_status_choices_are_the_roadshow_statuses(client, admin, world):
    html = client.get(URL).content.decode()
    assert 'value="confirmed"' in html and 'value="scheduled"' not in html


def test_a_session_status_carried_over_by_the_tabs_is_dropped_not_every_filter(client, admin, world):
    response = client.get(URL, {"status": "scheduled", "city": world["kupang"].pk})
    assert cities_of(response) == ["Kupang"]
    assert "status" not in response.context["filter_form"].errors
    # and the other way round: the session list ignores a roadshow-only status but keeps the city
    session_in(world["rs_kupang"], at(WITA, 12, 9))
    session_in(world["rs_jayapura"], at(WIT, 12, 9))
    sessions = client.get(
        reverse("sessions_app:session-list"), {"status": "confirmed", "city": world["kupang"].pk, "when": "all"}
    )
    assert [s.city.name for s in sessions.context["sessions"]] == ["Kupang"]


def test_audience_filter_keeps_roadshows_holding_a_session_for_that_audience_and_counts_those(client, admin, world):
    session_in(world["rs_kupang"], at(WITA, 12, 9), audience="pemda")
    session_in(world["rs_kupang"], at(WITA, 13, 9), audience="umkm")
    session_in(world["rs_kupang"], at(WITA, 14, 9), audience="umkm")
    session_in(world["rs_jayapura"], at(WIT, 12, 9), audience="umkm")

    pemda = client.get(URL, {"audience": "pemda"})
    umkm = client.get(URL, {"audience": "umkm"})

    assert cities_of(pemda) == ["Kupang"] and pemda.context["roadshows"][0].session_count == 1
    assert cities_of(umkm) == ["Jayapura", "Kupang"]
    assert {r.city.name: r.session_count for r in umkm.context["roadshows"]} == {"Jayapura": 1, "Kupang": 2}
    assert {r.city.name: r.session_count for r in client.get(URL).context["roadshows"]} == {"Jayapura": 1, "Kupang": 3}


def test_city_partner_programme_and_date_filters(client, admin, world):
    other_programme, other_partner, ambon = ProgrammeFactory(), PartnerFactory(), CityFactory(name="Ambon")
    RoadshowFactory(
        programme=other_programme, partner=other_partner, city=ambon, starts_on=dt.date(2018, 10, 1), ends_on=dt.date(2018, 10, 5)
    )

    assert cities_of(client.get(URL, {"city": world["kupang"].pk})) == ["Kupang"]
    assert cities_of(client.get(URL, {"partner": other_partner.pk})) == ["Ambon"]
    assert cities_of(client.get(URL, {"programme": world["programme"].pk})) == ["Jayapura", "Kupang"]
    # a roadshow is in a date range when any of its days is
    assert cities_of(client.get(URL, {"date_from": "2018-09-20", "date_to": "2018-09-30"})) == ["Jayapura", "Kupang"]
    assert cities_of(client.get(URL, {"date_from": "2018-09-21"})) == ["Ambon"]
    assert cities_of(client.get(URL, {"date_to": "2018-09-09"})) == []
    # filters combine
    assert cities_of(client.get(URL, {"partner": other_partner.pk, "status": "planned", "audience": "umkm"})) == []


def test_a_coordinator_filtering_by_another_partner_sees_nothing_of_theirs(client, make_user, world):
    other = RoadshowFactory(partner=PartnerFactory(), city=world["kupang"], programme=world["programme"])
    client.force_login(make_user(Role.PARTNER_COORDINATOR, partner=world["partner"]))

    response = client.get(URL, {"partner": other.partner_id})

    assert other not in list(response.context["roadshows"])


def test_filtered_roadshow_list_query_count_does_not_grow_with_rows(client, admin, world, django_assert_max_num_queries):
    query = {"status": "planned", "audience": "umkm", "programme": world["programme"].pk, "date_from": "2018-09-01"}

    def add(n):
        for _i in range(n):
            city = CityFactory()
            roadshow = RoadshowFactory(programme=world["programme"], partner=PartnerFactory(), city=city)
            TrainingSessionFactory(roadshow=roadshow, programme=roadshow.programme, city=city, partner=roadshow.partner)

    add(2)
    with django_assert_max_num_queries(10) as few:
        client.get(URL, query)
    add(25)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(URL, query)
    assert len(response.context["roadshows"]) == 27
