"""The consolidated workbook: a Report -> one formatted .xlsx, ready to print and sign.

Every sheet has the same title block and page setup (ГОСТ Р 7.0.97-2016: A4
landscape, margins 20 mm left/top/bottom and 10 mm right, one page wide, header
rows repeated, «Стр. N из M»).  The document sheets (`DOCUMENT_SHEETS`) are
what is printed, signed and sent: they also carry the attachment mark, a
legend strip repeated on every page and the signature block, and are laid out
to fit the page at 100 % so their text prints at its nominal size.

Every format is named once in `STYLES`; a cell's format is a combination of
names (`"int"` + `"achieved"`), created once per combination.  Text that came
from a college is always written with `write_string`: a name starting with "="
stays a name, never a formula.  Nothing depends on the clock: the same Report
gives the same bytes.
"""

from __future__ import annotations

import gc
import math
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Iterable, Sequence

from .atomic import write_atomically
from .bulk import BulkSheet, BulkWorkbook, FastSheet, data_rows
from .consolidate import STATUS_LABELS
from .model import ACCEPTED, REJECTED, REPLACED, Period, Report
from .model import STATUS_LABELS as FILE_STATUS_LABELS
from .numbers import format_ru
from .plan import RULE_LABELS, SCHEDULE_LABELS, PlanItem

SHEET_SUMMARY = "Свод"
SHEET_INDICATORS = "Показатели"
SHEET_BY_COLLEGE = "По организациям"
SHEET_CHARTS = "Диаграммы"
SHEET_BY_YEAR = "Свод по годам"
SHEET_DATA = "Данные"
SHEET_ISSUES = "Проверки"
SHEET_SOURCES = "Источники"
SHEET_COMPLETENESS = "Комплектность"  # college × received / rejected / missing (completeness.py)
SHEETS = (SHEET_SUMMARY, SHEET_INDICATORS, SHEET_BY_COLLEGE, SHEET_CHARTS, SHEET_BY_YEAR,
          SHEET_DATA, SHEET_ISSUES, SHEET_SOURCES, SHEET_COMPLETENESS)
# The signed document, first in the book: attachment mark, legend on every page,
# signature; `--pdf` exports these.  The working sheets after them print with the
# same page setup when someone wants them, but are not part of what is sent
# («Данные» is for filtering on screen: a filtered selection prints on its own).
DOCUMENT_SHEETS = (SHEET_SUMMARY, SHEET_INDICATORS, SHEET_BY_COLLEGE, SHEET_CHARTS)

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
    # 10 pt is the table text; the text around the tables is 12-14 pt.
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
# A mark beside the word, so a black-and-white printout still reads (all in
# Times New Roman / Liberation Serif: no font fallback).
STATUS_MARKS = {"achieved": "●", "on_track": "○", "behind": "▼"}
NUMBER_FORMATS = {"int": "#,##0", "dec": "#,##0.0", "amount": "#,##0.00"}
# Named styles; a cell's format merges one or more of these, left to right.
STYLES: dict[str, dict] = {
    "attachment": {"font_size": 12, "align": "right", "valign": "top", "text_wrap": True},
    "cluster": {"bold": True, "font_size": 14, "align": "center", "valign": "vcenter", "text_wrap": True},
    "title": {"bold": True, "font_size": 14, "align": "center", "valign": "vcenter", "text_wrap": True},
    "period": {"font_size": 14, "align": "center", "valign": "vcenter"},
    "subtitle": {"bold": True, "font_size": 12, "align": "center", "valign": "vcenter", "text_wrap": True},
    "meta": {"font_size": 12},
    "meta_wrap": {"font_size": 12, "text_wrap": True, "valign": "top"},
    "note": {"text_wrap": True, "valign": "top"},
    "signature": {"font_size": 14, "valign": "bottom", "text_wrap": True},
    "signature_line": {"font_size": 14, "valign": "bottom", "align": "center"},
    "signature_name": {"font_size": 14, "valign": "bottom", "align": "right"},
    "bold": {"bold": True},
    "header": {**_CELL, "bold": True, "text_wrap": True, "align": "center", "valign": "vcenter",
               "bg_color": "#DCE6F1", "font_size": 9},
    "legend": {**_CELL, "text_wrap": True, "align": "center", "valign": "vcenter"},
    "code": {**_CELL, "align": "left"},
    "text": {**_CELL, "text_wrap": True},
    "center": {**_CELL, "align": "center", "text_wrap": True},
    **{name: {**_CELL, "num_format": fmt, "align": "right", "indent": 1}
       for name, fmt in NUMBER_FORMATS.items()},
    # A signed change since last month; a fall is marked for black-and-white printouts.
    **{f"change_{name}": {**_CELL, "num_format": f'+{fmt};"▼ −"{fmt};0', "align": "right", "indent": 1}
       for name, fmt in NUMBER_FORMATS.items()},
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
    # The status mark printed before a number; the cell stays a number.
    **{f"{name}@{status}": {"num_format": f'"{mark} "{fmt}'}
       for name, fmt in NUMBER_FORMATS.items() for status, mark in STATUS_MARKS.items()},
}
# The legend strip repeated atop every printed page: colour, mark and word (the
# words say what they mean; the legend under the table says it in full).
STRIP = dict.fromkeys(STATUS_FILLS, "")
# Column-width units across one A4 landscape page between the ГОСТ margins
# (267 mm) at 100 %: LibreOffice gives a unit about 5.3 pt with 10 pt Times New
# Roman, Excel 5.25 pt plus 3.75 pt a column.  Document sheets are laid out to
# this width, so their text prints at its nominal size.
DOCUMENT_WIDTH = 136
# Wider tables (working sheets) shrink to one page wide down to about 70 %;
# beyond that they spread over more pages with the first column repeated.
PAGE_WIDTH = 200
MARGINS_MM = {"left": 20, "right": 10, "top": 20, "bottom": 20}
FOOTER_MM = 10
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


