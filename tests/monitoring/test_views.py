import csv
import io
import math
import re

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from monitoring.services import api_token_create, api_token_revoke
from tests.factories import PartnerFactory
from users.models import Role

from .conftest import build_world
from .direct import direct

pytestmark = pytest.mark.django_db

KSP_URL = reverse("monitoring-ksp")
DASH_URL = reverse("monitoring-dashboard")
API_URL = reverse("api-progress")


def client_for(user):
    c = Client()
    c.force_login(user)
    return c


def test_ksp_view_shows_figures_equal_to_a_direct_count(world, make_user):
    expected = direct(world.programme)
    response = client_for(make_user(Role.KSP_MONITOR)).get(KSP_URL, {"programme": world.programme.pk})
    assert response.status_code == 200
    ov = response.context["ov"]
    assert ov.trained == expected["umkm_trained"]
    assert ov.totals["pemda_trained"] == expected["pemda_trained"]
    assert {c.city_id: c.trained for c in ov.cities if c.trained} == dict(expected["umkm_by_city"])
    assert ov.trainers_certified == 2  # the in-training trainer and other programmes' trainers do not count
    women = expected["umkm_women"] + expected["pemda_women"]
    assert ov.women_pct == round(100 * women / (expected["umkm_trained"] + expected["pemda_trained"]), 1)
    html = response.content.decode()
    assert f">{expected['umkm_trained']}<" in html.replace(".", "")
    for city in world.cities[:2]:
        assert f'data-city="{city.name}" data-trained="{expected["umkm_by_city"][city.pk]}"' in html
    # aggregates only: no personal data and no drill-down links for KSP
    assert reverse("monitoring-trained") not in html
    for person in world.people[:20]:
        assert person.full_name not in html
        assert person.phone not in html
    assert "belum tersedia" in html  # results and impact: not available yet, no invented figures


def test_pace_and_projection(world, make_user):
    response = client_for(make_user(Role.KSP_MONITOR)).get(KSP_URL, {"programme": world.programme.pk})
    ov = response.context["ov"]
    trained = ov.trained
    assert ov.pace_per_week == 0  # every session was in 2018: no current pace, so no invented date
    assert ov.projected_on is None
    # The programme has ended: the headline gives its outcome, not a pace (issue 10).
    assert "Program berakhir pada 13 Agustus 2019" in response.content.decode()
    assert "empat minggu terakhir" not in response.content.decode()
    assert ov.required_per_week == round(400 / ((world.programme.ends_on - world.programme.starts_on).days / 7), 1)
    assert ov.trend[-1].trained == trained
    assert ov.trend[0].required == 0


@pytest.mark.parametrize(
    "url_name",
    ["monitoring-trained", "monitoring-dashboard", "monitoring-export-xlsx"],
)
def test_ksp_is_refused_on_pages_and_exports_beyond_its_aggregates(world, make_user, url_name):
    response = client_for(make_user(Role.KSP_MONITOR)).get(reverse(url_name))
    assert response.status_code == 403


def test_ksp_is_refused_on_csv_exports(world, make_user):
    assert client_for(make_user(Role.KSP_MONITOR)).get(reverse("monitoring-export-csv", args=["by-city"])).status_code == 403


def test_drill_down_needs_the_personal_data_grant(world, make_user):
    url = reverse("monitoring-trained")
    assert client_for(make_user(Role.POLICY_VIEWER)).get(url).status_code == 403
    coordinator = make_user(Role.PARTNER_COORDINATOR, partner=world.partners[0])
    assert client_for(coordinator).get(url).status_code == 403
    granted = make_user(Role.POLICY_VIEWER, can_see_personal_data=True)
    city = world.cities[0]
    response = client_for(granted).get(url, {"programme": world.programme.pk, "audience": "umkm", "city": city.pk})
    assert response.status_code == 200
    expected = direct(world.programme, city=city)
    assert response.context["page"].paginator.count == expected["umkm_by_city"][city.pk]
    listed = {a.participant_id for a in response.context["page"].object_list}
    assert listed <= expected["first_ids"]


def test_granted_viewer_sees_links_from_numbers_to_rows(world, make_user):
    granted = make_user(Role.POLICY_VIEWER, can_see_personal_data=True)
    html = client_for(granted).get(KSP_URL, {"programme": world.programme.pk}).content.decode()
    assert f"{reverse('monitoring-trained')}?programme={world.programme.pk}&audience=umkm&city={world.cities[0].pk}" in html


