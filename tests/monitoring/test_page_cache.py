"""The survey results kept in the cache (issue 16): never stale, never shared across languages, filters or roles,
and a pinned number of queries whether the cache holds them or not."""

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from cities.models import City, Programme
from cities.seed import PROGRAMME_2018, programme_seed_2018
from core.demo import demo_seed
from monitoring.fragments import fragment_key
from monitoring.selectors import DashboardFilters, listed_sessions
from progress.services import progress_rebuild
from surveys.models import SurveyResponse, SurveyWave
from surveys.selectors import survey_results, survey_results_version
from surveys.services.indicators import indicators_rebuild
from users.models import Role, User

from .conftest import build_world

pytestmark = pytest.mark.django_db

KSP_URL = reverse("monitoring-ksp")
DASH_URL = reverse("monitoring-dashboard")
API_URL = reverse("api-progress")


@pytest.fixture
def demo(roles):
    programme_seed_2018()
    programme = Programme.objects.get(slug=PROGRAMME_2018["slug"])
    demo_seed(programme=programme, participants=300, seed=2018, password="demo-pass-1234")
    progress_rebuild(programme_id=programme.pk)
    return programme


def _client(role: str, language: str = "id") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.cookies["django_language"] = language
    client.force_login(User.objects.get(email=f"{role}@example.org"))
    return client


def _rates(html: str) -> list[str]:
    """The KSP view's "<responded> of <invited> invited answered" lines of the results section."""
    section = html.split('data-testid="results-impact"')[1]
    return re.findall(r'data-testid="response-rate">([^<]*)<', section)


def _queries(client: Client, url: str, params: dict | None = None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params or {}).status_code == 200
    return len(ctx.captured_queries)


def test_a_cached_results_section_shows_the_new_figures_once_the_indicators_are_recomputed(demo):
    ksp = _client("ksp")
    before = _rates(ksp.get(KSP_URL).content.decode())
    api_before = ksp.get(API_URL).json()["results"]
    assert before == _rates(ksp.get(KSP_URL).content.decode())  # the second read comes from the cache

    wave = SurveyWave.objects.get(programme=demo, code="follow-up-30")
    answered = SurveyResponse.objects.filter(invitation__wave=wave)
    gone = answered.count() // 2
    SurveyResponse.objects.filter(pk__in=list(answered.values_list("pk", flat=True)[:gone])).delete()
    indicators_rebuild(programme_id=demo.pk)

    after = _rates(ksp.get(KSP_URL).content.decode())
    assert after != before
    with translation.override("id"):
        fresh = next(w for w in survey_results(programme=demo).waves if w.wave.code == "follow-up-30")
    assert any(line.startswith(f"{fresh.responded} dari {fresh.invited} yang diundang menjawab") for line in after)
    api_wave = next(w for w in ksp.get(API_URL).json()["results"]["waves"] if w["code"] == "follow-up-30")
    assert (
        api_wave["responded"]
        == fresh.responded
        != next(w["responded"] for w in api_before["waves"] if w["code"] == "follow-up-30")
    )


def test_a_renamed_wave_shows_at_once_though_the_indicators_were_not_recomputed(demo):
    ksp = _client("ksp")
    assert "Survei tindak lanjut 30 hari" in ksp.get(KSP_URL).content.decode()
    SurveyWave.objects.filter(programme=demo, code="follow-up-30").update(name_id="Survei bulan pertama")
    html = ksp.get(KSP_URL).content.decode()
    assert "Survei bulan pertama" in html.split('data-testid="results-impact"')[1]


def test_english_and_indonesian_pages_do_not_share_a_cached_fragment(demo):
    indonesian = _client("ksp", "id").get(KSP_URL).content.decode().split('data-testid="results-impact"')[1]
    english = _client("ksp", "en").get(KSP_URL).content.decode().split('data-testid="results-impact"')[1]
    assert "Punya Halaman Facebook (%)" in indonesian and "Has a Facebook Page (%)" not in indonesian
    assert "Has a Facebook Page (%)" in english and "Punya Halaman Facebook (%)" not in english
    api_en = _client("ksp", "en").get(API_URL).json()["results"]
    api_id = _client("ksp", "id").get(API_URL).json()["results"]
    groups = {
        lang: {g["group"] for w in body["waves"] for f in w["indicators"] for g in f["by"]["scale"]}
        for lang, body in (("en", api_en), ("id", api_id))
    }
    assert "Micro" in groups["en"] and "Micro" not in groups["id"]


def test_filters_do_not_share_a_cached_fragment(demo):
    policy = _client("policy")
    city = City.objects.filter(sessions__programme=demo).first()
    plain = policy.get(DASH_URL).content.decode()
    filtered = policy.get(DASH_URL, {"city": city.pk}).content.decode()
    link = 'data-testid="csv-survey-follow-up-chart"'
    assert f"city={city.pk}" not in re.search(rf'href="([^"]*)" {link}', plain).group(1)
    assert f"city={city.pk}" in re.search(rf'href="([^"]*)" {link}', filtered).group(1)