def status_text(status: str) -> str:
    """«▼ отставание»: the word, with a mark where the state has one."""
    word = STATUS_LABELS.get(status, status)
    mark = STATUS_MARKS.get(status)
    return f"{mark} {word}" if mark else word


def write_report(report: Report, path: str | Path, sheets: Iterable[str] | None = None) -> Path:
    """Write the consolidated workbook; the file appears complete or not at all.

    `sheets` limits the book to some of `SHEETS` (the PDF is made of
    `DOCUMENT_SHEETS`); each written sheet is the same as in the full book.
    """
    def build(tmp: str) -> None:
        # A fresh copy: XlsxWriter adds keys to the dict it is given, which made a
        # second workbook written in the same process differ in styles.xml.
        options = {**WORKBOOK_OPTIONS,
                   "default_format_properties": dict(WORKBOOK_OPTIONS["default_format_properties"])}
        workbook = BulkWorkbook(tmp, options)  # xlsxwriter.Workbook, zipped faster
        with _no_cycle_collection():
            _fill_workbook(workbook, report, None if sheets is None else set(sheets))
            workbook.close()

    return write_atomically(path, build)


@contextmanager
def _no_cycle_collection():
    """The cyclic garbage collector paused while the workbook is built and packed.

    Writing allocates a few hundred thousand cell objects that all live until the
    file is closed; each full collection they set off walks everything the process
    holds (the report included), about 0.4 s of 3 s for 2,000 colleges.  They are
    freed with the workbook (measured: the same peak memory either way)."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def _fill_workbook(workbook, report: Report, sheets: set[str] | None = None) -> None:
    from .charts import charts_sheet  # charts.py builds on the layout helpers below
    from .completeness import completeness_sheet  # so does completeness.py

    book = _Book(workbook)
    for name, fill in (
        (SHEET_SUMMARY, _summary_sheet), (SHEET_INDICATORS, _indicators_sheet),
        (SHEET_BY_COLLEGE, _by_college_sheet), (SHEET_CHARTS, charts_sheet),
        (SHEET_BY_YEAR, _by_year_sheet), (SHEET_DATA, _data_sheet),
        (SHEET_ISSUES, _issues_sheet), (SHEET_SOURCES, _sources_sheet),
        (SHEET_COMPLETENESS, completeness_sheet),
    ):
        if sheets is None or name in sheets:
            # «Данные» takes its quarter of a million rows in one piece (bulk.py).
            fill(book, workbook.add_worksheet(name, BulkSheet if name == SHEET_DATA else FastSheet), report)
    formed = report.generated_on
    workbook.set_properties({
        "title": f"{REPORT_TITLE} {period_phrase(report.period)}",
        "subject": f"Отчётный период: {report.period.words} ({report.period})",
        "author": "cluster_xl",
        "company": report.plan.cluster.name,
        "keywords": f"Профессионалитет, кластер, {report.plan.plan_id}",
        "comments": f"cluster_xl {report.tool_version}; план {report.plan.plan_id}",
        # The date the report is formed on (from its inputs), never the clock:
        # the same inputs give a byte-identical file.
        "created": datetime(formed.year, formed.month, formed.day),
    })


# -- formats and layout ------------------------------------------------------


class _Book:
    """Formats by name, each combination created once."""

    def __init__(self, workbook):
        self.workbook = workbook
        self._formats: dict[tuple, tuple] = {}
        self._marked: dict[tuple, object] = {}

    def style(self, names: tuple) -> tuple:
        """(format, wraps, bold, font size) for a combination of style names; None is skipped."""
        found = self._formats.get(names)
        if found is None:
            key = tuple(n for n in names if n)
            if key not in self._formats:
                props = _props(key)
                fmt = self.workbook.add_format(props)
                self._formats[key] = (fmt, bool(props.get("text_wrap")), bool(props.get("bold")),
                                      props.get("font_size", 10))
            found = self._formats[names] = self._formats[key]
        return found

    def fmt(self, *names: str | None):
        return self.style(names)[0]

    def marked(self, style: str, status: str | None):
        """A number style coloured by `status`, its mark in the number format (made once)."""
        found = self._marked.get((style, status))
        if found is None:
            mark = f"{style}@{status}" if status in STATUS_MARKS else None
            found = self._marked[(style, status)] = self.fmt(style, status, mark)
        return found


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
        self._heights: dict[int, float] = {}
        for col, width in enumerate(self.widths):
            ws.set_column(col, col, width)

    @property
    def width(self) -> float:
        return sum(self.widths)

    def text(self, row: int, col: int, value: str, *styles: str | None) -> None:
        """Always write_string: a value starting with "=" or "@" stays text."""
        cell_format, wraps, bold, size = self.book.style(styles)
        if not value:
            self.ws.write_blank(row, col, None, cell_format)
            return
        self.ws.write_string(row, col, value, cell_format)
        if wraps:
            height = self.height_for(col, value, styles)
            if height:
                self.tall(row, height)

    def height_for(self, col: int, value: str, styles: tuple) -> float:
        """Points a wrapped `value` needs in column `col`; 0.0 where one line will do."""
        _, wraps, bold, size = self.book.style(styles)
        if not (wraps and value):
            return 0.0
        lines = _line_count(value, self.widths[col] * 10 / size, bold)
        return lines * LINE_HEIGHT * size / 10 + 3 if lines > 1 else 0.0

    def number(self, row: int, col: int, value: float | None, style: str, *mods: str | None,
               missing: str = DASH) -> None:
        if value is None:
            self.text(row, col, missing, "dash", *mods)
        else:
            self.ws.write_number(row, col, value, self.book.fmt(style, *mods))

    def header(self, row: int) -> None:
        for col, (title, _) in enumerate(self.columns):
            self.text(row, col, title, "header")

    def tall(self, row: int, height: float) -> None:
        """At least `height` points for the row (the tallest need wins)."""
        self._heights[row] = max(height, self._heights.get(row, 0.0))

    def finish(self) -> None:
        for row, height in sorted(self._heights.items()):
            self.ws.set_row(row, height)

    def title_block(self, report: Report, subtitle: str, extra: Iterable[str] = (),
                    document: bool = False) -> int:
        """[Attachment mark,] cluster, title, period, sheet subtitle, date; returns the next free row."""
        row = 0
        mark = report.plan.settings.attachment_line if document else ""
        if mark:
            self.block(row, self.column_at(0.55), len(self.widths) - 1, mark, "attachment")
            row += 2  # a blank line between the mark and the title
        lines = ((report.plan.cluster.name, "cluster"), (REPORT_TITLE, "title"),
                 (period_phrase(report.period), "period"), (subtitle, "subtitle"))
        for text, style in lines:
            self.paragraph(row, text, style)
            row += 1
        for text in (generated_phrase(report.generated_on), *extra):
            self.ws.write_string(row, 0, text, self.book.fmt("meta"))
            self.tall(row, 17)
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
        self.block(row, 0, last, text, style)

    def block(self, row: int, first: int, last: int, text: str, *styles: str | None) -> None:
        """Text merged over columns first..last, wrapped, its row tall enough (merged
        cells never grow to fit their text)."""
        cell_format, _, bold, size = self.book.style(styles)
        if last > first:
            self.ws.merge_range(row, first, row, last, "", cell_format)
        if text:
            self.ws.write_string(row, first, text, cell_format)
        width = sum(self.widths[first:last + 1])
        count = _line_count(text, width * 10 / size, bold)
        self.tall(row, count * size * 1.2 + 4)

    def column_at(self, share: float) -> int:
        """The column where `share` of the table's width falls (its start at or before it)."""
        edge, acc = share * self.width, 0.0
        for col, width in enumerate(self.widths):
            if acc + width > edge:
                return col
            acc += width
        return len(self.widths) - 1

    def legend_strip(self, row: int, meanings: dict[str, str]) -> None:
        """One row of coloured boxes, a mark and a word each: printed atop every page."""
        for (first, last), (status, meaning) in zip(_partition(self.widths, len(meanings)),
                                                    meanings.items()):
            self.block(row, first, last, f"{status_text(status)}" + (f" — {meaning}" if meaning else ""),
                       "legend", status)

    def signature(self, row: int, report: Report) -> int:
        """Position on the left, a line to sign on, initials and surname on the right."""
        settings = report.plan.settings
        last = len(self.widths) - 1
        position = min(self.column_at(0.45), last - 2)  # the position takes the left half or so
        name = min(max(self.column_at(0.72), position + 2), last)
        self.block(row, 0, position, settings.signatory_position or "_" * 30, "signature")
        self.block(row, position + 1, name - 1, "_" * 18, "signature_line")
        self.block(row, name, last, settings.signatory_name or "_" * 16, "signature_name")
        return row + 1

    def page_setup(self, header: tuple[int, int] | None, freeze_cols: int = 0) -> None:
        """ГОСТ Р 7.0.97 page: A4 landscape, margins 20/10/20/20 mm, one page wide,
        the rows `header` (legend strip and column headings) on every page,
        «Стр. N из M» in the footer."""
        ws = self.ws
        ws.set_paper(9)  # A4
        ws.set_landscape()
        # One page wide where the table allows; very wide tables spread over a
        # few pages with the first column repeated rather than shrink unreadably.
        ws.fit_to_pages(_pages_wide(self.width), 0)
        mm = {side: value / 25.4 for side, value in MARGINS_MM.items()}
        ws.set_margins(**mm)
        ws.set_header("", {"margin": FOOTER_MM / 25.4})
        ws.set_footer("&C&10Стр. &P из &N", {"margin": FOOTER_MM / 25.4})
        if header is not None:
            ws.repeat_rows(*header)
            if freeze_cols:
                ws.repeat_columns(0, freeze_cols - 1)
            ws.freeze_panes(header[1] + 1, freeze_cols)
        self.finish()


