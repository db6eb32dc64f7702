"""The one definition of who counts as trained, as SQL that roll-ups build on.

A participant counts once, at their first attended session of the programme for
their own audience (a UMKM at a UMKM session, a pemda officer at a pemda session),
ordered by session start then attendance id. Test records never count and
merged-away duplicates are not people. progress and monitoring both select from
this query, so the rule lives here and nowhere else.
"""

from collections.abc import Sequence

from participants.models import AttendanceStatus


def counted_attendances_sql(*, programme_id: int, columns: Sequence[str]) -> tuple[str, list]:
    """(sql, params): one row per counted person, their counting attendance, with `columns`.

    `columns` are expressions over `a` (participants_attendance), `s` (sessions_app_trainingsession)
    and `p` (participants_participant), e.g. "a.session_id" or "p.gender"; the rows carry them
    under their plain names (session_id, gender), plus `rn`. Use it as a subquery or CTE.
    """
    selected = ", ".join(columns)
    sql = f"""
SELECT * FROM (
    SELECT {selected},
           ROW_NUMBER() OVER (PARTITION BY a.participant_id ORDER BY s.starts_at, a.id) AS rn
    FROM participants_attendance a
    JOIN sessions_app_trainingsession s ON s.id = a.session_id
    JOIN participants_participant p ON p.id = a.participant_id
    WHERE s.programme_id = %s
      AND a.status = %s
      AND p.is_test = %s
      AND p.merged_into_id IS NULL
      AND s.audience = p.kind
) ranked WHERE rn = 1
"""
    return sql, [programme_id, AttendanceStatus.ATTENDED, False]
