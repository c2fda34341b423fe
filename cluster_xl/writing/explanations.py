"""«Пояснения к отклонениям»: the items behind schedule, and what each college says.

A document sheet (printed and signed with the others).  For every item behind
its schedule at cluster level: a line with the cluster's target, where the
schedule wants it by the report date, the fact and the gap; under it one line
per college behind on it by its own plan or giving a reason, and the reason
it wrote, verbatim (always written as text: a reason starting with
«=» stays a reason).  The rows come from `consolidation.explain`, as the
explanatory note's do.
"""

from __future__ import annotations

from ..consolidation.explain import NO_REASON, BehindItem, behind_items, shown_colleges, summary
from ..consolidation.report import Report
from .layout import (
    STRIP, Sheet, closing, legend, legend_meanings, number_style, schedule_note, spare, status_cell,
)

SUBTITLE = "Пояснения к отклонениям от плана"


def _columns(report: Report) -> list[tuple[str, float]]:
    year, end = report.period.year, report.period.end_date
    others = [("Ед. изм.", 6), (f"Цель {year}", 8), (f"По графику на {end:%d.%m.%Y}", 9),
              (f"Факт {year}", 8), ("Отклонение от графика", 10), ("Статус", 11.5)]
    reason = 44
    name = spare([5.5, *(w for _, w in others), reason], least=30)
    return [("Код", 5.5), ("Позиция / организация", name), *others, ("Причина отклонения", reason)]


def explanations_sheet(book, ws, report: Report) -> None:
    sheet = Sheet(book, ws, _columns(report))
    items = behind_items(report)
    extra = [f"Позиции, по которым факт ниже ожидаемого по графику на {report.period.end_date:%d.%m.%Y}: "
             f"{len(items)}"]
    strip = sheet.title_block(report, SUBTITLE, extra, document=True)
    sheet.legend_strip(strip, STRIP)
    header = strip + 1
    sheet.header(header)
    row = header + 1
    last = len(sheet.widths) - 1
    if not items:
        sheet.block(row, 0, last, "Позиций с отставанием от графика нет.", "text")
        row += 1
    for item in items:
        row = _item(sheet, row, item)
    notes = [f"Под каждой позицией — организации с отставанием по собственному плану и организации, "
             f"указавшие причину или примечание. Отклонение от графика — факт минус ожидаемое по графику "
             f"значение; строки организаций — по собственному плану организации, причина — в формулировке "
             f"организации («{NO_REASON}» — графа не заполнена)."]
    missing = summary(report).missing
    if missing:
        notes.append("Отчёты не представлены или не приняты: " + "; ".join(missing) + ".")
    notes.append(schedule_note(report))
    last = row - 1
    row = legend(sheet, row + 1, 0, 1, legend_meanings(report))
    closing(sheet, row, report, notes, keep_from=last)
    sheet.page_setup((strip, header))


def _item(sheet: Sheet, row: int, item: BehindItem) -> int:
    values = [item.target, item.expected, item.fact, item.gap]
    # Targets and facts as the item counts them; expected and gap may be a share of a target.
    style = number_style(item.unit, [v for c in (item, *item.colleges) for v in (c.target, c.fact)])
    sheet.text(row, 0, item.code, "code", "section")
    sheet.text(row, 1, item.name, "text", "section")
    sheet.text(row, 2, item.unit, "center", "section")
    _figures(sheet, row, values, style, "section")
    status_cell(sheet, row, 7, "behind")
    sheet.text(row, 8, "", "text", "section")
    sheet.keep(row, row + 1)  # the item's line never ends a page: its first college goes with it
    row += 1
    for college in shown_colleges(item):
        sheet.text(row, 0, "", "code")
        sheet.text(row, 1, college.organisation, "text")
        sheet.text(row, 2, item.unit, "center")
        _figures(sheet, row, [college.target, college.expected, college.fact, college.gap], style)
        status_cell(sheet, row, 7, college.status)
        sheet.text(row, 8, college.reason or NO_REASON, "text" if college.reason else "center")
        row += 1
    return row


def _figures(sheet: Sheet, row: int, values, style: str, *mods: str) -> None:
    target, expected, fact, gap = values
    sheet.number(row, 3, target, style, *mods)
    sheet.number(row, 4, expected, _share_style(style, expected), *mods)
    sheet.number(row, 5, fact, style, *mods)
    sheet.number(row, 6, gap, _share_style(style, gap), *mods)


def _share_style(style: str, value: float | None) -> str:
    """A share of a whole-number target (10/12 of 11) shows a tenth; a whole one stays whole."""
    return "dec" if style == "int" and value is not None and not float(value).is_integer() else style