def _partition(widths: Sequence[float], parts: int) -> list[tuple[int, int]]:
    """Consecutive column groups, `parts` of them: the narrowest as wide as it can be,
    then as even as they can be."""
    parts = min(parts, len(widths))
    least = _widest_narrowest(widths, parts)
    if len(widths) > 80:  # the even split costs n² · parts; wide grids take the first answer
        return _groups_reaching(widths, parts, least)
    mean = sum(widths) / parts
    edges = [0.0]
    for width in widths:
        edges.append(edges[-1] + width)
    # best[k][j]: (cost, cuts) of splitting the first j columns into k groups.
    best = [{0: (0.0, ())}] + [{} for _ in range(parts)]
    for k in range(1, parts + 1):
        for j in range(k, len(widths) + 1):
            options = [(cost + (edges[j] - edges[i] - mean) ** 2, cuts + (j,))
                       for i, (cost, cuts) in best[k - 1].items()
                       if i < j and edges[j] - edges[i] >= least - 1e-9]
            if options:
                best[k][j] = min(options)
    cuts = (0, *best[parts][len(widths)][1])
    return [(a, b - 1) for a, b in zip(cuts, cuts[1:])]


def _groups_reaching(widths: Sequence[float], parts: int, least: float) -> list[tuple[int, int]] | None:
    """Greedy groups of at least `least` width each, the last taking the rest; None if impossible."""
    out, start, acc = [], 0, 0.0
    for col, width in enumerate(widths):
        acc += width
        if acc >= least and len(out) < parts - 1:
            out.append((start, col))
            start, acc = col + 1, 0.0
    if len(out) < parts - 1 or start == len(widths) or acc < least:
        return None
    return out + [(start, len(widths) - 1)]


