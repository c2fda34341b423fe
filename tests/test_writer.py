"""writer.py: the consolidated workbook, read back with openpyxl."""

from __future__ import annotations

import gc
import math
import os
import shutil
import subprocess
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from cluster_xl.consolidation.consolidate import Consolidation
from cluster_xl.core.issues import error, warning
from cluster_xl.consolidation.report import Report
from cluster_xl.core.model import FileOutcome, Period
from cluster_xl.core.office import convert
from cluster_xl.plan.model import default_plan
from cluster_xl.core.names import DOCUMENT_SHEETS, SHEETS
from cluster_xl.writing.layout import STATUS_FILLS, period_phrase
from cluster_xl.writing.workbook import write_report

from helpers.workbooks import all_values, find_row, header_cols, number_mark

PERIOD = Period(2026, 10)
EVIL_ORG = '=HYPERLINK("http://evil.example","Колледж")'
EVIL_FILE = "=cmd|' /C calc'!A0.xlsx"
NAN = float("nan")
# Facts for the report year; every other item has nobody reporting.
FACTS = {"1.1.1": 30.0, "1.1.2": 40.0, "1.6.1": 500.0, "3.1": 1234.5, "5.4.1": 90.9, "П1": 1100.0}


def _status(target: float, fact: float) -> str:
    if math.isnan(target):
        return "no_target"
    if math.isnan(fact):
        return "no_data"
    if fact >= target:
        return "achieved"
    return "on_track" if fact >= target * PERIOD.month / 12 * 0.9 else "behind"


def _totals(plan) -> pd.DataFrame:
    rows = []
    for item in plan.items:
        for year in plan.years:
            t = item.target(year)
            target = NAN if t is None else t
            now = year == PERIOD.year
            fact = FACTS.get(item.code, NAN) if now else NAN
            ratio = item.rule == "ratio" and now
            rows.append({
                "code": item.code, "kind": item.kind, "section": item.section, "result": item.result,
                "name": item.name, "unit": item.unit, "rule": item.rule, "cumulative": item.cumulative,
                "schedule": item.schedule, "year": year, "target": target,
                "colleges_target": target + 1 if now else NAN, "fact": fact,
                "deviation": fact - target,
                "pct": fact / target * 100 if target else NAN,
                "expected": target * PERIOD.month / 12 if now else NAN,
                "status": _status(target, fact) if now else "",
                "reported": 2 if not math.isnan(fact) else 0,
                "numerator": 100.0 if ratio else NAN, "denominator": 110.0 if ratio else NAN,
            })
    return pd.DataFrame(rows)


def _by_college(plan) -> pd.DataFrame:
    orgs = [("spk", "Северный политехнический колледж"), ("nit", "Нефтегорский индустриальный техникум"),
            (None, EVIL_ORG)]
    rows = []
    for n, (org_id, name) in enumerate(orgs):
        for item in plan.items:
            fact = FACTS.get(item.code, NAN) / (n + 1)
            plan_value = item.target(PERIOD.year)
            status = "no_target" if plan_value is None else _status(plan_value / 2, fact)
            rows.append({"org_id": org_id, "organisation": name, "code": item.code,
                         "target": NAN if plan_value is None else plan_value / 2, "fact": fact,
                         "pct": NAN, "status": status})
    return pd.DataFrame(rows)


def _entries() -> pd.DataFrame:
    rows = []
    for n, (org_id, org, file) in enumerate([("spk", "Северный политехнический колледж", "spk.xlsx"),
                                             ("nit", "Нефтегорский индустриальный техникум", "nit_v2.xlsx"),
                                             (None, EVIL_ORG, EVIL_FILE)]):
        for row, (code, value) in enumerate(FACTS.items(), start=10):
            sheet = "Показатели" if code.startswith("П") else "Мероприятия"
            rows.append({"org_id": org_id, "organisation": org, "item": code, "code": code,
                         "year": 2026, "measure": "fact", "value": value / (n + 1),
                         "file": file, "sheet": sheet, "cell": f"F{row}"})
    rows.append({"org_id": "spk", "organisation": "Северный политехнический колледж", "item": "5.4.1",
                 "code": "5.4.1/ч", "year": 2026, "measure": "target", "value": 12.0,
                 "file": "spk.xlsx", "sheet": "Мероприятия", "cell": "E40"})
    return pd.DataFrame(rows)


