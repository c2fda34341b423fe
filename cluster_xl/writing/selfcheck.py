"""«Проверка»: the template's self-check sheet, live formulas a college sees while typing.

Each rule is one row: ✔ when nothing is found, ✖ with the number of rows found,
the first of them (sheet, row, code) and what to fix.  The formulas use only
functions that Excel, LibreOffice Calc, Р7-Офис and МойОфис all compute
(`FUNCTIONS`), no array formulas, no names, no volatile functions, so the sheet
works in each of them as typed.  Per-row flags sit in hidden columns of the sheet.

The sheet is informational: the reader never reads it and `check` stays the
authority.  Because LibreOffice shows the values stored in a file until a cell
they depend on changes, every formula is written with the value it has for the
template's own content, computed here by `_Mirror` — a second implementation of
the same rules in Python, which the tests hold against LibreOffice's results.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping, Sequence

from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell

from ..core.measure import fitting_height
from ..core.numbers import is_percent_unit, is_whole_unit
from ..checks.rules import RATIO_HOLDS
from ..plan.model import BEHIND, Plan, expected_value, judge
from ..reading import contract as c

SHEET = c.SHEET_SELFCHECK
OK, BAD = "✔", "✖"
# Every function the sheet's formulas call (README: «Лист «Проверка»»).
FUNCTIONS = ("AND", "FIND", "IF", "IFERROR", "INDEX", "INT", "ISBLANK", "ISERROR", "ISNUMBER", "ISTEXT",
             "LEFT", "LEN", "MATCH", "MID", "MONTH", "RIGHT", "SUBSTITUTE", "SUM", "TRIM", "VALUE", "YEAR",
             "ABS", "COUNTIF")
NBSP = "\u00a0"
DASHES = ("-", "\u2013", "\u2014")
_WORDS = {"target": "план", "fact": "факт"}
_HELP = 7  # first hidden helper column (H): row, code, sheet, then one flag column per rule
_MIRROR = _HELP + 10  # first hidden column mirroring the row's value cells
_LONGEST_WHERE = f"лист «{c.SHEET_ACTIVITIES}», строка 100 (код 5.4.1/ч)"  # a «where» as long as they get


@dataclass(frozen=True)
class Place:
    """A row a college fills in: sheet, 0-based row, code, unit."""

    sheet: str
    row: int
    code: str
    unit: str


@dataclass(frozen=True)
class Layout:
    """Where the template put things: the input rows, the value columns (0-based column, year,
    measure), the title rows (0-based) by field, and the roster range on «Списки»."""

    places: Sequence[Place]
    columns: Sequence[tuple[int, int, str]]
    title_rows: Mapping[str, int]
    roster: str  # an absolute reference such as 'Списки'!$A$2:$A$8
    roster_names: Sequence[str]
    note_col: int | None = None  # 0-based column of «Причина отклонения / примечание»


def _ref(sheet: str, row: int, col: int, absolute: bool = False) -> str:
    return f"'{sheet}'!{xl_rowcol_to_cell(row, col, absolute, absolute)}"


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


# -- one cell's tests, as formulas ------------------------------------------------------


def digits(x: str) -> str:
    """The text with spaces and separators removed: a number in every locale if it was one."""
    inner = x
    for ch in (" ", NBSP, ",", "."):
        inner = f"SUBSTITUTE({inner},{_quote(ch)},\"\")"
    return inner


def is_dash(x: str) -> str:
    return "OR(" + ",".join(f"TRIM({x})={_quote(d)}" for d in DASHES) + ")"


def f_negative(x: str) -> str:
    return f"IF(ISNUMBER({x}),IF({x}<0,1,0),0)"


def f_text(x: str) -> str:
    """1 for text that is neither «-» nor a number typed with spaces and a comma."""
    return (f"IF(ISTEXT({x}),IF(LEN(TRIM({x}))=0,0,IF({is_dash(x)},0,"
            f"IF(ISERROR(FIND(\"-\",{x})),IF(ISERROR(VALUE({digits(x)})),1,0),1))),0)")


def f_fraction(x: str) -> str:
    return f"IF(ISNUMBER({x}),IF({x}<>INT({x}),1,0),0)"


def f_over_100(x: str) -> str:
    return f"IF(ISNUMBER({x}),IF({x}>100,1,0),0)"


def f_given(x: str) -> str:
    """A target that asks for a fact: a number above zero, or text that is not «-»."""
    return f"IF(ISNUMBER({x}),IF({x}>0,1,0),IF(ISTEXT({x}),IF({is_dash(x)},0,IF(LEN(TRIM({x}))>0,1,0)),0))"


def f_any(parts: Sequence[str]) -> str:
    return f"IF(SUM({','.join(parts)})>0,1,0)" if parts else "0"


# -- the same tests in Python (`_Mirror`) ------------------------------------------------


_VALUE_ACCEPTS = re.compile(r"^\+?\d+(?:[eE]\+?\d+)?%?$")  # what VALUE() takes, once separators are gone


def _py_text_is_number(s: str) -> bool:
    digits = s
    for ch in (" ", NBSP, ",", "."):
        digits = digits.replace(ch, "")
    return bool(_VALUE_ACCEPTS.match(digits))


def py_negative(v) -> int:
    return int(_is_num(v) and v < 0)


def py_text(v) -> int:
    if not isinstance(v, str) or v.strip() == "" or v.strip() in DASHES:
        return 0
    return int("-" in v or not _py_text_is_number(v))


def py_fraction(v) -> int:
    return int(_is_num(v) and v != int(v))


def py_over_100(v) -> int:
    return int(_is_num(v) and v > 100)


def py_given(v) -> int:
    if _is_num(v):
        return int(v > 0)
    return int(isinstance(v, str) and v.strip() not in DASHES and v.strip() != "")


def _cached(v) -> object:
    """A mirror cell's value: the cell's, «» for an empty one."""
    return "" if v is None else v


def _is_num(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


# -- the rules ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Rule:
    title: str
    fix: str
    count: str  # formula: how many found
    count_value: int
    where: str  # formula: the first one, in words ("" when none)
    where_value: str


class _Sheet:
    """The formulas, and their values for the template's content (`values`, `title`)."""

    def __init__(self, plan: Plan, layout: Layout, values: Mapping[tuple[str, int, str], object],
                 title: Mapping[str, object], notes: Mapping[str, str] | None = None):
        self.plan, self.layout, self.values, self.title = plan, layout, values, title
        self.notes = notes or {}
        self.by_code = {p.code: p for p in layout.places}
        self.col = {(y, m): col for col, y, m in layout.columns}
        self.first, self.last = 3, 3 + max(len(layout.places), 1) - 1

    def cell(self, place: Place, year: int, measure: str) -> str:
        return _ref(place.sheet, place.row, self.col[(year, measure)])

    def value(self, code: str, year: int, measure: str):
        return self.values.get((code, year, measure))

    # the title

    def title_ref(self, key: str) -> str:
        return _ref(c.SHEET_TITLE, self.layout.title_rows[key], 1, absolute=True)

    def title_value(self, key: str):
        return self.title.get(key)

    year_cell = "$H$2"  # the report year and month, from the title's period (hidden)
    month_cell = "$H$3"

    def report_year(self) -> int:
        p = self.title_value("period")
        p = str(p).strip() if p is not None else ""
        try:
            return int(p[:4])
        except ValueError:
            return 0

    def report_month(self) -> int:
        p = self.title_value("period")
        p = str(p).strip() if p is not None else ""
        try:
            return int(p[-2:])
        except ValueError:
            return 12


