"""Plan → the workbook a college fills in every month.

Every sheet name, header label and title field comes from `contract.py`: the
reader finds things by those labels, so they are written verbatim.  Cells a
college fills in are yellow and unlocked; everything else is locked behind a
protection without a password — a guard against slips, not a lock.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Iterable, Iterator, Mapping, Sequence

import xlsxwriter
from xlsxwriter.utility import xl_range_abs, xl_rowcol_to_cell

from ..reading import contract as c
from ..core.files import write_atomically
from ..core.measure import fitting_height
from ..core.model import FACT, TARGET, Period
from ..plan.model import Plan, PlanItem
from . import selfcheck

MEASURES = (TARGET, FACT)
NAME_WIDTH = 70
NOTE_WIDTH = 32
SPECIALTY_ROWS = 60  # blank rows on «Специальности»; more if a filling needs them
MARK_YES = "да"

# Named styles, defined once: every cell format in the workbook is one of these.
_INPUT = {"bg_color": "#FFF2CC", "border": 1, "border_color": "#A6A6A6", "locked": False,
          "valign": "top"}
_LOCKED = {"border": 1, "border_color": "#A6A6A6", "valign": "top", "text_wrap": True}
FORMATS: dict[str, dict] = {
    "heading": {"bold": True, "font_size": 13, "valign": "top", "text_wrap": True},
    "subheading": {"italic": True, "font_color": "#404040", "valign": "top", "text_wrap": True},
    "text": {"valign": "top", "text_wrap": True},
    "text_bold": {"bold": True, "valign": "top", "text_wrap": True},
    "hint": {"italic": True, "font_color": "#7F7F7F", "valign": "top", "text_wrap": True},
    "header": {"bold": True, "bg_color": "#D9E1F2", "border": 1, "text_wrap": True,
               "align": "center", "valign": "vcenter"},
    "section": {**_LOCKED, "bold": True, "bg_color": "#EDEDED", "num_format": "@"},
    "result": {**_LOCKED, "bold": True, "italic": True, "num_format": "@"},
    "code": {**_LOCKED, "num_format": "@"},
    "cell": _LOCKED,
    "unit": {**_LOCKED, "align": "center"},
    "computed": {**_LOCKED, "bg_color": "#D9D9D9", "italic": True, "font_color": "#404040"},
    "issued_count": {**_LOCKED, "bg_color": "#E2EFDA", "num_format": "#,##0"},
    "issued_money": {**_LOCKED, "bg_color": "#E2EFDA", "num_format": "#,##0.0##"},
    "label": {**_LOCKED, "bold": True},
    "input_count": {**_INPUT, "num_format": "#,##0"},
    "input_money": {**_INPUT, "num_format": "#,##0.0##"},
    "input_text": {**_INPUT, "num_format": "@", "text_wrap": True},
    "input_date": {**_INPUT, "num_format": "dd.mm.yyyy", "align": "left"},
    "input_mark": {**_INPUT, "num_format": "@", "align": "center"},
    # «Проверка»
    "check_mark": {**_LOCKED, "align": "center", "font_size": 14, "bold": True},
    "check_count": {**_LOCKED, "align": "center"},
    "check_bad": {"font_color": "#C00000", "bg_color": "#F8CBAD"},
    "check_good": {"font_color": "#2E7D32"},
}

PROTECTION = {"format_columns": True, "format_rows": True}

def number_rule(cell: str) -> dict:
    """The validation of a number cell, as a formula on its top-left `cell` (A1, relative).

    It accepts what the reader takes: a number not below zero, «-» (nothing planned), or a
    number typed as text with spaces and a decimal comma («1 160», «87,5»); it stops only at
    a negative number or at text that is not a number.  The formula uses only functions every
    office suite computes (see `selfcheck.FUNCTIONS`) and stays under Excel's 255 characters."""
    formula = (f"=IF(ISNUMBER({cell}),{cell}>=0,OR({selfcheck.is_dash(cell)},"
               f"AND(ISERROR(FIND(\"-\",{cell})),ISNUMBER(VALUE({selfcheck.digits(cell)})))))")
    assert len(formula) <= 255, formula
    return {
        "validate": "custom", "value": formula, "ignore_blank": True,
        "input_title": "Число или «-»",
        "input_message": "Число не меньше нуля без единиц измерения: 1160 или 1 160, дробная часть — "
                         "через запятую. Знак «-» — значение не планируется.",
        "error_type": "stop",
        "error_title": "Введите число",
        "error_message": "Здесь вводится число не меньше нуля без единиц измерения (например, 1160 или "
                         "87,5) или знак «-», если значение не планируется. Пояснения пишутся в графе "
                         f"«{c.HEADER_NOTE}».",
    }