ISSUES = (
    error("not-a-number", "Значение не является числом.", file="nit_v2.xlsx", sheet="Мероприятия",
          cell="F12", item="1.1.2", year=2026, value="=1+2"),
    warning("ratio-violated", "Часть больше целого: 2.3.1 ≤ 2.3.2.", file="spk.xlsx", sheet="Мероприятия",
            cell="F25", item="2.3.1", year=2026, value="@SUM(A1)"),
    warning("ratio-violated", "Показатель 3 не совпадает с позицией 2.3.2.", item="П3", year=2026),
)


def _files() -> tuple[FileOutcome, ...]:
    def outcome(file, status, org_id, org, issues=(), note=""):
        return FileOutcome(path=Path("in") / file, file=file, sha256=(file.encode().hex() * 64)[:64],
                           status=status, organisation_id=org_id, organisation=org, period=PERIOD,
                           submission=None, issues=tuple(issues), note=note)

    return (
        outcome("spk.xlsx", "accepted", "spk", "Северный политехнический колледж", ISSUES[1:2]),
        outcome("nit.xlsx", "replaced", "nit", "Нефтегорский индустриальный техникум",
                note="Заменён файлом nit_v2.xlsx"),
        outcome("nit_v2.xlsx", "accepted", "nit", "Нефтегорский индустриальный техникум", ISSUES[:1]),
        outcome("keg.xlsx", "rejected", "keg", "Колледж энергетики и газовых технологий",
                [error("missing-title-field", "Не заполнен титульный лист.", file="keg.xlsx")]),
        outcome(EVIL_FILE, "accepted", None, EVIL_ORG),
    )


def make_report(issues=ISSUES) -> Report:
    plan = default_plan()
    consolidation = Consolidation(totals=_totals(plan), by_college=_by_college(plan),
                                  entries=_entries(), findings=())
    return Report(plan=plan, period=PERIOD, files=_files(), consolidation=consolidation,
                  issues=tuple(issues), generated_on=date(2026, 11, 5), tool_version="0.1.0")


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> Path:
    return write_report(make_report(), tmp_path_factory.mktemp("out") / "svod.xlsx")


@pytest.fixture(scope="module")
def book(written):
    return openpyxl.load_workbook(written)


# -- the whole book ----------------------------------------------------------


def test_sheets_in_order(book):
    assert book.sheetnames == list(SHEETS) == [
        "Свод", "Показатели", "По организациям", "Пояснения к отклонениям", "Диаграммы", "Свод по годам",
        "Данные", "Проверки", "Источники", "Комплектность"]
    assert SHEETS[:len(DOCUMENT_SHEETS)] == DOCUMENT_SHEETS  # the signed document comes first


def test_title_block(book):
    values = all_values(book["Свод"])
    assert "Кластер «Энергия Севера» топливно-энергетического комплекса" in values
    assert "Сводный отчёт о реализации программы деятельности кластера" in values
    assert "за октябрь 2026 г." in values
    assert "Сформирован 05.11.2026" in values
    assert "Учтены отчёты 2 из 7 организаций" in values
    assert "Значение нарастающим итогом по состоянию на 31.10.2026" in all_values(book["Показатели"])


@pytest.mark.parametrize("sheet", SHEETS)
def test_every_sheet_has_the_title_block(book, sheet):
    """Document sheets start with the attachment mark in the top right corner."""
    ws = book[sheet]
    top = 3 if sheet in DOCUMENT_SHEETS else 1
    assert [ws.cell(r, 1).value for r in range(top, top + 3)] == [
        "Кластер «Энергия Севера» топливно-энергетического комплекса",
        "Сводный отчёт о реализации программы деятельности кластера",
        "за октябрь 2026 г.",
    ]
    assert ws.cell(top + 4, 1).value == "Сформирован 05.11.2026"
    assert any(str(rng).startswith(f"A{top}:") for rng in ws.merged_cells.ranges)
    marks = [c.value for c in ws[1] if c.value]
    if sheet in DOCUMENT_SHEETS:
        assert marks == ["Приложение к письму от ____________ № ________"]
        assert next(c for c in ws[1] if c.value).alignment.horizontal == "right"
    else:
        assert "Приложение" not in " ".join(map(str, all_values(ws)))


