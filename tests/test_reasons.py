"""Reasons for deviations: asked where a college is behind, carried to the book and the note.

Expected values come from tests/helpers/independent.py (the files read cell by
cell with openpyxl, the schedule as the README states it), never from a run.
"""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest

from cluster_xl.core.model import ACCEPTED, Period
from cluster_xl.core.names import SHEET_DATA, SHEET_EXPLANATIONS
from cluster_xl.run.pipeline import build_report
from cluster_xl.run.policy import process_file
from cluster_xl.writing.note import note_bytes
from cluster_xl.writing.sample import example_fillings
from cluster_xl.writing.template import write_template
from cluster_xl.writing.workbook import write_report

from helpers import EXAMPLES
from helpers.independent import (
    aggregate, expected_by, is_behind, load_grid, note_cell, read_notes, read_values,
)

OCT = Period(2026, 10)
TOLERANCE = 0.1  # the default plan's on_track_tolerance (README, «Settings»)


def _own_value(item, values, year, measure):
    """A college's own value of an item, by the rule the README gives (None: not given)."""
    if item.rule == "ratio":
        num = values.get((item.parts[0].code, year, measure))
        den = values.get((item.parts[1].code, year, measure))
        if item.parts[0].role != "numerator":
            num, den = den, num
        return None if num is None or not den else num / den * 100
    value = values.get((item.code, year, measure))
    if value is not None and item.rule == "cluster":
        return 1.0 if value > 0 else 0.0
    return value


def behind_for_college(plan, path: Path, period: Period) -> set[str]:
    values, _ = read_values(path)
    out = set()
    for item in plan.items:
        if item.rule == "distinct":
            continue
        target = _own_value(item, values, period.year, "plan")
        fact = _own_value(item, values, period.year, "fact")
        if target is None or fact is None:
            continue
        last = _own_value(item, values, period.year - 1, "plan") or 0.0
        if is_behind(fact, target, expected_by(item.schedule, target, last, period.month), TOLERANCE):
            out.add(item.code)
    return out


def reason_issues(outcome) -> dict[str, tuple[str, str]]:
    return {i.item: (i.sheet, i.cell) for i in outcome.issues if i.code == "reason-missing"}


# -- the check ------------------------------------------------------------------------


def test_the_example_asks_a_reason_exactly_where_a_college_is_behind_and_silent(plan):
    asked_somewhere = False
    for path in sorted(EXAMPLES.glob("*.xlsx")):
        outcome = process_file(path, plan, OCT)
        notes = read_notes(path)
        behind = behind_for_college(plan, path, OCT)
        plan_items = {i.code: i for i in plan.items}
        silent = {code for code in behind
                  if not any(c in notes for c in plan_items[code].input_codes)}
        got = reason_issues(outcome)
        assert set(got) == silent, path.name
        for code, (sheet, cell) in got.items():
            first_row = plan_items[code].input_codes[0]
            assert cell == note_cell(path, sheet, first_row), (path.name, code)
        asked_somewhere |= bool(got)
        assert outcome.status == ACCEPTED  # a warning: the numbers count
    assert asked_somewhere  # the example month shows the check (one college writes nothing)


def _college(plan, k: int = 0):
    return example_fillings(plan, OCT)[k].filling


def _with(filling, values=None, notes=None):
    return replace(filling, values={**filling.values, **(values or {})},
                   notes=dict(notes) if notes is not None else filling.notes)


@pytest.mark.parametrize("case, values, notes, asked", [
    # 1.1.1 linear, own target 12: by October 10 are due, 9 is within the 10 % tolerance.
    ("within tolerance", {("1.1.1", 2026, "target"): 12, ("1.1.1", 2026, "fact"): 9}, {}, set()),
    ("just past it", {("1.1.1", 2026, "target"): 12, ("1.1.1", 2026, "fact"): 8}, {}, {"1.1.1"}),
    ("explained", {("1.1.1", 2026, "target"): 12, ("1.1.1", 2026, "fact"): 8},
     {"1.1.1": "Приказ ожидается в ноябре."}, set()),
    # A one-off item (year_end) is not behind before December, whatever its fact.
    ("year_end in October", {("1.3.1", 2026, "target"): 1, ("1.3.1", 2026, "fact"): 0}, {}, set()),
    # A share (level, ratio): 30 of 50 graduates employed against an own 90 %: behind now.
    ("ratio level", {("5.4.1/ч", 2026, "target"): 45, ("5.4.1/з", 2026, "target"): 50,
                     ("5.4.1/ч", 2026, "fact"): 30, ("5.4.1/з", 2026, "fact"): 50}, {}, {"5.4.1"}),
    ("ratio explained on its other row",
     {("5.4.1/ч", 2026, "target"): 45, ("5.4.1/з", 2026, "target"): 50,
      ("5.4.1/ч", 2026, "fact"): 30, ("5.4.1/з", 2026, "fact"): 50},
     {"5.4.1/з": "Выпускники призваны в армию."}, set()),
])
def test_reason_missing_on_shapes_the_example_lacks(tmp_path, plan, case, values, notes, asked):
    base = _college(plan, 4)  # the college that writes no reasons: only what the case adds
    filling = _with(base, values, notes)
    path = write_template(plan, tmp_path / "college.xlsx", filling)
    outcome = process_file(path, plan, OCT)
    got = set(reason_issues(outcome))
    independent = behind_for_college(plan, path, OCT)
    explained = {i.code for i in plan.items if any(c in read_notes(path) for c in i.input_codes)}
    assert got == independent - explained  # the check and the README's rule agree
    touched = {plan.input_codes[code].code for code, _, _ in values}
    assert got & touched == asked
    if "5.4.1" in got:
        sheet, cell = reason_issues(outcome)["5.4.1"]
        assert cell == note_cell(path, sheet, "5.4.1/ч")


