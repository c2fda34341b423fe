"""The template contract: what a college workbook looks like to a program.

`template.py` writes it, `reader.py` reads it; both take every name from here.
The reader finds things by these labels, never by fixed position, so rows may
move, blank rows and extra columns may appear, and notes may follow the table.
The README documents the same contract for people writing other programs.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..core.text import fold

# Bump when the layout changes in a way older readers cannot follow.
TEMPLATE_FORMAT = "1"

SHEET_INSTRUCTIONS = "Инструкция"
SHEET_TITLE = "Титул"
SHEET_ACTIVITIES = "Мероприятия"
SHEET_INDICATORS = "Показатели"
SHEET_SPECIALTIES = "Специальности"
SHEET_LISTS = "Списки"  # hidden: the roster and the periods for drop-down lists
# The college's self-check (live formulas): informational, never read — `check` is the authority.
SHEET_SELFCHECK = "Проверка"
# Hidden, only in a template issued with the college's own targets filled in
# (Filling.lock_plan): code, year and the target as issued, one row each, so a
# changed target can be told from the one issued.
SHEET_CONTROL = "Контроль"
CONTROL_HEADER = ("Код", "Год", "План")

# Title sheet: a label in one cell, the value in the cell to its right.
TITLE_FIELDS: dict[str, str] = {
    "organisation": "Организация",
    "period": "Отчётный период (ГГГГ-ММ)",
    "responsible": "Ответственное лицо (ФИО)",
    "position": "Должность",
    "phone": "Телефон",
    "email": "Электронная почта",
    "filled_on": "Дата заполнения",
    "template_version": "Версия шаблона",
}
REQUIRED_TITLE_FIELDS = ("organisation", "period", "responsible")
# Labels people retype a field's label as (matched like the labels themselves).
TITLE_ALIASES: dict[str, tuple[str, ...]] = {
    "organisation": ("Наименование организации", "Наименование образовательной организации",
                     "Полное наименование организации", "Образовательная организация",
                     "Наименование учреждения"),
    "period": ("Период", "Отчетный месяц"),
    "responsible": ("Ответственный исполнитель", "Исполнитель", "ФИО ответственного"),
}

# Activities and indicators sheets: one header row with these labels.
HEADER_CODE = "Код"
HEADER_NAME = "Наименование"
HEADER_UNIT = "Ед. изм."
# Where a college explains an item behind its schedule (a programme report's «обоснование
# причин отклонения»), or notes anything else.  Templates sent out before said «Примечание»:
# that label, and what people type instead, are read as the same column.
HEADER_NOTE = "Причина отклонения / примечание"
NOTE_HEADER_ALIASES = ("Примечание", "Причина отклонения", "Причины отклонения",
                       "Обоснование причин отклонения", "Комментарий")


def header_plan(year: int) -> str:
    return f"План {year}"


def header_fact(year: int) -> str:
    return f"Факт {year}"


# Specialties sheet: code, name, then a mark per year for plan and fact.
HEADER_SPECIALTY_CODE = "Код специальности"
HEADER_SPECIALTY_NAME = "Наименование профессии, специальности"
SPECIALTY_CODE = re.compile(r"^\d{2}\.\d{2}\.\d{2}$")
# What counts as "yes" in a mark cell (people type all of these).
MARKS_YES = frozenset({"1", "да", "д", "есть", "имеется", "+", "x", "х", "v", "✓", "✔", "√", "☑", "☒",
                       "yes", "y", "true"})
# A college's own total row under a table: its first words in the code or the name column.
TOTAL_ROW_WORDS = ("итого", "всего")

# «План 2026», «Факт 2026 г.», «Факт на 31.10.2026», «Факт на 01.11.2026», «Факт⏎2026»: the word,
# then anything; the year is the last four-digit year in the text.
_MEASURE = re.compile(r"^(план|факт)")
_YEAR = re.compile(r"(?<!\d)((?:19|20|21)\d\d)(?!\d)")
_NEW_YEAR = re.compile(r"(?<!\d)0?1\.0?1\.((?:19|20|21)\d\d)(?!\d)")
# Labels people put over the code column instead of «Код».
CODE_HEADER_ALIASES = ("№ п/п", "№п/п", "№", "n п/п", "номер", "код позиции", "код мероприятия",
                       "код показателя", "шифр")


def norm_label(text: object) -> str:
    """Lowercase, ё→е, whitespace folded: the form labels are compared in."""
    if text is None:
        return ""
    return _norm_text(text) if isinstance(text, str) else _norm_text(str(text))


@lru_cache(maxsize=16384)  # the same labels in every one of thousands of files
def _norm_text(text: str) -> str:
    return fold(text)


def parse_measure_header(text: object) -> tuple[str, int] | None:
    """'План 2026' -> ('target', 2026); 'Факт на 31.10.2026' -> ('fact', 2026).

    The year is the last four-digit year in the header, so a date before it («Факт на
    01.11.2026») does not hide it; a fact «на 01.01.2027» is the state at the end of 2026."""
    label = norm_label(text)
    m = _MEASURE.match(label)
    if not m:
        return None
    year = header_year(label[m.end():])
    if year is None:
        return None
    return ("target" if m.group(1) == "план" else "fact", year)


def parse_measure_word(text: object) -> str | None:
    """A sub-header «План» / «Факт» with no year (a two-row header has the year above)."""
    label = norm_label(text).rstrip(":., ")
    if label in ("план", "факт", "цель"):
        return "fact" if label == "факт" else "target"
    return None


def header_year(text: object) -> int | None:
    """The year a header speaks of: «2026», «2026 г.», «на 31.10.2026»; None without one."""
    label = norm_label(text)
    years = _YEAR.findall(label)
    if not years:
        return None
    new_year = _NEW_YEAR.search(label)
    if new_year and new_year.group(1) == years[-1]:
        return int(years[-1]) - 1
    return int(years[-1])


def is_code_header(label: str) -> bool:
    """«Код», or what people put over the code column instead (already normalised)."""
    return label == norm_label(HEADER_CODE) or label in _CODE_ALIASES


def template_version(plan_id: str) -> str:
    """Stored as text in the title sheet: survives any office suite's round trip."""
    return f"{TEMPLATE_FORMAT}/{plan_id}"


_CODE_ALIASES = frozenset(norm_label(a) for a in CODE_HEADER_ALIASES)
