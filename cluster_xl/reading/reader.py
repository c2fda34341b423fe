"""One filled college workbook -> a `Submission` whose every value remembers its cell.

The reader finds everything by the labels of the template contract
(`contract.py`), never by fixed position: rows may move, blank rows and extra
columns may appear, notes may follow a table, a sheet may be renamed.  It
judges only whether a cell can be read; whether the figures make sense is the
business of `checks.py`.  Nothing here raises for bad data: every problem is
an `Issue`, and a file that cannot be read at all is one `unreadable-file`.

python-calamine reads .xlsx, .xlsm, .xls and .ods alike and is far faster
than openpyxl, which matters at a few thousand files a month.
"""

from __future__ import annotations

import hashlib
import io
import re
import struct
import zipfile
from dataclasses import dataclass, field, replace
from functools import lru_cache
from datetime import date, datetime
from pathlib import Path
from typing import Callable, Mapping, Sequence

from python_calamine import CalamineError, CalamineWorkbook, PasswordError

from . import contract as c
from . import guard, ods_layout, xls_formats, xlsx_formats
from ..core.issues import Issue, Severity, issue
from ..core.model import FACT, MEASURE_WORDS, Entry, Period, ReadResult, Source, Specialty, Submission, parse_period
from ..core.numbers import format_ru, is_percent_unit, is_whole_unit, parse_number
from ..core.names import OWN_BOOK_MARK, SHEET_SOURCES, SHEET_SUMMARY
from ..core.text import a1, quote
from ..plan.model import Plan, normalise_code

Row = Sequence[object]
Grid = Sequence[Row]

# Sheet roles, in the order their issues are reported.
TITLE, ACTIVITIES, INDICATORS, SPECIALTIES = "title", "activities", "indicators", "specialties"
SHEET_NAMES = {
    TITLE: c.SHEET_TITLE,
    ACTIVITIES: c.SHEET_ACTIVITIES,
    INDICATORS: c.SHEET_INDICATORS,
    SPECIALTIES: c.SHEET_SPECIALTIES,
}
EXPECTED = "ожидается число, «-» или пустая ячейка"
# People write "no" in a mark cell in these ways too; they are not worth a warning.
_MARKS_NO = frozenset({"0", "нет", "-", "–", "—", "no", "false"})
_LATIN_P = re.compile(r"^p(\d+)$")


def read_submission(path: str | Path, plan: Plan, *, display_name: str | None = None) -> ReadResult:
    """Read one college workbook; never raises for what is inside the file."""
    path = Path(path)
    file = display_name or path.name
    try:
        # Sizes and shapes are checked before calamine sees a byte (guard.py).
        inspection = guard.inspect(path)
    except guard.Refusal as refusal:
        return ReadResult(path, None, (refused(refusal, file),))
    data = inspection.data
    sha256 = hashlib.sha256(data).hexdigest()
    if getattr(inspection, "kind", "") == "ods":
        data = ods_layout.compact(data)
    try:
        with CalamineWorkbook.from_filelike(io.BytesIO(data)) as workbook:
            kind = getattr(inspection, "kind", "")
            book = _Book(workbook, inspection.formula_cells, data if kind == "xls" else None)
            percent = _percent_cells(data) if kind == "xlsx" else None
            return _read_book(book, path, file, sha256, plan, percent)
    except PasswordError:
        return ReadResult(path, None, (refused(guard.Refusal(guard.PASSWORD, "файл защищён паролем"), file),))
    except CalamineError as exc:
        return _unreadable(path, file, _calamine_reason(exc))
    except Exception as exc:  # noqa: BLE001 - one bad file must not stop a run of thousands
        return _unreadable(path, file, f"ошибка при разборе содержимого ({type(exc).__name__}: {exc})")
    except BaseException as exc:
        # pyo3 turns a panic inside calamine into PanicException, a BaseException.
        if type(exc).__name__ != "PanicException":
            raise
        return _unreadable(path, file, f"файл повреждён ({exc})")


def _unreadable(path: Path, file: str, reason: str) -> ReadResult:
    return ReadResult(path, None, (refused(guard.Refusal(guard.UNREADABLE, reason), file),))


def refused(refusal: guard.Refusal, file: str) -> Issue:
    """The one issue of a file no reader may open, in words the sender can act on."""
    if refusal.code == guard.PASSWORD:
        message = ("Файл защищён паролем, поэтому его нельзя прочитать. Снимите пароль "
                   "(сохраните книгу без пароля на открытие) и направьте файл повторно.")
    elif refusal.code == guard.TOO_LARGE:
        message = (f"Файл отклонён без чтения: {refusal.reason}. Проверьте, что отправлен "
                   "заполненный шаблон отчёта, и направьте его повторно.")
    else:
        message = (f"Файл не удалось прочитать как электронную таблицу: {refusal.reason}. "
                   "Откройте файл, сохраните его в формате .xlsx, .xls или .ods и направьте повторно.")
    return issue(refusal.code, message, Severity.ERROR, file=file)


def _calamine_reason(exc: Exception) -> str:
    text = str(exc)
    if "detect file format" in text.lower():
        return ("формат файла не распознан (файл повреждён, защищён паролем "
                "или не является электронной таблицей)")
    return f"файл повреждён ({text})"


