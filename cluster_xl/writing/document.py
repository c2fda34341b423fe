"""The document sheets with the plan's items: «Свод», «Показатели», «По организациям».

«Свод» and «Показатели» list the items in plan order (section and result
headings verbatim on «Свод»): approved targets for every year, expected by the
report date, fact (coloured and marked by its status), deviation, % of target,
the change since last month and a note.  «По организациям» puts items as rows
and colleges as columns, each college's fact coloured and marked by its own
status, the cluster last.
"""

from __future__ import annotations

from typing import Sequence

from ..consolidation.report import Report
from ..core.measure import line_count, text_width, units_for
from ..core.model import college_key
from ..consolidation.explain import national, reasons_index
from ..core.names import SHEET_EXPLANATIONS, SHEET_INDICATORS, SHEET_SUMMARY
from ..core.numbers import format_ru
from ..plan.model import BEHIND, RULE_LABELS, SCHEDULE_LABELS, PlanItem
from .frames import as_text, college_columns, num, numbers_of, texts_of, totals_index
from .progress import NAMED, college_progress, distribution, extremes
from .layout import (
    ALL_MARKS_ROOM, DASH, NO_DATA, NOT_APPLICABLE, REASON_MARK, STATUS_MARK_ROOM, STRIP, TABLE_SIZE, Sheet,
    accepted_ids, as_of_phrase, change_cell, change_header, closing, figure_units, legend, legend_meanings,
    marked_number, missing_note, number_style, orgs_counted, orgs_word, schedule_note, spare, two_lines, word_units,
)


def _plan_columns(report: Report, items: Sequence[PlanItem], notes: Sequence[str]) -> list[tuple[str, float]]:
    """The summary's columns: the name and «Примечание» share what the others leave of the
    page, «Примечание» at least as wide as its longest word (no word breaks inside it),
    split where the rows come out shortest in all."""
    year, end = report.period.year, report.period.end_date
    change = change_header(report)
    longest = max((len(word) for text in notes for word in text.split()), default=0)
    fit = _figure_fit(report, items)
    others = [
        ("Ед. изм.", 6), *((f"Цель {y}", fit(("target", y), 7.5)) for y in report.plan.years),
        (f"По графику на {end:%d.%m.%Y}", fit(("expected", year), 9)), (f"Факт {year}", fit(("fact", year), 8)),
        ("Отклонение", fit(("deviation", year), 10.5)), ("% исполнения", 9.5),
        *([(change, fit(("change", year), 9.5))] if change else []),
    ]
    # The header row repeats on every page: no heading over two lines where a unit or two
    # more keeps it there («По графику / на 31.10.2026», not four lines).
    others = [(title, two_lines(title, width)) for title, width in others]
    both = spare([5.5, *(w for _, w in others)], 2, least=20) * 2
    note = _best_split([item.name for item in items], notes, both, max(11, longest + 1))
    name = spare([5.5, *(w for _, w in others), note], least=30)
    return [("Код", 5.5), ("Наименование результата", name), *others, ("Примечание", note)]


def _figure_fit(report: Report, items: Sequence[PlanItem]):
    """fit((measure, year), least): a number column's width, wide enough for every item's figure
    (national totals run to millions; the widths a cluster needs are the least)."""
    totals = totals_index(report)
    changes = report.previous.items if report.previous is not None else {}
    styles = [_item_style(item, report, totals) for item in items]  # as the rows print them

    def fit(key: tuple[str, int], least: float) -> float:
        measure, year = key
        width = least
        for item, style in zip(items, styles):
            total = totals.get((item.code, year), {})
            value = changes.get((item.code, year)) if measure == "change" else num(total.get(measure))
            width = max(width, figure_units([value], "dec" if measure == "expected" else style, least,
                                            STATUS_MARK_ROOM if measure in ("fact", "change") else ""))
        return width
    return fit


