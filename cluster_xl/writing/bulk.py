"""The «Данные» sheet at national scale: a quarter of a million rows, written straight.

Two thousand colleges' files give about 250,000 accepted numbers, nine cells
each.  Written cell by cell through XlsxWriter that is two million cell
objects held until the workbook closes (hundreds of megabytes) and most of a
minute spent building and escaping them.  Here the rows are kept as a few
columns of integers (shared-string indices) and numbers, and rendered into the
sheet's XML in one pass when XlsxWriter assembles that sheet.

The bytes are the same as cell-by-cell writing would give: strings enter the
shared-string table in the same order and as often, a format gets its style
index when it is first met, in the same order, and row heights come from the
same rule (`layout.Sheet.height_for`).

Two shortcuts serve the whole book: `FastSheet` writes the plain cells of the
other sheets (130,000 for 2,000 colleges) without XlsxWriter's general escaping,
byte for byte as XlsxWriter does; `BulkWorkbook` zips the package at a lower
level (the file is about a quarter larger, zipping four times faster).

All of this leans on XlsxWriter's internals (`_write_cell`, `_write_sheet_data`,
`_write_rows`, `_check_dimensions`, `_store_workbook`, `str_table`, the cell
tuples, `fh`, `dim_rowmax`, `xls_rowmax`, `constant_memory`, `_xml_start_tag`,
`_xml_end_tag`, `_get_xf_index`, `_get_shared_string_index`, the module's
`ZipFile`), so they are used only where `FAST` says the installed XlsxWriter is
a version whose bytes tests/test_bulk.py has compared (`TESTED_VERSIONS`);
any other version gets XlsxWriter's own writing, cell by cell: slower, the same
content.
"""

from __future__ import annotations

import sys
import threading
import zipfile
from dataclasses import dataclass

import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell_fast
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from ..core.model import MEASURE_WORDS
from .frames import as_text, num, numbers_of, records, texts_of

TESTED_VERSIONS = ("3.3",)  # major.minor whose internals this module writes as
FAST = ".".join(xlsxwriter.__version__.split(".")[:2]) in TESTED_VERSIONS

# Columns of «Данные», left to right (the header is written by writer.py).
FIELDS = ("organisation", "code", "item", "year", "measure", "value", "file", "sheet", "cell")
MEASURES = MEASURE_WORDS
DASH = "—"
# Text cells of a row in the order they are written (5 is the «—» of a missing value)
# and the style of each; year (3) and value (5) are numbers.
_TEXT_COLUMNS = (0, 1, 2, 4, 5, 6, 7, 8)
_STYLES = {0: "text", 1: "code", 2: "code", 4: "dash", 5: "dash", 6: "text", 7: "text", 8: "code"}
_PLAIN = (4, 5)  # written without a row-height check: plan/fact and «—» are short


# zlib level of the package.  The default (6) spends 1.6 s on the 88 MB of «Данные»
# XML of 2,000 colleges; level 2 spends 0.35 s for a file a quarter larger (measured:
# 8.7 MB -> 10.9 MB); level 1 is no faster and larger still, level 3 0.15 s slower.
ZIP_LEVEL = 2
_ZIPPING = threading.Lock()


class BulkWorkbook(Workbook):
    """A workbook packaged at `ZIP_LEVEL`.

    XlsxWriter has no option for it: its `_store_workbook` makes the ZipFile
    itself, by the name `ZipFile` in its module (so in 3.1 to 3.3).  That name
    is pointed at a ZipFile with our level while this workbook is packaged, and
    put back after; an XlsxWriter that zips some other way keeps its default.
    Another thread writing an ordinary XlsxWriter workbook at that moment would
    get the same level: a valid file, only smaller or larger.
    """

    def _store_workbook(self) -> None:
        module = sys.modules[Workbook.__module__]
        if not FAST or getattr(module, "ZipFile", None) is not zipfile.ZipFile:
            return super()._store_workbook()
        with _ZIPPING:  # two threads writing at once must not put back each other's name
            module.ZipFile = _LevelZipFile
            try:
                return super()._store_workbook()
            finally:
                module.ZipFile = zipfile.ZipFile


class _LevelZipFile(zipfile.ZipFile):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("compresslevel", ZIP_LEVEL)
        super().__init__(*args, **kwargs)


@dataclass
class _Rows:
    first: int  # zero-based row of the first data row
    strings: list  # per text column (_TEXT_COLUMNS): shared-string indices as text, None = blank
    year: list  # numbers, None = blank
    value: list  # numbers, None = «—»
    heights: list  # points per row, 0.0 = default height
    formats: dict  # name -> XlsxWriter format
    full: list  # per row: True where no cell is blank (the common shape)