def test_roles_without_monitoring_get_403(world, make_user):
    trainer = make_user(Role.TRAINER, partner=PartnerFactory())
    for url in (KSP_URL, DASH_URL, reverse("monitoring-ksp-pdf")):
        assert client_for(trainer).get(url).status_code == 403
    assert Client().get(KSP_URL).status_code == 302


def test_dashboard_filters_change_figures_and_sessions(world, make_user):
    c = client_for(make_user(Role.POLICY_VIEWER))
    city, partner = world.cities[1], world.partners[0]
    response = c.get(DASH_URL, {"programme": world.programme.pk, "city": city.pk, "partner": partner.pk})
    assert response.status_code == 200
    expected = direct(world.programme, city=city, partner=partner)
    assert response.context["agg"].totals["umkm_trained"] == expected["umkm_trained"]
    assert response.context["agg"].totals["attendances"] == expected["attendances"]
    rows = response.context["session_rows"]
    assert rows and all(s.city_id == city.pk and s.partner_id == partner.pk for s, _r in rows)


def test_dashboard_rejects_an_inverted_date_range_with_a_message(world, make_user):
    c = client_for(make_user(Role.POLICY_VIEWER))
    response = c.get(DASH_URL, {"date_from": "2018-10-01", "date_to": "2018-09-01"})
    assert response.status_code == 200
    assert "Tanggal selesai harus sama dengan atau setelah tanggal mulai" in response.content.decode()


def test_exports_carry_the_same_numbers(world, make_user):
    c = client_for(make_user(Role.PROGRAMME_ADMIN))
    expected = direct(world.programme)
    response = c.get(reverse("monitoring-export-csv", args=["by-city"]), {"programme": world.programme.pk})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    by_name = {r[0]: int(r[3]) for r in rows[1:]}
    for city in world.cities:
        assert by_name.get(city.name, 0) == expected["umkm_by_city"][city.pk]
    response = c.get(reverse("monitoring-export-xlsx"), {"programme": world.programme.pk})
    wb = load_workbook(io.BytesIO(response.content))
    assert len(wb.sheetnames) == 8 + 6  # the dashboard tables, then the survey results (tests/surveys)
    totals = {row[0]: row[1] for row in wb.worksheets[0].iter_rows(min_row=2, values_only=True)}
    assert totals["UMKM unik terlatih"] == expected["umkm_trained"]
    assert c.get(reverse("monitoring-export-csv", args=["nope"])).status_code == 404


def test_pdf_report_has_the_figures_in_indonesian(world, make_user):
    expected = direct(world.programme)
    response = client_for(make_user(Role.KSP_MONITOR)).get(reverse("monitoring-ksp-pdf"), {"programme": world.programme.pk})
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Laporan kemajuan program" in text
    assert re.search(rf"{expected['umkm_trained']}\s*/\s*400", text)
    for city in world.cities[:2]:
        assert city.name in text
    assert "belum tersedia" in text


