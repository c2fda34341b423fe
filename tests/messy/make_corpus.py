"""A corpus of submissions as colleges really make them, generated at test time.

Every case starts from a shipped example (`examples/2026-10/…`) or the blank
template and is edited the way a person edits it: typed over (openpyxl, only
where a person would type into a cell), reworked and saved in LibreOffice Calc
(headless, through the spreadsheet API: `uno_batch.py`), or converted by
gnumeric's `ssconvert`.  No binaries are committed; `build(out_dir)` writes
the files and is deterministic in content.

Each case carries an EXPECTATION, what the author of the file meant:

* ``accept`` — the file is accepted with exactly the source's numbers (read
  independently by `tests/independent.py`, openpyxl/odfpy) with the case's
  `changes` applied: every (code, year, plan/fact) value, none missing, none
  extra; the specialty marks likewise; the `warnings` listed must be among
  the warnings reported.
* ``reject`` — the file is rejected with exactly the `errors` listed, each
  (issue code, sheet, cell); ``ANY`` in a place matches whatever is there.
* ``listed`` — the file is listed (with the `warnings`) but its numbers are
  not counted in the cluster's totals (an employer's file).

Nothing here imports cluster_xl.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Mapping

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples" / "2026-10"
TEMPLATE = REPO / "templates" / "cluster_template.xlsx"
PERIOD = (2026, 10)
REPORT_YEAR = 2026

# Issue codes the expectations name that the reader does not have yet (or may
# name differently): adjust here when the fix settles on a name.
CHECK_SEPARATOR = "check-separator"   # «1.160» / «1,160» typed in a row counted in persons or units
PERCENT_IN_COUNT = "not-a-number"     # «50%» typed in a row that is not measured in %
NO_DATA = "no-data"                   # a report with the title filled and no figures at all
MISSING_FACT = "missing-fact"         # the report year's fact empty where the college has a target
TOTAL_ROW = "total-row"               # the college's own «Итого»/«Всего» row, ignored
MISSING_FACT_COLUMN = "missing-column"  # the report year's «Факт» column not found (an error)

ANY = None  # in an expected (code, sheet, cell): matches anything

ACT, IND, TIT, SPE = "Мероприятия", "Показатели", "Титул", "Специальности"
SPK, TGK, KTT = "01_spk_2026-10.xlsx", "05_tgk_2026-10.xlsx", "06_ktt_2026-10.xlsx"
SPT_ODS = "07_spt_2026-10.ods"


@dataclass(frozen=True)
class Expect:
    verdict: str  # "accept" | "reject" | "listed"
    # (code, year, "plan"|"fact") -> the value meant, or None: no value (relative to the source)
    changes: Mapping[tuple[str, int, str], float | None] = field(default_factory=dict)
    # (specialty code, year, "plan"|"fact") -> marked or not (relative to the source)
    marks: Mapping[tuple[str, int, str], bool] = field(default_factory=dict)
    errors: frozenset = frozenset()    # reject: exactly these (code, sheet, cell)
    warnings: frozenset = frozenset()  # accept / listed: at least these (code, sheet, cell)


def accept(changes=None, marks=None, warnings=()):
    return Expect("accept", dict(changes or {}), dict(marks or {}), warnings=frozenset(warnings))


def reject(*errors):
    return Expect("reject", errors=frozenset(errors))


# Steps.  A case is a chain of them, applied to the source in order.
def type_(*cells):
    """A person types into cells: (sheet, A1, value); a value starting with «=» is a formula."""
    return ("type", tuple(cells))


def calc(ext, *ops):
    """Opened in LibreOffice Calc, edited (uno_batch.py ops) and saved as `ext`."""
    return ("calc", ext, tuple(ops))


def gnumeric(ext):
    """Opened in gnumeric and saved as `ext` (ssconvert)."""
    return ("gnumeric", ext)


@dataclass(frozen=True)
class Case:
    name: str
    klass: str
    source: str  # a file in examples/2026-10, or "template"
    steps: tuple
    expect: Expect
    what: str = ""

    @property
    def source_path(self) -> Path:
        return TEMPLATE if self.source == "template" else EXAMPLES / self.source

    @property
    def organisation(self) -> str | None:
        """The roster id the file speaks for (from the example's name)."""
        return None if self.source == "template" else self.source.split("_")[1]

    @property
    def tools(self) -> set[str]:
        return {s[0] for s in self.steps} - {"type"}


def _both(op, *args):
    """The same edit on both table sheets."""
    return [(op, ACT, *args), (op, IND, *args)]


def _two_row_header(sheet):
    ops = [("insert_rows", sheet, 4, 1)]
    for col, year in (("D", 2026), ("F", 2027), ("H", 2028)):
        nxt = chr(ord(col) + 1)
        ops += [("set_string", sheet, f"{col}3", str(year)), ("clear", sheet, f"{nxt}3"),
                ("merge", sheet, f"{col}3:{nxt}3"),
                ("set_string", sheet, f"{col}4", "План"), ("set_string", sheet, f"{nxt}4", "Факт")]
    for col in "ABCJ":
        ops.append(("merge", sheet, f"{col}3:{col}4"))
    return ops


def _serial(d: date) -> int:
    return (d - date(1899, 12, 30)).days


F = REPORT_YEAR  # brevity in the tables below

CASES: list[Case] = [
    # -- 1. headers rewritten (in LibreOffice Calc) ------------------------------------------
    Case("header-fact-on-31-10", "headers", SPK,
         (calc("xlsx", *_both("set_string", "E3", "Факт на 31.10.2026")),), accept(),
         "«Факт на 31.10.2026» over the report year's fact"),
    Case("header-fact-on-01-11", "headers", SPK,
         (calc("xlsx", *_both("set_string", "E3", "Факт на 01.11.2026")),), accept(),
         "«Факт на 01.11.2026»"),
    Case("header-year-with-g", "headers", SPK,
         (calc("xlsx", *_both("set_string", "D3", "План 2026 г."), *_both("set_string", "E3", "Факт 2026 г.")),),
         accept(), "«План 2026 г.» / «Факт 2026 г.»"),
    Case("header-line-break", "headers", SPK,
         (calc("xlsx", *_both("set_string", "E3", "Факт\n2026")),), accept(),
         "«Факт⏎2026» (Alt+Enter in the header)"),
    Case("header-two-rows", "headers", SPK,
         (calc("xlsx", *_two_row_header(ACT), *_two_row_header(IND)),), accept(),
         "the year merged above «План»/«Факт» sub-headers"),
    Case("header-two-rows-ods", "headers", SPK,
         (calc("ods", *_two_row_header(ACT), *_two_row_header(IND)),), accept(),
         "two-row header, saved as .ods"),
    Case("header-no-pp", "headers", SPK,
         (calc("xlsx", *_both("set_string", "A3", "№ п/п")),), accept(), "«№ п/п» instead of «Код»"),
    Case("header-no", "headers", SPK,
         (calc("xlsx", *_both("set_string", "A3", "№")),), accept(), "«№» instead of «Код»"),
    Case("header-extra-columns", "headers", SPK,
         (calc("xlsx", ("insert_cols", ACT, "D", 1), ("insert_cols", ACT, "G", 1),
               ("set_string", ACT, "G3", "Отклонение"), ("set_formula", ACT, "G7", "=F7-E7"),
               ("insert_cols", IND, "B", 1), ("set_string", IND, "B3", "Ответственный"),
               ("set_string", IND, "B4", "Соколова А. В.")),), accept(),
         "a blank column before «План 2026», a computed and a text column inserted"),
    Case("rows-moved", "headers", SPK,
         (calc("xlsx", ("move_row", ACT, 7, 11), ("move_row", IND, 8, 4)),), accept(),
         "1.1.2 moved below 1.2.1, П5 moved to the top"),
    Case("fact-column-unfindable", "headers", SPK,
         (calc("xlsx", ("clear", ACT, "E3")),),
         reject((MISSING_FACT_COLUMN, ACT, ANY)),
         "the header of «Факт 2026» deleted: its numbers cannot be placed"),

    # -- 2. files written by other programs -----------------------------------------------
    Case("gnumeric-xls", "programs", SPK, (gnumeric("xls"),), accept(), "xlsx → xls by ssconvert"),
    Case("gnumeric-ods", "programs", SPK, (gnumeric("ods"),), accept(), "xlsx → ods by ssconvert"),
    Case("gnumeric-ods-to-xlsx", "programs", SPT_ODS, (gnumeric("xlsx"),), accept(), "ods → xlsx by ssconvert"),
    Case("gnumeric-xlsx-to-xlsx", "programs", "04_pst_2026-10.xlsx", (gnumeric("xlsx"),), accept(),
         "opened and saved as xlsx in gnumeric"),
    Case("gnumeric-xls-then-calc-xlsx", "programs", "03_keg_2026-10.xlsx",
         (gnumeric("xls"), calc("xlsx")), accept(), "ssconvert's xls opened and saved in LibreOffice"),
    Case("calc-ods", "programs", SPK, (calc("ods"),), accept(), "xlsx → ods by LibreOffice"),
    Case("calc-ods-to-xlsx", "programs", SPT_ODS, (calc("xlsx"),), accept(), "ods → xlsx by LibreOffice"),
    Case("calc-xls", "programs", SPK, (calc("xls"),), accept(), "xlsx → xls by LibreOffice"),
    Case("calc-xls-to-xlsx", "programs", "02_nit_2026-10.xlsx", (calc("xls"), calc("xlsx")), accept(),
         "xls by LibreOffice, opened and saved again as xlsx"),

    # -- 3. title fields as typed ------------------------------------------------------------
    Case("filled-on-in-words", "title", SPK, (type_((TIT, "B10", "10 ноября 2026 г.")),), accept(),
         "«Дата заполнения»: 10 ноября 2026 г."),
    Case("filled-on-as-text", "title", SPK, (type_((TIT, "B10", "03.11.2026")),), accept(),
         "the fill date typed as text"),
    Case("period-oktyabr-goda", "title", SPK, (type_((TIT, "B5", "Октябрь 2026 года")),), accept(),
         "period «Октябрь 2026 года»"),
    Case("period-za-oktyabr", "title", SPK, (type_((TIT, "B5", "за октябрь 2026 г.")),), accept(),
         "period «за октябрь 2026 г.»"),
    Case("period-okt-abbrev", "title", SPK, (type_((TIT, "B5", "окт. 2026")),), accept(),
         "period «окт. 2026»"),
    Case("period-mm-yyyy", "title", SPK, (type_((TIT, "B5", "10.2026")),), accept(), "period «10.2026»"),
    Case("period-previous-month", "title", SPK, (type_((TIT, "B5", "2026-09")),),
         reject(("wrong-period", TIT, "B5")), "last month's period left in the title"),
    Case("title-label-reworded", "title", SPK, (type_((TIT, "A4", "Наименование организации:")),), accept(),
         "the label «Организация» retyped as «Наименование организации:»"),
    Case("period-date-cell", "title", SPK,
         (calc("xlsx", ("set_value", TIT, "B5", _serial(date(2026, 10, 1))),
               ("number_format", TIT, "B5", "MM.YYYY")),), accept(),
         "period typed in Calc, which made it a date cell 01.10.2026 shown as 10.2026"),
    Case("org-bu-po", "title", SPK, (type_((TIT, "B4", "БУ ПО «Северный политехнический колледж»")),),
         accept(), "legal form abbreviated: «БУ ПО «…»»"),
    Case("org-gbpou-quotes", "title", SPK, (type_((TIT, "B4", 'ГБПОУ "Северный политехнический колледж"')),),
         accept(), "«ГБПОУ \"…\"», straight quotes"),
    Case("org-au", "title", TGK, (type_((TIT, "B4", "АУ «Таёжный горный колледж»")),), accept(),
         "«АУ «…»»"),
    Case("org-full-name-straight-quotes", "title", SPK,
         (type_((TIT, "B4", 'Бюджетное учреждение профессионального образования '
                            '"Северный политехнический колледж"')),), accept(),
         "the full name with \"\" instead of «»"),
    Case("org-yo-as-e", "title", TGK, (type_((TIT, "B4", "Таежный горный колледж")),), accept(),
         "ё typed as е"),
    Case("org-hyphen-as-space", "title", KTT,
         (type_((TIT, "B4", "Кедровский транспортно технологический колледж")),), accept(),
         "«транспортно-технологический» typed with a space"),
    Case("org-hyphen-as-dash", "title", KTT,
         (type_((TIT, "B4", "Кедровский транспортно – технологический колледж")),), accept(),
         "«транспортно – технологический», an en dash with spaces"),
    Case("title-merged-cells", "title", SPK,
         (calc("xlsx", ("merge", TIT, "B4:C4"), ("merge", TIT, "B5:C5")),), accept(),
         "organisation and period value cells merged with the hint cells in Calc"),

    # -- 4. codes as typed -------------------------------------------------------------------
    Case("code-latin-p", "codes", SPK, (type_((IND, "A4", "P1")),), accept(), "«P1», Latin P"),
    Case("code-cyrillic-er", "codes", SPK, (type_((IND, "A6", "Р3")),), accept(),
         "«Р3», Cyrillic Р (the look-alike of Latin P) for П3"),
    Case("code-ze-as-three", "codes", SPK, (type_((ACT, "A53", "5.4.1/3")),), accept(),
         "«5.4.1/3», the digit 3 for the letter з"),
    Case("code-part-spaced-upper", "codes", SPK, (type_((ACT, "A52", "5.4.1 / Ч")),), accept(),
         "«5.4.1 / Ч»"),
    Case("code-trailing-dot", "codes", SPK, (type_((ACT, "A7", "1.1.2. ")),), accept(), "«1.1.2. »"),
    Case("specialty-cyrillic-o", "codes", SPK, (type_((SPE, "A5", "13.О2.07")),), accept(),
         "specialty «13.О2.07» with a Cyrillic О for zero"),
    Case("total-row-itogo", "codes", SPK,
         (calc("xlsx", ("set_string", ACT, "B66", "Итого"), ("set_formula", ACT, "D66", "=SUM(D56:D65)"),
               ("set_formula", ACT, "E66", "=SUM(E56:E65)")),),
         accept(warnings=[(TOTAL_ROW, ACT, ANY)]),
         "an «Итого» row (SUM formulas, no code) under the last section, added in Calc"),
    Case("total-row-vsego", "codes", SPK,
         (type_((IND, "A11", "Всего"), (IND, "D11", 246), (IND, "E11", 231)),),
         accept(warnings=[(TOTAL_ROW, IND, ANY)]),
         "«Всего» typed in the code column with totals"),

    Case("code-became-date", "codes", SPK,
         (calc("xlsx", ("set_value", ACT, "A34", _serial(date(2026, 1, 3))), ("number_format", ACT, "A34", "DD.MM")),),
         accept(), "code «3.1» retyped in a General cell in Calc, which made it the date 03.01"),
    Case("specialty-code-became-date", "codes", SPK,
         (calc("xlsx", ("set_value", SPE, "A4", _serial(date(2011, 2, 13))), ("number_format", SPE, "A4", "DD.MM.YY")),),
         accept(), "specialty «13.02.11» retyped in Calc, which made it the date 13.02.2011"),
    Case("computed-row-filled", "codes", SPK, (type_((ACT, "E51", 88.5)),),
         accept(warnings=[("value-in-computed-row", ACT, "E51")]),
         "the computed 5.4.1 (%) row filled in by hand: ignored with a warning"),

    # -- 5. numbers as typed -----------------------------------------------------------------
    Case("number-space-grouped", "numbers", SPK, (type_((ACT, "E61", "1 160")),),
         accept({("6.3.1", F, "fact"): 1160}), "«1 160» in a row in persons"),
    Case("number-nbsp-grouped", "numbers", SPK,
         (type_((ACT, "E61", "1\u00a0160"), (IND, "E10", "12\u202f251")),),
         accept({("6.3.1", F, "fact"): 1160}), "no-break and narrow no-break spaces as text"),
    Case("number-dot-grouped", "numbers", SPK, (type_((ACT, "E38", "1.160")),),
         reject((CHECK_SEPARATOR, ACT, "E38")), "«1.160» in a row in persons (4.1.1)"),
    Case("number-comma-grouped", "numbers", SPK, (type_((ACT, "E7", "1,160")),),
         reject((CHECK_SEPARATOR, ACT, "E7")), "«1,160» in a row in units (1.1.2)"),
    Case("number-decimal-comma-rub", "numbers", SPK, (type_((ACT, "E35", "87,5")),),
         accept({("3.2", F, "fact"): 87.5}), "«87,5» in тыс. руб."),
    Case("number-grouped-decimal-rub", "numbers", SPK, (type_((IND, "E10", "10 000,50")),),
         accept({("П7", F, "fact"): 10000.5}), "«10 000,50» in тыс. руб."),
    Case("number-percent-text", "numbers", SPK, (type_((IND, "E8", "50%")),),
         reject((PERCENT_IN_COUNT, IND, "E8")), "«50%» typed as text in a row in persons (П5)"),
    Case("number-percent-calc", "numbers", SPK,
         (calc("xlsx", ("set_value", IND, "E8", 0.5), ("number_format", IND, "E8", "0%")),),
         reject((PERCENT_IN_COUNT, IND, "E8")), "50% typed in Calc: 0.5 formatted as % in a row in persons"),
    Case("number-with-unit", "numbers", SPK, (type_((ACT, "E38", "6 чел.")),),
         reject(("not-a-number", ACT, "E38")), "«6 чел.»"),
    Case("number-unicode-minus", "numbers", SPK, (type_((ACT, "E38", "\u22125")),),
         reject(("negative-number", ACT, "E38")), "«−5» with a minus sign"),
    Case("number-net-text", "numbers", SPK, (type_((ACT, "E38", "нет")),),
         reject(("not-a-number", ACT, "E38")), "«нет» typed in a fact cell"),
    Case("number-text-apostrophe", "numbers", SPK,
         (calc("xlsx", ("set_string", ACT, "E6", "6"), ("set_string", ACT, "E7", "7"),
               ("set_string", IND, "E4", "171")),), accept(),
         "numbers entered as text in Calc ('6)"),
    Case("formula-cached", "numbers", SPK,
         (calc("xlsx", ("set_formula", ACT, "E7", "=3+4"), ("set_formula", ACT, "E61", "=40+60"),
               ("set_formula", IND, "E8", "=ROUND(D8*0.9;0)")),), accept(),
         "facts as formulas, computed and saved by Calc"),
    Case("formula-without-value", "numbers", SPK, (type_((ACT, "E7", "=3+4")),),
         reject(("formula-without-value", ACT, "E7")), "a formula written by a program that does not calculate"),

    # -- 6. empty or partial reports ---------------------------------------------------------
    Case("title-only", "empty", "template",
         (type_((TIT, "B4", "Северный политехнический колледж"), (TIT, "B5", "2026-10"),
                (TIT, "B6", "Соколова Анна Викторовна"), (TIT, "B7", "методист"),
                (TIT, "B10", "03.11.2026")),),
         reject((NO_DATA, ANY, ANY)), "the blank template with only the title filled"),
    Case("facts-missing", "empty", SPK,
         (type_((ACT, "E40", None), (ACT, "E56", None), (IND, "E8", None)),),
         accept({("4.2.1", F, "fact"): None, ("6.1.1", F, "fact"): None, ("П5", F, "fact"): None},
                warnings=[(MISSING_FACT, ACT, "E40"), (MISSING_FACT, ACT, "E56"), (MISSING_FACT, IND, "E8")]),
         "three facts left empty where the college has its own 2026 target"),

    # -- 7. an employer's file ---------------------------------------------------------------
    Case("employer-file", "employer", SPK, (type_((TIT, "B4", "АО «Северная нефтяная компания»")),),
         Expect("listed", warnings=frozenset({("not-a-college", TIT, "B4")})),
         "an employer filled in the college form"),

    # -- 8. specialty marks ------------------------------------------------------------------
    Case("marks-variants", "marks", SPK,
         (type_((SPE, "C4", "✓"), (SPE, "C5", "v"), (SPE, "C6", "x"), (SPE, "C7", "+"), (SPE, "C8", "Да"),
                (SPE, "C9", 1), (SPE, "D4", "1"), (SPE, "D5", "V"), (SPE, "D6", "х")),),
         accept(), "«✓», «v», «x», «+», «Да», 1, «1», «V», Cyrillic «х»"),
    Case("marks-est", "marks", SPK, (type_((SPE, "C4", "есть"), (SPE, "D5", "Есть")),), accept(),
         "«есть» for yes"),
    Case("marks-unrecognised", "marks", SPK, (type_((SPE, "C4", "планируется")),),
         accept(marks={("13.02.11", F, "plan"): False}, warnings=[("bad-mark", SPE, "C4")]),
         "«планируется»: not a mark; a located warning, not counted"),

    # -- other things a methodologist sees ---------------------------------------------------
    Case("hidden-rows", "other", SPK, (calc("xlsx", ("hide_row", ACT, 22), ("hide_row", IND, 7)),), accept(),
         "rows with figures hidden"),
    Case("sheet-renamed", "other", SPK, (calc("xlsx", ("rename_sheet", ACT, "Мероприятия 2026")),),
         accept(warnings=[("renamed-sheet", "Мероприятия 2026", ANY)]), "«Мероприятия» renamed"),
    Case("extra-sheet", "other", SPK,
         (calc("xlsx", ("add_sheet", "Пояснения", 2, ("A1", "Пояснительная записка"),
                        ("A2", "Данные по 4.2.1 уточняются"))),), accept(),
         "a sheet of the college's own added before the tables"),
    Case("blank-rows-and-notes", "other", SPK,
         (calc("xlsx", ("insert_rows", ACT, 9, 2), ("set_string", ACT, "A70", "Исполнитель: Соколова А. В."),
               ("set_string", IND, "A13", "Данные по П7 уточняются")),), accept(),
         "blank rows inside the table, notes below it"),
    Case("ods-typed-numbers", "other", SPK,
         (type_((ACT, "E61", "1 160"), (ACT, "E35", "87,5")), calc("ods")),
         accept({("6.3.1", F, "fact"): 1160, ("3.2", F, "fact"): 87.5}),
         "numbers typed as text, then saved as .ods in Calc"),
    Case("gnumeric-xls-typed-numbers", "other", SPK,
         (type_((ACT, "E61", "1 160"), (ACT, "E35", "87,5")), gnumeric("xls")),
         accept({("6.3.1", F, "fact"): 1160, ("3.2", F, "fact"): 87.5}),
         "numbers typed as text, then saved as .xls by gnumeric"),
]

assert len({c.name for c in CASES}) == len(CASES)


# -- expectations from the source, read independently -----------------------------------


def expected(case: Case):
    """(values, specialties) the author meant: the source read by tests/independent.py, edited."""
    if str(REPO / "tests") not in sys.path:
        sys.path.insert(0, str(REPO / "tests"))
    from helpers import independent

    values, specs = independent.read_values(case.source_path)
    values = dict(values)
    for key, v in case.expect.changes.items():
        if v is None:
            values.pop(key, None)
        else:
            values[key] = float(v)
    specs = {code: (set(p), set(f)) for code, (p, f) in specs.items()}
    for (code, year, measure), on in case.expect.marks.items():
        years = specs[code][0 if measure == "plan" else 1]
        (years.add if on else years.discard)(year)
    return values, specs


# -- the tools ------------------------------------------------------------------------------


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def uno_python() -> str | None:
    """A Python interpreter that can `import uno` (LibreOffice's bridge)."""
    for exe in (os.environ.get("UNO_PYTHON"), "/usr/bin/python3", "/usr/lib/libreoffice/program/python",
                shutil.which("python3"), sys.executable):
        if exe and os.path.exists(exe):
            try:
                subprocess.run([exe, "-c", "import uno"], check=True, capture_output=True, timeout=30)
                return exe
            except (subprocess.SubprocessError, OSError):
                continue
    return None


def available_tools() -> dict[str, str | None]:
    """Tool -> why it is unavailable (None when it is there)."""
    have_soffice, py = soffice(), None
    if have_soffice:
        py = uno_python()
    return {
        "calc": None if have_soffice and py else
        ("LibreOffice (soffice) is not installed" if not have_soffice else "no Python with the uno module"),
        "gnumeric": None if shutil.which("ssconvert") else "gnumeric (ssconvert) is not installed",
    }


_GNUMERIC_TYPES = {"xls": "Gnumeric_Excel:excel_biff8", "ods": "Gnumeric_OpenCalc:openoffice",
                   "xlsx": "Gnumeric_Excel:xlsx2"}


def _type_into(src: Path, dst: Path, cells) -> None:
    from openpyxl import load_workbook

    wb = load_workbook(src)
    for sheet, cell, value in cells:
        wb[sheet][cell].value = value
    wb.save(dst)


def _gnumeric(src: Path, dst: Path) -> None:
    subprocess.run(["ssconvert", "-T", _GNUMERIC_TYPES[dst.suffix[1:]], str(src), str(dst)],
                   check=True, capture_output=True, timeout=120)


def _calc_batch(jobs: list[tuple[Path, Path, tuple]], work: Path) -> dict[Path, str]:
    """All Calc jobs of a round in one LibreOffice session; dst -> error for the failed ones."""
    spec = {"soffice": soffice(), "profile": str(work / "lo-profile"),
            "jobs": [{"src": str(s), "dst": str(d), "ops": [list(op) for op in ops]} for s, d, ops in jobs]}
    jobs_file = work / f"jobs-{len(list(work.glob('jobs-*.json')))}.json"
    jobs_file.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    run = subprocess.run([uno_python(), str(Path(__file__).with_name("uno_batch.py")), str(jobs_file)],
                         capture_output=True, text=True, timeout=600)
    failed = {}
    for line in run.stderr.splitlines():
        if line.startswith("FAILED "):
            dst, _, why = line[len("FAILED "):].partition(": ")
            failed[Path(dst)] = why
    for _, dst, _ in jobs:
        if not dst.exists() and dst not in failed:
            failed[dst] = run.stderr[-2000:] or "not written"
    return failed


def build(out_dir: Path, cases: list[Case] = CASES) -> dict[str, Path | str]:
    """Write every case's file into `out_dir`: name -> path, or the reason it was not built."""
    out_dir.mkdir(parents=True, exist_ok=True)
    tools = available_tools()
    work = Path(tempfile.mkdtemp(prefix="messy-work-", dir=out_dir))
    result: dict[str, Path | str] = {}
    current: dict[str, Path] = {}
    for case in cases:
        missing = [tools[t] for t in sorted(case.tools) if tools.get(t)]
        if missing:
            result[case.name] = "; ".join(missing)
        else:
            current[case.name] = case.source_path
    by_name = {c.name: c for c in cases}
    rounds = max((len(c.steps) for c in cases), default=0)
    for i in range(rounds):
        calc_jobs = []
        for name in list(current):
            case = by_name[name]
            if i >= len(case.steps):
                continue
            step, src = case.steps[i], current[name]
            last = i == len(case.steps) - 1
            ext = {"type": "xlsx", "calc": step[1], "gnumeric": step[1]}[step[0]]
            dst = (out_dir if last else work) / f"{name}{'' if last else f'.step{i}'}.{ext}"
            try:
                if step[0] == "type":
                    _type_into(src, dst, step[1])
                elif step[0] == "gnumeric":
                    _gnumeric(src, dst)
                else:
                    calc_jobs.append((name, src, dst, step[2]))
                    continue
            except (subprocess.SubprocessError, OSError) as exc:
                result[name] = f"step {i} failed: {exc}"
                del current[name]
                continue
            current[name] = dst
        if calc_jobs:
            failed = _calc_batch([(s, d, ops) for _, s, d, ops in calc_jobs], work)
            for name, _, dst, _ in calc_jobs:
                if dst in failed:
                    result[name] = f"LibreOffice step {i} failed: {failed[dst]}"
                    del current[name]
                else:
                    current[name] = dst
    result.update(current)
    return result


if __name__ == "__main__":  # python tests/messy/make_corpus.py OUT_DIR: look at the files
    built = build(Path(sys.argv[1] if len(sys.argv) > 1 else "messy-corpus"))
    for name, got in built.items():
        print(f"{name:32} {got}")
