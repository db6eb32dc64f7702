import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from participants.models import AttendanceStatus
from progress.services import progress_rebuild
from sessions_app.models import SessionStatus
from tests.factories import AttendanceFactory, CityFactory, CityTargetFactory, ParticipantFactory, TrainingSessionFactory
from users.models import Role

from .conftest import WITA, at

pytestmark = pytest.mark.django_db


def test_overview_lists_cities_in_roadshow_order_with_counts_against_target(
    client, make_user, world, django_assert_max_num_queries
):
    programme = world["programme"]
    CityTargetFactory(programme=programme, city=world["jayapura"], umkm_target=500, roadshow_order=2)
    CityTargetFactory(programme=programme, city=world["kupang"], umkm_target=800, roadshow_order=1)
    CityTargetFactory(programme=programme, city=CityFactory(name="Ambon"), umkm_target=300, roadshow_order=3)
    common = {"programme": programme, "partner": world["partner"], "city": world["kupang"], "roadshow": world["rs_kupang"]}
    held = TrainingSessionFactory(**common, status=SessionStatus.COMPLETED, starts_at=at(WITA, 11, 9))
    TrainingSessionFactory(**common, status=SessionStatus.SCHEDULED, starts_at=at(WITA, 13, 9))
    TrainingSessionFactory(**common, status=SessionStatus.CANCELLED, starts_at=at(WITA, 14, 9))
    now = timezone.now()
    for _ in range(3):
        AttendanceFactory(session=held, status=AttendanceStatus.ATTENDED, checked_in_at=now)
    AttendanceFactory(session=held)  # registered, did not come
    AttendanceFactory(
        session=held, status=AttendanceStatus.ATTENDED, checked_in_at=now, participant=ParticipantFactory(is_test=True)
    )

    progress_rebuild(programme_id=programme.pk)
    client.force_login(make_user(Role.PROGRAMME_ADMIN))
    with django_assert_max_num_queries(12):
        response = client.get(reverse("sessions_app:programme-overview"))

    rows = response.context["rows"]
    assert [r.city.name for r in rows] == ["Kupang", "Jayapura", "Ambon"]
    kupang = rows[0]
    assert (kupang.planned, kupang.held, kupang.cancelled, kupang.registered, kupang.people_attended) == (1, 1, 1, 4, 3)
    assert (kupang.trained, kupang.umkm_target, response.context["totals"]["trained"]) == (3, 800, 3)
    assert (kupang.first_day, kupang.last_day) == (dt.date(2018, 9, 10), dt.date(2018, 9, 20))
    assert kupang.roadshows[0].partner == world["partner"]
    assert rows[2].roadshows == [] and rows[2].planned == 0
    assert "Ikhtisar program" in response.content.decode()


def test_overview_query_count_does_not_grow_with_cities_or_sessions(client, make_user, world, django_assert_max_num_queries):
    client.force_login(make_user(Role.PROGRAMME_ADMIN))
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("sessions_app:programme-overview"))
    for i in range(8):
        city = CityFactory(name=f"Kota {i}")
        CityTargetFactory(programme=world["programme"], city=city, roadshow_order=i + 5)
        for _ in range(3):
            AttendanceFactory(session=TrainingSessionFactory(programme=world["programme"], city=city))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("sessions_app:programme-overview"))


def test_admin_and_coordinator_land_on_their_working_pages(client, make_user, world):
    client.force_login(make_user(Role.PROGRAMME_ADMIN))
    assert client.get("/")["Location"] == reverse("sessions_app:programme-overview")
    client.force_login(make_user(Role.PARTNER_COORDINATOR, partner=world["partner"]))
    assert client.get("/")["Location"] == reverse("sessions_app:session-list")
