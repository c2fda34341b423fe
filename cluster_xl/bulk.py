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
same rule (`writer._Sheet.height_for`).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import islice

from xlsxwriter.worksheet import Worksheet

# Columns of «Данные», left to right (the header is written by writer.py).
FIELDS = ("organisation", "code", "item", "year", "measure", "value", "file", "sheet", "cell")
MEASURES = {"plan": "план", "fact": "факт"}
DASH = "—"
# Text cells of a row in the order they are written (5 is the «—» of a missing value)
# and the style of each; year (3) and value (5) are numbers.
_TEXT_COLUMNS = (0, 1, 2, 4, 5, 6, 7, 8)
_STYLES = {0: "text", 1: "code", 2: "code", 4: "dash", 5: "dash", 6: "text", 7: "text", 8: "code"}
_PLAIN = (4, 5)  # written without a row-height check: plan/fact and «—» are short


@dataclass
class _Rows:
    first: int  # zero-based row of the first data row
    strings: list  # per text column (_TEXT_COLUMNS): shared-string indices, -1 = blank
    year: list  # numbers, None = blank
    value: list  # numbers, None = «—»
    heights: list  # points per row, 0.0 = default height
    formats: dict  # name -> XlsxWriter format


class BulkSheet(Worksheet):
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
        rows = _render(self, self._bulk)
        while True:  # a few thousand rows at a time: the whole sheet is ~90 MB of XML
            batch = "".join(islice(rows, 4096))
            if not batch:
                break
            self.fh.write(batch)
        self._xml_end_tag("sheetData")


def data_rows(sheet, first: int, entries) -> int:
    """Put the entries frame into `sheet` (a writer `_Sheet` over a `BulkSheet`) from row
    `first`; returns the row after the last one."""
    import numpy as np
    import pandas as pd

    ws = sheet.ws
    n = min(len(entries), ws.xls_rowmax - first)  # past the sheet's last row nothing is kept
    if n <= 0:
        return first
    frame = entries.iloc[:n]
    year, value = _numbers(frame, "year"), _numbers(frame, "value")
    cells = np.empty((n, len(_TEXT_COLUMNS)), dtype=object)
    for j, c in enumerate(_TEXT_COLUMNS):
        if c == 5:
            cells[:, j] = np.where(np.array([v is None for v in value], dtype=bool), DASH, "")
        else:
            cells[:, j] = _texts(frame, FIELDS[c])
    # Row by row, left to right: the order cell-by-cell writing adds shared strings in.
    flat = cells.ravel()
    filled = flat != ""
    codes, uniques = pd.factorize(flat[filled])
    table = ws.str_table
    known = np.array([table._get_shared_string_index(u) for u in uniques], dtype=np.int64)
    table.count += int(filled.sum()) - len(uniques)  # every further use counts, as XlsxWriter counts
    index = np.full(flat.size, -1, dtype=np.int64)
    index[filled] = known[codes]
    index = index.reshape(cells.shape)
    heights = np.zeros(n)
    for j, c in enumerate(_TEXT_COLUMNS):
        if c not in _PLAIN:
            heights = np.maximum(heights, _column_heights(sheet, c, cells[:, j]))
    book = sheet.book
    formats = {name: book.fmt(name) for name in ("text", "code", "dash", "int", "dec")}
    ws._bulk = _Rows(first, [index[:, j].tolist() for j in range(len(_TEXT_COLUMNS))],
                     year, value, heights.tolist(), formats)
    ws._check_dimensions(first + n - 1, len(FIELDS) - 1)
    return first + n


def _numbers(frame, name: str) -> list:
    """A column as floats, None where `writer._num` gives None."""
    from .writer import _num

    if name not in frame.columns:
        return [None] * len(frame)
    column = frame[name]
    if column.dtype.kind in "iuf":
        return [None if v != v else v for v in column.astype("float64").tolist()]
    return [_num(v) for v in column.tolist()]


def _texts(frame, name: str):
    """A column as the texts cell-by-cell writing would write ("" = blank)."""
    from .writer import _text

    if name not in frame.columns:
        return [""] * len(frame)
    values = frame[name].tolist()
    if name == "measure":
        return [MEASURES.get(m, _text(m)) or DASH for m in values]
    return [v if type(v) is str else _text(v) for v in values]


def _column_heights(sheet, col: int, texts):
    """Points each row needs for its text in `col` (each distinct text measured once)."""
    import numpy as np
    import pandas as pd

    codes, uniques = pd.factorize(texts)
    need = np.array([sheet.height_for(col, t, (_STYLES[col],)) if t else 0.0 for t in uniques] + [0.0])
    return need[codes]  # code -1 (none) takes the trailing 0.0


def _render(ws: BulkSheet, rows: _Rows):
    """The <row> elements, in order; a style gets its index when first used, as in XlsxWriter."""
    f = rows.formats
    xf: dict[str, int] = {}

    def s(name: str) -> int:
        if name not in xf:
            xf[name] = f[name]._get_xf_index()
        return xf[name]

    org, code, item, measure, dash, file, sheet, cell = rows.strings
    base, default = ws.original_row_height, ws.default_row_height
    spans = _Spans(ws.row_spans, len(FIELDS))
    for i, height in enumerate(rows.heights):
        r = rows.first + i + 1
        attrs = f' spans="{spans(r - 1)}"'
        if height:
            pixels = int(height * 4.0 / 3.0 + 0.5)
            if pixels != base or default != base:
                attrs += f' ht="{pixels * 0.75:.16g}" customHeight="1"'
        y, v = rows.year[i], rows.value[i]
        a, b, c, e, g, h, k = org[i], code[i], item[i], measure[i], file[i], sheet[i], cell[i]
        if y is not None and v is not None and min(a, b, c, e, g, h, k) >= 0:
            # Nearly every row: no blanks.  Styles resolve in the order the cells come.
            ta, co, da = s("text"), s("code"), s("dash")
            nv = s("int" if v.is_integer() else "dec")
            yield (f'<row r="{r}"{attrs}><c r="A{r}" s="{ta}" t="s"><v>{a}</v></c>'
                   f'<c r="B{r}" s="{co}" t="s"><v>{b}</v></c><c r="C{r}" s="{co}" t="s"><v>{c}</v></c>'
                   f'<c r="D{r}" s="{da}"><v>{y:.16G}</v></c><c r="E{r}" s="{da}" t="s"><v>{e}</v></c>'
                   f'<c r="F{r}" s="{nv}"><v>{v:.16G}</v></c><c r="G{r}" s="{ta}" t="s"><v>{g}</v></c>'
                   f'<c r="H{r}" s="{ta}" t="s"><v>{h}</v></c><c r="I{r}" s="{co}" t="s"><v>{k}</v></c></row>')
            continue
        out = [f'<row r="{r}"{attrs}>', _string("A", r, s("text"), a), _string("B", r, s("code"), b),
               _string("C", r, s("code"), c)]
        out.append(f'<c r="D{r}" s="{s("dash")}"/>' if y is None else
                   f'<c r="D{r}" s="{s("dash")}"><v>{y:.16G}</v></c>')
        out.append(_string("E", r, s("dash"), e))
        out.append(_string("F", r, s("dash"), dash[i]) if v is None else
                   f'<c r="F{r}" s="{s("int" if v.is_integer() else "dec")}"><v>{v:.16G}</v></c>')
        out += [_string("G", r, s("text"), g), _string("H", r, s("text"), h),
                _string("I", r, s("code"), k), "</row>"]
        yield "".join(out)


def _string(letter: str, r: int, xf: int, k: int) -> str:
    if k < 0:
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