@dataclass(frozen=True)
class Filling:
    """Optional content written into the template (examples, tests, benchmarks).

    values: (row code, year, "target"|"fact") -> a number, or a string written as
    typed text ("1 160", "-"); specialties: (code, name, plan years, fact years).
    """

    title: Mapping[str, object] = field(default_factory=dict)
    values: Mapping[tuple[str, int, str], object] = field(default_factory=dict)
    specialties: Sequence[tuple[str, str, frozenset[int], frozenset[int]]] = field(
        default_factory=tuple
    )
    notes: Mapping[str, str] = field(default_factory=dict)
    # The «План ГГГГ» values are the college's approved targets: locked, and
    # recorded on the hidden «Контроль» sheet so that a change is reported.
    lock_plan: bool = False


def write_template(plan: Plan, path: str | Path, filling: Filling | None = None) -> Path:
    """Write the college workbook for `plan` to `path` (atomically) and return the path."""
    filling = filling or Filling()
    _check_filling(plan, filling)
    path = Path(path)
    write_atomically(path, lambda tmp: _build(plan, tmp, filling))
    return path


def _check_filling(plan: Plan, filling: Filling) -> None:
    """A filling that cannot be placed is a programming mistake: say which keys."""
    inputs = plan.input_codes
    bad = [k for k in filling.values
           if k[0] not in inputs or k[1] not in plan.years or k[2] not in MEASURES]
    bad += [k for k in filling.notes if k not in inputs]
    bad += [k for k in filling.title if k not in c.TITLE_FIELDS]
    if bad:
        raise ValueError(f"Filling has keys the template has no cell for: {bad!r}")


# -- the workbook ------------------------------------------------------------


def _build(plan: Plan, filename: str, filling: Filling) -> None:
    wb = xlsxwriter.Workbook(filename, {"strings_to_numbers": False,
                                        "strings_to_formulas": False, "strings_to_urls": False})
    # A fixed creation time: the same plan and filling give the same bytes.
    wb.set_properties({
        "title": "Шаблон ежемесячного отчёта образовательной организации",
        "subject": plan.cluster.name,
        "comments": f"Версия шаблона {c.template_version(plan.plan_id)}",
        "created": datetime(plan.years[0] if plan.years else 2000, 1, 1),
    })
    st = {name: wb.add_format(props) for name, props in FORMATS.items()}
    lists = _Lists(plan)
    _write_instructions(wb.add_worksheet(c.SHEET_INSTRUCTIONS), st, plan)
    check = wb.add_worksheet(selfcheck.SHEET)
    selfcheck.write_selfcheck(check, st, plan, _selfcheck_layout(plan, lists), filling.values, filling.title,
                              filling.notes)
    _print_setup(check, plan, landscape=True, repeat_row=2)
    _write_title(wb.add_worksheet(c.SHEET_TITLE), st, plan, filling, lists)
    for sheet, heading, items in (
        (c.SHEET_ACTIVITIES, "План мероприятий: план — значение на год, факт — нарастающим "
                             "итогом с начала года на конец отчётного месяца", plan.activities),
        (c.SHEET_INDICATORS, "Плановые показатели результативности: план — значение на конец "
                             "года, факт — нарастающим итогом на отчётную дату", plan.indicators),
    ):
        _write_items(wb.add_worksheet(sheet), st, plan, heading, items, filling)
    _write_specialties(wb.add_worksheet(c.SHEET_SPECIALTIES), st, plan, filling)
    lists.write(wb.add_worksheet(c.SHEET_LISTS), st)
    if filling.lock_plan:
        _write_control(wb.add_worksheet(c.SHEET_CONTROL), plan, filling)
    wb.close()