def test_period_phrase():
    assert period_phrase(Period(2026, 10)) == "за октябрь 2026 г."
    assert period_phrase(Period(2027, 1)) == "за январь 2027 г."


def test_properties_are_fixed(book):
    props = book.properties
    assert props.creator == "cluster_xl"
    assert props.created == datetime(2026, 11, 5)  # the date formed, never the clock
    assert "октябрь 2026" in props.subject and "за октябрь 2026 г." in props.title


def test_same_report_gives_identical_bytes(tmp_path):
    first = write_report(make_report(), tmp_path / "a.xlsx").read_bytes()
    second = write_report(make_report(), tmp_path / "b.xlsx").read_bytes()
    assert first == second


def test_write_replaces_atomically(tmp_path):
    target = tmp_path / "svod.xlsx"
    target.write_bytes(b"old")
    assert write_report(make_report(), target) == target
    assert target.read_bytes()[:2] == b"PK"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["svod.xlsx"]


def test_failed_write_leaves_no_temp_file(tmp_path):
    broken = make_report()
    broken = Report(**{**broken.__dict__, "consolidation": Consolidation(
        totals=broken.consolidation.totals.drop(columns=["year"]),
        by_college=broken.consolidation.by_college, entries=broken.consolidation.entries, findings=())})
    with pytest.raises(KeyError):
        write_report(broken, tmp_path / "svod.xlsx")
    assert list(tmp_path.iterdir()) == []
    assert gc.isenabled()  # the collector, paused while writing, runs again after a failure too


def test_the_collector_stays_as_the_caller_left_it(tmp_path):
    gc.disable()
    try:
        write_report(make_report(), tmp_path / "a.xlsx")
        assert not gc.isenabled()
    finally:
        gc.enable()
    write_report(make_report(), tmp_path / "b.xlsx")
    assert gc.isenabled()


@pytest.mark.parametrize("sheet", SHEETS)
def test_print_setup(book, sheet):
    ws = book[sheet]
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == 9
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert int(ws.page_setup.fitToHeight) == 0
    assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text
    assert "Стр." in ws.oddFooter.center.text


@pytest.mark.parametrize("sheet", ["Свод", "Показатели", "Свод по годам", "Данные", "Проверки",
                                   "Источники"])
def test_one_page_wide_header_repeated_and_frozen(book, sheet):
    ws = book[sheet]
    header = find_row(ws, "№" if sheet in ("Проверки", "Источники") else
                      "Организация" if sheet == "Данные" else "Код")
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert int(ws.page_setup.fitToWidth or 1) == 1  # absent means 1 (ECMA-376)
    # The legend strip above the header repeats with it where the sheet shows statuses.
    first = header - 1 if sheet in ("Свод", "Показатели", "Свод по годам") else header
    assert ws.print_title_rows == f"${first}:${header}"
    assert ws.freeze_panes == f"A{header + 1}"


def test_formula_like_text_is_stored_as_text(book):
    seen = []
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value[:1] in "=@+":
                    assert cell.data_type == "s", (ws.title, cell.coordinate, cell.value)
                    seen.append(cell.value)
    assert {EVIL_ORG, EVIL_FILE, "=1+2", "@SUM(A1)"} <= set(seen)
    assert not any(ws._hyperlinks for ws in book.worksheets)


# -- «Свод» ------------------------------------------------------------------


@pytest.fixture(scope="module")
def summary(book):
    ws = book["Свод"]
    header = find_row(ws, "Код")
    return ws, header_cols(ws, header)


def test_summary_header(summary):
    _, cols = summary
    assert list(cols) == ["Код", "Наименование результата", "Ед. изм.", "Цель 2026", "Цель 2027",
                          "Цель 2028", "По графику на 31.10.2026", "Факт 2026", "Отклонение",
                          "% исполнения", "Примечание"]


