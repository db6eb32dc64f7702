"""Paper lists back as CSV or XLSX: parse, preview each row with its reason, import in one transaction.

Progress of a running import lives in the cache (the rows are written in one transaction, so
the database cannot show them before the end); the outcome is stored on the ParticipantImport.
"""

import contextlib
from typing import IO, Any

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditAction
from audit.services import audit_record
from sessions_app.models import TrainingSession
from users.models import User
from users.scoping import participants_for, sessions_for

from ..counting import counts_changed
from ..models import Attendance, AttendanceStatus, Gender, ImportStatus, Participant, ParticipantImport, RegistrationSource
from ..phones import phone_normalise
from ..validators import nib_is_valid
from .import_files import import_file_rows
from .matching import Match, Person, duplicate_candidates_record, participants_find_matches_many
from .registration import participant_create

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
    """The file's rows as dicts keyed by field; ValidationError with a clear reason otherwise.

    `content` may be the upload itself: it is streamed within the bounds import_files.py sets.
    """
    raw_rows = import_file_rows(name=name, content=content)
    if not raw_rows:
        raise ValidationError(_("The file is empty."))
    header = [COLUMNS.get(h.strip().lower().replace(" ", "_"), "") for h in raw_rows[0]]
    missing = {"session", "full_name", "phone"} - set(header)
    if missing:
        raise ValidationError(
            _("The first row must name the columns; missing: %(columns)s.") % {"columns": ", ".join(sorted(missing))}
        )
    return [{field: str(value).strip() for field, value in zip(header, row, strict=False) if field} for row in raw_rows[1:]]


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
    found = {}
    for pk, phone in (
        Participant.objects.filter(phone__in=phones, merged_into__isnull=True, erased_at__isnull=True)
        .order_by("-pk")
        .values_list("pk", "phone")
    ):
        found[phone] = pk  # the oldest record wins
    return found


def _possible_duplicates(checked: list[dict[str, Any]], known_phones: dict[str, int]) -> dict[int, list[Match]]:
    """Row index -> likely existing records, for the valid rows that will create a new participant.

    The same rule as the walk-in form (same NIB, or similar name + business in the session's city),
    done for all rows with two queries (participants_find_matches_many), not one per row.
    """
    indexes, people, seen = [], [], set()
    for index, c in enumerate(checked):
        phone = c["data"]["phone"]
        if c["errors"] or phone in known_phones or phone in seen:
            continue
        seen.add(phone)
        indexes.append(index)
        people.append(
            Person(
                city_id=c["session"].city_id,
                full_name=c["data"]["full_name"],
                business_name=c["data"]["business_name"] or c["data"]["agency"],
                nib=c["data"]["nib"],
            )
        )
    found = participants_find_matches_many(people=people) if people else []
    return {index: matches for index, matches in zip(indexes, found, strict=True) if matches}


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


def import_preview_build(
    *, rows: list[dict[str, str]], sessions: dict[str, TrainingSession], user: User | None = None
) -> list[dict[str, Any]]:
    """Each row's fate. Existing people's names are shown only to someone who may see those records."""
    checked = [_row_check(row, sessions) for row in rows]
    existing = _existing_by_phone({c["data"]["phone"] for c in checked if c["data"]["phone"]})
    outside = _phones_outside_scope(existing, user)
    duplicates = _possible_duplicates(checked, existing)
    ids = {m.participant.pk for matches in duplicates.values() for m in matches}
    visible = set(participants_for(user).filter(pk__in=ids).values_list("pk", flat=True)) if user and ids else set()
    preview, seen_in_file = [], {}
    for number, c in enumerate(checked, start=2):  # row 1 is the header
        entry = {
            "row": number,
            "name": c["data"]["full_name"],
            "phone": c["data"]["phone"],
            "session": rows[number - 2].get("session", ""),
        }
        if c["errors"]:
            entry.update(action="error", reason="; ".join(c["errors"]))
        elif c["data"]["phone"] in outside and c["data"]["phone"] not in seen_in_file:
            # nothing about that person goes into the preview, not even their id
            seen_in_file[c["data"]["phone"]] = number
            entry.update(action="create", outside_scope=True, reason=_outside_scope_reason())
        elif c["data"]["phone"] in existing and c["data"]["phone"] not in outside:
            entry.update(
                action="match", reason=_("same phone as an existing participant"), participant_id=existing[c["data"]["phone"]]
            )
        elif c["data"]["phone"] in seen_in_file:
            entry.update(action="match", reason=_("same phone as row %(row)s") % {"row": seen_in_file[c["data"]["phone"]]})
        else:
            seen_in_file[c["data"]["phone"]] = number
            entry.update(action="create", reason=_("new participant"))
            matches = duplicates.get(number - 2)
            if matches:
                entry.update(
                    possible_duplicate_of=[m.participant.pk for m in matches],
                    reason=_duplicate_reason(matches[0], visible),
                )
        preview.append(entry)
    return preview


