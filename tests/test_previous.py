"""previous.py and `--previous`: last month's workbook read back, changes, went-backwards."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
import xlsxwriter
from click.testing import CliRunner
from openpyxl import load_workbook

from cluster_xl.face.cli import cli
from cluster_xl.core.issues import flatten
from cluster_xl.core.model import Period
from cluster_xl.run.pipeline import build_report
from cluster_xl.consolidation.previous import compare_with_previous, read_previous

from helpers import EXAMPLES
from helpers.workbooks import all_values, find_row, header_cols

OCT = Period(2026, 10)


@pytest.fixture(scope="module")
def october(plan):
    return build_report(plan, [EXAMPLES], OCT)


def _facts(path: Path) -> dict[tuple[str, int], float]:
    """«Свод по годам» read independently: (code, year) -> fact, numbers only."""
    ws = load_workbook(path)["Свод по годам"]
    header = find_row(ws, "Код")
    cols = header_cols(ws, header)
    out = {}
    for row in range(header + 1, ws.max_row + 1):
        fact = ws.cell(row, cols["Факт"]).value
        if isinstance(fact, (int, float)):
            out[(ws.cell(row, cols["Код"]).value, ws.cell(row, cols["Год"]).value)] = fact
    return out


def test_reads_last_months_book_by_header_text(month_books):
    previous, issues = read_previous(month_books.september)
    assert issues == []
    assert previous.period == Period(2026, 9)
    assert previous.totals == _facts(month_books.september)
    assert previous.colleges[("Северный политехнический колледж", "2.4.1")] == 6
    assert len({name for name, _ in previous.colleges}) == 7


def test_change_per_item_is_now_minus_then(month_books, plan):
    then, now = _facts(month_books.september), _facts(month_books.october)
    both = [i.code for i in plan.activities if (i.code, 2026) in now and (i.code, 2026) in then]
    ws = load_workbook(month_books.october)["Свод"]
    cols = header_cols(ws, find_row(ws, "Код"))
    assert "Изменение с 30.09.2026" in cols
    checked = 0
    for row in range(find_row(ws, "Код") + 1, ws.max_row + 1):
        code = ws.cell(row, 1).value
        change = ws.cell(row, cols["Изменение с 30.09.2026"])
        if (code, 2026) in now and (code, 2026) in then:
            assert change.value == pytest.approx(now[(code, 2026)] - then[(code, 2026)]), code
            checked += 1
    assert checked == len(both) >= 30
    fell = ws.cell(find_row(ws, "2.4.1"), cols["Изменение с 30.09.2026"])
    assert fell.value == -2 and fell.number_format.startswith("+") and '"▼ −"' in fell.number_format
    assert fell.fill.fgColor.rgb == "FFFFC7CE"  # the «behind» colour: it went backwards


def test_change_per_college(month_books):
    ws = load_workbook(month_books.october)["По организациям"]
    title = find_row(ws, "Изменение с 30.09.2026 (по сводному отчёту за сентябрь 2026 г.)")
    header = find_row(ws, "Код") if find_row(ws, "Код") > title else title + 1
    cols = header_cols(ws, header)
    rows = {ws.cell(r, 1).value: r for r in range(header + 1, header + 40)}
    spk = ws.cell(rows["2.4.1"], cols["Северный политехнический колледж"])
    assert spk.value == -2 and spk.fill.fgColor.rgb == "FFFFC7CE"
    assert ws.cell(rows["2.4.1"], cols["Кластер"]).value == -2
    assert ws.cell(rows["1.6.1"], cols["Кластер"]).value == 105


def test_went_backwards_is_one_warning_naming_the_college(month_books):
    out = month_books.run.stdout
    assert month_books.run.returncode == 0  # a warning: the run still succeeds
    assert "[went-backwards]" in out
    assert ("Позиция 2.4.1, 2026 год: факт кластера уменьшился с 17 (сентябрь 2026 г.) до 15 "
            "(октябрь 2026 г.)") in out
    assert "Уменьшились значения: Северный политехнический колледж (6 → 4)." in out
    ws = load_workbook(month_books.october)["Проверки"]
    codes = [ws.cell(r, 3).value for r in range(1, ws.max_row + 1)]
    assert codes.count("went-backwards") == 1


def test_tolerance_lets_small_falls_pass(october, month_books):
    plan = replace(october.plan, settings=replace(october.plan.settings, backwards_tolerance=0.2))
    lenient = compare_with_previous(replace(october, plan=plan), month_books.september)
    assert [i.code for i in lenient.issues if i.code == "went-backwards"] == []
    assert lenient.previous.items[("2.4.1", 2026)] == -2  # still shown, just not flagged
    strict = compare_with_previous(october, month_books.september)
    assert [(i.item, i.year) for i in strict.issues if i.code == "went-backwards"] == [("2.4.1", 2026)]


@pytest.mark.parametrize("content", [b"", b"not a workbook", b"PK\x03\x04broken"])
def test_unreadable_previous_is_an_error_not_a_traceback(october, tmp_path, content):
    path = tmp_path / "consolidated_2026-09.xlsx"
    path.write_bytes(content)
    report = compare_with_previous(october, path)
    assert report.previous is None
    assert flatten(report.issues[len(october.issues):]) == [
        ("consolidated_2026-09.xlsx", "", "", "previous-unreadable")]
    assert report.issues[-1].is_error


def test_a_college_template_is_not_last_months_book(october, tmp_path):
    report = compare_with_previous(october, sorted(EXAMPLES.glob("*.xlsx"))[0])
    issue = report.issues[-1]
    assert (issue.code, issue.sheet) == ("previous-unreadable", "Свод по годам")
    assert "не сводная книга cluster_xl" in issue.message


def test_a_book_not_from_an_earlier_period_is_an_error_and_shows_no_change(october, month_books):
    august = replace(october, period=Period(2026, 8))
    report = compare_with_previous(august, month_books.september)
    added = report.issues[len(october.issues):]
    assert [(i.code, i.is_error) for i in added] == [("previous-period", True)]
    assert "составлена за сентябрь 2026 г., а сводится отчёт за август 2026 г." in added[0].message
    assert report.previous is None  # no change column, no went-backwards
    same = compare_with_previous(replace(october, period=Period(2026, 9)), month_books.september)
    assert same.previous is None and same.issues[-1].code == "previous-period"


def test_older_books_with_colleges_as_rows_are_read(tmp_path):
    """Books written before issue 4 list colleges as rows and codes as columns."""
    path = tmp_path / "old.xlsx"
    with xlsxwriter.Workbook(path) as wb:
        by_year = wb.add_worksheet("Свод по годам")
        by_year.write_row(2, 0, ["за сентябрь 2026 г."])
        by_year.write_row(5, 0, ["Код", "Наименование", "Ед. изм.", "Год", "Цель", "Факт"])
        by_year.write_row(6, 0, ["1.1.1", "…", "чел.", 2026, 25, 20])
        by_year.write_row(7, 0, ["1.1.2", "…", "ед.", 2026, 47, "—"])
        colleges = wb.add_worksheet("По организациям")
        colleges.write_row(5, 0, ["Организация", "1.1.1", "1.1.2"])
        colleges.write_row(6, 0, ["", "чел.", "ед."])
        colleges.write_row(7, 0, ["Северный политехнический колледж", 5, "—"])
    previous, issues = read_previous(path)
    assert issues == []
    assert previous.period == Period(2026, 9)
    assert previous.totals == {("1.1.1", 2026): 20}
    assert previous.colleges == {("Северный политехнический колледж", "1.1.1"): 5}


def test_cli_date_overrides_the_date_formed(tmp_path, month_books):
    out = tmp_path / "r.xlsx"
    result = CliRunner().invoke(cli, ["consolidate", str(EXAMPLES), "--period", "2026-10", "-o", str(out),
                                      "--date", "15.11.2026", "--previous", str(month_books.september)])
    assert result.exit_code == 0, result.output
    book = load_workbook(out)
    assert "Сформирован 15.11.2026" in all_values(book["Свод"])
    assert book.properties.created.date().isoformat() == "2026-11-15"


def test_cli_refuses_a_date_that_is_not_one(tmp_path):
    result = CliRunner().invoke(cli, ["consolidate", str(EXAMPLES), "--period", "2026-10",
                                      "-o", str(tmp_path / "r.xlsx"), "--date", "вчера"])
    assert result.exit_code == 2
    assert "«вчера» — не дата; ожидается ДД.ММ.ГГГГ" in result.output
