"""Plausible survey answers for the demo data (core/demo.py), so the results pages show real figures.

Written in bulk, without outbox messages (nobody is really asked): invitations as the services would
create them, about half answered, answers drawn around the programme's reported outcomes
(Go Digital ASEAN: 77% online after five months), moved by each person's baseline.
"""

import datetime as dt
import random
from collections.abc import Iterator

from django.db import connection

from cities.models import Programme
from participants.counting import counted_attendances_sql
from umkm_program.bulk_copy import checks_after_load, copy_rows, copy_supported, ids_reserve

from .links import link_token, link_tokens, new_nonces, token_hash
from .models import SurveyAnswer, SurveyInvitation, SurveyQuestion, SurveyResponse, SurveyWave, WaveKind
from .seed import surveys_seed_defaults
from .services.indicators import indicators_rebuild

BATCH = 5_000
_EDITABLE_FOR = dt.timedelta(hours=96)  # the demo answers were last changed four days after the link went out


def _feedback_answers(rng, questions):
    satisfaction = rng.choices([2, 3, 4, 5], weights=[3, 12, 45, 40])[0]
    before = rng.choices([1, 2, 3, 4], weights=[25, 40, 25, 10])[0]
    values = {
        "satisfaction": satisfaction,
        "usefulness": max(1, min(5, satisfaction + rng.choice([-1, 0, 0, 1]))),
        "skill_before": before,
        "skill_after": min(5, before + rng.choices([0, 1, 2], weights=[20, 55, 25])[0]),
    }
    return [(questions[code], value, "") for code, value in values.items() if code in questions]


def _follow_up_answers(rng, questions, baseline, days):
    later = days >= 90
    had_page = baseline in ("business_page", "sells_online")
    yes = {
        "facebook_page": 0.92 if had_page else (0.62 if later else 0.5),
        "instagram_business": 0.45 if later else 0.35,
        "whatsapp_business": 0.7 if later else 0.6,
        "sells_online": 0.9 if baseline == "sells_online" else (0.55 if later else 0.42),
    }
    answers = [(questions[code], int(rng.random() < p), "") for code, p in yes.items() if code in questions]
    if "sales_change" in questions:
        choice = rng.choices(["up", "same", "down", "unsure"], weights=[45 if later else 35, 40, 8, 7])[0]
        answers.append((questions["sales_change"], None, choice))
    if "recommend" in questions:
        answers.append((questions["recommend"], rng.choices([3, 4, 5], weights=[10, 40, 50])[0], ""))
    return answers


def survey_demo_seed(*, programme, now: dt.datetime, seed: int = 2018) -> int:
    """Invitations and answers for every closed session and every due follow-up. Returns responses written."""
    rng = random.Random(seed)  # noqa: S311  seeded demo data, reproducible on purpose
    for other in Programme.objects.all():  # every programme has its surveys, so trainers can enter paper forms
        surveys_seed_defaults(programme_id=other.pk)
    write = _write_with_copy if copy_supported() else _write_with_orm
    written = 0
    with checks_after_load(SurveyInvitation, SurveyResponse, SurveyAnswer):
        for wave in SurveyWave.objects.filter(programme=programme, is_active=True).order_by("position", "pk"):
            questions = {q.code: q.pk for q in SurveyQuestion.objects.filter(wave=wave, retired_at__isnull=True)}
            rows = _feedback_rows(programme) if wave.kind == WaveKind.FEEDBACK else _follow_up_rows(programme, wave, now)
            written += write(wave, _chunks(rng, wave, questions, rows))
    indicators_rebuild(programme_id=programme.pk)
    return written


# (participant id, session id or None, send_after, answered: (submitted_at, [(question id, number, choice)]) or None)
Drawn = tuple[int, int | None, dt.datetime, tuple[dt.datetime, list[tuple[int, int | None, str]]] | None]