def test_summary_item_values_and_formats(summary):
    ws, cols = summary
    row = find_row(ws, "1.1.1")
    cell = lambda name: ws.cell(row, cols[name])  # noqa: E731
    assert cell("Наименование результата").value == default_plan().item("1.1.1").name
    assert [cell(f"Цель {y}").value for y in (2026, 2027, 2028)] == [25, 26, 27]
    assert [cell(k).value for k in ("Факт 2026", "Отклонение")] == [30, 5]
    # Where the item should be by October: 10/12 of 25, to a tenth.
    assert cell("По графику на 31.10.2026").value == pytest.approx(25 * 10 / 12)
    assert cell("По графику на 31.10.2026").number_format == "#,##0.0"
    assert cell("% исполнения").value == pytest.approx(120.0)
    # The status in the fact's colour and, for a black-and-white printout, its mark.
    assert cell("Факт 2026").number_format == '"● "#,##0'
    assert cell("Цель 2026").number_format == "#,##0"
    assert cell("% исполнения").number_format == "#,##0.0"
    assert cell("Факт 2026").fill.fgColor.rgb == "FF" + STATUS_FILLS["achieved"][1:]
    assert cell("Наименование результата").alignment.wrap_text


def test_fractional_amounts_keep_their_decimals(summary):
    ws, cols = summary
    row = find_row(ws, "3.1")
    assert ws.cell(row, cols["Факт 2026"]).value == 1234.5
    assert ws.cell(row, cols["Факт 2026"]).number_format.endswith('"#,##0.00')  # after its mark


def test_no_target_is_a_dash_and_pct_is_na(summary):
    ws, cols = summary
    ratio = find_row(ws, "5.4.1")
    assert ws.cell(ratio, cols["Цель 2026"]).value == "—"
    assert ws.cell(ratio, cols["Цель 2028"]).value == 87
    assert ws.cell(ratio, cols["% исполнения"]).value == "н/д"
    assert ws.cell(ratio, cols["Отклонение"]).value == "—"
    # «нет цели»: the grey of its legend, no mark (the dashes say it in black and white).
    assert ws.cell(ratio, cols["Факт 2026"]).fill.fgColor.rgb == "FF" + STATUS_FILLS["no_target"][1:]
    assert number_mark(ws.cell(ratio, cols["Факт 2026"])) is None
    assert ws.cell(find_row(ws, "1.3.1"), cols["Цель 2027"]).value == "—"
    # A target with nothing reported: % is a dash, not «н/д» and not 0.
    missing = find_row(ws, "1.2.1")
    assert ws.cell(missing, cols["Факт 2026"]).value == "—"
    assert ws.cell(missing, cols["% исполнения"]).value == "—"


def test_ratio_item_shows_percent_and_parts(summary):
    ws, cols = summary
    row = find_row(ws, "5.4.1")
    assert ws.cell(row, cols["Факт 2026"]).value == pytest.approx(90.9)
    assert ws.cell(row, cols["Факт 2026"]).number_format == "#,##0.0"
    note = ws.cell(row, cols["Примечание"])
    assert "отношение сумм" in note.value
    assert "Числитель: 100 чел.; знаменатель: 110 чел." in note.value
    assert ".." not in note.value  # the unit's own period ends the sentence
    assert note.comment is not None and "Знаменатель" in note.comment.text


def test_sections_and_results_verbatim_in_plan_order(summary):
    ws, _ = summary
    plan = default_plan()
    names = [ws.cell(r, 2).value for r in range(1, ws.max_row + 1)]
    rows = [names.index(s.title) for s in plan.sections]
    assert rows == sorted(rows)
    for result in plan.results:
        row = names.index(result.title) + 1
        assert ws.cell(row, 1).value == result.code
        assert ws.cell(row, 2).font.i
    section = find_row(ws, plan.sections[0].title, col=2)
    assert ws.cell(section, 2).font.b
    assert ws.cell(section, 2).fill.fgColor.rgb != ws.cell(section + 1, 2).fill.fgColor.rgb
    # Leaves without a result heading (3.1, 3.2) follow their section directly.
    assert find_row(ws, "3.1") == find_row(ws, plan.sections[2].title, col=2) + 1
    codes = [ws.cell(r, 1).value for r in range(1, ws.max_row + 1)]
    leaves = [c for c in codes if c in plan.by_code]
    assert leaves == [i.code for i in plan.activities]


