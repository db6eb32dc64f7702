"""Session figures drill down to the sessions they count; the dashboard map follows the filters."""

import datetime as dt
import zoneinfo
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from sessions_app.models import SessionStatus, TrainingSession
from users.models import Role

from .conftest import build_world
from .direct import direct

pytestmark = pytest.mark.django_db

LIST_URL = reverse("monitoring-sessions")
DASH_URL = reverse("monitoring-dashboard")
KSP_URL = reverse("monitoring-ksp")


def client_for(user):
    c = Client()
    c.force_login(user)
    return c


def direct_sessions(programme, *, status=None, city=None, partner=None, audience=None, date_from=None, date_to=None):
    """Sessions counted the slow obvious way: each session's status and its city's local date."""

    def state(s):
        if s.status == SessionStatus.CANCELLED:
            return "cancelled"
        if s.status == SessionStatus.COMPLETED or s.attendance_closed_at is not None:
            return "held"
        return "planned"

    out = []
    for s in TrainingSession.objects.filter(programme=programme).select_related("city"):
        day = s.starts_at.astimezone(zoneinfo.ZoneInfo(s.city.time_zone)).date()
        if (
            (status is None or state(s) == status)
            and (city is None or s.city_id == city.pk)
            and (partner is None or s.partner_id == partner.pk)
            and (audience is None or s.audience == audience)
            and (date_from is None or day >= date_from)
            and (date_to is None or day <= date_to)
        ):
            out.append(s.pk)
    return set(out)


def _follow(client, url):
    parts = urlsplit(url)
    assert parts.path == LIST_URL
    params = {k: v[0] for k, v in parse_qs(parts.query).items()}
    response = client.get(LIST_URL, params)
    assert response.status_code == 200
    return response


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"city": 1, "partner": 0},
        {"audience": "umkm", "date_from": "2018-09-20", "date_to": "2018-10-25"},
        {"province": "Provinsi 0", "audience": "pemda"},
    ],
)
def test_session_figures_link_to_lists_that_count_the_same(world, make_user, filters):
    c = client_for(make_user(Role.POLICY_VIEWER))  # sessions are not personal data: no grant needed
    params = {"programme": world.programme.pk}
    kw = {}
    if "city" in filters:
        params["city"] = world.cities[filters["city"]].pk
        kw["city"] = world.cities[filters["city"]]
    if "partner" in filters:
        params["partner"] = world.partners[filters["partner"]].pk
        kw["partner"] = world.partners[filters["partner"]]
    for key in ("audience", "date_from", "date_to", "province"):
        if key in filters:
            params[key] = filters[key]
    if "audience" in filters:
        kw["audience"] = filters["audience"]
    for key in ("date_from", "date_to"):
        if key in filters:
            kw[key] = dt.date.fromisoformat(filters[key])
    response = c.get(DASH_URL, params)
    agg = response.context["agg"]
    totals = {t.slug: t for t in response.context["tables"]}["totals"]
    expected = direct(world.programme, **kw)
    for row, status in ((5, "held"), (6, "planned"), (7, "cancelled")):
        listed = _follow(c, totals.links[(row, 1)])
        want = direct_sessions(world.programme, status=status, **kw)
        if "province" in filters:
            want = {pk for pk in want if TrainingSession.objects.get(pk=pk).city.province == filters["province"]}
        assert listed.context["page"].paginator.count == agg.totals[f"sessions_{status}"] == len(want)
        assert {s.pk for s in listed.context["page"].object_list} <= want
    everything = _follow(c, totals.links[(3, 1)]).context["totals"]
    assert everything["attended"] == agg.totals["attendances"]
    assert everything["no_shows"] == agg.totals["no_shows"]
    if "province" not in filters:
        assert everything["attended"] == expected["attendances"]
        assert everything["no_shows"] == expected["no_shows"]


def test_per_city_and_per_partner_figures_link_to_their_sessions(world, make_user):
    c = client_for(make_user(Role.PROGRAMME_ADMIN))
    response = c.get(DASH_URL, {"programme": world.programme.pk})
    tables = {t.slug: t for t in response.context["tables"]}
    agg = response.context["agg"]
    for i, r in enumerate(agg.by_city):
        listed = _follow(c, tables["by-city"].links[(i, 5)])
        assert listed.context["page"].paginator.count == r["sessions_held"]
        assert _follow(c, tables["by-city"].links[(i, 2)]).context["totals"]["attended"] == r["attendances"]
        assert all(s.city_id == r["city_id"] for s in listed.context["page"].object_list)
    for i, r in enumerate(agg.by_partner):
        for col, status in ((1, "held"), (2, "planned"), (3, "cancelled")):
            listed = _follow(c, tables["partner-performance"].links[(i, col)])
            assert listed.context["page"].paginator.count == r[f"sessions_{status}"]
        assert _follow(c, tables["partner-performance"].links[(i, 6)]).context["totals"]["no_shows"] == r["no_shows"]
    html = response.content.decode()
    assert 'data-testid="drill-link"' in html and 'data-testid="sessions-held-link"' in html


