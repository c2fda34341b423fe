"""The plan as a workbook a methodologist edits, and back again.

The bundled plan is JSON; a methodologist of another cluster edits a workbook.
`write_plan_workbook` exports a plan and `read_plan_workbook` imports one; the
pair is lossless: reading what was written gives an equal `Plan`.

The reader finds sheets and columns by their Russian names, never by position,
turns the Russian words people pick from drop-down lists back into the plan's
internal values, and reports every problem with its sheet and cell, all at once,
in `PlanError.issues`: a methodologist fixes the whole workbook in one pass.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

import xlsxwriter

from ..core.files import write_atomically
from ..core.measure import fitting_height
from ..core.issues import SEVERITY_WORDS, Issue, error, has_errors
from ..core.numbers import parse_number
from ..core.text import a1, cell_text, fold
from .model import (
    RATIO_OPS, ROLE_LABELS, RULE_LABELS, SCHEDULE_LABELS, ClusterInfo, ControlRatio,
    Organisation, Part, Plan, PlanError, PlanItem, Result, Section, Settings,
    normalise_code, validate_plan,
)

# -- vocabulary: what a person sees -------------------------------------------

SHEET_GUIDE = "Инструкция"
SHEET_CLUSTER = "Кластер"
SHEET_ORGANISATIONS = "Организации"
SHEET_HEADINGS = "Разделы и результаты"
SHEET_ITEMS = "Позиции"
SHEET_PARTS = "Части отношений"
SHEET_RATIOS = "Контрольные соотношения"
DATA_SHEETS = (SHEET_CLUSTER, SHEET_ORGANISATIONS, SHEET_HEADINGS, SHEET_ITEMS, SHEET_PARTS,
               SHEET_RATIOS)

NO_TARGET = "-"  # «не планируется»: not zero, and not "forgot to fill in"
KIND_LABELS = {"activity": "мероприятие", "indicator": "показатель"}
HEADING_LABELS = {"section": "раздел", "result": "результат"}
PART_ROLE_LABELS = {"numerator": "числитель", "denominator": "знаменатель"}
RATIO_ON_LABELS = {"target": "цель", "fact": "факт"}
SEVERITY_LABELS = SEVERITY_WORDS  # the words a sheet shows, as everywhere
FLAG_LABELS = {True: "да", False: "нет"}
# What people type instead of the ≤ and ≥ they cannot find on the keyboard.
OP_ALIASES = {"==": "eq", "<=": "le", "=<": "le", ">=": "ge", "=>": "ge"}
SETTING_LABELS = {
    "on_track_tolerance": (
        "Допустимое отставание от графика (доля)",
        "Доля от значения по графику: 0,1 означает, что факт ниже графика не более чем на 10 % "
        "считается выполнением в срок.",
    ),
    "backwards_tolerance": (
        "Допустимое уменьшение факта за месяц (доля)",
        "При сравнении с прошлым месяцем (--previous): 0 — отмечается любое уменьшение факта, "
        "0,05 — уменьшение более чем на 5 %.",
    ),
    "signatory_position": (
        "Должность подписывающего отчёт",
        "Печатается в подписи сводного отчёта слева, например: «Директор БУ «…» — базовой "
        "организации кластера».",
    ),
    "signatory_name": (
        "Инициалы и фамилия подписывающего",
        "Печатается в подписи справа, например: «И. П. Громов».",
    ),
    "attachment_line": (
        "Отметка о приложении",
        "Печатается в правом верхнем углу первой страницы каждого печатного листа.",
    ),
    "colleges_as_rows_above": (
        "Организации строками — если их больше",
        "Лист «По организациям»: до этого числа организаций они идут столбцами, при большем "
        "числе — строками (позиции — столбцами).",
    ),
    "colleges_listed_up_to": (
        "Организации поимённо в печатной форме — не более",
        "До этого числа организаций печатные листы называют каждую; при большем числе — "
        "распределение организаций по исполнению плана и наименее и наиболее продвинувшиеся "
        "поимённо (все организации остаются в книге).",
    ),
}
# Extra rows below each table that keep the drop-down lists, so new rows get them too.
SPARE_ROWS = 200
GUIDE_WIDTH = 72  # fits the width of an A4 portrait page


def target_header(year: int) -> str:
    return f"Цель {year}"


_TARGET_HEADER = re.compile(r"^цель\D*(\d{4})$")


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: float
    style: str = "text"
    choices: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()


def _choices(labels: dict) -> tuple[str, ...]:
    return tuple(labels.values())


CLUSTER_COLUMNS = (
    Column("param", "Параметр", 42, "label"),
    Column("value", "Значение", 60, "code"),
    Column("hint", "Пояснение", 70, "hint"),
)
# (key, label, hint): plan and cluster fields; settings follow, one row each.
CLUSTER_FIELDS = (
    ("plan_id", "Идентификатор плана", "Краткое обозначение плана латиницей, например tek-2026."),
    ("name", "Наименование кластера", ""),
    ("region", "Регион", "Субъект Российской Федерации."),
    ("industry", "Отрасль", ""),
    ("document", "Документ", "Документ, которым утверждён план."),
    ("years", "Годы", "Через запятую, например: 2026, 2027, 2028. Для каждого года на листе "
                      "«Позиции» нужен столбец «Цель <год>»."),
)
REQUIRED_CLUSTER_FIELDS = ("plan_id", "name", "years")
ORGANISATION_COLUMNS = (
    Column("id", "Идентификатор", 16, "code"),
    Column("short_name", "Краткое наименование", 42),
    Column("name", "Полное наименование", 70),
    Column("role", "Роль", 24, "choice", _choices(ROLE_LABELS)),
)
HEADING_COLUMNS = (
    Column("code", "Код", 10, "code"),
    Column("type", "Тип", 14, "choice", _choices(HEADING_LABELS)),
    Column("section", "Раздел", 10, "code"),
    Column("title", "Наименование", 100),
)
ITEM_HEAD_COLUMNS = (
    Column("code", "Код", 10, "code"),
    Column("kind", "Вид", 15, "choice", _choices(KIND_LABELS)),
    Column("section", "Раздел", 9, "code"),
    Column("result", "Результат", 11, "code"),
    Column("name", "Наименование", 70),
    Column("unit", "Ед. изм.", 11, aliases=("Единица измерения",)),
)
ITEM_TAIL_COLUMNS = (
    Column("rule", "Правило", 26, "choice", _choices(RULE_LABELS)),
    Column("cumulative", "Нарастающий итог", 13, "choice", _choices(FLAG_LABELS)),
    Column("schedule", "График", 34, "choice", _choices(SCHEDULE_LABELS)),
)
PART_COLUMNS = (
    Column("item", "Позиция", 10, "code"),
    Column("code", "Код части", 12, "code"),
    Column("role", "Роль", 15, "choice", _choices(PART_ROLE_LABELS)),
    Column("name", "Наименование", 70),
    Column("unit", "Ед. изм.", 11, aliases=("Единица измерения",)),
)
RATIO_COLUMNS = (
    Column("left", "Левая часть", 16, "code"),
    Column("op", "Знак", 8, "choice", _choices(RATIO_OPS)),
    Column("right", "Правая часть", 18, "code"),
    Column("on", "Проверяется", 14, "choice", ("цель", "факт", "цель и факт")),
    Column("severity", "Уровень", 18, "choice", _choices(SEVERITY_LABELS)),
    Column("note", "Пояснение", 70),
)


def item_columns(years) -> tuple[Column, ...]:
    targets = tuple(Column(f"target:{y}", target_header(y), 12, "number") for y in years)
    return ITEM_HEAD_COLUMNS + targets + ITEM_TAIL_COLUMNS


# -- writing ----------------------------------------------------------------------

# Formats are data, defined once; "col_*" are column defaults for rows people add.
STYLES = {
    "title": {"bold": True, "font_size": 13},
    "header": {"bold": True, "text_wrap": True, "align": "center", "valign": "vcenter",
               "border": 1, "bg_color": "#DDEBF7"},
    "text": {"text_wrap": True, "valign": "top", "border": 1},
    "choice": {"text_wrap": True, "valign": "top", "border": 1},
    "label": {"bold": True, "text_wrap": True, "valign": "top", "border": 1},
    "hint": {"italic": True, "font_color": "#595959", "text_wrap": True, "valign": "top", "border": 1},
    "code": {"num_format": "@", "valign": "top", "border": 1},
    "number": {"valign": "top", "border": 1},
    "dash": {"num_format": "@", "align": "center", "valign": "top", "border": 1},
    "guide": {"text_wrap": True, "valign": "top"},
    "col_code": {"num_format": "@", "valign": "top"},
    "col_text": {"text_wrap": True, "valign": "top"},
}


def write_plan_workbook(plan: Plan, path: str | Path) -> Path:
    """Export `plan` to an editable .xlsx workbook at `path` (written atomically)."""
    def build(tmp: str) -> None:
        options = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
        with xlsxwriter.Workbook(tmp, options) as workbook:
            _PlanWriter(workbook, plan).write()

    return write_atomically(Path(path), build)


class _PlanWriter:
    def __init__(self, workbook, plan: Plan):
        self.wb = workbook
        self.plan = plan
        self.fmt = {name: workbook.add_format(spec) for name, spec in STYLES.items()}

    def write(self) -> None:
        self.wb.set_properties({"title": f"План кластера: {self.plan.cluster.name}",
                                "subject": self.plan.cluster.document})
        self._guide()
        self._table(SHEET_CLUSTER, CLUSTER_COLUMNS, self._cluster_rows(), freeze_col=0, spare=0)
        self._table(SHEET_ORGANISATIONS, ORGANISATION_COLUMNS, self._organisation_rows())
        self._table(SHEET_HEADINGS, HEADING_COLUMNS, self._heading_rows())
        self._table(SHEET_ITEMS, item_columns(self.plan.years), self._item_rows(), freeze_col=1)
        self._table(SHEET_PARTS, PART_COLUMNS, self._part_rows(), freeze_col=2)
        self._table(SHEET_RATIOS, RATIO_COLUMNS, self._ratio_rows())

    def _cluster_rows(self) -> list[list]:
        p, c = self.plan, self.plan.cluster
        values = {"plan_id": p.plan_id, "name": c.name, "region": c.region, "industry": c.industry,
                  "document": c.document, "years": ", ".join(str(y) for y in p.years)}
        rows = [[label, values[key], hint] for key, label, hint in CLUSTER_FIELDS]
        for f in fields(Settings):
            # A setting added to Settings later still gets a row, labelled by its name.
            label, hint = SETTING_LABELS.get(f.name, (f.name, ""))
            value = getattr(p.settings, f.name)
            rows.append([label, FLAG_LABELS[value] if isinstance(value, bool) else value, hint])
        return rows

    def _organisation_rows(self) -> list[list]:
        return [[o.id, o.short_name, o.name, ROLE_LABELS.get(o.role, o.role)]
                for o in self.plan.organisations]

    def _heading_rows(self) -> list[list]:
        sections = [[s.code, HEADING_LABELS["section"], None, s.title] for s in self.plan.sections]
        results = [[r.code, HEADING_LABELS["result"], r.section, r.title] for r in self.plan.results]
        return sections + results

    def _item_rows(self) -> list[list]:
        return [
            [i.code, KIND_LABELS.get(i.kind, i.kind), i.section, i.result, i.name, i.unit]
            + [NO_TARGET if i.target(y) is None else i.target(y) for y in self.plan.years]
            + [RULE_LABELS.get(i.rule, i.rule), FLAG_LABELS[bool(i.cumulative)],
               SCHEDULE_LABELS.get(i.schedule, i.schedule)]
            for i in self.plan.items
        ]

    def _part_rows(self) -> list[list]:
        return [[i.code, p.code, PART_ROLE_LABELS.get(p.role, p.role), p.name, p.unit]
                for i in self.plan.items for p in i.parts]

    def _ratio_rows(self) -> list[list]:
        return [[" + ".join(r.left), RATIO_OPS.get(r.op, r.op), " + ".join(r.right),
                 " и ".join(RATIO_ON_LABELS.get(o, o) for o in r.on),
                 SEVERITY_LABELS.get(r.severity, r.severity), r.note]
                for r in self.plan.control_ratios]

    def _table(self, name, columns, rows, *, freeze_col=0, spare=SPARE_ROWS):
        ws = self.wb.add_worksheet(name)
        for c, col in enumerate(columns):
            column_format = {"code": "col_code", "text": "col_text"}.get(col.style)
            ws.set_column(c, c, col.width, self.fmt[column_format] if column_format else None)
            ws.write_string(0, c, col.header, self.fmt["header"])
        ws.set_row(0, _height([(col.header, col.width) for col in columns]))
        for r, row in enumerate(rows, start=1):
            for c, (col, value) in enumerate(zip(columns, row)):
                self._cell(ws, r, c, value, col.style)
            ws.set_row(r, _height([(v, col.width) for col, v in zip(columns, row)
                                   if col.style in _WRAPPED]))
        for c, col in enumerate(columns):
            self._drop_down(ws, c, col, len(rows) + spare)
        ws.freeze_panes(1, freeze_col)
        if spare:
            ws.autofilter(0, 0, max(len(rows), 1), len(columns) - 1)
        ws.set_paper(9)  # A4
        ws.set_landscape()
        ws.fit_to_pages(1, 0)
        ws.repeat_rows(0)

    def _cell(self, ws, r: int, c: int, value, style: str) -> None:
        if value is None or value == "":
            ws.write_blank(r, c, None, self.fmt[style])
        elif isinstance(value, str):
            ws.write_string(r, c, value, self.fmt["dash" if style == "number" else style])
        elif float(f"{value:.16G}") == value:
            ws.write_number(r, c, value, self.fmt["number"])
        else:
            # XlsxWriter keeps 16 significant digits; text keeps the value exact.
            ws.write_string(r, c, repr(float(value)), self.fmt["number"])

    def _drop_down(self, ws, c: int, col: Column, last_row: int) -> None:
        # A list source is a comma-separated string in the file format.
        if not col.choices or any("," in choice for choice in col.choices):
            return
        ws.data_validation(1, c, max(last_row, 1), c, {
            "validate": "list",
            "source": list(col.choices),
            "error_title": "Недопустимое значение",
            "error_message": "Выберите значение из списка: " + "; ".join(col.choices) + ".",
        })

    def _guide(self) -> None:
        ws = self.wb.add_worksheet(SHEET_GUIDE)
        ws.set_column(0, 0, GUIDE_WIDTH, self.fmt["guide"])
        ws.write_string(0, 0, "Как редактировать план кластера", self.fmt["title"])
        for r, line in enumerate(_guide_lines(self.plan), start=2):
            ws.write_string(r, 0, line, self.fmt["guide"])
            ws.set_row(r, _height([(line, GUIDE_WIDTH)]))
        ws.set_paper(9)
        ws.fit_to_pages(1, 0)


_WRAPPED = ("text", "choice", "label", "hint")
def _height(cells) -> float | None:
    """Row height for wrapped text: neither LibreOffice nor Excel reliably fits it on opening."""
    return fitting_height((value, width, False) for value, width in cells if isinstance(value, str))


def _guide_lines(plan: Plan) -> list[str]:
    rules = "; ".join(f"«{RULE_LABELS[k]}» — {v}" for k, v in _RULE_HINTS.items())
    schedules = "; ".join(f"«{SCHEDULE_LABELS[k]}» — {v}" for k, v in _SCHEDULE_HINTS.items())
    example = ", ".join(target_header(y) for y in plan.years)
    return [
        "1. Книга содержит план кластера: общие сведения и годы (лист «Кластер»), организации, "
        "разделы и результаты, позиции плана с целевыми значениями по годам, части показателей, "
        "рассчитываемых как отношение, и контрольные соотношения.",
        "2. Не переименовывайте листы и заголовки столбцов: программа находит их по тексту "
        "заголовка. Порядок столбцов можно менять; дополнительные столбцы не учитываются.",
        f"3. Целевое значение указывается числом. Если значение на год не планируется, введите "
        f"«{NO_TARGET}» (дефис); 0 означает запланированное нулевое значение. Пустая ячейка также "
        f"означает «не планируется», однако для ясности рекомендуется «{NO_TARGET}».",
        "4. Числа допускается вводить с пробелами между разрядами и с десятичной запятой: "
        "«10 000», «87,5».",
        "5. Коды позиций, разделов и организаций хранятся как текст (например, «1.1.1», «П1»). "
        "Код позиции в плане не повторяется.",
        "6. Значения в столбцах «Вид», «Правило», «Нарастающий итог», «График», «Роль», «Тип», "
        "«Знак», «Проверяется» и «Уровень» выбираются из раскрывающегося списка. Пустая ячейка "
        "в столбцах «Правило», «Нарастающий итог» и «График» означает значение по умолчанию: "
        f"«{RULE_LABELS['sum']}», «{FLAG_LABELS[False]}», «{SCHEDULE_LABELS['linear']}».",
        f"7. Правила сведения: {rules}.",
        f"8. Графики: {schedules}.",
        f"9. Годы плана перечисляются на листе «Кластер» через запятую. Для каждого года на листе "
        f"«Позиции» должен быть столбец с целевыми значениями: {example}.",
        "10. Чтобы добавить позицию, заполните новую строку под таблицей на листе «Позиции». "
        "Для позиции с правилом «отношение сумм» на листе «Части отношений» укажите числитель "
        "и знаменатель: их колледжи заполняют в отчёте.",
        "11. Контрольное соотношение: в левой и правой частях указываются коды позиций через "
        "« + », знак — «=», «≤» или «≥»; «Проверяется» — цель, факт или цель и факт; "
        "уровень — ошибка (соотношение не может нарушаться) или предупреждение.",
        "12. Сохраните книгу в формате .xlsx, .xls или .ods и укажите её программе параметром "
        "--plan. Если в книге есть ошибки, программа перечислит их все с указанием листа и ячейки.",
    ]


_RULE_HINTS = {
    "sum": "значения колледжей складываются",
    "ratio": "значение кластера равно сумме числителей, делённой на сумму знаменателей, × 100",
    "distinct": "учитывается число различных значений (например, кодов специальностей) "
                "по всем колледжам",
    "cluster": "одно событие или документ на весь кластер: учитывается не более одного",
}
_SCHEDULE_HINTS = {
    "linear": "к концу каждого месяца ожидается соответствующая доля годовой цели",
    "year_end": "событие должно состояться до конца года",
    "level": "факт сравнивается непосредственно с целью",
    "cumulative": "ожидаемое значение растёт от достигнутого в прошлом году до цели текущего года",
}


# -- reading ----------------------------------------------------------------------


def read_plan_workbook(path: str | Path) -> Plan:
    """Import a plan workbook (.xlsx, .xls or .ods); raise PlanError listing every problem."""
    path = Path(path)
    reader = _PlanReader(_read_sheets(path), path.name)
    plan = reader.read()
    issues = reader.issues
    if plan is not None:
        # Cells that failed to parse hold neutral values, so this adds only new findings.
        issues += reader.locate(validate_plan(plan))
    if plan is None or has_errors(issues):
        count = sum(i.is_error for i in issues)
        raise PlanError(f"План {path.name} содержит ошибки ({count})", issues)
    return plan


def _read_sheets(path: Path) -> dict[str, list[list]]:
    from python_calamine import CalamineWorkbook

    if not path.is_file():
        reason = "файл не найден"
    else:
        try:
            book = CalamineWorkbook.from_path(str(path))
            try:
                return {name: book.get_sheet_by_name(name).to_python(skip_empty_area=False)
                        for name in book.sheet_names}
            finally:
                book.close()
        except Exception as exc:  # calamine raises several types for damaged or foreign files
            reason = f"файл повреждён или не является книгой Excel или LibreOffice ({exc})"
    issue = error("plan-unreadable", f"Книгу плана не удалось прочитать: {reason}.",
                  file=path.name, value=path.name)
    raise PlanError(f"План {path.name} не удалось прочитать", [issue])


_TABLE_SPECS = {
    SHEET_ORGANISATIONS: ORGANISATION_COLUMNS,
    SHEET_HEADINGS: HEADING_COLUMNS,
    SHEET_ITEMS: ITEM_HEAD_COLUMNS + ITEM_TAIL_COLUMNS,
    SHEET_PARTS: PART_COLUMNS,
    SHEET_RATIOS: RATIO_COLUMNS,
}
# Where validate_plan's findings about an item point to in «Позиции».
_ITEM_PLACES = {
    "plan-bad-kind": "kind", "plan-bad-rule": "rule", "plan-bad-schedule": "schedule",
    "plan-unknown-section": "section", "plan-unknown-result": "result",
    "plan-missing-name": "name", "plan-ratio-parts": "rule",
}
_FLAG_ALIASES = {"true": True, "false": False, "истина": True, "ложь": False, "1": True, "0": False}
_ON_ALIASES = {"план": "target"}
_REQUIRED = object()


def _key(text: object) -> str:
    """Comparable form of a header, sheet name or label: case, ё and spaces ignored."""
    return fold(_text(text)).replace(" ", "").rstrip(".:")


def _text(value: object) -> str:
    """A cell as text; a yes/no cell as the word the drop-down list offers."""
    return FLAG_LABELS[value] if isinstance(value, bool) else cell_text(value)


def _find_header(rows: list[list], columns: tuple[Column, ...]) -> tuple[int, dict[str, int]]:
    """The row among the first ten that names most of the columns; column key -> index."""
    wanted = {_key(h): col.key for col in columns for h in (col.header,) + col.aliases}
    header_row, best = 0, {}
    for r, row in enumerate(rows[:10]):
        found: dict[str, int] = {}
        for c, value in enumerate(row):
            found.setdefault(wanted.get(_key(value), ""), c)
        found.pop("", None)
        if len(found) > len(best):
            header_row, best = r, found
    return header_row, best


@dataclass(frozen=True)
class _Row:
    sheet: str
    r: int  # 0-based row in the sheet
    cells: list
    columns: dict[str, int]

    def has(self, key: str) -> bool:
        return key in self.columns

    def get(self, key: str):
        c = self.columns.get(key)
        return self.cells[c] if c is not None and c < len(self.cells) else None

    def text(self, key: str) -> str:
        return _text(self.get(key))

    def a1(self, key: str) -> str:
        return a1(self.r, self.columns[key]) if key in self.columns else ""


@dataclass
class _Table:
    sheet: str
    header_row: int
    columns: dict[str, int]
    rows: list[_Row] = field(default_factory=list)


class _PlanReader:
    """Reads the data sheets; every problem becomes an Issue with sheet and cell."""

    def __init__(self, sheets: dict[str, list[list]], file: str):
        self.sheets = {_key(name): (name, rows) for name, rows in sheets.items()}
        self.file = file
        self.issues: list[Issue] = []
        # (issue code, item) -> cells, in the order validate_plan meets them.
        self.places: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
        self.codes_seen: dict[str, str] = {}  # item or part code -> sheet and cell

    def report(self, code: str, message: str, sheet: str = "", cell: str = "", **more) -> None:
        self.issues.append(error(code, message, file=self.file, sheet=sheet, cell=cell, **more))

    def bad_cell(self, row: _Row, key: str, code: str, message: str, **more) -> None:
        self.report(code, message, row.sheet, row.a1(key), value=row.text(key), **more)

    def read(self) -> Plan | None:
        cluster_table = self._table(SHEET_CLUSTER, CLUSTER_COLUMNS)
        cluster = self._cluster(cluster_table) if cluster_table else None
        years = cluster["years"] if cluster else ()
        tables = {sheet: self._table(sheet, columns, years if sheet == SHEET_ITEMS else ())
                  for sheet, columns in _TABLE_SPECS.items()}
        organisations = self._organisations(tables[SHEET_ORGANISATIONS])
        sections, results = self._headings(tables[SHEET_HEADINGS])
        items = self._items(tables[SHEET_ITEMS], years)
        parts = self._parts(tables[SHEET_PARTS], {i.code for i in items})
        ratios = self._ratios(tables[SHEET_RATIOS])
        if cluster is None or not years or None in tables.values():
            return None
        items = tuple(replace(i, parts=tuple(parts.get(i.code, ()))) for i in items)
        return Plan(plan_id=cluster["plan_id"], cluster=cluster["info"], years=years,
                    organisations=organisations, sections=sections, results=results,
                    items=items, control_ratios=ratios, settings=cluster["settings"])

    def locate(self, issues: list[Issue]) -> list[Issue]:
        """validate_plan's findings with file, sheet and cell; duplicates are reported already."""
        out = []
        for issue in issues:
            if issue.code in ("plan-duplicate-code", "plan-duplicate-organisation"):
                continue
            places = self.places.get((issue.code, issue.item), [])
            sheet, cell = (places.pop(0) if len(places) > 1 else places[0]) if places else ("", "")
            out.append(replace(issue, file=self.file, sheet=sheet, cell=cell))
        return out

    # -- tables ------------------------------------------------------------------

    def _table(self, sheet: str, columns: tuple[Column, ...], years=()) -> _Table | None:
        if _key(sheet) not in self.sheets:
            self.report("plan-missing-sheet", f"В книге нет листа «{sheet}»; ожидаются листы: "
                        + ", ".join(f"«{s}»" for s in DATA_SHEETS) + ".", sheet)
            return None
        name, rows = self.sheets[_key(sheet)]
        header_row, found = _find_header(rows, columns)
        for col in columns:
            if col.key not in found:
                self.report("plan-missing-column", f"На листе нет столбца «{col.header}».", name,
                            value=col.header)
        table = _Table(name, header_row, found)
        if years:
            self._target_columns(table, rows[header_row] if rows else [], years)
        used = set(table.columns.values())
        for r in range(header_row + 1, len(rows)):
            # Only the table's own columns count: a note beside the table is not a row.
            if any(_text(v) for c, v in enumerate(rows[r]) if c in used):
                table.rows.append(_Row(name, r, rows[r], table.columns))
        return table

    def _target_columns(self, table: _Table, header: list, years: tuple[int, ...]) -> None:
        """«Цель <год>» columns: one per plan year, found by header text."""
        for c, value in enumerate(header):
            m = _TARGET_HEADER.match(_key(value))
            if not m or c in table.columns.values():
                continue
            year = int(m.group(1))
            if year in years and f"target:{year}" not in table.columns:
                table.columns[f"target:{year}"] = c
            else:
                self.report("plan-unknown-year-column",
                            f"Столбец «{_text(value)}» не соответствует годам плана "
                            f"({', '.join(map(str, years))}), указанным на листе «{SHEET_CLUSTER}».",
                            table.sheet, a1(table.header_row, c), value=_text(value))
        for year in years:
            if f"target:{year}" not in table.columns:
                self.report("plan-missing-column", f"На листе нет столбца «{target_header(year)}».",
                            table.sheet, value=target_header(year))

    # -- cells -------------------------------------------------------------------

    def required(self, row: _Row, key: str, what: str) -> str:
        value = row.text(key)
        if not value and row.has(key):
            self.report("plan-missing-value", f"Не указано обязательное значение: {what}.", row.sheet, row.a1(key))
        return value

    def code(self, row: _Row, key: str, what: str, required: bool = True) -> str:
        text = self.required(row, key, what) if required else row.text(key)
        return normalise_code(text)

    def choice(self, row: _Row, key: str, labels: dict, code: str, what: str, *,
               default=_REQUIRED, fallback=None, aliases: dict | None = None):
        """A word from a drop-down list -> the plan's value; `default` for an empty cell."""
        neutral = fallback if default is _REQUIRED else default
        text = row.text(key)
        if not row.has(key):
            return neutral
        if not text:
            if default is _REQUIRED:
                self.report("plan-missing-value", f"Не указано обязательное значение: {what}.", row.sheet, row.a1(key))
            return neutral
        # The internal words (sum, ratio…) are accepted too: JSON-minded users type them.
        lookup = {_key(k): k for k in labels if isinstance(k, str)}
        lookup |= {_key(v): k for k, v in labels.items()}
        lookup |= {_key(k): v for k, v in (aliases or {}).items()}
        if _key(text) in lookup:
            return lookup[_key(text)]
        expected = ", ".join(f"«{v}»" for v in labels.values())
        self.bad_cell(row, key, code, f"{what}: значение «{text}» не предусмотрено; "
                                      f"ожидается одно из: {expected}.")
        return neutral

    def unique_code(self, row: _Row, key: str, code: str) -> None:
        where = f"лист «{row.sheet}», ячейка {row.a1(key)}"
        if code in self.codes_seen:
            self.bad_cell(row, key, "plan-duplicate-code",
                          f"Код {code} уже указан ({self.codes_seen[code]}); "
                          f"код в плане не повторяется.",
                          item=code)
        else:
            self.codes_seen[code] = where

    def target(self, row: _Row, year: int, code: str) -> float | None:
        key = f"target:{year}"
        parsed = parse_number(row.get(key))
        if parsed.kind == "text":
            self.bad_cell(row, key, "plan-bad-number",
                          f"Позиция {code}, цель на {year} год: «{parsed.raw}» не является числом; "
                          f"ожидается число (например, 10 000 или 87,5) или «{NO_TARGET}», "
                          f"если значение не планируется.", item=code, year=year)
        if not parsed.is_number:
            return None
        if parsed.value < 0:
            self.places[("plan-negative-target", code)].append((row.sheet, row.a1(key)))
        return parsed.value

    # -- sheets ------------------------------------------------------------------

    def _cluster(self, table: _Table) -> dict | None:
        if not (table.columns.keys() >= {"param", "value"}):
            return None
        labels = {_key(label): key for key, label, _ in CLUSTER_FIELDS}
        labels |= {_key(_setting_label(f.name)): f.name for f in fields(Settings)}
        rows: dict[str, _Row] = {}
        for row in table.rows:
            rows.setdefault(labels.get(_key(row.get("param")), ""), row)
        for key, label, _ in CLUSTER_FIELDS:
            if key in REQUIRED_CLUSTER_FIELDS and key not in rows:
                self.report("plan-missing-field", f"На листе нет строки «{label}».", table.sheet,
                            value=label)
            elif key in REQUIRED_CLUSTER_FIELDS:
                self.required(rows[key], "value", label.lower())

        def value(key: str) -> str:
            return rows[key].text("value") if key in rows else ""

        info = ClusterInfo(name=value("name"), region=value("region"),
                           industry=value("industry"), document=value("document"))
        return {"plan_id": value("plan_id"), "info": info, "years": self._years(rows.get("years")),
                "settings": self._settings(rows)}

    def _years(self, row: _Row | None) -> tuple[int, ...]:
        text = row.text("value") if row else ""
        if not text:
            return ()  # reported as a missing row or value
        years: list[int] = []
        spans = re.sub(r"\s*[-\u2013\u2014]\s*", "-", text)
        for token in filter(None, re.split(r"[,;\s]+", spans)):
            m = re.fullmatch(r"(\d{4})(?:-(\d{4}))?", token)
            if not m:
                years = []
                break
            years.extend(range(int(m[1]), int(m[2] or m[1]) + 1))
        if not years or years != sorted(set(years)):
            self.bad_cell(row, "value", "plan-bad-years",
                          f"Годы плана: «{text}» — ожидается перечень лет по возрастанию через "
                          f"запятую, например: 2026, 2027, 2028.")
            return ()
        return tuple(years)

    def _settings(self, rows: dict[str, _Row]) -> Settings:
        defaults, values = Settings(), {}
        for f in fields(Settings):
            row = rows.get(f.name)
            if row is not None and row.text("value"):  # an absent setting keeps its default
                values[f.name] = self._setting(row, f.name, getattr(defaults, f.name))
        return Settings(**values)

    def _setting(self, row: _Row, name: str, default):
        label = _setting_label(name)
        if isinstance(default, bool):
            return self.choice(row, "value", FLAG_LABELS, "plan-bad-setting", label,
                               default=default, aliases=_FLAG_ALIASES)
        if not isinstance(default, (int, float)):
            return row.text("value")
        parsed = parse_number(row.get("value"))
        # «10 %» typed as text means the share 0.1, as a percent-formatted cell would.
        value = parsed.value / 100 if parsed.is_number and parsed.raw.endswith("%") else parsed.value
        whole = isinstance(default, float) or (value is not None and float(value).is_integer())
        if value is None or value < 0 or not whole:
            kind = "неотрицательное" if isinstance(default, float) else "целое неотрицательное"
            self.bad_cell(row, "value", "plan-bad-setting",
                          f"{label}: «{parsed.raw}» — ожидается {kind} число.")
            return default
        return type(default)(value)

    def _organisations(self, table: _Table | None) -> tuple[Organisation, ...]:
        out, seen = [], {}
        for row in table.rows if table else ():
            org_id = self.required(row, "id", "идентификатор организации")
            if org_id and org_id in seen:
                self.bad_cell(row, "id", "plan-duplicate-organisation",
                              f"Идентификатор «{org_id}» уже указан в ячейке {seen[org_id]}; "
                              f"идентификатор организации не повторяется.")
            seen.setdefault(org_id, row.a1("id"))
            out.append(Organisation(
                id=org_id, short_name=self.required(row, "short_name", "краткое наименование"),
                name=row.text("name"),
                role=self.choice(row, "role", ROLE_LABELS, "plan-bad-role", "Роль", fallback="college"),
            ))
        return tuple(out)

    def _headings(self, table: _Table | None) -> tuple[tuple[Section, ...], tuple[Result, ...]]:
        sections, results, seen = [], [], {}
        for row in table.rows if table else ():
            code = self.code(row, "code", "код раздела или результата")
            kind = self.choice(row, "type", HEADING_LABELS, "plan-bad-type", "Тип", fallback="section")
            title = self.required(row, "title", "наименование")
            if code and code in seen:
                self.bad_cell(row, "code", "plan-duplicate-code",
                              f"Код {code} уже указан в ячейке {seen[code]}; код раздела или "
                              f"результата не повторяется.", item=code)
            seen.setdefault(code, row.a1("code"))
            if kind == "section":
                sections.append(Section(code, title))
            else:
                results.append((row, code, title))
        section_codes = {s.code for s in sections}
        return tuple(sections), tuple(self._result(*r, section_codes) for r in results)

    def _result(self, row: _Row, code: str, title: str, section_codes: set[str]) -> Result:
        section = self.code(row, "section", f"раздел, к которому относится результат {code}")
        if section and section not in section_codes:
            self.bad_cell(row, "section", "plan-unknown-section",
                          f"Результат {code}: раздела «{section}» нет среди разделов на этом листе.",
                          item=code)
        return Result(code, section, title)

    def _items(self, table: _Table | None, years: tuple[int, ...]) -> list[PlanItem]:
        out = []
        for row in table.rows if table else ():
            code = self.code(row, "code", "код позиции")
            if not code:
                continue
            self.unique_code(row, "code", code)
            for issue_code, key in _ITEM_PLACES.items():
                self.places[(issue_code, code)].append((row.sheet, row.a1(key)))
            out.append(self._item(row, code, years))
        return out

    def _item(self, row: _Row, code: str, years: tuple[int, ...]) -> PlanItem:
        return PlanItem(
            code=code,
            kind=self.choice(row, "kind", KIND_LABELS, "plan-bad-kind", "Вид", fallback="activity"),
            section=self.code(row, "section", "", required=False) or None,
            result=self.code(row, "result", "", required=False) or None,
            name=row.text("name"),
            unit=self.required(row, "unit", f"единица измерения позиции {code}"),
            targets={y: self.target(row, y, code) for y in years},
            rule=self.choice(row, "rule", RULE_LABELS, "plan-bad-rule", "Правило", default="sum"),
            cumulative=self.choice(row, "cumulative", FLAG_LABELS, "plan-bad-flag", "Нарастающий итог",
                                   default=False, aliases=_FLAG_ALIASES),
            schedule=self.choice(row, "schedule", SCHEDULE_LABELS, "plan-bad-schedule", "График",
                                 default="linear"),
        )

    def _parts(self, table: _Table | None, item_codes: set[str]) -> dict[str, list[Part]]:
        out: dict[str, list[Part]] = defaultdict(list)
        for row in table.rows if table else ():
            item = self.code(row, "item", "код позиции")
            code = self.code(row, "code", "код части")
            role = self.choice(row, "role", PART_ROLE_LABELS, "plan-bad-part-role", "Роль")
            name = self.required(row, "name", "наименование части")
            unit = self.required(row, "unit", "единица измерения части")
            if item and item not in item_codes:
                self.bad_cell(row, "item", "plan-unknown-item",
                              f"Позиции {item} нет на листе «{SHEET_ITEMS}».", item=item)
            if code:
                self.unique_code(row, "code", code)
            if role is not None:  # a part of unknown role counts as missing
                out[item].append(Part(code, role, name, unit))
        return out

    def _ratios(self, table: _Table | None) -> tuple[ControlRatio, ...]:
        out = []
        for row in table.rows if table else ():
            left = self._codes(row, "left", "левая часть соотношения")
            right = self._codes(row, "right", "правая часть соотношения")
            for key, codes in (("left", left), ("right", right)):
                for code in codes:
                    self.places[("plan-ratio-unknown-code", code)].append((row.sheet, row.a1(key)))
            out.append(ControlRatio(
                left=left,
                op=self.choice(row, "op", RATIO_OPS, "plan-bad-sign", "Знак", fallback="eq",
                               aliases=OP_ALIASES),
                right=right,
                on=self._ratio_on(row),
                severity=self.choice(row, "severity", SEVERITY_LABELS, "plan-bad-severity",
                                     "Уровень", fallback="warning"),
                note=row.text("note"),
            ))
        return tuple(out)

    def _codes(self, row: _Row, key: str, what: str) -> tuple[str, ...]:
        text = self.required(row, key, what)
        codes = tuple(normalise_code(c) for c in text.split("+")) if text else ()
        if any(not c for c in codes):
            self.bad_cell(row, key, "plan-bad-codes",
                          f"{what.capitalize()}: «{text}» — ожидаются коды позиций через « + », "
                          f"например: 3.1 + 3.2.")
            return tuple(c for c in codes if c)
        return codes

    def _ratio_on(self, row: _Row) -> tuple[str, ...]:
        text = self.required(row, "on", "проверяется (цель, факт или цель и факт)")
        lookup = {_key(v): k for k, v in RATIO_ON_LABELS.items()} | _ON_ALIASES
        lookup |= {k: k for k in RATIO_ON_LABELS}
        words = [w for w in re.split(r"\s*(?:,|;|/|\+|\bи\b)\s*", text.lower()) if w]
        if any(_key(w) not in lookup for w in words):
            self.bad_cell(row, "on", "plan-bad-on",
                          f"Проверяется: «{text}» — ожидается «цель», «факт» или «цель и факт».")
            return ("target",)
        return tuple(dict.fromkeys(lookup[_key(w)] for w in words))


def _setting_label(name: str) -> str:
    return SETTING_LABELS.get(name, (name, ""))[0]