def _widest_narrowest(widths: Sequence[float], parts: int) -> float:
    """The largest width every one of `parts` consecutive groups can reach (bisection)."""
    low, high = 0.0, sum(widths) / parts
    for _ in range(40):
        middle = (low + high) / 2
        low, high = (middle, high) if _groups_reaching(widths, parts, middle) else (low, middle)
    return low


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
    """Row tuples of the named columns; a column the frame lacks reads as empty.
    The plain reading tests/test_bulk.py checks the bulk «Данные» rows against."""
    empty = [None] * len(frame)
    return zip(*(frame[c].tolist() if c in frame.columns else empty for c in names))


def _numbers(frame, name: str) -> list:
    """A column as `_num` reads each cell (None for a column the frame lacks), a column at a time."""
    if name not in frame.columns:
        return [None] * len(frame)
    column = frame[name]
    if column.dtype.kind in "iuf":
        return [None if v != v else v for v in column.astype("float64").tolist()]
    return [_num(v) for v in column.tolist()]


def _texts(frame, name: str) -> list:
    """A column as `_text` reads each cell ("" for a column the frame lacks)."""
    if name not in frame.columns:
        return [""] * len(frame)
    return [v if type(v) is str else _text(v) for v in frame[name].tolist()]


def _number_style(unit: str, values: Iterable[float | None]) -> str:
    if unit.strip() == "%":
        return "dec"
    if all(v is None or float(v).is_integer() for v in values):
        return "int"
    return "amount"


