"""The survey indicator roll-up (SurveyIndicator): rebuilt from the responses for one programme.

Queued (debounced) after answers change and rebuilt nightly in full (core/periodic.py). Not hooked
to every progress refresh: check-ins rarely move a respondent's
cohort, and a rebuild costs seconds at scale (bench/survey_indicators.py), so the nightly run catches it.
A rebuild replaces the programme's rows in one transaction under the programme's row lock.

On PostgreSQL the rebuild is one INSERT ... SELECT: the database groups the invitations and answers
(GROUPING SETS, one pass per dimension) and nothing is read into Python, so memory stays flat at
millions of answers (the row-by-row version took 4.7 GB at 1,000,000 participants). SQLite keeps
that row-by-row version (`_indicators_compute_portable`), which the SQL is tested against.
"""

import datetime as dt
import zoneinfo
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from participants.counting import counted_attendances_sql

from ..models import QuestionKind, SurveyIndicator, SurveyQuestion

RESPONSES = "responses"
BASELINE_PREFIX = "baseline:"
# Dimensions of the response rate; question figures use the first five.
RATE_DIMENSIONS = ("all", "gender", "scale", "city", "partner", "cohort")
FIGURE_DIMENSIONS = ("all", "gender", "scale", "city", "partner")
REPORT_ZONE = zoneinfo.ZoneInfo("Asia/Jakarta")


def _refresh_key(programme_id: int) -> str:
    return f"surveys:indicators-refresh:{programme_id}"


def indicators_refresh_soon(*, programme_id: int) -> bool:
    """Queue one rebuild of the programme's indicators within the refresh delay, however many answers arrive."""
    delay = settings.PROGRESS_REFRESH_DELAY_SECONDS
    if not cache.add(_refresh_key(programme_id), 1, timeout=max(delay * 10, 60)):
        return False
    from ..tasks import refresh_indicators

    refresh_indicators.apply_async(args=[programme_id], countdown=delay)
    return True


def indicators_refresh(*, programme_id: int) -> int:
    """The queued task's body: drop the debounce key first, so answers from now on queue the next run."""
    from cities.models import Programme

    cache.delete(_refresh_key(programme_id))
    with transaction.atomic():
        if not Programme.objects.select_for_update().filter(pk=programme_id).exists():
            return 0
        return indicators_rebuild(programme_id=programme_id)


def _first_starts(programme_id: int) -> dict:
    """Participant id -> start of the session where they first counted (their cohort)."""
    counted, params = counted_attendances_sql(programme_id=programme_id, columns=["a.participant_id", "s.starts_at"])
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT participant_id, starts_at FROM ({counted}) c", params)  # noqa: S608  fixed SQL fragment from counted_attendances_sql; values are parameters
        return dict(cursor.fetchall())


def _invitation_rows(programme_id: int) -> list[tuple[Any, ...]]:
    sql = """
        SELECT i.id, i.wave_id, p.gender, COALESCE(NULLIF(p.scale, ''), 'unknown'), p.city_id,
               COALESCE(s.partner_id, p.home_partner_id), i.participant_id,
               r.id IS NOT NULL, p.baseline_social_media
        FROM surveys_surveyinvitation i
        JOIN surveys_surveywave w ON w.id = i.wave_id
        JOIN participants_participant p ON p.id = i.participant_id
        LEFT JOIN sessions_app_trainingsession s ON s.id = i.session_id
        LEFT JOIN surveys_surveyresponse r ON r.invitation_id = i.id
        WHERE w.programme_id = %s AND p.is_test = FALSE
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [programme_id])
        rows: list[tuple[Any, ...]] = cursor.fetchall()
        return rows


def _answer_rows(programme_id: int) -> list[tuple[Any, ...]]:
    sql = """
        SELECT r.invitation_id, q.code, q.kind, a.number, a.choice
        FROM surveys_surveyanswer a
        JOIN surveys_surveyresponse r ON r.id = a.response_id
        JOIN surveys_surveyquestion q ON q.id = a.question_id
        JOIN surveys_surveywave w ON w.id = q.wave_id
        WHERE w.programme_id = %s AND q.kind <> %s
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [programme_id, QuestionKind.TEXT])
        rows: list[tuple[Any, ...]] = cursor.fetchall()
        return rows


