import datetime as dt
from collections import Counter

import pytest

from monitoring.selectors import DashboardFilters, dashboard_aggregates
from participants.models import Attendance, AttendanceStatus, CountedAttendance
from progress.models import DimensionRollup, SessionRollup
from progress.services import progress_rebuild

from .conftest import build_world
from .direct import direct

pytestmark = pytest.mark.django_db


def _dim(agg, dimension, metric):
    return Counter({r["value"]: r[metric] for r in agg.dimensions[dimension] if r[metric]})


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_dashboard_aggregates_equal_direct_counts_on_random_data(seed):
    w = build_world(seed=seed, people=70, sessions=12)
    city, partner = w.cities[0], w.partners[1]
    cases = [
        ({}, {}),
        ({"city_id": city.pk}, {"city": city}),
        ({"partner_id": partner.pk}, {"partner": partner}),
        (
            {"city_id": city.pk, "partner_id": partner.pk, "audience": "umkm"},
            {"city": city, "partner": partner, "audience": "umkm"},
        ),
        (
            {"date_from": dt.date(2018, 9, 20), "date_to": dt.date(2018, 10, 15)},
            {"date_from": dt.date(2018, 9, 20), "date_to": dt.date(2018, 10, 15)},
        ),
    ]
    for filter_kwargs, direct_kwargs in cases:
        agg = dashboard_aggregates(filters=DashboardFilters(programme=w.programme, **filter_kwargs))
        expected = direct(w.programme, **direct_kwargs)
        t = agg.totals
        assert t["umkm_trained"] == expected["umkm_trained"], filter_kwargs
        assert t["pemda_trained"] == expected["pemda_trained"], filter_kwargs
        assert t["attendances"] == expected["attendances"], filter_kwargs
        assert t["no_shows"] == expected["no_shows"], filter_kwargs
        assert t["registrations"] == expected["registrations"], filter_kwargs
        assert {r["city_id"]: r["umkm_trained"] for r in agg.by_city if r["umkm_trained"]} == dict(expected["umkm_by_city"])
        assert t["umkm_mikro"] == expected["scale"]["mikro"]
        assert _dim(agg, "sector", "trained") == +expected["trained_by_sector"]
        assert _dim(agg, "gender", "trained") == +expected["trained_by_gender"]
        assert _dim(agg, "social_media", "attended") == +expected["attended_by_social"]
        assert sum(r["attendances"] for r in agg.by_day) == expected["attendances"]
        assert sum(r["attendances"] for r in agg.by_partner) == expected["attendances"]


def test_session_rollup_equals_direct_counts():
    w = build_world(seed=11, people=60, sessions=10)
    for session in w.sessions:
        if session.programme_id != w.programme.pk:
            assert not SessionRollup.objects.filter(session=session, programme=w.programme).exists()
            continue
        real = Attendance.objects.filter(session=session, participant__is_test=False)
        rollup = SessionRollup.objects.get(session=session)
        assert rollup.registrations == real.count()
        assert rollup.attended == real.filter(status=AttendanceStatus.ATTENDED).count()
        assert rollup.no_shows == real.filter(status=AttendanceStatus.NO_SHOW).count()


def test_rebuild_is_idempotent_and_replaces_old_figures():
    w = build_world(seed=5, people=30, sessions=6)
    before = sorted(
        DimensionRollup.objects.filter(programme=w.programme).values_list("dimension", "value", "trained", "attended")
    )
    progress_rebuild(programme_id=w.programme.pk)
    after = sorted(DimensionRollup.objects.filter(programme=w.programme).values_list("dimension", "value", "trained", "attended"))
    assert before == after
    Attendance.objects.filter(session__programme=w.programme).update(status=AttendanceStatus.REGISTERED, checked_in_at=None)
    progress_rebuild(programme_id=w.programme.pk)
    assert not DimensionRollup.objects.filter(programme=w.programme, trained__gt=0).exists()
    assert not SessionRollup.objects.filter(programme=w.programme, attended__gt=0).exists()


@pytest.mark.parametrize("seed", [21, 22])
def test_trained_people_are_exactly_the_people_the_snapshots_count(seed):
    from progress.selectors import progress_total
    from tests.counting import first_attendances

    w = build_world(seed=seed, people=70, sessions=12)
    first = first_attendances(w.programme)
    rows = CountedAttendance.objects.filter(programme=w.programme)
    assert {(r.participant_id, r.attendance_id) for r in rows} == {(pid, a.pk) for pid, a in first.items()}
    total = progress_total(programme_id=w.programme.pk)
    assert rows.filter(audience="umkm").count() == total.umkm_trained
    assert rows.filter(audience="pemda", is_woman=True).count() == total.pemda_women