def _status_cell(sheet: _Sheet, row: int, col: int, status: str) -> None:
    sheet.text(row, col, status_text(status), "status", status or None)


def _legend_meanings(report: Report, college: bool = False) -> dict[str, str]:
    """What each state means, with the report's own date and tolerance."""
    by = f"{report.period.end_date:%d.%m.%Y}"
    tolerance = format_ru(report.plan.settings.on_track_tolerance * 100)
    whose = "план организации" if college else "цель"
    return {
        "achieved": f"факт не ниже {'плана организации' if college else 'цели'} на {report.period.year} год",
        "on_track": f"факт не ниже ожидаемого по графику на {by} (допускается отставание до {tolerance} %)",
        "behind": f"факт ниже ожидаемого по графику на {by} более чем на {tolerance} %",
        "no_target": (f"{whose} на год не установлен{'' if college else 'а'} («{DASH}»); "
                      f"% исполнения — «{NOT_APPLICABLE}»"),
        "no_data": "значение не представлено" if college else "организации не представили значение",
    }


def _legend(sheet: _Sheet, row: int, swatch_col: int, text_col: int, meanings: dict[str, str]) -> int:
    sheet.ws.write_string(row, text_col, "Условные обозначения:", sheet.book.fmt("bold"))
    for status, meaning in meanings.items():
        row += 1
        sheet.text(row, swatch_col, STATUS_MARKS.get(status, ""), "status", status)
        sheet.ws.write_string(row, text_col, f"{STATUS_LABELS[status]} — {meaning}")
    return row + 1