def _best_split(names: Sequence[str], notes: Sequence[str], both: float, least: float) -> float:
    """The note column's width, from `least` up to half of `both`, that gives the rows,
    each as tall as its name or its note, the smallest height in all."""
    def height(note: float) -> int:
        return sum(max(line_count(name, both - note, TABLE_SIZE), line_count(text, note, TABLE_SIZE) if text else 1)
                   for name, text in zip(names, notes))
    widths = [least + step / 2 for step in range(int(max(both / 2 - least, 0) * 2) + 1)]
    return min(widths, key=lambda w: (height(w), w))


def summary_sheet(book, ws, report: Report) -> None:
    plan = report.plan
    accepted = len(accepted_ids(report) & {c.id for c in plan.colleges})
    total = len(plan.colleges)
    extra = [f"Учтены отчёты {accepted} из {total} {orgs_word(total)}"]
    columns = _plan_columns(report, plan.activities, _notes(report, plan.activities))
    _plan_sheet(Sheet(book, ws, columns), report, plan.activities,
                "Мероприятия программы деятельности кластера", extra, with_headings=True)


def indicators_sheet(book, ws, report: Report) -> None:
    extra = [f"Значение нарастающим итогом {as_of_phrase(report.period)}"]
    items = report.plan.indicators
    _plan_sheet(Sheet(book, ws, _plan_columns(report, items, _notes(report, items))), report, items,
                "Плановые показатели результативности", extra, with_headings=False)


def _notes(report: Report, items: Sequence[PlanItem]) -> list[str]:
    totals = totals_index(report)
    return [note_text(item, totals.get((item.code, report.period.year), {})) for item in items]


def _plan_sheet(sheet: Sheet, report: Report, items: Sequence[PlanItem], subtitle: str,
                extra: Sequence[str], with_headings: bool) -> None:
    strip = sheet.title_block(report, subtitle, extra, document=True)
    sheet.legend_strip(strip, STRIP)
    header = strip + 1
    sheet.header(header)
    totals = totals_index(report)
    headings = {s.code: s.title for s in report.plan.sections}
    headings.update({r.code: r.title for r in report.plan.results})
    row, shown = header + 1, set()
    for item in items:
        first = row
        for code, kind in ((item.section, "section"), (item.result, "result")):
            if with_headings and code and code not in shown:
                shown.add(code)
                _heading_row(sheet, row, code, headings.get(code, ""), kind)
                row += 1
        _item_row(sheet, row, item, report, totals)
        sheet.keep(first, row)  # a heading never ends a page: it goes with its first item
        row += 1
    last = row - 1
    row = legend(sheet, row + 1, 0, 1, legend_meanings(report))
    closing(sheet, row, report, [schedule_note(report)], keep_from=last)
    sheet.page_setup((strip, header))


def _heading_row(sheet: Sheet, row: int, code: str, title: str, kind: str) -> None:
    """Section or result line: code, and the title verbatim across the whole table
    (a heading has no values; across the row it takes a third of the lines)."""
    sheet.text(row, 0, code, "code", kind)
    sheet.block(row, 1, len(sheet.columns) - 1, title, "text", kind)


def _item_row(sheet: Sheet, row: int, item: PlanItem, report: Report, totals: dict) -> None:
    year = report.period.year
    now = totals.get((item.code, year), {})
    targets = [num(totals.get((item.code, y), {}).get("target")) for y in report.plan.years]
    values = [num(now.get(k)) for k in ("expected", "fact", "deviation")]
    style = _item_style(item, report, totals)
    status = as_text(now.get("status"))
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
    marked_number(sheet, row, col + 1, fact, status, style)  # the status: its colour and mark
    sheet.number(row, col + 2, deviation, style)
    sheet.number(row, col + 3, num(now.get("pct")), "dec",
                 missing=NOT_APPLICABLE if not num(now.get("target")) else DASH)
    col += 4
    if report.previous is not None:
        change = report.previous.items.get((item.code, year))
        change_cell(sheet, row, col, change, style, (item.code, year) in report.previous.backwards)
        col += 1
    _note_cell(sheet, row, col, item, now)


