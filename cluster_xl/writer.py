"""The consolidated workbook: a Report -> one formatted .xlsx, ready to print and sign.

Seven sheets, each with the same title block, a header row repeated on every
printed page and frozen on screen.  Every format is named once in `STYLES`;
a cell's format is a combination of names (`"int"` + `"achieved"`), created
once per combination.  Text that came from a college is always written with
`write_string`: a name starting with "=" stays a name, never a formula.
"""

from __future__ import annotations

import math
import os
from datetime import date, datetime
from pathlib import Path
from typing import Iterable, Sequence

import xlsxwriter

from .consolidate import STATUS_LABELS
from .model import ACCEPTED, REJECTED, REPLACED, Period, Report
from .model import STATUS_LABELS as FILE_STATUS_LABELS
from .numbers import format_ru
from .plan import RULE_LABELS, PlanItem

SHEET_SUMMARY = "Свод"
SHEET_INDICATORS = "Показатели"
SHEET_BY_YEAR = "Свод по годам"
SHEET_BY_COLLEGE = "По организациям"
SHEET_DATA = "Данные"
SHEET_ISSUES = "Проверки"
SHEET_SOURCES = "Источники"
SHEETS = (SHEET_SUMMARY, SHEET_INDICATORS, SHEET_BY_YEAR, SHEET_BY_COLLEGE,
          SHEET_DATA, SHEET_ISSUES, SHEET_SOURCES)

REPORT_TITLE = "Сводный отчёт о реализации программы деятельности кластера"
DASH = "—"  # no value: no target that year, nothing reported, nothing to compute
NOT_APPLICABLE = "н/д"  # % of execution where there is no target to divide by

# Formula, link and number guessing off: every string is written as typed.
WORKBOOK_OPTIONS = {
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
    # Times New Roman prints like an official document; LibreOffice substitutes
    # the metric-compatible Liberation Serif, so pages break the same way.
    "default_format_properties": {"font_name": "Times New Roman", "font_size": 10},
}

_CELL = {"border": 1, "border_color": "#7F7F7F", "valign": "top"}
STATUS_FILLS = {
    "achieved": "#C6EFCE",
    "on_track": "#FFEB9C",
    "behind": "#FFC7CE",
    "no_target": "#D9D9D9",
    "no_data": "#FFFFFF",
}
# Named styles; a cell's format merges one or more of these, left to right.
STYLES: dict[str, dict] = {
    "cluster": {"bold": True, "font_size": 12, "align": "center", "valign": "vcenter", "text_wrap": True},
    "title": {"bold": True, "font_size": 14, "align": "center", "valign": "vcenter"},
    "period": {"font_size": 12, "align": "center", "valign": "vcenter"},
    "subtitle": {"bold": True, "font_size": 11, "align": "center", "valign": "vcenter", "text_wrap": True},
    "meta": {"italic": True, "font_size": 10},
    "meta_wrap": {"italic": True, "font_size": 10, "text_wrap": True, "valign": "top"},
    "bold": {"bold": True},
    "header": {**_CELL, "bold": True, "text_wrap": True, "align": "center", "valign": "vcenter",
               "bg_color": "#DCE6F1"},
    "code": {**_CELL, "align": "left"},
    "text": {**_CELL, "text_wrap": True},
    "center": {**_CELL, "align": "center", "text_wrap": True},
    "int": {**_CELL, "num_format": "#,##0", "align": "right", "indent": 1},
    "dec": {**_CELL, "num_format": "#,##0.0", "align": "right", "indent": 1},
    "amount": {**_CELL, "num_format": "#,##0.00", "align": "right", "indent": 1},
    "dash": {**_CELL, "align": "center"},
    "status": {**_CELL, "align": "center"},
    "mono": {**_CELL, "font_name": "Courier New", "font_size": 7},
    # Modifiers: merged over one of the cell styles above.
    "section": {"bold": True, "bg_color": "#E7E6E6"},
    "result": {"italic": True},
    "error_row": {"bg_color": "#FCE4E4"},
    "rejected": {"bg_color": "#FFC7CE"},
    "replaced": {"bg_color": "#EDEDED"},
    **{status: {"bg_color": colour} for status, colour in STATUS_FILLS.items()},
}
# Legend texts: what each colour means on the cluster sheets and per organisation.
LEGEND_CLUSTER = {
    "achieved": "факт не ниже годовой цели",
    "on_track": "факт не ниже ожидаемого к отчётному месяцу",
    "behind": "факт ниже ожидаемого",
    "no_target": "цель на год не установлена",
    "no_data": "организации не представили значение",
}
LEGEND_COLLEGE = {
    "achieved": "факт не ниже плана организации на год",
    "on_track": "факт не ниже ожидаемого к отчётному месяцу",
    "behind": "факт ниже ожидаемого",
    "no_target": "план организации на год не установлен",
    "no_data": "значение не представлено",
}
# Column-width units one A4 landscape page holds at the smallest scale still
# comfortable to read (about 75 %); wider tables spread over more pages.
PAGE_WIDTH = 200
# Points per line of 10 pt Times New Roman in a wrapped cell, with leading.
LINE_HEIGHT = 11.75