def test_each_mark_has_one_fill_and_the_states_five(summary):
    """The fact's mark and fill say the item's state: one fill per mark, five fills in all
    (the two states without a mark: «нет цели» with a figure, «нет данных» a dash)."""
    ws, cols = summary
    fills: dict[str | None, set] = {}
    unmarked = set()
    for row in range(find_row(ws, "Код") + 1, find_row(ws, "Условные обозначения:", col=2)):
        cell = ws.cell(row, cols["Факт 2026"])
        if ws.cell(row, cols["Ед. изм."]).value is None:
            continue  # a section or result heading
        mark = number_mark(cell)
        fills.setdefault(mark, set()).add(cell.fill.fgColor.rgb)
        if mark is None:
            unmarked.add((cell.value == "—", cell.fill.fgColor.rgb))
    assert {"●", "○", "▼"} <= set(fills)
    assert all(len(fills[m]) == 1 for m in "●○▼")
    assert len({c for m in "●○▼" for c in fills[m]} | {rgb for _, rgb in unmarked}) == 5
    assert {dash for dash, _ in unmarked} == {True, False}


def test_legend_under_table(summary):
    ws, cols = summary
    legend = find_row(ws, "Условные обозначения:", col=2)
    assert legend > find_row(ws, "6.5.1")
    texts = [ws.cell(legend + n, 2).value for n in range(1, 6)]
    assert texts == [
        "выполнено — факт не ниже цели на 2026 год",
        "в графике — факт не ниже ожидаемого по графику на 31.10.2026 (допускается отставание до 10 %)",
        "отставание — факт ниже ожидаемого по графику на 31.10.2026 более чем на 10 %",
        "нет цели — цель на год не установлена («—»); % исполнения — «н/д»",
        "нет данных — организации не представили значение",
    ]
    swatches = [ws.cell(legend + n, 1) for n in range(1, 6)]
    assert len({c.fill.fgColor.rgb for c in swatches}) == 5
    assert [c.value for c in swatches] == ["●", "○", "▼", None, None]
    achieved = find_row(ws, "1.1.1")
    assert ws.cell(legend + 1, 1).fill.fgColor.rgb == ws.cell(achieved, cols["Факт 2026"]).fill.fgColor.rgb
    schedule = ws.cell(legend + 6, 1).value
    assert schedule.startswith("Ожидаемое по графику на 31.10.2026: для мероприятий") and "10/12" in schedule


def test_indicators_sheet(book):
    ws = book["Показатели"]
    cols = header_cols(ws, find_row(ws, "Код"))
    plan = default_plan()
    codes = [ws.cell(r, 1).value for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value in plan.by_code]
    assert codes == ["П1", "П2", "П3", "П4", "П5", "П6", "П7"]
    p7 = find_row(ws, "П7")
    assert ws.cell(p7, cols["Цель 2026"]).value == 99547
    assert ws.cell(p7, cols["Цель 2027"]).value == "—"
    assert ws.cell(find_row(ws, "П1"), cols["Факт 2026"]).value == 1100
    assert not any(s.title in all_values(ws) for s in plan.sections)


# -- other sheets ------------------------------------------------------------


def test_by_year_sheet(book):
    ws = book["Свод по годам"]
    header = find_row(ws, "Код")
    cols = header_cols(ws, header)
    assert list(cols) == ["Код", "Наименование", "Ед. изм.", "Год", "Цель", "План колледжей", "Факт",
                          "Отклонение", "% исполнения", "Статус", "Правило свода"]
    plan = default_plan()
    assert ws.max_row - header == len(plan.items) * len(plan.years)
    assert ws.auto_filter.ref.startswith(f"A{header}:K")
    rows = {(ws.cell(r, 1).value, ws.cell(r, 4).value): r for r in range(header + 1, ws.max_row + 1)}
    r = rows[("1.3.1", 2027)]
    assert ws.cell(r, cols["Цель"]).value == "—"
    assert ws.cell(r, cols["% исполнения"]).value == "н/д"
    assert ws.cell(r, cols["Правило свода"]).value == "не более одного на кластер"
    assert ws.cell(rows[("1.1.1", 2026)], cols["Факт"]).value == 30


COLLEGES = ["Северный политехнический колледж", "Нефтегорский индустриальный техникум", EVIL_ORG]