def _item_style(item: PlanItem, report: Report, totals: dict) -> str:
    """The number style of an item's row: by its targets of every year, fact and deviation."""
    now = totals.get((item.code, report.period.year), {})
    return number_style(item.unit, [*(num(totals.get((item.code, y), {}).get("target")) for y in report.plan.years),
                                    num(now.get("fact")), num(now.get("deviation"))])


def note_text(item: PlanItem, now: dict) -> str:
    """The aggregation rule where it is not a plain sum, the schedule where it is not
    linear, a ratio's two sums, and where the reasons of an item behind are."""
    lines = []
    if item.rule != "sum":
        lines.append(f"Правило свода: {RULE_LABELS.get(item.rule, item.rule)}.")
    if item.schedule not in ("linear", "cumulative"):
        lines.append(f"График: {SCHEDULE_LABELS.get(item.schedule, item.schedule)}.")
    numerator, denominator = num(now.get("numerator")), num(now.get("denominator"))
    if item.rule == "ratio" and item.parts and (numerator is not None or denominator is not None):
        unit = item.part("denominator").unit
        end = "" if unit.endswith(".") else "."  # «200 чел.», not «200 чел..»
        lines.append(f"Числитель: {format_ru(numerator)} {unit}; "
                     f"знаменатель: {format_ru(denominator)} {unit}{end}")
    if now.get("status") == BEHIND:
        lines.append(f"Причины отставания — на листе «{SHEET_EXPLANATIONS}».")
    return "\n".join(lines)


def _note_cell(sheet: Sheet, row: int, col: int, item: PlanItem, now: dict) -> None:
    """`note_text`, with the ratio's parts named in a comment."""
    numerator, denominator = num(now.get("numerator")), num(now.get("denominator"))
    if item.rule == "ratio" and item.parts and (numerator is not None or denominator is not None):
        sheet.ws.write_comment(row, col, (
            f"Числитель — {item.part('numerator').name}.\n"
            f"Знаменатель — {item.part('denominator').name}."
        ), {"author": "cluster_xl", "x_scale": 3, "y_scale": 2.5})
    sheet.text(row, col, note_text(item, now), "text")


# -- «По организациям» -------------------------------------------------------


def _college_cells(report: Report) -> tuple[dict[str, dict], dict[str, str]]:
    """code -> organisation key -> (fact, status); and a number style per code."""
    frame = report.consolidation.by_college
    cells: dict[str, dict] = {}
    facts: dict[str, list] = {}
    codes = texts_of(frame, "code")
    for org_id, name, code, fact, status in zip(texts_of(frame, "org_id"), texts_of(frame, "organisation"), codes,
                                                numbers_of(frame, "fact"), texts_of(frame, "status")):
        cells.setdefault(code, {})[college_key(org_id, name)] = (fact, status)
        facts.setdefault(code, []).append(fact)
    styles = {i.code: number_style(i.unit, facts.get(i.code, ())) for i in report.plan.items}
    return cells, styles


def by_college_sheet(book, ws, report: Report) -> None:
    """Items as rows, colleges as columns (one page wide), the cluster last; then,
    with last month's book, the same grid of changes.  Above the plan's
    `colleges_as_rows_above` colleges are rows and items columns: a sheet has 16,384
    columns and over a million rows, and a long list reads better than a wide one."""
    colleges = college_columns(report)
    cells = (*_college_cells(report), reasons_index(report))  # one pass over the colleges' figures
    if national(report):
        _by_college_national(book, ws, report, colleges, cells)
        return
    if len(colleges) > report.plan.settings.colleges_as_rows_above:
        _by_college_rows(book, ws, report, colleges, cells)
        return
    # No word of a college's name breaks in its header, however many colleges there are.
    fits = word_units(name for _, name in colleges)
    cluster = _cluster_units(report, cells[1], 11)
    each = max(min(spare([5.5, 6, cluster], max(len(colleges), 1), least=9), 16), fits)
    sheet = Sheet(book, ws, [("Код", 5.5), ("Ед. изм.", 6), *((name, each) for _, name in colleges),
                              ("Кластер", cluster)])
    _college_sheet(sheet, report, colleges, cells, _college_grid, "столбец «Кластер»", head_rows=1,
                   freeze_cols=2)


