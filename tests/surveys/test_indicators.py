"""The indicator roll-up equals a direct computation over the responses, on random data."""

import datetime as dt
import random

import pytest
from django.db.models import Avg, Count, Q
from django.utils import translation

from participants.models import BusinessScale, Gender, SocialMediaUse
from surveys.models import SurveyAnswer, SurveyInvitation
from surveys.selectors import survey_results
from surveys.services.indicators import indicators_rebuild
from surveys.services.invitations import followup_invitations_plan
from surveys.services.responses import response_submit
from tests.factories import CityFactory
from tests.factories.participants import ParticipantFactory

from .conftest import WITA

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def answered(programme, makassar, jayapura, session_in, attend):
    rng = random.Random(20181012)
    palu = CityFactory(name="Palu")
    sessions = [session_in(city, dt.datetime(2018, 9, 12, 9, 0, tzinfo=WITA)) for city in (makassar, jayapura, palu)]
    for _i in range(60):
        attend(
            rng.choice(sessions),
            gender=rng.choice(Gender.values),
            scale=rng.choice([*BusinessScale.values, ""]),
            baseline_social_media=rng.choice([*SocialMediaUse.values, ""]),
        )
    # A small city whose three people all answer: a group with fewer than ten respondents, whatever the draw.
    sorong = session_in(CityFactory(name="Sorong"), dt.datetime(2018, 9, 12, 9, 0, tzinfo=WITA))
    few = {attend(sorong, gender=rng.choice(Gender.values)).pk for _i in range(3)}
    ParticipantFactory(is_test=True)  # never counted
    followup_invitations_plan(now=dt.datetime(2018, 10, 12, 12, 0, tzinfo=dt.UTC))
    for invitation in SurveyInvitation.objects.filter(wave__code="follow-up-30").order_by("pk"):
        if invitation.participant_id not in few and rng.random() < 0.3:
            continue  # did not answer
        answers = {
            code: rng.choice(["0", "1"]) for code in ("facebook_page", "instagram_business", "whatsapp_business", "sells_online")
        }
        answers["sales_change"] = rng.choice(["up", "same", "down", "unsure"])
        answers["recommend"] = str(rng.randint(1, 5))
        response_submit(invitation=invitation, answers=answers, now=invitation.send_after)
    indicators_rebuild(programme_id=programme.pk)
    return programme


def _figure(results, code):
    wave = next(w for w in results.waves if w.wave.code == "follow-up-30")
    return wave, next(f for f in wave.figures if f.code == code)


def _direct_share(code, **filters):
    answers = SurveyAnswer.objects.filter(question__code=code, question__wave__code="follow-up-30", **filters)
    n = answers.count()
    return (round(100 * answers.filter(number=1).count() / n, 1) if n else None), n


def test_yes_no_shares_overall_and_by_gender_scale_and_city_match_the_responses(answered):
    results = survey_results(programme=answered)
    for code in ("facebook_page", "instagram_business", "whatsapp_business", "sells_online"):
        _wave, figure = _figure(results, code)
        assert (figure.value, figure.n) == _direct_share(code)
        by_gender = {label: (value, n) for label, value, n in figure.by["gender"]}
        for key, label in Gender.choices:
            direct = _direct_share(code, response__invitation__participant__gender=key)
            if direct[1]:
                assert by_gender[str(label)] == direct
        cities = {label: (value, n) for label, value, n in figure.by["city"]}
        for name in ("Makassar", "Jayapura", "Palu"):
            assert cities[name] == _direct_share(code, response__invitation__participant__city__name=name)
        scales = {label: (value, n) for label, value, n in figure.by["scale"]}
        assert scales["Micro"] == _direct_share(code, response__invitation__participant__scale="mikro")
        assert scales["Not recorded"] == _direct_share(code, response__invitation__participant__scale="")


def test_baseline_mean_choice_and_response_rate_match_the_responses(answered):
    results = survey_results(programme=answered)
    wave, figure = _figure(results, "sells_online")
    answers = SurveyAnswer.objects.filter(question__code="sells_online", question__wave__code="follow-up-30").exclude(
        response__invitation__participant__baseline_social_media=""
    )
    with_baseline = answers.count()
    online_before = answers.filter(response__invitation__participant__baseline_social_media="sells_online").count()
    assert (figure.baseline, figure.baseline_n) == (round(100 * online_before / with_baseline, 1), with_baseline)

    _wave, recommend = _figure(results, "recommend")
    direct = SurveyAnswer.objects.filter(question__code="recommend").aggregate(mean=Avg("number"), n=Count("pk"))
    assert (recommend.value, recommend.n) == (round(direct["mean"], 2), direct["n"])

    _wave, up = _figure(results, "sales_change:up")
    sales = SurveyAnswer.objects.filter(question__code="sales_change")
    assert (up.value, up.n) == (round(100 * sales.filter(choice="up").count() / sales.count(), 1), sales.count())

    invitations = SurveyInvitation.objects.filter(wave__code="follow-up-30")
    # 60 people in three cities and 3 in Sorong
    assert (wave.invited, wave.responded) == (63, invitations.filter(response__isnull=False).count())
    by_city = {label: (invited, responded) for label, invited, responded, _rate in wave.rates_by["city"]}
    for name in ("Makassar", "Jayapura", "Palu"):
        city = invitations.filter(participant__city__name=name).aggregate(
            invited=Count("pk"), responded=Count("pk", filter=Q(response__isnull=False))
        )
        assert by_city[name] == (city["invited"], city["responded"])


def test_fewer_than_ten_respondents_are_marked(answered):
    results = survey_results(programme=answered)
    table = next(t for t in results.tables if t.slug == "survey-results-by-group")
    small = [row for row in table.rows if row[5] < 10]
    assert small and all(row[6] for row in small)
    assert all(not row[6] for row in table.rows if row[5] >= 10)


def test_answers_queue_one_debounced_rebuild(programme, makassar, session_in, attend, django_capture_on_commit_callbacks):
    from django.core.cache import cache

    from surveys.models import SurveyIndicator
    from surveys.services.indicators import indicators_refresh_soon

    session = session_in(makassar, dt.datetime(2018, 9, 12, 9, 0, tzinfo=WITA))
    attend(session)
    session.attendance_closed_at = session.ends_at
    session.save(update_fields=["attendance_closed_at"])
    from surveys.services.invitations import feedback_invitations_create

    feedback_invitations_create(session_id=session.pk)
    invitation = SurveyInvitation.objects.get()
    answers = {"satisfaction": "5", "usefulness": "4", "skill_before": "2", "skill_after": "4"}
    with django_capture_on_commit_callbacks(execute=True):
        response_submit(invitation=invitation, answers=answers)  # eager: the rebuild runs at once
    satisfaction = SurveyIndicator.objects.get(metric="satisfaction", dimension="all")
    assert (satisfaction.numerator, satisfaction.denominator) == (5, 1)

    cache.add(f"surveys:indicators-refresh:{programme.pk}", 1)  # a rebuild is already waiting
    assert indicators_refresh_soon(programme_id=programme.pk) is False
