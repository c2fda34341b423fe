"""Month on month: last month's consolidated workbook read back, and what changed since.

`--previous consolidated_2026-09.xlsx` names the workbook cluster_xl wrote a
month ago.  It is read by header text (python-calamine), never by position:
«Свод по годам» gives the cluster's fact per item and year, «По организациям»
each college's fact per item.  `compare_with_previous` returns the Report with
the changes attached (the writer shows them) and one `went-backwards` warning
per item whose cluster fact fell, naming the colleges whose figures fell.
"""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

from ..core.issues import Issue, error, warning
from ..core.model import Period, college_key, parse_period, parse_span
from ..core.names import SHEET_BY_COLLEGE, SHEET_BY_YEAR
from ..core.text import cell_text
from .report import MonthChange, Previous, Report
from ..core.numbers import format_ru

# Header texts of the book the writer writes (its sheet names: core/names.py).
CODE, YEAR, FACT = "Код", "Год", "Факт"
ORGANISATION = "Организация"
NOT_COLLEGES = {"Ед. изм.", "Кластер", "Наименование"}


def compare_with_previous(report: Report, path: str | Path) -> Report:
    """The report with last month's changes attached and their issues appended.

    Reads the book in this process: for a book of one's own.  The CLI reads a
    book given as `--previous` in the sandbox (`run.untrusted.compare_with_previous`)."""
    return apply_previous(report, *read_previous(Path(path)))


def apply_previous(report: Report, previous: Previous | None, issues: list[Issue]) -> Report:
    """The report with last month's figures (as `read_previous` gave them) compared in."""
    issues = list(issues)
    if previous is None:
        return replace(report, issues=report.issues + tuple(issues), findings=report.findings + tuple(issues))
    wrong = _period_issues(previous, report.period)
    issues += wrong
    if any(i.is_error for i in wrong):  # no change column that is not true goes into the document
        return replace(report, issues=report.issues + tuple(issues), findings=report.findings + tuple(issues))
    change = month_change(report, previous)
    issues += list(_backwards_issues(report, change))
    return replace(report, previous=change, issues=report.issues + tuple(issues),
                   findings=report.findings + tuple(issues))


# -- reading -------------------------------------------------------------------


def read_previous(path: Path) -> tuple[Previous | None, list[Issue]]:
    """Last month's workbook by header text; an unusable file is an issue, never a traceback."""
    from python_calamine import CalamineWorkbook

    name = path.name
    try:
        with CalamineWorkbook.from_path(str(path)) as book:
            grids = {s: book.get_sheet_by_name(s).to_python(skip_empty_area=False)
                     for s in book.sheet_names if s in (SHEET_BY_YEAR, SHEET_BY_COLLEGE)}
    except Exception as exc:  # noqa: BLE001 - calamine raises several types for bad files
        return None, [error("previous-unreadable",
                            f"Сводную книгу прошлого месяца «{name}» не удалось прочитать ({exc}); "
                            "ожидается книга .xlsx, записанная командой consolidate.", file=name)]
    totals = _by_year(grids.get(SHEET_BY_YEAR, []))
    if totals is None:
        return None, [error("previous-unreadable",
                            f"«{name}» — не сводная книга cluster_xl: нет листа «{SHEET_BY_YEAR}» "
                            f"со столбцами «{CODE}», «{YEAR}», «{FACT}». Сравнение с прошлым "
                            "месяцем не выполнено.", file=name, sheet=SHEET_BY_YEAR)]
    issues = []
    colleges = _by_college(grids.get(SHEET_BY_COLLEGE, []))
    if colleges is None:
        colleges = {}
        issues.append(warning("previous-incomplete",
                              f"В книге «{name}» нет листа «{SHEET_BY_COLLEGE}» с заголовком "
                              f"«{CODE}»: изменения по организациям не рассчитаны.",
                              file=name, sheet=SHEET_BY_COLLEGE))
    period = _period(grids.get(SHEET_BY_YEAR, []))
    return Previous(file=name, period=period, totals=totals, colleges=colleges), issues


def _number(value) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None  # «—», «н/д», empty
    return float(value) if math.isfinite(value) else None  # an infinity is no figure either


_text = cell_text  # a cell read back: 5.0 -> «5», stripped


def _header(grid: list[list], first: str) -> int | None:
    for n, row in enumerate(grid):
        if row and _text(row[0]) == first:
            return n
    return None


def _by_year(grid: list[list]) -> dict[tuple[str, int], float] | None:
    h = _header(grid, CODE)
    if h is None:
        return None
    cols = {_text(v): c for c, v in enumerate(grid[h])}
    if not {CODE, YEAR, FACT} <= cols.keys():
        return None
    out = {}
    for row in grid[h + 1:]:
        code, year, fact = (row[cols[k]] if cols[k] < len(row) else None for k in (CODE, YEAR, FACT))
        year, fact = _number(year), _number(fact)
        if _text(code) and year is not None and fact is not None:
            out[(_text(code), int(year))] = fact
    return out