# -- the workbook -------------------------------------------------------------


class _Book:
    """Sheet grids read on demand, each starting at A1 whatever is empty."""

    def __init__(self, workbook: CalamineWorkbook, formula_cells: Mapping[str, frozenset[str]] = {},
                 xls: bytes | None = None):
        self._workbook = workbook
        self.names: list[str] = list(workbook.sheet_names)
        self._grids: dict[str, Grid] = {}
        # Sheet -> cells holding a formula with no cached value (guard.py found them).
        self.formula_cells = formula_cells
        self._xls = xls  # an .xls file's bytes: its own number formats are read when needed
        self._xls_cells: dict | None = None

    def grid(self, name: str) -> Grid:
        if name not in self._grids:
            sheet = self._workbook.get_sheet_by_name(name)
            # skip_empty_area=False keeps row 0 / column 0 at A1, so cells keep their address.
            grid = sheet.to_python(skip_empty_area=False)
            if self._xls is not None:
                grid = self._undated(name, grid)
            self._grids[name] = grid
        return self._grids[name]

    def _undated(self, name: str, grid: Grid) -> Grid:
        """An .xls number cell calamine took for a date by its format id (gnumeric's ids 50–58
        are its own number formats): the number back, as LibreOffice shows it."""
        dated = [(r, k) for r, row in enumerate(grid) for k, v in enumerate(row)
                 if isinstance(v, (date, datetime))]
        if not dated:
            return grid
        if self._xls_cells is None:
            try:
                self._xls_cells = xls_formats.number_cells(self._xls)
            except (xls_formats.XlsFormatError, struct.error, IndexError):
                self._xls_cells = {}
        cells = self._xls_cells.get(name, {})
        rows = {r: list(grid[r]) for r, _ in dated}
        for r, k in dated:
            cell = cells.get((r, k))
            if cell is not None and not xls_formats.is_date_format(cell):
                rows[r][k] = int(cell.value) if float(cell.value).is_integer() else cell.value
        return [rows.get(r, row) for r, row in enumerate(grid)]


@dataclass
class _Context:
    file: str
    plan: Plan
    issues: list[Issue] = field(default_factory=list)
    formula_cells: Mapping[str, frozenset[str]] = field(default_factory=dict)
    report_year: int | None = None  # the title's period's year: its columns must be there
    report_month: int | None = None
    percent_cell: Callable[[str, str], bool] | None = None  # (sheet, A1) -> a % format (.xlsx)

    def formula_without_value(self, sheet: str, cell: str, what: str, **where) -> None:
        """A cell we need whose formula was never computed reads as empty: say so."""
        if cell in self.formula_cells.get(sheet, ()):
            self.error("formula-without-value",
                       f"В ячейке {cell} ({what}) формула без вычисленного значения — откройте "
                       "и сохраните файл в табличном редакторе (Excel, LibreOffice Calc, Р7-Офис, "
                       "МойОфис), чтобы значения были рассчитаны, и направьте его повторно.",
                       sheet=sheet, cell=cell, **where)

    def report(self, severity: Severity, code: str, message: str, **where) -> None:
        self.issues.append(issue(code, message, severity, file=self.file, **where))

    def error(self, code: str, message: str, **where) -> None:
        self.report(Severity.ERROR, code, message, **where)

    def warning(self, code: str, message: str, **where) -> None:
        self.report(Severity.WARNING, code, message, **where)


def _percent_cells(data: bytes) -> Callable[[str, str], bool]:
    """sheet, A1 -> whether the cell has a percent format (the styles are read on first use)."""
    formats: list = []

    def is_percent(sheet: str, cell: str) -> bool:
        if not formats:
            try:
                formats.append(xlsx_formats.XlsxFormats(data))
            except zipfile.BadZipFile:
                formats.append(None)
        return formats[0] is not None and formats[0].is_percent(sheet, cell)
    return is_percent


def _is_own_book(book: _Book) -> bool:
    """A consolidated book this tool wrote (this month's or last month's): its «Источники»
    sheet names the tool's version and the plan."""
    if SHEET_SOURCES not in book.names or SHEET_SUMMARY not in book.names:
        return False
    texts = [str(v) for row in book.grid(SHEET_SOURCES)[-40:] for v in row if isinstance(v, str)]
    return any(t.startswith(OWN_BOOK_MARK) for t in texts)