def test_api_returns_the_same_numbers_with_session_or_token(world, make_user):
    expected = direct(world.programme)
    ksp = make_user(Role.KSP_MONITOR)
    body = client_for(ksp).get(API_URL, {"programme": world.programme.pk}).json()
    assert body["headline"]["umkm_trained"] == expected["umkm_trained"]
    assert body["headline"]["pemda_trained"] == expected["pemda_trained"]
    assert {c["id"]: c["umkm_trained"] for c in body["cities"] if c["umkm_trained"]} == dict(expected["umkm_by_city"])
    assert body["computed_at"]

    token, key = api_token_create(user=ksp, name="bappenas")
    via_token = Client().get(API_URL, {"programme": world.programme.pk}, HTTP_AUTHORIZATION=f"Bearer {key}")
    assert via_token.status_code == 200 and via_token.json() == body
    assert Client().get(API_URL, HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
    api_token_revoke(token=token)
    assert Client().get(API_URL, HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401
    assert Client().post(API_URL).status_code in (401, 405)
    trainer = make_user(Role.TRAINER, partner=PartnerFactory())
    assert client_for(trainer).get(API_URL).status_code == 403


def _queries(django_assert_max_num_queries, client, url, params, limit):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx, django_assert_max_num_queries(limit):
        assert client.get(url, params).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    ("role", "url", "limit"),
    [
        (Role.KSP_MONITOR, KSP_URL, 10),
        (Role.KSP_MONITOR, API_URL, 11),
        (Role.KSP_MONITOR, reverse("monitoring-ksp-pdf"), 11),
        (Role.POLICY_VIEWER, DASH_URL, 21),  # the map reads the filtered per-city roll-up: no separate overview
        (Role.POLICY_VIEWER, reverse("monitoring-export-xlsx"), 13),
        (Role.PROGRAMME_ADMIN, reverse("monitoring-trained"), 8),
    ],
)  # +1 each for the survey results (surveys/selectors.py; with survey data 5, pinned in tests/surveys)
def test_query_count_does_not_grow_with_data(make_user, django_assert_max_num_queries, role, url, limit):
    user = make_user(role)
    small = build_world(seed=1, people=20, sessions=6)
    large = build_world(seed=2, people=150, sessions=40)
    assert large.programme.sessions.count() >= 5 * small.programme.sessions.count() > 0
    c = client_for(user)
    counts = [_queries(django_assert_max_num_queries, c, url, {"programme": w.programme.pk}, limit) for w in (small, large)]
    assert counts[0] == counts[1]


def test_without_any_programme_the_pages_say_so(make_user):
    for role, url in ((Role.KSP_MONITOR, KSP_URL), (Role.POLICY_VIEWER, DASH_URL)):
        response = client_for(make_user(role)).get(url)
        assert response.status_code == 200
        assert "Belum ada program" in response.content.decode()
    assert client_for(make_user(Role.KSP_MONITOR)).get(KSP_URL, {"programme": 999999}).status_code == 404


def test_projection_at_the_current_pace(make_user):
    import datetime as dt

    from django.utils import timezone

    from monitoring.selectors import ksp_overview
    from participants.models import Attendance
    from progress.services import progress_rebuild
    from tests.factories import CityFactory, ParticipantFactory, ProgrammeFactory, TrainingSessionFactory

    today = timezone.localdate()
    programme = ProgrammeFactory(
        starts_on=today - dt.timedelta(days=100), ends_on=today + dt.timedelta(days=265), umkm_target=100
    )
    city = CityFactory(time_zone="Asia/Jakarta")
    for week in range(4):  # 5 UMKM a week over the last four weeks
        session = TrainingSessionFactory(
            programme=programme, city=city, starts_at=timezone.now() - dt.timedelta(days=7 * week + 1), status="completed"
        )
        for _ in range(5):
            Attendance.objects.create(
                participant=ParticipantFactory(city=city), session=session, status="attended", checked_in_at=timezone.now()
            )
    progress_rebuild(programme_id=programme.pk)

    ov = ksp_overview(user=make_user(Role.KSP_MONITOR), programme=programme, today=today)

    assert ov.trained == 20
    assert ov.pace_per_week == 5.0
    assert ov.projected_on == today + dt.timedelta(days=math.ceil(80 / (20 / 28)))


def test_rebuild_task_and_token_command(world, make_user):
    from django.core.management import call_command

    from monitoring.models import ApiToken
    from progress.models import SessionRollup
    from progress.tasks import check_all_progress

    SessionRollup.objects.all().delete()
    check_all_progress.delay()  # eager in tests: the nightly check finds the missing rows and repairs them
    assert SessionRollup.objects.filter(programme=world.programme).count() == world.programme.sessions.count()

    user = make_user(Role.KSP_MONITOR)
    out = io.StringIO()
    call_command("api_token_create", user.email, "--name", "sipd", stdout=out)
    key = re.search(r": (\S+)\n", out.getvalue()).group(1)
    assert ApiToken.objects.get(user=user).name == "sipd"
    assert Client().get(API_URL, HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200


def test_ksp_view_defaults_to_the_main_programme_and_can_switch(client, make_user):
    import datetime as dt

    from tests.factories import ProgrammeFactory

    main = ProgrammeFactory(name="Roadshow utama", umkm_target=10_000, starts_on=dt.date(2018, 8, 14))
    follow_up = ProgrammeFactory(
        name="Kelas lanjutan", umkm_target=200, starts_on=dt.date.today() - dt.timedelta(days=10), ends_on=dt.date.today()
    )
    client.force_login(make_user("ksp_monitor"))

    page = client.get("/monitoring/ksp/").content.decode()
    assert "Roadshow utama ·" in page
    assert 'data-testid="programme-switch"' in page

    switched = client.get(f"/monitoring/ksp/?programme={follow_up.pk}").content.decode()
    assert "Kelas lanjutan ·" in switched
    assert main.name in switched  # still offered in the switcher