def build_rules(plan: Plan, layout: Layout, values: Mapping[tuple[str, int, str], object],
                title: Mapping[str, object], notes: Mapping[str, str] | None = None,
                ) -> tuple[list[_Rule], list[list[object]], list[tuple[str, int]]]:
    """The rule rows, the helper grid (one row per input row: its constant cells and its flag
    formulas with values), and the report year's and month's formulas with their values."""
    s = _Sheet(plan, layout, values, title, notes)
    period = s.title_ref("period")
    year_formula = (f"IF(ISNUMBER({period}),YEAR({period}),IFERROR(VALUE(LEFT(TRIM({period}),4)),0))")
    month_formula = (f"IF(ISNUMBER({period}),MONTH({period}),IFERROR(VALUE(RIGHT(TRIM({period}),2)),12))")
    report_year = s.report_year()
    years = [y for y in plan.years]
    rules: list[_Rule] = []

    # 1. the title
    required = [k for k in c.REQUIRED_TITLE_FIELDS if k in layout.title_rows]
    empties = [f"IF(LEN(TRIM({s.title_ref(k)}))=0,1,0)" for k in required]
    empty_values = [int(str(title.get(k) or "").strip() == "") for k in required]
    where = '""'
    for k in reversed(required):
        where = f"IF(LEN(TRIM({s.title_ref(k)}))=0,{_quote('лист «' + c.SHEET_TITLE + '», «' + c.TITLE_FIELDS[k] + '»')},{where})"
    first_empty = next((k for k, v in zip(required, empty_values) if v), None)
    rules.append(_Rule(
        "Заполнены организация, отчётный период и ответственное лицо",
        f"Заполните поле на листе «{c.SHEET_TITLE}».",
        f"SUM({','.join(empties)})", sum(empty_values), where,
        f"лист «{c.SHEET_TITLE}», «{c.TITLE_FIELDS[first_empty]}»" if first_empty else ""))

    org = s.title_ref("organisation")
    org_value = str(title.get("organisation") or "").strip()
    unknown = int(org_value != "" and org_value.lower() not in {n.lower() for n in layout.roster_names})
    rules.append(_Rule(
        "Организация выбрана из списка участников кластера",
        "Выберите наименование из раскрывающегося списка, не набирайте его вручную.",
        f"IF(LEN(TRIM({org}))=0,0,IF(COUNTIF({layout.roster},TRIM({org}))=0,1,0))", unknown,
        f"IF(LEN(TRIM({org}))=0,\"\",IF(COUNTIF({layout.roster},TRIM({org}))=0,"
        f"{_quote('лист «' + c.SHEET_TITLE + '», «' + c.TITLE_FIELDS['organisation'] + '»')},\"\"))",
        f"лист «{c.SHEET_TITLE}», «{c.TITLE_FIELDS['organisation']}»" if unknown else ""))

    p = f"TRIM({period})"
    y0, y1 = plan.years[0], plan.years[-1]
    bad_period = (f"IF(LEN({p})=0,0,IF(ISNUMBER({period}),IF(AND(YEAR({period})>={y0},YEAR({period})<={y1}),0,1),"
                  f"IFERROR(IF(AND(LEN({p})=7,MID({p},5,1)=\"-\",VALUE(LEFT({p},4))>={y0},"
                  f"VALUE(LEFT({p},4))<={y1},VALUE(RIGHT({p},2))>=1,VALUE(RIGHT({p},2))<=12),0,1),1)))")
    rules.append(_Rule(
        "Отчётный период указан в формате ГГГГ-ММ",
        f"Укажите месяц в формате ГГГГ-ММ в пределах {y0}–{y1} гг., например {y0}-10 (выберите из списка).",
        bad_period, _py_bad_period(title.get("period"), y0, y1),
        f"IF({bad_period}=1,{_quote('лист «' + c.SHEET_TITLE + '», «' + c.TITLE_FIELDS['period'] + '»')},\"\")",
        f"лист «{c.SHEET_TITLE}», «{c.TITLE_FIELDS['period']}»" if _py_bad_period(title.get("period"), y0, y1) else ""))

    # 2. the numbers, row by row (flag columns of the helper grid)
    whole = {p.code for p in layout.places if is_whole_unit(p.unit)}
    percent = {p.code for p in layout.places if is_percent_unit(p.unit)}
    flag_defs = [
        ("negative", "Нет отрицательных чисел", "Исправьте число: значение не может быть меньше нуля.",
         lambda p: True, f_negative, py_negative),
        ("text", "В ячейках для чисел — только числа или знак «-»",
         f"Введите число без единиц измерения и пояснений (пояснение — в графе «{c.HEADER_NOTE}») "
         "или «-», если значение не планируется.", lambda p: True, f_text, py_text),
        ("fraction", "В строках «чел.» и «ед.» — целые числа",
         "Введите целое число; тысячи не отделяются точкой или запятой (1160, а не 1.160).",
         lambda p: p.code in whole, f_fraction, py_fraction),
    ]
    if percent:
        flag_defs.append(("percent", "Проценты — не больше 100", "Введите процент от 0 до 100.",
                          lambda p: p.code in percent, f_over_100, py_over_100))
    grid: list[list[object]] = []
    flag_values: list[list[int]] = []
    mirrors: list[list[tuple[str, object]]] = []
    for n, place in enumerate(layout.places):
        row: list[object] = [place.row + 1, place.code, place.sheet]
        got: list[int] = []
        # Each value cell mirrored once beside the flags («» for an empty one): the flags then
        # name a short local cell, not «'Мероприятия'!D7» eight times, and the sheet stays small.
        local = {(y, m): xl_rowcol_to_cell(s.first + n, _MIRROR + j) for j, (_, y, m) in enumerate(layout.columns)}
        mirrors.append([(f"IF(ISBLANK({s.cell(place, y, m)}),\"\",{s.cell(place, y, m)})",
                         _cached(s.value(place.code, y, m))) for _, y, m in layout.columns])
        for _, _, _, applies, formula, mirror in flag_defs:
            if not applies(place):
                row.append(("0", 0))
                got.append(0)
                continue
            cells = [(local[(y, m)], s.value(place.code, y, m)) for _, y, m in layout.columns]
            value = int(any(mirror(v) for _, v in cells))
            row.append((f_any([formula(ref) for ref, _ in cells]), value))
            got.append(value)
        # the report year's fact missing where the college has a target for it
        # (a one-off item, done by the year's end, is not expected before December: as `check`)
        branches, missing = "0", 0
        once = getattr(plan.input_codes.get(place.code), "schedule", "") == "year_end"
        for y in reversed(years):
            t, f = local[(y, "target")], local[(y, "fact")]
            branches = f"IF({s.year_cell}={y},IF({f_given(t)}=1,IF(LEN({f})=0,1,0),0),{branches})"
            if y == report_year:
                missing = int(py_given(s.value(place.code, y, "target")) == 1
                              and s.value(place.code, y, "fact") in (None, ""))
        if once:
            branches = f"IF({s.month_cell}<12,0,{branches})"
            missing = missing if s.report_month() >= 12 else 0
        row.append((branches, missing))
        got.append(missing)
        reason = _reason_flag(s, place, local, years)
        row.append(reason)
        got.append(reason[1])
        grid.append(row)
        flag_values.append(got)
    grid = [row + cells for row, cells in zip(grid, mirrors)]
    flag_defs.append(("missing", "Факт отчётного года указан везде, где есть план",
                      "Укажите факт с начала года (0, если ничего не сделано), или «-» в графе плана, "
                      "если позиция не планируется.", None, None, None))
    flag_defs.append(("reason", "Указана причина по каждой позиции, отстающей от своего плана",
                      f"Заполните графу «{c.HEADER_NOTE}» в строке: почему факт ниже ожидаемого по графику "
                      "на отчётную дату.", None, None, None))
    for k, (name, title_text, fix, *_rest) in enumerate(flag_defs):
        col = xl_col_to_name(_HELP + 3 + k)
        rng = f"${col}${s.first + 1}:${col}${s.last + 1}"
        count = f"SUM({rng})"
        values_k = [v[k] for v in flag_values]
        hit = next((n for n, v in enumerate(values_k) if v), None)
        rules.append(_Rule(title_text, fix, count, sum(values_k), _where_row(rng, s),
                           _where_row_value(layout.places[hit]) if hit is not None else ""))

    # 3. a ratio's part larger than its whole
    conditions: list[tuple[str, str, int]] = []
    for item in plan.items:
        if item.rule != "ratio":
            continue
        num, den = item.part("numerator"), item.part("denominator")
        if num.code not in s.by_code or den.code not in s.by_code:
            continue
        for _, y, m in layout.columns:
            n, d = s.cell(s.by_code[num.code], y, m), s.cell(s.by_code[den.code], y, m)
            cond = f"IF(AND(ISNUMBER({n}),ISNUMBER({d})),IF({n}>{d},1,0),0)"
            nv, dv = s.value(num.code, y, m), s.value(den.code, y, m)
            hit = int(_is_num(nv) and _is_num(dv) and nv > dv)
            conditions.append((cond, f"позиция {item.code}, {y} год, {_WORDS[m]}: {num.code} больше {den.code}", hit))
    if conditions:
        rules.append(_first_of(conditions, "Часть не больше целого (трудоустроенные — не больше выпускников)",
                               "Проверьте оба числа позиции: часть не может быть больше целого."))

    # 4. the plan's control ratios on the college's own figures
    for ratio in plan.control_ratios:
        codes = (*ratio.left, *ratio.right)
        if any(code not in s.by_code for code in codes):
            continue  # a side the college does not type (a computed item) is judged by `check`
        conditions = []
        for y in years:
            for m in ratio.on:
                if (y, m) not in s.col:
                    continue
                refs = {code: s.cell(s.by_code[code], y, m) for code in codes}
                known = "AND(" + ",".join(f"ISNUMBER({refs[code]})" for code in codes) + ")"
                left = "(" + "+".join(refs[code] for code in ratio.left) + ")"
                right = "(" + "+".join(refs[code] for code in ratio.right) + ")"
                broken = {"eq": f"ABS({left}-{right})>0.000000001", "le": f"{left}>{right}",
                          "ge": f"{left}<{right}"}[ratio.op]
                cond = f"IF({known},IF({broken},1,0),0)"
                vals = {code: s.value(code, y, m) for code in codes}
                hit = 0
                if all(_is_num(v) for v in vals.values()):
                    lv, rv = sum(vals[code] for code in ratio.left), sum(vals[code] for code in ratio.right)
                    hit = int(not RATIO_HOLDS[ratio.op](lv, rv))
                conditions.append((cond, f"{y} год, {_WORDS[m]}", hit))
        if conditions:
            label = f"{ratio.id}" + (f" ({ratio.note})" if ratio.note else "")
            rules.append(_first_of(conditions, f"Контрольное соотношение: {label}",
                                   f"Проверьте значения позиций {', '.join(codes)}: ожидается {ratio.id}."))
    return rules, grid, [(year_formula, report_year), (month_formula, s.report_month())], len(flag_defs)


