"""The layout library every sheet of the consolidated book is built with.

`Book` names formats once (`STYLES`; a cell's format is a combination of names,
`"int"` + `"achieved"`, created once per combination).  `Sheet` is a worksheet
with its columns: text written always as text (a value starting with "=" stays
a string), rows made tall enough for their wrapped text, the title block, the
legend, the signature and the ГОСТ Р 7.0.97-2016 page (A4 landscape, margins
20 mm left/top/bottom and 10 mm right, one page wide, header rows repeated,
«Стр. N из M»).  The document sheets fill the page across (`spare`), so they
print at 100 % and their text at its nominal size; their pages are broken from
the rows' measured heights (`Sheet.page_breaks`), headings kept with what they
head and the signature with the last rows of its table.
"""

from __future__ import annotations

import math
import re
from datetime import date
from typing import Iterable, NamedTuple, Sequence

from ..consolidation.consolidate import STATUS_LABELS
from ..consolidation.explain import national
from ..consolidation.report import Report
from ..core.measure import column_points, line_count, row_height, text_width, units_for
from ..core.model import ACCEPTED, Period
from ..core.names import SHEET_COMPLETENESS
from ..core.numbers import format_ru

REPORT_TITLE = "Сводный отчёт о реализации программы деятельности кластера"
DASH = "—"  # no value: no target that year, nothing reported, nothing to compute
NOT_APPLICABLE = "н/д"  # % of execution where there is no target to divide by

# Formula, link and number guessing off: every string is written as typed.
WORKBOOK_OPTIONS = {
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
    # A second wall behind the reader's bound on numbers: NaN and ±inf become #NUM!-style
    # error cells instead of an exception that would leave no workbook at all.
    "nan_inf_to_errors": True,
    # Times New Roman prints like an official document; LibreOffice substitutes
    # the metric-compatible Liberation Serif, so pages break the same way.
    # The book's font sets the unit of column widths (LibreOffice: its digit's width,
    # 5 pt for Times New Roman 10 pt); the text around the tables is 12-14 pt.
    "default_format_properties": {"font_name": "Times New Roman", "font_size": 10},
}

# Table text, headers included: ГОСТ Р 7.0.97 lets a table be set smaller than the
# document's 12-14 pt.  At 9 pt, with one-line rows of 13 pt (DOCUMENT_ROW), «Свод» of
# the bundled plan takes two pages fewer than at 10 pt (README, «What the page count cost»).
TABLE_SIZE = 9
_CELL = {"border": 1, "border_color": "#7F7F7F", "valign": "top", "font_size": TABLE_SIZE}
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
# After a college's figure on «По организациям»: it wrote a reason for the item.
REASON_MARK = "*"
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
               "bg_color": "#DCE6F1"},
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
    # The same with REASON_MARK after it: the college gave a reason for the item.
    **{f"{name}@{status}{REASON_MARK}": {"num_format": (f'"{mark} "' if mark else "") + f'{fmt}"{REASON_MARK}"'}
       for name, fmt in NUMBER_FORMATS.items() for status, mark in {**STATUS_MARKS, "": ""}.items()},
}
# The legend strip repeated atop every printed page: colour, mark and word (the
# words say what they mean; the legend under the table says it in full).
STRIP = dict.fromkeys(STATUS_FILLS, "")
# Wider tables (working sheets) shrink to one page wide down to about 70 %;
# beyond that they spread over more pages with the first column repeated.
PAGE_WIDTH = 200
MARGINS_MM = {"left": 20, "right": 10, "top": 20, "bottom": 20}
FOOTER_MM = 10
# Points of rows one printed page holds.  LibreOffice lays out 459 pt of rows between
# the ГОСТ margins and the footer of A4 landscape (measured: it broke a page of 5 pt
# rows after 91 of them); a few points less, as it rounds every row's height.
PAGE_BODY = 454.0
# Points across the page between the left and right margins (267 mm); document
# sheets' columns add up to a little less (`spare`), so they print at 100 %.
PAGE_ACROSS = (297 - MARGINS_MM["left"] - MARGINS_MM["right"]) / 25.4 * 72
_ACROSS_SLACK = 2.0
DEFAULT_ROW = 15.0  # a row whose height is not set (XlsxWriter's default)
# On a document sheet a row whose height is not set holds one line of table text.
DOCUMENT_ROW = round(row_height(1, TABLE_SIZE), 2)
# Room a right-aligned figure's indent takes before LibreOffice prints «###» instead (in
# the Russian locale; measured: «290 000» fits 6.5 units plain, 8 with the indent).
INDENT_POINTS = 10.0
MAX_BREAKS = 1023  # manual page breaks a sheet may have (Excel's limit)


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