def _by_college(grid: list[list]) -> dict[tuple[str, str], float] | None:
    """Items as rows and colleges as columns; or, as older books have it, the other way."""
    h = _header(grid, CODE)
    if h is not None:
        names = {c: _text(v) for c, v in enumerate(grid[h]) if c and _text(v) not in NOT_COLLEGES}
        out = {}
        for row in grid[h + 1:]:
            code = _text(row[0]) if row else ""
            if not code:
                break  # the first block ends at a blank row; the change block follows
            for c, name in names.items():
                fact = _number(row[c]) if c < len(row) else None
                if name and fact is not None:
                    out[(name, code)] = fact
        return out
    h = _header(grid, ORGANISATION)
    if h is None:
        return None
    codes = {c: _text(v) for c, v in enumerate(grid[h]) if c and _text(v)}
    out = {}
    for row in grid[h + 2:]:  # the row under the codes holds the units
        name = _text(row[0]) if row else ""
        if not name:
            break
        if name in NOT_COLLEGES:
            continue  # the cluster's own row, last
        for c, code in codes.items():
            fact = _number(row[c]) if c < len(row) else None
            if fact is not None:
                out[(name, code)] = fact
    return out


def _period(grid: list[list]) -> Period | None:
    """The title block says «за сентябрь 2026 г.» (or «за III квартал 2026 г.», «за 2026 год»)."""
    for row in grid[:12]:
        for value in row:
            text = _text(value)
            if text.startswith("за "):
                found = parse_period(text[3:]) or parse_span(text[3:])  # «за III квартал 2026 г.»
                if found:
                    return found
    return None


def _period_issues(previous: Previous, period: Period) -> list[Issue]:
    if previous.period is None:
        return [warning("previous-period",
                        f"В книге «{previous.file}» не найден отчётный период («за … г.» в заголовке): "
                        "изменения рассчитаны, но проверьте, что это отчёт за прошлый месяц.",
                        file=previous.file)]
    if previous.period >= period:
        return [error("previous-period",
                      f"Книга «{previous.file}» составлена за {previous.period.words}, а сводится отчёт "
                      f"за {period.words}: ожидается сводная книга за более ранний период. Изменения "
                      "за месяц не показаны.", file=previous.file, value=str(previous.period))]
    return []


# -- comparing -----------------------------------------------------------------


def _org_keys(report: Report) -> dict[str, str]:
    """College name as printed -> the key the writer uses (org id, or the name)."""
    keys = {org.short_name: org.id for org in report.plan.organisations}
    frame = report.consolidation.by_college
    for org_id, name in zip(frame["org_id"].tolist(), frame["organisation"].tolist()):
        if isinstance(name, str):
            keys.setdefault(name, college_key(org_id, name))
    return keys


def _fell(now: float | None, then: float, tolerance: float) -> bool:
    drop = then - (now if now is not None else 0.0)
    return drop > 1e-9 and drop > abs(then) * tolerance


def month_change(report: Report, previous: Previous) -> MonthChange:
    tolerance = report.plan.settings.backwards_tolerance
    totals = report.consolidation.totals
    items, backwards = {}, {}
    for code, year, fact in zip(*(totals[c].tolist() for c in ("code", "year", "fact"))):
        key = (str(code), int(year))
        then, now = previous.totals.get(key), _number(fact)
        if then is None or now is None:
            continue
        items[key] = now - then
        if _fell(now, then, tolerance):
            backwards[key] = (then, now)
    now_by_college = {}
    frame = report.consolidation.by_college
    columns = ("org_id", "organisation", "code", "fact")
    for org_id, name, code, fact in zip(*(frame[c].tolist() for c in columns)):
        now_by_college[(college_key(org_id, name), str(code))] = _number(fact)
    keys = _org_keys(report)
    colleges, colleges_backwards = {}, {}
    for (name, code), then in previous.colleges.items():
        key = (keys.get(name, name), code)
        if key not in now_by_college:
            continue  # no accepted file from the college this month: missing-college says so
        now = now_by_college[key]
        if now is not None:
            colleges[key] = now - then
        if _fell(now, then, tolerance):
            colleges_backwards[key] = (then, now)
    return MonthChange(then=previous, items=items, colleges=colleges,
                       backwards=backwards, colleges_backwards=colleges_backwards)


def _backwards_issues(report: Report, change: MonthChange):
    """One warning per item of the report year whose cluster fact fell."""
    then_words = change.then.period.words if change.then.period else "прошлый месяц"
    names = {o.id: o.short_name for o in report.plan.organisations}
    order = {o.id: n for n, o in enumerate(report.plan.organisations)}
    year = report.period.year
    for item in report.plan.items:
        if (item.code, year) not in change.backwards:
            continue
        fell_from, now = change.backwards[(item.code, year)]
        fallen = sorted((order.get(key, len(order)), names.get(key, key), values)
                        for (key, code), values in change.colleges_backwards.items() if code == item.code)
        who = "; ".join(f"{name} ({format_ru(a)} → {'нет данных' if b is None else format_ru(b)})"
                        for _, name, (a, b) in fallen)
        # A share may fall as more graduates are counted; a year-to-date count may not.
        why = "" if item.rule == "ratio" else (", а факт с начала года и значения нарастающим итогом "
                                               "не должны уменьшаться")
        yield warning(
            "went-backwards",
            f"Позиция {item.code}, {year} год: факт кластера уменьшился с {format_ru(fell_from)} "
            f"({then_words}) до {format_ru(now)} ({report.period.words}){why}; проверьте исправления."
            + (f" Уменьшились значения: {who}." if who else ""),
            item=item.code, year=year, value=format_ru(now))
