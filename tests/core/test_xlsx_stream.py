"""The streamed workbook (umkm_program/xlsx_stream.py) holds the cells openpyxl wrote before it, for every kind of value."""

import io
from decimal import Decimal

from openpyxl import load_workbook

from umkm_program.spreadsheets import xlsx_bytes, xlsx_chunks
from umkm_program.xlsx_stream import column_letter

HEADER = ["id", "nama", "kosong", "angka", "ya/tidak"]
ROWS = [
    [1, "Siti Rahma", None, -3, True],
    [2, '=HYPERLINK("http://x?"&C2,"klik")', "", 12.5, False],
    [3, "  spasi di tepi  ", "a & b < c > d \"kutip\" 'apostrof'", Decimal("7.25"), None],
    [4, "\rbaris", "@SUM(A1)", 0, True],
    [5, "عبد الله · Ñusantara 🙂", "-1+2", 10**12, False],
]


def _cells(data: bytes) -> list[list[tuple]]:
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    # an empty cell has no type worth comparing (openpyxl wrote empty text as an empty inline string)
    return [
        [(c.value, c.data_type if c.value is not None else None, bool(c.quotePrefix)) for c in row] for row in sheet.iter_rows()
    ]


def test_streamed_workbook_has_the_cells_openpyxl_wrote():
    before = xlsx_bytes([("participants", HEADER, ROWS)])
    streamed = b"".join(xlsx_chunks([("participants", HEADER, ROWS)]))

    assert _cells(streamed) == _cells(before)
    assert load_workbook(io.BytesIO(streamed)).sheetnames == ["participants"]


def test_formula_text_is_a_quoted_string_and_numbers_stay_numbers():
    cells = _cells(b"".join(xlsx_chunks([("x", HEADER, ROWS)])))

    assert cells[2][1] == ('=HYPERLINK("http://x?"&C2,"klik")', "s", True)
    assert cells[4][2] == ("@SUM(A1)", "s", True)
    assert cells[1][3] == (-3, "n", False)
    assert cells[1][4] == (True, "b", False)


def test_many_sheets_and_many_columns():
    wide = [f"k{i}" for i in range(30)]
    chunks = list(xlsx_chunks([("a:b/c", wide, [list(range(30))] * 3), ("kedua", ["x"], [[1], [2]])]))
    workbook = load_workbook(io.BytesIO(b"".join(chunks)))

    assert workbook.sheetnames == ["a-b-c", "kedua"]
    assert workbook.worksheets[0]["AD4"].value == 29
    assert [c.value for c in workbook.worksheets[1]["A"]] == ["x", 1, 2]
    assert [column_letter(i) for i in (0, 25, 26, 701, 702)] == ["A", "Z", "AA", "ZZ", "AAA"]


def test_a_large_sheet_leaves_in_many_small_pieces():
    rows = ([i, f"Peserta nomor {i}", "+62812" + str(i).zfill(8)] for i in range(20_000))

    pieces = list(xlsx_chunks([("p", ["id", "nama", "telepon"], rows)]))

    assert len(pieces) > 10
    assert max(len(p) for p in pieces) < 256 * 1024
    sheet = load_workbook(io.BytesIO(b"".join(pieces)), read_only=True).worksheets[0]
    assert sum(1 for _ in sheet.iter_rows()) == 20_001
