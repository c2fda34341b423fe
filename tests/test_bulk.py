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
from cluster_xl.core.model import Period
from cluster_xl.run.pipeline import build_report

OCT = Period(2026, 10)


def same_parts(a, b) -> None:
    with zipfile.ZipFile(a) as za, zipfile.ZipFile(b) as zb:
        assert za.namelist() == zb.namelist()
        for name in za.namelist():
            assert za.read(name) == zb.read(name), name


def cell_by_cell(report, path, monkeypatch):
    """The reference: XlsxWriter's own cell-by-cell writing (bulk.py's path for an XlsxWriter
    version it was not checked against), no internals touched."""
    with monkeypatch.context() as m:
        m.setattr(bulk, "FAST", False)
        return writer.write_report(report, path)


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
    fast = writer.write_report(report, tmp_path / "bulk.xlsx")
    same_parts(fast, cell_by_cell(report, tmp_path / "reference.xlsx", monkeypatch))


def test_bulk_rows_of_other_objects_are_their_texts(report, tmp_path, monkeypatch):
    entries = report.consolidation.entries.copy()
    entries["cell"] = entries["cell"].astype(object)
    entries.loc[11, "cell"], entries.loc[12, "cell"], entries.loc[13, "cell"] = 1, 1.0, "1"  # "1", "1.0", "1"
    report = with_entries(report, entries)
    fast = writer.write_report(report, tmp_path / "bulk.xlsx")
    same_parts(fast, cell_by_cell(report, tmp_path / "reference.xlsx", monkeypatch))


def test_an_untested_xlsxwriter_is_zipped_at_its_own_level(report, tmp_path, monkeypatch):
    """Where bulk.py's internals are off, XlsxWriter packs the file its own way."""
    slow = cell_by_cell(report, tmp_path / "slow.xlsx", monkeypatch)
    with zipfile.ZipFile(slow) as z:
        data = z.read("xl/worksheets/sheet6.xml")
        stored = z.getinfo("xl/worksheets/sheet6.xml").compress_size
    packer = zlib.compressobj(6, zlib.DEFLATED, -15)
    assert stored == len(packer.compress(data) + packer.flush())


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
    # The colleges' reasons come first, written cell by cell; then the bulk rows.
    reasons = report.consolidation.reasons
    assert [r[4] for r in rows[:len(reasons)]] == ["Причина"] * len(reasons)
    assert [r[5] for r in rows[:len(reasons)]] == reasons["text"].tolist()
    rows = rows[len(reasons):]
    entries = report.consolidation.entries
    assert len(rows) == len(entries)
    assert rows[0][1:] == (entries.loc[0, "code"], entries.loc[0, "item"], entries.loc[0, "year"],
                           {"target": "план", "fact": "факт"}[entries.loc[0, "measure"]],
                           entries.loc[0, "value"], entries.loc[0, "file"], entries.loc[0, "sheet"],
                           entries.loc[0, "cell"])
    assert rows[3][5] == "—" and rows[4][0] is None and rows[6][5] == 12.5