# -- formats and layout ------------------------------------------------------


class Style(NamedTuple):
    """A combination of style names made into a format, with what measuring its text needs."""

    format: object
    wraps: bool
    bold: bool
    italic: bool
    size: float


class Book:
    """Formats by name, each combination created once."""

    def __init__(self, workbook):
        self.workbook = workbook
        self._formats: dict[tuple, Style] = {}
        self._marked: dict[tuple, object] = {}

    def style(self, names: tuple) -> Style:
        """The format of a combination of style names (None is skipped) and its font."""
        found = self._formats.get(names)
        if found is None:
            key = tuple(n for n in names if n)
            if key not in self._formats:
                props = _props(key)
                self._formats[key] = Style(self.workbook.add_format(props), bool(props.get("text_wrap")),
                                           bool(props.get("bold")), bool(props.get("italic")),
                                           props.get("font_size", 10))
            found = self._formats[names] = self._formats[key]
        return found

    def fmt(self, *names: str | None):
        return self.style(names).format

    def marked(self, style: str, status: str | None, *mods: str | None, reason: bool = False):
        """A number style (with `mods`) coloured by `status`, its mark in the number format
        (made once); with `reason`, REASON_MARK after the number."""
        key = (style, status, reason, *mods)
        found = self._marked.get(key)
        if found is None:
            mark = f"{style}@{status if status in STATUS_MARKS else ''}{REASON_MARK}" if reason else (
                f"{style}@{status}" if status in STATUS_MARKS else None)
            found = self._marked[key] = self.fmt(style, *mods, status, mark)
        return found


def _props(names: Iterable[str]) -> dict:
    props: dict = {}
    for name in names:
        props.update(STYLES[name])
    return props


