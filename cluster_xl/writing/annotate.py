"""Return to sender: a copy of a college's workbook with every problem marked where it is.

`annotate` writes a copy of the workbook (openpyxl: it keeps everything the
college made — sheets, formats, validations, protection) in which each cell
an issue points at is filled red (error) or yellow (warning) and carries a
comment with the Russian messages, and a first sheet «Замечания» lists every
issue, including those with no cell.  The input file is never modified; the
copy appears complete or not at all.

.xls and .ods are converted to .xlsx with LibreOffice first, where it is
installed; a file the guard refuses (guard.py) is never opened.  Every text
written here is stored as text: a message quoting «=1+2» stays a message.  The
college's formulas are carried as their computed values, never as formulas: a
WEBSERVICE, DDE or HYPERLINK call in the file must not run when someone opens
the copy (the «Замечания» sheet says so).  The CLI runs this in the sandbox
(run/untrusted.py): openpyxl builds every cell of the file it opens.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Iterable, Sequence

from ..reading import guard
from ..core.files import os_reason, write_atomically
from ..core.office import OfficeError, convert, soffice
from ..core.issues import Issue
from ..core.measure import fitting_height

NOTES_SHEET = "Замечания"
AUTHOR = "cluster-xl"
FILLS = {"error": "FFC7CE", "warning": "FFEB9C"}
CONVERT_TIMEOUT = 180  # seconds LibreOffice may take to convert one file
FORMULAS_NOTE = ("Формулы файла в этой копии заменены их вычисленными значениями: копия служит только "
                 "для просмотра замечаний, исправления вносятся в исходный файл.")


class AnnotateError(Exception):
    """The copy cannot be made; the message says why, in Russian, as the continuation of
    «Копия с пометками не записана: …» (so it begins in lower case)."""


def annotate(path: str | Path, issues: Sequence[Issue], out: str | Path) -> Path:
    """Write to `out` a copy of the workbook at `path` with `issues` marked; return `out`."""
    path, out = Path(path), Path(out)
    _check_target(path, out)
    try:
        kind = guard.inspect(path).kind
    except guard.Refusal as refusal:
        raise AnnotateError(f"файл «{path.name}» не прочитан ({refusal.reason}), "
                            "поэтому пометки в него внести нельзя.") from None
    with tempfile.TemporaryDirectory(prefix="cluster_xl_annotate_") as tmp:
        source = path if kind == guard.XLSX else _convert_to_xlsx(path, Path(tmp))
        book = _load(source, macros=out.suffix.lower() == ".xlsm")
        _mark_cells(book, issues)
        _notes_sheet(book, path.name, issues)
        _save_atomically(book, out)
    return out


def _check_target(path: Path, out: Path) -> None:
    if out.suffix.lower() not in (".xlsx", ".xlsm"):
        raise AnnotateError(f"«{out.name}»: копия с пометками записывается в формате .xlsx; "
                            "укажите имя файла с расширением .xlsx.")
    if (out.suffix.lower() == ".xlsm") != (path.suffix.lower() == ".xlsm"):
        expected = ".xlsm" if path.suffix.lower() == ".xlsm" else ".xlsx"
        raise AnnotateError(f"«{out.name}»: для файла «{path.name}» копия с пометками "
                            f"записывается с расширением {expected}.")
    if out.exists() and path.exists() and os.path.samefile(out, path):
        raise AnnotateError("она не может заменить проверяемый файл: "
                            "укажите другое имя файла.")


def _convert_to_xlsx(path: Path, folder: Path) -> Path:
    if soffice() is None:
        raise AnnotateError(f"пометки вносятся в книги .xlsx и .xlsm, а файл «{path.name}» — в другом "
                            "формате. Сохраните его в формате .xlsx и повторите проверку "
                            "(или установите LibreOffice для автоматического преобразования).")
    # A copy under a plain name: LibreOffice never sees, let alone rewrites, the input.
    copy = folder / f"input{path.suffix.lower() or '.xls'}"
    shutil.copyfile(path, copy)
    try:
        return convert(copy, "xlsx", folder / "out", timeout=CONVERT_TIMEOUT)
    except OfficeError as exc:
        raise AnnotateError(f"файл «{path.name}» не удалось преобразовать в .xlsx ({exc}).") from None


def _load(source: Path, macros: bool):
    import openpyxl  # only this command needs it

    try:
        # data_only: formulas come as the values the college's program computed (no live calls).
        return openpyxl.load_workbook(source, keep_vba=macros, keep_links=False, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any damage: a message, not a traceback
        raise AnnotateError(f"книгу не удалось открыть для пометок ({type(exc).__name__}: {exc}).") from None


# -- marks -------------------------------------------------------------------


def _mark_cells(book, issues: Iterable[Issue]) -> None:
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    by_cell: dict[tuple[str, str], list[Issue]] = defaultdict(list)
    for issue in issues:
        if issue.sheet in book.sheetnames and issue.cell:
            by_cell[(issue.sheet, _anchor(book[issue.sheet], issue.cell))].append(issue)
    for (sheet, ref), found in by_cell.items():
        cell = book[sheet][ref]
        level = "error" if any(i.is_error for i in found) else "warning"
        cell.fill = PatternFill("solid", start_color=FILLS[level], end_color=FILLS[level])
        lines = [f"{i.severity.label.capitalize()} ({i.code}): {i.message}" for i in found]
        if cell.comment is not None:
            lines.insert(0, cell.comment.text)
        text = "\n\n".join(lines)
        cell.comment = Comment(text, AUTHOR, width=360, height=min(60 + 15 * (len(text) // 55), 600))


def _anchor(ws, ref: str) -> str:
    """A cell inside a merged area is marked at the area's first cell, where its value is."""
    for area in ws.merged_cells.ranges:
        if ref in area:
            return area.start_cell.coordinate
    return ref


