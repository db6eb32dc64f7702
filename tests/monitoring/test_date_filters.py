"""The dashboard's date filters count a session on its city's own local day, on PostgreSQL and on SQLite.

tests/sqlite/test_dashboard_filters.py runs these same tests on SQLite (`make run`'s database),
where a database time-zone function (PostgreSQL's `timezone`) answered 500.
"""

import datetime as dt
import re
import zoneinfo

import pytest
from django.test import Client
from django.urls import reverse

from participants.models import AttendanceStatus
from progress.services import progress_rebuild
from sessions_app.models import SessionStatus
from tests.factories import (
    AttendanceFactory,
    CityFactory,
    ParticipantFactory,
    PartnerFactory,
    ProgrammeFactory,
    TrainingSessionFactory,
)
from users.models import Role

pytestmark = pytest.mark.django_db


def local(zone: str, *args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=zoneinfo.ZoneInfo(zone))


@pytest.fixture
def near_midnight(make_user):
    """Three sessions within an hour of each other in UTC, on different local days."""
    programme = ProgrammeFactory()
    partner = PartnerFactory()
    places = {
        "Jayapura": ("Asia/Jayapura", local("Asia/Jayapura", 2018, 9, 12, 0, 30)),  # 11 Sep 15.30 UTC, local day 12 Sep
        "Makassar": ("Asia/Makassar", local("Asia/Makassar", 2018, 9, 11, 23, 30)),  # 11 Sep 15.30 UTC, local day 11 Sep
        "Jakarta": ("Asia/Jakarta", local("Asia/Jakarta", 2018, 9, 12, 8, 0)),  # 12 Sep 01.00 UTC, local day 12 Sep
    }
    for name, (zone, start) in places.items():
        session = TrainingSessionFactory(
            programme=programme,
            partner=partner,
            city=CityFactory(name=name, time_zone=zone),
            title=f"Sesi {name}",
            starts_at=start,
            ends_at=start + dt.timedelta(hours=2),
            status=SessionStatus.COMPLETED,
        )
        AttendanceFactory(
            session=session,
            participant=ParticipantFactory(city=session.city),
            status=AttendanceStatus.ATTENDED,
            checked_in_at=start,
        )
    progress_rebuild(programme_id=programme.pk)
    c = Client()
    c.force_login(make_user(Role.PROGRAMME_ADMIN))
    return programme, c


def listed(c, programme, **dates) -> set[str]:
    query = "&".join(f"{k}={v}" for k, v in dates.items())
    response = c.get(reverse("monitoring-sessions") + f"?programme={programme.pk}&{query}")
    assert response.status_code == 200
    return set(re.findall(r"Sesi (Jayapura|Makassar|Jakarta)", response.content.decode()))


def test_a_day_filter_keeps_the_sessions_held_on_that_local_day(near_midnight):
    programme, c = near_midnight
    assert listed(c, programme, date_from="2018-09-12", date_to="2018-09-12") == {"Jayapura", "Jakarta"}
    assert listed(c, programme, date_from="2018-09-11", date_to="2018-09-11") == {"Makassar"}
    assert listed(c, programme, date_from="2018-09-12") == {"Jayapura", "Jakarta"}
    assert listed(c, programme, date_to="2018-09-11") == {"Makassar"}
    assert listed(c, programme, date_from="2018-09-13") == set()


def test_the_dashboard_with_date_filters_answers_and_counts_the_day(near_midnight):
    programme, c = near_midnight
    for dates in (
        "date_from=2018-09-12&date_to=2018-09-12",
        "date_from=2018-09-11",
        "date_to=2018-09-30",
        "date_from=2018-09-13",
    ):
        response = c.get(reverse("monitoring-dashboard") + f"?programme={programme.pk}&{dates}")
        assert response.status_code == 200, dates
    for url in (reverse("monitoring-export-csv", args=["by-city"]), reverse("monitoring-export-xlsx")):
        response = c.get(url + f"?programme={programme.pk}&date_from=2018-09-12&date_to=2018-09-12")
        assert response.status_code == 200, url
