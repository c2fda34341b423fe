"""«Данные» written in one piece (bulk.py) is the sheet cell-by-cell writing gives, byte for byte;
the other sheets' plain cells are the bytes XlsxWriter writes."""

import zipfile
import zlib
from dataclasses import replace

import pytest
import xlsxwriter.workbook
from openpyxl import load_workbook
from xlsxwriter.worksheet import Worksheet

from cluster_xl.core.names import SHEET_DATA
from cluster_xl.writing import bulk
from cluster_xl.writing import workbook as writer
from cluster_xl.writing.bulk import ZIP_LEVEL, FastSheet
from cluster_xl.writing.frames import as_text, num, records
from cluster_xl.writing.layout import DASH, Sheet
from cluster_xl.core.model import Period
from cluster_xl.run.pipeline import build_report

OCT = Period(2026, 10)


def cell_by_cell(book, ws, report):
    """The «Данные» sheet as the writer wrote it before bulk.py: the reference."""
    sheet = Sheet(book, ws, [
        ("Организация", 40), ("Код строки", 10), ("Позиция", 9), ("Год", 7), ("План/Факт", 9),
        ("Значение", 12), ("Файл", 34), ("Лист", 16), ("Ячейка", 8),
    ])
    header = sheet.title_block(report, "Исходные значения принятых отчётов с указанием ячеек")
    sheet.header(header)
    names = ("organisation", "code", "item", "year", "measure", "value", "file", "sheet", "cell")
    center, integer, decimal = book.fmt("dash"), book.fmt("int"), book.fmt("dec")
    row = header + 1
    for org, code, item, year, measure, value, file, sheet_name, cell in records(
            report.consolidation.entries, names):
        sheet.text(row, 0, as_text(org), "text")
        sheet.text(row, 1, as_text(code), "code")
        sheet.text(row, 2, as_text(item), "code")
        sheet.number(row, 3, num(year), "dash", missing="")
        ws.write_string(row, 4, {"target": "план", "fact": "факт"}.get(measure, as_text(measure))
                        or DASH, center)
        number = num(value)
        if number is None:
            ws.write_string(row, 5, DASH, center)
        else:
            ws.write_number(row, 5, number, integer if number.is_integer() else decimal)
        sheet.text(row, 6, as_text(file), "text")
        sheet.text(row, 7, as_text(sheet_name), "text")
        sheet.text(row, 8, as_text(cell), "code")
        row += 1
    ws.autofilter(header, 0, max(row - 1, header), len(sheet.columns) - 1)
    sheet.page_setup((header, header))


@pytest.fixture(scope="module")
def report(plan, generated_examples):
    report = build_report(plan, [generated_examples], OCT)
    entries = report.consolidation.entries.copy()
    # The rare shapes too: a value missing, a blank organisation, a long name that wraps.
    entries.loc[3, "value"] = float("nan")
    entries.loc[4, "organisation"] = None
    entries.loc[5, "organisation"] = "Колледж с очень длинным наименованием, " * 3
    entries.loc[6, "value"] = 12.5
    entries.loc[7, "value"] = -0.0  # written "-0", though equal to 0.0
    entries.loc[8, "value"] = 0.0
    entries.loc[9, "file"] = ""
    entries.loc[10, "measure"] = None
    return with_entries(report, entries)


def with_entries(report, entries):
    return replace(report, consolidation=replace(report.consolidation, entries=entries))


def test_bulk_rows_are_the_bytes_cell_by_cell_writing_gives(report, tmp_path, monkeypatch):
    bulk = writer.write_report(report, tmp_path / "bulk.xlsx")
    monkeypatch.setattr(writer, "data_sheet", cell_by_cell)
    reference = writer.write_report(report, tmp_path / "reference.xlsx")
    assert bulk.read_bytes() == reference.read_bytes()


def test_bulk_rows_of_other_objects_are_their_texts(report, tmp_path, monkeypatch):
    entries = report.consolidation.entries.copy()
    entries["cell"] = entries["cell"].astype(object)
    entries.loc[11, "cell"], entries.loc[12, "cell"], entries.loc[13, "cell"] = 1, 1.0, "1"  # "1", "1.0", "1"
    report = with_entries(report, entries)
    bulk = writer.write_report(report, tmp_path / "bulk.xlsx")
    monkeypatch.setattr(writer, "data_sheet", cell_by_cell)
    reference = writer.write_report(report, tmp_path / "reference.xlsx")
    assert bulk.read_bytes() == reference.read_bytes()


def test_an_untested_xlsxwriter_gets_its_own_writing_with_the_same_bytes(report, tmp_path, monkeypatch):
    """Where the installed XlsxWriter is not a version bulk.py was checked against, the
    internals are left alone: «Данные» cell by cell, plain cells as XlsxWriter writes
    them, the package at XlsxWriter's own zip level; the sheets' XML is the same."""
    fast = writer.write_report(report, tmp_path / "fast.xlsx")
    monkeypatch.setattr(bulk, "FAST", False)
    slow = writer.write_report(report, tmp_path / "slow.xlsx")
    with zipfile.ZipFile(fast) as a, zipfile.ZipFile(slow) as b:
        assert a.namelist() == b.namelist()
        for name in a.namelist():
            assert a.read(name) == b.read(name), name
        level = b.getinfo("xl/worksheets/sheet6.xml")
    data = zipfile.ZipFile(slow).read("xl/worksheets/sheet6.xml")
    packer = zlib.compressobj(6, zlib.DEFLATED, -15)
    assert level.compress_size == len(packer.compress(data) + packer.flush())


def test_plain_cells_are_the_bytes_xlsxwriter_writes(report, tmp_path, monkeypatch):
    fast = writer.write_report(report, tmp_path / "fast.xlsx")
    monkeypatch.setattr(FastSheet, "_write_cell", Worksheet._write_cell)
    reference = writer.write_report(report, tmp_path / "reference.xlsx")
    assert fast.read_bytes() == reference.read_bytes()


def test_the_package_level_is_set_for_the_report_only(report, tmp_path):
    path = writer.write_report(report, tmp_path / "book.xlsx")
    assert xlsxwriter.workbook.ZipFile is zipfile.ZipFile  # put back for everyone else
    with zipfile.ZipFile(path) as z:
        data = z.read("xl/worksheets/sheet6.xml")
        stored = z.getinfo("xl/worksheets/sheet6.xml").compress_size
    packer = zlib.compressobj(ZIP_LEVEL, zlib.DEFLATED, -15)
    assert stored == len(packer.compress(data) + packer.flush())


def test_bulk_rows_read_back_as_the_entries(report, tmp_path):
    path = writer.write_report(report, tmp_path / "bulk.xlsx")
    ws = load_workbook(path, read_only=True)[SHEET_DATA]
    rows = [r for r in ws.iter_rows(values_only=True) if r[8] and r[8] != "Ячейка"]
    entries = report.consolidation.entries
    assert len(rows) == len(entries)
    assert rows[0][1:] == (entries.loc[0, "code"], entries.loc[0, "item"], entries.loc[0, "year"],
                           {"target": "план", "fact": "факт"}[entries.loc[0, "measure"]],
                           entries.loc[0, "value"], entries.loc[0, "file"], entries.loc[0, "sheet"],
                           entries.loc[0, "cell"])
    assert rows[3][5] == "—" and rows[4][0] is None and rows[6][5] == 12.5
