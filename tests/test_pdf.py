"""Acceptance (issue 4): `--pdf` through LibreOffice, checked with pdfinfo and pdftotext.

Landscape A4 pages, the title and the period in words, the signature block,
every code on the same line as its name (no row split from its code), text at
full size; and a plain Russian message where LibreOffice is missing.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys

import pytest

from cluster_xl.core import office
from cluster_xl.face.cli import EXIT_PROBLEMS, main
from cluster_xl.writing.layout import REPORT_TITLE

from helpers import EXAMPLES

needs_soffice = pytest.mark.skipif(office.soffice() is None or shutil.which("pdftotext") is None,
                                   reason="LibreOffice or poppler-utils is not installed")


@pytest.fixture(scope="module")
def printed(month_books, tmp_path_factory):
    """The README's command with --pdf: the workbook and the PDF beside it."""
    folder = tmp_path_factory.mktemp("pdf")
    out = folder / "consolidated_2026-10.xlsx"
    proc = subprocess.run([sys.executable, "-m", "cluster_xl", "consolidate", str(EXAMPLES), "--period",
                           "2026-10", "--previous", str(month_books.september), "-o", str(out), "--pdf"],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"PDF записан: {out.with_suffix('.pdf')}" in proc.stdout
    pages = _run("pdfinfo", out.with_suffix(".pdf"))
    count = int(re.search(r"^Pages:\s+(\d+)", pages, re.M).group(1))
    text = [_run("pdftotext", "-layout", "-f", n, "-l", n, out.with_suffix(".pdf"), "-")
            for n in range(1, count + 1)]
    return out, out.with_suffix(".pdf"), text


def _run(*args) -> str:
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, check=True,
                          timeout=120).stdout


@needs_soffice
def test_same_workbook_with_or_without_pdf(printed, month_books):
    book, _, _ = printed
    assert (hashlib.sha256(book.read_bytes()).hexdigest()
            == hashlib.sha256(month_books.october.read_bytes()).hexdigest())


@needs_soffice
def test_every_page_is_a4_landscape(printed):
    _, path, text = printed
    sizes = re.findall(r"^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", _run(
        "pdfinfo", "-f", 1, "-l", len(text), path), re.M)
    assert len(sizes) == len(text) > 10
    assert {(round(float(w)), round(float(h))) for w, h in sizes} == {(842, 595)}


@needs_soffice
def test_title_period_attachment_and_page_numbers(printed, plan):
    _, _, text = printed
    first = " ".join(text[0].split())
    for words in ("Приложение к письму от", plan.cluster.name, REPORT_TITLE, "за октябрь 2026 г.",
                  "Сформирован 09.11.2026", "Мероприятия программы деятельности кластера"):
        assert words in first, words
    assert f"Стр. 1 из {len(text)}" in first
    assert f"Стр. {len(text)} из {len(text)}" in " ".join(text[-1].split())
    everything = " ".join(" ".join(text).split())
    assert "Плановые показатели результативности" in everything
    # Only the document: the working sheets stay out of the PDF.
    assert "Значения по всем позициям и годам программы" not in everything
    assert "Перечень обработанных файлов" not in everything


@needs_soffice
def test_signature_block_at_the_end_of_each_document_sheet(printed, plan):
    _, _, text = printed
    name = plan.settings.signatory_name
    signed = [n for n, page in enumerate(text) if name in page]
    assert len(signed) == 5  # «Свод», «Показатели», «По организациям», «Пояснения к отклонениям», «Диаграммы»
    for n in signed:
        line = next(line for line in text[n].splitlines() if name in line)
        assert "_" * 10 in line  # the line to sign on, between position and name
        assert plan.settings.signatory_position.split()[0] in text[n]


@needs_soffice
def test_every_code_on_one_line_with_its_name(printed, plan):
    """No row split from its code: each code starts a line that also holds the
    first word of its name (the top line of a wrapped cell)."""
    _, _, text = printed
    lines = [line.split() for page in text for line in page.splitlines() if line.strip()]
    words = {w for line in lines for w in line}
    for item in plan.items:
        first_word = item.name.split()[0]
        assert any(line[0] == item.code and first_word in line[1:4] for line in lines), item.code
        assert item.name.split()[-1] in words, item.code  # the end of a long name is not cut off


@needs_soffice
def test_text_prints_at_its_nominal_size(printed):
    """The document sheets fit the page at 100 %: the 14 pt title is at least 13 pt high."""
    _, path, _ = printed
    box = _run("pdftotext", "-bbox", "-f", 1, "-l", 1, path, "-")
    heights = [float(y1) - float(y0) for y0, y1 in re.findall(
        r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">Сводный<', box)]
    assert heights and min(heights) >= 13


def test_without_libreoffice_a_russian_message_and_exit_code_1(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(office.shutil, "which", lambda name: None)
    out = tmp_path / "consolidated_2026-10.xlsx"
    with pytest.raises(SystemExit) as stopped:
        main(["consolidate", str(EXAMPLES), "--period", "2026-10", "-o", str(out), "--pdf"])
    assert stopped.value.code == EXIT_PROBLEMS
    err = capsys.readouterr().err
    assert "PDF не записан: не найден LibreOffice (программа soffice)" in err
    assert out.exists() and not out.with_suffix(".pdf").exists()  # the workbook is still there