def _read_book(book: _Book, path: Path, file: str, sha256: str, plan: Plan,
               percent: Callable[[str, str], bool] | None = None) -> ReadResult:
    ctx = _Context(file, plan, formula_cells=book.formula_cells, percent_cell=percent)
    if _is_own_book(book):  # before its sheets are taken for the template's by their content
        ctx.warning("own-book", "Сводная книга cluster_xl — не отчёт организации, пропущена.")
        return ReadResult(path, None, tuple(ctx.issues))
    sheets = _locate_sheets(book, plan)
    if not sheets:
        ctx.error("not-a-template",
                  "Файл не соответствует шаблону отчёта: не найдены листы «"
                  + "», «".join(SHEET_NAMES.values())
                  + "». Заполните шаблон, направленный базовой организацией.")
        return ReadResult(path, None, tuple(ctx.issues))
    _report_sheets(ctx, sheets)
    title = _read_title(book.grid(sheets[TITLE])) if TITLE in sheets \
        else _Title({key: "" for key in c.TITLE_FIELDS})
    if title.period is not None and title.period.year in plan.years:
        ctx.report_year, ctx.report_month = title.period.year, title.period.month
    for key, cell in title.cells.items():
        if not title.fields[key]:
            ctx.formula_without_value(sheets[TITLE], cell, f"поле «{c.TITLE_FIELDS[key]}»")
    table = _TableState()
    for role in (ACTIVITIES, INDICATORS):
        if role in sheets:
            _read_table(ctx, table, sheets[role], book.grid(sheets[role]))
    specialties = _read_specialties(ctx, sheets[SPECIALTIES], book.grid(sheets[SPECIALTIES])) \
        if SPECIALTIES in sheets else ()
    table_facts = any(e.measure == FACT and e.year == ctx.report_year for e in table.entries)
    if table_facts:
        for report_missing in table.missing_facts:
            report_missing()
    year_facts = table_facts or any(ctx.report_year in s.fact_years for s in specialties)
    marked = any(s.plan_years or s.fact_years for s in specialties)
    read_tables = [sheets[r] for r in (ACTIVITIES, INDICATORS) if r in sheets]
    headless = {i.sheet for i in ctx.issues if i.code == "missing-header"}
    # A blank template is not a report yet (the title checks say so); one sent with its title filled is.
    if read_tables and title.fields["organisation"] and not table.filled and not marked \
            and not headless & set(read_tables):
        ctx.error("no-data",
                  "В отчёте нет ни одного значения: на листах «" + "», «".join(read_tables)
                  + "» не заполнены ни план, ни факт, на листе «" + c.SHEET_SPECIALTIES
                  + "» нет отметок. Заполните отчёт и направьте его повторно.", sheet=read_tables[0])
    elif read_tables and title.fields["organisation"] and ctx.report_year is not None and not year_facts \
            and not headless & set(read_tables):
        # Targets but not one fact of the report year: nothing of the month would be counted.
        ctx.error("no-data",
                  f"В отчёте не заполнено ни одного фактического значения за {ctx.report_year} год "
                  f"(графы «Факт {ctx.report_year}» на листах «" + "», «".join(read_tables)
                  + "» пусты). Заполните факт и направьте отчёт повторно.", sheet=read_tables[0])
    submission = Submission(
        file=file,
        path=path,
        sha256=sha256,
        organisation=title.fields["organisation"],
        period=title.period,
        title=title.fields,
        template_version=title.fields["template_version"] or None,
        entries=tuple(table.entries),
        specialties=specialties,
        notes=dict(table.notes),
        note_cells=dict(table.note_cells),
        title_cells=title.cells,
        units=dict(table.units),
        cells=dict(table.cells),
        issued=_read_control(book, ctx),
    )
    return ReadResult(path, submission, tuple(ctx.issues))


# -- finding the sheets -------------------------------------------------------


def _locate_sheets(book: _Book, plan: Plan) -> dict[str, str]:
    """Role -> sheet name: by name first, then a renamed sheet by its content."""
    found: dict[str, str] = {}
    by_norm = {c.norm_label(n): n for n in reversed(book.names)}
    for role, name in SHEET_NAMES.items():
        if c.norm_label(name) in by_norm:
            found[role] = by_norm[c.norm_label(name)]
    if len(found) == len(SHEET_NAMES):
        return found
    claimed = set(found.values())
    for name in book.names:
        if name in claimed or c.norm_label(name) in _OTHER_TEMPLATE_SHEETS:
            continue
        try:
            role = _classify(book.grid(name), plan)
        except CalamineError:
            continue  # a chart or macro sheet: not one of ours, and no reason to give up
        if role and role not in found:
            found[role] = name
            claimed.add(name)
    return found


_OTHER_TEMPLATE_SHEETS = {c.norm_label(n) for n in (c.SHEET_INSTRUCTIONS, c.SHEET_SELFCHECK, c.SHEET_LISTS,
                                                     c.SHEET_CONTROL)}


def _classify(grid: Grid, plan: Plan) -> str | None:
    """Which template sheet a renamed sheet is, judged by what it holds."""
    labels = _title_labels(grid)
    if "organisation" in labels and "period" in labels:
        return TITLE
    header = _find_header(grid, lambda t: t.startswith(c.norm_label(c.HEADER_CODE)) or c.is_code_header(t))
    if header is None:
        return None
    votes = {ACTIVITIES: 0, INDICATORS: 0, SPECIALTIES: 0}
    for row in grid[header.row + 1:]:
        value = _at(row, header.code_col)
        if c.SPECIALTY_CODE.match(_specialty_code(value)):
            votes[SPECIALTIES] += 1
        code = _row_code(value, plan)
        item = plan.by_code.get(code) or plan.input_codes.get(code)
        if item is not None:
            votes[ACTIVITIES if item.kind == "activity" else INDICATORS] += 1
    best = max(votes, key=votes.get)
    return best if votes[best] else None


