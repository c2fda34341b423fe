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

from ..consolidation.explain import (
    NO_REASON, BehindItem, Listing, behind_items, listed_colleges, listing_limit, summary,
)
from ..consolidation.report import Report
from ..core.measure import line_count
from ..core.names import SHEET_DATA
from ..core.numbers import format_ru
from .layout import (
    STATUS_MARK_ROOM, STRIP, TABLE_SIZE, Sheet, closing, figure_units, legend, legend_meanings, marked_number,
    missing_note, number_style, orgs_counted, schedule_note, spare, two_lines,
)

SUBTITLE = "Пояснения к отклонениям от плана"


def _best_split(items: list[BehindItem], both: float, limit: int | None) -> float:
    """The reason column's width (30 units up to half of `both`, the rest the name's) that
    gives the rows the least height in all: an item's name in bold, each named college's
    name beside its reason."""
    def lines(reason: float) -> int:
        name = both - reason
        total = 0
        for item in items:
            total += line_count(item.name, name, TABLE_SIZE, bold=True)
            for college in listed_colleges(item, limit).shown:
                total += max(line_count(college.organisation, name, TABLE_SIZE),
                             line_count(college.reason or NO_REASON, reason, TABLE_SIZE))
        return total
    widths = [30 + step for step in range(int(max(both / 2 - 30, 0)) + 1)]
    return min(widths, key=lambda w: (lines(w), -w)) if items else 44


def _columns(report: Report, items: list[BehindItem], limit: int | None) -> list[tuple[str, float]]:
    """The columns; a number column as wide as its widest figure needs (national totals)."""
    year, end = report.period.year, report.period.end_date
    rows = [r for item in items for r in (item, *item.colleges)]

    def fit(measure: str, least: float, marks: str = "") -> float:
        return max([least, *(figure_units([getattr(r, measure)], "dec", least, marks) for r in rows)])

    others = [("Ед. изм.", 6), (f"Цель {year}", fit("target", 8)),
              (f"По графику на {end:%d.%m.%Y}", fit("expected", 9)), (f"Факт {year}", fit("fact", 8, STATUS_MARK_ROOM)),
              ("Отклонение от графика", fit("gap", 10))]
    others = [(title, two_lines(title, width)) for title, width in others]
    both = spare([5.5, *(w for _, w in others)], 2, least=30) * 2
    reason = _best_split(items, both, limit)
    name = spare([5.5, *(w for _, w in others), reason], least=30)
    return [("Код", 5.5), ("Позиция / организация", name), *others, ("Причина отклонения", reason)]


def explanations_sheet(book, ws, report: Report) -> None:
    items = behind_items(report)
    limit = listing_limit(report)
    sheet = Sheet(book, ws, _columns(report, items, limit))
    extra = [f"Позиции, по которым факт ниже ожидаемого по графику на {report.period.end_date:%d.%m.%Y}: "
             f"{len(items)}"]
    strip = sheet.title_block(report, SUBTITLE, extra, document=True)
    sheet.legend_strip(strip, STRIP)
    header = strip + 1
    sheet.header(header)
    row = header + 1
    last = sheet.last_col
    if not items:
        sheet.block(row, 0, last, "Позиций с отставанием от графика нет.", "text")
        row += 1
    for item in items:
        row = _item(sheet, row, item, limit)
    notes = [f"Под каждой позицией — организации с отставанием по собственному плану и организации, "
             f"указавшие причину или примечание. Отклонение от графика — факт минус ожидаемое по графику "
             f"значение; строки организаций — по собственному плану организации, причина — в формулировке "
             f"организации («{NO_REASON}» — графа не заполнена)."]
    missing = summary(report).missing
    if missing:
        notes.append(missing_note(report, missing))
    notes.append(schedule_note(report))
    last = row - 1
    row = legend(sheet, row + 1, 0, 1, legend_meanings(report))
    closing(sheet, row, report, notes, keep_from=last)
    sheet.page_setup((strip, header))


def _item(sheet: Sheet, row: int, item: BehindItem, limit: int | None) -> int:
    values = [item.target, item.expected, item.fact, item.gap]
    # Targets and facts as the item counts them; expected and gap may be a share of a target.
    style = number_style(item.unit, [v for c in (item, *item.colleges) for v in (c.target, c.fact)])
    sheet.text(row, 0, item.code, "code", "section")
    sheet.text(row, 1, item.name, "text", "section")
    sheet.text(row, 2, item.unit, "center", "section")
    _figures(sheet, row, values, style, "behind", "section")
    sheet.text(row, 7, "", "text", "section")
    sheet.keep(row, row + 1)  # the item's line never ends a page: its first college goes with it
    row += 1
    listing = listed_colleges(item, limit)
    for college in listing.shown:
        sheet.text(row, 0, "", "code")
        sheet.text(row, 1, college.organisation, "text")
        sheet.text(row, 2, item.unit, "center")
        _figures(sheet, row, [college.target, college.expected, college.fact, college.gap], style, college.status)
        sheet.text(row, 7, college.reason or NO_REASON, "text" if college.reason else "center")
        row += 1
    if listing.more:
        sheet.block(row, 1, sheet.last_col, more_line(listing), "note")
        row += 1
    return row


def more_line(listing: Listing) -> str:
    """«Ещё 1 234 организации…»: the colleges of an item not named, and where their reasons are."""
    more = listing.more
    text = f"Ещё {orgs_counted(more)} с отставанием или с примечанием"
    if listing.more_with_reason:
        text += f" (из них указали причину — {format_ru(listing.more_with_reason)})"
    return text + f"; все причины с указанием файла и ячейки — на листе «{SHEET_DATA}»."


def _figures(sheet: Sheet, row: int, values, style: str, status: str, *mods: str) -> None:
    """Target, expected, fact (coloured and marked by `status`) and gap."""
    target, expected, fact, gap = values
    sheet.number(row, 3, target, style, *mods)
    sheet.number(row, 4, expected, _share_style(style, expected), *mods)
    marked_number(sheet, row, 5, fact, status, style, *mods)
    sheet.number(row, 6, gap, _share_style(style, gap), *mods)


def _share_style(style: str, value: float | None) -> str:
    """A share of a whole-number target (10/12 of 11) shows a tenth; a whole one stays whole."""
    return "dec" if style == "int" and value is not None and not float(value).is_integer() else style