def test_ksp_figures_link_for_admins_and_never_for_ksp(world, make_user):
    admin_client = client_for(make_user(Role.PROGRAMME_ADMIN))
    admin_page = admin_client.get(KSP_URL, {"programme": world.programme.pk})
    admin_html = admin_page.content.decode()
    assert f"{LIST_URL}?programme={world.programme.pk}&status=held" in admin_html
    for city in admin_page.context["ov"].cities:
        url = f"{LIST_URL}?programme={world.programme.pk}&city={city.city_id}&status=held"
        assert url in admin_html
        listed = admin_client.get(url)
        want = direct_sessions(
            world.programme, status="held", city=world.cities[[c.pk for c in world.cities].index(city.city_id)]
        )
        assert listed.context["page"].paginator.count == city.sessions_held == len(want)
    ksp = client_for(make_user(Role.KSP_MONITOR))
    ksp_html = ksp.get(KSP_URL, {"programme": world.programme.pk}).content.decode()
    assert LIST_URL not in ksp_html
    assert ksp.get(LIST_URL, {"programme": world.programme.pk}).status_code == 403
    coordinator = make_user(Role.PARTNER_COORDINATOR, partner=world.partners[0])
    assert client_for(coordinator).get(LIST_URL).status_code == 403
    admin = client_for(make_user(Role.PROGRAMME_ADMIN))
    response = admin.get(LIST_URL, {"programme": world.programme.pk, "status": "held"})
    assert response.context["page"].paginator.count == len(direct_sessions(world.programme, status="held"))
    # the programme's sessions only, never another programme's
    assert all(s.programme_id == world.programme.pk for s in response.context["page"].object_list)
    html = response.content.decode()
    for person in world.people[:20]:
        assert person.full_name not in html


def test_session_list_query_count_does_not_grow_with_data(make_user, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    c = client_for(make_user(Role.POLICY_VIEWER))
    counts = []
    for w in (build_world(seed=1, people=20, sessions=6), build_world(seed=2, people=150, sessions=60)):
        with CaptureQueriesContext(connection) as ctx, django_assert_max_num_queries(12):
            response = c.get(LIST_URL, {"programme": w.programme.pk, "date_from": "2018-09-01"})
            assert response.status_code == 200
        counts.append(len(ctx.captured_queries))
    assert len(response.context["session_rows"]) > 30  # many more rows listed, the same number of queries
    assert counts[0] == counts[1]


def test_map_follows_the_dashboard_filters(world, make_user):
    c = client_for(make_user(Role.POLICY_VIEWER))
    whole = c.get(DASH_URL, {"programme": world.programme.pk})
    expected = direct(world.programme)
    assert {m.city_id: m.trained for m in whole.context["map_cities"] if m.trained} == dict(expected["umkm_by_city"])
    city, partner = world.cities[0], world.partners[1]
    response = c.get(DASH_URL, {"programme": world.programme.pk, "city": city.pk, "partner": partner.pk})
    narrowed = direct(world.programme, city=city, partner=partner)
    cities = response.context["map_cities"]
    assert [m.city_id for m in cities] == [city.pk]
    assert cities[0].trained == narrowed["umkm_by_city"][city.pk]
    html = response.content.decode()
    assert f'data-testid="map-row" data-city="{city.name}" data-trained="{cities[0].trained}"' in html
    assert world.cities[1].name not in response.context["map_svg"]
    late = c.get(DASH_URL, {"programme": world.programme.pk, "date_from": "2018-10-20", "audience": "pemda"})
    late_expected = direct(world.programme, audience="pemda", date_from=dt.date(2018, 10, 20))
    assert {m.city_id: m.trained for m in late.context["map_cities"] if m.trained} == dict(late_expected["pemda_by_city"])
    assert "pejabat pemda" in late.context["map_svg"].lower() or not any(m.trained for m in late.context["map_cities"])


def test_filtered_dashboard_and_its_map_run_a_pinned_number_of_queries(make_user, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    c = client_for(make_user(Role.PROGRAMME_ADMIN))
    counts = []
    for w in (build_world(seed=1, people=20, sessions=6), build_world(seed=2, people=150, sessions=40)):
        params = {"programme": w.programme.pk, "province": "Provinsi 0", "date_from": "2018-09-01", "audience": "umkm"}
        with CaptureQueriesContext(connection) as ctx, django_assert_max_num_queries(20):
            response = c.get(DASH_URL, params)
            assert response.status_code == 200
        counts.append(len(ctx.captured_queries))
        assert {m.province for m in response.context["map_cities"]} <= {"Provinsi 0"}
    assert counts[0] == counts[1]