def _cohort(first_start: dt.datetime | str | None) -> str:
    """Month of the first counted attendance, in WIB (the zone the monitoring pages report in)."""
    if first_start is None:
        return "unknown"
    if isinstance(first_start, str):  # SQLite hands raw SQL datetimes back as text
        first_start = dt.datetime.fromisoformat(first_start)
    if timezone.is_naive(first_start):
        first_start = first_start.replace(tzinfo=dt.UTC)
    return f"{first_start.astimezone(REPORT_ZONE):%Y-%m}"


def _indicators_compute_portable(*, programme_id: int) -> dict[tuple, list[int]]:
    """`indicators_compute` row by row in Python: SQLite (`make run`, small data) and the reference the SQL is tested against."""
    cells: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    groups, baseline_of = {}, {}
    first_starts = _first_starts(programme_id)
    cohorts: dict = {}
    for inv_id, wave_id, gender, scale, city_id, partner_id, person, responded, baseline in _invitation_rows(programme_id):
        if person not in cohorts:
            cohorts[person] = _cohort(first_starts.get(person))
        cohort = cohorts[person]
        values = {
            "all": "",
            "gender": gender,
            "scale": scale,
            "city": str(city_id),
            "partner": str(partner_id or "unknown"),
            "cohort": cohort,
        }
        groups[inv_id] = (wave_id, values)
        baseline_of[inv_id] = baseline
        for dim in RATE_DIMENSIONS:
            cell = cells[(wave_id, RESPONSES, "", dim, values[dim])]
            cell[0] += 1 if responded else 0
            cell[1] += 1
    baseline_sets = {
        (q.wave_id, q.code): set(q.baseline_values)
        for q in SurveyQuestion.objects.filter(wave__programme_id=programme_id, retired_at__isnull=True).exclude(
            baseline_values=[]
        )
    }
    for inv_id, code, kind, number, choice in _answer_rows(programme_id):
        if inv_id not in groups:  # a test participant's answer
            continue
        wave_id, values = groups[inv_id]
        baseline = baseline_sets.get((wave_id, code))
        for dim in FIGURE_DIMENSIONS:
            value = values[dim]
            if kind == QuestionKind.CHOICE:
                cell = cells[(wave_id, code, choice, dim, value)]
                cell[0] += 1
                # each choice's denominator is everyone who answered the question: kept on the "" row
                cells[(wave_id, code, "", dim, value)][1] += 1
                continue
            cell = cells[(wave_id, code, "", dim, value)]
            cell[0] += number or 0
            cell[1] += 1
            if baseline is not None and baseline_of[inv_id]:
                base = cells[(wave_id, BASELINE_PREFIX + code, "", dim, value)]
                base[0] += 1 if baseline_of[inv_id] in baseline else 0
                base[1] += 1
    for (wave_id, metric, choice, dim, value), cell in list(cells.items()):
        if choice:
            cell[1] = cells[(wave_id, metric, "", dim, value)][1]
    return cells


