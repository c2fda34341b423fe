"""Acceptance (issue 13): the document's pages as LibreOffice prints them.

The October example is printed with `--pdf` (with and without last month's book)
and read back page by page with pdftotext, so these tests check what a person
holds, not what the code meant to set:

- every document sheet starts on a page of its own (its attachment mark);
- the signature block's page also carries rows of its table;
- no page after a sheet's first is only the repeated header: each carries rows;
- every section and result heading of «Свод» is on the page of its first item;
- no word of a name, a heading or a note is broken inside a cell;
- every page is at least half full, except the last of each sheet;
- the legend is on one page;
- no figure prints as «###» (a column too narrow for its number).

A third print lays the same month out as a national document (the plan's
`colleges_listed_up_to` set to 3).

The expected rows come from the plan and from the workbook read back with
openpyxl, not from the layout code.
"""

from __future__ import annotations

import json
import re
import zipfile
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

import cluster_xl
from cluster_xl.core import office
from cluster_xl.core.names import DOCUMENT_SHEETS

from helpers import EXAMPLES

pytestmark = pytest.mark.skipif(office.soffice() is None or shutil.which("pdftotext") is None,
                                reason="LibreOffice or poppler-utils is not installed")

PAGE_HEIGHT = 595.3  # A4 landscape, points
TOP, BOTTOM = 20 / 25.4 * 72, PAGE_HEIGHT - 20 / 25.4 * 72  # the ГОСТ margins
MARK = "Приложение к письму"
STATES = ("выполнено", "в графике", "отставание", "нет цели", "нет данных")


def _run(*args) -> str:
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, check=True,
                          timeout=120).stdout


