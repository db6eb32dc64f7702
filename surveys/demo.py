"""Plausible survey answers for the demo data (core/demo.py), so the results pages show real figures.

Written in bulk, without outbox messages (nobody is really asked): invitations as the services would
create them, about half answered, answers drawn around the programme's reported outcomes
(Go Digital ASEAN: 77% online after five months), moved by each person's baseline.

On PostgreSQL the database draws them (`_draw_in_sql`): one INSERT ... SELECT per wave and table, the
link's HMAC computed in SQL, each random number a hash of the seed and the invitation's place in its
wave, so a seed gives the same answers whatever order rows are read in, with no row passing through
Python (2.7 million invitations and 6.4 million answers at 1,000,000 participants). SQLite
(`make run`) draws them in Python with `random.Random(seed)` and writes them with bulk_create:
the same shape of data, not the same draws.
"""

import datetime as dt
import itertools
import random
import zlib
from collections.abc import Iterator, Sequence

from django.db import connection

from cities.models import Programme
from participants.counting import counted_attendances_sql
from participants.models import CountedAttendance
from umkm_program.bulk_copy import checks_after_load, copy_supported, insert_from_select

from .links import link_token, new_nonces, token_hash, token_hash_sql
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
    """Invitations and answers for every closed session and every due follow-up. Returns responses written.

    On PostgreSQL the follow-ups go to the programme's counted UMKM as CountedAttendance holds them:
    fill it first (demo_seed does, and its test checks it against the rule).
    """
    rng = random.Random(seed)  # noqa: S311  seeded demo data, reproducible on purpose
    for other in Programme.objects.all():  # every programme has its surveys, so trainers can enter paper forms
        surveys_seed_defaults(programme_id=other.pk)
    written = 0
    with checks_after_load(SurveyInvitation, SurveyResponse, SurveyAnswer):
        for wave in SurveyWave.objects.filter(programme=programme, is_active=True).order_by("position", "pk"):
            questions = {q.code: q.pk for q in SurveyQuestion.objects.filter(wave=wave, retired_at__isnull=True)}
            if copy_supported():
                written += _draw_in_sql(programme, wave, questions, now=now, seed=seed)
                continue
            rows = _feedback_rows(programme) if wave.kind == WaveKind.FEEDBACK else _follow_up_rows(programme, wave, now)
            written += _write_with_orm(wave, _chunks(rng, wave, questions, rows))
    if copy_supported():  # the indicators' rebuild below is planned with real statistics
        with connection.cursor() as cursor:
            for model in (SurveyWave, SurveyQuestion, SurveyInvitation, SurveyResponse, SurveyAnswer):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
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