def _selfcheck_layout(plan: Plan, lists: "_Lists") -> selfcheck.Layout:
    """Where this module puts every input row, value column and title field."""
    places = [selfcheck.Place(sheet, row, line.code, line.unit)
              for sheet, items in ((c.SHEET_ACTIVITIES, plan.activities), (c.SHEET_INDICATORS, plan.indicators))
              for row, line in enumerate(_layout(plan, items), start=3) if line.kind == "leaf"]
    columns = [(col, year, measure) for col, (year, measure, _) in enumerate(_value_columns(plan), start=3)]
    title_rows = {key: row for row, key in enumerate(c.TITLE_FIELDS, start=3)}
    # The reason column follows the value columns (as `_write_items` lays them out).
    return selfcheck.Layout(places, columns, title_rows, lists.organisations_ref.lstrip("="), lists.organisations,
                            note_col=3 + len(columns))


def _write_control(ws, plan: Plan, filling: Filling) -> None:
    """The targets as issued: what `plan-changed` compares the returned file with."""
    ws.write_row(0, 0, c.CONTROL_HEADER)
    issued = sorted((code, year, value) for (code, year, measure), value in filling.values.items()
                    if measure == "target" and value is not None)
    for row, (code, year, value) in enumerate(issued, start=1):
        ws.write_string(row, 0, code)
        ws.write_number(row, 1, year)
        _write_value(ws, row, 2, value, None)
    ws.hide()
    ws.protect("", PROTECTION)


def _print_setup(ws, plan: Plan, landscape: bool, repeat_row: int | None = None) -> None:
    ws.set_paper(9)  # A4
    if landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.5, right=0.4, top=0.6, bottom=0.6)
    version = c.template_version(plan.plan_id).replace("&", "&&")
    ws.set_footer(f"&L&8Версия шаблона {version}&R&8Страница &P из &N")
    if repeat_row is not None:
        ws.repeat_rows(repeat_row)
    ws.protect("", PROTECTION)


def _write_value(ws, row: int, col: int, value: object, fmt) -> None:
    """Numbers as numbers, dates as dates, anything else as typed text (never a formula)."""
    if value is None:
        ws.write_blank(row, col, None, fmt)
    elif isinstance(value, bool):
        raise TypeError(f"A yes/no value has no place in a template cell: {value!r}")
    elif isinstance(value, (int, float)):
        ws.write_number(row, col, value, fmt)
    elif isinstance(value, (date, datetime)):
        ws.write_datetime(row, col, value, fmt)
    else:
        ws.write_string(row, col, str(value), fmt)


def _fit_row(ws, row: int, *cells: tuple[str | None, float, bool]) -> None:
    """Set the height wrapped text needs: not every office suite refits rows on opening.

    cells: (text, column width, bold), in the template's 11-point Calibri."""
    height = fitting_height(cells)
    if height:
        ws.set_row(row, height)


# -- «Списки» ----------------------------------------------------------------


