"""Paper lists back as CSV or XLSX: parse, preview each row with its reason, import in one transaction.

Built for 100,000 rows against 1,000,000 known people in bounded memory: the file is read as a
stream and handled CHUNK_ROWS rows at a time, each chunk matched with set-based queries (phones,
NIBs, similar names) and, when importing, written with bulk inserts. The rows are stored once as
JSON text and read back from PostgreSQL a chunk at a time. The whole import is one transaction, so
a failed job leaves nothing half-written. Progress of a running import lives in the cache (the
database cannot show the rows before the commit); the outcome is stored on the ParticipantImport.
"""

import json
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import IO, Any

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditAction
from audit.services import audit_record
from sessions_app.models import TrainingSession
from umkm_program.bulk_copy import copy_rows, copy_supported, ids_reserve
from users.models import User
from users.scoping import participants_for, sessions_for

from ..counting import Slice, counted_attendance_fill_new, counted_attendance_sync, session_slices, slices_announce
from ..models import (
    Attendance,
    AttendanceStatus,
    DuplicateCandidate,
    Gender,
    ImportStatus,
    Participant,
    ParticipantImport,
    RegistrationSource,
)
from ..phones import phone_normalise
from ..validators import nib_is_valid
from .import_files import import_file_iter_rows
from .matching import Match, NameIndex, Person, participants_find_matches_many, participants_with_phones
from .registration import _kind_for

CHUNK_ROWS = 2_000
# A file this small keeps every row's fate in its preview; a larger one keeps the counts and the first problems.
PREVIEW_ALL_ROWS = 1_000
PREVIEW_PROBLEMS_KEPT = 1_000

COLUMNS = {
    # accepted header (lower-case, Indonesian or English) -> field
    "session": "session",
    "sesi": "session",
    "session_id": "session",
    "name": "full_name",
    "full_name": "full_name",
    "nama": "full_name",
    "phone": "phone",
    "telepon": "phone",
    "hp": "phone",
    "no_hp": "phone",
    "gender": "gender",
    "jenis_kelamin": "gender",
    "business_name": "business_name",
    "business": "business_name",
    "usaha": "business_name",
    "nama_usaha": "business_name",
    "agency": "agency",
    "instansi": "agency",
    "nib": "nib",
    "email": "email",
    "e-mail": "email",
    "status": "status",
}
_GENDERS = {
    "f": Gender.FEMALE,
    "female": Gender.FEMALE,
    "p": Gender.FEMALE,
    "perempuan": Gender.FEMALE,
    "wanita": Gender.FEMALE,
    "m": Gender.MALE,
    "male": Gender.MALE,
    "l": Gender.MALE,
    "laki-laki": Gender.MALE,
    "pria": Gender.MALE,
}
_STATUSES = {
    "": AttendanceStatus.ATTENDED,
    "attended": AttendanceStatus.ATTENDED,
    "hadir": AttendanceStatus.ATTENDED,
    "registered": AttendanceStatus.REGISTERED,
    "terdaftar": AttendanceStatus.REGISTERED,
}


def _progress_key(import_id: int) -> str:
    return f"participant-import:{import_id}:done"


def import_progress(*, participant_import: ParticipantImport) -> int:
    """Rows processed so far (all of them once the import is done)."""
    if participant_import.status == ImportStatus.DONE:
        return participant_import.total_rows
    return int(cache.get(_progress_key(participant_import.pk)) or 0)


def import_file_read(*, name: str, content: bytes | IO[bytes]) -> list[dict[str, str]]:
    """The file's rows as dicts keyed by field; ValidationError with a clear reason otherwise."""
    return list(import_file_iter(name=name, content=content))


def import_file_iter(*, name: str, content: bytes | IO[bytes]) -> Iterator[dict[str, str]]:
    """import_file_read one row at a time. `content` may be the upload itself: it is streamed within
    the bounds import_files.py sets."""
    raw_rows = import_file_iter_rows(name=name, content=content)
    header_row = next(raw_rows, None)
    if header_row is None:
        raise ValidationError(_("The file is empty."))
    header = [COLUMNS.get(h.strip().lower().replace(" ", "_"), "") for h in header_row]
    missing = {"session", "full_name", "phone"} - set(header)
    if missing:
        raise ValidationError(
            _("The first row must name the columns; missing: %(columns)s.") % {"columns": ", ".join(sorted(missing))}
        )
    for row in raw_rows:
        yield {field: str(value).strip() for field, value in zip(header, row, strict=False) if field}


