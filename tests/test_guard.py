"""guard.py: hostile files are refused before a reader touches them, with a reason.

Each file is generated here (tests/hostile_files.py); python-calamine would
abort the process on several of them, so the refusal must come first.
"""

from __future__ import annotations

import os
import re
import struct
import zipfile
import zlib
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings, strategies as st

from cluster_xl.reading import guard
from cluster_xl.core.issues import flatten
from cluster_xl.plan.model import default_plan
from cluster_xl.reading.reader import read_submission

from helpers import hostile_files as h
from helpers import EXAMPLES

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


def test_formulas_only_in_the_self_check_keep_the_fast_path_and_elsewhere_are_walked(tmp_path):
    """The example .ods: formulas in «Проверка» and in the validations only, so its tables are
    bounded row by row; a formula without a value in a data table, or a table smuggled inside
    «Проверка», sends it to the walk, which finds the cell."""
    content = zipfile.ZipFile(ODS).read("content.xml")
    assert b"formula" in content and guard._formulas_only_where_unread(content)
    assert guard._ods_bound(content) is not None
    text = content.decode()
    at = text.index('table:name="Проверка"')
    at = text.index(">", at) + 1
    smuggled = (text[:at] + '<table:table table:name="Мероприятия"><table:table-row><table:table-cell '
                'table:formula="of:=1"/></table:table-row></table:table>' + text[at:]).encode()
    assert not guard._formulas_only_where_unread(smuggled) and guard._ods_bound(smuggled) is None
    data_formula = content.replace(b'<table:table table:name="\xd0\x9c', b'<!--formula--><table:table table:name="\xd0\x9c', 1)
    assert not guard._formulas_only_where_unread(data_formula)


def test_formula_location_in_the_walk():
    sheet = guard._walk_xlsx_sheet("s", b'<row r="4"><c r="D4"><f>A1</f><v></v></c>'
                                        b'<c r="E4"><f>A1</f><v>3</v></c></row>')
    assert sheet.formulas == {"D4"}


def test_ods_formula_without_a_value_is_reported_at_its_cell(tmp_path):
    """An .ods written by a program that does not compute: table:formula, no value."""
    def edit(d: bytes) -> bytes:
        text = d.decode()
        cell = re.compile(r'<table:table-cell[^>]*office:value-type="float"[^>]*>(.*?)</table:table-cell>',
                          re.S).search(text, text.index('table:name="Мероприятия"'))
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
    """Four sheets of 999 numbers in column A, the cells written without addresses (a cell
    without `r` is one column right of the previous): each bound is ~1 000 000 cells, the truth 999."""
    wb = openpyxl.Workbook()
    for n in range(4):
        ws = wb.create_sheet(f"Лист{n + 2}")
        for r in range(1, 1000):
            ws.cell(r, 1, r)
    wb.save(tmp_path / "addressed.xlsx")
    with zipfile.ZipFile(tmp_path / "addressed.xlsx") as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/")]
    unaddressed = lambda d: re.sub(rb'<c r="A\d+"', b"<c", d)  # noqa: E731
    h.rewrite_zip(tmp_path / "addressed.xlsx", tmp_path / "tall.xlsx", {n: unaddressed for n in sheets})
    with zipfile.ZipFile(tmp_path / "tall.xlsx") as z:
        bounds = [guard._xlsx_bound(z.read(n)) for n in z.namelist() if n.startswith("xl/worksheets/")]
    assert sum(r * c for r, c in bounds) > guard.MAX_BOOK_CELLS
    assert guard.inspect(tmp_path / "tall.xlsx").kind == guard.XLSX


# -- the fast paths: never a smaller area than the walk, the same formula cells ------------------
#
# `inspect` bounds a sheet from counts and a few searches and finds formula
# cells from the formulas alone; only what those cannot vouch for is walked
# tag by tag.  These cases and properties hold the fast paths to the walk.

_ADDRESSES = st.sampled_from(["A1", "B2", "Z999", "J65", "AA1", "A1000", "XFD1048576", "&#88;FD1",
                              "$B$2", "b5", "", "A", "12", "A0", "ABCDEFGH1"])
_R_SPELLINGS = st.sampled_from([' r="{}"', '\tr="{}"', " r='{}'", ' x:r="{}"', ' r ="{}"', '"r="{}"',
                                ' r={}', '\nr="{}"', ' xmlns:r="{}"', ' operator="{}"', ""])
_CELL_CONTENT = st.sampled_from([
    "<v>1</v>", "<v></v>", "<v> </v>", "<f>1+1</f>", "<f>1</f><v>2</v>", "<f/>", "<is><t>x</t></is>",
    "<f>1</f><v/>", "", "<f>'Лист 1'!A1</f>", '<f t="shared" si="0"/>', "<x:f>1</x:f>",
    "<v><![CDATA[5]]></v>", "<f>A1&gt;2</f><v>1</v>", '<c r="D4"><f>1</f>', "</c><f>2</f>"])
_SHEET_NOISE = st.sampled_from([
    "", "<!-- c -->", '<![CDATA[<c r="XFD1">]]>', '<x:c r="B2"><x:v>1</x:v></x:c>', '<x:row r="7"/>',
    '<dataValidation operator="between" error="e"><formula1>0</formula1></dataValidation>',
    '<t>a " b</t>', "<?pi x?>", "<?pi", '<a b="<c r=&quot;A1&quot;>"/>', "<!--", "\t", " = "])


