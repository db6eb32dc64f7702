import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from cities.models import Programme
from participants.models import Attendance, Participant
from sessions_app.models import TrainingSession
from users.models import Role, User

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_seed_demo_creates_data_and_one_login_per_role(capsys):
    call_command("seed_demo", "--participants", "300", "--seed", "7", "--password", "s3cret-demo")

    assert Participant.objects.count() == 300
    assert Attendance.objects.count() >= 300
    assert TrainingSession.objects.filter(lead_trainer__user__email="trainer@example.org").exists()
    for email, role in [
        ("admin@example.org", Role.PROGRAMME_ADMIN),
        ("coordinator@example.org", Role.PARTNER_COORDINATOR),
        ("trainer@example.org", Role.TRAINER),
        ("policy@example.org", Role.POLICY_VIEWER),
        ("ksp@example.org", Role.KSP_MONITOR),
    ]:
        user = User.objects.get(email=email)
        assert user.role == role
        assert user.check_password("s3cret-demo")
        assert user.groups.filter(name=role).exists()
    assert "admin@example.org" in capsys.readouterr().out
    assert all(p.startswith("+628") for p in Participant.objects.values_list("phone", flat=True)[:50])


def _survey_rows() -> list[tuple]:
    """Every invitation with its response and answers, by what they are rather than by their ids (nonces are random)."""
    from surveys.models import SurveyAnswer, SurveyInvitation

    answers: dict[int, list] = {}
    for invitation_id, code, number, choice in SurveyAnswer.objects.values_list(
        "response__invitation_id", "question__code", "number", "choice"
    ):
        answers.setdefault(invitation_id, []).append((code, number, choice))
    return sorted(
        (phone, wave, session_start, send_after, submitted_at, tuple(sorted(answers.get(pk, []))))
        for pk, phone, wave, session_start, send_after, submitted_at in SurveyInvitation.objects.values_list(
            "pk", "participant__phone", "wave__code", "session__starts_at", "send_after", "response__submitted_at"
        )
    )


@pytest.mark.django_db
def test_seed_demo_is_deterministic_for_a_seed():
    call_command("seed_demo", "--participants", "50", "--seed", "3")
    first = list(Participant.objects.order_by("phone").values_list("full_name", "phone", "city__name", "business_name"))
    first_surveys = _survey_rows()
    assert any(answers for *_, answers in first_surveys)
    Attendance.objects.all().delete()
    Participant.objects.all().delete()
    TrainingSession.objects.all().delete()
    from partners.models import Partner, Trainer
    from sessions_app.models import Roadshow

    Roadshow.objects.all().delete()
    Trainer.objects.all().delete()
    User.objects.all().delete()
    Partner.objects.all().delete()
    Programme.objects.exclude(slug="laju-digital-2018").delete()

    call_command("seed_demo", "--participants", "50", "--seed", "3")

    assert list(Participant.objects.order_by("phone").values_list("full_name", "phone", "city__name", "business_name")) == first
    assert _survey_rows() == first_surveys  # the same invitations, answered the same way, though every id moved on


@pytest.mark.django_db
def test_seed_demo_twice_does_not_duplicate():
    call_command("seed_demo", "--participants", "40")
    call_command("seed_demo", "--participants", "40")
    assert Participant.objects.count() == 40


@pytest.mark.parametrize("value", ["0", "-5", "many"])
def test_seed_demo_rejects_a_non_positive_participant_count(value):
    with pytest.raises(CommandError, match="--participants"):
        call_command("seed_demo", "--participants", value)


def test_preflight_names_what_is_missing_in_one_line_each():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "umkm_program.settings.local",
        "DATABASE_URL": "postgres://nobody@127.0.0.1:1/nothing",
        "REDIS_URL": "redis://127.0.0.1:1/0",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "preflight"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )

    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2
    assert "DATABASE_URL" in lines[0]
    assert "REDIS_URL" in lines[1]
    assert "Traceback" not in result.stderr
