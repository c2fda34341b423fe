"""The working sheets: «Свод по годам», «Данные», «Проверки», «Источники».

They print with the same page setup as the document when someone wants them,
but are not part of what is signed and sent: every item × year with its rule,
every accepted number with its cell, every issue, every input file.
"""

from __future__ import annotations

from ..consolidation.report import Report
from ..core.model import REJECTED, REPLACED
from ..core.names import OWN_BOOK_MARK, SHEET_DATA
from ..core.model import STATUS_LABELS as FILE_STATUS_LABELS
from ..plan.model import RULE_LABELS
from .bulk import data_rows
from .frames import as_text, num
from .layout import DASH, NOT_APPLICABLE, STRIP, Sheet, number_style, status_cell


# -- «Свод по годам» ---------------------------------------------------------


def by_year_sheet(book, ws, report: Report) -> None:
    sheet = Sheet(book, ws, [
        ("Код", 7), ("Наименование", 60), ("Ед. изм.", 8), ("Год", 7), ("Цель", 10),
        ("План колледжей", 11), ("Факт", 10), ("Отклонение", 11), ("% исполнения", 12),
        ("Статус", 12), ("Правило свода", 15),
    ])
    strip = sheet.title_block(report, "Значения по всем позициям и годам программы")
    sheet.legend_strip(strip, STRIP)
    header = strip + 1
    sheet.header(header)
    row = header + 1
    for r in report.consolidation.totals.to_dict("records"):
        unit = as_text(r.get("unit"))
        values = [num(r.get(k)) for k in ("target", "colleges_target", "fact", "deviation")]
        style = number_style(unit, values)
        sheet.text(row, 0, as_text(r.get("code")), "code")
        sheet.text(row, 1, as_text(r.get("name")), "text")
        sheet.text(row, 2, unit, "center")
        ws.write_number(row, 3, int(r["year"]), book.fmt("dash"))
        for col, value in enumerate(values, start=4):
            sheet.number(row, col, value, style)
        sheet.number(row, 8, num(r.get("pct")), "dec", missing=NOT_APPLICABLE if not values[0] else DASH)
        status_cell(sheet, row, 9, as_text(r.get("status")))
        rule = as_text(r.get("rule"))
        sheet.text(row, 10, RULE_LABELS.get(rule, rule), "text")
        row += 1
    ws.autofilter(header, 0, max(row - 1, header), len(sheet.columns) - 1)
    sheet.page_setup((strip, header))


# -- «Данные» ----------------------------------------------------------------


# Rows a sheet holds: Excel's last row is 1,048,576.  The entries past it continue on
# «Данные (2)», «Данные (3)»…, each with the title and the header (tests lower it).
SHEET_ROWS = 1_048_576
DATA_COLUMNS = [
    ("Организация", 40), ("Код строки", 10), ("Позиция", 9), ("Год", 7), ("План/Факт", 9),
    ("Значение", 12), ("Файл", 34), ("Лист", 16), ("Ячейка", 8),
]
DATA_SUBTITLE = "Исходные значения принятых отчётов с указанием ячеек"


def data_part_name(k: int) -> str:
    """«Данные», «Данные (2)», …: the k-th (0-based) sheet of the entries."""
    return SHEET_DATA if k == 0 else f"{SHEET_DATA} ({k + 1})"