def _chunks(rng, wave, questions, rows) -> Iterator[list[Drawn]]:
    """The invitations of a wave, BATCH at a time, each with its drawn response (about half answer)."""
    answer_share = 0.55 if wave.kind == WaveKind.FEEDBACK else 0.42
    chunk: list[Drawn] = []
    for participant_id, session_id, send_after, baseline in rows:
        answered = None
        if rng.random() < answer_share:
            submitted_at = send_after + dt.timedelta(hours=rng.randrange(1, 96))
            drawn = (
                _feedback_answers(rng, questions)
                if wave.kind == WaveKind.FEEDBACK
                else _follow_up_answers(rng, questions, baseline, wave.days_after)
            )
            answered = (submitted_at, drawn)
        chunk.append((participant_id, session_id, send_after, answered))
        if len(chunk) == BATCH:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _write_with_copy(wave, chunks: Iterator[list[Drawn]]) -> int:
    """PostgreSQL: ids from the sequences first, then COPY; no model code runs."""
    token = link_tokens()
    open_for = dt.timedelta(days=wave.open_days)
    written = 0
    for chunk in chunks:
        invitation_ids = ids_reserve(SurveyInvitation, len(chunk))
        nonces = new_nonces(len(chunk))
        copy_rows(
            SurveyInvitation,
            ("id", "wave_id", "participant_id", "session_id", "nonce", "token_hash", "send_after", "closes_at"),
            (
                (pk, wave.pk, participant_id, session_id, nonce, token_hash(token(nonce)), send_after, send_after + open_for)
                for pk, nonce, (participant_id, session_id, send_after, _) in zip(invitation_ids, nonces, chunk, strict=True)
            ),
        )
        answered = [
            (pk, send_after, response)
            for pk, (_, _, send_after, response) in zip(invitation_ids, chunk, strict=True)
            if response is not None
        ]
        response_ids = ids_reserve(SurveyResponse, len(answered))
        copy_rows(
            SurveyResponse,
            ("id", "invitation_id", "submitted_at", "updated_at"),
            (
                (pk, invitation_id, submitted_at, send_after + _EDITABLE_FOR)
                for pk, (invitation_id, send_after, (submitted_at, _)) in zip(response_ids, answered, strict=True)
            ),
        )
        copy_rows(
            SurveyAnswer,
            ("response_id", "question_id", "number", "choice"),
            (
                (response_id, question_id, number, choice)
                for response_id, (_, _, (_, drawn)) in zip(response_ids, answered, strict=True)
                for question_id, number, choice in drawn
            ),
        )
        written += len(answered)
    return written


def _write_with_orm(wave, chunks: Iterator[list[Drawn]]) -> int:
    """SQLite (`make run`): the same rows through bulk_create."""
    open_for = dt.timedelta(days=wave.open_days)
    written = 0
    for chunk in chunks:
        nonces = new_nonces(len(chunk))
        invitations = SurveyInvitation.objects.bulk_create(
            [
                SurveyInvitation(
                    wave=wave,
                    participant_id=participant_id,
                    session_id=session_id,
                    nonce=nonce,
                    token_hash=token_hash(link_token(nonce)),
                    send_after=send_after,
                    closes_at=send_after + open_for,
                )
                for nonce, (participant_id, session_id, send_after, _) in zip(nonces, chunk, strict=True)
            ]
        )
        answered = [(inv, drawn[3]) for inv, drawn in zip(invitations, chunk, strict=True) if drawn[3] is not None]
        responses = SurveyResponse.objects.bulk_create(
            [
                SurveyResponse(invitation=inv, submitted_at=submitted_at, updated_at=inv.send_after + _EDITABLE_FOR)
                for inv, (submitted_at, _) in answered
            ]
        )
        SurveyAnswer.objects.bulk_create(
            [
                SurveyAnswer(response=response, question_id=question_id, number=number, choice=choice)
                for response, (_, (_, drawn)) in zip(responses, answered, strict=True)
                for question_id, number, choice in drawn
            ],
            batch_size=BATCH,
        )
        written += len(responses)
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
    for pid, sid, closed, baseline in _streamed(sql, [programme.pk]):
        yield (pid, sid, _aware(closed), baseline)


def _follow_up_rows(programme, wave, now):
    counted, params = counted_attendances_sql(
        programme_id=programme.pk, columns=["a.participant_id", "s.starts_at", "p.kind", "p.baseline_social_media"]
    )
    sql = f"SELECT participant_id, starts_at, baseline_social_media FROM ({counted}) c WHERE c.kind = 'umkm' ORDER BY 1"  # noqa: S608  fixed SQL fragment from counted_attendances_sql; values are parameters
    for participant_id, starts_at, baseline in _streamed(sql, params):
        send_after = _aware(starts_at) + dt.timedelta(days=wave.days_after)
        if send_after <= now:
            yield (participant_id, None, send_after, baseline)


def _streamed(sql: str, params: list) -> Iterator[tuple]:
    """The rows of a query, BATCH at a time from a server-side cursor on PostgreSQL (memory stays flat)."""
    if not copy_supported():  # SQLite: small data, and no reading while writing on one connection
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            yield from cursor.fetchall()
        return
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(BATCH):
            yield from batch