def test_a_wrong_number_is_corrected_not_explained(tmp_path, plan):
    filling = _with(_college(plan, 4), {("1.1.1", 2026, "fact"): -3})
    outcome = process_file(write_template(plan, tmp_path / "college.xlsx", filling), plan, OCT)
    assert {i.code for i in outcome.issues if i.item == "1.1.1"} == {"negative-number"}


# -- the book, the note --------------------------------------------------------------


FORMULA_LIKE = {"1.1.2": "=1+1 (перенос согласования)", "1.1.3": "+7 дней к графику",
                "3.2": "@SUM(A1:A9) — не формула", "6.3.1": '=HYPERLINK("http://example.com","нажмите")'}


@pytest.fixture(scope="module")
def hostile_month(tmp_path_factory, plan):
    """The example month with one college's reasons typed to look like formulas and links."""
    folder = tmp_path_factory.mktemp("month")
    for path in sorted(EXAMPLES.iterdir()):
        if not path.name.startswith("01_"):
            shutil.copy(path, folder / path.name)
    filling = _college(plan, 0)
    write_template(plan, folder / "01_spk_2026-10.xlsx", _with(filling, notes=FORMULA_LIKE))
    report = build_report(plan, [folder], OCT)
    book = write_report(report, folder.parent / "book.xlsx")
    return folder, report, book


def test_reasons_arrive_as_text_with_their_cells(hostile_month):
    folder, report, book = hostile_month
    wb = openpyxl.load_workbook(book)
    texts = {}
    for row in wb[SHEET_EXPLANATIONS].iter_rows():
        for cell in row:
            if cell.value in FORMULA_LIKE.values():
                assert cell.data_type == "s", cell.coordinate
                texts[cell.value] = cell.coordinate
    assert set(texts) == set(FORMULA_LIKE.values())
    notes = read_notes(folder / "01_spk_2026-10.xlsx")
    data = wb[SHEET_DATA]
    header = next(r for r in data.iter_rows(values_only=True) if r[0] == "Организация")
    rows = [dict(zip(header, r)) for r in data.iter_rows(values_only=True)]
    reasons = {(r["Код строки"], r["Лист"], r["Ячейка"]): r["Значение"] for r in rows
               if r.get("План/Факт") == "Причина" and r["Файл"] == "01_spk_2026-10.xlsx"}
    # Rows a college fills in; the template itself explains computed rows in the same column.
    assert reasons == {(code, sheet, cell): text for code, (text, sheet, cell) in notes.items()
                       if code in report.plan.input_codes}
    for row in data.iter_rows():
        for cell in row:
            assert cell.data_type != "f"
    assert not wb[SHEET_EXPLANATIONS]._hyperlinks


