"""Text helpers every stage shares: a value as text, text folded for comparison, A1 addresses."""

from __future__ import annotations

import math
import unicodedata
from datetime import date, datetime
from functools import lru_cache


def as_text(value) -> str:
    """A value as text, "" for None / NaN / pd.NA (a frame cell where nothing was reported)."""
    if value is None:
        return ""
    try:
        if value != value:  # NaN, pd.NA
            return ""
    except TypeError:  # pd.NA refuses to be compared
        return ""
    return str(value)


def num(value) -> float | None:
    """A value as a float, None for text, NaN, None, pd.NA."""
    if value is None or isinstance(value, str):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def cell_text(value) -> str:
    """A cell read back from a workbook as text: 5.0 -> «5», a date -> ISO, stripped."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value).strip()


def quote(value: object, limit: int = 200) -> str:
    """A cell's text for a message or an issue's value: at most `limit` characters, the cut
    marked «…» (a cell may hold 32 767 characters; a message quotes what the person typed)."""
    text = value if isinstance(value, str) else cell_text(value)
    if len(text) <= limit:
        return text
    return text[:limit - 1].rstrip() + "…"


def fold(text: object) -> str:
    """Text as compared, not as shown: lower case, «ё» as «е», runs of spaces as one."""
    return " ".join(str(text).lower().replace("ё", "е").split())


@lru_cache(maxsize=65536)  # the template's cells, over and over
def a1(row: int, col: int) -> str:
    """Zero-based (row, col) -> 'A1' address."""
    letters = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{row + 1}"


# Bidirectional controls: they reorder what a terminal shows (a name can look like another).
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def printable(text: str, keep_newlines: bool = True) -> str:
    """Text safe to print on a terminal: control characters (C0, C1, DEL), line and paragraph
    separators and bidirectional overrides shown as escapes («\\x1b», «\\u202e»), so a cell or
    a file name can neither drive the terminal (clipboard, title, cursor) nor forge a line of
    the report.  Spaces of every kind (the no-break space of «1 160») stay as they are."""
    if text.isprintable() and not _BIDI.intersection(text):
        return text
    out = []
    for ch in text:
        if ch == "\n" and keep_newlines:
            out.append(ch)
        elif ch in _BIDI or unicodedata.category(ch) in ("Cc", "Zl", "Zp"):
            code = ord(ch)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(ch)
    return "".join(out)
