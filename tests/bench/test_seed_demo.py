"""Smoke test of the `seed_demo` benchmark (bench/seed_demo.sh) at 10,000 participants, on PostgreSQL.

The same COPY path as the 1,000,000-participant run, small enough for every test run: it fails on
errors and wrong rows, never on time.
"""

from collections import Counter

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db import connection

from cities.models import Programme
from participants.models import Attendance, CountedAttendance, Participant
from progress.services import progress_check
from surveys.links import link_token, token_hash
from surveys.models import SurveyAnswer, SurveyInvitation, SurveyResponse
from tests.counting import first_attendances
from umkm_program.bulk_copy import copy_supported

PEOPLE = 10_000

pytestmark = pytest.mark.django_db


SCHEMA_SQL = """
SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = ANY(%(tables)s::regclass[])
UNION ALL
SELECT tablename, indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%(tables)s)
"""
LOADED = [
    "participants_participant",
    "participants_attendance",
    "participants_countedattendance",
    "surveys_surveyinvitation",
    "surveys_surveyresponse",
    "surveys_surveyanswer",
]


def _schema() -> set[tuple[str, str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(SCHEMA_SQL, {"tables": LOADED})
        return set(cursor.fetchall())


@pytest.fixture
def seeded(capsys):
    assert copy_supported(), "the benchmark's path is PostgreSQL COPY"
    schema_before = _schema()
    assert len(schema_before) > 20
    call_command("seed_demo", "--participants", str(PEOPLE), "--seed", "2018", "--no-logins")
    assert _schema() == schema_before  # every foreign key, unique constraint and index dropped for the load is back
    call_command("rebuild_progress")
    return capsys.readouterr().out


def test_a_seed_at_10k_is_complete_counts_by_the_rule_and_passes_the_nightly_check(seeded):
    # every person, unique phones, each with one or two attendances and a home partner
    assert Participant.objects.count() == PEOPLE
    assert Participant.objects.values("phone").distinct().count() == PEOPLE
    assert Participant.objects.filter(attendances__isnull=True).count() == 0
    assert Participant.objects.filter(home_partner__isnull=True).count() == 0
    assert PEOPLE < Attendance.objects.count() < 2 * PEOPLE
    assert f"Demo data: {PEOPLE:,} participants" in seeded
    assert "participants and attendances" in seeded and "surveys" in seeded  # the phase timings

    # counted attendance as the reference rule gives it, and the nightly check finds nothing to repair
    for programme in Programme.objects.all():
        expected = {pid: a.pk for pid, a in first_attendances(programme).items()}
        stored = dict(CountedAttendance.objects.filter(programme=programme).values_list("participant_id", "attendance_id"))
        assert stored == expected
        assert progress_check(programme_id=programme.pk).differences == 0
    assert CountedAttendance.objects.count() > PEOPLE // 2

    # copied survey invitations carry working links; every response has its answers
    invitation = SurveyInvitation.objects.order_by("pk").first()
    assert invitation.token_hash == token_hash(link_token(invitation.nonce))
    assert SurveyInvitation.objects.values("nonce").distinct().count() == SurveyInvitation.objects.count()
    assert 0 < SurveyResponse.objects.count() < SurveyInvitation.objects.count()
    assert SurveyResponse.objects.filter(answers__isnull=True).count() == 0

    # the answers drawn in SQL have the shape drawn for them (and the draws of one person do not lean on each other)
    feedback = SurveyResponse.objects.filter(invitation__wave__code="feedback")
    invited = SurveyInvitation.objects.filter(wave__code="feedback").count()
    assert abs(feedback.count() / invited - 0.55) < 0.03
    satisfaction = Counter(SurveyAnswer.objects.filter(question__code="satisfaction").values_list("number", flat=True))
    total = sum(satisfaction.values())
    for score, share in {2: 0.03, 3: 0.12, 4: 0.45, 5: 0.40}.items():
        assert abs(satisfaction[score] / total - share) < 0.02, (score, satisfaction)
    follow_up = SurveyInvitation.objects.filter(wave__code="follow-up-90")
    assert abs(follow_up.filter(response__isnull=False).count() / follow_up.count() - 0.42) < 0.03

    # the demo logins work
    for role in ("admin", "coordinator", "trainer", "policy", "ksp"):
        assert authenticate(email=f"{role}@example.org", password="laju-digital-2018") is not None