class _Lists:
    """The hidden sheet behind the drop-down lists: roster and periods."""

    def __init__(self, plan: Plan):
        self.organisations = [o.short_name for o in plan.colleges]
        self.periods = [str(Period(y, m)) for y in plan.years for m in range(1, 13)]

    def _ref(self, col: int, values: list[str]) -> str:
        return f"='{c.SHEET_LISTS}'!{xl_range_abs(1, col, max(len(values), 1), col)}"

    @property
    def organisations_ref(self) -> str:
        return self._ref(0, self.organisations)

    @property
    def periods_ref(self) -> str:
        return self._ref(1, self.periods)

    def write(self, ws, st) -> None:
        for col, (head, values) in enumerate((("Организации", self.organisations),
                                              ("Периоды", self.periods))):
            ws.write_string(0, col, head, st["text_bold"])
            for row, value in enumerate(values, start=1):
                ws.write_string(row, col, value)
            ws.set_column(col, col, 50 if col == 0 else 12)
        ws.hide()
        ws.protect("", PROTECTION)


# -- «Инструкция» ------------------------------------------------------------


def _instructions(plan: Plan) -> list[str]:
    """The numbered rules, worded from the plan so another cluster's plan fits too."""
    years = ", ".join(map(str, plan.years))
    rules = [
        "Заполняются только ячейки, выделенные жёлтым цветом. Остальные ячейки защищены "
        "от случайного изменения (без пароля); ширину столбцов и высоту строк изменять можно.",
        f"На листе «{c.SHEET_TITLE}» выберите организацию из списка, укажите отчётный период "
        "в формате ГГГГ-ММ (например, 2026-10), сведения об ответственном лице и дату заполнения.",
        f"На листах «{c.SHEET_ACTIVITIES}» и «{c.SHEET_INDICATORS}» в графах «План ГГГГ» "
        "указывается плановое значение организации на год, в графах «Факт ГГГГ» — фактическое "
        f"значение (годы программы: {years}).",
        "Фактические значения мероприятий указываются нарастающим итогом с начала года "
        "по состоянию на конец отчётного месяца.",
        "Фактические значения показателей результативности указываются нарастающим итогом "
        "по состоянию на отчётную дату (последний день отчётного месяца).",
        "Числа вводятся без единиц измерения и пояснений: единица указана в графе "
        f"«{c.HEADER_UNIT}» (например, «тыс. руб.» — значение в тысячах рублей). Дробная часть "
        "отделяется запятой.",
        "Знак «-» (дефис) означает «не планируется»: ставится, если значение на данный год "
        "не предусмотрено. Ноль означает, что значение равно нулю; пустая ячейка — что сведения "
        "не представлены.",
    ]
    rules += list(_computed_rules(plan))
    rules += [
        "Проценты не вводятся ни в одной ячейке: все значения указываются в единицах, "
        f"указанных в графе «{c.HEADER_UNIT}».",
        "Не переименовывайте листы, не изменяйте коды и наименования, не удаляйте и не "
        "переставляйте строки и столбцы. Пояснения приводятся в графе "
        f"«{c.HEADER_NOTE}».",
        "По каждой позиции, по которой факт отстаёт от плана с учётом графика исполнения, "
        f"укажите в графе «{c.HEADER_NOTE}» причину отклонения и принимаемые меры: она войдёт "
        "в пояснения к отчёту кластера.",
        "Заполненный файл сохраняется в формате .xlsx (допускаются .xls и .ods) и направляется "
        "в базовую организацию кластера.",
    ]
    return rules


def _computed_rules(plan: Plan) -> Iterator[str]:
    """Items a college does not fill in directly, and what it fills in instead."""
    for item in plan.items:
        if item.rule == "ratio":
            num, den = item.part("numerator"), item.part("denominator")
            yield (f"Позиция {item.code} ({item.unit}) не заполняется; вместо неё указываются "
                   f"два числа — в строке {num.code} («{num.name}») и в строке {den.code} "
                   f"(«{den.name}»). Значение рассчитывается при сводке.")
        elif item.rule == "distinct":
            yield (f"Показатель {item.code} не заполняется: он рассчитывается по листу "
                   f"«{c.SHEET_SPECIALTIES}», где перечисляются коды и наименования профессий "
                   "и специальностей с отметкой «да» по годам.")