def schedule_note(report: Report) -> str:
    """How the expected value by the report month is computed (the plan's settings)."""
    month, end = report.period.month, report.period.end_date
    return (f"Ожидаемое по графику на {end:%d.%m.%Y}: для мероприятий, выполняемых равномерно, — "
            f"{month}/12 цели года; для разовых мероприятий («к концу года») — вся цель к 31.12; "
            "для показателей нарастающим итогом — от цели прошлого года к цели текущего года "
            "равномерно; для долей (%) — сама цель. График каждой позиции и допустимое отставание "
            "задаются в плане кластера.")


def _orgs_word(count: int) -> str:
    return "организации" if count % 10 == 1 and count % 100 != 11 else "организаций"


def _accepted_ids(report: Report) -> set[str]:
    return {f.organisation_id for f in report.files if f.status == ACCEPTED and f.organisation_id}


def _change_header(report: Report) -> str | None:
    """«Изменение с 30.09.2026» where last month's book was given, else None."""
    if report.previous is None:
        return None
    then = report.previous.then.period
    return f"Изменение с {then.end_date:%d.%m.%Y}" if then else "Изменение за месяц"


def _change_cell(sheet: _Sheet, row: int, col: int, change: float | None, style: str, fell: bool) -> None:
    if change is None:
        sheet.text(row, col, DASH, "dash")
    else:
        sheet.ws.write_number(row, col, change, sheet.book.fmt(f"change_{style}", "behind" if fell else None))


def _closing(sheet: _Sheet, row: int, report: Report, notes: Sequence[str] = ()) -> int:
    """Notes under the table, then the signature block."""
    last = len(sheet.widths) - 1
    for text in notes:
        sheet.block(row, 0, last, text, "note")
        row += 1
    return sheet.signature(row + 1, report)


# -- «Свод» and «Показатели» -------------------------------------------------


def _plan_columns(report: Report) -> list[tuple[str, float]]:
    """The summary's columns; the name takes what the others leave of the page."""
    year, end = report.period.year, report.period.end_date
    change = _change_header(report)
    others = [
        ("Ед. изм.", 6), *((f"Цель {y}", 7.5) for y in report.plan.years),
        (f"По графику на {end:%d.%m.%Y}", 9), (f"Факт {year}", 8), ("Отклонение", 10.5),
        ("% исполнения", 9.5), ("Статус", 11.5), *([(change, 9.5)] if change else []), ("Примечание", 11),
    ]
    name = max(DOCUMENT_WIDTH - 5.5 - sum(w for _, w in others), 30)
    return [("Код", 5.5), ("Наименование результата", name), *others]


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
    strip = sheet.title_block(report, subtitle, extra, document=True)
    sheet.legend_strip(strip, STRIP)
    header = strip + 1
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
    row = _legend(sheet, row + 1, 0, 1, _legend_meanings(report))
    _closing(sheet, row, report, [schedule_note(report)])
    sheet.page_setup((strip, header))


def _heading_row(sheet: _Sheet, row: int, code: str, title: str, kind: str) -> None:
    """Section or result line: code, and the title verbatim across the whole table
    (a heading has no values; across the row it takes a third of the lines)."""
    sheet.text(row, 0, code, "code", kind)
    sheet.block(row, 1, len(sheet.columns) - 1, title, "text", kind)


