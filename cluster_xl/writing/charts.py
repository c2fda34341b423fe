"""«Диаграммы»: native Excel charts of the report, on pages of their own.

Page 1: plan against fact by section of the programme and by college, as % of
the year's target (so persons, units and roubles can stand side by side).
Then the tables those charts are drawn from, and each indicator against its
trajectory to the last year of the plan, every point labelled with its value
(the indicators' table is «Показатели»).  No chart or table is split across
pages: every row has a fixed height and the pages are broken by hand.  The
numbers the charts draw sit right of the printed area, blanks where there is
no value (a «—» in a chart's range would be drawn as 0).

Percentages: an item's fact as % of its target for the report year, capped at
100 (an item far ahead must not hide one far behind), averaged over the items
with a target; the expected share by the report month likewise.  A college is
measured against its own plan.
"""

from __future__ import annotations

import math
from typing import Sequence

from xlsxwriter.utility import xl_rowcol_to_cell

from ..consolidation.explain import national
from ..consolidation.report import Report
from ..core.names import SHEET_CHARTS, SHEET_INDICATORS
from .frames import num, totals_index
from .layout import DASH, DOCUMENT_ROW, Sheet, closing, orgs_counted, spare, status_text
from .progress import COUNTED, NAMED, Progress, college_progress, distribution, extremes, section_progress

FONT = {"name": "Times New Roman", "size": 10}
EXPECTED_COLOUR, FACT_COLOUR = "#BFBFBF", "#1F4E79"  # light and dark: tell apart in grey too
ROW_PT = DOCUMENT_ROW  # every row has a fixed height (a line of table text): a chart's extent is known
CHART_PX = 380  # the bar charts' height: page 1 holds the title block and them


# -- the sheet -----------------------------------------------------------------


def charts_sheet(book, ws, report: Report) -> None:
    each = spare([5.5, 60], NUMBER_COLUMNS)
    sheet = Sheet(book, ws, [("Код", 5.5), ("Наименование", 60), *(("", each) for _ in range(NUMBER_COLUMNS))])
    data = _ChartData(sheet, len(sheet.widths) + 1)
    row = sheet.title_block(report, "Диаграммы исполнения плана", document=True)
    sections, colleges = section_progress(report), college_progress(report)
    # Page 1: the two bar charts; then their tables; the indicators' charts, each point
    # labelled with its value (their table is «Показатели»); the signature.
    half = _page_px(sheet) // 2 - 6
    _bar_chart(sheet, row, 0, half, "По разделам программы, % цели года",
               data.progress("Раздел", sections), "Раздел")
    listed = not national(report)
    if listed:
        _bar_chart(sheet, row, half + 12, half, "По организациям, % плана года",
                   data.progress("Организация", colleges), None, horizontal=True)
    else:  # a bar a college would be a blot: how many colleges are how far along
        _distribution_chart(sheet, row, half + 12, half, data.table(
            ("Исполнение плана", "Организаций"), [(band, float(n)) for band, n in distribution(colleges)]))
    page2 = row + _rows_for(CHART_PX * 0.75 + 8)
    as_of = f"на {report.period.end_date:%d.%m.%Y}"
    r = _progress_table(sheet, page2, report, f"Исполнение по разделам программы {as_of}",
                        ("Раздел", "Наименование раздела"), sections)
    sheet.keep(page2, r - 1)  # no table is split: its heading and rows on one page
    if listed:
        first = r + 1
        r = _progress_table(sheet, first, report, f"Исполнение по организациям {as_of}",
                            ("№", "Организация"), colleges, numbered=True)
        sheet.keep(first, r - 1)
    else:
        r = _national_tables(sheet, r + 1, report, colleges, as_of)
    lines, r = _indicator_charts(sheet, r + 1, report, data)
    for first, end in lines:  # the heading with the first line of charts; no chart split
        sheet.keep(first, end)
    last = closing(sheet, r + 1, report, [_percent_note(report)], keep_from=lines[-1][1])
    for fixed in range(last + 1):  # rows without a height of their own: a chart's extent is known
        sheet.tall(fixed, ROW_PT)
    sheet.break_before(page2)
    sheet.print_rows(last, sheet.last_col)  # the chart data beside it is for the screen
    sheet.page_setup(None)


NUMBER_COLUMNS = 8  # the progress tables: items, expected, fact, four states, the change


