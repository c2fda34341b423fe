"""Number formats of .xlsx cells, read only when a figure needs them (standard library only).

python-calamine gives a cell's value, not its format; a percent typed in Calc or Excel
(«50%») arrives as 0.5.  In a row counted in persons that is not a fraction of a person
but a percent typed where a count belongs, and the college is told so.  The package has
passed `guard.py` (sizes bounded, no DOCTYPE); each part is parsed once, on demand.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from functools import cached_property
from xml.etree import ElementTree as ET

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
# Built-in number formats that show a percent.
_BUILTIN_PERCENT = {9: "0%", 10: "0.00%"}


class XlsxFormats:
    """Sheet name + A1 -> the cell's number format string ("" for General)."""

    def __init__(self, data: bytes):
        self._zip = zipfile.ZipFile(io.BytesIO(data))
        self._sheets: dict[str, dict[str, int]] = {}

    def format_of(self, sheet: str, cell: str) -> str:
        styles = self._sheet_styles(sheet)
        xf = styles.get(cell, 0)
        if xf >= len(self._xf_formats):
            return ""
        fmt = self._xf_formats[xf]
        return self._formats.get(fmt, _BUILTIN_PERCENT.get(fmt, ""))

    def is_percent(self, sheet: str, cell: str) -> bool:
        return is_percent_format(self.format_of(sheet, cell))

    @cached_property
    def _styles(self) -> ET.Element | None:
        try:
            return ET.fromstring(self._zip.read("xl/styles.xml"))
        except (KeyError, ET.ParseError):
            return None

    @cached_property
    def _formats(self) -> dict[int, str]:
        if self._styles is None:
            return {}
        return {int(n.get("numFmtId", "0")): n.get("formatCode", "")
                for n in self._styles.iter(f"{_MAIN}numFmt")}

    @cached_property
    def _xf_formats(self) -> list[int]:
        if self._styles is None:
            return []
        xfs = self._styles.find(f"{_MAIN}cellXfs")
        return [int(x.get("numFmtId", "0")) for x in (xfs if xfs is not None else ())]

    @cached_property
    def _sheet_parts(self) -> dict[str, str]:
        try:
            book = ET.fromstring(self._zip.read("xl/workbook.xml"))
            rels = ET.fromstring(self._zip.read("xl/_rels/workbook.xml.rels"))
        except (KeyError, ET.ParseError):
            return {}
        targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{_PKG_REL}Relationship")}
        parts = {}
        for s in book.iter(f"{_MAIN}sheet"):
            target = targets.get(s.get(f"{_REL}id"), "")
            parts[s.get("name", "")] = target.lstrip("/") if target.startswith("/") else \
                posixpath.normpath(posixpath.join("xl", target))
        return parts

    def _sheet_styles(self, sheet: str) -> dict[str, int]:
        if sheet not in self._sheets:
            styles: dict[str, int] = {}
            part = self._sheet_parts.get(sheet)
            try:
                for _, el in ET.iterparse(io.BytesIO(self._zip.read(part)) if part else io.BytesIO(b"<x/>")):
                    if el.tag == f"{_MAIN}c":
                        if el.get("s") and el.get("r"):
                            styles[el.get("r")] = int(el.get("s"))
                        el.clear()
            except (KeyError, ET.ParseError, ValueError):
                pass
            self._sheets[sheet] = styles
        return self._sheets[sheet]


_LITERALS = re.compile(r'"[^"]*"|\\.|_.|\*.|\[[^\]]*\]')


def is_percent_format(text: str) -> bool:
    """«0%», «0.0%», «#,##0.00 %»: a % outside quoted text."""
    return "%" in _LITERALS.sub("", text.split(";")[0])