class FastSheet(Worksheet):
    """A worksheet whose plain cells are put into its XML directly.

    A number, a shared string or a blank cell with a format is written as
    XlsxWriter writes it (`<c r="B7" s="12"><v>5</v></c>`), without its general
    attribute escaping: 130,000 such cells in the other sheets of 2,000
    colleges.  Any other cell, and every cell of a constant-memory sheet, is
    XlsxWriter's own (tests/test_bulk.py compares the bytes with XlsxWriter's).
    """

    def _write_cell(self, row: int, col: int, cell) -> None:
        kind = _PLAIN_CELLS.get(type(cell).__name__) if FAST else None
        fmt = getattr(cell, "format", None)
        if kind is None or fmt is None or self.constant_memory:
            return super()._write_cell(row, col, cell)
        ref, xf = xl_rowcol_to_cell_fast(row, col), fmt._get_xf_index()
        if kind == "number":
            self.fh.write(f'<c r="{ref}" s="{xf}"><v>{cell.number:.16G}</v></c>')
        elif kind == "string":
            self.fh.write(f'<c r="{ref}" s="{xf}" t="s"><v>{cell.string}</v></c>')
        else:
            self.fh.write(f'<c r="{ref}" s="{xf}"/>')


_PLAIN_CELLS = {"Number": "number", "String": "string", "Blank": "blank"}  # XlsxWriter's cell tuples


class BulkSheet(FastSheet):
    """A worksheet that also takes one long run of data rows after what was written normally."""

    def __init__(self):
        super().__init__()
        self._bulk: _Rows | None = None

    def _write_sheet_data(self) -> None:
        if self._bulk is None or not self._bulk.heights:
            return super()._write_sheet_data()
        # Cells written the ordinary way (title, header) end above the bulk rows;
        # XlsxWriter must not walk a quarter of a million empty rows looking for them.
        last = self.dim_rowmax
        self.dim_rowmax = self._bulk.first - 1
        self._xml_start_tag("sheetData")
        self._write_rows()
        self.dim_rowmax = last
        for batch in _render(self, self._bulk):
            self.fh.write(batch)
        self._xml_end_tag("sheetData")


def data_rows(sheet, first: int, entries) -> int:
    """Put the entries frame into `sheet` (a writer `_Sheet` over a `BulkSheet`) from row
    `first`; returns the row after the last one."""
    import numpy as np


    ws = sheet.ws
    n = len(entries)  # data_sheet hands each sheet no more than it holds
    if first + n > ws.xls_rowmax:
        raise ValueError(f"{first + n - ws.xls_rowmax} rows past the sheet's last row")
    if n <= 0:
        return first
    frame = entries.iloc[:n]
    if not FAST:
        return _cell_by_cell(sheet, first, frame)
    year, value = numbers_of(frame, "year"), numbers_of(frame, "value")
    missing = np.array([v is None for v in value], dtype=bool)
    # Each text column as codes into its distinct texts (-1 = blank): the work is per
    # distinct text (a few thousand), not per cell (two million).
    columns = [(missing.astype(np.int64) - 1, [DASH]) if c == 5 else _distinct(frame, FIELDS[c])
               for c in _TEXT_COLUMNS]
    index = _shared_strings(ws.str_table, columns)
    heights = np.zeros(n)
    for (codes, texts), c in zip(columns, _TEXT_COLUMNS):
        if c not in _PLAIN:
            need = [sheet.height_for(c, t, (_STYLES[c],)) for t in texts]
            heights = np.maximum(heights, np.array(need + [0.0])[codes])  # -1 takes the last, 0.0
    book = sheet.book
    formats = {name: book.fmt(name) for name in ("text", "code", "dash", "int", "dec")}
    texts = [j for j, c in enumerate(_TEXT_COLUMNS) if c != 5]  # column 5 holds «—» only when blank
    full = (np.array([index[j] for j in texts]) >= 0).all(axis=0) & ~missing
    full &= np.array([y is not None for y in year], dtype=bool)
    # Indices as the XML spells them, each spelled once; -1 takes the last, None (blank).
    top = max(int(i.max()) for i in index) + 1
    spelled = np.array([str(k) for k in range(top)] + [None], dtype=object)
    ws._bulk = _Rows(first, [spelled[i].tolist() for i in index], year, value, heights.tolist(), formats,
                     full.tolist())
    ws._check_dimensions(first + n - 1, len(FIELDS) - 1)
    return first + n


