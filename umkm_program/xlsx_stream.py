"""An XLSX workbook written as a stream of bytes, row by row, in constant memory.

openpyxl (even write-only) keeps the whole file until `save()`, so a 100,000-row export held
the worker for the whole query and about as much memory as the file. Here the workbook is a
zip archive written to a sink that is emptied after every few rows: the sheet's XML goes out
as it is produced, with inline strings (no shared-string table to hold), and the zip's sizes
and checksums follow each member in data descriptors, which every reader of XLSX understands
(Excel, LibreOffice, openpyxl).

Cells are the ones openpyxl wrote before: numbers are numbers, booleans booleans, everything
else text, and text that a spreadsheet would run as a formula is a string cell with the
"quote prefix" style (umkm_program.spreadsheets decides which text that is).
"""

import datetime as dt
import zipfile
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from xml.sax.saxutils import escape

CHUNK_BYTES = 64 * 1024
# XML 1.0 has no way to write these; openpyxl refused such text with an error, here it is left out.
_ILLEGAL_XML = dict.fromkeys([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "{sheets}</Types>"
)
_SHEET_CONTENT_TYPE = (
    '<Override PartName="/xl/worksheets/sheet{n}.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>{sheets}</sheets></workbook>'
)
_WORKBOOK_SHEET = '<sheet name="{name}" sheetId="{n}" r:id="rId{n}"/>'
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{sheets}'
    '<Relationship Id="rIdStyles" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
    'Target="styles.xml"/></Relationships>'
)
_WORKBOOK_SHEET_REL = (
    '<Relationship Id="rId{n}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet{n}.xml"/>'
)
# Style 0 is the default; style 1 marks text typed with a leading apostrophe (never a formula).
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
_SHEET_START = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
_SHEET_END = "</sheetData></worksheet>"


def column_letter(index: int) -> str:
    """'A' for 0, 'Z' for 25, 'AA' for 26."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _text(value: str) -> str:
    return escape(value.translate(_ILLEGAL_XML))


def _cell(ref: str, value, starts_formula: Callable[[str], bool]) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float | Decimal):
        return f'<c r="{ref}"><v>{value}</v></c>'
    text = value.isoformat() if isinstance(value, dt.date) else str(value)
    if not text:
        return ""  # an empty cell, as openpyxl read back the empty text it wrote
    style = ' s="1"' if starts_formula(text) else ""
    return f'<c r="{ref}"{style} t="inlineStr"><is><t xml:space="preserve">{_text(text)}</t></is></c>'


def _row(number: int, values: Iterable, columns: list[str], starts_formula: Callable[[str], bool]) -> str:
    cells = []
    for i, value in enumerate(values):
        if i == len(columns):
            columns.append(column_letter(i))
        cells.append(_cell(f"{columns[i]}{number}", value, starts_formula))
    return f'<row r="{number}">{"".join(cells)}</row>'


class _Sink:
    """A write-only file for ZipFile: collects what it is given until the stream takes it."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.size = 0

    def write(self, data: bytes) -> int:
        self.parts.append(bytes(data))
        self.size += len(data)
        return len(data)

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self.parts)
        self.parts, self.size = [], 0
        return data


def xlsx_stream(
    sheets: Iterable[tuple[str, Iterable, Iterable[Iterable]]],
    *,
    starts_formula: Callable[[str], bool],
    chunk_bytes: int = CHUNK_BYTES,
) -> Iterator[bytes]:
    """The bytes of one workbook with a sheet per (title, header, rows), in pieces of about `chunk_bytes`.

    Titles must already be valid sheet names (umkm_program.spreadsheets.sheet_title).
    """
    sink = _Sink()
    titles = []
    # The sink has no tell() or seek(), so ZipFile writes sizes after each member (data descriptors).
    with zipfile.ZipFile(sink, mode="w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for n, (title, header, rows) in enumerate(sheets, start=1):
            titles.append(title)
            columns: list[str] = []
            # Without a size known in advance a member may reach 2 GiB (zip64 local headers confuse some Excel
            # versions); a sheet holds at most 1,048,576 rows, about 1 GB of XML for the widest export.
            with archive.open(f"xl/worksheets/sheet{n}.xml", mode="w") as member:
                yield sink.take()  # the member's header: the download starts before the first row is read
                pending = [_SHEET_START, _row(1, header, columns, starts_formula)]
                pending_size = 0
                for number, row in enumerate(rows, start=2):
                    line = _row(number, row, columns, starts_formula)
                    pending.append(line)
                    pending_size += len(line)
                    if pending_size >= chunk_bytes:
                        member.write("".join(pending).encode())
                        pending, pending_size = [], 0
                        if sink.size:
                            yield sink.take()
                pending.append(_SHEET_END)
                member.write("".join(pending).encode())
            yield sink.take()
        sheet_numbers = range(1, len(titles) + 1)
        archive.writestr(
            "[Content_Types].xml", _CONTENT_TYPES.format(sheets="".join(_SHEET_CONTENT_TYPE.format(n=n) for n in sheet_numbers))
        )
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr(
            "xl/workbook.xml",
            _WORKBOOK.format(
                sheets="".join(_WORKBOOK_SHEET.format(name=escape(t, {'"': "&quot;"}), n=n) for n, t in enumerate(titles, 1))
            ),
        )
        sheet_rels = "".join(_WORKBOOK_SHEET_REL.format(n=n) for n in sheet_numbers)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS.format(sheets=sheet_rels))
        archive.writestr("xl/styles.xml", _STYLES)
    yield sink.take()