@st.composite
def _sheets(draw) -> bytes:
    def cell():
        spelling, address = draw(_R_SPELLINGS), draw(_ADDRESSES)
        if draw(st.booleans()):
            return f"<c{spelling.format(address)}/>"
        style = draw(st.sampled_from(["", ' s="1"']))
        return f"<c{spelling.format(address)}{style}>{draw(_CELL_CONTENT)}</c>"

    def row():
        spelling = draw(_R_SPELLINGS).format(draw(st.sampled_from(["1", "5", "999", "1000", "1048576", ""])))
        cells = "".join(cell() for _ in range(draw(st.integers(0, 5))))
        return f"<row{spelling}/>" if draw(st.booleans()) else f"<row{spelling}>{cells}</row>"

    items = [row() if draw(st.booleans()) else draw(_SHEET_NOISE) for _ in range(draw(st.integers(0, 7)))]
    prolog = draw(st.sampled_from(["", '<?xml version="1.0"?>\n']))
    return f'{prolog}<worksheet xmlns:r="urn:r"><sheetData>{"".join(items)}</sheetData></worksheet>'.encode()


@settings(max_examples=400, deadline=None)
@given(_sheets())
def test_a_bounded_sheet_is_never_smaller_than_walked_and_has_the_same_formulas(part):
    try:
        walked = guard._walk_xlsx_sheet("s", part)
    except guard.Refusal:
        walked = None
    bounded = guard._bounded_xlsx_sheet("s", part)
    if bounded is None:
        return  # walked instead
    if walked is None:  # unterminated markup: as before, only a walked sheet is refused for it
        assert not guard._has_formulas(part)
        return
    assert bounded.rows >= walked.rows and bounded.cols >= walked.cols
    assert bounded.formulas == walked.formulas


_ODS_CELL_ATTRS = st.sampled_from(["", ' table:number-columns-repeated="{}"', ' office:value-type="float"',
                                   ' table:formula="of:=1"', ' table:style-name="ce1"',
                                   " table:number-columns-repeated='{}'", ' x:number-columns-repeated="{}"'])
_ODS_NOISE = st.sampled_from([
    "", "<!-- x -->", "<x:table-row>", "<table-row/>", "</table-row>", "</x:table-row>", "</table:table-row>",
    "<table:table-row>", "<table/>", "</table>",
    '<a b="<table:table-row>"/>', "<table:table-cell><text:p>v</text:p></table:table-cell>",
    '<table:table-cell table:number-columns-repeated="1000000"/>', "<x:table>",
    '<style:style style:family="table-row"/>', "table-row", "<table:table-row-group>", "</table:table>",
    '<table:table-column table:number-columns-repeated="16384"/>', "<?pi?>", "<text:p>a ' b</text:p>",
    "<x:table-cell/>"])


@st.composite
def _ods_contents(draw) -> bytes:
    def cell():
        kind = draw(st.sampled_from(["table-cell", "covered-table-cell"]))
        count = draw(st.sampled_from(["1", "2", "16384", "1000000", "0", "abc"]))
        attrs = "".join(draw(_ODS_CELL_ATTRS).format(count) for _ in range(draw(st.integers(0, 2))))
        if draw(st.booleans()):
            return f"<table:{kind}{attrs}/>"
        return f"<table:{kind}{attrs}><text:p>x</text:p></table:{kind}>"

    def row():
        count = draw(st.sampled_from(["1", "3", "1048576", "0"]))
        attrs = draw(st.sampled_from(["", f' table:number-rows-repeated="{count}"', ' table:style-name="ro1"']))
        cells = "".join(cell() for _ in range(draw(st.integers(0, 4))))
        return f"<table:table-row{attrs}/>" if draw(st.booleans()) else f"<table:table-row{attrs}>{cells}</table:table-row>"

    def table():
        items = [row() if draw(st.booleans()) else draw(_ODS_NOISE) for _ in range(draw(st.integers(0, 6)))]
        return f'<table:table table:name="T">{"".join(items)}</table:table>'

    body = "".join(table() if draw(st.booleans()) else draw(_ODS_NOISE) for _ in range(draw(st.integers(0, 3))))
    return ('<?xml version="1.0"?><office:document-content xmlns:table="urn:t"><office:body>'
            f"<office:spreadsheet>{body}</office:spreadsheet></office:body></office:document-content>").encode()


@settings(max_examples=400, deadline=None)
@given(_ods_contents())
def test_an_ods_bound_is_never_smaller_than_walked(part):
    bounds = guard._ods_bound(part)
    if bounds is None:
        return  # walked instead
    walked = guard._walk_ods(part)
    assert len(bounds) == len(walked)
    for (rows, cols), sheet in zip(bounds, walked):
        assert rows >= sheet.rows and cols >= sheet.cols
        assert not sheet.formulas