NOTE_WIDTH = 90  # the «Сообщение» column


def _notes_sheet(book, file: str, issues: Sequence[Issue]) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.hyperlink import Hyperlink

    name = NOTES_SHEET if NOTES_SHEET not in book.sheetnames else f"{NOTES_SHEET} cluster-xl"
    ws = book.create_sheet(name, 0)
    errors = sum(i.is_error for i in issues)
    _text(ws, 1, 1, f"Замечания по файлу «{file}»").font = Font(bold=True, size=13)
    _text(ws, 2, 1, f"Ошибок: {errors}; предупреждений: {len(issues) - errors}. Ошибки исправляются "
                    "обязательно: файл с ошибками в свод не включается. Ячейки с замечаниями "
                    "выделены цветом, текст замечания — в примечании к ячейке."
                    if issues else "Замечаний нет.")
    header = ("№", "Уровень", "Код проверки", "Лист", "Ячейка", "Сообщение")
    for col, title in enumerate(header, start=1):
        _text(ws, 4, col, title).font = Font(bold=True)
    order = {name: n for n, name in enumerate(book.sheetnames)}
    for n, issue in enumerate(sorted(issues, key=lambda i: _place(i, order)), start=1):
        ws.cell(4 + n, 1, n)
        values = (issue.severity.label, issue.code, issue.sheet, issue.cell, issue.message)
        for col, value in enumerate(values, start=2):
            cell = _text(ws, 4 + n, col, value)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if col == 2:
                fill = FILLS["error" if issue.is_error else "warning"]
                cell.fill = PatternFill("solid", start_color=fill, end_color=fill)
        if issue.sheet in order and issue.cell:
            # A link inside the book only (a location, no target): to the cell the line speaks of.
            where = ws.cell(4 + n, 5)
            sheet = issue.sheet.replace("'", "''")
            where.hyperlink = Hyperlink(ref=where.coordinate, location=f"'{sheet}'!{issue.cell}",
                                        tooltip="Перейти к ячейке")
            where.font = Font(color="0563C1", underline="single")
        # The college's own book: measured in Calibri, the default of every office suite's xlsx.
        ws.row_dimensions[4 + n].height = fitting_height([(issue.message, NOTE_WIDTH, False),
                                                          (issue.code, 24, False)], least=1) or 15
    _text(ws, 3, 1, FORMULAS_NOTE).font = Font(italic=True)
    ws.merge_cells("A2:F2")
    ws.merge_cells("A3:F3")
    for row in (2, 3):
        ws[f"A{row}"].alignment = Alignment(wrap_text=True, vertical="top")
        ws.row_dimensions[row].height = 32
    for col, width in zip("ABCDEF", (5, 16, 24, 16, 9, NOTE_WIDTH)):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A5"
    # A4 landscape, one page wide: the college may print the list to work from it.
    ws.page_setup.orientation, ws.page_setup.paperSize = "landscape", 9
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "4:4"
    book.active = 0
    for sheet in book.worksheets[1:]:
        sheet.sheet_view.tabSelected = False


def _place(issue: Issue, order: dict[str, int]) -> tuple:
    """Book order: the file's own issues first, then by sheet as the book orders them, row, column."""
    from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

    if issue.sheet not in order:
        return (0, 0, 0, 0)
    try:
        letters, row = coordinate_from_string(issue.cell or "A1")
        return (1, order[issue.sheet], row, column_index_from_string(letters))
    except ValueError:
        return (1, order[issue.sheet], 0, 0)


def _text(ws, row: int, col: int, value: str):
    """Always a string cell: openpyxl would make «=…» a formula."""
    cell = ws.cell(row, col)
    cell.value = value
    if value:
        cell.data_type = "s"
    return cell


def _save_atomically(book, out: Path) -> None:
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(out, book.save)
    except OSError as exc:  # a read-only folder or a full disk is the path's fault, not a bug
        raise AnnotateError(f"не удалось записать файл «{out}» ({os_reason(exc)}).") from None