def _cell_by_cell(sheet, first: int, frame) -> int:
    """The same rows through XlsxWriter's public calls: for a version not tested here."""
    ws, book = sheet.ws, sheet.book
    center, integer, decimal = book.fmt("dash"), book.fmt("int"), book.fmt("dec")
    row = first
    for org, code, item, year, measure, value, file, sheet_name, cell in records(frame, FIELDS):
        sheet.text(row, 0, as_text(org), "text")
        sheet.text(row, 1, as_text(code), "code")
        sheet.text(row, 2, as_text(item), "code")
        sheet.number(row, 3, num(year), "dash", missing="")
        ws.write_string(row, 4, MEASURES.get(measure, as_text(measure)) or DASH, center)
        number = num(value)
        if number is None:
            ws.write_string(row, 5, DASH, center)
        else:
            ws.write_number(row, 5, number, integer if number.is_integer() else decimal)
        sheet.text(row, 6, as_text(file), "text")
        sheet.text(row, 7, as_text(sheet_name), "text")
        sheet.text(row, 8, as_text(cell), "code")
        row += 1
    return row


def _shared_strings(table, columns: list) -> list:
    """Shared-string indices per column (-1 = blank), the strings entered as cell-by-cell
    writing enters them: row by row, left to right, every use counted."""
    import numpy as np

    met = []  # (first row, column, code) of every distinct text of every column
    for j, (codes, _) in enumerate(columns):
        found, rows = np.unique(codes, return_index=True)
        met += [(row, j, code) for code, row in zip(found.tolist(), rows.tolist()) if code >= 0]
    known = [np.full(len(texts) + 1, -1, dtype=np.int64) for _, texts in columns]
    for _, j, code in sorted(met):
        known[j][code] = table._get_shared_string_index(columns[j][1][code])
    filled = sum(int((codes >= 0).sum()) for codes, _ in columns)
    table.count += filled - len(met)  # each call above counted one use
    return [k[codes] for k, (codes, _) in zip(known, columns)]  # code -1 takes the last, -1


def _distinct(frame, name: str):
    """A column as (codes, texts): the text cell-by-cell writing writes in a row is
    texts[codes[row]]; code -1 where the cell is blank."""
    import numpy as np
    import pandas as pd

    if name not in frame.columns:
        return np.full(len(frame), -1, dtype=np.int64), []
    codes, uniques = pd.factorize(frame[name])  # missing (None, NaN, NA) -> -1
    uniques = list(uniques)
    if not all(type(u) is str for u in uniques):
        # Not all text: equal values of different types (1, 1.0) must not merge.
        codes, uniques = pd.factorize(np.array(_texts(frame, name), dtype=object))
        uniques = list(uniques)
    codes = codes.astype(np.int64)
    if name == "measure":  # missing or empty reads «—»
        texts = [MEASURES.get(u, u) or DASH for u in uniques] + [DASH]
        return np.where(codes < 0, len(uniques), codes), texts
    if "" in uniques:
        codes = np.where(codes == uniques.index(""), -1, codes)
    return codes, uniques


def _texts(frame, name: str) -> list:
    """A column as the texts cell-by-cell writing would write ("" = blank)."""

    if name == "measure" and name in frame.columns:
        return [MEASURES.get(m, as_text(m)) or DASH for m in frame[name].tolist()]
    return texts_of(frame, name)