def _college_sheet(sheet: Sheet, report: Report, colleges, cells: tuple, grid, cluster_where: str,
                   head_rows: int, freeze_cols: int) -> None:
    """Title, the grid (`grid`: one layout or the other), notes and legend, with last month's
    book the same grid of changes, and the signature."""
    strip = sheet.title_block(report, f"Фактические значения по организациям за {report.period.year} год",
                              [f"Наименования позиций — на листах «{SHEET_SUMMARY}» и «{SHEET_INDICATORS}»"],
                              document=True)
    sheet.legend_strip(strip, STRIP)
    header = strip + 1
    row = grid(sheet, header, report, colleges, cells, change=False)
    table_end = row - 1
    row = _college_notes(sheet, row, report, cluster_where, bool(cells[2]))
    sheet.keep(table_end, row - 1)  # the notes and the legend with the grid's last row
    change = change_header(report)
    if change:
        then = report.previous.then.period
        sheet.paragraph(row + 1, f"{change}" + (f" (по сводному отчёту за {then.words})" if then else ""),
                        "subtitle")
        top = row + 1
        row = grid(sheet, row + 2, report, colleges, cells, change=True)
        sheet.keep(top, top + 1 + head_rows)  # the heading and the grid's head with its first row
        table_end = row - 1
        row += 1
    closing(sheet, row + 1, report, keep_from=table_end)
    sheet.page_setup((strip, header + head_rows - 1), freeze_cols=freeze_cols)


def _college_notes(sheet: Sheet, row: int, report: Report, cluster_where: str, reasons: bool) -> int:
    """Who is missing, what the colours mean, the reason mark; the legend. Returns the next row."""
    accepted = accepted_ids(report)
    missing = [c.short_name for c in report.plan.colleges if c.id not in accepted]
    notes = []
    if missing:
        notes.append(missing_note(report, missing))
    notes.append("Цвет и знак значения организации — по её собственному плану на год; "
                 f"{cluster_where} — по утверждённой цели кластера.")
    if reasons:
        notes.append(f"{REASON_MARK} — организация указала причину отклонения или примечание; причины "
                     f"отставания приведены на листе «{SHEET_EXPLANATIONS}».")
    for text in notes:
        row += 1
        sheet.block(row, 0, sheet.last_col, text, "meta_wrap")
    return legend(sheet, row + 2, 0, 1, legend_meanings(report, college=True))


def _item_columns(report: Report, cells: tuple) -> list[tuple[str, float]]:
    """Colleges as rows: a column an item, as wide as its widest figure (with its status mark,
    the reason mark and the indent), its code and its unit's longest word."""
    by_code, styles = cells[0], cells[1]
    totals = totals_index(report)
    out = []
    for item in report.plan.items:
        figures = [*(fact for fact, _ in by_code.get(item.code, {}).values()),
                   num(totals.get((item.code, report.period.year), {}).get("fact"))]
        words = max((text_width(w, TABLE_SIZE) for w in item.unit.split()), default=0.0)
        least = max(6.0, units_for(max(text_width(item.code, TABLE_SIZE, bold=True), words)))
        out.append((item.code, figure_units(figures, styles[item.code], least, ALL_MARKS_ROOM)))
    return out


def _by_college_rows(book, ws, report: Report, colleges, cells: tuple) -> None:
    """Colleges as rows (the cluster last), items as columns, a row of units under the codes;
    with last month's book, the same list of changes below."""
    sheet = Sheet(book, ws, [("Организация", 34), *_item_columns(report, cells)])
    _college_sheet(sheet, report, colleges, cells, _college_list, "строка «Кластер»", head_rows=2,
                   freeze_cols=1)