# -- public ------------------------------------------------------------------


def period_phrase(period: Period) -> str:
    """«за октябрь 2026 г.»"""
    return f"за {period.words}"


def as_of_phrase(period: Period) -> str:
    """«по состоянию на 31.10.2026»: the date cumulative indicators speak for."""
    return f"по состоянию на {period.end_date:%d.%m.%Y}"


def generated_phrase(day: date) -> str:
    return f"Сформирован {day:%d.%m.%Y}"


def write_report(report: Report, path: str | Path) -> Path:
    """Write the consolidated workbook; the file appears complete or not at all."""
    path = Path(path)
    tmp = path.with_name(f".~{path.name}.{os.getpid()}.tmp")
    try:
        workbook = xlsxwriter.Workbook(str(tmp), WORKBOOK_OPTIONS)
        _fill_workbook(workbook, report)
        workbook.close()
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return path


def _fill_workbook(workbook, report: Report) -> None:
    book = _Book(workbook)
    for name, fill in (
        (SHEET_SUMMARY, _summary_sheet), (SHEET_INDICATORS, _indicators_sheet),
        (SHEET_BY_YEAR, _by_year_sheet), (SHEET_BY_COLLEGE, _by_college_sheet),
        (SHEET_DATA, _data_sheet), (SHEET_ISSUES, _issues_sheet), (SHEET_SOURCES, _sources_sheet),
    ):
        fill(book, workbook.add_worksheet(name), report)
    end = report.period.end_date
    workbook.set_properties({
        "title": f"{REPORT_TITLE} {period_phrase(report.period)}",
        "subject": f"Отчётный период: {report.period.words} ({report.period})",
        "author": "cluster_xl",
        "company": report.plan.cluster.name,
        "keywords": f"Профессионалитет, кластер, {report.plan.plan_id}",
        "comments": f"cluster_xl {report.tool_version}; план {report.plan.plan_id}",
        # Fixed, so the same inputs give a byte-identical file.
        "created": datetime(end.year, end.month, end.day),
    })


# -- formats and layout ------------------------------------------------------


class _Book:
    """Formats by name, each combination created once."""

    def __init__(self, workbook):
        self._workbook = workbook
        self._formats: dict[tuple, tuple] = {}

    def style(self, names: tuple) -> tuple:
        """(format, wraps, bold) for a combination of style names; None is skipped."""
        found = self._formats.get(names)
        if found is None:
            key = tuple(n for n in names if n)
            if key not in self._formats:
                props = _props(key)
                fmt = self._workbook.add_format(props)
                self._formats[key] = (fmt, bool(props.get("text_wrap")), bool(props.get("bold")))
            found = self._formats[names] = self._formats[key]
        return found

    def fmt(self, *names: str | None):
        return self.style(names)[0]


def _props(names: Iterable[str]) -> dict:
    props: dict = {}
    for name in names:
        props.update(STYLES[name])
    return props