def _item_row(sheet: _Sheet, row: int, item: PlanItem, report: Report, totals: dict) -> None:
    year = report.period.year
    now = totals.get((item.code, year), {})
    targets = [_num(totals.get((item.code, y), {}).get("target")) for y in report.plan.years]
    values = [_num(now.get(k)) for k in ("expected", "fact", "deviation")]
    style = _number_style(item.unit, [*targets, *values[1:]])
    status = _text(now.get("status"))
    sheet.text(row, 0, item.code, "code")
    sheet.text(row, 1, item.name, "text")
    sheet.text(row, 2, item.unit, "center")
    col = 3
    for value in targets:
        sheet.number(row, col, value, style)
        col += 1
    expected, fact, deviation = values
    # Expected by the month is a share of the target: a tenth where counts are whole.
    exact = style != "int" or expected is None or float(expected).is_integer()
    sheet.number(row, col, expected, style if exact else "dec")
    sheet.number(row, col + 1, fact, style, status or None)
    sheet.number(row, col + 2, deviation, style)
    sheet.number(row, col + 3, _num(now.get("pct")), "dec",
                 missing=NOT_APPLICABLE if not _num(now.get("target")) else DASH)
    _status_cell(sheet, row, col + 4, status)
    col += 5
    if report.previous is not None:
        change = report.previous.items.get((item.code, year))
        _change_cell(sheet, row, col, change, style, (item.code, year) in report.previous.backwards)
        col += 1
    _note_cell(sheet, row, col, item, now)


def _note_cell(sheet: _Sheet, row: int, col: int, item: PlanItem, now: dict) -> None:
    """The aggregation rule where it is not a plain sum, the schedule where it is not
    linear, and a ratio's two sums."""
    lines = []
    if item.rule != "sum":
        lines.append(f"Правило свода: {RULE_LABELS.get(item.rule, item.rule)}.")
    if item.schedule not in ("linear", "cumulative"):
        lines.append(f"График: {SCHEDULE_LABELS.get(item.schedule, item.schedule)}.")
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
    strip = sheet.title_block(report, "Значения по всем позициям и годам программы")
    sheet.legend_strip(strip, STRIP)
    header = strip + 1
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
        _status_cell(sheet, row, 9, _text(r.get("status")))
        rule = _text(r.get("rule"))
        sheet.text(row, 10, RULE_LABELS.get(rule, rule), "text")
        row += 1
    ws.autofilter(header, 0, max(row - 1, header), len(sheet.columns) - 1)
    sheet.page_setup((strip, header))


# -- «По организациям» -------------------------------------------------------


def college_columns(report: Report) -> list[tuple[str, str]]:
    """(key, display name) per organisation with figures: roster order, then the rest."""
    seen: dict[str, str] = {}
    frame = report.consolidation.by_college
    for org_id, name in zip(_texts(frame, "org_id"), _texts(frame, "organisation")):
        seen.setdefault(org_id or name, name)
    roster = {o.id: n for n, o in enumerate(report.plan.organisations)}
    return sorted(seen.items(), key=lambda kv: roster.get(kv[0], len(roster)))


def _college_cells(report: Report) -> tuple[dict[str, dict], dict[str, str]]:
    """code -> organisation key -> (fact, status); and a number style per code."""
    frame = report.consolidation.by_college
    cells: dict[str, dict] = {}
    facts: dict[str, list] = {}
    codes = _texts(frame, "code")
    for org_id, name, code, fact, status in zip(_texts(frame, "org_id"), _texts(frame, "organisation"), codes,
                                                _numbers(frame, "fact"), _texts(frame, "status")):
        cells.setdefault(code, {})[org_id or name] = (fact, status)
        facts.setdefault(code, []).append(fact)
    styles = {i.code: _number_style(i.unit, facts.get(i.code, ())) for i in report.plan.items}
    return cells, styles