def _chunks(rows: Iterable[dict[str, str]]) -> Iterator[list[dict[str, str]]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, CHUNK_ROWS)):
        yield chunk


def _row_check(row: dict[str, str], sessions: dict[str, TrainingSession]) -> dict[str, Any]:
    """One row's fate: create, match or error, with the reason."""
    errors = []
    session = sessions.get(row.get("session", "").strip())
    if session is None:
        errors.append(_("unknown session “%(session)s”") % {"session": row.get("session", "")})
    if not row.get("full_name"):
        errors.append(_("name is missing"))
    phone = ""
    try:
        phone = phone_normalise(row.get("phone", ""))
        if not phone:
            errors.append(_("phone is missing"))
    except ValidationError:
        errors.append(_("“%(phone)s” is not a valid phone number") % {"phone": row.get("phone", "")})
    if row.get("email"):
        try:
            validate_email(row["email"])
            if len(row["email"]) > 254:  # the column's length: checked here, as bulk inserts skip full_clean
                raise ValidationError("too long")
        except ValidationError:
            errors.append(_("“%(email)s” is not an e-mail address") % {"email": row["email"]})
    nib = row.get("nib", "")
    if not nib_is_valid(nib):
        errors.append(_("NIB must be 13 digits"))
    gender = _GENDERS.get(row.get("gender", "").lower(), Gender.UNSPECIFIED if not row.get("gender") else None)
    if gender is None:
        errors.append(_("unknown gender “%(gender)s”") % {"gender": row.get("gender")})
    status = _STATUSES.get(row.get("status", "").lower())
    if status is None:
        errors.append(_("unknown status “%(status)s”") % {"status": row.get("status")})
    return {
        "errors": errors,
        "session": session,
        "data": {
            "full_name": row.get("full_name", "")[:150],
            "phone": phone,
            "gender": gender,
            "business_name": row.get("business_name", "")[:200],
            "agency": row.get("agency", "")[:200],
            "nib": nib,
            "email": row.get("email", ""),
        },
        "status": status,
    }