class _Sheet:
    """A worksheet with its columns; rows with wrapped text get a fitting height.

    Heights are set explicitly because LibreOffice, Р7-Офис and merged cells do
    not grow a row to fit on opening: without them long names print cut off.
    """

    def __init__(self, book: _Book, ws, columns: Sequence[tuple[str, float]]):
        self.book, self.ws = book, ws
        self.columns = list(columns)
        self.widths = [w for _, w in columns]
        self._lines: dict[int, int] = {}
        for col, width in enumerate(self.widths):
            ws.set_column(col, col, width)

    @property
    def width(self) -> float:
        return sum(self.widths)

    def text(self, row: int, col: int, value: str, *styles: str | None) -> None:
        """Always write_string: a value starting with "=" or "@" stays text."""
        cell_format, wraps, bold = self.book.style(styles)
        if not value:
            self.ws.write_blank(row, col, None, cell_format)
            return
        self.ws.write_string(row, col, value, cell_format)
        if wraps:
            lines = _line_count(value, self.widths[col], bold)
            if lines > self._lines.get(row, 1):
                self._lines[row] = lines

    def number(self, row: int, col: int, value: float | None, style: str, *mods: str | None,
               missing: str = DASH) -> None:
        if value is None:
            self.text(row, col, missing, "dash", *mods)
        else:
            self.ws.write_number(row, col, value, self.book.fmt(style, *mods))

    def header(self, row: int) -> None:
        for col, (title, _) in enumerate(self.columns):
            self.text(row, col, title, "header")

    def finish(self) -> None:
        for row, lines in self._lines.items():
            self.ws.set_row(row, lines * LINE_HEIGHT + 3)

    def title_block(self, report: Report, subtitle: str, extra: Iterable[str] = ()) -> int:
        """Cluster, title, period, sheet subtitle, date; returns the header row."""
        lines = ((report.plan.cluster.name, "cluster"), (REPORT_TITLE, "title"),
                 (period_phrase(report.period), "period"), (subtitle, "subtitle"))
        for row, (text, style) in enumerate(lines):
            self.paragraph(row, text, style)
        row = len(lines)
        for text in (generated_phrase(report.generated_on), *extra):
            self.ws.write_string(row, 0, text, self.book.fmt("meta"))
            row += 1
        return row + 1

    def paragraph(self, row: int, text: str, style: str) -> None:
        """Text merged across the first printed page, wrapped, its row tall enough."""
        # Centred over what lands on the first page, not over all 40 columns.
        limit = self.width / _pages_wide(self.width) * 1.02
        last, total = 0, 0.0
        for col, width in enumerate(self.widths):
            if total + width > limit and col:
                break
            last, total = col, total + width
        props = STYLES[style]
        size = props.get("font_size", 10)
        # Merged cells never grow to fit their text, so the height is set here.
        count = _line_count(text, total * 10 / size, props.get("bold", False))
        self.ws.set_row(row, count * size * 1.25 + 4)
        if last > 0:
            self.ws.merge_range(row, 0, row, last, "", self.book.fmt(style))
        self.ws.write_string(row, 0, text, self.book.fmt(style))

    def page_setup(self, header: tuple[int, int] | None, freeze_cols: int = 0) -> None:
        """A4 landscape, header rows on every page, «Стр. N из M» in the footer."""
        ws = self.ws
        ws.set_paper(9)  # A4
        ws.set_landscape()
        # One page wide where the table allows; very wide tables spread over a
        # few pages with the first column repeated rather than shrink unreadably.
        ws.fit_to_pages(_pages_wide(self.width), 0)
        ws.set_margins(left=0.6, right=0.4, top=0.5, bottom=0.6)
        ws.set_footer("&CСтр. &P из &N", {"margin": 0.25})
        ws.center_horizontally()
        if header is not None:
            ws.repeat_rows(*header)
            if freeze_cols:
                ws.repeat_columns(0, freeze_cols - 1)
            ws.freeze_panes(header[1] + 1, freeze_cols)
        self.finish()


def _line_count(text: str, width: float, bold: bool = False) -> int:
    """Lines a wrapped cell needs: greedy word wrap, about a character per width unit."""
    capacity = max(width * (0.9 if bold else 1.0) - 1.0, 1.0)
    if len(text) <= capacity and "\n" not in text:
        return 1
    lines = 0
    for paragraph in text.split("\n"):
        lines, used = lines + 1, 0.0
        for word in paragraph.split():
            if used and used + 1 + len(word) > capacity:
                lines, used = lines + 1, 0.0
            used += (1 if used else 0) + len(word)
            while used > capacity:  # a word longer than the column breaks anywhere
                lines, used = lines + 1, used - capacity
    return lines


def _pages_wide(width: float) -> int:
    return max(1, math.ceil(width / PAGE_WIDTH))


def _num(value) -> float | None:
    """A frame cell as a float, None for NaN / None / pd.NA."""
    if value is None or isinstance(value, str):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def _text(value) -> str:
    if value is None:
        return ""
    try:
        if value != value:  # NaN, pd.NA
            return ""
    except TypeError:  # pd.NA refuses to be compared
        return ""
    return str(value)