def _reason_flag(s: _Sheet, place: Place, local: Mapping[tuple[int, str], str], years) -> tuple[str, int]:
    """1 where the row is behind the college's own target and schedule in the report year and
    its reason cell is empty: `reason-missing` of `check`, for rows that are an item of their
    own (a ratio's two rows are judged together by `check`).  The schedule as `plan.model`
    has it: expected = base + (target − base) × share, behind below expected × (1 − tolerance)."""
    item = s.plan.input_codes.get(place.code)
    if item is None or item.code != place.code or s.layout.note_col is None:
        return ("0", 0)
    tolerance = 1 - s.plan.settings.on_track_tolerance
    note = _ref(place.sheet, place.row, s.layout.note_col)
    month = s.month_cell
    share = {"level": "1", "year_end": f"IF({month}=12,1,0)"}.get(item.schedule, f"({month}/12)")
    branches = "0"
    for y in reversed(years):
        t, f = local[(y, "target")], local[(y, "fact")]
        prev = local.get((y - 1, "target"))
        base = f"IF(ISNUMBER({prev}),{prev},0)" if item.schedule == "cumulative" and prev else "0"
        expected = f"({base}+({t}-{base})*{share})"
        cond = (f"IF(AND(ISNUMBER({t}),ISNUMBER({f})),IF(AND({f}<{t},{f}<{expected}*{tolerance!r}),"
                f"IF(LEN(TRIM({note}))=0,1,0),0),0)")
        branches = f"IF({s.year_cell}={y},{cond},{branches})"
    y, month_now = s.report_year(), s.report_month()
    t, f = s.value(place.code, y, "target"), s.value(place.code, y, "fact")
    if not (_is_num(t) and _is_num(f)) or not 1 <= month_now <= 12:
        return (branches, 0)
    prev = s.value(place.code, y - 1, "target")
    expected = expected_value(item.schedule, t, prev if _is_num(prev) else 0.0, month_now)
    behind = judge(f, t, expected, s.plan.settings.on_track_tolerance) == BEHIND
    return (branches, int(behind and not str(s.notes.get(place.code) or "").strip()))