class _ChartData:
    """The numbers the charts draw, right of the printed area: blanks where there is
    no value (a «—» in a chart's range would be drawn as 0)."""

    def __init__(self, sheet: Sheet, col: int):
        self.sheet, self.col, self.row = sheet, col, 0
        sheet.ws.set_column(col, col + 6, 11)
        sheet.ws.write_string(2, col, "Данные диаграмм (не печатаются)", sheet.book.fmt("bold"))
        self.row = 4

    def table(self, header: Sequence[str], rows: Sequence[Sequence]) -> dict:
        ws, book, top = self.sheet.ws, self.sheet.book, self.row
        for c, text in enumerate(header):
            ws.write_string(top, self.col + c, text, book.fmt("header"))
        for n, values in enumerate(rows, start=1):
            for c, value in enumerate(values):
                if isinstance(value, str):
                    ws.write_string(top + n, self.col + c, value, book.fmt("text"))
                elif value is None:
                    ws.write_blank(top + n, self.col + c, None, book.fmt("dash"))
                else:
                    ws.write_number(top + n, self.col + c, value, book.fmt("dec"))
        self.row = top + len(rows) + 2
        return {"header": top, "first": top + 1, "last": top + max(len(rows), 1), "col": self.col}

    def progress(self, label: str, rows: Sequence[Progress]) -> dict:
        return self.table((label, "По графику", "Факт"),
                          [(p.code if label == "Раздел" else p.name, _round(p.expected_pct),
                            _round(p.fact_pct)) for p in rows])


def _rows_for(points: float) -> int:
    return math.ceil(points / ROW_PT)


def _px(width: float) -> int:
    return int(width * 7 + 0.5) + 5  # XlsxWriter's column width in pixels


def _page_px(sheet: Sheet) -> int:
    return sum(_px(w) for w in sheet.widths)


def _percent_note(report: Report) -> str:
    return (f"Процент цели года — отношение факта к цели {report.period.year} года по каждой позиции "
            "(не более 100 %), в среднем по позициям, имеющим цель; для организаций — к их собственному "
            "плану. «По графику» — ожидаемое к отчётной дате значение в процентах цели года.")


def _progress_table(sheet: Sheet, row: int, report: Report, title: str, first: tuple[str, str],
                    rows: Sequence[Progress], numbered: bool = False) -> int:
    """A heading and the table under it; returns the next free row."""
    ws, book = sheet.ws, sheet.book
    sheet.paragraph(row, title, "subtitle")
    header = row + 1
    titles = [*first, "Позиций с целью", "По графику, %", "Факт, % цели", *(status_text(s) for s in COUNTED)]
    if report.previous is not None:
        titles.append("Изменение факта, п. п.")
    for col, text in enumerate(titles):
        sheet.text(header, col, text, "header")
    r = header
    for n, p in enumerate(rows, start=1):
        r = header + n
        sheet.text(r, 0, str(n) if numbered else p.code, "code")
        sheet.text(r, 1, p.name, "text")
        ws.write_number(r, 2, p.items, book.fmt("int"))
        sheet.number(r, 3, _round(p.expected_pct), "dec")
        sheet.number(r, 4, _round(p.fact_pct), "dec")
        for col, status in enumerate(COUNTED, start=5):
            ws.write_number(r, col, p.statuses.get(status, 0), book.fmt("int", status))
        if report.previous is not None:
            change = _round(p.change_pp)
            if change is None:
                sheet.text(r, 9, DASH, "dash")
            else:
                ws.write_number(r, 9, change, book.fmt("change_dec", "behind" if change < 0 else None))
    return r + 1


def _national_tables(sheet: Sheet, row: int, report: Report, colleges: Sequence[Progress], as_of: str) -> int:
    """Above `colleges_listed_up_to`: the distribution of the colleges by % of their own plan,
    then the furthest behind and the furthest ahead by name; returns the next free row."""
    count = len(colleges)
    sheet.paragraph(row, f"Распределение организаций по исполнению собственного плана {as_of} "
                         f"(всего {orgs_counted(count)})", "subtitle")
    for col, text in enumerate(("", "Факт, % собственного плана", "Организаций", "Доля, %")):
        sheet.text(row + 1, col, text, "header")
    r = row + 1
    for n, (band, number) in enumerate(distribution(colleges), start=1):
        r = row + 1 + n
        sheet.text(r, 0, str(n), "code")
        sheet.text(r, 1, band, "text")
        sheet.ws.write_number(r, 2, number, sheet.book.fmt("int"))
        sheet.number(r, 3, round(number / count * 100, 1) if count else None, "dec")
    sheet.keep(row, r)
    weakest, strongest = extremes(colleges, NAMED)
    for title, rows in ((f"Организации с наименьшим исполнением плана {as_of}: {len(weakest)}", weakest),
                        (f"Организации с наибольшим исполнением плана {as_of}: {len(strongest)}", strongest)):
        first = r + 2
        r = _progress_table(sheet, first, report, title, ("№", "Организация"), rows, numbered=True) - 1
        sheet.keep(first, r)
    return r + 1