def _by_college_national(book, ws, report: Report, colleges, cells: tuple) -> None:
    """Above `colleges_listed_up_to`: printed, one page wide, the distribution of the colleges
    by % of their own plan, then the furthest behind and the furthest ahead by name, a
    column a college as below the threshold.  Under the printed part, for the screen,
    every college: a row a college (its name over the first four columns), an item a
    column — the list `--previous` reads back (its header «Организация»)."""
    progress = college_progress(report)
    weakest, strongest = extremes(progress, NAMED)
    names = dict(colleges)
    fits = word_units([names[p.code] for p in (*weakest, *strongest)] + ["Кластер"])
    cluster = _cluster_units(report, cells[1], 9)
    each = max(min(spare([5.5, 6, cluster], NAMED, least=9), 16), fits)
    if min(len(weakest), len(strongest)) < NAMED:  # a short block puts the cluster in a college's column
        each = max(each, cluster)
    printed = [("Код", 5.5), ("Ед. изм.", 6), *((f"{n}", each) for n in range(1, NAMED + 1)),
               ("Кластер", max(each, cluster))]
    name_cols = 4  # the full list's names: merged over the code, unit and two college columns
    items = _item_columns(report, cells)
    extra = [(code, width) for code, width in items[len(printed) - name_cols:]]
    sheet = Sheet(book, ws, [*printed, *extra], printed=len(printed))
    count = len(colleges)
    strip = sheet.title_block(report, f"Фактические значения по организациям за {report.period.year} год", [
        f"Наименования позиций — на листах «{SHEET_SUMMARY}» и «{SHEET_INDICATORS}»",
        f"Организаций: {count}; поимённо — {NAMED} с наименьшим и {NAMED} с наибольшим исполнением "
        "собственного плана; все организации — на этом листе под печатной формой"], document=True)
    sheet.legend_strip(strip, STRIP)
    row = _distribution_table(sheet, strip + 2, progress)
    for title, chosen in (("Организации с наименьшим исполнением собственного плана", weakest),
                          ("Организации с наибольшим исполнением собственного плана", strongest)):
        sheet.paragraph(row + 1, f"{title}: {len(chosen)}", "subtitle")
        header = row + 2
        for col, text in enumerate(("Код позиции", "Ед. изм.", *(names[p.code] for p in chosen), "Кластер")):
            sheet.text(header, col, text, "header")
        row = _college_grid(sheet, header, report, [(p.code, names[p.code]) for p in chosen], cells,
                            change=False, own_header=False)
        sheet.keep(header - 1, header + 1)  # the heading, the grid's head and its first row
    table_end = row - 1
    row = _college_notes(sheet, row, report, "столбец «Кластер»", bool(cells[2]))
    sheet.keep(table_end, row - 1)
    last = closing(sheet, row + 1, report, keep_from=table_end) - 1
    sheet.print_rows(last, len(printed) - 1)
    # For the screen: every college.
    sheet.ws.write_string(last + 2, 0, f"Все организации ({count}) — для работы с книгой; не печатаются",
                          book.fmt("bold"))
    row = _college_list(sheet, last + 3, report, colleges, cells, change=False, name_cols=name_cols)
    change = change_header(report)
    if change:
        sheet.ws.write_string(row + 1, 0, f"{change}: все организации", book.fmt("bold"))
        _college_list(sheet, row + 2, report, colleges, cells, change=True, name_cols=name_cols)
    sheet.page_setup((strip, strip))


def _cluster_units(report: Report, styles: dict[str, str], least: float) -> float:
    """The «Кластер» column: wide enough for every item's cluster total with its mark."""
    totals = totals_index(report)
    year = report.period.year
    return max([least, *(figure_units([num(totals.get((item.code, year), {}).get("fact"))], styles[item.code],
                                      least, ALL_MARKS_ROOM) for item in report.plan.items)])