def _document_xml(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read("word/document.xml").decode("utf-8")


def _paragraphs(xml: str) -> list[str]:
    return ["".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", p))
            for p in re.findall(r"<w:p[ >].*?</w:p>", xml, flags=re.S)]


def _unescape(text: str) -> str:
    return text.replace("&quot;", '"').replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def test_the_note_carries_reasons_as_text(hostile_month):
    _, report, _ = hostile_month
    xml = _document_xml(note_bytes(report, "book.xlsx", "0" * 64))
    text = _unescape("\n".join(_paragraphs(xml)))
    for reason in FORMULA_LIKE.values():
        assert f"«{reason}»" in text
    for field in ("w:fldSimple", "w:instrText", "w:hyperlink", "w:fldChar"):
        assert field not in xml


def _behind_items(plan, folder: Path, period: Period) -> set[str]:
    """The cluster's items behind, from an independent reading of the files in `folder`."""
    totals = aggregate(folder, plan)
    out = set()
    for item in plan.items:
        target, fact = item.target(period.year), totals.get((item.code, period.year, "fact"))
        if target is None or fact is None:
            continue
        last = item.target(period.year - 1) or 0.0
        if is_behind(fact, target, expected_by(item.schedule, target, last, period.month), TOLERANCE):
            out.add(item.code)
    return out


def _organisation(path: Path) -> str:
    rows = load_grid(path)["Титул"]
    return next(r[1] for r in rows if r and r[0] == "Организация")


def test_the_note_names_every_item_behind_and_every_missing_college(tmp_path, plan):
    files = sorted(p for p in EXAMPLES.iterdir() if p.suffix in (".xlsx", ".ods"))
    kept, dropped = files[:3] + files[5:], files[3:5]
    for path in kept:
        shutil.copy(path, tmp_path / path.name)
    report = build_report(plan, [tmp_path], OCT)
    paragraphs = _paragraphs(_document_xml(note_bytes(report, "book.xlsx", "a" * 64)))
    text = "\n".join(paragraphs)
    behind = _behind_items(plan, tmp_path, OCT)
    assert behind  # the month has items behind
    headings = {("П" if m.group(1) == "Показатель" else "") + m.group(2) for p in paragraphs
                if (m := re.match(r"(Позиция|Показатель) (\S+)\. ", p))}
    assert headings == behind
    missing = [p for p in paragraphs if p.startswith("Отчёты представили")]
    assert len(missing) == 1
    for path in dropped:
        assert _organisation(path) in missing[0]
    for path in kept:
        assert _organisation(path) not in missing[0]
    assert "a" * 64 in text


def test_the_same_report_gives_the_same_note_bytes(hostile_month):
    _, report, _ = hostile_month
    first = note_bytes(report, "book.xlsx", "b" * 64)
    assert first == note_bytes(report, "book.xlsx", "b" * 64)
    with zipfile.ZipFile(io.BytesIO(first)) as z:
        day = report.generated_on
        assert {i.date_time for i in z.infolist()} == {(day.year, day.month, day.day, 0, 0, 0)}
        core = z.read("docProps/core.xml").decode()
        assert f"{report.generated_on:%Y-%m-%d}T00:00:00Z" in core
        assert "docProps/thumbnail.jpeg" not in z.namelist()


def test_the_note_page_is_the_gost_page(hostile_month):
    from docx import Document
    from docx.shared import Pt

    _, report, _ = hostile_month
    path = hostile_month[0].parent / "note.docx"
    path.write_bytes(note_bytes(report, "book.xlsx", "c" * 64))
    doc = Document(str(path))
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert [round(m.mm) for m in (section.left_margin, section.right_margin, section.top_margin,
                                  section.bottom_margin)] == [20, 10, 20, 20]
    normal = doc.styles["Normal"].font
    assert (normal.name, normal.size) == ("Times New Roman", Pt(14))
    assert doc.paragraphs[0].text.startswith("Приложение к письму")
    assert any(p.text == "Пояснительная записка" for p in doc.paragraphs)


def _writer_installed() -> bool:
    """LibreOffice Writer is its own package (libreoffice-writer); Calc alone cannot open a .docx."""
    from cluster_xl.core import office

    found = office.soffice()
    return bool(found) and (Path(found).resolve().parent / "libswlo.so").exists() \
        and shutil.which("pdftotext") is not None


@pytest.mark.skipif(not _writer_installed(), reason="LibreOffice Writer or poppler-utils is not installed")
def test_the_note_opens_in_libreoffice_writer(tmp_path, hostile_month, plan):
    import subprocess

    from cluster_xl.core import office

    _, report, _ = hostile_month
    note = tmp_path / "note.docx"
    note.write_bytes(note_bytes(report, "book.xlsx", "d" * 64))
    pdf = office.convert(note, "pdf", tmp_path, timeout=180, russian=True)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True, timeout=60).stdout
    flat = " ".join(text.split())
    assert "Пояснительная записка" in flat
    assert "d" * 64 in flat.replace(" ", "")
    for code in _behind_items(plan, hostile_month[0], OCT):
        heading = f"Показатель {code[1:]}." if code.startswith("П") else f"Позиция {code}."
        assert heading in flat
    assert plan.settings.signatory_name in flat
    assert "=1+1 (перенос согласования)" in flat  # a reason typed like a formula, printed as typed