def _print(folder, previous=None, plan=None):
    out = folder / "consolidated_2026-10.xlsx"
    args = [sys.executable, "-m", "cluster_xl", "consolidate", str(EXAMPLES), "--period", "2026-10",
            "-o", str(out), "--pdf"]
    if previous is not None:
        args += ["--previous", str(previous)]
    if plan is not None:
        args += ["--plan", str(plan)]
    proc = subprocess.run(args, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    pdf = out.with_suffix(".pdf")
    count = int(re.search(r"^Pages:\s+(\d+)", _run("pdfinfo", pdf), re.M).group(1))
    pages = [_run("pdftotext", "-layout", "-f", n, "-l", n, pdf, "-") for n in range(1, count + 1)]
    boxes = _run("pdftotext", "-bbox", pdf, "-").split("<page ")[1:]
    assert len(boxes) == count
    return out, pages, boxes


def national_plan(folder):
    """The bundled plan with `colleges_listed_up_to` 3: the October example laid out as a
    national document (the distribution, the furthest behind and ahead by name)."""
    plan = json.loads((Path(cluster_xl.__file__).parent / "plan" / "data" / "plan.json").read_text("utf-8"))
    plan["settings"]["colleges_listed_up_to"] = 3
    path = folder / "national.json"
    path.write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module", params=["alone", "with_previous", "national"])
def printed(request, month_books, tmp_path_factory):
    folder = tmp_path_factory.mktemp(f"pages_{request.param}")
    previous = month_books.september if request.param == "with_previous" else None
    plan = national_plan(folder) if request.param == "national" else None
    book, pages, boxes = _print(folder, previous, plan)
    sheets = _split(pages)
    assert len(sheets) == len(DOCUMENT_SHEETS), [len(s) for s in sheets]
    return openpyxl.load_workbook(book), pages, boxes, sheets


def _split(pages: list[str]) -> list[list[int]]:
    """Page numbers (0-based) by document sheet: each sheet's first page has the attachment mark."""
    sheets: list[list[int]] = []
    for n, page in enumerate(pages):
        if MARK in page:
            sheets.append([])
        sheets[-1].append(n)
    return sheets


def _lines(page: str) -> list[str]:
    return [line.strip() for line in page.splitlines() if line.strip()]


def _row_starts(ws) -> set[str]:
    """The first word of each table row's first text (code, or a college's name where
    the code cell is empty): the rows under «Код»/«Раздел»/«Организация» headers."""
    starts: set[str] = set()
    heads = {"Код", "Код позиции", "Раздел", "№", "Организация"}
    in_table = False
    for row in ws.iter_rows(values_only=True):
        first = next((str(v) for v in row[:2] if v not in (None, "")), "")
        if first in heads:
            in_table = True
            continue
        if not first or first.startswith("Условные обозначения"):
            in_table = False
            continue
        if in_table:
            starts.add(first.split()[0])
    return starts


def _has_rows(page: str, starts: set[str]) -> bool:
    return any(line.split()[0] in starts for line in _lines(page))


def _tail_fits(ws, name: str) -> bool:
    """Whether the table's last row, all under it and the repeated header rows fit one page
    (LibreOffice prints 459 pt of rows between the margins and the footer; the tool fills
    454 of them, keeping 5 for LibreOffice's rounding of row heights), from the heights read
    back; where they do not, nothing could keep the last row with the signature."""
    def height(row: int) -> float:
        return ws.row_dimensions[row].height or ws.sheet_format.defaultRowHeight
    starts = _row_starts(ws)
    signature = next(r for r in range(ws.max_row, 0, -1)
                     if any(name == c.value for c in ws[r]))
    last = next(r for r in range(signature, 0, -1)
                if (v := next((str(x) for x in (ws.cell(r, 1).value, ws.cell(r, 2).value) if x), ""))
                and v.split()[0] in starts)
    repeated = 0.0
    if ws.print_title_rows:
        first, end = (int(n) for n in re.findall(r"\d+", ws.print_title_rows))
        repeated = sum(height(r) for r in range(first, end + 1))
    return repeated + sum(height(r) for r in range(last, signature + 1)) <= 454


def _chart_titles(plan) -> set[str]:
    """The first word of each indicator chart's title on «Диаграммы» («П5, чел.»)."""
    return {f"{item.code}," for item in plan.indicators}


def test_each_sheet_signed_on_a_page_with_rows_of_its_table(printed, plan):
    book, pages, _, sheets = printed
    name = plan.settings.signatory_name
    for sheet, numbers in zip(DOCUMENT_SHEETS, sheets):
        signed = [n for n in numbers if name in pages[n]]
        assert signed == [numbers[-1]], sheet  # signed once, on its last page
        if sheet == "Диаграммы":  # its last line of charts goes with the signature
            assert f"{plan.indicators[-1].code}, {plan.indicators[-1].unit}" in pages[signed[0]], sheet
        elif _tail_fits(book[sheet], name):
            assert _has_rows(pages[signed[0]], _row_starts(book[sheet])), sheet
        else:  # the table's last row alone fills a page: the legend and notes go with the signature
            assert "Условные обозначения" in pages[signed[0]] or sheet == "Диаграммы", sheet


def test_no_page_is_only_the_repeated_header(printed, plan):
    """Every page after a sheet's first carries rows of its table; the one exception is a
    sheet whose last row cannot share a page with the closing, and then its last page
    holds the legend and the signature together."""
    book, pages, _, sheets = printed
    name = plan.settings.signatory_name
    for sheet, numbers in zip(DOCUMENT_SHEETS, sheets):
        starts = _row_starts(book[sheet]) | (_chart_titles(plan) if sheet == "Диаграммы" else set())
        for n in numbers[1:]:
            if n == numbers[-1] and sheet != "Диаграммы" and not _tail_fits(book[sheet], name):
                assert "Условные обозначения" in pages[n] and name in pages[n], (sheet, n + 1)
            else:
                assert _has_rows(pages[n], starts), (sheet, n + 1)


def test_every_heading_is_on_the_page_of_its_first_item(printed, plan):
    _, pages, _, sheets = printed
    summary = sheets[DOCUMENT_SHEETS.index("Свод")]
    first_item: dict[str, str] = {}
    for item in plan.activities:
        for code in (item.section, item.result):
            if code:
                first_item.setdefault(code, item.code)
    assert len(first_item) >= 20
    for heading, item in first_item.items():
        found = [n for n in summary if any(line.split()[0] == heading for line in _lines(pages[n]))]
        assert found, heading
        assert any(line.split()[0] == item for line in _lines(pages[found[0]])), (heading, item, found[0] + 1)


def _words(text: str) -> set[str]:
    """Words as a reader sees them: split at spaces and after hyphens, punctuation trimmed."""
    out = set()
    for token in re.split(r"[\s\-–—/]+", text):
        word = token.strip("«»\"'()[],.;:!?№*")
        if len(word) >= 4 and not re.search(r"\d", word):
            out.add(word)
    return out


def test_no_word_is_broken_inside_a_cell(printed, plan):
    """Every word of every name, heading, note and college prints whole somewhere (a word broken
    across lines prints as two fragments, neither of them the word)."""
    book, pages, _, _ = printed
    printed_words = _words(" ".join(pages))
    expected = set()
    for item in plan.items:
        expected |= _words(item.name)
    for heading in (*plan.sections, *plan.results):
        expected |= _words(heading.title)
    for college in plan.colleges:  # the headers of «По организациям», the rows of «Пояснения»
        expected |= _words(college.short_name)
    for sheet in ("Свод", "Показатели"):
        ws = book[sheet]
        col = next(c.column for row in ws.iter_rows() for c in row if c.value == "Примечание")
        for (cell,) in ws.iter_rows(min_col=col, max_col=col):
            if isinstance(cell.value, str) and cell.value != "Примечание":
                expected |= _words(cell.value)
    missing = sorted(expected - printed_words)
    assert not missing, missing[:20]


def _lowest_text(box: str) -> float:
    """The bottom of the lowest word above the footer («Стр. N из M»)."""
    words = re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)<', box)
    body = [float(y1) for y0, y1, w in words if float(y0) < BOTTOM]
    return max(body, default=TOP)


