"""guard.py: hostile files are refused before a reader touches them, with a reason.

Each file is generated here (tests/hostile_files.py); python-calamine would
abort the process on several of them, so the refusal must come first.
"""

from __future__ import annotations

import os
import re
import struct
import zipfile

import openpyxl
import pytest

from cluster_xl import guard
from cluster_xl.issues import flatten
from cluster_xl.plan import default_plan
from cluster_xl.reader import read_submission

import hostile_files as h
from conftest import EXAMPLES

PLAN = default_plan()
ODS = EXAMPLES / "07_spt_2026-10.ods"


@pytest.fixture(scope="module")
def example(generated_examples):
    return generated_examples / "01_spk_2026-10.xlsx"


def refusal(path) -> guard.Refusal:
    with pytest.raises(guard.Refusal) as caught:
        guard.inspect(path)
    return caught.value


def outcome(path) -> list[tuple]:
    result = read_submission(path, PLAN)
    assert result.submission is None
    return flatten(result.issues)


def test_the_examples_pass_and_keep_their_kind(example):
    assert guard.inspect(example).kind == guard.XLSX
    assert guard.inspect(ODS).kind == guard.ODS
    assert guard.inspect(example).formula_cells == {}


def test_zip_bomb_declared_sizes(example, tmp_path):
    path = h.zip_bomb(example, tmp_path / "bomb.xlsx", unpacked_mb=120)
    assert path.stat().st_size < 1_000_000
    assert outcome(path) == [("bomb.xlsx", "", "", "file-too-large")]
    assert "zip-бомб" in refusal(path).reason


def test_zip_bomb_lying_about_its_size_is_caught_by_inflating(example, tmp_path):
    path = h.zip_bomb(example, tmp_path / "liar.xlsx", unpacked_mb=120, lie=True)
    with zipfile.ZipFile(path) as z:
        assert sum(i.file_size for i in z.infolist()) < guard.MAX_UNPACKED_BYTES
    assert outcome(path) == [("liar.xlsx", "", "", "file-too-large")]


def test_a_stray_value_far_away_is_refused_with_the_sheet_named(example, tmp_path):
    path = h.with_far_cell(example, tmp_path / "far.xlsx", "Мероприятия", "XFD1048576")
    assert outcome(path) == [("far.xlsx", "", "", "file-too-large")]
    reason = refusal(path).reason
    assert "лист «Мероприятия»" in reason and "1\u00a0048\u00a0576 строк × 16\u00a0384 столбцов" in reason


def test_a_row_at_a_million_in_one_column_is_refused(example, tmp_path):
    path = h.with_far_cell(example, tmp_path / "far.xlsx", "Титул", "A1000000")
    assert refusal(path).code == guard.TOO_LARGE


def test_a_declared_dimension_alone_is_harmless_and_read(example, tmp_path):
    path = h.with_declared_dimension(example, tmp_path / "dim.xlsx", "Мероприятия")
    result = read_submission(path, PLAN)
    assert result.submission is not None and result.issues == ()


def test_cells_without_addresses_are_counted_as_a_reader_lays_them_out(example, tmp_path):
    # 2 000 rows with no «r», then a cell 600 columns along: 1.2 million cells from A1.
    rows = b"<row/>" * 2000 + b"<row>" + b"<c/>" * 600 + b"<c><v>7</v></c></row></sheetData>"
    part = h.sheet_part(example, "Показатели")
    path = h.rewrite_zip(example, tmp_path / "seq.xlsx", {part: lambda d: d.replace(b"</sheetData>", rows)})
    assert refusal(path).code == guard.TOO_LARGE


def test_an_address_hidden_behind_character_references_is_still_found(example, tmp_path):
    far = b'<row r="1048576"><c r="&#88;FD1048576"><v>1</v></c></row></sheetData>'
    part = h.sheet_part(example, "Титул")
    path = h.rewrite_zip(example, tmp_path / "esc.xlsx", {part: lambda d: d.replace(b"</sheetData>", far)})
    assert refusal(path).code == guard.TOO_LARGE


def test_a_cell_hidden_in_a_comment_trick_is_still_found(example, tmp_path):
    far = (b'<!-- <x a=" --><row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
           b'<!-- " > --></sheetData>')
    part = h.sheet_part(example, "Титул")
    path = h.rewrite_zip(example, tmp_path / "hide.xlsx", {part: lambda d: d.replace(b"</sheetData>", far)})
    assert refusal(path).code == guard.TOO_LARGE


def test_entity_expansion_is_refused(example, tmp_path):
    path = h.with_entity_expansion(example, tmp_path / "laughs.xlsx")
    assert outcome(path) == [("laughs.xlsx", "", "", "unreadable-file")]
    assert "DOCTYPE" in refusal(path).reason


def test_a_declared_count_readers_would_reserve_is_refused(example, tmp_path):
    path = h.with_declared_strings(example, tmp_path / "strings.xlsx")
    assert outcome(path) == [("strings.xlsx", "", "", "file-too-large")]