def _sessions_named_in(*, rows: list[dict[str, str]], user: User) -> dict[str, TrainingSession]:
    """The sessions the rows name that this user may import into, by the id written in the file."""
    ids = {r.get("session", "").strip() for r in rows}
    ids = {i for i in ids if i.isascii() and i.isdigit() and len(i) < 18}  # "²".isdigit() is True
    qs = sessions_for(user).filter(pk__in=ids).only("pk", "city_id", "programme_id", "starts_at", "audience")
    return {str(s.pk): s for s in qs}


def import_create(*, user: User, name: str, content: bytes | IO[bytes]) -> ParticipantImport:
    """Read the upload and store it with its preview; nothing is imported yet."""
    rows = import_file_read(name=name, content=content)
    sessions = _sessions_named_in(rows=rows, user=user)
    preview = import_preview_build(rows=rows, sessions=sessions, user=user)
    return ParticipantImport.objects.create(
        created_by=user,
        file_name=name[:255],
        rows=rows,
        preview=preview,
        total_rows=len(rows),
        error_count=sum(1 for p in preview if p["action"] == "error"),
    )


def import_apply(*, participant_import: ParticipantImport) -> ParticipantImport:
    """Import the valid rows, all in one transaction; the rows are checked again against today's data.

    Safe to run twice: an import that is already done is returned as it is.
    """
    key = _progress_key(participant_import.pk)
    with transaction.atomic():
        job = ParticipantImport.objects.select_for_update().get(pk=participant_import.pk)
        if job.status == ImportStatus.DONE:
            return job
        ParticipantImport.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING)
        sessions = _sessions_named_in(rows=job.rows, user=job.created_by)
        created = matched = errors = 0
        by_phone: dict[str, Participant] = {}
        phones = set()
        for row in job.rows:
            with contextlib.suppress(ValidationError):
                phones.add(phone_normalise(row.get("phone", "")))
        known = _existing_by_phone(phones - {""})  # one query instead of one per row
        outside = _phones_outside_scope(known, job.created_by)
        flagged = 0
        checked = [_row_check(row, sessions) for row in job.rows]
        duplicates = _possible_duplicates(checked, known)  # today's data, two queries for all rows
        touched: set[TrainingSession] = set()
        people: set[int] = set()
        for index, c in enumerate(checked, start=1):
            if c["errors"]:
                errors += 1
            else:
                participant = by_phone.get(c["data"]["phone"])
                if participant is None:
                    known_pk = known.get(c["data"]["phone"])
                    participant = Participant(pk=known_pk) if known_pk and c["data"]["phone"] not in outside else None
                    if participant is None:
                        try:
                            participant = participant_create(
                                data=c["data"], session=c["session"], by=job.created_by, consent_version=""
                            )
                        except ValidationError:
                            errors += 1
                            continue
                        if known_pk:
                            # the phone of a person of another partner: never attached, an admin decides
                            likely = [Match(Participant(pk=known_pk), "phone", 100)]
                            flagged += 1
                        else:
                            # looks like someone we know, but not by phone: recorded for an admin to merge or dismiss
                            likely = duplicates.get(index - 1, [])
                        duplicate_candidates_record(participant=participant, matches=likely)
                        created += 1
                    else:
                        matched += 1
                    by_phone[c["data"]["phone"]] = participant
                else:
                    matched += 1
                _attendance_from_import(participant=participant, session=c["session"], status=c["status"], by=job.created_by)
                touched.add(c["session"])
                people.add(participant.pk)
            if index % 100 == 0:
                cache.set(key, index, timeout=3600)
        job.status = ImportStatus.DONE
        job.created_count, job.matched_count, job.error_count = created, matched, errors
        job.flagged_count = flagged
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "created_count", "matched_count", "flagged_count", "error_count", "finished_at"])
        audit_record(
            actor=job.created_by,
            action=AuditAction.BULK_IMPORTED,
            obj=job,
            changes={"rows": job.total_rows, "created": created, "matched": matched, "flagged": flagged, "errors": errors},
        )
        counts_changed(session_ids={s.pk for s in touched}, participant_ids=people)
    cache.set(key, job.total_rows, timeout=3600)
    return job


def _attendance_from_import(*, participant: Participant, session: TrainingSession, status: str, by: User) -> None:
    attended = status == AttendanceStatus.ATTENDED
    attendance, created = Attendance.objects.get_or_create(
        participant=participant,
        session=session,
        defaults={
            "status": status,
            "source": RegistrationSource.IMPORT,
            "checked_in_at": session.starts_at if attended else None,
            "checked_in_by": by if attended else None,
        },
    )
    if not created and attended and attendance.status != AttendanceStatus.ATTENDED:
        Attendance.objects.filter(pk=attendance.pk).update(
            status=AttendanceStatus.ATTENDED, checked_in_at=session.starts_at, checked_in_by=by
        )


def import_mark_failed(*, import_id: int, reason: str) -> None:
    ParticipantImport.objects.filter(pk=import_id).exclude(status=ImportStatus.DONE).update(
        status=ImportStatus.FAILED, failure=reason[:2000], finished_at=timezone.now()
    )