def test_every_page_but_a_sheets_last_is_at_least_half_full(printed):
    _, _, boxes, sheets = printed
    middle = TOP + (BOTTOM - TOP) / 2
    for sheet, numbers in zip(DOCUMENT_SHEETS, sheets):
        for n in numbers[:-1]:
            assert _lowest_text(boxes[n]) > middle, (sheet, n + 1)


def test_the_legend_is_on_one_page(printed):
    _, pages, _, sheets = printed
    for sheet, numbers in zip(DOCUMENT_SHEETS, sheets):
        legend = [n for n in numbers if "Условные обозначения" in pages[n]]
        if not legend:
            continue
        lines = _lines(pages[legend[0]])
        at = next(k for k, line in enumerate(lines) if "Условные обозначения" in line)
        after = " ".join(lines[at:])
        for state in STATES:
            assert f"{state} —" in after, (sheet, state)


def test_no_figure_is_too_wide_for_its_column(printed):
    _, pages, _, _ = printed
    assert not [n + 1 for n, page in enumerate(pages) if "###" in page]


def test_chart_legends_read_in_one_order(printed):
    """Both bar charts' legends, as printed: «По графику» before «Факт» on every legend line."""
    _, pages, _, sheets = printed
    charts_page = pages[sheets[DOCUMENT_SHEETS.index("Диаграммы")][0]]
    legends = [line for line in _lines(charts_page) if "По графику" in line and "Факт" in line]
    assert legends
    for line in legends:
        spots = [(m.start(), m.group()) for m in re.finditer(r"По графику|Факт", line)]
        assert [word for _, word in spots] == ["По графику", "Факт"] * (len(spots) // 2), line


def test_indicator_labels_sit_apart(month_books):
    """Each indicator chart: at the report date the higher of fact and expected is labelled
    above its marker and the lower below, so neither marker covers the other's label (the
    figures read from the book, the placement from the chart parts)."""
    october_book = month_books.october
    with zipfile.ZipFile(october_book) as z:
        charts = [z.read(n).decode("utf-8") for n in sorted(z.namelist()) if n.startswith("xl/charts/chart")]
    ws = openpyxl.load_workbook(october_book)["Показатели"]
    grid = list(ws.iter_rows(values_only=True))
    header = next(n for n, r in enumerate(grid) if r[0] == "Код")
    cols = {v: c for c, v in enumerate(grid[header]) if v}
    fact, expected = cols["Факт 2026"], cols["По графику на 31.10.2026"]
    figures = {r[0]: (r[fact], r[expected]) for r in grid[header + 1:] if r[0] and str(r[0]).startswith("П")}
    checked = 0
    for chart in charts:
        if "<c:v>По графику и цели</c:v>" not in chart:
            continue
        series = re.findall(r"<c:ser>(.*?)</c:ser>", chart, re.S)
        names = [re.search(r"<c:v>([^<]*)</c:v>", s).group(1) for s in series]
        assert names == ["По графику и цели", "По графику", "Факт"]
        trajectory, expected, fact = series
        assert "<c:delete val=\"1\"/>" in trajectory  # its first point is labelled by «По графику»
        pos = {name: re.search(r'<c:dLblPos val="([a-z])"/>', s).group(1)
               for name, s in (("expected", expected), ("fact", fact))}
        value_fact = float(re.findall(r"<c:v>([-\d.]+)</c:v>", fact)[-1])
        value_expected = float(re.findall(r"<c:v>([-\d.]+)</c:v>", expected)[-1])
        code = next(c for c, (f, e) in figures.items() if f == value_fact)
        assert figures[code][1] == pytest.approx(value_expected, abs=0.05)
        higher, lower = ("fact", "expected") if value_fact >= value_expected else ("expected", "fact")
        assert (pos[higher], pos[lower]) == ("t", "b"), code
        checked += 1
    assert checked == 7