def _report_sheets(ctx: _Context, sheets: dict[str, str]) -> None:
    for role, expected in SHEET_NAMES.items():
        name = sheets.get(role)
        if name is None and role == SPECIALTIES:
            # Only the distinct-count items need this sheet; without them it is optional.
            computed = ", ".join(i.code for i in ctx.plan.items if i.rule == "distinct")
            if computed:
                ctx.warning("missing-sheet",
                            f"В файле отсутствует лист «{expected}»: показатель {computed} "
                            "по организации не может быть рассчитан.", sheet=expected)
        elif name is None:
            ctx.error("missing-sheet", f"В файле отсутствует лист «{expected}».", sheet=expected)
        elif c.norm_label(name) != c.norm_label(expected):
            ctx.warning("renamed-sheet",
                        f"Лист «{name}» распознан по содержимому как лист «{expected}». "
                        "Переименовывать листы шаблона не следует.", sheet=name)


# -- cells --------------------------------------------------------------------


def _at(row: Row, col: int | None) -> object:
    if col is None or col >= len(row):
        return None
    return row[col]


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def said(value: object) -> str:
    """A cell's value as quoted in a message or an issue: as shown, at most ~200 characters."""
    return quote(show(value))


def show(value: object) -> str:
    """A cell value as a person would see it in a message."""
    if _blank(value):
        return ""
    if isinstance(value, datetime) and (value.hour, value.minute, value.second) != (0, 0, 0):
        return value.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, (date, datetime)):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _row_code(value: object, plan: Plan) -> str:
    """The plan code a code cell stands for, whatever a spreadsheet made of it.

    Excel in a Russian locale turns a retyped «1.1.1» into the date 01.01.2001
    and «3.1» into 3 January; a dot-decimal locale turns «3.1» into a number.
    Each reading is tried and the first one the plan knows wins.
    """
    candidates = _code_candidates(value)
    for code in candidates:
        if code in plan.input_codes or code in plan.by_code or code in plan.heading_codes:
            return code
    return candidates[0] if candidates else ""


def _code_candidates(value: object) -> tuple[str, ...]:
    try:
        # Every file repeats the template's few dozen codes.
        return _code_candidates_cached(value)
    except TypeError:  # an unhashable value from some other reader
        return _code_candidates_of(value)


@lru_cache(maxsize=4096, typed=True)
def _code_candidates_cached(value: object) -> tuple[str, ...]:
    return _code_candidates_of(value)


def _code_candidates_of(value: object) -> tuple[str, ...]:
    if _blank(value):
        return ()
    if isinstance(value, (date, datetime)):
        d, m, y = value.day, value.month, value.year
        return (f"{d}.{m}.{y % 100}", f"{d}.{m}", f"{d}.{m}.{y}")
    code = normalise_code(value)
    latin = _LATIN_P.match(code)
    return (code, f"П{latin.group(1)}") if latin else (code,)


# -- headers ------------------------------------------------------------------


@dataclass(frozen=True)
class _Header:
    row: int
    code_col: int
    name_col: int | None
    note_col: int | None
    measures: dict[tuple[str, int], int]  # (measure, year) -> column
    repeated: tuple[tuple[tuple[str, int], int], ...]  # a measure column seen twice
    unit_col: int | None = None


def _find_header(grid: Grid, is_code: Callable[[str], bool]) -> _Header | None:
    """The first row with a code label and at least one «План/Факт ГГГГ» column.

    A two-row header counts too: the year in a (merged) cell above «План» and «Факт»
    sub-headers in the row below, which is then the header row the data follows."""
    for r, row in enumerate(grid):
        labels = [c.norm_label(v) if isinstance(v, str) else "" for v in row]
        code_col = next((i for i, t in enumerate(labels) if t and t == c.norm_label(c.HEADER_CODE)), None)
        if code_col is None:
            code_col = next((i for i, t in enumerate(labels) if t and is_code(t)), None)
        if code_col is None:
            continue
        measures: dict[tuple[str, int], int] = {}
        repeated = []
        for i, value in enumerate(row):
            key = c.parse_measure_header(value) if isinstance(value, str) else None
            if key and key in measures:
                repeated.append((key, i))
            elif key:
                measures[key] = i
        header_row = r
        if not measures and r + 1 < len(grid):
            measures, repeated = _sub_headers(row, grid[r + 1])
            header_row = r + 1 if measures else r
        if measures:
            return _Header(header_row, code_col, _label_col(labels, c.HEADER_NAME),
                           _note_col(labels), measures, tuple(repeated),
                           _label_col(labels, c.HEADER_UNIT))
    return None


def _sub_headers(years_row: Row, row: Row) -> tuple[dict[tuple[str, int], int], list]:
    """«План» / «Факт» cells under a year: the year in the cell above or, merged, to its left."""
    measures: dict[tuple[str, int], int] = {}
    repeated = []
    year = None
    for i, value in enumerate(row):
        above = _at(years_row, i)
        if not _blank(above):
            year = c.header_year(above) if isinstance(above, (str, int, float)) else None
        measure = c.parse_measure_word(value) if isinstance(value, str) else None
        if measure is None or year is None:
            continue
        key = (measure, year)
        if key in measures:
            repeated.append((key, i))
        else:
            measures[key] = i
    return measures, repeated


