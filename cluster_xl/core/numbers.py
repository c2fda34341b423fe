"""Numbers as people type them in Russian spreadsheets.

"1 160", "1\u00a0160", "1\u202f160", "87,5", "10 000,50", "47 " — all numbers;
"-", "—", "–" mean *none* (nothing planned / nothing to report); an empty cell
means *not filled in*.  Anything else is not a number and the caller reports it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from datetime import date, datetime

# Characters people and office suites use as thousands separators.
_SPACES = dict.fromkeys(map(ord, "\u00a0\u202f\u2009\u2007\t"), " ")
_DASHES = {"-", "\u2013", "\u2014", "\u2212"}
_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")
# A space is only a thousands separator between groups of three digits:
# "1 160" is 1160, but "12 3456" or "1 16" is a typo, not a number.
_GROUPED = re.compile(r"^[+-]?\d{1,3}( \d{3})+([.,]\d*)?$")
_POINT_GROUPED = re.compile(r"^[+-]?\d{1,3}(?:([.,])\d{3})(?:\1\d{3})*$")
# Beyond this no count or sum of a college is meant: 1.7976931348623157E308 is a pasted artefact.
LARGEST = 1e15
# Word and LibreOffice put a minus sign or an en dash where a hyphen-minus belongs.
_MINUS = str.maketrans({"\u2212": "-", "\u2013": "-"})


@dataclass(frozen=True)
class Parsed:
    """Result of parsing one cell.

    kind: "number" (value set), "none" (a dash: nothing planned), "empty"
    (not filled in) or "text" (not a number; `raw` keeps what was typed).
    """

    kind: str
    value: float | None = None
    raw: str = ""
    percent: bool = False  # typed with a «%» sign («50%»): the number is 50, the caller judges the row

    @property
    def grouped_by_point(self) -> bool:
        """«1.160» / «1,160»: one dot or comma, then groups of exactly three digits — a thousands
        separator to some, a decimal one to others (the caller judges by the row's unit)."""
        return self.kind == "number" and bool(_POINT_GROUPED.match(self.raw.strip()))

    @property
    def is_number(self) -> bool:
        return self.kind == "number"


EMPTY = Parsed("empty")
NONE = Parsed("none", raw="-")


def parse_number(cell: object) -> Parsed:
    """Parse a cell value as read by any reader (str, int, float, bool, date, None)."""
    if cell is None:
        return EMPTY
    try:
        # Thousands of files repeat the same few hundred values; Parsed is immutable.
        return _parse_cached(cell)
    except TypeError:  # an unhashable value from some other reader
        return _parse(cell)


@lru_cache(maxsize=16384, typed=True)
def _parse_cached(cell: object) -> Parsed:
    return _parse(cell)


def _parse(cell: object) -> Parsed:
    if cell is None:
        return EMPTY
    if isinstance(cell, bool):
        return Parsed("text", raw=str(cell))
    if isinstance(cell, (int, float)):
        if (isinstance(cell, float) and not math.isfinite(cell)) or abs(cell) > LARGEST:
            return Parsed("text", raw=str(cell))
        return Parsed("number", float(cell), raw=_format_raw(cell))
    if isinstance(cell, (date, datetime)):
        return Parsed("text", raw=cell.isoformat())
    text = str(cell).strip()
    if text == "":
        return EMPTY
    if text in _DASHES:
        return NONE
    body = text[:-1].rstrip() if text.endswith("%") else text
    body = " ".join(body.translate(_SPACES).split())
    body = body[:1].translate(_MINUS) + body[1:]
    if " " in body and not _GROUPED.match(body):
        return Parsed("text", raw=text)
    compact = body.replace(" ", "")
    if _NUMBER.match(compact):
        # A comma is the Russian decimal separator; a dot is accepted too.
        value = float(compact.replace(",", "."))
        # 400 typed digits overflow to infinity: not a number anyone meant; nor is 10^308.
        if math.isfinite(value) and abs(value) <= LARGEST:
            return Parsed("number", value, raw=text, percent=text.endswith("%"))
    return Parsed("text", raw=text)


def _format_raw(x: int | float) -> str:
    if isinstance(x, float) and x.is_integer():
        return str(int(x))
    return str(x)


def format_ru(x: float | None, digits: int = 1) -> str:
    """1160.0 -> "1 160"; 90.909 -> "90,9"; None -> "—" (for messages)."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    if float(x).is_integer():
        return f"{int(x):,}".replace(",", "\u00a0")
    s = f"{x:,.{digits}f}".replace(",", "\u00a0").replace(".", ",")
    return s


# Units whose rows count whole things (a fraction is a typo) and the unit of a share, as the
# plan and people spell them: «чел.», «человек», «ед.», «единиц»; «%», «процентов».
_WHOLE_UNITS = frozenset({"чел", "человек", "человека", "челов", "ед", "единиц", "единица", "единицы"})
_PERCENT_UNITS = frozenset({"%", "процент", "процентов", "проц"})


def _unit_word(unit: str) -> str:
    return "".join(ch for ch in str(unit).lower() if ch not in " .,")


def is_whole_unit(unit: str) -> bool:
    """«чел.», «ед.»: a row of whole persons or things."""
    return _unit_word(unit) in _WHOLE_UNITS


def is_percent_unit(unit: str) -> bool:
    return _unit_word(unit) in _PERCENT_UNITS