def test_the_examples_take_the_fast_paths(example):
    with zipfile.ZipFile(example) as z:
        sheets = [z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/")]
    assert sheets and all(guard._bounded_xlsx_sheet("s", part) for part in sheets)
    with zipfile.ZipFile(ODS) as z:
        assert guard._ods_bound(z.read("content.xml")) is not None


def test_formula_cells_are_found_without_walking_the_sheet(example, tmp_path):
    path = h.with_formula_without_value(example, tmp_path / "f.xlsx", "Мероприятия", "E6")
    with zipfile.ZipFile(path) as z:
        part = z.read(h.sheet_part(path, "Мероприятия"))
    assert guard._xlsx_formulas(part) == {"E6"} == guard._walk_xlsx_sheet("s", part).formulas
    computed = part.replace(b"<f>2+2</f>", b"<f>2+2</f><v>4</v>")
    assert guard._xlsx_formulas(computed) == set()


@pytest.mark.parametrize("spelling", ['\tr="{}"', ' x:r="{}"', ' r ="{}"', " r='{}'", '"r="{}"',
                                      ' r="&#88;{}"'])
def test_a_far_cell_is_refused_however_its_address_is_written(example, tmp_path, spelling):
    cell = spelling.format("XFD1048576" if "&#88;" not in spelling else "FD1048576")
    far = f'<row r="1048576"><c r="A1048576"><v>1</v></c><c{cell}><v>1</v></c></row></sheetData>'.encode()
    part = h.sheet_part(example, "Титул")
    path = h.rewrite_zip(example, tmp_path / "far.xlsx", {part: lambda d: d.replace(b"</sheetData>", far)})
    if spelling.startswith('"'):  # «<c"r=…»: the quote after the name leaves the tag unclosed
        refused = refusal(path)
        assert refused.code == guard.UNREADABLE and "незавершённый тег XML" in refused.reason
    else:
        assert refusal(path).code == guard.TOO_LARGE


def _ods_with(tmp_path, name: str, edit) -> Path:
    return h.rewrite_zip(ODS, tmp_path / name, {"content.xml": lambda d: edit(d.decode()).encode()})


def _first_value_row(text: str) -> int:
    """The first row of «Мероприятия» holding a number (the self-check before it holds numbers too)."""
    cell = text.index('office:value-type="float"', text.index('table:name="Мероприятия"'))
    return text.rindex("<table:table-row", 0, cell)


def test_ods_empty_cells_repeated_before_a_value_are_counted(tmp_path):
    """A row's empty cells count for nothing only where nothing follows them."""
    def edit(text: str) -> str:
        at = text.index(">", _first_value_row(text)) + 1
        return text[:at] + '<table:table-cell table:number-columns-repeated="1000000"/>' + text[at:]
    path = _ods_with(tmp_path, "wide.ods", edit)
    assert outcome(path) == [("wide.ods", "", "", "file-too-large")]
    assert "лист «Мероприятия»" in refusal(path).reason


def test_ods_empty_rows_repeated_before_a_value_are_counted(tmp_path):
    """Empty rows count for nothing only after the last row that holds something."""
    def edit(text: str) -> str:
        at = _first_value_row(text)
        return (text[:at] + '<table:table-row table:number-rows-repeated="1048000">'
                '<table:table-cell table:number-columns-repeated="16384"/></table:table-row>' + text[at:])
    path = _ods_with(tmp_path, "tall.ods", edit)
    assert outcome(path) == [("tall.ods", "", "", "file-too-large")]
    assert "лист «Мероприятия»" in refusal(path).reason


def test_ods_tables_adding_up_too_far_are_named_by_the_walk(tmp_path, monkeypatch):
    monkeypatch.setattr(guard, "MAX_BOOK_CELLS", 100)  # the example's tables hold more than this
    assert refusal(ODS).reason.startswith("листы книги вместе занимают")
    monkeypatch.setattr(guard, "MAX_SHEET_CELLS", 100)
    assert refusal(ODS).reason.startswith("лист «Проверка» занимает")  # the first sheet over 100 cells


def test_a_declared_count_too_long_to_be_a_number_is_refused_not_a_crash(example, tmp_path):
    digits = b'uniqueCount="' + b"9" * 5000 + b'"'  # more digits than Python converts to an int
    path = h.rewrite_zip(example, tmp_path / "digits.xlsx", {"xl/sharedStrings.xml": lambda d: re.sub(
        rb'uniqueCount="\d+"', digits, d)})
    assert refusal(path).code == guard.TOO_LARGE


def test_a_part_larger_than_a_chunk_is_measured_then_kept_whole():
    xml = b"<sst>" + b"<si><t>x</t></si>" * 200_000 + b"</sst>"  # 3.4 MB, several chunks
    raw = zlib.compress(xml)[2:-4]
    size, crc, kept = guard._inflate_deflated(raw, guard.MAX_UNPACKED_BYTES, "p", len(raw), keep=True)
    assert (size, crc, kept) == (len(xml), zlib.crc32(xml), xml)
    assert guard._inflate_deflated(raw, guard.MAX_UNPACKED_BYTES, "p", len(raw), keep=False)[2] == b""
    with pytest.raises(guard.Refusal) as caught:
        guard._inflate_deflated(raw, 2 * guard._CHUNK, "p", len(raw), keep=True)
    assert caught.value.code == guard.TOO_LARGE


def test_a_refusal_about_a_sheet_part_names_the_sheet(example, tmp_path):
    # «xl/worksheets/sheetN.xml» means nothing to a college; the sheet's name does.
    with zipfile.ZipFile(example) as z:
        parts = {i.filename: z.read(i.filename) for i in z.infolist()}
        names = guard._xlsx_sheet_names({n.lower(): parts[n] for n in parts
                                         if n.lower() in guard._WORKBOOK_PARTS})
    part = next(p for p, name in names.items() if name == "Мероприятия")
    parts[part] = parts[part].replace(b"</worksheet>", b'<mergeCells count="9999999"/></worksheet>')
    path = tmp_path / "merged.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in parts.items():
            z.writestr(name, content)
    reason = refusal(path).reason
    assert "лист «Мероприятия»" in reason and "9\u00a0999\u00a0999" in reason
    assert outcome(path) == [("merged.xlsx", "", "", "file-too-large")]


# -- every scan linear in its input -------------------------------------------
#
# Each case times a scan on n and on 4n copies of an adversarial pattern (the
# least of a few runs: a 2-core machine is noisy) and asks for less than 8×:
# linear is about 4×, quadratic 16×.  Each case stays well under a second.

import time


def _least_time(scan, data, runs: int = 3) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        try:
            scan(data)
        except guard.Refusal:
            pass
        best = min(best, time.perf_counter() - started)
    return best


def assert_linear(scan, make, n: int):
    small_data, large_data = make(n), make(4 * n)
    for _ in range(3):  # measured again if another process took the CPU meanwhile
        small, large = _least_time(scan, small_data), _least_time(scan, large_data)
        if large < 8 * small + 0.005:
            return
    assert large < 8 * small + 0.005, f"{small * 1e3:.1f} ms for n, {large * 1e3:.1f} ms for 4n"


def _inspect_file(path: Path) -> None:
    guard.inspect(path)


_TAG_SCANS = {
    # the attribute regex once began anew at every character of a failed name
    "attribute name run": (lambda d: guard._attrs(d), lambda n: b"x" * n + "Я".encode() + b'="1"', 50_000),
    "attribute name runs": (lambda d: guard._attrs(d), lambda n: b"9x " * n + b"=", 20_000),
    "unclosed quote": (lambda d: guard._attrs(d), lambda n: b'a="' + b"b=" * n, 50_000),
    # a tag whose quotes pair up past every later «<»: each «<» scanned to the end
    "tags in quotes": (lambda d: list(guard._tokens(d)), lambda n: b"<a '\"" * n + b"<b>", 20_000),
    "tag name run": (lambda d: list(guard._tokens(d)), lambda n: b"<" + b"x" * n, 50_000),
    "many tags": (lambda d: list(guard._tokens(d)), lambda n: b"<a b='1'/>" * n, 5_000),
    # «table » in a text: the .ods tag regex scanned from every word to the text's end
    "table words": (guard._ods_bound, lambda n: b"<table:table><text:p>" + b"table " * n
                    + b"</text:p></table:table>", 20_000),
    "table-row words": (guard._ods_bound, lambda n: b"<table:table>" + b"table-row " * n, 20_000),
    # a formula after many tags beginning with «<c»: each stepped back over all of them
    "formulas after <cx/>": (guard._xlsx_formulas, lambda n: b"<cx/>" * n + b"<fx><f>1</f></fx>" * n, 5_000),
    "formulas in one cell": (guard._xlsx_formulas, lambda n: b'<c r="A1">' + b"<f/>" * n + b"</c>", 10_000),
    "formulas, no cell end": (guard._xlsx_formulas, lambda n: b'<c r="A1">' + b"<f>1</f>" * n, 10_000),
    "values in one cell": (guard._xlsx_formulas, lambda n: b'<c r="A1"><f/>' + b"<v> </v>" * n + b"</c>", 10_000),
    # two runs of spaces around an absent quote, split in every way
    "spaces in a repeat count": (lambda d: guard._ods_repeat(d, 0, len(d)),
                                 lambda n: b"rows-repeated=" + b" " * n + b"x", 20_000),
    "spaces in an address": (guard._ref, lambda n: b" " * n + b"!", 20_000),
    "spaces in a count": (lambda d: guard._check_xml_declarations("x", d),
                          lambda n: b'ount="' + b" " * n + b"x", 20_000),
    "cell attributes": (lambda d: guard._CELL_ATTRS.fullmatch(d), lambda n: b" " * n + b"x", 20_000),
    # «!» and «?» are looked for before «<!»: a text of them was a Python loop
    "exclamation marks": (guard._has_markup_declaration, lambda n: b"!" * n, 200_000),
    "question marks": (guard._plain_markup, lambda n: b"a?" * n, 100_000),
    "addresses, near": (lambda d: guard._xlsx_bound(d, coarse=True),
                        lambda n: b'<row r="1">' + b'<c r="A1"><v>1</v></c>' * n, 20_000),
    "addresses, far": (guard._xlsx_bound, lambda n: b'<row r="1">' + b'<c r="XFD1"><v>1</v></c>' * n, 20_000),
    "letters in addresses": (guard._xlsx_bound, lambda n: b' r="' + b"A" * n + b"1x", 20_000),
    "exact area": (guard._exact_xlsx_area, lambda n: b'<row r="1">' + b'<c r="B7"><v>1</v></c>' * n, 20_000),
    "walk, plain addresses": (lambda d: guard._walk_xlsx_sheet("s", d),
                              lambda n: b"<row r='1'>" + b"<c r='B7'><v>1</v></c>" * n, 5_000),
    "walk, odd addresses": (lambda d: guard._walk_xlsx_sheet("s", d),
                            lambda n: b"<row r='1'>" + b"<c x:r='B7' r = 'C1'><f>1</f></c>" * n, 5_000),
    "shared string sizes": (guard._shared_string_sizes, lambda n: b"<sst>" + b"<si><t>ab</t></si>" * n, 20_000),
    "shared string sizes, walked": (guard._shared_string_sizes,
                                    lambda n: b"<sst><!---->" + b"<x:si><t>ab</t></x:si>" * n, 5_000),
    "merged ranges": (guard._merged_area, lambda n: b'<mergeCell ref="A1:B2"/>' * n, 20_000),
    "merged ranges without ref": (guard._merged_area, lambda n: b"<mergeCell" + b" x" * n, 50_000),
    "ods text": (guard._ods_text, lambda n: b"<table:table-row table:number-rows-repeated='3'>"
                 + b"<table:table-cell table:number-columns-repeated='2'><text:p>ab</text:p>"
                 b"</table:table-cell>" * n, 5_000),
    "relationships": (lambda d: guard._Declared().read("xl/_rels/workbook.xml.rels", d),
                      lambda n: b'<Relationship Id="r" Type="t" Target="x.xml"/>' * n, 5_000),
    "counts": (lambda d: guard._check_xml_declarations("x", d), lambda n: b'ount="1"' * n, 50_000),
    "count words": (lambda d: guard._check_xml_declarations("x", d), lambda n: b"ount" * n, 100_000),
    "processing instructions": (guard._plain_markup, lambda n: b"<?a?>" * n, 50_000),
    "unclosed instructions": (guard._plain_markup, lambda n: b"<?a" * n + b"?>", 50_000),
    "namespace declarations": (guard._near_addresses, lambda n: b"<a xmlns:r=''/>" * n, 20_000),
    "end records": (lambda d: guard._another_end_record(d, len(d)), lambda n: b"PK\x05\x06" * n, 100_000),
    "namespace declarations of r": (guard._prefixed_r, lambda n: b' xmlns:r="x"' * n, 20_000),
    "prefixed r": (guard._prefixed_r, lambda n: b"a" * n + b"x:r=", 200_000),
    # many self-check tables, each with a formula: one search each, never from the start again
    "self-check tables": (guard._formulas_only_where_unread,
                          lambda n: ('<table:table table:name="Проверка">formula</table:table>' * n).encode(),
                          5_000),
    "formulas after self-check": (guard._formulas_only_where_unread,
                                  lambda n: ('<table:table table:name="Проверка"></table:table>'
                                             + "formula " * n).encode(), 20_000),
}


@pytest.mark.parametrize("name", list(_TAG_SCANS))
def test_every_scan_is_linear(name):
    scan, make, n = _TAG_SCANS[name]
    assert_linear(scan, make, n)


@pytest.fixture(scope="module")
def make_hostile():
    """The CLI corpus's builders (tests/hostile/make_hostile.py), here at other sizes."""
    import importlib
    import sys
    sys.path.insert(0, str(Path(__file__).parent / "hostile"))
    return importlib.import_module("make_hostile")


@pytest.mark.parametrize("build, n", [("attribute_names", 20_000), ("ods_table_words", 10_000),
                                      ("c_tag_steps", 1_000)])
def test_the_hostile_corpus_scans_are_linear_end_to_end(tmp_path, make_hostile, build, n):
    builder = getattr(make_hostile, build)
    ext = ".ods" if "ods" in build else ".xlsx"
    kwargs = (lambda k: {"n": k, "formulas": 3 * k}) if build == "c_tag_steps" else (lambda k: {"n": k})
    files = {k: builder(tmp_path / f"{k}{ext}", **kwargs(k)) for k in (n, 4 * n)}
    assert_linear(_inspect_file, lambda k: files[k], n)


# -- the archive's directory: one end record, one disk, where it says -------------------------


@pytest.mark.parametrize("build, words", [
    (h.with_two_end_records, "несколько записей о конце каталога"),
    (lambda src, dst: h.with_disk_number(src, dst, 1), "многотомный"),
    (h.with_detached_directory, "не примыкает"),
])
def test_an_archive_readers_could_read_two_ways_is_refused(example, tmp_path, build, words):
    path = build(example, tmp_path / "odd.xlsx")
    assert outcome(path) == [("odd.xlsx", "", "", "unreadable-file")]
    assert words in refusal(path).reason


def test_an_embedded_archive_stored_as_it_is_is_not_a_second_end_record(example, tmp_path):
    path = h.rewrite_zip(example, tmp_path / "embedded.xlsx")
    with zipfile.ZipFile(path, "a") as z:
        z.writestr("xl/embeddings/Microsoft_Excel_Worksheet.xlsx", example.read_bytes(),
                   compress_type=zipfile.ZIP_STORED)
    assert guard.inspect(path).kind == guard.XLSX


@settings(max_examples=400, deadline=None)
@given(_sheets())
def test_an_exact_area_is_the_walks(part):
    exact = guard._exact_xlsx_area(part)
    if exact is None:
        return
    walked = guard._walk_xlsx_sheet("s", part)
    assert exact == (walked.rows, walked.cols) or exact[0] * exact[1] == walked.cells == 0


@pytest.mark.parametrize("rows, cols", [(3, 2), (990, 30)])
def test_a_sheet_with_every_address_written_is_measured_exactly(rows, cols):
    letters = [guard.a1(0, c)[:-1] for c in range(cols)]
    body = "".join(f'<row r="{r}">' + "".join(f'<c r="{x}{r}" s="1"><v>1</v></c>' for x in letters)
                   + f'<c r="{letters[-1]}{r + 5}"/></row>' for r in range(1, rows + 1))
    part = f"<worksheet><cols><col min=\"1\"/></cols><sheetData>{body}</sheetData></worksheet>".encode()
    walked = guard._walk_xlsx_sheet("s", part)
    assert guard._exact_xlsx_area(part) == (walked.rows, walked.cols) == (rows, cols)


# -- every part a relationship points at is scanned, whatever its name -------------------------


@pytest.mark.parametrize("suffix", [".bin", ".png", ".dat"])
def test_a_sheet_stored_under_another_name_is_scanned(example, tmp_path, suffix):
    path = h.with_sheet_part_renamed(example, tmp_path / "renamed.xlsx", "Мероприятия", suffix)
    assert outcome(path) == [("renamed.xlsx", "", "", "file-too-large")]
    assert "лист «Мероприятия»" in refusal(path).reason


def test_a_sheet_under_another_name_is_still_read(example, tmp_path):
    path = h.with_sheet_part_renamed(example, tmp_path / "renamed.xlsx", "Мероприятия", ".bin", far=None)
    assert guard.inspect(path).kind == guard.XLSX


def test_pictures_and_printer_settings_nobody_points_at_as_xml_are_not_scanned(example, tmp_path):
    junk = b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row><!DOCTYPE x>'
    path = h.rewrite_zip(example, tmp_path / "media.xlsx", add={
        "xl/media/image9.png": junk, "xl/printerSettings/printerSettings9.bin": junk,
        "xl/embeddings/oleObject9.bin": junk})
    assert guard.inspect(path).kind == guard.XLSX
    scanned = h.rewrite_zip(example, tmp_path / "other.xlsx", add={"xl/worksheets/sheet99.dat": junk})
    assert refusal(scanned).code == guard.UNREADABLE  # the DOCTYPE: every other part is scanned


def test_each_declaration_of_a_sheet_counts(example, tmp_path):
    assert guard.inspect(h.with_sheet_declared(example, tmp_path / "twice.xlsx", "Мероприятия", 1)).kind
    path = h.with_sheet_declared(example, tmp_path / "many.xlsx", "Мероприятия", 5_000)  # 650 cells each
    reason = refusal(path).reason
    assert "объявлен в книге 5\u00a0001 раз" in reason and "допускается не более 3\u00a0000\u00a0000" in reason


# -- what the reader allocates beyond the grid ------------------------------------------------


def test_one_long_shared_string_in_many_cells_is_refused(tmp_path, make_hostile):
    path = make_hostile.long_shared_string(tmp_path / "long.xlsx", size=200_000, cells=600)
    reason = refusal(path).reason
    assert refusal(path).code == guard.TOO_LARGE and "общие строки" in reason
    assert refusal(path).reason.startswith("ячейки книги ссылаются на общие строки")
    assert "допускается не более 104\u00a0857\u00a0600 байт" in reason


def test_a_long_shared_string_in_a_few_cells_is_read(tmp_path, make_hostile):
    path = make_hostile.long_shared_string(tmp_path / "long.xlsx", size=200_000, cells=100)  # 20 MB
    assert guard.inspect(path).kind == guard.XLSX


def test_shared_string_sizes_are_found_however_the_tags_are_written():
    plain = b'<sst><si><t>ab</t></si><si><t>' + b"x" * 100 + b"</t></si></sst>"
    prefixed = plain.replace(b"<si>", b"<x:si>").replace(b"</si>", b"</x:si>")
    commented = plain.replace(b"<sst>", b"<sst><!-- <si> -->")
    for part in (plain, prefixed, commented):
        sizes = guard._shared_string_sizes(part)
        assert len(sizes) == 2 and sizes[1] >= 100, part


def test_ods_long_text_repeated_over_rows_and_columns_is_refused(tmp_path, make_hostile):
    path = make_hostile.ods_repeated_long_text(tmp_path / "repeated.ods", size=100_000, rows=40, cols=30)
    reason = refusal(path).reason
    assert refusal(path).code == guard.TOO_LARGE and "повторяются в строках и столбцах" in reason
    small = make_hostile.ods_repeated_long_text(tmp_path / "small.ods", size=1_000, rows=10, cols=10)
    assert guard.inspect(small).kind == guard.ODS


def test_a_merged_range_over_the_whole_sheet_is_refused(tmp_path, make_hostile):
    path = make_hostile.merged_whole_sheet(tmp_path / "merged.xlsx")
    reason = refusal(path).reason
    with zipfile.ZipFile(path) as z:
        total = sum(guard._merged_area(z.read(n)) for n in z.namelist() if n.startswith("xl/worksheets/"))
    assert total > 17_179_869_184 and f"вместе занимают {guard._n(total)} ячеек" in reason
    assert guard._merged_area(b'<mergeCell ref="A1:XFD1048576"/>') == 17_179_869_184
    assert guard._merged_area(b'<x:mergeCell ref="B2:C3"/><mergeCell ref="A:B"/><mergeCells count="2">') \
        == 4 + 2 * 1_048_576


def _reference_walk(part: bytes) -> tuple[int, int, set]:
    """The walk as it was written first, on `_tokens` and `_attrs` alone: the inline walk
    must count the same."""
    sheet = guard._SheetArea("s")
    row = col = 0
    cell = None
    for end, local, attrs, closing, stop in guard._tokens(part):
        if end:
            if local == b"c" and cell is not None and cell[2] and not cell[3]:
                sheet.formulas.add(guard.a1(cell[0] - 1, cell[1] - 1))
            cell = None if local == b"c" else cell
        elif local == b"row":
            r, _ = guard._farthest(guard._attrs(attrs).get(b"r"))
            row, col = (r if r is not None else row + 1), 0
        elif local == b"c":
            r, c = guard._farthest(guard._attrs(attrs).get(b"r"))
            row, col = (r if r is not None else row), (c if c is not None else col + 1)
            cell = None if closing else [max(row, 1), col, False, False]
            if cell is not None:
                sheet.hold(cell[0], cell[1])
        elif cell is not None and local == b"f":
            cell[2] = True
        elif cell is not None and local == b"is":
            cell[3] = True
        elif cell is not None and local == b"v" and not closing:
            following = part.find(b"<", stop)
            cell[3] = cell[3] or bool(part[stop:following if following >= 0 else len(part)].strip())
    return sheet.rows, sheet.cols, sheet.formulas


@settings(max_examples=600, deadline=None)
@given(_sheets())
def test_the_walk_counts_as_its_reference(part):
    try:
        expected = _reference_walk(part)
    except guard.Refusal:
        with pytest.raises(guard.Refusal):
            guard._walk_xlsx_sheet("s", part)
        return
    walked = guard._walk_xlsx_sheet("s", part)
    assert (walked.rows, walked.cols, walked.formulas) == expected


@pytest.mark.parametrize("attrs", [" r='B12'", ' r="B12"', " r='B12' ", ' r="$B$12"/', " r='12'", " r='B'",
                                   " r=''", ' r="B12\'', " r='ABCDEFGH1'", ' r="b12"', " r='A0'"])
def test_the_walk_reads_an_address_as_attrs_does(attrs):
    part = f'<row r="3"><c{attrs}><v>1</v></c></row>'.encode()
    try:
        expected = _reference_walk(part)
    except guard.Refusal:
        return
    walked = guard._walk_xlsx_sheet("s", part)
    assert (walked.rows, walked.cols, walked.formulas) == expected


def test_a_prefixed_r_is_told_from_the_namespace_declaration():
    import re

    regex = re.compile(rb"(?<! xmlns):r=")  # what it replaces, as the reference
    for text in (b'<worksheet xmlns:r="u">', b'<c x:r="A1">', b':r=', b'xmlns:r=', b' xmlns:r= <c y:r="B2"',
                 b'<a xmlns:r="u" xmlns:r="v">', b""):
        assert guard._prefixed_r(text) == bool(regex.search(text)), text


def test_formulas_are_skipped_only_on_a_part_every_declaration_of_which_is_the_self_check():
    """A part declared as «Проверка» alone is not searched for formula cells; one declared as
    «Проверка» and again as a data sheet is, like any other."""
    rels = (b'<Relationships><Relationship Id="rId1" Type="t" Target="worksheets/sheet1.xml"/>'
            b'<Relationship Id="rId2" Type="t" Target="worksheets/sheet2.xml"/></Relationships>')

    def parts(*sheets):
        body = b"".join(f'<sheet name="{n}" sheetId="{k}" r:id="{rid}"/>'.encode()
                        for k, (n, rid) in enumerate(sheets, start=1))
        return {guard._WORKBOOK_PARTS[0]: b"<workbook><sheets>" + body + b"</sheets></workbook>",
                guard._WORKBOOK_PARTS[1]: rels}

    alone = parts(("Мероприятия", "rId1"), ("Проверка", "rId2"))
    assert guard._BookArea().never_read("xl/worksheets/sheet2.xml", alone)
    assert not guard._BookArea().never_read("xl/worksheets/sheet1.xml", alone)
    twice = parts(("Проверка", "rId2"), ("Мероприятия", "rId2"))
    assert not guard._BookArea().never_read("xl/worksheets/sheet2.xml", twice)


# -- an attacker's ways to hide a formula without a value behind the self-check (review of
#    the change that lets «Проверка» keep its formulas): each file must be rejected at the cell.

XLSX = EXAMPLES / "01_spk_2026-10.xlsx"


def _ods_formula_in_p1(text: str) -> str:
    """The first number in the П1 row of «Показатели» becomes a formula with no value."""
    table = text.index('<table:table table:name="Показатели"')
    row = text.rindex("<table:table-row", table, text.index("П1", table))
    cell = re.compile(r'<table:table-cell[^>]*office:value-type="float"[^>]*>.*?</table:table-cell>', re.S)
    m = cell.search(text, row)
    return text[:m.start()] + '<table:table-cell table:formula="of:=2+2"/>' + text[m.end():]


def _p1_row_span(text: str) -> tuple[int, int]:
    table = text.index('<table:table table:name="Показатели"')
    start = text.rindex("<table:table-row", table, text.index("П1", table))
    return start, text.index("</table:table-row>", start) + len("</table:table-row>")


def _ods_variant(tmp_path, name, change):
    def edit(d: bytes) -> bytes:
        return change(_ods_formula_in_p1(d.decode())).encode()
    return h.rewrite_zip(ODS, tmp_path / name, {"content.xml": edit})


def _empty_selfcheck_before_data(text):
    return text.replace('<table:table table:name="Показатели"',
                        '<table:table table:name="Проверка" /><table:table\ntable:name="Показатели"', 1)


def _rows_among_validations(text):
    a = text.index("<table:content-validations>")
    b = text.index("</table:content-validations>") + len("</table:content-validations>")
    text = text[:a] + text[b:]
    s, e = _p1_row_span(text)
    return text[:s] + "<table:content-validations>" + text[s:e] + "</table:content-validations>" + text[e:]


def _selfcheck_inside_data(text):
    s, e = _p1_row_span(text)
    end = text.index("</table:table>", e)
    return text[:s] + '<table:table table:name="Проверка">' + text[s:end] + "</table:table>" + text[end:]


@pytest.mark.parametrize("change", [_empty_selfcheck_before_data, _rows_among_validations, _selfcheck_inside_data],
                         ids=["table tag with a line break", "rows inside validations", "self-check inside data"])
def test_an_ods_cannot_hide_a_formula_behind_the_self_check(tmp_path, change):
    plain = _ods_variant(tmp_path, "plain.ods", lambda t: t)
    assert [i.code for i in read_submission(plain, PLAN).issues] == ["formula-without-value"]
    path = _ods_variant(tmp_path, "x.ods", change)
    codes = [i.code for i in read_submission(path, PLAN).issues]
    assert codes in (["formula-without-value"], ["unreadable-file"]), codes


def _xlsx_variant(tmp_path, name, workbook=None, rels=None):
    base = h.with_formula_without_value(XLSX, tmp_path / "base.xlsx", "Показатели", "F4")
    edits = {}
    if workbook:
        edits["xl/workbook.xml"] = lambda d: workbook(d.decode()).encode()
    if rels:
        edits["xl/_rels/workbook.xml.rels"] = lambda d: rels(d.decode()).encode()
    return h.rewrite_zip(base, tmp_path / name, edits)


def _rid_of(text, sheet):
    return re.search(rf'<sheet name="{sheet}"[^>]*r:id="(rId\d+)"', text).group(1)


def _prefixed_second_name(text):
    return text.replace('<sheet name="Показатели"', '<sheet xmlns:x="urn:x" x:name="Проверка" name="Показатели"', 1)


def _second_id(text):
    return re.sub(r'(<sheet name="Показатели"[^>]*?)(r:id="rId\d+")', r'\1x:id="rId2" \2 xmlns:x="urn:x"', text, 1)


def _declared_twice(text):
    rid = _rid_of(text, "Показатели")
    text = re.sub(r'<sheet name="Проверка"[^>]*/>', "", text, 1)
    return text.replace("</sheets>", f'<sheet name="Проверка" sheetId="9" r:id="{rid}"/></sheets>', 1)


@pytest.mark.parametrize("workbook", [_prefixed_second_name, _second_id, _declared_twice],
                         ids=["a prefixed second name", "a second id", "a data part declared again as Проверка"])
def test_an_xlsx_cannot_hide_a_formula_behind_the_self_checks_name(tmp_path, workbook):
    path = _xlsx_variant(tmp_path, "x.xlsx", workbook=workbook)
    codes = [i.code for i in read_submission(path, PLAN).issues]
    assert codes in (["formula-without-value"], ["unreadable-file"]), codes


def test_an_xlsx_cannot_hide_a_formula_behind_a_target_in_other_case(tmp_path):
    def rels(text):
        wb = zipfile.ZipFile(XLSX).read("xl/workbook.xml").decode()
        data, check = _rid_of(wb, "Показатели"), _rid_of(wb, "Проверка")
        target = re.search(rf'Id="{data}"[^>]*Target="([^"]+)"', text).group(1)
        text = re.sub(rf'(Id="{data}"[^>]*Target=")[^"]+"', lambda m: m.group(1) + target.upper() + '"', text)
        return re.sub(rf'(Id="{check}"[^>]*Target=")[^"]+"', lambda m: m.group(1) + target + '"', text)
    path = _xlsx_variant(tmp_path, "x.xlsx", rels=rels)
    codes = [i.code for i in read_submission(path, PLAN).issues]
    assert "formula-without-value" in codes or codes == ["unreadable-file"], codes
