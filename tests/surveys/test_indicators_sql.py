"""The indicators' full rebuild in SQL stores exactly the rows of the row-by-row algorithm it replaced.

`_indicators_compute_portable` is that algorithm, kept as SQLite's path: here it is the reference.
Random data with the edge cases the figures must survive: people who never answer, partial answers
(questions skipped, a number left empty, a choice left blank), erased, merged and test people,
people with no counted attendance (no cohort) or no partner, a retired question version whose
answers still count under its code, several waves, and another programme whose rows must not leak in.
"""

import datetime as dt
import random

import pytest
from django.utils import timezone

from participants.models import AttendanceStatus, BusinessScale, Gender, Participant, SocialMediaUse
from surveys.links import new_nonce
from surveys.models import (
    QuestionKind,
    SurveyAnswer,
    SurveyIndicator,
    SurveyInvitation,
    SurveyQuestion,
    SurveyResponse,
    SurveyWave,
    WaveKind,
)
from surveys.seed import surveys_seed_defaults
from surveys.services.indicators import _indicators_compute_portable, indicators_compute, indicators_rebuild
from tests.factories import CityFactory, ProgrammeFactory, TrainingSessionFactory
from tests.factories.participants import AttendanceFactory, ParticipantFactory
from tests.factories.partners import PartnerFactory

pytestmark = pytest.mark.django_db

UTC = dt.UTC


def _extra_questions(programme):
    """A custom wave (number with a baseline, choice, text) and retired question versions that still have answers."""
    wave = SurveyWave.objects.create(
        programme=programme,
        code="custom",
        kind=WaveKind.FOLLOW_UP,
        days_after=45,
        name_id="Khusus",
        name_en="Custom",
        open_days=10,
        position=9,
    )
    for position, (code, kind, extra) in enumerate(
        [
            ("orders", QuestionKind.NUMBER, {"baseline_values": ["sells_online", "business_page"]}),
            ("channel", QuestionKind.CHOICE, {"choices": [{"value": v} for v in ("shop", "chat", "market")]}),
            ("story", QuestionKind.TEXT, {}),
        ]
    ):
        SurveyQuestion.objects.create(wave=wave, code=code, kind=kind, position=position, text_id=code, text_en=code, **extra)
    # new versions: a baseline where there was none, a narrower one, none where there was one
    for wave_code, code, kind, baseline in [
        ("follow-up-30", "recommend", QuestionKind.NUMBER, ["sells_online"]),
        ("custom", "orders", QuestionKind.NUMBER, ["business_page"]),
        ("follow-up-90", "facebook_page", QuestionKind.YES_NO, []),
    ]:
        old = SurveyQuestion.objects.get(wave__programme=programme, wave__code=wave_code, code=code)
        old.retired_at = timezone.now()
        old.save(update_fields=["retired_at"])
        SurveyQuestion.objects.create(
            wave=old.wave,
            code=code,
            version=2,
            kind=kind,
            position=old.position,
            text_id="lagi",
            text_en="again",
            baseline_values=baseline,
        )