def test_ods_rows_repeated_a_million_times_are_refused(tmp_path):
    path = h.ods_with_repeated_rows(ODS, tmp_path / "rows.ods", repeat=1_000_000)
    assert outcome(path) == [("rows.ods", "", "", "file-too-large")]
    assert "лист «Мероприятия»" in refusal(path).reason


def test_ods_trailing_empty_repeats_written_by_libreoffice_are_fine():
    with zipfile.ZipFile(ODS) as z:
        assert b'number-rows-repeated="10485' in z.read("content.xml")
    assert guard.inspect(ODS).kind == guard.ODS


def test_encrypted_workbook_says_password(tmp_path):
    path = h.encrypted_xlsx(tmp_path / "secret.xlsx")
    assert outcome(path) == [("secret.xlsx", "", "", "password-protected")]
    message = read_submission(path, PLAN).issues[0].message
    assert message.startswith("Файл защищён паролем") and "Снимите пароль" in message


def test_xls_with_a_password_record(tmp_path):
    path = h.xls_file(tmp_path / "secret.xls", {"Лист1": {(0, 0): 1}}, password=True)
    assert outcome(path) == [("secret.xls", "", "", "password-protected")]


def test_xls_grid_to_the_last_cell_is_refused_with_the_sheet_named(tmp_path):
    path = h.xls_file(tmp_path / "grid.xls", {"Отчёт": {(0, 0): 1, (65535, 255): 2}})
    assert outcome(path) == [("grid.xls", "", "", "file-too-large")]
    assert "лист «Отчёт»" in refusal(path).reason


def test_xls_declaring_millions_of_strings_is_refused(tmp_path):
    path = h.xls_file(tmp_path / "sst.xls", {"Лист1": {(0, 0): "а"}}, declared_strings=2_000_000_000)
    assert refusal(path).code == guard.TOO_LARGE


def test_an_xls_renamed_to_xlsx_is_read_as_what_it_is(tmp_path):
    path = h.xls_file(tmp_path / "old.xlsx", {"Лист1": {(0, 0): "Сотрудник", (0, 1): "Оклад"}})
    assert guard.inspect(path).kind == guard.XLS
    result = read_submission(path, PLAN)
    assert flatten(result.issues) == [("old.xlsx", "", "", "not-a-template")]


def test_a_compound_file_that_is_not_a_workbook(tmp_path):
    path = tmp_path / "letter.xls"
    path.write_bytes(h.ole_file({"WordDocument": b"x" * 5000}))
    assert outcome(path) == [("letter.xls", "", "", "unreadable-file")]
    assert "Word" in refusal(path).reason


def test_a_compound_file_with_a_looping_chain_is_damaged(tmp_path):
    data = bytearray(h.ole_file({"Workbook": h.biff_workbook({"Лист1": {(0, 0): 1}})}))
    fat = 512  # the first FAT sector follows the header; point the stream's last sector back
    entries = struct.unpack_from("<128I", data, fat)
    last = max(i for i, v in enumerate(entries) if v == 0xFFFFFFFE)
    struct.pack_into("<I", data, fat + 4 * last, last - 1)
    path = tmp_path / "loop.xls"
    path.write_bytes(bytes(data))
    assert outcome(path) == [("loop.xls", "", "", "unreadable-file")]


@pytest.mark.parametrize("name, content, words", [
    ("empty.xlsx", b"", "файл пуст"),
    ("page.xls", b"<html><body><table></table></body></html>", "веб-страниц"),
    ("scan.xlsx", b"%PDF-1.4\n", "PDF"),
    ("note.xlsx", "Уважаемые коллеги!".encode() * 20, "формат файла не распознан"),
    ("xlsb.xlsx", None, ".xlsb"),
    ("archive.xlsx", None, "архив не является книгой"),
])
def test_what_a_file_is_instead_of_a_workbook(tmp_path, name, content, words):
    path = tmp_path / name
    if content is None:
        with zipfile.ZipFile(path, "w") as z:
            z.writestr("xl/workbook.bin" if "xlsb" in name else "readme.txt", b"x")
    else:
        path.write_bytes(content)
    assert outcome(path) == [(name, "", "", "unreadable-file")]
    assert words in refusal(path).reason


def test_truncated_archive(example, tmp_path):
    path = tmp_path / "cut.xlsx"
    path.write_bytes(example.read_bytes()[:9000])
    assert outcome(path) == [("cut.xlsx", "", "", "unreadable-file")]
    assert "передан не полностью" in refusal(path).reason


def test_a_damaged_part_fails_its_checksum(example, tmp_path):
    data = bytearray(example.read_bytes())
    with zipfile.ZipFile(example) as z:
        info = z.getinfo("xl/sharedStrings.xml")
    data[info.header_offset + 30 + len(info.filename) + 40] ^= 0xFF
    path = tmp_path / "bitrot.xlsx"
    path.write_bytes(bytes(data))
    assert outcome(path) == [("bitrot.xlsx", "", "", "unreadable-file")]