def _write_with_orm(wave, chunks: Iterator[list[Drawn]]) -> int:
    """SQLite (`make run`): the drawn rows through bulk_create."""
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
    """The rows of a query (SQLite: small data, and no reading while writing on one connection)."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        yield from cursor.fetchall()


# --- PostgreSQL: drawn by the database ----------------------------------------------------------------

_ANSWER_SHARE = {WaveKind.FEEDBACK: 0.55, WaveKind.FOLLOW_UP: 0.42}
_MASK = 2**53 - 1  # the hash's low 53 bits: a double holds them exactly


def _draw(n: int, row: str = "d") -> str:
    """SQL: the n-th uniform number in [0, 1) of the row whose key is `<row>.key` (see `_KEY`).

    A hash, not random(): the same for a seed whatever order PostgreSQL reads the rows in, and cheap.
    Each draw hashes the row's key again with its own number as the hash's seed: hashing key + n
    instead gave draws that depend on each other (a 4 among those who answered came up 30% too often).
    """
    return f"((hashint8extended({row}.key, {64 + n}) & {_MASK})::float8 / {_MASK + 1}.0)"


def _literal(value: int | float | str) -> str:
    return f"'{value}'" if isinstance(value, str) else repr(value)


def _pick(draw: str, values: Sequence[int | str], weights: Sequence[int]) -> str:
    """SQL: one of `values` with these weights (random.choices with one draw)."""
    total = sum(weights)
    whens = " ".join(
        f"WHEN {draw} < {bound / total!r} THEN {_literal(value)}"
        for value, bound in zip(values[:-1], itertools.accumulate(weights), strict=False)
    )
    return f"(CASE {whens} ELSE {_literal(values[-1])} END)"


_ANSWER_DRAWS = range(2, 8)  # d.u2 ... d.u7: each answer's own draw (0 and 1 are the response's)


def _feedback_sql() -> dict[str, tuple[str, str]]:
    """question code -> (number, choice) as SQL over the drawn row `d` (draws d.u2...): as _feedback_answers."""
    satisfaction = _pick("d.u2", [2, 3, 4, 5], [3, 12, 45, 40])
    before = _pick("d.u4", [1, 2, 3, 4], [25, 40, 25, 10])
    return {
        "satisfaction": (satisfaction, "''"),
        "usefulness": (f"GREATEST(1, LEAST(5, {satisfaction} + {_pick('d.u3', [-1, 0, 1], [1, 2, 1])}))", "''"),
        "skill_before": (before, "''"),
        "skill_after": (f"LEAST(5, {before} + {_pick('d.u5', [0, 1, 2], [20, 55, 25])})", "''"),
    }


def _follow_up_sql(days: int) -> dict[str, tuple[str, str]]:
    """question code -> (number, choice) as SQL over the drawn row `d` (draws d.u2..., the baseline): as _follow_up_answers."""
    later = days >= 90
    page = f"CASE WHEN d.baseline IN ('business_page', 'sells_online') THEN 0.92 ELSE {0.62 if later else 0.5} END"
    online = f"CASE WHEN d.baseline = 'sells_online' THEN 0.9 ELSE {0.55 if later else 0.42} END"
    sales = _pick("d.u6", ["up", "same", "down", "unsure"], [45 if later else 35, 40, 8, 7])
    return {
        "facebook_page": (f"(d.u2 < {page})::int", "''"),
        "instagram_business": (f"(d.u3 < {0.45 if later else 0.35})::int", "''"),
        "whatsapp_business": (f"(d.u4 < {0.7 if later else 0.6})::int", "''"),
        "sells_online": (f"(d.u5 < {online})::int", "''"),
        "sales_change": ("NULL", sales),
        "recommend": (_pick("d.u7", [3, 4, 5], [10, 40, 50]), "''"),
    }


_FEEDBACK_SOURCE = """
    SELECT a.participant_id, a.session_id, s.attendance_closed_at AS send_after
    FROM participants_attendance a
    JOIN sessions_app_trainingsession s ON s.id = a.session_id
    JOIN participants_participant p ON p.id = a.participant_id
    WHERE s.programme_id = %(programme)s AND a.status = 'attended' AND s.attendance_closed_at IS NOT NULL
      AND p.is_test = FALSE AND p.consent_at IS NOT NULL
    ORDER BY a.id
"""
# The programme's counted UMKM (the counting rule, as CountedAttendance keeps it), due by now.
_FOLLOW_UP_SOURCE = f"""
    SELECT participant_id, NULL::bigint AS session_id, starts_at + %(after)s AS send_after
    FROM {CountedAttendance._meta.db_table}
    WHERE programme_id = %(programme)s AND audience = 'umkm' AND starts_at + %(after)s <= %(now)s
    ORDER BY participant_id
