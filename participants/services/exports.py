"""CSV and XLSX exports of participants and attendance, streamed. Callers pass querysets from users/scoping.py.

An export of 1,000,000 people must start at once and stay small in the web process: rows are
read as plain tuples (values_list, no model instances) from a server-side cursor, `CHUNK_ROWS`
at a time, inside a transaction (outside one, PostgreSQL materialises a WITH HOLD cursor's whole
result before the first row); names of cities and choice labels are looked up once per export,
not per row. Both formats are written as they are read (umkm_program.spreadsheets).
"""

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

from django.db import transaction
from django.db.models import BooleanField, QuerySet, Value
from django.utils.translation import gettext as _

from cities.models import City
from cities.timezones import to_zone_time, zone_label
from umkm_program.spreadsheets import csv_chunks, xlsx_chunks

from ..models import (
    Attendance,
    AttendanceStatus,
    BusinessScale,
    Gender,
    Participant,
    ParticipantKind,
    RegistrationSource,
    Sector,
    SocialMediaUse,
)

CHUNK_ROWS = 2000

Rows = tuple[list[str], Iterator[list]]


def _exported_participants(qs: QuerySet[Participant]) -> QuerySet[Participant]:
    return qs.filter(merged_into__isnull=True, erased_at__isnull=True)


def export_row_count(*, what: str, qs: QuerySet) -> int:
    """How many rows the export of `what` writes from `qs` (for the audit log)."""
    return _exported_participants(qs).count() if what == "participants" else qs.count()


def _labels(choices: list[tuple[str, Any]]) -> Callable[[str], str]:
    """What get_FOO_display() shows, translated once: the label of a value, or the value itself."""
    labels = {value: str(label) for value, label in choices}
    return lambda value: labels.get(value, value)


def _streamed(qs: QuerySet) -> Iterator[Any]:
    """The rows of `qs` from a server-side cursor that sends them as they are found."""
    with transaction.atomic():
        yield from qs.iterator(chunk_size=CHUNK_ROWS)


def _participant_rows(qs: QuerySet[Participant]) -> Rows:
    header = [
        _("id"),
        _("full name"),
        _("phone"),
        _("e-mail"),
        _("gender"),
        _("city"),
        _("participant type"),
        _("business name"),
        _("agency"),
        _("sector"),
        _("business scale"),
        _("NIB"),
        _("social-media use at baseline"),
        _("consent text version"),
        _("agrees to WhatsApp messages"),
        _("test data"),
    ]
    values = (
        _exported_participants(qs)
        .order_by("pk")
        .values_list(
            "pk",
            "full_name",
            "phone",
            "email",
            "gender",
            "city_id",
            "kind",
            "business_name",
            "agency",
            "sector",
            "scale",
            "nib",
            "baseline_social_media",
            "consent_version",
            "whatsapp_opt_in",
            "is_test",
        )
    )

    def rows() -> Iterator[list]:
        city_names = dict(City.objects.values_list("pk", "name"))
        gender, kind, sector = _labels(Gender.choices), _labels(ParticipantKind.choices), _labels(Sector.choices)
        scale, baseline = _labels(BusinessScale.choices), _labels(SocialMediaUse.choices)
        yes, no = _("yes"), _("no")
        for pk, name, phone, email, g, city_id, k, business, agency, sec, sc, nib, base, consent, wa, test in _streamed(values):
            yield [
                pk,
                name,
                phone,
                email,
                gender(g),
                city_names.get(city_id, ""),
                kind(k),
                business,
                agency,
                sector(sec),
                scale(sc),
                nib,
                baseline(base),
                consent,
                yes if wa else no,
                yes if test else no,
            ]

    return header, rows()


def _local(value: dt.datetime | None, tz_name: str) -> str:
    if value is None:
        return ""
    return to_zone_time(value, tz_name).strftime("%Y-%m-%d %H:%M")


def _attendance_rows(qs: QuerySet[Attendance]) -> Rows:
    header = [
        _("session id"),
        _("session"),
        _("city"),
        _("session start (local time)"),
        _("participant id"),
        _("full name"),
        _("phone"),
        _("status"),
        _("source"),
        _("checked in (local time)"),
    ]
    if "participant_visible" not in qs.query.annotations:  # False for a guest of another partner: no phone
        qs = qs.annotate(participant_visible=Value(True, output_field=BooleanField()))
    values = qs.order_by("session__starts_at", "pk").values_list(  # type: ignore[misc]  # participant_visible is an annotation
        "session_id",
        "session__title",
        "session__city_id",
        "session__starts_at",
        "participant_id",
        "participant__full_name",
        "participant__phone",
        "participant_visible",
        "status",
        "source",
        "checked_in_at",
    )

    def rows() -> Iterator[list]:
        cities = {pk: (name, tz, zone_label(tz)) for pk, name, tz in City.objects.values_list("pk", "name", "time_zone")}
        status_label, source_label = _labels(AttendanceStatus.choices), _labels(RegistrationSource.choices)
        for session_id, title, city_id, starts_at, person_id, name, phone, shows_phone, status, source, checked_in in _streamed(
            values
        ):
            city, tz, zone = cities[city_id]
            yield [
                session_id,
                title,
                city,
                f"{_local(starts_at, tz)} {zone}",
                person_id,
                name,
                phone if shows_phone else "",
                status_label(status),
                source_label(source),
                f"{_local(checked_in, tz)} {zone}" if checked_in else "",
            ]

    return header, rows()


EXPORTS: dict[str, Callable[[QuerySet[Any]], Rows]] = {
    "participants": _participant_rows,
    "attendance": _attendance_rows,
}


def export_csv_stream(*, what: str, qs: QuerySet) -> Iterator[str]:
    """CSV text in pieces, produced as the rows are read; safe to open (umkm_program.spreadsheets)."""
    header, rows = EXPORTS[what](qs)
    return csv_chunks(header, rows)


def export_xlsx_stream(*, what: str, qs: QuerySet) -> Iterator[bytes]:
    """The XLSX workbook in pieces, written as the rows are read; safe to open (umkm_program.spreadsheets)."""
    header, rows = EXPORTS[what](qs)
    return xlsx_chunks([(what, header, rows)])
