"""Acceptance (issue 4): the example's output as an official document, read back with openpyxl.

Per sheet: A4 landscape, one page wide, ГОСТ Р 7.0.97 margins, «Стр. N из M»;
per document sheet: the attachment mark, the title with the period in words,
the date formed, the signature block from the plan's settings, Times New Roman
12-14 pt around the tables, columns that fit the page at 100 %, the legend strip
and the header repeated on every page, and colours that match their legend.
"""

from __future__ import annotations

import hashlib
import re
import zipfile
from dataclasses import replace
from datetime import date

import pytest
from openpyxl import load_workbook

from cluster_xl.consolidation.consolidate import consolidate
from cluster_xl.core.model import Period
from cluster_xl.run.pipeline import build_report
from cluster_xl.core.names import DOCUMENT_SHEETS, SHEETS
from cluster_xl.writing.layout import REPORT_TITLE, STATUS_FILLS, status_text
from cluster_xl.writing.workbook import write_report

from helpers import EXAMPLES
from helpers import outcome
from helpers.workbooks import all_values, find_row, header_cols, number_mark

STATUSES = tuple(STATUS_FILLS)
TABLE_SHEETS = ("Свод", "Показатели", "По организациям")


def rgb(status: str) -> str:
    return "FF" + STATUS_FILLS[status][1:]


@pytest.fixture(scope="module")
def book(month_books):
    return load_workbook(month_books.october)


def test_two_runs_give_the_same_bytes(month_books):
    first, second = (hashlib.sha256(p.read_bytes()).hexdigest()
                     for p in (month_books.october, month_books.again))
    assert first == second


@pytest.mark.parametrize("sheet", SHEETS)
def test_page_setup(book, sheet):
    ws = book[sheet]
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == 9  # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert int(ws.page_setup.fitToWidth or 1) == 1  # absent means 1 (ECMA-376)
    assert int(ws.page_setup.fitToHeight) == 0
    margins = {side: getattr(ws.page_margins, side) * 25.4 for side in ("left", "right", "top", "bottom")}
    assert margins["left"] >= 20 - 1e-6 and margins["top"] >= 20 - 1e-6 and margins["bottom"] >= 20 - 1e-6
    assert margins["right"] == pytest.approx(10)
    assert ws.oddFooter.center.text == "Стр. &P из &N"


def _printed_width(ws) -> tuple[float, int]:
    """Sum of the widths of the printed columns, and how many there are."""
    last = None
    if ws.print_area:
        last = re.search(r":\$([A-Z]+)\$", ws.print_area).group(1)
    total, count = 0.0, 0
    for letter, dim in ws.column_dimensions.items():
        for col in range(dim.min, dim.max + 1):
            if last and col > ws[f"{last}1"].column:
                continue
            total, count = total + dim.width, count + 1
    return total, count


@pytest.mark.parametrize("sheet", DOCUMENT_SHEETS)
def test_document_sheet_fits_the_page_at_full_size(book, sheet):
    """One page wide without shrinking, so 12-14 pt text prints at 12-14 pt: LibreOffice gives
    a stored width unit 5 pt in a Times New Roman 10 pt book (the digit's width), and the
    page holds 267 mm between the ГОСТ margins."""
    total, count = _printed_width(book[sheet])
    assert total * 5.0 <= 267 / 25.4 * 72
    assert total * 5.0 >= 0.9 * 267 / 25.4 * 72  # and fills it: the page's width is the name's


@pytest.mark.parametrize("sheet", TABLE_SHEETS)
def test_legend_strip_and_header_repeat_on_every_page(book, sheet):
    ws = book[sheet]
    header = find_row(ws, "Код")
    assert ws.print_title_rows.startswith(f"${header - 1}:${header}")
    strip = [c for c in ws[header - 1] if c.value]
    assert [c.value for c in strip] == [status_text(s) for s in STATUSES]
    assert [c.fill.fgColor.rgb for c in strip] == [rgb(s) for s in STATUSES]
    assert ws.freeze_panes.endswith(str(header + 1))


@pytest.mark.parametrize("sheet", DOCUMENT_SHEETS)
def test_title_attachment_date_and_signature(book, sheet, plan):
    ws = book[sheet]
    values = all_values(ws)
    settings = plan.settings
    assert [c.value for c in ws[1] if c.value] == [settings.attachment_line]
    for text in (plan.cluster.name, REPORT_TITLE, "за октябрь 2026 г.",
                 "Сформирован 09.11.2026"):  # the latest «Дата заполнения» of the inputs
        assert text in values, text
    row = find_row(ws, settings.signatory_position)
    signature = [c for c in ws[row] if c.value]
    assert [c.value for c in signature] == [settings.signatory_position, "_" * 18, settings.signatory_name]
    assert signature[-1].alignment.horizontal == "right"
    assert signature[0].font.sz == 14 and signature[0].font.name == "Times New Roman"


@pytest.mark.parametrize("sheet", DOCUMENT_SHEETS)
def test_fonts(book, sheet):
    """Times New Roman throughout; 12-14 pt around the tables, tables not below 9 pt."""
    ws = book[sheet]
    formed = find_row(ws, "Сформирован 09.11.2026")
    _, printed = _printed_width(ws)
    for row in ws.iter_rows(max_col=printed):
        for cell in row:
            if cell.value is None:
                continue
            assert cell.font.name == "Times New Roman", (sheet, cell.coordinate)
            if cell.row <= formed:
                assert 12 <= cell.font.sz <= 14, (sheet, cell.coordinate, cell.font.sz)
            else:
                assert cell.font.sz >= 9, (sheet, cell.coordinate, cell.font.sz)