def _first_of(conditions: Sequence[tuple[str, str, int]], title: str, fix: str) -> _Rule:
    """A rule from its conditions (formula giving 1 when broken, words for where, value now):
    the count is their sum, «where» the words of the first one broken."""
    chain = '""'
    for cond, words, _ in reversed(conditions):
        chain = f"IF({cond}=1,{_quote(words)},{chain})"
    return _Rule(title, fix, f"SUM({','.join(cond for cond, _, _ in conditions)})",
                 sum(hit for _, _, hit in conditions), chain,
                 next((words for _, words, hit in conditions if hit), ""))


def _where_row(rng: str, s: _Sheet) -> str:
    """The first row flagged in the helper column `rng`, in words."""
    first, last = s.first + 1, s.last + 1
    m = f"MATCH(1,{rng},0)"

    def at(c: str) -> str:
        return f"INDEX(${c}${first}:${c}${last},{m})"

    sheet_col, row_col, code_col = (xl_col_to_name(_HELP + k) for k in (2, 0, 1))
    return (f"IFERROR(\"лист «\"&{at(sheet_col)}&\"», строка \"&{at(row_col)}&\" (код \"&{at(code_col)}"
            f"&\")\",\"\")")


def _where_row_value(place: Place) -> str:
    return f"лист «{place.sheet}», строка {place.row + 1} (код {place.code})"