def _render(ws: BulkSheet, rows: _Rows):
    """The <row> elements, a batch of rows at a time, in order.

    A style gets its index when first used, as in XlsxWriter: every row meets
    text, code and dash first; int or dec (the value) are numbered where the
    first of each appears.  Everything a row repeats (its number, the span and
    height attributes, the value with its style) is a string made once, so the
    common row (no blanks) is one f-string."""
    f = rows.formats
    ta, co, da = (str(f[name]._get_xf_index()) for name in ("text", "code", "dash"))
    kinds = ["" if v is None else "int" if v.is_integer() else "dec" for v in rows.value]
    style = {name: str(f[name]._get_xf_index()) for name in sorted(set(kinds) - {""}, key=kinds.index)}
    values = _numerals(rows.value, lambda v: style["int" if v.is_integer() else "dec"] + '"><v>')
    years = _numerals(rows.year)
    spans, heights = _row_attributes(ws, rows)
    org, code, item, measure, dash, file, sheet, cell = rows.strings
    first = rows.first + 1
    for start in range(0, len(rows.heights), _BATCH):
        part = slice(start, start + _BATCH)
        numbers = map(str, range(first + start, first + min(start + _BATCH, len(rows.heights))))
        # In three f-strings: one of more than 30 parts is built through a list and a join.
        yield "".join([
            f'<row r="{r}" spans="{sp}"{ht}><c r="A{r}" s="{ta}" t="s"><v>{a}</v></c>'
            f'<c r="B{r}" s="{co}" t="s"><v>{b}</v></c><c r="C{r}" s="{co}" t="s"><v>{c}</v></c>' +
            f'<c r="D{r}" s="{da}"><v>{y}</v></c><c r="E{r}" s="{da}" t="s"><v>{e}</v></c>'
            f'<c r="F{r}" s="{v}</v></c><c r="G{r}" s="{ta}" t="s"><v>{g}</v></c>' +
            f'<c r="H{r}" s="{ta}" t="s"><v>{h}</v></c><c r="I{r}" s="{co}" t="s"><v>{k}</v></c></row>'
            if ok else _row_with_blanks(r, f' spans="{sp}"{ht}', (ta, co, da), (a, b, c, y, e, d, v, g, h, k))
            for r, sp, ht, a, b, c, y, e, d, v, g, h, k, ok in zip(
                numbers, spans[part], heights[part], org[part], code[part], item[part], years[part],
                measure[part], dash[part], values[part], file[part], sheet[part], cell[part],
                rows.full[part])])


_BATCH = 4096  # rows per string handed to the file: the whole sheet is ~90 MB of XML


def _numerals(numbers: list, prefix=None) -> list:
    """Each number as XlsxWriter writes it (%.16G), after `prefix(number)`; None stays None.
    Counts repeat a lot: each distinct number is formatted once."""
    def spell(v: float) -> str:
        return f"{prefix(v) if prefix else ''}{v:.16G}"

    made = {v: None if v is None else spell(v) for v in set(numbers)}
    out = list(map(made.__getitem__, numbers))
    if 0.0 in made:  # 0.0 and -0.0 are one key, but "0" and "-0"
        out = [spell(v) if v == 0 else text for v, text in zip(numbers, out)]
    return out


def _row_attributes(ws: BulkSheet, rows: _Rows) -> tuple[list[str], list[str]]:
    """Each row's spans, and its height attributes where it has one (as set_row writes them)."""
    base, default = ws.original_row_height, ws.default_row_height
    spans = _Spans(ws.row_spans, len(FIELDS))
    first, end = rows.first, rows.first + len(rows.heights)
    per_row = []
    for block in range(first // 16, (end - 1) // 16 + 1):
        per_row += [spans(block * 16)] * (min(end, block * 16 + 16) - max(first, block * 16))
    tall = {}
    for height in set(rows.heights):
        pixels = int(height * 4.0 / 3.0 + 0.5)
        tall[height] = (f' ht="{pixels * 0.75:.16g}" customHeight="1"'
                        if height and (pixels != base or default != base) else "")
    return per_row, list(map(tall.__getitem__, rows.heights))


def _row_with_blanks(r: str, attrs: str, styles: tuple, cells: tuple) -> str:
    """A row with an empty cell or the «—» of a missing value: the rare shape."""
    ta, co, da = styles
    a, b, c, y, e, dash, v, g, h, k = cells
    return "".join((
        f'<row r="{r}"{attrs}>', _string("A", r, ta, a), _string("B", r, co, b), _string("C", r, co, c),
        f'<c r="D{r}" s="{da}"/>' if y is None else f'<c r="D{r}" s="{da}"><v>{y}</v></c>',
        _string("E", r, da, e),
        _string("F", r, da, dash) if not v else f'<c r="F{r}" s="{v}</v></c>',
        _string("G", r, ta, g), _string("H", r, ta, h), _string("I", r, co, k), "</row>"))


def _string(letter: str, r: str, xf: str, k: str | None) -> str:
    if k is None:
        return f'<c r="{letter}{r}" s="{xf}"/>'
    return f'<c r="{letter}{r}" s="{xf}" t="s"><v>{k}</v></c>'


class _Spans:
    """XlsxWriter's `spans` hint (the columns used by each block of 16 rows), with the
    rows written normally above the bulk counted in."""

    def __init__(self, normal: dict, width: int):
        self.normal, self.width, self.known = normal, width, {}

    def __call__(self, row: int) -> str:
        block = row // 16
        span = self.known.get(block)
        if span is None:
            lo, hi = 1, self.width
            if block in self.normal:
                first, last = map(int, self.normal[block].split(":"))
                lo, hi = min(lo, first), max(hi, last)
            span = self.known[block] = f"{lo}:{hi}"
        return span
