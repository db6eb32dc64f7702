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
import re
import zipfile
from collections.abc import Iterator, Sequence
from typing import IO
from xml.etree.ElementTree import Element

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_ROWS = getattr(settings, "PARTICIPANT_IMPORT_MAX_ROWS", 100_000)
# A workbook's XML costs about ten times a CSV's to read (2.3 s for 100,000 rows): a hostile one
# must be refused within 2 s, so workbooks stop at this; longer lists come as CSV.
MAX_XLSX_ROWS = min(MAX_ROWS, getattr(settings, "PARTICIPANT_IMPORT_MAX_XLSX_ROWS", 20_000))
MAX_BYTES = getattr(settings, "PARTICIPANT_IMPORT_MAX_BYTES", 20 * 1024 * 1024)
# An XLSX member larger than this that is packed tighter than MAX_RATIO is a zip bomb.
MAX_RATIO = 100
RATIO_CHECKED_ABOVE = 1024 * 1024
# Unpacked size of the whole workbook; openpyxl streams sheets but loads shared strings and styles whole.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_UNPACKED_NON_SHEET_BYTES = 10 * 1024 * 1024
MAX_COLUMNS = 64
# Blank rows are skipped, but not without end: a sheet of a million empty rows is refused.
MAX_SCANNED_ROWS = MAX_ROWS * 2 + 1000
MAX_XLSX_SCANNED_ROWS = MAX_XLSX_ROWS * 2 + 1000
_SNIFF_BYTES = 64 * 1024


def _too_many_rows(limit: int = MAX_ROWS) -> ValidationError:
    return ValidationError(
        _("The file has more than %(max)s rows; at most %(max)s can be imported at once. Split it into smaller files.")
        % {"max": f"{limit:,}".replace(",", ".")},
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
    return list(import_file_iter_rows(name=name, content=content))


def import_file_iter_rows(*, name: str, content: bytes | IO[bytes]) -> Iterator[list[str]]:
    """import_file_rows one row at a time, so that 100,000 rows are never all in memory at once.

    The refusals come as the rows stream: a caller that must not keep anything from a refused file
    writes only once the iterator is exhausted (or inside a transaction).
    """
    stream = io.BytesIO(content) if isinstance(content, bytes | bytearray) else content
    if upload_size(stream) > MAX_BYTES:
        raise _too_large()
    stream = getattr(stream, "file", stream)  # Django's UploadedFile: the file object underneath
    stream.seek(0)
    lower = name.lower()
    limit = MAX_ROWS
    if lower.endswith(".csv"):
        rows = _csv_rows(stream)
    elif lower.endswith(".xlsx"):
        rows, limit = _xlsx_rows(stream), MAX_XLSX_ROWS
    else:
        raise ValidationError(_("Upload a CSV or XLSX file."), code="file_type")
    kept = 0
    # Stopping early closes the sheet or the decoder now, not at garbage collection (both readers are generators).
    with contextlib.closing(rows):  # type: ignore[type-var]
        for row in rows:
            if any(cell.strip() for cell in row) or not kept:
                kept += 1
                if kept > limit + 1:  # the header and one row too many: enough to refuse
                    raise _too_many_rows(limit)
                yield row


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
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
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
    """The first sheet's rows, parsed cell by cell as the XML streams in.

    Not openpyxl's load_workbook: in read-only mode it first scans the whole sheet for its size
    when the <dimension> element is missing (25 s for a 2.6 MB file of a million rows), and its
    row parser builds a whole row in memory however wide it is. openpyxl still reads the package
    (manifest, workbook, shared strings), which the guard has bounded.
    """
    _xlsx_guard(stream)
    from openpyxl.reader.excel import ExcelReader

    try:
        reader = ExcelReader(stream, read_only=True, data_only=True)
        reader.read_manifest()
        reader.read_strings()
        reader.read_workbook()
        sheet_path = next(rel.target for _sheet, rel in reader.parser.find_sheets() if "worksheet" in rel.Type)
        source = reader.archive.open(sheet_path)
    except Exception:
        raise _unreadable_xlsx() from None
    try:
        yield from _sheet_rows(source, reader.shared_strings)
    except (ValidationError, GeneratorExit):
        raise
    except Exception:  # malformed XML, a shared string index out of range...
        raise _unreadable_xlsx() from None
    finally:
        source.close()
        reader.archive.close()


_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_ROW, _CELL, _VALUE, _TEXT = (f"{_MAIN_NS}{tag}" for tag in ("row", "c", "v", "t"))
_COLUMN_LETTERS = re.compile(r"[A-Z]+")


def _column_of(reference: str | None, previous: int) -> int:
    match = _COLUMN_LETTERS.match(reference or "")
    if not match:
        return previous + 1
    column = 0
    for letter in match.group():
        column = column * 26 + ord(letter) - 64
    return column


def _cell_text(cell: Element, shared_strings: Sequence[object]) -> str:
    kind = cell.get("t", "n")
    if kind == "inlineStr":
        return "".join(t.text or "" for t in cell.iter(_TEXT))
    value: str | None = cell.findtext(_VALUE)
    if value is None:
        return ""
    if kind == "s":
        return str(shared_strings[int(value)])
    if kind == "b":
        return "True" if value == "1" else "False"
    if kind == "n":
        return str(float(value)) if any(ch in value for ch in ".eE") else str(int(value))
    return value  # str (a formula's text), e (an error like #N/A), d (an ISO date)


def _sheet_rows(source: IO[bytes], shared_strings: Sequence[object]) -> Iterator[list[str]]:
    """Rows as lists of text; cells past MAX_COLUMNS are dropped as they are read, so a row costs at most that."""
    from xml.etree.ElementTree import iterparse

    row_element = None
    values: dict[int, str] = {}
    column = 0
    scanned = 0
    for event, element in iterparse(source, events=("start", "end")):  # noqa: S314  expat in Python 3.11 resolves no external entities and limits entity expansion
        if event == "start":
            if element.tag == _ROW:
                row_element, values, column = element, {}, 0
            continue
        if element.tag == _CELL and row_element is not None:
            column = _column_of(element.get("r"), column)
            if column <= MAX_COLUMNS:
                values[column] = _cell_text(element, shared_strings)
            row_element.clear()  # the cell is read: drop it (and its siblings before it) from the tree
        elif element.tag == _ROW:
            scanned += 1
            if scanned > MAX_XLSX_SCANNED_ROWS:
                raise _too_many_rows(MAX_XLSX_ROWS)
            width = max(values, default=0)
            yield [values.get(c, "") for c in range(1, width + 1)]
            element.clear()
            row_element = None
