"""Hostile upload files, written to disk in a stream (never whole in memory), for the bench and the tests.

- `xlsx_million_rows`: a real workbook (about 2.9 MB) whose sheet unpacks to 1,000,000 rows;
- `xlsx_zip_bomb`: a workbook whose shared strings unpack to `unpacked_mb` of one repeated letter;
- `csv_large`: a well-formed CSV list of `mb` megabytes;
- `csv_long_field`: one cell longer than csv's 128 KiB field limit;
- `csv_nul_bytes`: a list with NUL bytes in it (what Excel's "Unicode text" or a renamed binary gives).
"""

import zipfile
from pathlib import Path

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Daftar" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
    'Target="sharedStrings.xml"/></Relationships>'
)
_SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
_SHEET_TAIL = "</sheetData></worksheet>"
_SST_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'


def _workbook(path: Path, *, sheet_rows, shared_strings) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as member:
            for chunk in shared_strings:
                member.write(chunk.encode())
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            member.write(_SHEET_HEAD.encode())
            for chunk in sheet_rows:
                member.write(chunk.encode())
            member.write(_SHEET_TAIL.encode())
    return path


def xlsx_million_rows(path: Path, rows: int = 1_000_000) -> Path:
    """Header (session, name, phone) and `rows` rows of one name and ever other phone numbers (cells without coordinates, as some exporters write them)."""

    def sheet():
        yield '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row>'
        batch = []
        for n in range(2, rows + 2):
            batch.append(f'<row><c><v>1</v></c><c t="s"><v>3</v></c><c><v>{81200000000 + n}</v></c></row>')
            if len(batch) == 5000:
                yield "".join(batch)
                batch = []
        yield "".join(batch)

    strings = [
        _SST_HEAD
        + "<si><t>session</t></si><si><t>name</t></si><si><t>phone</t></si><si><t>Ani</t></si><si><t>081211112222</t></si></sst>"
    ]
    return _workbook(path, sheet_rows=sheet(), shared_strings=strings)


def xlsx_zip_bomb(path: Path, unpacked_mb: int = 1024) -> Path:
    """A workbook of a few hundred KB whose one shared string unpacks to `unpacked_mb` megabytes."""

    def strings():
        yield _SST_HEAD + "<si><t>"
        chunk = "A" * (1024 * 1024)
        for _ in range(unpacked_mb):
            yield chunk
        yield "</t></si></sst>"

    sheet = ['<row r="1"><c r="A1" t="s"><v>0</v></c></row>']
    return _workbook(path, sheet_rows=sheet, shared_strings=strings())


def csv_large(path: Path, mb: int = 50) -> Path:
    line = b"1,Ani Lestari,081211112222\n"
    block = line * ((1024 * 1024) // len(line) + 1)
    with path.open("wb") as out:
        out.write(b"session,name,phone\n")
        for _ in range(mb):
            out.write(block[: 1024 * 1024])
    return path


def csv_long_field(path: Path, field_kib: int = 129) -> Path:
    path.write_bytes(b"session,name,phone\n1," + b"A" * (field_kib * 1024) + b",081211112222\n")
    return path


def csv_nul_bytes(path: Path) -> Path:
    path.write_bytes(b"session,name,phone\n1,Ani\x00,081211112222\n" + b"\x00\x01\x02\xff" * 1000)
    return path