def _existing_by_phone(phones: set[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for pk, phone in participants_with_phones(phones=phones):
        found.setdefault(phone, pk)  # the oldest record wins
    return found


def _phones_outside_scope(existing: dict[str, int], user: User | None) -> set[str]:
    """The phones in `existing` that belong to people the user may not see (users/scoping.py decides).

    An import never attaches a row to such a person: the row makes a new record that goes to the
    merge queue, so that uploading a phone number can neither reveal nor claim someone.
    """
    if user is None or not existing:
        return set()
    visible = set(participants_for(user).filter(pk__in=existing.values()).values_list("pk", flat=True))
    return {phone for phone, pk in existing.items() if pk not in visible}


def _outside_scope_reason() -> str:
    return _("matches a person registered by another partner; an admin will review")


def _duplicate_reason(match: Match, visible: set[int]) -> str:
    who = match.participant.full_name if match.participant.pk in visible else _("a participant you cannot see")
    why = _("same NIB") if match.reason == "nib" else _("similar name and business")
    return _("new participant, possible duplicate of %(who)s (%(why)s): it will go to the merge queue") % {
        "who": who,
        "why": why,
    }


def _sessions_named_in(*, ids: set[str], user: User) -> dict[str, TrainingSession]:
    """The sessions named in the file that this user may import into, by the id written in the file."""
    ids = {i for i in ids if i.isascii() and i.isdigit() and len(i) < 18}  # "²".isdigit() is True
    if not ids:
        return {}
    qs = sessions_for(user).filter(pk__in=ids).only("pk", "city_id", "partner_id", "programme_id", "starts_at", "audience")
    return {str(s.pk): s for s in qs}


class _Classifier:
    """Each row's fate, a chunk at a time, remembering what earlier chunks decided.

    Fates: "error"; "create" (a new person; `matches` holds likely duplicates); "create_outside" (the
    phone of a person the user may not see: a new record, flagged for an admin, never attached);
    "existing" (the person with that phone, in scope); "same_as_row" (a phone met earlier in the file).
    Existing people's names are put in the preview only for someone who may see those records.
    """

    def __init__(self, *, user: User | None) -> None:
        self.user = user
        self.sessions: dict[str, TrainingSession] = {}
        self.asked_sessions: set[str] = set()
        self.first_row_of_phone: dict[str, int] = {}
        self.names = NameIndex()

    def classify(self, rows: list[dict[str, str]], *, first_number: int) -> list[dict[str, Any]]:
        wanted = {r.get("session", "").strip() for r in rows} - self.asked_sessions
        if wanted and self.user is not None:
            self.sessions.update(_sessions_named_in(ids=wanted, user=self.user))
        self.asked_sessions |= wanted
        checked = [_row_check(row, self.sessions) for row in rows]
        phones = {c["data"]["phone"] for c in checked if c["data"]["phone"] and not c["errors"]}
        existing = _existing_by_phone(phones - self.first_row_of_phone.keys())
        outside = _phones_outside_scope(existing, self.user)
        fates: list[dict[str, Any]] = []
        for offset, c in enumerate(checked):
            number, phone = first_number + offset, c["data"]["phone"]
            fate: dict[str, Any] = {"row": number, "check": c, "session_text": rows[offset].get("session", "")}
            if c["errors"]:
                fate["kind"] = "error"
            elif phone in outside:
                self.first_row_of_phone[phone] = number
                fate.update(kind="create_outside", known_pk=existing[phone])
            elif phone in existing:
                fate.update(kind="existing", pk=existing[phone])
            elif phone in self.first_row_of_phone:
                fate.update(kind="same_as_row", of_row=self.first_row_of_phone[phone])
            else:
                self.first_row_of_phone[phone] = number
                fate["kind"] = "create"
            fates.append(fate)
        self._possible_duplicates([f for f in fates if f["kind"] == "create"])
        return fates

    def _possible_duplicates(self, fates: list[dict[str, Any]]) -> None:
        """The same rule as the walk-in form (same NIB, or similar name + business in the session's city),
        for all the chunk's new people with three queries (participants_find_matches_many)."""
        people = [
            Person(
                city_id=f["check"]["session"].city_id,
                full_name=f["check"]["data"]["full_name"],
                business_name=f["check"]["data"]["business_name"] or f["check"]["data"]["agency"],
                nib=f["check"]["data"]["nib"],
            )
            for f in fates
        ]
        found = participants_find_matches_many(people=people, names=self.names) if people else []
        ids = {m.participant.pk for matches in found for m in matches}
        visible = set(participants_for(self.user).filter(pk__in=ids).values_list("pk", flat=True)) if self.user and ids else set()
        for fate, matches in zip(fates, found, strict=True):
            fate["matches"] = matches
            fate["visible"] = visible


def _preview_entry(fate: dict[str, Any]) -> dict[str, Any]:
    c = fate["check"]
    entry: dict[str, Any] = {
        "row": fate["row"],
        "name": c["data"]["full_name"],
        "phone": c["data"]["phone"],
        "session": fate["session_text"],
    }
    kind = fate["kind"]
    if kind == "error":
        entry.update(action="error", reason="; ".join(c["errors"]))
    elif kind == "create_outside":  # nothing about that person goes into the preview, not even their id
        entry.update(action="create", outside_scope=True, reason=_outside_scope_reason())
    elif kind == "existing":
        entry.update(action="match", reason=_("same phone as an existing participant"), participant_id=fate["pk"])
    elif kind == "same_as_row":
        entry.update(action="match", reason=_("same phone as row %(row)s") % {"row": fate["of_row"]})
    else:
        entry.update(action="create", reason=_("new participant"))
        if fate["matches"]:
            entry.update(
                possible_duplicate_of=[m.participant.pk for m in fate["matches"]],
                reason=_duplicate_reason(fate["matches"][0], fate["visible"]),
            )
    return entry


def _is_problem(entry: dict[str, Any]) -> bool:
    return entry["action"] == "error" or bool(entry.get("outside_scope") or entry.get("possible_duplicate_of"))


def import_preview_build(
    *, rows: list[dict[str, str]], sessions: dict[str, TrainingSession] | None = None, user: User | None = None
) -> list[dict[str, Any]]:
    """Each row's fate, for a list small enough to hold (the upload streams through import_create)."""
    classifier = _Classifier(user=user)
    if sessions is not None:
        classifier.sessions, classifier.asked_sessions = dict(sessions), {r.get("session", "").strip() for r in rows}
    preview: list[dict[str, Any]] = []
    for index, chunk in enumerate(_chunks(rows)):
        preview += [_preview_entry(f) for f in classifier.classify(chunk, first_number=2 + index * CHUNK_ROWS)]
    return preview


def import_create(*, user: User, name: str, content: bytes | IO[bytes]) -> ParticipantImport:
    """Read the upload as it streams and store it with its preview; nothing is imported yet.

    The preview keeps every row's fate for a small file; for a large one, the counts and the first
    PREVIEW_PROBLEMS_KEPT problems (errors, possible duplicates, people of another partner).
    """
    for _row in import_file_iter_rows(name=name, content=content):
        pass  # a first pass that only reads: a file to refuse is refused before any query (0.3 s per 100,000 CSV rows)
    classifier = _Classifier(user=user)
    # the rows as JSON lines in a file on disk until they go to the database: 100,000 rows as JSON text
    # in a list, joined into one literal and quoted into the query, held 60-80 MB at the peak
    stored = tempfile.TemporaryFile(mode="w+", encoding="utf-8")  # noqa: SIM115  closed below
    counts: Counter[str] = Counter()
    every_row: list[dict[str, Any]] = []
    problems: list[dict[str, Any]] = []
    total = 0
    for chunk in _chunks(import_file_iter(name=name, content=content)):
        for row, fate in zip(chunk, classifier.classify(chunk, first_number=total + 2), strict=True):
            entry = _preview_entry(fate)
            counts[entry["action"]] += 1
            counts["duplicate"] += bool(entry.get("possible_duplicate_of"))
            counts["outside_scope"] += bool(entry.get("outside_scope"))
            if len(every_row) <= PREVIEW_ALL_ROWS:
                every_row.append(entry)
            if _is_problem(entry) and len(problems) < PREVIEW_PROBLEMS_KEPT:
                problems.append(entry)
            stored.write(json.dumps(row, ensure_ascii=False) + "\n")  # JSON text holds no raw newline
        total += len(chunk)
    with stored, transaction.atomic():
        job = ParticipantImport.objects.create(
            created_by=user,
            file_name=name[:255],
            preview=every_row if total <= PREVIEW_ALL_ROWS else problems,
            preview_counts={k: counts[k] for k in ("create", "match", "error", "duplicate", "outside_scope")},
            total_rows=total,
            error_count=counts["error"],
        )
        stored.seek(0)
        _rows_store(job.pk, stored)
    return ParticipantImport.objects.defer("rows").get(pk=job.pk)


_STAGING = "participant_import_rows_staging"


def _rows_store(import_id: int, lines: IO[str]) -> None:
    """The rows (one JSON text per line) into ParticipantImport.rows, without holding them all in memory:
    on PostgreSQL streamed by COPY into a temporary table and aggregated there, in file order."""
    table = ParticipantImport._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            rows = "[" + ",".join(line.rstrip("\n") for line in lines) + "]"
            cursor.execute(f"UPDATE {table} SET rows = %s WHERE id = %s", [rows, import_id])  # noqa: S608  no user input in the SQL
            return
        cursor.execute(f"CREATE TEMPORARY TABLE {_STAGING} (n integer, row jsonb)")
        with cursor.copy(f"COPY {_STAGING} (n, row) FROM STDIN") as copy:
            for number, line in enumerate(lines):
                copy.write_row((number, line.rstrip("\n")))
        cursor.execute(
            f"UPDATE {table} SET rows = (SELECT COALESCE(jsonb_agg(row ORDER BY n), '[]'::jsonb) FROM {_STAGING})"  # noqa: S608  no user input in the SQL
            " WHERE id = %s",
            [import_id],
        )
        cursor.execute(f"DROP TABLE {_STAGING}")


def _stored_rows(import_id: int) -> Iterator[dict[str, str]]:
    """The stored rows in file order, read from PostgreSQL a chunk at a time (server-side cursor)."""
    if connection.vendor != "postgresql":
        yield from ParticipantImport.objects.values_list("rows", flat=True).get(pk=import_id)
        return
    table = ParticipantImport._meta.db_table
    with connection.chunked_cursor() as cursor:
        cursor.execute(
            f"SELECT r.value FROM {table} p CROSS JOIN LATERAL jsonb_array_elements(p.rows) WITH ORDINALITY AS r(value, n) "  # noqa: S608  no user input in the SQL
            "WHERE p.id = %s ORDER BY r.n",
            [import_id],
        )
        while batch := cursor.fetchmany(CHUNK_ROWS):
            for (value,) in batch:
                yield json.loads(value) if isinstance(value, str) else value


def import_apply(*, participant_import: ParticipantImport) -> ParticipantImport:
    """Import the valid rows, all in one transaction; the rows are checked again against today's data.

    A chunk of rows at a time: set-based matching, bulk inserts of the new people, their attendances
    and merge-queue entries, the counted attendances kept in step. Safe to run twice: an import that
    is already done is returned as it is.
    """
    key = _progress_key(participant_import.pk)
    with transaction.atomic():
        job = ParticipantImport.objects.select_for_update().defer("rows", "preview").get(pk=participant_import.pk)
        if job.status == ImportStatus.DONE:
            return job
        ParticipantImport.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING)
        writer = _ImportWriter(by=job.created_by)
        done = 0
        for chunk in _chunks(_stored_rows(job.pk)):
            writer.write(writer.classifier.classify(chunk, first_number=done + 2))
            done += len(chunk)
            cache.set(key, done, timeout=3600)
        writer.finish()
        totals = writer.totals
        job.status = ImportStatus.DONE
        job.created_count, job.matched_count, job.error_count = totals["created"], totals["matched"], totals["errors"]
        job.flagged_count = totals["flagged"]
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "created_count", "matched_count", "flagged_count", "error_count", "finished_at"])
        audit_record(
            actor=job.created_by,
            action=AuditAction.BULK_IMPORTED,
            obj=job,
            changes={"rows": job.total_rows, **{k: totals[k] for k in ("created", "matched", "flagged", "errors")}},
        )
        # counts_changed, a chunk at a time: the people's counted attendances were synced per chunk,
        # the slices are announced once, on commit
        slices_announce(writer.slices | session_slices(session_ids=writer.sessions_touched))
    cache.set(key, job.total_rows, timeout=3600)
    return job