MARKS = {"●": "achieved", "○": "on_track", "▼": "behind"}


@pytest.mark.parametrize("sheet", ("Свод", "Показатели"))
def test_status_colours_and_marks_match_the_legend(book, sheet):
    ws = book[sheet]
    cols = header_cols(ws, find_row(ws, "Код"))
    seen = set()
    for row in range(find_row(ws, "Код") + 1, ws.max_row + 1):
        mark = number_mark(ws.cell(row, cols["Факт 2026"]))
        if mark:
            seen.add(MARKS[mark])
            assert ws.cell(row, cols["Факт 2026"]).fill.fgColor.rgb == rgb(MARKS[mark])
    assert {"achieved", "on_track", "behind"} <= seen
    legend = find_row(ws, "Условные обозначения:", col=2)
    swatches = [ws.cell(legend + n, 1).fill.fgColor.rgb for n in range(1, 6)]
    assert swatches == [rgb(s) for s in STATUSES]


def test_by_college_marks_are_number_formats_coloured_like_the_legend(book):
    ws = book["По организациям"]
    header = find_row(ws, "Код")
    marks = MARKS
    counted = 0
    for row in ws.iter_rows(min_row=header + 1, max_row=header + 39, min_col=3):
        for cell in row:
            if isinstance(cell.value, (int, float)) and cell.number_format.startswith('"'):
                assert cell.fill.fgColor.rgb == rgb(marks[cell.number_format[1]]), cell.coordinate
                counted += 1
    assert counted > 100


def test_schedule_decides_on_track(book):
    """1.1.1: 22 of 25 by October is short of the year's target but ahead of 10/12 of it."""
    ws = book["Свод"]
    cols = header_cols(ws, find_row(ws, "Код"))
    row = find_row(ws, "1.1.1")
    assert ws.cell(row, cols["Факт 2026"]).value == 22
    assert ws.cell(row, cols["По графику на 31.10.2026"]).value == pytest.approx(25 * 10 / 12)
    assert number_mark(ws.cell(row, cols["Факт 2026"])) == "○"


def test_charts_are_native_and_in_times_new_roman(month_books, plan):
    with zipfile.ZipFile(month_books.october) as z:
        charts = [n for n in z.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n)]
        assert len(charts) == 2 + len(plan.indicators)
        kinds = [re.search(r"<c:(barChart|lineChart)>", z.read(n).decode()).group(1) for n in charts]
        assert kinds.count("barChart") == 2 and kinds.count("lineChart") == len(plan.indicators)
        assert all('typeface="Times New Roman"' in z.read(n).decode() for n in charts)
        assert 'barDir val="bar"' in z.read(charts[1]).decode()  # colleges: horizontal bars


def test_chart_sheet_prints_only_its_page_area(book):
    ws = book["Диаграммы"]
    assert ws.print_area.startswith("'Диаграммы'!$A$1:$J$")
    assert "Данные диаграмм (не печатаются)" in all_values(ws)
    assert ws.row_breaks.count >= 2  # the charts, their tables, the indicators: own pages


# -- thresholds and schedules are settings -------------------------------------


def _statuses(plan, tmp_path, tolerance: float) -> list[str]:
    plan = replace(plan, settings=replace(plan.settings, on_track_tolerance=tolerance))
    report = build_report(plan, [EXAMPLES], Period(2026, 10), generated_on=date(2026, 11, 9))
    ws = load_workbook(write_report(report, tmp_path / f"{tolerance}.xlsx"))["Свод"]
    cols = header_cols(ws, find_row(ws, "Код"))
    legend = all_values(ws)
    assert any(f"допускается отставание до {round(tolerance * 100)} %" in str(v) for v in legend)
    marks = [number_mark(ws.cell(r, cols["Факт 2026"])) for r in range(find_row(ws, "Код") + 1, ws.max_row + 1)]
    return [mark for mark in marks if mark]


def test_tolerance_setting_moves_items_between_on_track_and_behind(plan, tmp_path):
    strict, lenient = _statuses(plan, tmp_path, 0.0), _statuses(plan, tmp_path, 0.5)
    assert strict.count("▼") > lenient.count("▼")
    assert len(strict) == len(lenient)


def test_one_off_item_is_due_in_december_only(plan):
    """1.3.1 (schedule «к концу года»), nothing done yet: on track in October, behind in December."""
    def status(month: int) -> str:
        files = [outcome("spk", {("1.3.1", 2026, "fact"): 0}, period=Period(2026, month))]
        totals = consolidate(plan, files, Period(2026, month)).totals
        return totals[(totals.code == "1.3.1") & (totals.year == 2026)].status.item()

    assert plan.item("1.3.1").schedule == "year_end"
    assert (status(10), status(12)) == ("on_track", "behind")


def test_signature_words_come_from_the_plan(plan, tmp_path):
    settings = replace(plan.settings, signatory_position="Проректор по учебной работе",
                       signatory_name="А. Б. Веткин", attachment_line="Приложение № 3 к письму")
    report = build_report(replace(plan, settings=settings), [EXAMPLES], Period(2026, 10))
    ws = load_workbook(write_report(report, tmp_path / "r.xlsx"))["Свод"]
    values = all_values(ws)
    assert {"Проректор по учебной работе", "А. Б. Веткин", "Приложение № 3 к письму"} <= set(values)