_CELLS_SQL = """
WITH counted AS ({counted}),
invited AS MATERIALIZED (
    SELECT i.wave_id, r.id AS response_id, p.gender, p.scale, p.city_id,
           COALESCE(s.partner_id, p.home_partner_id) AS partner_id,
           to_char(c.starts_at AT TIME ZONE %(zone)s, 'YYYY-MM') AS cohort,
           p.baseline_social_media AS baseline
    FROM surveys_surveyinvitation i
    JOIN surveys_surveywave w ON w.id = i.wave_id
    JOIN participants_participant p ON p.id = i.participant_id
    LEFT JOIN sessions_app_trainingsession s ON s.id = i.session_id
    LEFT JOIN surveys_surveyresponse r ON r.invitation_id = i.id
    LEFT JOIN counted c ON c.participant_id = i.participant_id
    WHERE w.programme_id = %(programme)s AND p.is_test = FALSE
),
-- The big inputs are read once, into their finest groups (thousands of rows, not millions)...
rates AS (
    SELECT wave_id, gender, scale, city_id, partner_id, cohort, COUNT(*) AS invited, COUNT(response_id) AS responded
    FROM invited
    GROUP BY wave_id, gender, scale, city_id, partner_id, cohort
),
answered AS (
    SELECT v.wave_id, q.code, q.kind, a.choice, v.gender, v.scale, v.city_id, v.partner_id,
           b.id IS NOT NULL AND v.baseline <> '' AS with_baseline, COALESCE(b.baseline_values ? v.baseline, FALSE) AS had_it,
           COUNT(*) AS n, SUM(COALESCE(a.number, 0)) AS total
    FROM surveys_surveyanswer a
    JOIN invited v ON v.response_id = a.response_id
    JOIN surveys_surveyquestion q ON q.id = a.question_id
    JOIN surveys_surveywave qw ON qw.id = q.wave_id
    LEFT JOIN surveys_surveyquestion b ON b.wave_id = v.wave_id AND b.code = q.code
         AND b.retired_at IS NULL AND b.baseline_values <> '[]'::jsonb
    WHERE qw.programme_id = %(programme)s AND q.kind <> %(text)s
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
),
-- ... then spread over the cells they add to: a choice also counts its respondent on the question's ""
-- row; with a baseline question and a baseline on record, the share who had it before ("baseline:").
contributions AS (
    SELECT wave_id, 'responses' AS metric, '' AS choice, responded AS num, invited AS den,
           gender, scale, city_id, partner_id, COALESCE(cohort, 'unknown') AS cohort
    FROM rates
    UNION ALL
    SELECT wave_id, x.metric, x.choice, x.num, x.den, gender, scale, city_id, partner_id, NULL
    FROM answered CROSS JOIN LATERAL (VALUES
        (code::text, CASE WHEN kind = %(choice)s THEN choice ELSE '' END,
         CASE WHEN kind = %(choice)s THEN n ELSE total END, CASE WHEN kind = %(choice)s THEN 0 ELSE n END),
        (CASE WHEN kind = %(choice)s THEN code END, '', 0, n),
        (CASE WHEN kind <> %(choice)s AND with_baseline THEN %(baseline)s || code END, '', CASE WHEN had_it THEN n ELSE 0 END, n)
    ) x(metric, choice, num, den)
    WHERE x.metric IS NOT NULL
),
labelled AS (
    SELECT wave_id, metric, choice, num, den, gender, COALESCE(NULLIF(scale, ''), 'unknown') AS scale,
           COALESCE(city_id::text, 'None') AS city, COALESCE(partner_id::text, 'unknown') AS partner, cohort
    FROM contributions
),
cells AS (
    SELECT wave_id, metric, choice,
           CASE WHEN GROUPING(gender) = 0 THEN 'gender' WHEN GROUPING(scale) = 0 THEN 'scale'
                WHEN GROUPING(city) = 0 THEN 'city' WHEN GROUPING(partner) = 0 THEN 'partner'
                WHEN GROUPING(cohort) = 0 THEN 'cohort' ELSE 'all' END AS dimension,
           CASE WHEN GROUPING(gender) = 0 THEN gender WHEN GROUPING(scale) = 0 THEN scale
                WHEN GROUPING(city) = 0 THEN city WHEN GROUPING(partner) = 0 THEN partner
                WHEN GROUPING(cohort) = 0 THEN cohort ELSE '' END AS value,
           SUM(num) AS numerator, SUM(den) AS denominator
    FROM labelled
    GROUP BY wave_id, metric, choice, GROUPING SETS ((), (gender), (scale), (city), (partner), (cohort))
)
SELECT wave_id, metric, choice, dimension, value, numerator,
       -- each choice's denominator is everyone who answered the question: the "" row's
       CASE WHEN choice = '' THEN denominator
            ELSE MAX(denominator) FILTER (WHERE choice = '') OVER (PARTITION BY wave_id, metric, dimension, value) END
FROM cells
WHERE value IS NOT NULL  -- answers carry no cohort (a rate dimension only): their cohort groups go
"""