def _write_instructions(ws, st, plan: Plan) -> None:
    ws.set_column(0, 0, 5)
    ws.set_column(1, 1, 100)
    ws.merge_range(0, 0, 0, 1, "Шаблон ежемесячного отчёта образовательной организации",
                   st["heading"])
    ws.merge_range(1, 0, 1, 1, plan.cluster.name, st["text_bold"])
    ws.merge_range(2, 0, 2, 1, f"Версия шаблона: {c.template_version(plan.plan_id)}",
                   st["hint"])
    ws.merge_range(4, 0, 4, 1, "Порядок заполнения", st["text_bold"])
    for n, text in enumerate(_instructions(plan), start=1):
        ws.write_string(4 + n, 0, f"{n}.", st["text"])
        ws.write_string(4 + n, 1, text, st["text"])
        _fit_row(ws, 4 + n, (text, 100, False))
    _print_setup(ws, plan, landscape=False)
    ws.hide_gridlines(2)


# -- «Титул» -----------------------------------------------------------------

_TITLE_HINTS = {
    "organisation": "выберите из списка",
    "period": "например, 2026-10 (из списка)",
    "responsible": "фамилия, имя, отчество полностью",
    "phone": "с кодом города",
    "filled_on": "ДД.ММ.ГГГГ",
    "template_version": "не изменяется",
}


def _write_title(ws, st, plan: Plan, filling: Filling, lists: _Lists) -> None:
    ws.set_column(0, 0, 36)
    ws.set_column(1, 1, 60)
    ws.set_column(2, 2, 34)
    ws.merge_range(0, 0, 0, 2, "Отчёт о реализации программы деятельности кластера",
                   st["heading"])
    ws.merge_range(1, 0, 1, 2, plan.cluster.name, st["text_bold"])
    for row, (key, label) in enumerate(c.TITLE_FIELDS.items(), start=3):
        ws.write_string(row, 0, label, st["label"])
        value = filling.title.get(key)
        if key == "template_version":
            ws.write_string(row, 1, str(value or c.template_version(plan.plan_id)), st["computed"])
        else:
            fmt = st["input_date"] if key == "filled_on" else st["input_text"]
            _write_value(ws, row, 1, _title_value(value), fmt)
        if key in _TITLE_HINTS:
            ws.write_string(row, 2, _TITLE_HINTS[key], st["hint"])
        _title_validation(ws, row, key, plan, lists)
        _fit_row(ws, row, (label, 36, True), (_text(value), 60, False))
    _print_setup(ws, plan, landscape=False)
    ws.hide_gridlines(2)


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _title_value(value: object) -> object:
    """A Period goes in as the text «2026-10», the form the period list offers."""
    return str(value) if isinstance(value, Period) else value


def _title_validation(ws, row: int, key: str, plan: Plan, lists: _Lists) -> None:
    if key == "organisation":
        ws.data_validation(row, 1, row, 1, {
            "validate": "list", "source": lists.organisations_ref, "ignore_blank": True,
            "input_title": "Организация", "input_message": "Выберите организацию из списка.",
            "error_title": "Организация не найдена",
            "error_message": "Выберите организацию из списка участников кластера.",
        })
    elif key == "period":
        ws.data_validation(row, 1, row, 1, {
            "validate": "list", "source": lists.periods_ref, "ignore_blank": True,
            "input_title": "Отчётный период", "input_message": "Формат ГГГГ-ММ, например 2026-10.",
            "error_title": "Неверный период",
            "error_message": "Укажите месяц в формате ГГГГ-ММ в пределах срока программы "
                             f"({plan.years[0]}–{plan.years[-1]} гг.), например "
                             f"{plan.years[0]}-10.",
        })
    elif key == "filled_on":
        ws.data_validation(row, 1, row, 1, {
            "validate": "date", "criteria": "between", "ignore_blank": True,
            "minimum": date(plan.years[0] - 1, 1, 1), "maximum": date(plan.years[-1] + 1, 12, 31),
            "error_type": "warning", "error_title": "Проверьте дату",
            "error_message": "Укажите дату заполнения в формате ДД.ММ.ГГГГ. Оставить введённое?",
        })