def _py_bad_period(value, y0: int, y1: int) -> int:
    p = str(value).strip() if value is not None else ""
    if p == "":
        return 0
    if len(p) != 7 or p[4] != "-":
        return 1
    try:
        year, month = int(p[:4]), int(p[5:])
    except ValueError:
        return 1
    return int(not (y0 <= year <= y1 and 1 <= month <= 12))


# -- writing ----------------------------------------------------------------------------------


def write_selfcheck(ws, st, plan: Plan, layout: Layout, values: Mapping[tuple[str, int, str], object],
                    title: Mapping[str, object], notes: Mapping[str, str] | None = None) -> None:
    """The sheet: a heading, one row per rule, the helper grid in hidden columns."""
    rules, grid, period_cells, flags = build_rules(plan, layout, values, title, notes)
    widths = [5, 46, 10, 8, 40, 44]
    for col, width in enumerate(widths):
        ws.set_column(col, col, width)
    ws.set_column(_HELP, _MIRROR + len(layout.columns), 8, None, {"hidden": True})
    last = len(widths) - 1
    ws.merge_range(0, 0, 0, last, "Самопроверка отчёта перед отправкой", st["heading"])
    ws.merge_range(1, 0, 1, last, "Лист заполняется сам по мере ввода данных. " + OK + " — нарушений не "
                   "найдено, " + BAD + " — исправьте указанную строку (и другие такие же). Лист только "
                   "помогает: окончательная проверка выполняется при своде отчётов. Если значки не "
                   "обновились, пересчитайте книгу (Ctrl+Shift+F9).", st["subheading"])
    ws.set_row(1, 32)
    for row, (formula, value) in enumerate(period_cells, start=1):
        ws.write_formula(row, _HELP, "=" + formula, None, value)
    ws.write_row(2, 0, ["№", "Правило", "Результат", "Найдено", "Где", "Что исправить"], st["header"])
    for n, rule in enumerate(rules):
        row = 3 + n
        ws.write_number(row, 0, n + 1, st["cell"])
        ws.write_string(row, 1, rule.title, st["cell"])
        ws.write_formula(row, 3, "=" + rule.count, st["check_count"], rule.count_value)
        ws.write_formula(row, 2, f"=IF(D{row + 1}=0,\"{OK}\",\"{BAD}\")", st["check_mark"],
                         OK if rule.count_value == 0 else BAD)
        ws.write_formula(row, 4, f"=IF(D{row + 1}=0,\"\",{rule.where})", st["cell"],
                         rule.where_value if rule.count_value else "")
        ws.write_string(row, 5, rule.fix, st["cell"])
        # Tall enough for the longest answer the row can give, not only the one stored now.
        ws.set_row(row, fitting_height([(rule.title, widths[1], False),
                                        (rule.where_value or _LONGEST_WHERE, widths[4], False),
                                        (rule.fix, widths[5], False)], least=2))
    ws.conditional_format(3, 2, 2 + len(rules), 2, {"type": "cell", "criteria": "==",
                                                     "value": f'"{BAD}"', "format": st["check_bad"]})
    ws.conditional_format(3, 2, 2 + len(rules), 2, {"type": "cell", "criteria": "==",
                                                     "value": f'"{OK}"', "format": st["check_good"]})
    for n, row in enumerate(grid):
        r = 3 + n
        ws.write_number(r, _HELP, row[0])
        ws.write_string(r, _HELP + 1, row[1])
        ws.write_string(r, _HELP + 2, row[2])
        for k, (formula, value) in enumerate(row[3:3 + flags]):
            ws.write_formula(r, _HELP + 3 + k, "=" + formula, None, value)
        for j, (formula, value) in enumerate(row[3 + flags:]):
            ws.write_formula(r, _MIRROR + j, "=" + formula, None, value)
    ws.freeze_panes(3, 0)