"""  # noqa: S608  fixed SQL made here; values are parameters


def _draw_in_sql(programme, wave, questions: dict[str, int], *, now: dt.datetime, seed: int) -> int:
    """PostgreSQL: the wave's invitations, responses and answers, each table one INSERT ... SELECT. Returns responses."""
    hashed, pads = token_hash_sql("src.nonce")
    follow_up = wave.kind != WaveKind.FEEDBACK
    params = {
        "programme": programme.pk,
        "wave": wave.pk,
        "now": now,
        "after": dt.timedelta(days=wave.days_after),
        "open_for": dt.timedelta(days=wave.open_days),
        "editable_for": _EDITABLE_FOR,
        "share": _ANSWER_SHARE[WaveKind(wave.kind)],
        "seed": seed % 2**63,
        **pads,
    }
    # The nonce, as secret as new_nonces' (gen_random_uuid: 122 random bits), is drawn once per row under
    # the OFFSET 0 fence, then hashed; rows go in the source's order, so ids follow it.
    insert_from_select(
        SurveyInvitation,
        ("wave_id", "participant_id", "session_id", "nonce", "token_hash", "send_after", "closes_at"),
        f"""SELECT %(wave)s, src.participant_id, src.session_id, src.nonce, {hashed}, src.send_after,
                   src.send_after + %(open_for)s
            FROM (SELECT picked.*, replace(gen_random_uuid()::text, '-', '') AS nonce
                  FROM ({_FOLLOW_UP_SOURCE if follow_up else _FEEDBACK_SOURCE}) picked OFFSET 0) src""",  # noqa: S608  fixed SQL made here; values are parameters
        params,
    )
    # Each row's draws are keyed by the wave and the invitation's place in it (not by its id, which
    # depends on what the sequence handed out before): the same seed draws the same answers.
    with connection.cursor() as cursor:
        cursor.execute("SELECT MIN(id) FROM surveys_surveyinvitation WHERE wave_id = %s", [wave.pk])
        params["first"] = cursor.fetchone()[0] or 0
    params["wave_key"] = (zlib.crc32(wave.code.encode()) & 0xFFFFF) << 32
    # the row's key: its place in the wave, hashed under the seed (consecutive places, scattered keys)
    key = "hashint8extended(%(wave_key)s::bigint + i.id - %(first)s, %(seed)s::bigint)"
    written = insert_from_select(
        SurveyResponse,
        ("invitation_id", "submitted_at", "updated_at"),
        f"""SELECT d.id, d.send_after + (1 + floor({_draw(1)} * 95)::int) * interval '1 hour', d.send_after + %(editable_for)s
            FROM (SELECT i.id, i.send_after, {key} AS key FROM surveys_surveyinvitation i WHERE i.wave_id = %(wave)s) d
            WHERE {_draw(0)} < %(share)s
            ORDER BY d.id""",  # noqa: S608  fixed SQL made here; values are parameters
        params,
    )
    drawn = _follow_up_sql(wave.days_after) if follow_up else _feedback_sql()
    values = []
    for code, (number, choice) in drawn.items():
        if code in questions:
            params[f"question_{code}"] = questions[code]
            values.append(f"(%(question_{code})s::bigint, ({number})::int, ({choice})::text)")
    if not values:
        return written
    person = "JOIN participants_participant p ON p.id = i.participant_id" if follow_up else ""
    baseline = "p.baseline_social_media" if follow_up else "''"
    insert_from_select(
        SurveyAnswer,
        ("response_id", "question_id", "number", "choice"),
        # each draw once per response (the fence keeps PostgreSQL from copying it into every answer row)
        f"""SELECT d.response_id, x.question_id, x.number, x.choice
            FROM (SELECT k.response_id, k.baseline, {", ".join(f"{_draw(n, 'k')} AS u{n}" for n in _ANSWER_DRAWS)}
                  FROM (SELECT r.id AS response_id, {key} AS key, {baseline} AS baseline
                        FROM surveys_surveyresponse r
                        JOIN surveys_surveyinvitation i ON i.id = r.invitation_id
                        {person}
                        WHERE i.wave_id = %(wave)s
                        ORDER BY r.id OFFSET 0) k
                  OFFSET 0) d
            CROSS JOIN LATERAL (VALUES {", ".join(values)}) x(question_id, number, choice)""",  # noqa: S608  fixed SQL made here; values are parameters
        params,
    )
    return written
