"""How many lines a wrapped cell's text takes: the one measure every sheet sets row heights by.

Heights are set explicitly because LibreOffice, Р7-Офис and merged cells do not
grow a row to fit its text on opening: without them long names print cut off.
`width` is in characters of the cell's font (a column width scaled by the font
size by the caller); Cyrillic glyphs of Times New Roman and Calibri are about
as wide as the «0» a column width is counted in, bold ones a little wider.
"""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=65_536)  # names and reasons repeat down a sheet: measured once each
def line_count(text: str, width: float, bold: bool = False) -> int:
    """Lines a wrapped cell needs: greedy word wrap, about a character per width unit."""
    capacity = max(width * (0.9 if bold else 1.0) - 1.0, 1.0)
    if len(text) <= capacity and "\n" not in text:
        return 1
    lines = 0
    for paragraph in text.split("\n"):
        lines, used = lines + 1, 0.0
        for word in paragraph.split():
            if used and used + 1 + len(word) > capacity:
                lines, used = lines + 1, 0.0
            used += (1 if used else 0) + len(word)
            while used > capacity:  # a word longer than the column breaks anywhere
                lines, used = lines + 1, used - capacity
    return lines