def _note_col(labels: list[str]) -> int | None:
    """The reason / note column: today's label, or the one of templates sent out before."""
    for label in (c.HEADER_NOTE, *c.NOTE_HEADER_ALIASES):
        col = _label_col(labels, label)
        if col is not None:
            return col
    return None


def _label_col(labels: list[str], label: str) -> int | None:
    key = c.norm_label(label)
    return next((i for i, t in enumerate(labels) if t.startswith(key)), None)


def _check_columns(ctx: _Context, sheet: str, header: _Header, grid: Grid = ()) -> None:
    for (measure, year), col in header.repeated:
        first = a1(header.row, header.measures[(measure, year)])
        label = _measure_label(measure, year)
        ctx.warning("duplicate-column",
                    f"Столбец «{label}» встречается на листе повторно (первый — ячейка {first}); "
                    "учитываются значения только первого столбца.",
                    sheet=sheet, cell=a1(header.row, col), year=year, value=label)
    for year in ctx.plan.years:
        for measure in ("target", "fact"):
            if (measure, year) in header.measures:
                continue
            label = _measure_label(measure, year)
            if year == ctx.report_year:
                # The report year's figures are what the file is for: without the column they
                # would silently be lost, so the file is not accepted.
                ctx.report(Severity.ERROR, "missing-column",
                          f"На листе «{sheet}» в строке заголовков (строка {header.row + 1}) не найден "
                          f"столбец «{label}» отчётного года: ожидается заголовок «{label}» "
                          f"(или «{'План' if measure == 'target' else 'Факт'} на 31.12.{year}»); значения "
                          "отчётного года не могут быть прочитаны. Верните заголовок столбца шаблона.",
                          sheet=sheet, cell=_unlabelled_column(grid, header) if grid else "",
                          year=year, value=label)
            else:
                ctx.report(Severity.WARNING, "missing-column",
                            f"На листе «{sheet}» отсутствует столбец «{label}»; "
                            "значения за этот год не прочитаны.",
                            sheet=sheet, year=year, value=label)


def _unlabelled_column(grid: Grid, header: _Header) -> str:
    """The header cell of the first column with figures below it but no header: where the
    missing column most likely is ("" when there is none)."""
    head = grid[header.row]
    last = max(header.measures.values(), default=header.code_col) + 2
    for col in range(header.code_col + 1, min(last + 1, max(len(r) for r in grid))):
        if not _blank(_at(head, col)):
            continue
        if any(parse_number(_at(row, col)).is_number for row in grid[header.row + 1:header.row + 200]):
            return a1(header.row, col)
    return ""


def _measure_label(measure: str, year: int) -> str:
    return c.header_plan(year) if measure == "target" else c.header_fact(year)


def _missing_header(ctx: _Context, sheet: str, expected: str, severity: Severity) -> None:
    ctx.report(severity, "missing-header",
               f"На листе «{sheet}» не найдена строка заголовков таблицы (ячейка «{expected}» "
               "и столбцы «План ГГГГ», «Факт ГГГГ»); данные листа не прочитаны.", sheet=sheet)


# -- title sheet --------------------------------------------------------------


def _title_labels(grid: Grid) -> dict[str, tuple[int, int, int | None]]:
    """Field -> (row, label column, distance to the nearest filled cell right of it)."""
    found: dict[str, tuple[int, int, int | None]] = {}
    for r, row in enumerate(grid):
        fields = [_title_field(v) for v in row]
        for col, key in enumerate(fields):
            if key is None or key in found:
                continue
            filled = next((i for i in range(col + 1, len(row)) if not _blank(row[i])), None)
            # The next label's value is not ours.
            found[key] = (r, col, None if filled is None or fields[filled] else filled - col)
    return found


def _title_field(value: object) -> str | None:
    return _title_field_text(value) if isinstance(value, str) else None


@lru_cache(maxsize=4096)
def _title_field_text(value: str) -> str | None:
    text = c.norm_label(value).rstrip(":*").strip()
    if len(text) < 4:
        return None
    best, best_len = None, 0
    for key, label in c.TITLE_FIELDS.items():
        for norm in (c.norm_label(label), *map(c.norm_label, c.TITLE_ALIASES.get(key, ()))):
            if (text.startswith(norm) or norm.startswith(text)) and len(norm) > best_len:
                best, best_len = key, len(norm)
    return best


def _read_title(grid: Grid) -> _Title:
    found = _title_labels(grid)
    # A form keeps its values in one column.  The template writes a hint right of
    # each value cell, so for an empty value the nearest filled cell is the hint;
    # the shortest distance any label has to a filled cell is the value column.
    offset = min((d for _, _, d in found.values() if d is not None), default=1)
    fields = {key: "" for key in c.TITLE_FIELDS}
    cells: dict[str, str] = {}
    period = None
    for key, (r, col, _) in found.items():
        value = _at(grid[r], col + offset)
        cells[key] = a1(r, col + offset)
        if not _blank(value) and _title_field(value) is None:
            fields[key] = show(value)
            period = parse_period(value) if key == "period" else period
    return _Title(fields, period, cells)


