"""annotate.py and `cluster-xl check --annotate`: the college's own workbook, marked."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from cluster_xl.writing import annotate as annotate_module
from cluster_xl.reading import contract as c
from cluster_xl.writing.annotate import FILLS, NOTES_SHEET, AnnotateError, annotate
from cluster_xl.face.cli import cli
from cluster_xl.core.issues import error
from cluster_xl.core.model import Period
from cluster_xl.run.policy import process_file

from helpers import hostile_files as h
from helpers import EXAMPLES
from helpers.workbooks import cell_of, edit, set_value

OCT = Period(2026, 10)
ACT = c.SHEET_ACTIVITIES


@pytest.fixture()
def broken(generated_examples, tmp_path):
    """An example college file with a negative fact and a fraction of a person."""
    path = tmp_path / "02_nit.xlsx"
    shutil.copy(generated_examples / "02_nit_2026-10.xlsx", path)
    edit(path, set_value(ACT, "1.1.1", "Факт 2026", -4))
    edit(path, set_value(ACT, "2.1.1", "Факт 2026", 3.5))
    return path


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_every_problem_cell_is_filled_and_commented(plan, broken, tmp_path):
    before = sha(broken)
    outcome = process_file(broken, plan, OCT)
    out = annotate(broken, outcome.issues, tmp_path / "marked.xlsx")
    assert sha(broken) == before  # the input is never touched
    book = openpyxl.load_workbook(out)
    ws = book[ACT]
    negative, fraction = cell_of(ws, "1.1.1", "Факт 2026"), cell_of(ws, "2.1.1", "Факт 2026")
    assert {(i.sheet, i.cell, i.code) for i in outcome.issues} == {
        (ACT, negative, "negative-number"), (ACT, fraction, "fraction")}
    assert ws[negative].fill.fgColor.rgb.endswith(FILLS["error"])
    assert ws[fraction].fill.fgColor.rgb.endswith(FILLS["error"])  # a fraction of a person: an error
    assert "Отрицательное значение" in ws[negative].comment.text
    assert ws[negative].comment.text.startswith("Ошибка (negative-number): ")
    assert "Дробное значение" in ws[fraction].comment.text
    assert ws[negative].value == -4  # the college's value stays as it was


def test_the_notes_sheet_comes_first_and_lists_everything(plan, broken, tmp_path):
    issues = process_file(broken, plan, OCT).issues
    out = annotate(broken, issues, tmp_path / "marked.xlsx")
    book = openpyxl.load_workbook(out)
    assert book.sheetnames[0] == NOTES_SHEET and book.active.title == NOTES_SHEET
    ws = book[NOTES_SHEET]
    rows = [[cell.value for cell in row] for row in ws.iter_rows(min_row=5, max_col=6)]
    assert [(r[2], r[3], r[4]) for r in rows] == [(i.code, i.sheet, i.cell) for i in issues]
    assert rows[0][5] == issues[0].message


def test_the_marked_copy_reads_back_with_the_same_issues(plan, broken, tmp_path):
    issues = process_file(broken, plan, OCT).issues
    out = annotate(broken, issues, tmp_path / "marked.xlsx")
    again = process_file(out, plan, OCT).issues
    assert [(i.sheet, i.cell, i.code) for i in again] == [(i.sheet, i.cell, i.code) for i in issues]


def test_issues_without_a_cell_are_listed_but_mark_nothing(plan, generated_examples, tmp_path):
    path = generated_examples / "03_keg_2026-10.xlsx"
    issues = [error("missing-sheet", "В файле отсутствует лист «Специальности».", file=path.name,
                    sheet="Специальности")]
    book = openpyxl.load_workbook(annotate(path, issues, tmp_path / "m.xlsx"))
    assert book[NOTES_SHEET]["C5"].value == "missing-sheet"
    assert not any(cell.comment for ws in book.worksheets for row in ws.iter_rows() for cell in row)


def test_text_that_looks_like_a_formula_stays_text(generated_examples, tmp_path):
    path = generated_examples / "01_spk_2026-10.xlsx"
    evil = '=HYPERLINK("http://example.invalid","нажмите")'
    issues = [error("not-a-number", evil, file=path.name, sheet=ACT, cell="E6", value=evil),
              error("bad-period", "+7 (900) 000-00-00", file=path.name, sheet="=cmd|' /C calc'!A0")]
    out = annotate(path, issues, tmp_path / "m.xlsx")
    ws = openpyxl.load_workbook(out)[NOTES_SHEET]
    cells = [cell for row in ws.iter_rows() for cell in row if isinstance(cell.value, str)]
    risky = [cell for cell in cells if cell.value[:1] in "=+-@"]
    assert len(risky) == 3 and all(cell.data_type == "s" for cell in risky)
    with zipfile.ZipFile(out) as z:
        assert not any(b"<f>" in z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/"))


def test_refused_files_are_never_opened(generated_examples, tmp_path):
    far = h.with_far_cell(generated_examples / "01_spk_2026-10.xlsx", tmp_path / "far.xlsx", ACT)
    with pytest.raises(AnnotateError, match="не прочитан"):
        annotate(far, [], tmp_path / "m.xlsx")  # refused by the guard, never opened
    assert not (tmp_path / "m.xlsx").exists()


def test_the_target_must_be_xlsx_and_not_the_input(generated_examples, tmp_path):
    path = tmp_path / "a.xlsx"
    shutil.copy(generated_examples / "01_spk_2026-10.xlsx", path)
    with pytest.raises(AnnotateError, match=r"\.xlsx"):
        annotate(path, [], tmp_path / "m.ods")
    with pytest.raises(AnnotateError, match="не может заменить"):
        annotate(path, [], path)


def test_xls_without_libreoffice_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setattr(annotate_module.shutil, "which", lambda name: None)
    path = h.xls_file(tmp_path / "old.xls", {"Лист1": {(0, 0): 1}})
    with pytest.raises(AnnotateError, match="Сохраните его в формате .xlsx"):
        annotate(path, [], tmp_path / "m.xlsx")


# -- the command -------------------------------------------------------------


def test_check_annotate_writes_the_copy(broken, tmp_path):
    out = tmp_path / "на_исправление.xlsx"
    result = CliRunner().invoke(cli, ["check", str(broken), "--period", "2026-10", "--annotate", str(out)])
    assert out.exists()
    assert f"Копия файла с пометками записана: {out}" in result.output
    assert openpyxl.load_workbook(out).sheetnames[0] == NOTES_SHEET


def test_check_annotate_exit_codes(broken, tmp_path):
    from cluster_xl.face.cli import main

    def run(*args):
        with pytest.raises(SystemExit) as done:
            main(list(args))
        return done.value.code
    assert run("check", str(broken), "--period", "2026-10", "--annotate", str(tmp_path / "m.xlsx")) == 1
    assert run("check", str(broken), str(broken), "--annotate", str(tmp_path / "m2.xlsx")) == 2
    assert not (tmp_path / "m2.xlsx").exists()


# -- LibreOffice -------------------------------------------------------------

soffice = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(soffice is None, reason="LibreOffice is not installed")
def test_libreoffice_opens_the_copy_with_the_comments(plan, broken, tmp_path):
    """The marked .xlsx, and a marked copy of an .ods, both survive LibreOffice with their comments."""
    issues = process_file(broken, plan, OCT).issues
    marked = annotate(broken, issues, tmp_path / "marked.xlsx")
    ods_source = EXAMPLES / "07_spt_2026-10.ods"
    ods_issues = process_file(ods_source, plan, Period(2026, 9)).issues  # a wrong period
    assert [i.code for i in ods_issues] == ["wrong-period"]
    from_ods = annotate(ods_source, ods_issues, tmp_path / "from_ods.xlsx")  # LibreOffice converts
    subprocess.run([soffice, "-env:UserInstallation=file:///tmp/lo_issue3_annotate", "--headless",
                    "--convert-to", "ods", "--outdir", str(tmp_path / "lo"), str(marked), str(from_ods)],
                   check=True, capture_output=True, timeout=240)
    for name, expected in (("marked.ods", issues), ("from_ods.ods", ods_issues)):
        with zipfile.ZipFile(tmp_path / "lo" / name) as z:
            content = z.read("content.xml").decode()
        notes = re.findall(r"<office:annotation\b.*?</office:annotation>", content, re.S)
        texts = [re.sub(r"<[^>]+>", "", n) for n in notes]
        for issue in expected:
            assert any(issue.message in t.replace("\n", "") for t in texts), (name, issue.code)
    title = openpyxl.load_workbook(from_ods)[c.SHEET_TITLE]
    cell = ods_issues[0].cell
    assert "В файле указан отчётный период" in title[cell].comment.text


def test_the_notes_sheet_is_sorted_linked_and_tall_enough(plan, generated_examples, tmp_path):
    """Lines in book order (sheet, then row, then column) whatever order the checks found them
    in; each line's cell a link inside the book to the cell it names; each row as tall as its
    wrapped message needs (counted by hand here: characters per line of a 90-wide column)."""
    path = tmp_path / "x.xlsx"
    shutil.copy(generated_examples / "02_nit_2026-10.xlsx", path)
    ws = openpyxl.load_workbook(path)[ACT]
    a, b = cell_of(ws, "1.1.1", "Факт 2026"), cell_of(ws, "2.1.1", "План 2027")
    long = "Очень длинное сообщение, " * 30
    issues = [error("negative-number", "второе", sheet=ACT, cell=b),
              error("missing-title-field", long, sheet=c.SHEET_TITLE, cell="B6"),
              error("negative-number", "первое", sheet=ACT, cell=a),
              error("template-version", "без ячейки")]
    out = annotate(path, issues, tmp_path / "marked.xlsx")
    notes = openpyxl.load_workbook(out)[NOTES_SHEET]
    listed = [(notes.cell(r, 4).value, notes.cell(r, 5).value, notes.cell(r, 6).value) for r in range(5, 9)]
    assert listed == [(None, None, "без ячейки"), (c.SHEET_TITLE, "B6", long), (ACT, a, "первое"),
                      (ACT, b, "второе")]
    for r, (sheet, ref, _) in zip(range(5, 9), listed):
        link = notes.cell(r, 5).hyperlink
        if ref is None:
            assert link is None
        else:
            assert link.location == f"'{sheet}'!{ref}" and not link.target  # inside the book only
    lines_needed = -(-len(long) // 95)  # about 1.05 characters per width unit of a 90-wide column
    assert notes.row_dimensions[6].height >= 15 * lines_needed * 0.8
    assert notes.row_dimensions[7].height <= 20  # one line stays one line