def _world(seed: int, *, people: int = 90, answer_share: float = 0.55):
    """Random programme data; returns the main programme."""
    rng = random.Random(seed)  # noqa: S311  reproducible test data
    programme, other = ProgrammeFactory(), ProgrammeFactory()
    for p in (programme, other):
        surveys_seed_defaults(programme_id=p.pk)
    _extra_questions(programme)
    cities = [CityFactory(name=f"Kota {n}") for n in range(3)]
    partners = [PartnerFactory() for _ in range(3)]
    sessions = []
    for n in range(8):  # across months and years, in the two audiences, so cohorts differ
        start = dt.datetime(2018, 8 + n % 5, 28 + n % 3, 16 + n % 9, 30, tzinfo=UTC)  # some cross midnight in WIB
        for p in (programme, other):
            sessions.append(
                TrainingSessionFactory(
                    programme=p,
                    city=rng.choice(cities),
                    partner=rng.choice(partners),
                    audience="pemda" if n % 4 == 3 else "umkm",
                    starts_at=start,
                    attendance_closed_at=start + dt.timedelta(hours=5),
                )
            )
    persons = []
    for _ in range(people):
        person = ParticipantFactory(
            city=rng.choice(cities),
            gender=rng.choice([*Gender.values, ""]),
            scale=rng.choice([*BusinessScale.values, ""]),
            kind=rng.choice(["umkm"] * 4 + ["pemda"]),
            baseline_social_media=rng.choice([*SocialMediaUse.values, "", ""]),
            is_test=rng.random() < 0.05,
        )
        for session in rng.sample(sessions, rng.choice([0, 1, 1, 2, 3])):
            status = rng.choice([AttendanceStatus.ATTENDED] * 3 + [AttendanceStatus.NO_SHOW])
            checked_in_at = session.starts_at if status == AttendanceStatus.ATTENDED else None
            AttendanceFactory(participant=person, session=session, status=status, checked_in_at=checked_in_at)
        persons.append(person)
    for person in rng.sample(persons, 4):  # merged duplicates: not people, but their invitations stay
        target = rng.choice(persons)
        if target.pk != person.pk and target.merged_into_id is None:
            Participant.objects.filter(pk=person.pk).update(merged_into=target)
    for person in rng.sample(persons, 5):  # erased: personal data gone, the anonymous figures stay
        Participant.objects.filter(pk=person.pk).update(
            full_name="", phone="", business_name="", erased_at=timezone.now(), home_partner=None
        )
    questions = {}
    for q in SurveyQuestion.objects.filter(wave__programme__in=[programme, other]).exclude(
        kind=QuestionKind.TEXT, code="will_apply"
    ):
        questions.setdefault(q.wave_id, []).append(q)
    waves = list(SurveyWave.objects.filter(programme__in=[programme, other]))
    send_after = dt.datetime(2018, 10, 1, tzinfo=UTC)
    for person in persons:
        for wave in rng.sample(waves, rng.randrange(0, len(waves) + 1)):
            session = None
            if wave.kind == WaveKind.FEEDBACK or rng.random() < 0.2:
                session = rng.choice([s for s in sessions if s.programme_id == wave.programme_id])
            invitation = SurveyInvitation.objects.create(
                wave=wave,
                participant=person,
                session=session,
                nonce=new_nonce(),
                token_hash=new_nonce() + new_nonce(),
                send_after=send_after,
                closes_at=send_after + dt.timedelta(days=14),
            )
            if rng.random() >= answer_share:
                continue
            response = SurveyResponse.objects.create(invitation=invitation, submitted_at=send_after, updated_at=send_after)
            answers, answered_codes = [], set()
            for q in rng.sample(questions[wave.pk], len(questions[wave.pk])):
                if q.code in answered_codes or rng.random() < 0.15:  # one version per code; some skipped
                    continue
                answered_codes.add(q.code)
                if q.kind == QuestionKind.CHOICE:
                    values = [c["value"] for c in q.choices] + [""]
                    answers.append(SurveyAnswer(response=response, question=q, choice=rng.choice(values)))
                elif q.kind == QuestionKind.TEXT:
                    answers.append(SurveyAnswer(response=response, question=q, text="bagus"))
                else:
                    top = 1 if q.kind == QuestionKind.YES_NO else 5
                    number = None if rng.random() < 0.1 else rng.randint(0, top)
                    answers.append(SurveyAnswer(response=response, question=q, number=number))
            SurveyAnswer.objects.bulk_create(answers)
    return programme


def _stored(programme_id):
    return {
        (row.wave_id, row.metric, row.choice, row.dimension, row.value): [row.numerator, row.denominator]
        for row in SurveyIndicator.objects.filter(programme_id=programme_id)
    }


@pytest.mark.parametrize("seed", [1, 7, 42, 2018])
def test_the_sql_rebuild_stores_exactly_the_rows_of_the_row_by_row_algorithm(seed):
    programme = _world(seed)
    expected = _indicators_compute_portable(programme_id=programme.pk)
    assert any(key[1].startswith("baseline:") for key in expected) and any(key[2] for key in expected)

    written = indicators_rebuild(programme_id=programme.pk)

    assert _stored(programme.pk) == {key: list(cell) for key, cell in expected.items()}
    assert written == len(expected)
    assert indicators_compute(programme_id=programme.pk) == expected
    assert SurveyIndicator.objects.filter(programme_id=programme.pk).values("computed_at").distinct().count() == 1


def test_nobody_answered_gives_response_rates_only():
    programme = _world(5, people=25, answer_share=0)
    expected = _indicators_compute_portable(programme_id=programme.pk)
    assert expected and {key[1] for key in expected} == {"responses"}

    indicators_rebuild(programme_id=programme.pk)

    assert _stored(programme.pk) == expected


def test_a_programme_without_invitations_has_no_rows_and_a_rebuild_clears_old_ones():
    programme = _world(9, people=10)
    indicators_rebuild(programme_id=programme.pk)
    assert SurveyIndicator.objects.filter(programme_id=programme.pk).exists()
    SurveyInvitation.objects.filter(wave__programme=programme).delete()

    assert indicators_rebuild(programme_id=programme.pk) == 0

    assert _indicators_compute_portable(programme_id=programme.pk) == {}
    assert not SurveyIndicator.objects.filter(programme_id=programme.pk).exists()