def test_larger_than_the_limit_on_disk(tmp_path, monkeypatch):
    monkeypatch.setattr(guard, "MAX_FILE_BYTES", 1000)
    path = tmp_path / "big.xlsx"
    path.write_bytes(b"PK\x03\x04" + bytes(2000))
    assert outcome(path) == [("big.xlsx", "", "", "file-too-large")]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_named_pipe_is_not_read(tmp_path):
    path = tmp_path / "pipe.xlsx"
    os.mkfifo(path)
    assert outcome(path) == [("pipe.xlsx", "", "", "unreadable-file")]
    assert "не обычный файл" in refusal(path).reason


def test_formula_without_a_cached_value_is_found_with_its_sheet(example, tmp_path):
    path = h.with_formula_without_value(example, tmp_path / "f.xlsx", "Мероприятия", "E6")
    assert guard.inspect(path).formula_cells == {"Мероприятия": frozenset({"E6"})}


@pytest.mark.parametrize("xml, rows, cols", [
    (b'<row r="3"><c r="B3"><v>1</v></c><c><v>2</v></c></row><row><c><v>3</v></c></row>', 4, 3),
    # Comments, CDATA and quoted «>» cannot hide a cell from the count.
    (b'<!-- <x a=" --><row r="9"><c r="Z9"><v>1</v></c></row><!-- " > -->', 9, 26),
    (b'<row r="2"><c r="A2" t="s" x="a>b"><v>1</v></c></row><![CDATA[ <c r="A1"> ]]>', 2, 1),
    # A namespace declaration named «r» is not the address; the farthest address counts.
    (b'<row r="5"><c xmlns:r="A1" r="C5"><v>1</v></c></row>', 5, 3),
    # Self-closing and empty cells hold nothing; a formula with no value holds its place.
    (b'<row r="7"><c r="K7" s="1"/><c r="B7"><f>1+1</f></c></row>', 7, 2),
])
def test_walking_a_sheet_counts_cells_as_a_reader_places_them(xml, rows, cols):
    sheet = guard._walk_xlsx_sheet("s", b"<worksheet><sheetData>" + xml + b"</sheetData></worksheet>")
    assert (sheet.rows, sheet.cols) == (rows, cols)


def test_utf16_parts_are_scanned_too():
    xml = '<worksheet><sheetData><row r="2000"><c r="ZZ2000"><v>1</v></c></row></sheetData></worksheet>'
    book = guard._BookArea()
    guard._scan_xlsx_sheet("s", "\ufeff".encode("utf-16-le") + xml.encode("utf-16-le"), book)
    assert book.sheets[0].cells >= 2000 * 702


def test_formula_location_in_the_walk():
    sheet = guard._walk_xlsx_sheet("s", b'<row r="4"><c r="D4"><f>A1</f><v></v></c>'
                                        b'<c r="E4"><f>A1</f><v>3</v></c></row>')
    assert sheet.formulas == {"D4"}


def test_ods_formula_without_a_value_is_reported_at_its_cell(tmp_path):
    """An .ods written by a program that does not compute: table:formula, no value."""
    def edit(d: bytes) -> bytes:
        text = d.decode()
        cell = re.search(r'<table:table-cell[^>]*office:value-type="float"[^>]*>(.*?)</table:table-cell>',
                         text, re.S)
        bare = re.sub(r'\s(?:office|calcext):value(?:-type)?="[^"]*"', "", cell.group(0))
        bare = bare.replace(cell.group(1), "").replace("<table:table-cell ",
                                                       '<table:table-cell table:formula="of:=1+2" ', 1)
        return (text[:cell.start()] + bare + text[cell.end():]).encode()
    path = h.rewrite_zip(ODS, tmp_path / "f.ods", {"content.xml": edit})
    # The first number of the sheet is 1.1.1, plan 2026, in D6 (as the reader of the original says).
    assert guard.inspect(path).formula_cells == {"Мероприятия": frozenset({"D6"})}
    assert flatten(read_submission(path, PLAN).issues) == [
        ("f.ods", "Мероприятия", "D6", "formula-without-value")]


def test_loose_bounds_that_add_up_too_far_are_walked_before_refusing(tmp_path):
    """Seven sheets of 500 numbers in column A: each bound is ~500 000 cells, the truth 500."""
    wb = openpyxl.Workbook()
    for n in range(7):
        ws = wb.create_sheet(f"Лист{n + 2}")
        for r in range(1, 501):
            ws.cell(r, 1, r)
    wb.save(tmp_path / "tall.xlsx")
    with zipfile.ZipFile(tmp_path / "tall.xlsx") as z:
        bounds = [guard._xlsx_bound(z.read(n)) for n in z.namelist() if n.startswith("xl/worksheets/")]
    assert sum(r * c for r, c in bounds) > guard.MAX_BOOK_CELLS
    assert guard.inspect(tmp_path / "tall.xlsx").kind == guard.XLSX
