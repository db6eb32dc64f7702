"""Plausible survey answers for the demo data (core/demo.py), so the results pages show real figures.

Written in bulk, without outbox messages (nobody is really asked): invitations as the services would
create them, about half answered, answers drawn around the programme's reported outcomes
(Go Digital ASEAN: 77% online after five months), moved by each person's baseline.
"""

import datetime as dt
import random

from django.db import connection

from cities.models import Programme
from participants.counting import counted_attendances_sql

from .links import link_token, new_nonce, token_hash
from .models import SurveyAnswer, SurveyInvitation, SurveyQuestion, SurveyResponse, SurveyWave, WaveKind
from .seed import surveys_seed_defaults
from .services.indicators import indicators_rebuild

BATCH = 5_000


def _invitation(wave, participant_id, session_id, send_after) -> SurveyInvitation:
    nonce = new_nonce()
    return SurveyInvitation(
        wave=wave,
        participant_id=participant_id,
        session_id=session_id,
        nonce=nonce,
        token_hash=token_hash(link_token(nonce)),
        send_after=send_after,
        closes_at=send_after + dt.timedelta(days=wave.open_days),
    )


def _feedback_answers(rng, questions):
    satisfaction = rng.choices([2, 3, 4, 5], weights=[3, 12, 45, 40])[0]
    before = rng.choices([1, 2, 3, 4], weights=[25, 40, 25, 10])[0]
    values = {
        "satisfaction": satisfaction,
        "usefulness": max(1, min(5, satisfaction + rng.choice([-1, 0, 0, 1]))),
        "skill_before": before,
        "skill_after": min(5, before + rng.choices([0, 1, 2], weights=[20, 55, 25])[0]),
    }
    return [SurveyAnswer(question=questions[code], number=value) for code, value in values.items() if code in questions]


def _follow_up_answers(rng, questions, baseline, days):
    later = days >= 90
    had_page = baseline in ("business_page", "sells_online")
    yes = {
        "facebook_page": 0.92 if had_page else (0.62 if later else 0.5),
        "instagram_business": 0.45 if later else 0.35,
        "whatsapp_business": 0.7 if later else 0.6,
        "sells_online": 0.9 if baseline == "sells_online" else (0.55 if later else 0.42),
    }
    answers = [
        SurveyAnswer(question=questions[code], number=int(rng.random() < p)) for code, p in yes.items() if code in questions
    ]
    if "sales_change" in questions:
        choice = rng.choices(["up", "same", "down", "unsure"], weights=[45 if later else 35, 40, 8, 7])[0]
        answers.append(SurveyAnswer(question=questions["sales_change"], choice=choice))
    if "recommend" in questions:
        answers.append(SurveyAnswer(question=questions["recommend"], number=rng.choices([3, 4, 5], weights=[10, 40, 50])[0]))
    return answers


def survey_demo_seed(*, programme, now: dt.datetime, seed: int = 2018) -> int:
    """Invitations and answers for every closed session and every due follow-up. Returns responses written."""
    rng = random.Random(seed)  # noqa: S311  seeded demo data, reproducible on purpose
    for other in Programme.objects.all():  # every programme has its surveys, so trainers can enter paper forms
        surveys_seed_defaults(programme_id=other.pk)
    written = 0
    for wave in SurveyWave.objects.filter(programme=programme, is_active=True):
        questions = {q.code: q for q in SurveyQuestion.objects.filter(wave=wave, retired_at__isnull=True)}
        rows = _feedback_rows(programme) if wave.kind == WaveKind.FEEDBACK else _follow_up_rows(programme, wave, now)
        for start in range(0, len(rows), BATCH):
            chunk = rows[start : start + BATCH]
            invitations = SurveyInvitation.objects.bulk_create(
                [_invitation(wave, pid, sid, when) for pid, sid, when, _baseline in chunk], batch_size=BATCH
            )
            answered = [
                (inv, baseline)
                for inv, (_pid, _sid, _when, baseline) in zip(invitations, chunk, strict=True)
                if rng.random() < (0.55 if wave.kind == WaveKind.FEEDBACK else 0.42)
            ]
            responses = SurveyResponse.objects.bulk_create(
                [
                    SurveyResponse(
                        invitation=inv,
                        submitted_at=inv.send_after + dt.timedelta(hours=rng.randrange(1, 96)),
                        updated_at=inv.send_after + dt.timedelta(hours=96),
                    )
                    for inv, _baseline in answered
                ],
                batch_size=BATCH,
            )
            answers = []
            for response, (_inv, baseline) in zip(responses, answered, strict=True):
                drawn = (
                    _feedback_answers(rng, questions)
                    if wave.kind == WaveKind.FEEDBACK
                    else _follow_up_answers(rng, questions, baseline, wave.days_after)
                )
                for answer in drawn:
                    answer.response = response
                answers += drawn
            SurveyAnswer.objects.bulk_create(answers, batch_size=BATCH)
            written += len(responses)
    indicators_rebuild(programme_id=programme.pk)
    return written


def _aware(value) -> dt.datetime:
    """Raw SQL hands SQLite datetimes back as naive UTC (or text); PostgreSQL's are aware already."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _feedback_rows(programme):
    sql = """
        SELECT a.participant_id, a.session_id, s.attendance_closed_at, p.baseline_social_media
        FROM participants_attendance a
        JOIN sessions_app_trainingsession s ON s.id = a.session_id
        JOIN participants_participant p ON p.id = a.participant_id
        WHERE s.programme_id = %s AND a.status = 'attended' AND s.attendance_closed_at IS NOT NULL
          AND p.is_test = FALSE AND p.consent_at IS NOT NULL
        ORDER BY a.id
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [programme.pk])
        return [(pid, sid, _aware(closed), baseline) for pid, sid, closed, baseline in cursor.fetchall()]


def _follow_up_rows(programme, wave, now):
    counted, params = counted_attendances_sql(
        programme_id=programme.pk, columns=["a.participant_id", "s.starts_at", "p.kind", "p.baseline_social_media"]
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT participant_id, starts_at, baseline_social_media FROM ({counted}) c WHERE c.kind = 'umkm' ORDER BY 1",  # noqa: S608  fixed SQL fragment from counted_attendances_sql; values are parameters
            params,
        )
        rows = []
        for participant_id, starts_at, baseline in cursor.fetchall():
            send_after = _aware(starts_at) + dt.timedelta(days=wave.days_after)
            if send_after <= now:
                rows.append((participant_id, None, send_after, baseline))
        return rows
