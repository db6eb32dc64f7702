"""Reading an uploaded paper list (CSV or XLSX) within fixed bounds of size, memory and time.

Hostile files are refused before they cost anything: the size is known before a byte is read,
the members of an XLSX (a zip archive) are checked for their unpacked size and compression ratio
before openpyxl opens it (a zip bomb unpacks 1000:1 or more; real workbooks stay near 10:1), the
sheet is streamed (openpyxl read_only) and reading stops one row past the limit, and the CSV is
decoded as it streams, so a 10 MB list never becomes more than one copy in memory. Every way a
file can be unreadable answers with a clear message, never a server error.
"""

import codecs
import contextlib
import csv
import io
import zipfile
from collections.abc import Iterator
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_ROWS = getattr(settings, "PARTICIPANT_IMPORT_MAX_ROWS", 20_000)
MAX_BYTES = getattr(settings, "PARTICIPANT_IMPORT_MAX_BYTES", 10 * 1024 * 1024)
# An XLSX member larger than this that is packed tighter than MAX_RATIO is a zip bomb.
MAX_RATIO = 100
RATIO_CHECKED_ABOVE = 1024 * 1024
# Unpacked size of the whole workbook; openpyxl streams sheets but loads shared strings and styles whole.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_UNPACKED_NON_SHEET_BYTES = 20 * 1024 * 1024
MAX_COLUMNS = 64
# Blank rows are skipped, but not without end: a sheet of a million empty rows is refused.
MAX_SCANNED_ROWS = MAX_ROWS * 2 + 1000
_SNIFF_BYTES = 64 * 1024


def _too_many_rows() -> ValidationError:
    return ValidationError(
        _("The file has more than %(max)s rows; at most %(max)s can be imported at once. Split it into smaller files.")
        % {"max": f"{MAX_ROWS:,}".replace(",", ".")},
        code="too_many_rows",
    )


def _too_large() -> ValidationError:
    return ValidationError(
        _("The file is larger than %(size)s MB. Split it into smaller files.") % {"size": MAX_BYTES // (1024 * 1024)},
        code="too_large",
    )


def _unreadable_csv() -> ValidationError:
    return ValidationError(
        _(
            "The file could not be read as a CSV list (it may be a different kind of file, or a cell is far too long). "
            "In Excel choose “Save as: CSV UTF-8 (comma delimited)” and upload again."
        ),
        code="unreadable",
    )


def _unreadable_xlsx() -> ValidationError:
    return ValidationError(_("The file could not be read as an Excel workbook (.xlsx)."), code="unreadable")


def _bad_encoding() -> ValidationError:
    return ValidationError(
        _("The file is not in UTF-8 encoding. In Excel choose “Save as: CSV UTF-8 (comma delimited)” and upload again."),
        code="encoding",
    )


def upload_size(stream: IO[bytes]) -> int:
    """The size of an upload without reading it (Django's UploadedFile knows it; other streams are sought)."""
    size = getattr(stream, "size", None)
    if size is not None:
        return int(size)
    position = stream.tell()
    stream.seek(0, io.SEEK_END)
    size = stream.tell()
    stream.seek(position)
    return size


def import_file_rows(*, name: str, content: bytes | IO[bytes]) -> list[list[str]]:
    """The non-blank rows of the file, header first, at most MAX_ROWS + 1 of them; ValidationError otherwise."""
    stream = io.BytesIO(content) if isinstance(content, bytes | bytearray) else content
    if upload_size(stream) > MAX_BYTES:
        raise _too_large()
    stream = getattr(stream, "file", stream)  # Django's UploadedFile: the file object underneath
    stream.seek(0)
    lower = name.lower()
    if lower.endswith(".csv"):
        rows = _csv_rows(stream)
    elif lower.endswith(".xlsx"):
        rows = _xlsx_rows(stream)
    else:
        raise ValidationError(_("Upload a CSV or XLSX file."), code="file_type")
    kept = []
    with contextlib.closing(rows):  # stopping early closes the sheet or the decoder now, not at garbage collection
        for row in rows:
            if any(cell.strip() for cell in row) or not kept:
                kept.append(row)
                if len(kept) > MAX_ROWS + 1:  # the header and one row too many: enough to refuse
                    raise _too_many_rows()
    return kept


def _csv_rows(stream: IO[bytes]) -> Iterator[list[str]]:
    head = stream.read(_SNIFF_BYTES)
    if b"\x00" in head:
        raise _unreadable_csv()  # binary data (or UTF-16, which Excel calls "Unicode text")
    try:
        first_line = codecs.decode(head.split(b"\n", 1)[0], "utf-8-sig", errors="ignore")
    except Exception:
        first_line = ""
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    stream.seek(0)
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="strict", newline="")
    scanned = 0
    try:
        for row in csv.reader(text, delimiter=delimiter):
            scanned += 1
            if scanned > MAX_SCANNED_ROWS:
                raise _too_many_rows()
            yield row[:MAX_COLUMNS]
    except UnicodeDecodeError:
        raise _bad_encoding() from None
    except csv.Error:  # a field over csv.field_size_limit() (128 KiB), a NUL byte, a broken quote
        raise _unreadable_csv() from None
    finally:
        text.detach()  # leave the upload open for Django to close


def _xlsx_guard(stream: IO[bytes]) -> None:
    """Refuse a workbook whose members unpack to far more than they weigh, before anything is unpacked."""
    try:
        with zipfile.ZipFile(stream) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _unreadable_xlsx() from None
    total = 0
    for member in members:
        total += member.file_size
        packed = max(member.compress_size, 1)
        is_sheet = member.filename.startswith("xl/worksheets/")
        if member.file_size > RATIO_CHECKED_ABOVE and member.file_size / packed > MAX_RATIO:
            raise _xlsx_too_large()
        if not is_sheet and member.file_size > MAX_UNPACKED_NON_SHEET_BYTES:
            raise _xlsx_too_large()
    if total > MAX_UNPACKED_BYTES:
        raise _xlsx_too_large()
    stream.seek(0)


def _xlsx_too_large() -> ValidationError:
    return ValidationError(
        _("The workbook is far larger once unpacked than the file itself. Save it again or split it into smaller files."),
        code="unpacked_too_large",
    )


def _xlsx_rows(stream: IO[bytes]) -> Iterator[list[str]]:
    _xlsx_guard(stream)
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except Exception:
        raise _unreadable_xlsx() from None
    try:
        if not workbook.worksheets:
            raise _unreadable_xlsx()
        sheet = workbook.worksheets[0]
        scanned = 0
        try:
            for values in sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS):
                scanned += 1
                if scanned > MAX_SCANNED_ROWS:
                    raise _too_many_rows()
                yield ["" if v is None else str(v) for v in values]
        except ValidationError:
            raise
        except Exception:  # malformed XML inside the archive
            raise _unreadable_xlsx() from None
    finally:
        workbook.close()