def _records(frame, names: Sequence[str]):
    """Row tuples of the named columns; a column the frame lacks reads as empty."""
    empty = [None] * len(frame)
    return zip(*(frame[c].tolist() if c in frame.columns else empty for c in names))


def _number_style(unit: str, values: Iterable[float | None]) -> str:
    if unit.strip() == "%":
        return "dec"
    if all(v is None or float(v).is_integer() for v in values):
        return "int"
    return "amount"


def _legend(sheet: _Sheet, row: int, swatch_col: int, text_col: int, meanings: dict[str, str]) -> int:
    sheet.ws.write_string(row, text_col, "Условные обозначения:", sheet.book.fmt("bold"))
    for status, meaning in meanings.items():
        row += 1
        sheet.ws.write_blank(row, swatch_col, None, sheet.book.fmt("status", status))
        sheet.ws.write_string(row, text_col, f"{STATUS_LABELS[status]} — {meaning}")
    return row + 1


def _orgs_word(count: int) -> str:
    return "организации" if count % 10 == 1 and count % 100 != 11 else "организаций"


def _accepted_ids(report: Report) -> set[str]:
    return {f.organisation_id for f in report.files if f.status == ACCEPTED and f.organisation_id}


# -- «Свод» and «Показатели» -------------------------------------------------


def _plan_columns(report: Report) -> list[tuple[str, float]]:
    year = report.period.year
    return [
        ("Код", 7), ("Наименование результата", 62), ("Ед. изм.", 8),
        *((f"Цель {y}", 10) for y in report.plan.years),
        (f"План колледжей {year}", 11), (f"Факт {year}", 10), ("Отклонение", 12),
        ("% исполнения", 12), ("Статус", 12), ("Примечание", 24),
    ]


def _totals_index(report: Report) -> dict[tuple[str, int], dict]:
    totals = report.consolidation.totals
    return {(str(r["code"]), int(r["year"])): r for r in totals.to_dict("records")}


def _summary_sheet(book, ws, report: Report) -> None:
    plan = report.plan
    accepted = len(_accepted_ids(report) & {c.id for c in plan.colleges})
    total = len(plan.colleges)
    extra = [f"Учтены отчёты {accepted} из {total} {_orgs_word(total)}"]
    _plan_sheet(_Sheet(book, ws, _plan_columns(report)), report, plan.activities,
                "Мероприятия программы деятельности кластера", extra, with_headings=True)


def _indicators_sheet(book, ws, report: Report) -> None:
    extra = [f"Значение нарастающим итогом {as_of_phrase(report.period)}"]
    _plan_sheet(_Sheet(book, ws, _plan_columns(report)), report, report.plan.indicators,
                "Плановые показатели результативности", extra, with_headings=False)


def _plan_sheet(sheet: _Sheet, report: Report, items: Sequence[PlanItem], subtitle: str,
                extra: Sequence[str], with_headings: bool) -> None:
    header = sheet.title_block(report, subtitle, extra)
    sheet.header(header)
    totals = _totals_index(report)
    headings = {s.code: s.title for s in report.plan.sections}
    headings.update({r.code: r.title for r in report.plan.results})
    row, shown = header + 1, set()
    for item in items:
        for code, kind in ((item.section, "section"), (item.result, "result")):
            if with_headings and code and code not in shown:
                shown.add(code)
                _heading_row(sheet, row, code, headings.get(code, ""), kind)
                row += 1
        _item_row(sheet, row, item, report, totals)
        row += 1
    row = _legend(sheet, row + 1, 0, 1, LEGEND_CLUSTER)
    if with_headings:  # the printed summary is signed before it is sent
        sheet.ws.write_string(row + 1, 1, "Ответственный исполнитель: ____________________ (подпись)"
                                          "   ____________________ (Ф. И. О.)")
    sheet.page_setup((header, header))


def _heading_row(sheet: _Sheet, row: int, code: str, title: str, kind: str) -> None:
    """Section or result line: code and title verbatim, the rest of the row boxed."""
    sheet.text(row, 0, code, "code", kind)
    sheet.text(row, 1, title, "text", kind)
    for col in range(2, len(sheet.columns)):
        sheet.ws.write_blank(row, col, None, sheet.book.fmt("dash", kind))


