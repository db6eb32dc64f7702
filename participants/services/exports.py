"""CSV and XLSX exports of participants and attendance. Callers pass querysets from users/scoping.py."""

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from cities.timezones import to_zone_time
from umkm_program.spreadsheets import csv_lines, xlsx_bytes

from ..models import Attendance, Participant


def _exported_participants(qs: QuerySet[Participant]) -> QuerySet[Participant]:
    return qs.filter(merged_into__isnull=True, erased_at__isnull=True)


def export_row_count(*, what: str, qs: QuerySet) -> int:
    """How many rows the export of `what` writes from `qs` (for the audit log)."""
    return _exported_participants(qs).count() if what == "participants" else qs.count()


def _participant_rows(qs: QuerySet[Participant]) -> tuple[list[str], Iterator[list]]:
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
    qs = _exported_participants(qs).select_related("city").order_by("pk")

    def rows() -> Iterator[list]:
        for p in qs.iterator(chunk_size=2000):
            yield [
                p.pk,
                p.full_name,
                p.phone,
                p.email,
                p.get_gender_display(),
                p.city.name,
                p.get_kind_display(),
                p.business_name,
                p.agency,
                p.get_sector_display(),
                p.get_scale_display(),
                p.nib,
                p.get_baseline_social_media_display(),
                p.consent_version,
                _("yes") if p.whatsapp_opt_in else _("no"),
                _("yes") if p.is_test else _("no"),
            ]

    return header, rows()


def _local(value: dt.datetime | None, tz_name: str) -> str:
    if value is None:
        return ""
    return to_zone_time(value, tz_name).strftime("%Y-%m-%d %H:%M")


def _attendance_rows(qs: QuerySet[Attendance]) -> tuple[list[str], Iterator[list]]:
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
    qs = qs.select_related("session", "session__city", "participant").order_by("session__starts_at", "pk")

    def rows() -> Iterator[list]:
        for a in qs.iterator(chunk_size=2000):
            tz = a.session.city.time_zone
            zone = a.session.city.zone_label
            yield [
                a.session_id,
                a.session.title,
                a.session.city.name,
                f"{_local(a.session.starts_at, tz)} {zone}",
                a.participant_id,
                a.participant.full_name,
                a.participant.phone if getattr(a, "participant_visible", True) else "",  # a guest of another partner
                a.get_status_display(),
                a.get_source_display(),
                f"{_local(a.checked_in_at, tz)} {zone}" if a.checked_in_at else "",
            ]

    return header, rows()


EXPORTS: dict[str, Callable[[QuerySet[Any]], tuple[list[str], Iterator[list]]]] = {
    "participants": _participant_rows,
    "attendance": _attendance_rows,
}


def export_csv_stream(*, what: str, qs: QuerySet) -> Iterable[str]:
    """Lines of CSV, produced as they are read; safe to open (umkm_program.spreadsheets)."""
    header, rows = EXPORTS[what](qs)
    return csv_lines(header, rows)


def export_xlsx_bytes(*, what: str, qs: QuerySet) -> bytes:
    header, rows = EXPORTS[what](qs)
    return xlsx_bytes([(what, header, rows)])