def data_sheet(book, ws, report: Report) -> None:
    """Every accepted number with its cell, the colleges' reasons first; over as many sheets
    as the rows need, never past a sheet's last row."""
    entries, reasons = report.consolidation.entries, len(report.consolidation.reasons)
    total = reasons + len(entries)
    # The title block: six rows, and a seventh naming the part where there are parts.
    per = SHEET_ROWS - 7 - 1
    parts = 1 if total <= SHEET_ROWS - 6 - 1 else -(-total // per)
    start = 0
    for k in range(parts):
        if k:
            ws = book.workbook.add_worksheet(data_part_name(k), type(ws))
        sheet = Sheet(book, ws, DATA_COLUMNS)
        extra = [] if parts == 1 else [
            f"Часть {k + 1} из {parts}" + (f"; продолжение — на листе «{data_part_name(k + 1)}»"
                                          if k + 1 < parts else "")]
        header = sheet.title_block(report, DATA_SUBTITLE, extra)
        sheet.header(header)
        room = SHEET_ROWS - header - 1
        # First the colleges' reasons, text as typed, each with its cell (a few dozen rows,
        # written before the bulk rows, which must come last); then one row per accepted
        # number (bulk.FIELDS): organisation, row code, item, year, plan/fact, value, file,
        # sheet, cell — rendered in one pass, not cell by cell.
        row = _reason_rows(sheet, header + 1, report) if k == 0 else header + 1
        take = room - (row - header - 1)
        row = data_rows(sheet, row, entries.iloc[start:start + take])
        start += take
        ws.autofilter(header, 0, max(row - 1, header), len(sheet.columns) - 1)
        sheet.page_setup((header, header))
    if start < len(entries):  # the title block grew: never drop what did not fit
        raise RuntimeError(f"«{SHEET_DATA}»: {len(entries) - start} rows did not fit the parts planned")


REASON_MEASURE = "Причина"  # «План/Факт» of a reason row on «Данные»


def _reason_rows(sheet: Sheet, row: int, report: Report) -> int:
    frame = report.consolidation.reasons
    for org, code, item, text, file, sheet_name, cell in zip(
            *(frame[c].tolist() for c in ("organisation", "code", "item", "text", "file", "sheet", "cell"))):
        sheet.text(row, 0, as_text(org), "text")
        sheet.text(row, 1, as_text(code), "code")
        sheet.text(row, 2, as_text(item), "code")
        sheet.text(row, 3, "", "dash")
        sheet.text(row, 4, REASON_MEASURE, "dash")
        sheet.text(row, 5, as_text(text), "text")
        sheet.text(row, 6, as_text(file), "text")
        sheet.text(row, 7, as_text(sheet_name), "text")
        sheet.text(row, 8, as_text(cell), "code")
        row += 1
    return row


# -- «Проверки» --------------------------------------------------------------


def issues_sheet(book, ws, report: Report) -> None:
    sheet = Sheet(book, ws, [
        ("№", 5), ("Уровень", 16), ("Код проверки", 22), ("Файл", 24), ("Лист", 13),
        ("Ячейка", 8), ("Позиция", 9), ("Год", 7), ("Сообщение", 56), ("Значение", 18),
    ])
    errors = sum(1 for i in report.issues if i.is_error)
    extra = [f"Ошибок: {errors}; предупреждений: {len(report.issues) - errors}"] if report.issues else []
    header = sheet.title_block(report, "Результаты проверок", extra)
    if not report.issues:
        ws.write_string(header, 0, "Замечаний нет", book.fmt("bold"))
        sheet.page_setup(None)
        return
    sheet.header(header)
    for n, issue in enumerate(report.issues, start=1):
        row = header + n
        shade = "error_row" if issue.is_error else None
        ws.write_number(row, 0, n, book.fmt("dash", shade))
        texts = (issue.severity.label, issue.code, issue.file, issue.sheet, issue.cell, issue.item)
        for col, value in enumerate(texts, start=1):
            sheet.text(row, col, as_text(value), "text", shade)
        sheet.number(row, 7, issue.year, "dash", shade, missing="")
        sheet.text(row, 8, issue.message, "text", shade)
        sheet.text(row, 9, as_text(issue.value), "text", shade)
    ws.autofilter(header, 0, header + len(report.issues), len(sheet.columns) - 1)
    sheet.page_setup((header, header))


# -- «Источники» -------------------------------------------------------------


def sources_sheet(book, ws, report: Report) -> None:
    sheet = Sheet(book, ws, [
        ("№", 5), ("Файл", 26), ("Организация", 28), ("Период", 14), ("Статус", 13),
        ("Ошибок", 8), ("Предупреждений", 17), ("SHA-256", 52), ("Примечание", 26),
    ])
    header = sheet.title_block(report, "Перечень обработанных файлов")
    sheet.header(header)
    shades = {REJECTED: "rejected", REPLACED: "replaced", "skipped": "replaced"}
    for n, outcome in enumerate(report.files, start=1):
        row = header + n
        errors = sum(1 for i in outcome.issues if i.is_error)
        ws.write_number(row, 0, n, book.fmt("dash"))
        sheet.text(row, 1, outcome.file, "text")
        sheet.text(row, 2, outcome.organisation, "text")
        sheet.text(row, 3, outcome.period.words if outcome.period else DASH, "center")
        label = FILE_STATUS_LABELS.get(outcome.status, outcome.status)
        sheet.text(row, 4, label, "center", shades.get(outcome.status))
        ws.write_number(row, 5, errors, book.fmt("int"))
        ws.write_number(row, 6, len(outcome.issues) - errors, book.fmt("int"))
        sheet.text(row, 7, outcome.sha256, "mono")
        sheet.text(row, 8, outcome.note, "text")
    row = header + len(report.files) + 2
    ws.write_string(row, 0, f"{OWN_BOOK_MARK} {report.tool_version}", book.fmt("meta"))
    ws.write_string(row + 1, 0, f"Идентификатор плана: {report.plan.plan_id}", book.fmt("meta"))
    sheet.page_setup((header, header))
