"""Finding and editing cells of workbooks in tests, by text as a person finds them (openpyxl)."""

from __future__ import annotations

from pathlib import Path

import openpyxl

HEADER_CODE = "Код"  # typed here as the template shows it, not taken from the contract


def cell_of(ws, code: str, header: str) -> str:
    """A1 of the cell in the row of `code` under the column headed `header` (found by text)."""
    header_row = next(r for r in ws.iter_rows() if any(x.value == HEADER_CODE for x in r))
    col = next(x.column for x in header_row if x.value == header)
    code_col = next(x.column for x in header_row if x.value == HEADER_CODE)
    row = next(r for r in range(header_row[0].row + 1, ws.max_row + 1)
               if str(ws.cell(r, code_col).value) == code)
    return ws.cell(row, col).coordinate


def edit(path: Path, change) -> Path:
    wb = openpyxl.load_workbook(path)
    change(wb)
    wb.save(path)
    return path


def set_value(sheet: str, code: str, header: str, value):
    def change(wb):
        ws = wb[sheet]
        ws[cell_of(ws, code, header)] = value
    return change


def cell_at(ws, code: str, header: str) -> str:
    """A1 address of the cell in the row of `code` under `header` (found by text)."""
    header_row = code_col = col = None
    for row in ws.iter_rows():
        for c in row:
            if c.value == "Код":
                header_row, code_col = c.row, c.column
            if header_row and c.row == header_row and c.value == header:
                col = c.column
        if col:
            break
    for r in range(header_row + 1, ws.max_row + 1):
        if str(ws.cell(r, code_col).value).strip() == code:
            return ws.cell(r, col).coordinate
    raise AssertionError(f"{code} not found")


def find_row(ws, text: str, col: int = 1) -> int:
    for row in range(1, ws.max_row + 1):
        if ws.cell(row, col).value == text:
            return row
    raise AssertionError(f"{text!r} not found in column {col} of {ws.title}")


def header_cols(ws, header_row: int) -> dict[str, int]:
    return {ws.cell(header_row, c).value: c for c in range(1, ws.max_column + 1)
            if ws.cell(header_row, c).value}


def all_values(ws) -> list:
    return [c.value for row in ws.iter_rows() for c in row if c.value is not None]


def number_mark(cell) -> str | None:
    """The mark a number format prints before the figure («"● "#,##0» -> «●»), None without one."""
    fmt = cell.number_format or ""
    if fmt.startswith('"') and fmt.index('"', 1) > 1:
        return fmt[1:fmt.index('"', 1)].strip() or None
    return None