class Sheet:
    """A worksheet with its columns; rows with wrapped text get a fitting height.

    Heights are set explicitly because LibreOffice, Р7-Офис and merged cells do
    not grow a row to fit on opening: without them long names print cut off.
    """

    def __init__(self, book: Book, ws, columns: Sequence[tuple[str, float]], printed: int | None = None):
        """`printed`: how many of the columns print (the rest are for the screen)."""
        self.book, self.ws = book, ws
        self.columns = list(columns)
        self.widths = [w for _, w in columns]
        self._printed_cols = len(self.widths) if printed is None else printed
        self._heights: dict[int, float] = {}
        self._keeps: list[tuple[int, int]] = []
        self._forced: set[int] = set()
        self.end = 0  # the last row written
        self.document = False  # a document sheet: its pages are broken by `page_breaks`
        self.printed: int | None = None  # the last printed row, where not the last written
        for col, width in enumerate(self.widths):
            ws.set_column(col, col, width)

    @property
    def last_col(self) -> int:
        """The last printed column."""
        return self._printed_cols - 1

    @property
    def width(self) -> float:
        """Units across the printed columns."""
        return sum(self.widths[:self._printed_cols])

    def text(self, row: int, col: int, value: str, *styles: str | None) -> None:
        """Always write_string: a value starting with "=" or "@" stays text."""
        style = self.book.style(styles)
        self.end = max(self.end, row)
        if not value:
            self.ws.write_blank(row, col, None, style.format)
            return
        self.ws.write_string(row, col, value, style.format)
        if style.wraps:
            height = self.height_for(col, value, styles)
            if height:
                self.tall(row, height)

    def height_for(self, col: int, value: str, styles: tuple) -> float:
        """Points a wrapped `value` needs in column `col`; 0.0 where one line will do."""
        style = self.book.style(styles)
        if not (style.wraps and value):
            return 0.0
        lines = line_count(value, self.widths[col], style.size, style.bold, style.italic)
        return row_height(lines, style.size) if lines > 1 else 0.0

    def number(self, row: int, col: int, value: float | None, style: str, *mods: str | None,
               missing: str = DASH) -> None:
        if value is None:
            self.text(row, col, missing, "dash", *mods)
        else:
            self.end = max(self.end, row)
            self.ws.write_number(row, col, value, self.book.fmt(style, *mods))

    def header(self, row: int) -> None:
        for col, (title, _) in enumerate(self.columns):
            self.text(row, col, title, "header")

    def tall(self, row: int, height: float) -> None:
        """At least `height` points for the row (the tallest need wins)."""
        self._heights[row] = max(height, self._heights.get(row, 0.0))
        self.end = max(self.end, row)

    def keep(self, first: int, last: int) -> None:
        """Rows `first`..`last` print on one page (a heading with its first item, a
        legend, the last rows of a table with the signature under it)."""
        if last > first:
            self._keeps.append((first, last))

    def print_rows(self, last: int, last_col: int | None = None) -> None:
        """Print rows 0..`last` only (what follows is for the screen)."""
        self.printed = last
        self.ws.print_area(0, 0, last, self.last_col if last_col is None else last_col)

    def break_before(self, row: int) -> None:
        """A page begins at `row` whatever fits above it."""
        self._forced.add(row)

    def height(self, row: int, default: float) -> float:
        """The height set for `row` so far, `default` where none is."""
        return self._heights.get(row, default)

    def finish(self) -> None:
        for row, height in sorted(self._heights.items()):
            self.ws.set_row(row, height)

    def title_block(self, report: Report, subtitle: str, extra: Iterable[str] = (),
                    document: bool = False) -> int:
        """[Attachment mark,] cluster, title, period, sheet subtitle, date; returns the next free row."""
        row = 0
        self.document = self.document or document
        mark = report.plan.settings.attachment_line if document else ""
        if mark:  # top right of the first page across
            last = self.first_page_last_col()
            self.block(row, min(self.column_at(0.55 * sum(self.widths[:last + 1]) / self.width), last),
                       last, mark, "attachment")
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
        self.block(row, 0, self.first_page_last_col(), text, style)

    def first_page_last_col(self) -> int:
        """The last column printed on the first page across (all of them on a sheet one page wide)."""
        limit = self.width / pages_wide(self.width) * 1.02
        last, total = 0, 0.0
        for col, width in enumerate(self.widths[:self._printed_cols]):
            if total + width > limit and col:
                break
            last, total = col, total + width
        return last

    def block(self, row: int, first: int, last: int, text: str, *styles: str | None) -> None:
        """Text merged over columns first..last, wrapped, its row tall enough (merged
        cells never grow to fit their text)."""
        style = self.book.style(styles)
        if last > first:
            self.ws.merge_range(row, first, row, last, "", style.format)
        if text:
            self.ws.write_string(row, first, text, style.format)
        self.end = max(self.end, row)
        count = line_count(text, tuple(self.widths[first:last + 1]), style.size, style.bold, style.italic)
        self.tall(row, row_height(count, style.size) + 1)

    def column_at(self, share: float) -> int:
        """The column where `share` of the table's width falls (its start at or before it)."""
        edge, acc = share * self.width, 0.0
        for col, width in enumerate(self.widths[:self._printed_cols]):
            if acc + width > edge:
                return col
            acc += width
        return self._printed_cols - 1

    def legend_strip(self, row: int, meanings: dict[str, str]) -> None:
        """One row of coloured boxes, a mark and a word each: printed atop every page."""
        for (first, last), (status, meaning) in zip(partition(self.widths[:self._printed_cols], len(meanings)),
                                                    meanings.items()):
            self.block(row, first, last, f"{status_text(status)}" + (f" — {meaning}" if meaning else ""),
                       "legend", status)

    def signature(self, row: int, report: Report) -> int:
        """Position on the left, a line to sign on, initials and surname on the right."""
        settings = report.plan.settings
        last = self.last_col
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
        ws.fit_to_pages(pages_wide(self.width), 0)
        mm = {side: value / 25.4 for side, value in MARGINS_MM.items()}
        ws.set_margins(**mm)
        ws.set_header("", {"margin": FOOTER_MM / 25.4})
        ws.set_footer("&C&10Стр. &P из &N", {"margin": FOOTER_MM / 25.4})
        if header is not None:
            ws.repeat_rows(*header)
            if freeze_cols:
                ws.repeat_columns(0, freeze_cols - 1)
            ws.freeze_panes(header[1] + 1, freeze_cols)
        if self.document:
            ws.set_default_row(DOCUMENT_ROW)
        if self.document or self._forced:
            if header is not None:
                self.keep(header[0], header[1] + 1)  # the heads never end a page alone
            breaks = self.page_breaks(header)
            if 0 < len(breaks) <= MAX_BREAKS:
                ws.set_h_pagebreaks(breaks)
        self.finish()

    def print_scale(self) -> float:
        """The share of its size the sheet prints at: one page wide (or `pages_wide`) at most."""
        across = sum(column_points(w) for w in self.widths[:self._printed_cols])
        return min(1.0, PAGE_ACROSS * pages_wide(self.width) / across)

    def page_breaks(self, header: tuple[int, int] | None = None) -> list[int]:
        """The rows that begin a new page, from the rows' heights: a page takes whole
        kept groups (`keep`) while they fit under the repeated `header` rows; a group
        taller than a page is broken where it must be.  Every row's height is set, so
        this is where the office suite would break the pages too, less the groups split."""
        end = self.end if self.printed is None else min(self.end, self.printed)
        default = DOCUMENT_ROW if self.document else DEFAULT_ROW
        heights = [self._heights.get(r, default) for r in range(end + 1)]
        room = PAGE_BODY / self.print_scale()
        repeated = sum(heights[header[0]:header[1] + 1]) if header else 0.0

        def carried(row: int) -> float:  # what a page beginning at `row` holds before it
            return repeated if header and row > header[1] else 0.0

        def size(group: tuple[int, int]) -> float:
            return sum(heights[group[0]:group[1] + 1])

        def parts(group: tuple[int, int], keeps: list[tuple[int, int]]) -> list[tuple[int, int]]:
            """A kept group taller than a page, by the groups kept inside it (the legend and the
            signature stay together where the table's last row cannot join them); else by rows."""
            if group[0] == group[1] or size(group) <= room - carried(group[0]):
                return [group]
            inner = [k for k in keeps if group[0] <= k[0] and k[1] <= group[1] and k != group]
            split = _groups(group[0], group[1], inner)
            while split == [group] and inner:  # kept ranges overlapping into it: the widest yields
                inner.remove(max(inner, key=lambda k: k[1] - k[0]))
                split = _groups(group[0], group[1], inner)
            return [p for g in split for p in parts(g, inner)]

        groups = [p for g in _groups(0, end, self._keeps) for p in parts(g, self._keeps)]
        pages: list[list[tuple[int, int]]] = [[]]
        used = 0.0
        for group in groups:
            first = group[0]
            if (first in self._forced and first) or (used > carried(first) and used + size(group) > room):
                pages.append([])
                used = carried(first)
            pages[-1].append(group)
            used += size(group)
        _balance(pages, room, size, carried, self._forced)
        return [page[0][0] for page in pages[1:] if page]