@dataclass(frozen=True)
class _Title:
    fields: dict[str, str]  # every contract field, "" when absent
    period: Period | None = None
    cells: dict[str, str] = field(default_factory=dict)  # field -> A1 of its value


# -- activities and indicators ------------------------------------------------


@dataclass
class _TableState:
    """Shared by both table sheets: a code may appear once in the whole file."""

    entries: list[Entry] = field(default_factory=list)
    notes: dict[str, str] = field(default_factory=dict)
    note_cells: dict[str, Source] = field(default_factory=dict)  # the reason cell, filled or not
    seen: dict[str, str] = field(default_factory=dict)  # code -> where its first row is, in words
    units: dict[str, tuple[str, Source]] = field(default_factory=dict)  # «Ед. изм.» as typed
    cells: dict[tuple[str, int, str], Source] = field(default_factory=dict)  # filled or not
    filled: bool = False  # any value cell of an input row holds anything (a number, «-», text)
    missing_facts: list = field(default_factory=list)  # missing-fact warnings, made if facts exist


def _read_table(ctx: _Context, state: _TableState, sheet: str, grid: Grid) -> None:
    header = _find_header(grid, c.is_code_header)
    if header is None:
        _missing_header(ctx, sheet, c.HEADER_CODE, Severity.ERROR)
        return
    _check_columns(ctx, sheet, header, grid)
    columns = sorted((col, key) for key, col in header.measures.items() if key[1] in ctx.plan.years)
    for r in range(header.row + 1, len(grid)):
        _read_row(ctx, state, sheet, header, columns, r, grid[r])


Columns = list[tuple[int, tuple[str, int]]]  # (column, (measure, year)) in sheet order


def _read_row(ctx: _Context, state: _TableState, sheet: str, header: _Header, columns: Columns,
              r: int, row: Row) -> None:
    width = len(row)
    raw_code = row[header.code_col] if header.code_col < width else None
    code = _row_code(raw_code, ctx.plan)
    values = [row[col] if col < width else None for col, _ in columns]
    if code in ctx.plan.input_codes:
        code_cell = a1(r, header.code_col)
        if code in state.seen:
            ctx.error("duplicate-code",
                      f"Код {code} указан повторно (первое вхождение — {state.seen[code]}); "
                      "значения повторной строки не учтены.",
                      sheet=sheet, cell=code_cell, item=code, value=said(raw_code))
            return
        state.seen[code] = f"лист «{sheet}», ячейка {code_cell}"
        if header.unit_col is not None:
            unit_cell = a1(r, header.unit_col)
            state.units[code] = (show(_at(row, header.unit_col)), Source(ctx.file, sheet, unit_cell))
        if not state.filled and any(not _blank(v) for v in values):
            state.filled = True
        _take_values(ctx, state, sheet, code, r, columns, values)
        # Only rows a college fills in: the template explains computed rows in this column.
        if header.note_col is not None:
            state.note_cells[code] = Source(ctx.file, sheet, a1(r, header.note_col))
            _take_note(state, code, _at(row, header.note_col))
        return
    if all(v is None or v == "" for v in values):
        return  # an empty or heading row: by far the most common other row
    numbers = [(col, p) for (col, _), p in zip(columns, map(parse_number, values)) if p.is_number]
    if not numbers:
        return
    if _total_row(raw_code, _at(row, header.name_col)):
        col, p = numbers[0]
        ctx.warning("total-row",
                    f"Строка {r + 1} — итоговая строка организации («{said(_total_label(raw_code, row, header))}»), "
                    "её нет в шаблоне; итоги по кластеру рассчитываются автоматически, значения строки "
                    "не учтены.", sheet=sheet, cell=a1(r, col), value=said(p.raw))
    elif code in ctx.plan.by_code or code in ctx.plan.heading_codes:
        col, p = numbers[0]
        ctx.warning("value-in-computed-row", _computed_message(ctx.plan, code),
                    sheet=sheet, cell=a1(r, col), item=code, value=said(p.raw))
    elif code:
        ctx.error("unknown-code",
                  f"Код «{said(raw_code)}» отсутствует в плане кластера; значения строки не учтены.",
                  sheet=sheet, cell=a1(r, header.code_col), item=code, value=said(raw_code))
    else:
        ctx.error("missing-code",
                  f"В строке {r + 1} указаны значения, но не заполнен столбец «{c.HEADER_CODE}»; "
                  "значения строки не учтены.", sheet=sheet, cell=a1(r, header.code_col))


def _total_row(code: object, name: object) -> bool:
    """A row the college added for its own totals: «Итого», «Всего» in the code or name column."""
    for value in (code, name):
        if isinstance(value, str) and c.norm_label(value).startswith(c.TOTAL_ROW_WORDS):
            return True
    return False


def _total_label(code: object, row: Row, header: _Header) -> str:
    return show(code) if isinstance(code, str) and code.strip() else show(_at(row, header.name_col))


