"""Issue 13, item 1: row heights from the fonts' own metrics, checked against LibreOffice.

`core.measure` predicts how many lines a wrapped cell takes.  The check that
matters is the real program: a sheet of the plan's names, headings and notes in
columns of several widths, sizes and faces is printed by LibreOffice, and the
lines of every cell are counted from the PDF's word boxes (pdftotext -bbox).
A prediction may be one line over where a line fills its cell to the last
point (the row is a line taller than it needs), never under (the text would be
cut off).
"""

from __future__ import annotations

import random
import re
import shutil
import subprocess

import pytest
import xlsxwriter

from cluster_xl.core import office
from cluster_xl.core.measure import (
    CALIBRI, TIMES, column_points, fitting_height, line_count, line_height, text_width, wrap,
)

needs_soffice = pytest.mark.skipif(office.soffice() is None or shutil.which("pdftotext") is None,
                                   reason="LibreOffice or poppler-utils is not installed")


def test_widths_are_the_fonts_own():
    """Published advance widths of Times New Roman (= Liberation Serif): digits are half an
    em, the space a quarter, the em dash a whole em; Calibri's digits 1038/2048 em."""
    assert text_width("0123456789") == pytest.approx(50.0)
    assert text_width(" ", size=12) == pytest.approx(3.0)
    assert text_width("—", size=14) == pytest.approx(14.0)
    assert text_width("0", size=11, font=CALIBRI) == pytest.approx(11 * 1038 / 2048)
    assert text_width("Ж", bold=True) > text_width("Ж") > text_width("ж")
    # A character outside the table is measured wide, never narrow.
    assert text_width("\u4e00") >= text_width("ш")


def test_a_column_is_as_wide_as_libreoffice_makes_it():
    """LibreOffice's width of a column XlsxWriter set to 10 and 45 units in a Times New Roman
    book (read back from its .ods: 0.7437 in and 3.1744 in)."""
    assert column_points(10) == pytest.approx(0.7437 * 72, abs=0.05)
    assert column_points(45) == pytest.approx(3.1744 * 72, abs=0.05)


def test_lines_break_at_spaces_after_hyphens_and_inside_overlong_words():
    room = text_width("проектно-аналитическая") - 1
    assert wrap("проектно-аналитическая", room) == ["проектно-", "аналитическая"]
    assert wrap("а б", 1000) == ["а б"]
    assert wrap("первая\nвторая", 1000) == ["первая", "вторая"]
    pieces = wrap("Ш" * 30, text_width("Ш" * 10))
    assert pieces == ["Ш" * 10] * 3  # a word longer than the line breaks where it reaches the edge
    assert all(text_width(line) <= text_width("Ш" * 10) for line in pieces)


def test_heights_follow_the_line_count():
    assert line_height(10) == pytest.approx(10 * 2268 / 2048)  # Liberation Serif: ascent + descent
    assert line_height(11, CALIBRI) == pytest.approx(15)  # Excel's line of Calibri 11
    assert fitting_height([("коротко", 20, False)]) is None
    two = fitting_height([("слово " * 20, 20, False)])
    assert two is not None and two > 2 * line_height(11, CALIBRI)
    assert fitting_height([("коротко", 20, False)], least=2) == pytest.approx(2 * 15 + 3)


def _cases(plan, seed: int):
    texts = [i.name for i in plan.items] + [s.title for s in plan.sections] + [r.title for r in plan.results]
    texts += ["Правило свода: не более одного на кластер. График: к концу года.",
              "Причины отставания — на листе «Пояснения к отклонениям».",
              "Числитель: 1 160 чел.; знаменатель: 2 460 чел."]
    rng = random.Random(seed)
    widths = [8, 11, 14, 20, 30, 45, 60]
    cases: dict[float, list] = {w: [] for w in widths}
    for text in texts:
        w = rng.choice(widths)
        cases[w].append((text, rng.choice([9, 10, 12, 14]), rng.random() < 0.3, rng.random() < 0.2))
    return cases


def _printed_lines(pdf) -> dict[str, int]:
    """Marker -> lines of the cell beside it, from the word boxes of every page."""
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True,
                          check=True, timeout=120).stdout
    marker = re.compile(r"R\d+x\d+")
    got: dict[str, int] = {}
    for page in html.split("<page ")[1:]:
        words = [(float(y), t) for y, t in re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="[\d.]+">([^<]*)<',
                                                        page)]
        marks = sorted((y, t) for y, t in words if marker.fullmatch(t))
        for k, (top, key) in enumerate(marks):
            bottom = marks[k + 1][0] if k + 1 < len(marks) else 1e9
            tops = sorted({round(y) for y, t in words if not marker.fullmatch(t) and top - 2 <= y < bottom - 2})
            lines = [v for n, v in enumerate(tops) if n == 0 or v - tops[n - 1] > 3]
            got[key] = len(lines)
    return got


@needs_soffice
@pytest.mark.parametrize("font", [TIMES, CALIBRI])
def test_predicted_lines_match_libreoffice(tmp_path, plan, font):
    path = tmp_path / "lines.xlsx"
    options = {"default_format_properties": {"font_name": TIMES, "font_size": 10}} if font == TIMES else {}
    wb = xlsxwriter.Workbook(str(path), options)
    mark = wb.add_format({"valign": "top", "font_size": 6})
    predicted: dict[str, tuple[int, str]] = {}
    for width, rows in _cases(plan, 7).items():
        ws = wb.add_worksheet(f"W{width}")
        ws.set_paper(9)
        ws.set_margins(0.3, 0.3, 0.3, 0.3)
        ws.set_column(0, 0, 3)
        ws.set_column(1, 1, width)
        for r, (text, size, bold, italic) in enumerate(rows):
            cell = wb.add_format({"text_wrap": True, "valign": "top", "font_size": size, "bold": bold,
                                  "italic": italic, "font_name": font})
            lines = line_count(text, width, size, bold, italic, font)
            key = f"R{int(width)}x{r}"
            ws.write_string(r, 0, key, mark)
            ws.write_string(r, 1, text, cell)
            # Room to spare below, so the count is LibreOffice's and not the row's.
            ws.set_row(r, min(409, (lines + 3) * line_height(size, font) * 1.2))
            if (lines + 3) * line_height(size, font) * 1.2 <= 409:
                predicted[key] = (lines, text)
    wb.close()
    pdf = office.convert(path, "pdf", tmp_path, timeout=300)
    printed = _printed_lines(pdf)
    under = {k: (v, printed.get(k)) for k, v in predicted.items() if printed.get(k, 0) > v[0]}
    assert not under, under  # never a line short: the text would be cut off
    assert len(printed) >= 0.9 * len(predicted)
    if font == TIMES:  # the document's font, measured as LibreOffice prints it: at most a line over
        over = [k for k, (lines, _) in predicted.items() if k in printed and printed[k] != lines]
        assert all(predicted[k][0] - printed[k] == 1 for k in over)
        assert len(over) <= 0.15 * len(predicted), over
    # Calibri books are sized for Excel's narrower columns: over in LibreOffice, never under.
