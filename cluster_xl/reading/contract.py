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
HEADER_NOTE = "Примечание"


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

_MEASURE = re.compile(r"^(план|факт)\D*(\d{4})")


def norm_label(text: object) -> str:
    """Lowercase, ё→е, whitespace folded: the form labels are compared in."""
    if text is None:
        return ""
    return _norm_text(text) if isinstance(text, str) else _norm_text(str(text))


@lru_cache(maxsize=16384)  # the same labels in every one of thousands of files
def _norm_text(text: str) -> str:
    return fold(text)


def parse_measure_header(text: object) -> tuple[str, int] | None:
    """'План 2026' -> ('target', 2026); 'Факт на 31.12.2027' -> ('fact', 2027)."""
    m = _MEASURE.match(norm_label(text))
    if not m:
        return None
    return ("target" if m.group(1) == "план" else "fact", int(m.group(2)))


def template_version(plan_id: str) -> str:
    """Stored as text in the title sheet: survives any office suite's round trip."""
    return f"{TEMPLATE_FORMAT}/{plan_id}"