def _item_row(sheet: _Sheet, row: int, item: PlanItem, report: Report, totals: dict) -> None:
    now = totals.get((item.code, report.period.year), {})
    targets = [_num(totals.get((item.code, y), {}).get("target")) for y in report.plan.years]
    values = [_num(now.get(k)) for k in ("colleges_target", "fact", "deviation")]
    style = _number_style(item.unit, [*targets, *values])
    sheet.text(row, 0, item.code, "code")
    sheet.text(row, 1, item.name, "text")
    sheet.text(row, 2, item.unit, "center")
    col = 3
    for value in (*targets, *values):
        sheet.number(row, col, value, style)
        col += 1
    sheet.number(row, col, _num(now.get("pct")), "dec",
                 missing=NOT_APPLICABLE if not _num(now.get("target")) else DASH)
    status = _text(now.get("status"))
    sheet.text(row, col + 1, STATUS_LABELS.get(status, status), "status", status or None)
    _note_cell(sheet, row, col + 2, item, now)


def _note_cell(sheet: _Sheet, row: int, col: int, item: PlanItem, now: dict) -> None:
    """The aggregation rule where it is not a plain sum, and a ratio's two sums."""
    lines = []
    if item.rule != "sum":
        lines.append(f"Правило свода: {RULE_LABELS.get(item.rule, item.rule)}.")
    numerator, denominator = _num(now.get("numerator")), _num(now.get("denominator"))
    if item.rule == "ratio" and item.parts and (numerator is not None or denominator is not None):
        unit = item.part("denominator").unit
        lines.append(f"Числитель: {format_ru(numerator)} {unit}; "
                     f"знаменатель: {format_ru(denominator)} {unit}.")
        sheet.ws.write_comment(row, col, (
            f"Числитель — {item.part('numerator').name}.\n"
            f"Знаменатель — {item.part('denominator').name}."
        ), {"author": "cluster_xl", "x_scale": 3, "y_scale": 2.5})
    sheet.text(row, col, "\n".join(lines), "text")


# -- «Свод по годам» ---------------------------------------------------------


def _by_year_sheet(book, ws, report: Report) -> None:
    sheet = _Sheet(book, ws, [
        ("Код", 7), ("Наименование", 60), ("Ед. изм.", 8), ("Год", 7), ("Цель", 10),
        ("План колледжей", 11), ("Факт", 10), ("Отклонение", 11), ("% исполнения", 12),
        ("Статус", 12), ("Правило свода", 15),
    ])
    header = sheet.title_block(report, "Значения по всем позициям и годам программы")
    sheet.header(header)
    row = header + 1
    for r in report.consolidation.totals.to_dict("records"):
        unit = _text(r.get("unit"))
        values = [_num(r.get(k)) for k in ("target", "colleges_target", "fact", "deviation")]
        style = _number_style(unit, values)
        sheet.text(row, 0, _text(r.get("code")), "code")
        sheet.text(row, 1, _text(r.get("name")), "text")
        sheet.text(row, 2, unit, "center")
        ws.write_number(row, 3, int(r["year"]), book.fmt("dash"))
        for col, value in enumerate(values, start=4):
            sheet.number(row, col, value, style)
        sheet.number(row, 8, _num(r.get("pct")), "dec", missing=NOT_APPLICABLE if not values[0] else DASH)
        status = _text(r.get("status"))
        sheet.text(row, 9, STATUS_LABELS.get(status, status), "status", status or None)
        rule = _text(r.get("rule"))
        sheet.text(row, 10, RULE_LABELS.get(rule, rule), "text")
        row += 1
    ws.autofilter(header, 0, max(row - 1, header), len(sheet.columns) - 1)
    sheet.page_setup((header, header))


# -- «По организациям» -------------------------------------------------------


def _college_rows(report: Report) -> list[tuple[str, str]]:
    """(key, display name) per organisation with figures: roster order, then the rest."""
    seen: dict[str, str] = {}
    for org_id, name in _records(report.consolidation.by_college, ("org_id", "organisation")):
        seen.setdefault(_text(org_id) or _text(name), _text(name))
    roster = {o.id: n for n, o in enumerate(report.plan.organisations)}
    return sorted(seen.items(), key=lambda kv: roster.get(kv[0], len(roster)))


def _college_cells(report: Report) -> tuple[dict, dict[str, str]]:
    """(organisation key, code) -> (fact, status); and a number style per code."""
    cells, facts = {}, {}
    columns = ("org_id", "organisation", "code", "fact", "status")
    for org_id, name, code, fact, status in _records(report.consolidation.by_college, columns):
        cells[(_text(org_id) or _text(name), str(code))] = (_num(fact), _text(status))
        facts.setdefault(str(code), []).append(_num(fact))
    styles = {i.code: _number_style(i.unit, facts.get(i.code, ())) for i in report.plan.items}
    return cells, styles