def test_by_college_sheet(book):
    """Items as rows, colleges as columns: one page wide; the cluster last."""
    ws = book["По организациям"]
    header = find_row(ws, "Код")
    cols = header_cols(ws, header)
    plan = default_plan()
    assert list(cols) == ["Код", "Ед. изм.", *COLLEGES, "Кластер"]
    grid = range(header + 1, header + 1 + len(plan.items))
    assert [ws.cell(r, 1).value for r in grid] == [i.code for i in plan.items]
    assert [ws.cell(r, 2).value for r in grid] == [i.unit for i in plan.items]
    assert ws.cell(grid.stop, 1).value is None  # one row per item, nothing more
    row = header + 1 + [i.code for i in plan.items].index("1.1.1")
    cells = [ws.cell(row, cols[name]) for name in COLLEGES]
    assert [c.value for c in cells] == [30, 15, 10]
    assert ws.cell(row, cols["Кластер"]).value == 30
    assert len({c.fill.fgColor.rgb for c in cells}) == 2  # achieved, on track
    # The status mark lives in the number format: the value stays a number.
    assert [c.number_format for c in cells] == ['"● "#,##0', '"● "#,##0', '"○ "#,##0']
    assert plan.item("1.1.1").name in ws.cell(row, 1).comment.text
    assert ws.freeze_panes == f"C{header + 1}"
    assert ws.print_title_rows.startswith(f"${header - 1}:${header}")
    missing = find_row(ws, next(v for v in all_values(ws) if str(v).startswith("Отчёты не представлены")))
    assert "Колледж энергетики и газовых технологий" in ws.cell(missing, 1).value


def test_data_sheet_traces_every_entry(book):
    ws = book["Данные"]
    header = find_row(ws, "Организация")
    assert [ws.cell(header, c).value for c in range(1, 10)] == [
        "Организация", "Код строки", "Позиция", "Год", "План/Факт", "Значение", "Файл", "Лист", "Ячейка"]
    entries = _entries()
    assert ws.max_row - header == len(entries)
    first = [ws.cell(header + 1, c).value for c in range(1, 10)]
    assert first == ["Северный политехнический колледж", "1.1.1", "1.1.1", 2026, "факт", 30, "spk.xlsx",
                     "Мероприятия", "F10"]
    last = [ws.cell(ws.max_row, c).value for c in range(1, 10)]
    assert last[1:5] == ["5.4.1/ч", "5.4.1", 2026, "план"] and last[6:] == ["spk.xlsx", "Мероприятия", "E40"]
    assert ws.auto_filter.ref == f"A{header}:I{ws.max_row}"


def test_issues_sheet(book):
    ws = book["Проверки"]
    header = find_row(ws, "№")
    cols = header_cols(ws, header)
    rows = [[ws.cell(r, c).value for c in range(1, 11)] for r in range(header + 1, ws.max_row + 1)]
    assert len(rows) == len(ISSUES)
    assert rows[0] == [1, "ошибка", "not-a-number", "nit_v2.xlsx", "Мероприятия", "F12", "1.1.2", 2026,
                       "Значение не является числом.", "=1+2"]
    assert rows[1][1:3] == ["предупреждение", "ratio-violated"] and rows[1][5] == "F25"
    assert rows[2][3] is None and rows[2][6] == "П3"
    error_fill = ws.cell(header + 1, cols["Сообщение"]).fill.fgColor.rgb
    assert error_fill not in (None, "00000000")
    assert ws.cell(header + 2, cols["Сообщение"]).fill.fgColor.rgb != error_fill


def test_report_with_nothing_accepted(tmp_path):
    """No accepted file: the frames are empty, the workbook still says so plainly."""
    report = make_report(issues=())
    frames = report.consolidation
    empty = Consolidation(totals=frames.totals.iloc[0:0], by_college=frames.by_college.iloc[0:0],
                          entries=frames.entries.iloc[0:0], findings=())
    report = Report(**{**report.__dict__, "consolidation": empty, "files": ()})
    book = openpyxl.load_workbook(write_report(report, tmp_path / "r.xlsx"))
    summary = book["Свод"]
    cols = header_cols(summary, find_row(summary, "Код"))
    assert summary.cell(find_row(summary, "1.1.1"), cols["Цель 2026"]).value == "—"
    assert "Учтены отчёты 0 из 7 организаций" in all_values(summary)
    by_college = book["По организациям"]
    header = find_row(by_college, "Код")
    assert [c.value for c in by_college[header] if c.value] == ["Код", "Ед. изм.", "Кластер"]  # no colleges
    assert any(str(v).startswith("Отчёты не представлены или не приняты: ") for v in all_values(by_college))
    data = book["Данные"]
    assert data.max_row == find_row(data, "Организация")