class _ImportWriter:
    """Writes the fates of one chunk after another with bulk statements, inside the caller's transaction.

    On PostgreSQL the new people and the attendances go in by COPY (ids taken from the sequence first),
    the floor for loading rows: the ORM's bulk_create spent most of the job's CPU preparing values. The
    new people's counted attendances are inserted from the rule in SQL once all their attendances are
    in (finish); the known people's are brought in step per chunk, under their locks, as any change does.
    """

    def __init__(self, *, by: User) -> None:
        self.by = by
        self.classifier = _Classifier(user=by)
        self.pk_of_phone: dict[str, int] = {}
        self.new_ids: list[int] = []
        self.totals: Counter[str] = Counter()
        self.sessions_touched: set[int] = set()
        self.slices: set[Slice] = set()

    def write(self, fates: list[dict[str, Any]]) -> None:
        new = [f for f in fates if f["kind"] in ("create", "create_outside")]
        people_ids = self._people_write(new)
        candidates = []
        for fate, person_id in zip(new, people_ids, strict=True):
            self.pk_of_phone[fate["check"]["data"]["phone"]] = person_id
            if fate["kind"] == "create_outside":  # the phone of a person of another partner: never attached, an admin decides
                candidates.append(
                    DuplicateCandidate(participant_id=person_id, existing_id=fate["known_pk"], reason="phone", score=100)
                )
                self.totals["flagged"] += 1
            else:  # looks like someone we know, but not by phone: recorded for an admin to merge or dismiss
                candidates += [
                    DuplicateCandidate(participant_id=person_id, existing_id=m.participant.pk, reason=m.reason, score=m.score)
                    for m in fate["matches"]
                ]
        DuplicateCandidate.objects.bulk_create(candidates, ignore_conflicts=True)
        self.new_ids += people_ids
        self.totals["created"] += len(new)
        wanted: dict[tuple[int, int], tuple[TrainingSession, str]] = {}
        known: set[int] = set()
        for fate in fates:
            kind = fate["kind"]
            if kind == "error":
                self.totals["errors"] += 1
                continue
            pk = fate["pk"] if kind == "existing" else self.pk_of_phone[fate["check"]["data"]["phone"]]
            if kind == "existing":
                known.add(pk)
            self.totals["matched"] += kind in ("existing", "same_as_row")
            session, status = fate["check"]["session"], fate["check"]["status"]
            previous = wanted.get((pk, session.pk))
            if previous is None or status == AttendanceStatus.ATTENDED:
                wanted[(pk, session.pk)] = (session, status)
        self._attendances_write(wanted)
        self.sessions_touched |= {session_pk for _pk, session_pk in wanted}
        self.slices |= counted_attendance_sync(participant_ids=known)

    def finish(self) -> None:
        """The new people's counted attendances, now that all their attendances are written."""
        self.slices |= counted_attendance_fill_new(participant_ids=self.new_ids)

    def _people_write(self, new: list[dict[str, Any]]) -> list[int]:
        """The new people of a chunk, in order; their ids."""
        if not new:
            return []
        if not copy_supported():
            people = Participant.objects.bulk_create([self._person(f) for f in new])
            return [int(p.pk) for p in people]
        ids = ids_reserve(Participant, len(new))
        rows = []
        for person_id, fate in zip(ids, new, strict=True):
            data, session = fate["check"]["data"], fate["check"]["session"]
            rows.append(
                (
                    person_id,
                    *(data[field] for field in _PERSON_FIELDS),
                    session.city_id,
                    session.partner_id,
                    _kind_for(session),
                    None,  # consent_at: an imported list carries no consent
                    "",
                    self.by.pk,
                )
            )
        copy_rows(
            Participant,
            ("id", *_PERSON_FIELDS, "city_id", "home_partner_id", "kind", "consent_at", "consent_version", "created_by_id"),
            rows,
        )
        return ids

    def _person(self, fate: dict[str, Any]) -> Participant:
        session = fate["check"]["session"]
        return Participant(
            **{k: v for k, v in fate["check"]["data"].items() if v is not None},
            city_id=session.city_id,
            home_partner_id=session.partner_id,
            kind=_kind_for(session),
            consent_at=None,
            consent_version="",
            created_by=self.by,
        )

    def _attendances_write(self, wanted: dict[tuple[int, int], tuple[TrainingSession, str]]) -> None:
        """get_or_create per (person, session), in bulk: an attended row upgrades a registered one, never the reverse."""
        if not wanted:
            return
        existing = {
            (p, s): (pk, status)
            for pk, p, s, status in Attendance.objects.filter(
                participant_id__in={p for p, _s in wanted}, session_id__in={s for _p, s in wanted}
            ).values_list("pk", "participant_id", "session_id", "status")
        }
        upgrade: dict[int, list[int]] = {}
        new: list[tuple[int, int, str, str, Any, int | None]] = []
        for (participant_pk, session_pk), (session, status) in wanted.items():
            attended = status == AttendanceStatus.ATTENDED
            found = existing.get((participant_pk, session_pk))
            if found is None:
                new.append(
                    (
                        participant_pk,
                        session_pk,
                        status,
                        RegistrationSource.IMPORT,
                        session.starts_at if attended else None,
                        self.by.pk if attended else None,
                    )
                )
            elif attended and found[1] != AttendanceStatus.ATTENDED:
                upgrade.setdefault(session_pk, []).append(found[0])
        fields = ("participant_id", "session_id", "status", "source", "checked_in_at", "checked_in_by_id")
        if copy_supported():
            copy_rows(Attendance, fields, new)
        else:
            Attendance.objects.bulk_create([Attendance(**dict(zip(fields, row, strict=True))) for row in new])
        for session_pk, ids in upgrade.items():
            session = wanted[next(k for k in wanted if k[1] == session_pk)][0]
            Attendance.objects.filter(pk__in=ids).update(
                status=AttendanceStatus.ATTENDED, checked_in_at=session.starts_at, checked_in_by=self.by
            )


_PERSON_FIELDS = ("full_name", "phone", "gender", "business_name", "agency", "nib", "email")


def import_mark_failed(*, import_id: int, reason: str) -> None:
    ParticipantImport.objects.filter(pk=import_id).exclude(status=ImportStatus.DONE).update(
        status=ImportStatus.FAILED, failure=reason[:2000], finished_at=timezone.now()
    )