def _take_values(ctx: _Context, state: _TableState, sheet: str, code: str, r: int,
                 columns: Columns, values: list) -> None:
    file, cells, entries = ctx.file, state.cells, state.entries
    unit = ctx.plan.input_units.get(code, "")
    for (col, (measure, year)), value in zip(columns, values):
        p = parse_number(value)
        cell = a1(r, col)
        source = Source(file, sheet, cell)  # one object for both maps: thousands of files
        cells[(code, year, measure)] = source
        if p.is_number and isinstance(value, str) and (p.percent or p.grouped_by_point):
            if not _typed_number_fits(ctx, sheet, cell, code, year, measure, unit, value, p):
                continue
        elif p.is_number and ctx.percent_cell is not None and not float(p.value).is_integer() \
                and not is_percent_unit(unit) and ctx.percent_cell(sheet, cell):
            # 0.5 shown as «50%»: a percent typed in a row of counts or money, not a fraction.
            shown = f"{format_ru(p.value * 100, 2)}%"
            ctx.error("not-a-number",
                      f"Значение «{shown}» в ячейке {cell} (строка {code}, {MEASURE_WORDS[measure]} {year}) "
                      f"указано в процентах (формат ячейки «Процентный»), а строка измеряется в «{unit}»: "
                      f"{EXPECTED}. Укажите число в единицах строки и верните ячейке числовой формат.",
                      sheet=sheet, cell=cell, item=code, year=year, value=shown)
            continue
        if p.is_number:
            entries.append(Entry(code, year, measure, p.value, source))
        elif p.kind == "empty" and measure == "fact" and year == ctx.report_year:
            if ctx.formula_cells and cell in ctx.formula_cells.get(sheet, ()):
                ctx.formula_without_value(sheet, cell, f"строка {code}, факт {year}", item=code, year=year)
            else:
                _missing_fact(ctx, state, sheet, cell, code, year, columns, values)
        elif p.kind == "empty":
            if ctx.formula_cells:  # most files have no formula cells at all
                what = f"строка {code}, {MEASURE_WORDS[measure]} {year}"
                ctx.formula_without_value(sheet, cell, what, item=code, year=year)
        elif p.kind == "text":
            what = MEASURE_WORDS[measure]
            ctx.error("not-a-number",
                      f"Значение «{said(value)}» в ячейке {cell} (строка {code}, {what} {year}) "
                      f"не является числом: {EXPECTED}.",
                      sheet=sheet, cell=cell, item=code, year=year, value=said(value))


def _missing_fact(ctx: _Context, state: "_TableState", sheet: str, cell: str, code: str, year: int,
                  columns: Columns, values: list) -> None:
    """The report year's fact left empty where the college set itself a target for the year
    (and the item expects something by the report month: a one-off item not before December).
    Reported once the file is read, and only if it has report-year facts at all."""
    target = next((parse_number(v) for (_, key), v in zip(columns, values) if key == ("target", year)), None)
    item = ctx.plan.input_codes.get(code)
    if item is not None and item.schedule == "year_end" and (ctx.report_month or 12) < 12:
        return
    if target is not None and target.is_number and target.value > 0:
        state.missing_facts.append(lambda: ctx.warning("missing-fact",
                    f"В строке {code} указан план {year} года ({target.raw}), а ячейка {cell} факта "
                    f"{year} года не заполнена. Если исполнения нет, укажите 0; если значение ещё "
                    "уточняется, сообщите об этом в примечании.",
                    sheet=sheet, cell=cell, item=code, year=year))


def _typed_number_fits(ctx: _Context, sheet: str, cell: str, code: str, year: int, measure: str,
                       unit: str, value: str, p) -> bool:
    """A number typed as text that means something only in some rows: «50%» in a row
    measured in %, «1.160» in a row of money.  Elsewhere it is an error and not taken."""
    where = dict(sheet=sheet, cell=cell, item=code, year=year, value=said(value))
    what = f"строка {code}, {MEASURE_WORDS[measure]} {year}, ед. изм. «{unit}»"
    if p.percent and not is_percent_unit(unit):
        ctx.error("not-a-number",
                  f"Значение «{said(value)}» в ячейке {cell} ({what}) указано в процентах, а строка "
                  f"измеряется в «{unit}»: {EXPECTED}. Укажите число в единицах строки.", **where)
        return False
    if p.grouped_by_point and is_whole_unit(unit):
        ctx.error("check-separator",
                  f"Значение «{said(value)}» в ячейке {cell} ({what}): проверьте разделитель. В строке "
                  "считаются целые единицы, поэтому точка или запятая перед тремя цифрами может быть "
                  "разделителем тысяч (1 160) или десятичной (1,16) — число не учтено. Запишите тысячи "
                  "без точки и запятой или через пробел: 1160 или 1 160.", **where)
        return False
    return True


def _take_note(state: _TableState, code: str, value: object) -> None:
    text = show(value)
    if text and code not in state.notes:
        state.notes[code] = text


def _computed_message(plan: Plan, code: str) -> str:
    item = plan.by_code.get(code)
    if item is None:
        return (f"Строка {code} является заголовком раздела и не заполняется; "
                "указанные в ней значения не учтены.")
    if item.rule == "distinct":
        source = f"по листу «{c.SHEET_SPECIALTIES}»"
    else:
        source = "по строкам " + ", ".join(item.input_codes)
    return (f"Значение строки {code} рассчитывается автоматически {source}; "
            "указанные в ней значения не учтены.")