def _by_college_sheet(book, ws, report: Report) -> None:
    items = report.plan.items
    sheet = _Sheet(book, ws, [("Организация", 40)] + [(item.code, 9) for item in items])
    header = sheet.title_block(report, f"Фактические значения по организациям за {report.period.year} год")
    ws.merge_range(header, 0, header + 1, 0, "", book.fmt("header"))
    ws.write_string(header, 0, "Организация", book.fmt("header"))
    for col, item in enumerate(items, start=1):
        sheet.text(header, col, item.code, "header")
        sheet.text(header + 1, col, item.unit, "header")
        ws.write_comment(header, col, f"{item.code}. {item.name}",
                         {"author": "cluster_xl", "x_scale": 3, "y_scale": 2.5})
    cells, styles = _college_cells(report)
    row = header + 2
    for key, name in _college_rows(report):
        sheet.text(row, 0, name, "text")
        for col, item in enumerate(items, start=1):
            fact, status = cells.get((key, item.code), (None, "no_data"))
            if fact is None:
                ws.write_blank(row, col, None, book.fmt("dash", status or None))
            else:
                ws.write_number(row, col, fact, book.fmt(styles[item.code], status or None))
        row += 1
    accepted = _accepted_ids(report)
    missing = [c.short_name for c in report.plan.colleges if c.id not in accepted]
    if missing:
        row += 1
        sheet.paragraph(row, "Отчёты не представлены или не приняты: " + "; ".join(missing) + ".",
                        "meta_wrap")
    _legend(sheet, row + 2, 1, 2, LEGEND_COLLEGE)
    sheet.page_setup((header, header + 1), freeze_cols=1)


# -- «Данные» ----------------------------------------------------------------


def _data_sheet(book, ws, report: Report) -> None:
    sheet = _Sheet(book, ws, [
        ("Организация", 40), ("Код строки", 10), ("Позиция", 9), ("Год", 7), ("План/Факт", 9),
        ("Значение", 12), ("Файл", 34), ("Лист", 16), ("Ячейка", 8),
    ])
    header = sheet.title_block(report, "Исходные значения принятых отчётов с указанием ячеек")
    sheet.header(header)
    names = ("organisation", "code", "item", "year", "measure", "value", "file", "sheet", "cell")
    center, integer, decimal = book.fmt("dash"), book.fmt("int"), book.fmt("dec")
    measures = {"plan": "план", "fact": "факт"}
    row = header + 1
    for org, code, item, year, measure, value, file, sheet_name, cell in _records(
            report.consolidation.entries, names):
        sheet.text(row, 0, _text(org), "text")
        sheet.text(row, 1, _text(code), "code")
        sheet.text(row, 2, _text(item), "code")
        sheet.number(row, 3, _num(year), "dash", missing="")
        ws.write_string(row, 4, measures.get(measure, _text(measure)) or DASH, center)
        number = _num(value)
        if number is None:
            ws.write_string(row, 5, DASH, center)
        else:
            ws.write_number(row, 5, number, integer if number.is_integer() else decimal)
        sheet.text(row, 6, _text(file), "text")
        sheet.text(row, 7, _text(sheet_name), "text")
        sheet.text(row, 8, _text(cell), "code")
        row += 1
    ws.autofilter(header, 0, max(row - 1, header), len(sheet.columns) - 1)
    sheet.page_setup((header, header))


# -- «Проверки» --------------------------------------------------------------


def _issues_sheet(book, ws, report: Report) -> None:
    sheet = _Sheet(book, ws, [
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
            sheet.text(row, col, _text(value), "text", shade)
        sheet.number(row, 7, issue.year, "dash", shade, missing="")
        sheet.text(row, 8, issue.message, "text", shade)
        sheet.text(row, 9, _text(issue.value), "text", shade)
    ws.autofilter(header, 0, header + len(report.issues), len(sheet.columns) - 1)
    sheet.page_setup((header, header))


# -- «Источники» -------------------------------------------------------------


def _sources_sheet(book, ws, report: Report) -> None:
    sheet = _Sheet(book, ws, [
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
    ws.write_string(row, 0, f"Версия программы: cluster_xl {report.tool_version}", book.fmt("meta"))
    ws.write_string(row + 1, 0, f"Идентификатор плана: {report.plan.plan_id}", book.fmt("meta"))
    sheet.page_setup((header, header))