def _balance(pages: list[list[tuple[int, int]]], room: float, size, carried, forced: set[int]) -> None:
    """A page under three fifths full (it could not take the group after it) takes groups
    from the end of the page before, as long as that one stays as full: the typesetter's
    cure for a nearly empty page in the middle of a sheet.  In place."""
    def fill(page: list[tuple[int, int]]) -> float:
        return carried(page[0][0]) + sum(size(g) for g in page) if page else 0.0

    for k in range(len(pages) - 2, 0, -1):
        page, before = pages[k], pages[k - 1]
        # Three fifths by the rows' heights: a page's text ends above its last row's bottom.
        while page and page[0][0] not in forced and len(before) > 1 and fill(page) < room * 0.6:
            moved = before[-1]
            grown = carried(moved[0]) + sum(size(g) for g in page) + size(moved)
            if grown > room or fill(before) - size(moved) < room * 0.6:
                break
            page.insert(0, before.pop())


def _groups(start: int, end: int, keeps: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Rows start..end as consecutive groups: overlapping kept ranges merged, other rows alone."""
    merged: list[tuple[int, int]] = []
    for first, last in sorted((max(a, start), min(b, end)) for a, b in keeps if a <= end and b >= start):
        if merged and first <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(last, merged[-1][1]))
        else:
            merged.append((first, last))
    out: list[tuple[int, int]] = []
    row = start
    for first, last in merged:
        out += [(r, r) for r in range(row, first)]
        out.append((first, last))
        row = last + 1
    return out + [(r, r) for r in range(row, end + 1)]


def partition(widths: Sequence[float], parts: int) -> list[tuple[int, int]]:
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


def spare(widths: Iterable[float], columns: int = 1, least: float = 1.0) -> float:
    """Units each of `columns` more columns may be wide so that they and `widths` fill
    the page across at 100 % (as `core.measure` converts widths), at least `least`.
    In whole pixels (1/7 unit), as a sheet stores a width."""
    left = PAGE_ACROSS - _ACROSS_SLACK - sum(column_points(w) for w in widths)
    per_unit = column_points(8) - column_points(7)  # points a unit adds
    pad = column_points(7) - 7 * per_unit  # and a column of its own
    each = math.floor((left / columns - pad) / per_unit * 7) / 7
    while each > least and column_points(each) * columns > left:
        each -= 1 / 7
    return max(each, least)


def pages_wide(width: float) -> int:
    return max(1, math.ceil(width / PAGE_WIDTH))


def number_style(unit: str, values: Iterable[float | None]) -> str:
    if unit.strip() == "%":
        return "dec"
    if all(v is None or float(v).is_integer() for v in values):
        return "int"
    return "amount"


def two_lines(title: str, width: float) -> float:
    """`width`, or up to two units more where that puts the header `title` (9 pt bold) on two
    lines: the header row repeats on every page («По графику / на 31.10.2026», not four lines)."""
    for extra in (0, 0.5, 1, 1.5, 2):
        if line_count(title, width + extra, TABLE_SIZE, True) <= 2:
            return width + extra
    return width


def word_units(texts: Iterable[str], size: float = TABLE_SIZE, bold: bool = True) -> float:
    """The narrowest column in which no word of `texts` breaks (a header's words, 9 pt bold;
    a word may still break after its hyphen)."""
    widest = max((text_width(piece, size, bold) for text in texts for word in text.split()
                  for piece in re.split(r"(?<=-)", word)), default=0.0)
    return units_for(widest) if widest else 1.0


def figure_units(values: Iterable[float | None], style: str, least: float, marks: str = "") -> float:
    """A number column's width: at least `least`, and wide enough for the widest of `values`
    as `style` prints it (thousands spaced, the sign, its decimals, the indent), with
    `marks` beside it (a status mark and a space, the reason mark)."""
    decimals = {"int": 0, "dec": 1, "amount": 2}.get(style, 2)
    widest = 0.0
    for value in values:
        if value is not None:
            whole = format_ru(round(value, decimals)).split(",")[0]
            widest = max(widest, text_width(whole + ("," + "0" * decimals if decimals else ""), TABLE_SIZE))
    if not widest:
        return least
    return max(least, units_for(widest + text_width(marks, TABLE_SIZE) + INDENT_POINTS))


# What a figure may carry beside it: on «Свод» and «Показатели» a status mark, on
# «По организациям» a reason mark too.
STATUS_MARK_ROOM = f"{STATUS_MARKS['behind']} "
ALL_MARKS_ROOM = f"{STATUS_MARKS['behind']} {REASON_MARK}"


def status_cell(sheet: Sheet, row: int, col: int, status: str) -> None:
    sheet.text(row, col, status_text(status), "status", status or None)


NO_DATA = (None, "no_data")


def marked_number(sheet: Sheet, row: int, col: int, value: float | None, status: str, style: str,
                  *mods: str | None, reason: bool = False) -> None:
    """A number coloured by its status, with the status mark in its number format (and
    REASON_MARK after it where the college gave a reason): a document's figure says its
    state in colour and, printed in black and white, by its mark."""
    status = status or None
    if value is None:
        sheet.text(row, col, DASH + (REASON_MARK if reason else ""), "dash", *mods, status)
    else:
        sheet.end = max(sheet.end, row)
        sheet.ws.write_number(row, col, value, sheet.book.marked(style, status, *mods, reason=reason))


def legend_meanings(report: Report, college: bool = False) -> dict[str, str]:
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


def legend(sheet: Sheet, row: int, swatch_col: int, text_col: int, meanings: dict[str, str]) -> int:
    """«Условные обозначения:» and a line a state, on one page; returns the next free row."""
    first = row
    sheet.ws.write_string(row, text_col, "Условные обозначения:", sheet.book.fmt("bold"))
    for status, meaning in meanings.items():
        row += 1
        sheet.text(row, swatch_col, STATUS_MARKS.get(status, ""), "status", status)
        sheet.ws.write_string(row, text_col, f"{STATUS_LABELS[status]} — {meaning}")
    sheet.keep(first, row)
    return row + 1


def schedule_note(report: Report) -> str:
    """How the expected value by the report month is computed (the plan's settings)."""
    month, end = report.period.month, report.period.end_date
    return (f"Ожидаемое по графику на {end:%d.%m.%Y}: для мероприятий, выполняемых равномерно, — "
            f"{month}/12 цели года; для разовых мероприятий («к концу года») — вся цель к 31.12; "
            "для показателей нарастающим итогом — от цели прошлого года к цели текущего года "
            "равномерно; для долей (%) — сама цель. График каждой позиции и допустимое отставание "
            "задаются в плане кластера.")


def orgs_word(count: int) -> str:
    """The genitive after a number: «из 1 организации», «из 7 организаций»."""
    return "организации" if count % 10 == 1 and count % 100 != 11 else "организаций"


def missing_note(report: Report, missing: Sequence[str]) -> str:
    """«Отчёты не представлены или не приняты: …»: by name, or above the plan's
    `colleges_listed_up_to` the count and where the names are."""
    if not national(report):
        return "Отчёты не представлены или не приняты: " + "; ".join(missing) + "."
    return (f"Отчёты не представлены или не приняты: {orgs_counted(len(missing))}; перечень — на листе "
            f"«{SHEET_COMPLETENESS}».")


def orgs_counted(count: int) -> str:
    """«1 организация», «152 организации», «165 организаций» (Russian plural by the number)."""
    last, tens = count % 10, count % 100
    word = ("организация" if last == 1 and tens != 11 else
            "организации" if 2 <= last <= 4 and not 12 <= tens <= 14 else "организаций")
    return f"{format_ru(count)} {word}"


def accepted_ids(report: Report) -> set[str]:
    return {f.organisation_id for f in report.files if f.status == ACCEPTED and f.organisation_id}


def change_header(report: Report) -> str | None:
    """«Изменение с 30.09.2026» where last month's book was given, else None."""
    if report.previous is None:
        return None
    then = report.previous.then.period
    return f"Изменение с {then.end_date:%d.%m.%Y}" if then else "Изменение за месяц"


def change_cell(sheet: Sheet, row: int, col: int, change: float | None, style: str, fell: bool) -> None:
    if change is None:
        sheet.text(row, col, DASH, "dash")
    else:
        sheet.ws.write_number(row, col, change, sheet.book.fmt(f"change_{style}", "behind" if fell else None))


def closing(sheet: Sheet, row: int, report: Report, notes: Sequence[str] = (),
            keep_from: int | None = None) -> int:
    """Notes under the table, then the signature block; rows from `keep_from` (the
    table's last rows) to the signature print on one page."""
    last = sheet.last_col
    for text in notes:
        sheet.block(row, 0, last, text, "note")
        row += 1
    end = sheet.signature(row + 1, report)
    if keep_from is not None:
        sheet.keep(keep_from, end - 1)
        sheet.keep(keep_from + 1, end - 1)  # where the last row cannot join them: all that follows it
    return end