# -- the targets a template was issued with -----------------------------------


def _read_control(book: _Book, ctx: _Context) -> dict[tuple[str, int], float | None]:
    """(code, year) -> the target as issued (None for «-»), from the hidden «Контроль»."""
    name = next((n for n in book.names if c.norm_label(n) == c.norm_label(c.SHEET_CONTROL)), None)
    if name is None:
        return {}
    try:
        grid = book.grid(name)
    except CalamineError:
        return {}
    issued: dict[tuple[str, int], float | None] = {}
    for row in grid[1:]:
        code = _row_code(_at(row, 0), ctx.plan)
        year = parse_number(_at(row, 1))
        target = parse_number(_at(row, 2))
        if code in ctx.plan.input_codes and year.is_number and target.kind in ("number", "none"):
            issued[(code, int(year.value))] = target.value
    return issued


# -- specialties --------------------------------------------------------------


def _specialty_code(value: object) -> str:
    # Excel in a Russian locale reads a retyped «13.02.11» as the date 13.02.2011.
    if isinstance(value, (date, datetime)):
        return value.strftime("%d.%m.%y")
    # A letter О typed for a zero, З for a three: «13.О2.07».
    return "".join(show(value).split()).rstrip(".").translate(_SPECIALTY_LOOKALIKES)


_SPECIALTY_LOOKALIKES = str.maketrans({"О": "0", "о": "0", "O": "0", "o": "0", "З": "3", "з": "3", ",": "."})


def _read_specialties(ctx: _Context, sheet: str, grid: Grid) -> tuple[Specialty, ...]:
    header = _find_header(grid, lambda t: t.startswith(c.norm_label(c.HEADER_CODE)))
    if header is None:
        _missing_header(ctx, sheet, c.HEADER_SPECIALTY_CODE, Severity.WARNING)
        return ()
    header = _specialty_name_col(header, grid[header.row])
    _check_columns(ctx, sheet, header, grid)
    merged: dict[str, dict] = {}
    for r in range(header.row + 1, len(grid)):
        _read_specialty_row(ctx, sheet, header, r, grid[r], merged)
    return tuple(
        Specialty(code, m["name"], frozenset(m["target"]), frozenset(m["fact"]), m["source"])
        for code, m in merged.items()
    )


def _specialty_name_col(header: _Header, row: Row) -> _Header:
    """«Наименование профессии, специальности» first; any «Наименование…» will do."""
    labels = [c.norm_label(v) if isinstance(v, str) else "" for v in row]
    col = _label_col(labels, c.HEADER_SPECIALTY_NAME)
    if col is None:
        return header
    return replace(header, name_col=col)


def _read_specialty_row(ctx: _Context, sheet: str, header: _Header, r: int, row: Row,
                        merged: dict[str, dict]) -> None:
    raw = _at(row, header.code_col)
    if _blank(raw):
        return
    code, cell = _specialty_code(raw), a1(r, header.code_col)
    name = show(_at(row, header.name_col))
    if not c.SPECIALTY_CODE.match(code):
        # A line of text under the table is a note, not a malformed code.
        if name or any(not _blank(_at(row, col)) for col in header.measures.values()):
            ctx.error("bad-specialty-code",
                      f"Код «{said(raw)}» не соответствует формату кода профессии, специальности "
                      "(например, 13.02.11); строка не учтена.",
                      sheet=sheet, cell=cell, value=said(raw))
        return
    marks = _read_marks(ctx, sheet, header, r, row, code)
    if code in merged:
        first = merged[code]["source"].cell
        ctx.warning("duplicate-specialty",
                    f"Код {code} указан повторно (первое вхождение — ячейка {first}); "
                    "отметки строк объединены.", sheet=sheet, cell=cell, item=code, value=code)
        merged[code]["name"] = merged[code]["name"] or name
    else:
        merged[code] = {"name": name, "target": set(), "fact": set(), "source": Source(ctx.file, sheet, cell)}
    for measure, years in marks.items():
        merged[code][measure] |= years


def _read_marks(ctx: _Context, sheet: str, header: _Header, r: int, row: Row,
                code: str) -> dict[str, set[int]]:
    marks: dict[str, set[int]] = {"target": set(), "fact": set()}
    for (measure, year), col in sorted(header.measures.items(), key=lambda kv: kv[1]):
        if year not in ctx.plan.years:
            continue
        value = _at(row, col)
        verdict = _mark(value)
        if verdict:
            marks[measure].add(year)
        elif verdict is None:
            ctx.warning("bad-mark",
                        f"Отметка «{said(value)}» в ячейке {a1(r, col)} не распознана: наличие "
                        "отмечается «1», «да» или «+», отсутствие — пустой ячейкой; отметка не учтена.",
                        sheet=sheet, cell=a1(r, col), item=code, year=year, value=said(value))
    return marks


def _mark(value: object) -> bool | None:
    """True for yes, False for no or empty, None when it cannot be told."""
    if _blank(value):
        return False
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return True if value == 1 else (False if value == 0 else None)
    if value is True:
        return True
    text = c.norm_label(value).strip(" .!")
    if text in c.MARKS_YES:
        return True
    if text in _MARKS_NO or value is False:
        return False
    return None