def test_issues_sheet_without_issues(tmp_path):
    ws = openpyxl.load_workbook(write_report(make_report(issues=()), tmp_path / "r.xlsx"))["Проверки"]
    values = all_values(ws)
    assert "Замечаний нет" in values and "Сообщение" not in values


def test_sources_sheet(book):
    ws = book["Источники"]
    header = find_row(ws, "№")
    cols = header_cols(ws, header)
    assert list(cols) == ["№", "Файл", "Организация", "Период", "Статус", "Ошибок", "Предупреждений",
                          "SHA-256", "Примечание"]
    files = _files()
    for n, outcome in enumerate(files, start=1):
        row = header + n
        assert ws.cell(row, cols["Файл"]).value == outcome.file
        assert ws.cell(row, cols["SHA-256"]).value == outcome.sha256
        assert ws.cell(row, cols["Период"]).value == "октябрь 2026 г."
    statuses = [ws.cell(header + n, cols["Статус"]).value for n in range(1, len(files) + 1)]
    assert statuses == ["принят", "заменён более поздним", "принят", "отклонён", "принят"]
    assert ws.cell(header + 2, cols["Примечание"]).value == "Заменён файлом nit_v2.xlsx"
    assert [ws.cell(header + 3, cols[k]).value for k in ("Ошибок", "Предупреждений")] == [1, 0]
    values = all_values(ws)
    assert "Версия программы: cluster_xl 0.1.0" in values
    assert "Идентификатор плана: tek-2026" in values


# -- printing ----------------------------------------------------------------



needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")


def to_pdf(xlsx: Path, outdir: Path) -> Path:
    # Russian number formatting (1 160, 90,9) in the rendered pages.
    return convert(xlsx, "pdf", outdir, timeout=180, russian=True)


@needs_soffice
def test_prints_to_pdf(written, tmp_path):
    pdf = to_pdf(written, tmp_path)
    assert pdf.read_bytes()[:5] == b"%PDF-"
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
        assert pages >= len(SHEETS)


@needs_soffice
@pytest.mark.skipif(os.environ.get("CLUSTER_XL_DOCS") != "1", reason="set CLUSTER_XL_DOCS=1 to redraw docs/")
def test_docs_picture(tmp_path):
    """docs/ for the README, from the README's monthly command on the shipped examples
    (September as --previous) printed with --pdf: docs/summary.png is page 1 of
    «Свод», docs/report_page.png the first page of «Диаграммы»."""
    from cluster_xl.writing.pdf import write_pdf
    from cluster_xl.run.pipeline import build_report
    from cluster_xl.consolidation.previous import compare_with_previous

    repo = Path(__file__).resolve().parents[1]
    plan = default_plan()
    september = build_report(plan, [repo / "examples" / "2026-09"], Period(2026, 9))
    previous = write_report(september, tmp_path / "consolidated_2026-09.xlsx")
    report = compare_with_previous(build_report(plan, [repo / "examples" / "2026-10"], PERIOD), previous)
    pdf = write_pdf(report, tmp_path / "consolidated_2026-10.pdf")
    pages = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                           check=True).stdout.split("\f")
    charts = next(n for n, page in enumerate(pages, start=1) if "Диаграммы исполнения плана" in page)
    (repo / "docs").mkdir(exist_ok=True)
    for page, name in ((1, "summary"), (charts, "report_page")):
        subprocess.run(["pdftoppm", "-f", str(page), "-l", str(page), "-r", "110", "-png", "-singlefile",
                        str(pdf), str(repo / "docs" / name)], check=True, timeout=120)
        assert (repo / "docs" / f"{name}.png").stat().st_size > 10_000