# -- «Мероприятия», «Показатели» ---------------------------------------------


@dataclass(frozen=True)
class _Row:
    kind: str  # section | result | leaf | computed
    code: str
    name: str
    unit: str = ""
    note: str = ""


def _layout(plan: Plan, items: Iterable[PlanItem]) -> Iterator[_Row]:
    """Rows in plan order, each section and result heading before its first item."""
    sections = {s.code: s.title for s in plan.sections}
    results = {r.code: r.title for r in plan.results}
    seen: set[tuple[str, str]] = set()
    for item in items:
        for code, titles, kind in ((item.section, sections, "section"),
                                   (item.result, results, "result")):
            if code and code in titles and (kind, code) not in seen:
                seen.add((kind, code))
                yield _Row(kind, code, titles[code])
        if item.rule == "ratio":
            parts = " и ".join(p.code for p in item.parts)
            yield _Row("computed", item.code, item.name, item.unit,
                       f"рассчитывается по строкам {parts}")
            yield from (_Row("leaf", p.code, p.name, p.unit) for p in item.parts)
        elif item.rule == "distinct":
            yield _Row("computed", item.code, item.name, item.unit,
                       f"рассчитывается по листу «{c.SHEET_SPECIALTIES}»")
        else:
            yield _Row("leaf", item.code, item.name, item.unit)


def _value_columns(plan: Plan) -> list[tuple[int, str, str]]:
    """(year, measure, header label) in column order after code, name and unit."""
    return [(y, m, (c.header_plan if m == "target" else c.header_fact)(y))
            for y in plan.years for m in MEASURES]


def _write_items(ws, st, plan: Plan, heading: str, items, filling: Filling) -> None:
    columns = _value_columns(plan)
    note_col = 3 + len(columns)
    widths = [9, NAME_WIDTH, 10, *([12] * len(columns)), NOTE_WIDTH]
    for col, width in enumerate(widths):
        ws.set_column(col, col, width)
    _heading(ws, st, note_col, sum(widths), f"{heading}. {plan.cluster.name}",
             "Заполняются ячейки, выделенные жёлтым. Числа — без единиц измерения; "
             "«-» — не планируется; проценты не вводятся.")
    header = [c.HEADER_CODE, c.HEADER_NAME, c.HEADER_UNIT, *(h for _, _, h in columns),
              c.HEADER_NOTE]
    ws.write_row(2, 0, header, st["header"])
    input_rows = []
    for row, line in enumerate(_layout(plan, items), start=3):
        _write_row(ws, st, row, line, columns, filling)
        note = line.note or _text(filling.notes.get(line.code))
        _fit_row(ws, row, (line.name, NAME_WIDTH, line.kind in ("section", "result")),
                 (note, NOTE_WIDTH, False))
        if line.kind == "leaf":
            input_rows.append(row)
    if input_rows:
        ranges = " ".join(xl_range_abs(r0, 3, r1, note_col - 1).replace("$", "")
                          for r0, r1 in _runs(input_rows))
        ws.data_validation(input_rows[0], 3, input_rows[0], note_col - 1,
                           {**number_rule(xl_rowcol_to_cell(input_rows[0], 3)), "multi_range": ranges})
    ws.freeze_panes(3, 2)
    _print_setup(ws, plan, landscape=True, repeat_row=2)


def _heading(ws, st, last_col: int, width: float, heading: str, note: str) -> None:
    """Two merged lines above the header row: what the sheet is, how to fill it."""
    ws.merge_range(0, 0, 0, last_col, heading, st["heading"])
    ws.merge_range(1, 0, 1, last_col, note, st["subheading"])
    # The heading is in a larger font: it takes more room per character.
    _fit_row(ws, 0, (heading, width * 0.8, True))
    _fit_row(ws, 1, (note, width, False))