def _distribution_chart(sheet: Sheet, row: int, x_offset: int, width: int, ref: dict) -> None:
    """Colleges by band of % of their own plan: one column a band, the count on it."""
    chart = sheet.book.workbook.add_chart({"type": "column"})
    col = ref["col"]
    chart.add_series({
        "name": "Организаций",
        "categories": _range(ref["first"], col, ref["last"], col),
        "values": _range(ref["first"], col + 1, ref["last"], col + 1),
        "fill": {"color": FACT_COLOUR}, "border": {"color": "#404040", "width": 0.75},
        "data_labels": {"value": True, "num_format": "0", "font": {**FONT, "size": 9}},
        "gap": 40,
    })
    chart.set_y_axis({"num_font": FONT, "num_format": "0", "min": 0,
                      "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
    chart.set_x_axis({"num_font": {**FONT, "size": 9}, "name": "Факт, % собственного плана", "name_font": FONT})
    _style(chart, "Организации по исполнению плана года", legend=False)
    sheet.ws.insert_chart(row, 0, chart, {"x_offset": x_offset, "y_offset": 4, "x_scale": width / 480,
                                           "y_scale": CHART_PX / 288, "object_position": 3})


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _range(row1: int, col1: int, row2: int, col2: int) -> str:
    first = xl_rowcol_to_cell(row1, col1, row_abs=True, col_abs=True)
    last = xl_rowcol_to_cell(row2, col2, row_abs=True, col_abs=True)
    return f"='{SHEET_CHARTS}'!{first}:{last}"


def chart_text(text: str) -> str:
    """A title or series name as text: XlsxWriter takes a name beginning with «=» for a
    reference (a plan's code or unit may begin with it), so such a name gets a space first."""
    return f" {text}" if text.lstrip().startswith("=") else text


def _style(chart, title: str, size: int = 12, legend: bool = True) -> None:
    chart.set_title({"name": chart_text(title), "name_font": {**FONT, "size": size, "bold": True}})
    if legend:
        chart.set_legend({"position": "bottom", "font": FONT})
    else:
        chart.set_legend({"none": True})
    chart.set_chartarea({"border": {"none": True}})


def _bar_chart(sheet: Sheet, row: int, x_offset: int, width: int, title: str, ref: dict,
               axis: str | None, horizontal: bool = False) -> None:
    """Expected against fact, % of the year's target, one category per table row."""
    chart = sheet.book.workbook.add_chart({"type": "bar" if horizontal else "column"})
    col = ref["col"]
    series = ((1, "По графику", EXPECTED_COLOUR), (2, "Факт", FACT_COLOUR))
    # A bar chart lists its legend bottom-up: given the other way round, both charts'
    # legends read «По графику», «Факт».
    for offset, name, colour in (series[::-1] if horizontal else series):
        chart.add_series({
            "name": name,
            "categories": _range(ref["first"], col, ref["last"], col),
            "values": _range(ref["first"], col + offset, ref["last"], col + offset),
            "fill": {"color": colour}, "border": {"color": "#404040", "width": 0.75},
            "data_labels": {"value": True, "num_format": "0", "font": {**FONT, "size": 9}},
            "gap": 60,
        })
    values_axis = {"min": 0, "max": 100, "major_unit": 20, "num_format": '0" %"', "num_font": FONT,
                   "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}}
    category_axis = {"num_font": FONT, **({"name": axis, "name_font": FONT} if axis else {})}
    if horizontal:  # colleges top to bottom in roster order, the value axis below them
        chart.set_x_axis(values_axis)
        chart.set_y_axis({**category_axis, "reverse": True, "crossing": "max"})
    else:
        chart.set_y_axis(values_axis)
        chart.set_x_axis(category_axis)
    _style(chart, title)
    sheet.ws.insert_chart(row, 0, chart, {"x_offset": x_offset, "y_offset": 4,
                                           "x_scale": width / 480, "y_scale": CHART_PX / 288,
                                           "object_position": 3})


def _indicator_charts(sheet: Sheet, row: int, report: Report, data: _ChartData):
    """Each indicator: the trajectory (expected by the report date, then each year's
    target) and the fact at the report date, every point labelled with its value; four
    charts a row.  Returns the first and last rows of each line of charts (the first line's
    from the heading), and the row after them."""
    years = report.plan.years
    end = f"{report.period.end_date:%d.%m.%Y}"
    sheet.paragraph(row, f"Показатели результативности: факт на {end} и цели {years[0]}–{years[-1]} гг.",
                    "subtitle")
    sheet.block(row + 1, 0, sheet.last_col,
                f"Пунктир — ожидаемое по графику на {end} и цели на конец каждого года; "
                f"ромб — факт на {end}; у точек — их значения. Наименования показателей и "
                f"их значения в таблице — на листе «{SHEET_INDICATORS}».", "note")
    indicators = report.plan.indicators
    totals = totals_index(report)
    trajectory = [(item.code, num(totals.get((item.code, report.period.year), {}).get("fact")),
                   num(totals.get((item.code, report.period.year), {}).get("expected")),
                   *(num(totals.get((item.code, y), {}).get("target")) for y in years))
                  for item in indicators]
    ref = data.table(("Код", "Факт", end, *(f"31.12.{y}" for y in years)), trajectory)
    per_row, height = 4, 175
    chart_rows = _rows_for(height * 0.75 + 6)
    width = _page_px(sheet) // per_row - 6
    top = row + 2
    for n, item in enumerate(indicators):
        data_row, col = ref["first"] + n, ref["col"]
        fact, expected = trajectory[n][1], trajectory[n][2]
        # At the report date the fact's diamond and the expected circle share a column: the
        # higher one's label goes above it, the lower one's below, so no marker covers a label.
        fact_higher = fact is not None and expected is not None and fact >= expected
        chart = sheet.book.workbook.add_chart({"type": "line"})
        chart.add_series({
            "name": "По графику и цели",
            "categories": _range(ref["header"], col + 2, ref["header"], col + 2 + len(years)),
            "values": _range(data_row, col + 2, data_row, col + 2 + len(years)),
            "line": {"color": "#7F7F7F", "width": 1.5, "dash_type": "dash"},
            "marker": {"type": "circle", "size": 5, "fill": {"color": "white"},
                       "border": {"color": "#404040"}},
            "data_labels": {"value": True, "position": "above", "num_format": "#,##0",
                            "font": {**FONT, "size": 8}, "custom": [{"delete": True}]},
        })
        chart.add_series({  # the expected value alone, its label placed against the fact's
            "name": "По графику",
            "values": _range(data_row, col + 2, data_row, col + 2),
            "line": {"none": True}, "marker": {"type": "none"},
            "data_labels": {"value": True, "position": "below" if fact_higher else "above",
                            "num_format": "#,##0", "font": {**FONT, "size": 8}},
        })
        chart.add_series({  # one value: drawn at the first category, the report date
            "name": "Факт",
            "values": _range(data_row, col + 1, data_row, col + 1),
            "line": {"none": True},
            "marker": {"type": "diamond", "size": 9, "fill": {"color": FACT_COLOUR},
                       "border": {"color": FACT_COLOUR}},
            "data_labels": {"value": True, "position": "above" if fact_higher else "below",
                            "num_format": "#,##0", "font": {**FONT, "size": 8, "bold": True}},
        })
        chart.show_blanks_as("gap")
        chart.set_x_axis({"num_font": {**FONT, "size": 7, "rotation": 0}})
        chart.set_y_axis({"num_font": {**FONT, "size": 8}, "num_format": "#,##0", "min": 0,
                          "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
        _style(chart, f"{item.code}, {item.unit}", size=10, legend=False)
        # The plot where every chart has it, whatever its scale's widest figure: room left
        # for «120 000», and four dates across that never wrap («31.10.202/6»).
        chart.set_plotarea({"layout": {"x": 0.17, "y": 0.16, "width": 0.8, "height": 0.66}})
        sheet.ws.insert_chart(top + (n // per_row) * chart_rows, 0, chart, {
            "x_offset": (n % per_row) * (width + 8), "y_offset": 4, "x_scale": width / 480,
            "y_scale": height / 288, "object_position": 3})
    lines = math.ceil(len(indicators) / per_row)
    after = top + lines * chart_rows
    return [(row if n == 0 else top + n * chart_rows, top + (n + 1) * chart_rows - 1) for n in range(lines)], after