def _by_college_sheet(book, ws, report: Report) -> None:
    """Items as rows, colleges as columns (one page wide), the cluster last; then,
    with last month's book, the same grid of changes."""
    colleges = college_columns(report)
    each = min(max((DOCUMENT_WIDTH - 5.5 - 6 - 11) / max(len(colleges), 1), 9), 16)
    sheet = _Sheet(book, ws, [("Код", 5.5), ("Ед. изм.", 6), *((name, each) for _, name in colleges),
                              ("Кластер", 11)])
    strip = sheet.title_block(report, f"Фактические значения по организациям за {report.period.year} год",
                              [f"Наименования позиций — на листах «{SHEET_SUMMARY}» и «{SHEET_INDICATORS}»"],
                              document=True)
    sheet.legend_strip(strip, STRIP)
    header = strip + 1
    cells = _college_cells(report)
    row = _college_grid(sheet, header, report, colleges, cells, change=False)
    accepted = _accepted_ids(report)
    missing = [c.short_name for c in report.plan.colleges if c.id not in accepted]
    notes = []
    if missing:
        notes.append("Отчёты не представлены или не приняты: " + "; ".join(missing) + ".")
    notes.append("Цвет и знак значения организации — по её собственному плану на год; "
                 "столбец «Кластер» — по утверждённой цели кластера.")
    for text in notes:
        row += 1
        sheet.block(row, 0, len(sheet.widths) - 1, text, "meta_wrap")
    row = _legend(sheet, row + 2, 0, 1, _legend_meanings(report, college=True))
    change = _change_header(report)
    if change:
        then = report.previous.then.period
        sheet.paragraph(row + 1, f"{change}" + (f" (по сводному отчёту за {then.words})" if then else ""),
                        "subtitle")
        row = _college_grid(sheet, row + 2, report, colleges, cells, change=True) + 1
    _closing(sheet, row + 1, report)
    sheet.page_setup((strip, header), freeze_cols=2)


def _college_grid(sheet: _Sheet, header: int, report: Report, colleges, cells: tuple, change: bool) -> int:
    """The header row and one row per item; returns the row after the grid."""
    ws = sheet.ws
    sheet.header(header)
    by_code, styles = cells
    totals = _totals_index(report)
    year = report.period.year
    prev = report.previous
    keys = [key for key, _ in colleges]
    row = header + 1
    for item in report.plan.items:
        style = styles[item.code]
        sheet.text(row, 0, item.code, "code")
        if not change:  # the name on screen, where a code alone says little
            ws.write_comment(row, 0, f"{item.code}. {item.name}",
                             {"author": "cluster_xl", "x_scale": 3, "y_scale": 2.5})
        sheet.text(row, 1, item.unit, "center")
        col = len(keys) + 2
        if change:
            for n, key in enumerate(keys, start=2):
                _change_cell(sheet, row, n, prev.colleges.get((key, item.code)), style,
                             (key, item.code) in prev.colleges_backwards)
            _change_cell(sheet, row, col, prev.items.get((item.code, year)), style,
                         (item.code, year) in prev.backwards)
        else:
            mine = by_code.get(item.code, {})
            for n, key in enumerate(keys, start=2):
                _marked_number(sheet, row, n, *mine.get(key, _NO_DATA), style)
            cluster = totals.get((item.code, year), {})
            _marked_number(sheet, row, col, _num(cluster.get("fact")), _text(cluster.get("status")), style)
        row += 1
    return row


_NO_DATA = (None, "no_data")


def _marked_number(sheet: _Sheet, row: int, col: int, value: float | None, status: str, style: str) -> None:
    """A number coloured by its status, with the status mark in its number format."""
    status = status or None
    if value is None:
        sheet.text(row, col, DASH, "dash", status)
    else:
        sheet.ws.write_number(row, col, value, sheet.book.marked(style, status))


# -- «Данные» ----------------------------------------------------------------


def _data_sheet(book, ws, report: Report) -> None:
    sheet = _Sheet(book, ws, [
        ("Организация", 40), ("Код строки", 10), ("Позиция", 9), ("Год", 7), ("План/Факт", 9),
        ("Значение", 12), ("Файл", 34), ("Лист", 16), ("Ячейка", 8),
    ])
    header = sheet.title_block(report, "Исходные значения принятых отчётов с указанием ячеек")
    sheet.header(header)
    # One row per accepted number (bulk.FIELDS): organisation, row code, item, year,
    # plan/fact, value, file, sheet, cell — rendered in one pass, not cell by cell.
    row = data_rows(sheet, header + 1, report.consolidation.entries)
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