def _write_row(ws, st, row: int, line: _Row, columns, filling: Filling) -> None:
    width = 3 + len(columns)
    if line.kind in ("section", "result"):
        fmt = st[line.kind]
        ws.write_string(row, 0, line.code, fmt)
        ws.write_string(row, 1, line.name, fmt)
        for col in range(2, width + 1):
            ws.write_blank(row, col, None, fmt)
        return
    ws.write_string(row, 0, line.code, st["code"])
    ws.write_string(row, 1, line.name, st["cell"])
    ws.write_string(row, 2, line.unit, st["unit"])
    if line.kind == "computed":
        for col in range(3, width):
            ws.write_blank(row, col, None, st["computed"])
        ws.write_string(row, width, line.note, st["computed"])
        return
    money = "руб" in line.unit
    number = st["input_money"] if money else st["input_count"]
    issued = st["issued_money"] if money else st["issued_count"]
    for col, (year, measure, _) in enumerate(columns, start=3):
        value = filling.values.get((line.code, year, measure))
        locked = filling.lock_plan and measure == "target" and value is not None
        _write_value(ws, row, col, value, issued if locked else number)
    _write_value(ws, row, width, filling.notes.get(line.code), st["input_text"])


def _runs(rows: list[int]) -> Iterator[tuple[int, int]]:
    """[5, 6, 7, 9] -> (5, 7), (9, 9): one validation range per block of rows."""
    start = prev = rows[0]
    for r in rows[1:]:
        if r != prev + 1:
            yield start, prev
            start = r
        prev = r
    yield start, prev


# -- «Специальности» ---------------------------------------------------------


def _write_specialties(ws, st, plan: Plan, filling: Filling) -> None:
    columns = _value_columns(plan)
    last = 1 + len(columns)
    widths = [16, NAME_WIDTH - 10, *([11] * len(columns))]
    for col, width in enumerate(widths):
        ws.set_column(col, col, width)
    _heading(ws, st, last, sum(widths), "Профессии и специальности среднего профессионального "
             "образования, по которым реализуются образовательные программы",
             "Код указывается в формате 00.00.00 (например, 13.02.11). Отметка «да» (или 1) "
             "в графе «План ГГГГ» означает, что профессия (специальность) планируется "
             "к реализации в этом году, в графе «Факт ГГГГ» — что она реализуется. "
             "Каждая профессия (специальность) указывается один раз.")
    ws.write_row(2, 0, [c.HEADER_SPECIALTY_CODE, c.HEADER_SPECIALTY_NAME,
                        *(h for _, _, h in columns)], st["header"])
    ws.set_row(2, 32)
    given = list(filling.specialties)
    rows = max(SPECIALTY_ROWS, len(given))
    for i in range(rows):
        code, name, plan_years, fact_years = given[i] if i < len(given) else (None, None, (), ())
        row = 3 + i
        _write_value(ws, row, 0, code, st["input_text"])
        _write_value(ws, row, 1, name, st["input_text"])
        _fit_row(ws, row, (_text(name), widths[1], False))
        marked = {"target": plan_years, "fact": fact_years}
        for col, (year, measure, _) in enumerate(columns, start=2):
            _write_value(ws, row, col, MARK_YES if year in marked[measure] else None,
                         st["input_mark"])
    ws.data_validation(3, 2, 2 + rows, last, {
        "validate": "list", "source": [MARK_YES], "ignore_blank": True,
        "error_type": "warning", "error_title": "Отметка",
        "error_message": "Поставьте отметку «да» (или 1) либо оставьте ячейку пустой. "
                         "Оставить введённое?",
    })
    ws.freeze_panes(3, 2)
    _print_setup(ws, plan, landscape=True, repeat_row=2)
