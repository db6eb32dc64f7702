"""The KSP view, its PDF, the policy dashboard, the exports and the API show the survey results of
the demo data: numbers with n, aggregates only."""

import io
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook
from pypdf import PdfReader

from cities.models import Programme
from cities.seed import PROGRAMME_2018, programme_seed_2018
from core.demo import demo_seed
from participants.models import Participant
from progress.services import progress_rebuild
from surveys.selectors import survey_results
from users.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(roles):
    programme_seed_2018()
    programme = Programme.objects.get(slug=PROGRAMME_2018["slug"])
    demo_seed(programme=programme, participants=300, seed=2018, password="demo-pass-1234")
    progress_rebuild(programme_id=programme.pk)
    return programme


def _client(role):
    client = Client()
    client.force_login(User.objects.get(email=f"{role}@example.org"))
    return client


def _follow_up(programme, code="facebook_page"):
    with translation.override("id"):
        results = survey_results(programme=programme)
    wave = next(w for w in results.waves if w.wave.code == "follow-up-30")
    return wave, next(f for f in wave.figures if f.code == code)


def _id_number(value, places=1):
    return f"{value:.{places}f}".replace(".", ",")


def test_the_ksp_view_shows_the_results_with_n_and_no_names(demo):
    wave, figure = _follow_up(demo)
    assert wave.responded > 20 and figure.n == wave.responded
    html = _client("ksp").get(reverse("monitoring-ksp"), {"programme": demo.pk}).content.decode()
    section = html.split('data-testid="results-impact"')[1]
    assert "Punya Halaman Facebook (%)" in section
    assert f"{_id_number(figure.value)}%" in section
    assert f"{wave.responded} dari {wave.invited} yang diundang menjawab" in section
    assert "belum tersedia" not in section
    for name in Participant.objects.values_list("full_name", flat=True)[:50]:
        assert name not in html


def test_the_pdf_report_carries_the_results(demo):
    wave, figure = _follow_up(demo)
    response = _client("ksp").get(reverse("monitoring-ksp-pdf"), {"programme": demo.pk})
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    results = text.split("Hasil dan dampak")[-1]
    assert "Survei tindak lanjut 30 hari" in results
    assert re.search(rf"Punya Halaman Facebook \(%\)\s*{re.escape(_id_number(figure.value))}%\s*{figure.n}", results)


def test_the_api_carries_the_results(demo):
    wave, figure = _follow_up(demo)
    body = _client("ksp").get(reverse("api-progress"), {"programme": demo.pk}).json()
    api_wave = next(w for w in body["results"]["waves"] if w["code"] == "follow-up-30")
    assert (api_wave["invited"], api_wave["responded"]) == (wave.invited, wave.responded)
    api_figure = next(f for f in api_wave["indicators"] if f["code"] == "facebook_page")
    assert (api_figure["value"], api_figure["n"], api_figure["baseline_pct"]) == (figure.value, figure.n, figure.baseline)
    assert {g["n"] for g in api_figure["by"]["city"]} and all("name" not in g for g in api_figure["by"]["city"])


def test_the_dashboard_charts_and_the_exports_carry_the_results(demo):
    wave, figure = _follow_up(demo)
    client = _client("policy")
    page = client.get(reverse("monitoring-dashboard"), {"programme": demo.pk})
    assert "survey-follow-up-chart" in page.context["charts_data"]
    assert 'data-chart="survey-follow-up-chart"' in page.content.decode()
    workbook = load_workbook(io.BytesIO(client.get(reverse("monitoring-export-xlsx"), {"programme": demo.pk}).content))
    sheet = workbook["Hasil survei"]
    rows = {(r[0], r[1]): r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows[("Survei tindak lanjut 30 hari", "Punya Halaman Facebook (%)")][2:4] == (figure.value, figure.n)
    csv = client.get(reverse("monitoring-export-csv", args=["survey-response-rates"]), {"programme": demo.pk})
    assert f"Survei tindak lanjut 30 hari,{wave.invited},{wave.responded}" in csv.content.decode()


def test_the_results_read_a_fixed_number_of_queries(demo, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        survey_results(programme=demo)