def test_one_roles_fragment_is_never_served_to_another(demo):
    policy, ksp = User.objects.get(email="policy@example.org"), User.objects.get(email="ksp@example.org")
    version = survey_results_version(programme=demo).key
    with translation.override("id"):
        policy_key = fragment_key("ksp-results", user=policy, parts=(demo.pk, version))
        ksp_key = fragment_key("ksp-results", user=ksp, parts=(demo.pk, version))
    assert policy_key != ksp_key
    _client("policy").get(KSP_URL)
    assert cache.get(policy_key) is not None and cache.get(ksp_key) is None
    _client("ksp").get(KSP_URL)
    assert cache.get(ksp_key) is not None


@pytest.mark.parametrize(
    ("role", "url", "cold", "warm"), [("ksp", KSP_URL, 13, 12), ("ksp", API_URL, 12, 11), ("policy", DASH_URL, 21, 20)]
)
def test_the_pages_query_count_stays_pinned_with_and_without_the_cache(demo, role, url, cold, warm):
    client = _client(role)
    client.get(url)
    cache.clear()
    client = _client(role)
    client.get(reverse("home"))  # the session and the user, read once per login
    assert _queries(client, url) == cold
    assert _queries(client, url) == warm
    SurveyResponse.objects.filter(invitation__wave__programme=demo).first().delete()
    indicators_rebuild(programme_id=demo.pk)
    assert _queries(client, url) == cold  # a recompute: read again, once


def test_the_sessions_table_pages_by_the_roll_up_and_lists_every_session(make_user):
    world = build_world(seed=7, people=60, sessions=45)
    admin = make_user(Role.PROGRAMME_ADMIN)
    client = Client()
    client.force_login(admin)
    filters = [
        {},
        {"city": world.cities[0].pk},
        {"partner": world.partners[1].pk, "audience": "umkm"},
        {"date_from": "2018-09-20", "date_to": "2018-10-20"},
        {"province": "Provinsi 0", "audience": "pemda"},
    ]
    for params in filters:
        response = client.get(DASH_URL, {"programme": world.programme.pk, **params})
        form_filters = response.context["filters"]
        assert isinstance(form_filters, DashboardFilters)
        listed = listed_sessions(user=admin, filters=form_filters)
        paginator = response.context["page"].paginator
        assert paginator.count == listed.count(), params
        seen = []
        for number in paginator.page_range:
            page = client.get(DASH_URL, {"programme": world.programme.pk, **params, "page": number}).context["page"]
            seen += [s.pk for s in page.object_list]
        assert sorted(seen) == sorted(listed.values_list("pk", flat=True)), params


def test_figure_tables_render_as_the_plain_template_loop():
    from django.template import Context, Template
    from django.test import override_settings

    from surveys.selectors import ResultTable

    rows = [
        [dt.date(2018, 9, 10), 1200, 0, None, 44.0, "<b>"],
        [dt.date(2018, 9, 11), 0, 1200, 0.5, None, "Kota"],
        ["Jumlah", True, 1, 2.25, 1200, "<b>"],
    ]
    loop = Template(
        "{% for row in table.cells %}<tr>{% for v, link in row %}"
        '{% if forloop.first %}<th scope="row" class="fw-normal">{% if v is None %}–{% else %}{{ v }}{% endif %}</th>'
        '{% elif link and v is not None %}<td class="text-end"><a href="{{ link }}" data-testid="drill-link">{{ v }}</a></td>'
        '{% else %}<td class="text-end">{% if v is None %}–{% else %}{{ v }}{% endif %}</td>{% endif %}'
        "{% endfor %}</tr>{% endfor %}"
    )
    label = Template("{% for row in table.rows %}{{ row.0 }} {{ row.1 }}{% if not forloop.last %}; {% endif %}{% endfor %}")
    tags = Template("{% load figure_tables %}{% table_body table %}|{% chart_label table %}|{% table_body table %}")
    for language, grouping in (("id", True), ("en", True), ("id", False), ("en", False)):
        with translation.override(language), override_settings(USE_THOUSAND_SEPARATOR=grouping):
            for values in (rows, [[*row[:1], *reversed(row[1:])] for row in rows]):  # the same values elsewhere
                table = ResultTable("t", "T", ["a", "b", "c", "d", "e", "f"], values, links={(0, 1): "/x?a=1&b=2"})
                expected = f"{loop.render(Context({'table': table}))}|{label.render(Context({'table': table}))}"
                assert tags.render(Context({"table": table})) == f"{expected}|{expected.split('|')[0]}"
                assert ("1.200" if language == "id" else "1,200") in expected or not grouping