# For this transaction: the groups are hashed in memory (with the default 4 MB PostgreSQL sorts millions of
# answers by their text columns instead, 3x slower), and no JIT (compiling this query cost 1-3 s, more
# than it saves: the time goes to hashing, not to evaluating expressions).
_CELLS_SETTINGS = "SET LOCAL work_mem = '64MB'; SET LOCAL jit = off"
_INDICATOR_COLUMNS = "programme_id, wave_id, metric, choice, dimension, value, numerator, denominator, computed_at"


def _cells_sql(programme_id: int) -> tuple[str, dict[str, Any]]:
    """(sql, params) of the programme's cells, one row each: (wave id, metric, choice, dimension, value, num, den).

    The same cells as `_indicators_compute_portable`, computed by PostgreSQL in one pass per grouping
    (GROUPING SETS) so memory stays flat however many answers there are.
    """
    counted, counted_params = counted_attendances_sql(programme_id=programme_id, columns=["a.participant_id", "s.starts_at"])
    names = [f"counted_{n}" for n in range(len(counted_params))]
    counted = counted % tuple(f"%({name})s" for name in names)
    params: dict[str, Any] = dict(zip(names, counted_params, strict=True))
    params.update(
        programme=programme_id,
        zone=str(REPORT_ZONE),
        choice=QuestionKind.CHOICE.value,
        text=QuestionKind.TEXT.value,
        baseline=BASELINE_PREFIX,
    )
    return _CELLS_SQL.format(counted=counted), params


def indicators_compute(*, programme_id: int) -> dict[tuple, list[int]]:
    """(wave id, metric, choice, dimension, value) -> [numerator, denominator] for the programme."""
    if connection.vendor != "postgresql":
        return _indicators_compute_portable(programme_id=programme_id)
    sql, params = _cells_sql(programme_id)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_CELLS_SETTINGS)
        cursor.execute(sql, params)
        return {tuple(row[:5]): [row[5], row[6]] for row in cursor.fetchall()}


def indicators_rebuild(*, programme_id: int) -> int:
    """Replace the programme's indicator rows with a fresh computation. Returns how many rows."""
    now = timezone.now()
    if connection.vendor == "postgresql":  # computed and written by the database: nothing read into Python
        sql, params = _cells_sql(programme_id)
        with transaction.atomic(), connection.cursor() as cursor:
            SurveyIndicator.objects.filter(programme_id=programme_id).delete()
            cursor.execute(_CELLS_SETTINGS)
            insert = f"INSERT INTO surveys_surveyindicator ({_INDICATOR_COLUMNS}) SELECT %(programme)s, cells.*, %(now)s FROM ({sql}) cells"  # noqa: S608  fixed SQL; values are parameters
            cursor.execute(insert, {**params, "now": now})
            return int(cursor.rowcount)
    cells = _indicators_compute_portable(programme_id=programme_id)
    rows = [
        SurveyIndicator(
            programme_id=programme_id,
            wave_id=wave_id,
            metric=metric,
            choice=choice,
            dimension=dim,
            value=value,
            numerator=num,
            denominator=den,
            computed_at=now,
        )
        for (wave_id, metric, choice, dim, value), (num, den) in cells.items()
    ]
    with transaction.atomic():
        SurveyIndicator.objects.filter(programme_id=programme_id).delete()
        SurveyIndicator.objects.bulk_create(rows, batch_size=2000)
    return len(rows)