def test_cli_writes_the_note_beside_the_book_naming_its_sha256(tmp_path):
    import hashlib
    import json
    import subprocess
    import sys

    out = tmp_path / "свод.xlsx"
    run = subprocess.run([sys.executable, "-m", "cluster_xl", "consolidate", str(EXAMPLES), "--period", "2026-10",
                          "-o", str(out), "--docx", "--json"], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    note = tmp_path / "свод.docx"
    assert data["docx"] == str(note) and data["docx_error"] is None
    digest = hashlib.sha256(out.read_bytes()).hexdigest()
    text = "".join(_paragraphs(_document_xml(note.read_bytes())))
    assert f"«свод.xlsx» (контрольная сумма SHA-256: {digest})" in text
    again = subprocess.run([sys.executable, "-m", "cluster_xl", "consolidate", str(EXAMPLES), "--period",
                            "2026-10", "-o", str(tmp_path / "второй.xlsx"), "--docx"],
                           capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    # The same inputs, the same book; the note differs only in the book's name it cites.
    assert (tmp_path / "второй.xlsx").read_bytes() == out.read_bytes()
    assert "Пояснительная записка записана" in again.stderr + again.stdout


def test_cli_refuses_a_note_that_would_replace_an_input(tmp_path):
    import subprocess
    import sys

    folder = tmp_path / "month"
    shutil.copytree(EXAMPLES, folder)
    victim = folder / "report.docx"
    victim.write_bytes(b"a college's letter")
    run = subprocess.run([sys.executable, "-m", "cluster_xl", "consolidate", str(folder), "--period", "2026-10",
                          "-o", str(folder / "report.xlsx"), "--docx"], capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 2, run.stderr
    assert victim.read_bytes() == b"a college's letter"
    assert not (folder / "report.xlsx").exists()


@pytest.mark.skipif(not _writer_installed() or __import__("os").environ.get("CLUSTER_XL_DOCS") != "1",
                    reason="set CLUSTER_XL_DOCS=1 (and install LibreOffice Writer) to redraw docs/")
def test_docs_picture_of_the_explanations(tmp_path, plan):
    """docs/explanations.png: the first page of «Пояснения к отклонениям» as --pdf prints it;
    docs/note.png: the first page of the explanatory note, through LibreOffice Writer."""
    import subprocess

    from cluster_xl.core import office
    from cluster_xl.writing.pdf import write_pdf

    repo = Path(__file__).resolve().parents[1]
    report = build_report(plan, [EXAMPLES], OCT)
    pdf = write_pdf(report, tmp_path / "consolidated_2026-10.pdf")
    pages = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                           check=True).stdout.split("\f")
    first = next(n for n, page in enumerate(pages, start=1) if "Пояснения к отклонениям от плана" in page)
    book = write_report(report, tmp_path / "consolidated_2026-10.xlsx")
    (tmp_path / "note").mkdir()
    note = tmp_path / "note" / "consolidated_2026-10.docx"  # its PDF must not replace the book's
    note.write_bytes(note_bytes(report, book.name, __import__("hashlib").sha256(book.read_bytes()).hexdigest()))
    note_pdf = office.convert(note, "pdf", note.parent, timeout=180, russian=True)
    for source, page, name in ((pdf, first, "explanations"), (note_pdf, 1, "note")):
        subprocess.run(["pdftoppm", "-f", str(page), "-l", str(page), "-r", "80", "-png", "-singlefile",
                        str(source), str(repo / "docs" / name)], check=True, timeout=120)
        assert (repo / "docs" / f"{name}.png").stat().st_size > 10_000


def test_no_word_is_wider_than_the_note_column(hostile_month):
    """«Причины отставания — на листе «Пояснения к отклонениям».» must not break «отклонениям»
    (nor «(сравнивается» of a level item): the column is as wide as its longest word."""
    from openpyxl.utils import get_column_letter

    book = openpyxl.load_workbook(hostile_month[2])
    for name in ("Свод", "Показатели"):
        ws = book[name]
        header = next(r for r in ws.iter_rows() if r[0].value == "Код")
        col = next(c.column for c in header if c.value == "Примечание")
        width = ws.column_dimensions[get_column_letter(col)].width
        words = [w for (cell,) in ws.iter_rows(min_row=header[0].row + 1, min_col=col, max_col=col)
                 if isinstance(cell.value, str) for w in cell.value.split()]
        assert any("отклонениям" in w for w in words)
        assert max(len(w) for w in words) <= width - 1, name
        # The name column gives the width back (the table stays DOCUMENT_WIDTH wide), never below 30.
        assert ws.column_dimensions["B"].width >= 30