def _distribution_table(sheet: Sheet, row: int, progress) -> int:
    """Band of % of own plan (over the first four columns), colleges in it, their share;
    returns the row after it."""
    count = len(progress)
    sheet.paragraph(row, f"Распределение организаций по исполнению собственного плана (всего "
                         f"{orgs_counted(count)})", "subtitle")
    sheet.block(row + 1, 0, 3, "Факт, % собственного плана", "header")
    sheet.text(row + 1, 4, "Число организаций", "header")
    sheet.text(row + 1, 5, "Доля, %", "header")
    r = row + 1
    for band, number in distribution(progress):
        r += 1
        sheet.block(r, 0, 3, band, "text")
        sheet.ws.write_number(r, 4, number, sheet.book.fmt("int"))
        sheet.number(r, 5, round(number / count * 100, 1) if count else None, "dec")
    sheet.keep(row, r)
    return r + 1


def _college_list(sheet: Sheet, header: int, report: Report, colleges, cells: tuple, change: bool,
                  name_cols: int = 1) -> int:
    """The header (codes, then units) and one row per college, the cluster last; the names
    over the first `name_cols` columns, an item a column after them; returns the row after
    the list."""
    by_code, styles, reasons = cells
    items = report.plan.items
    first = name_cols  # the first item's column

    def name(row: int, text: str, *styles_: str) -> None:
        if name_cols > 1:
            sheet.block(row, 0, name_cols - 1, text, *styles_)
        else:
            sheet.text(row, 0, text, *styles_)

    name(header, "Организация", "header")
    name(header + 1, "Ед. изм.", "header")
    for col, item in enumerate(items, start=first):
        sheet.text(header, col, item.code, "header")
        sheet.text(header + 1, col, item.unit, "center")
    totals = totals_index(report)
    year = report.period.year
    prev = report.previous
    row = header + 2
    for key, college in colleges:
        name(row, college, "text")
        for col, item in enumerate(items, start=first):
            style = styles[item.code]
            if change:
                change_cell(sheet, row, col, prev.colleges.get((key, item.code)), style,
                            (key, item.code) in prev.colleges_backwards)
            else:
                marked_number(sheet, row, col, *by_code.get(item.code, {}).get(key, NO_DATA), style,
                              reason=(key, item.code) in reasons)
        row += 1
    name(row, "Кластер", "text", "bold")
    for col, item in enumerate(items, start=first):
        style = styles[item.code]
        if change:
            change_cell(sheet, row, col, prev.items.get((item.code, year)), style,
                        (item.code, year) in prev.backwards)
        else:
            cluster = totals.get((item.code, year), {})
            marked_number(sheet, row, col, num(cluster.get("fact")), as_text(cluster.get("status")), style)
    return row + 1


def _college_grid(sheet: Sheet, header: int, report: Report, colleges, cells: tuple, change: bool,
                  own_header: bool = True) -> int:
    """The header row (the sheet's column titles, unless the caller wrote its own) and one
    row per item; returns the row after the grid."""
    ws = sheet.ws
    if own_header:
        sheet.header(header)
    by_code, styles, reasons = cells
    totals = totals_index(report)
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
                change_cell(sheet, row, n, prev.colleges.get((key, item.code)), style,
                             (key, item.code) in prev.colleges_backwards)
            change_cell(sheet, row, col, prev.items.get((item.code, year)), style,
                         (item.code, year) in prev.backwards)
        else:
            mine = by_code.get(item.code, {})
            for n, key in enumerate(keys, start=2):
                marked_number(sheet, row, n, *mine.get(key, NO_DATA), style, reason=(key, item.code) in reasons)
            cluster = totals.get((item.code, year), {})
            marked_number(sheet, row, col, num(cluster.get("fact")), as_text(cluster.get("status")), style)
        row += 1
    return row
