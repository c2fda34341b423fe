"""Issue 13, item 4: the document at national scale.

Above the plan's `colleges_listed_up_to` the printed document stops naming every
college: «По организациям» prints the distribution of the colleges by % of their
own plan and the furthest behind and ahead by name (one page wide), with every
college under the printed part for the screen; «Диаграммы» draws the distribution
instead of a bar a college; «Пояснения к отклонениям» names a few colleges under
each item and counts the rest.  The October example (7 colleges) is laid out
that way with the setting at 3; the rules themselves are checked on shapes
the example lacks, with the expected values worked out by hand.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from dataclasses import replace

import openpyxl
import pandas as pd
import pytest

from cluster_xl.consolidation.explain import BehindItem, CollegeGap, listed_colleges
from cluster_xl.core.model import Period
from cluster_xl.core.names import SHEET_BY_COLLEGE, SHEET_CHARTS, SHEET_EXPLANATIONS
from cluster_xl.run.pipeline import build_report
from cluster_xl.writing.progress import BANDS, NO_PLAN, Progress, band_of, distribution, extremes
from cluster_xl.writing.workbook import write_report

from helpers import EXAMPLES
from helpers.independent import load_grid, read_values

OCT = Period(2026, 10)


def _college(name: str, fact: float | None, expected: float | None = 50.0) -> Progress:
    return Progress(name, name, 3, expected, fact, {})


def test_bands_as_printed():
    """The band is the printed share's (one decimal): 49,96 % prints as 50,0 % and is in
    «от 50 до 75 %»; 99,96 % prints as 100,0 % and counts as the plan done."""
    cases = {10.0: "менее 50 %", 49.94: "менее 50 %", 49.96: "от 50 до 75 %", 74.9: "от 50 до 75 %",
             75.0: "от 75 до 90 %", 89.99: "от 90 до 100 %", 99.94: "от 90 до 100 %", 99.96: "100 %",
             100.0: "100 %"}
    for share, band in cases.items():
        assert band_of(_college("к", share)) == band, share
    assert band_of(_college("к", None)) == NO_PLAN
    counts = dict(distribution([_college(str(s), s) for s in cases] + [_college("без плана", None)]))
    assert list(counts)[:len(BANDS)] == [label for label, _, _ in BANDS]
    assert counts == {"менее 50 %": 2, "от 50 до 75 %": 2, "от 75 до 90 %": 1, "от 90 до 100 %": 2,
                      "100 %": 2, NO_PLAN: 1}


def test_extremes_by_share_then_schedule_then_name():
    colleges = [_college("Б", 40.0), _college("А", 40.0), _college("В", 40.0, expected=60.0),
                _college("Г", 95.0), _college("Д", 100.0), _college("Е", 99.96), _college("Ж", None)]
    weakest, strongest = extremes(colleges, 2)
    # Equal shares: the one further behind its schedule (expected 60) first, then by name.
    assert [c.name for c in weakest] == ["В", "А"]
    # 99,96 prints as 100,0: tied with «Д», by name; «Ж» (no plan) is in neither.
    assert [c.name for c in strongest] == ["Д", "Е"]
    weak, strong = extremes(colleges, 10)  # fewer than twice the count: half and half, once each
    assert [c.name for c in weak] == ["В", "А", "Б"] and [c.name for c in strong] == ["Д", "Е", "Г"]


def _gap(name: str, fact: float | None, expected: float | None, reason: str = "") -> CollegeGap:
    return CollegeGap(name, name, 10.0, expected, fact, "behind", reason, ())


def test_an_item_names_the_colleges_furthest_behind_and_counts_the_rest():
    colleges = (_gap("к1", 5, 10), _gap("к2", 1, 10, "нет средств"), _gap("к3", 9, 10), _gap("к4", 0, 10),
                _gap("к5", 3, 10, "сроки"), _gap("к6", None, 10), _gap("к7", 8, 10, "позже"))
    item = BehindItem("1.1.1", "Позиция", "ед.", 70.0, 70.0, 26.0, colleges)
    listing = listed_colleges(item, 3)
    # fact / expected: к6 has no fact (0), к4 0,0, к2 0,1 — the three furthest behind, in plan order.
    assert [c.key for c in listing.shown] == ["к2", "к4", "к6"]
    assert (listing.more, listing.more_with_reason) == (4, 2)  # к1, к3, к5 (сроки), к7 (позже)
    everyone = listed_colleges(item, None)
    assert [c.key for c in everyone.shown] == [c.key for c in colleges] and everyone.more == 0


@pytest.fixture(scope="module")
def national(plan, tmp_path_factory):
    settings = replace(plan.settings, colleges_listed_up_to=3)
    report = build_report(replace(plan, settings=settings), [EXAMPLES], OCT)
    path = write_report(report, tmp_path_factory.mktemp("national") / "national.xlsx")
    return path, openpyxl.load_workbook(path)


def test_by_college_prints_the_summary_and_keeps_every_college_below(national, plan):
    path, book = national
    ws = book[SHEET_BY_COLLEGE]
    area = re.fullmatch(r"'?[^!]+'?!\$A\$1:\$([A-Z]+)\$(\d+)", ws.print_area)
    assert area and area.group(1) == "M"  # code, unit, ten colleges and the cluster: one page wide
    printed_end = int(area.group(2))
    grid = list(ws.iter_rows(values_only=True))
    # Printed: the distribution (seven colleges in all) and the named colleges, each once.
    head = next(n for n, r in enumerate(grid) if r[0] == "Факт, % собственного плана")
    bands = {r[0]: r[4] for r in grid[head + 1:head + 1 + len(BANDS)]}
    assert list(bands) == [label for label, _, _ in BANDS] and sum(bands.values()) == len(plan.colleges)
    named = [v for r in grid[:printed_end] if r[0] == "Код позиции" for v in r[2:] if v and v != "Кластер"]
    assert sorted(named) == sorted(c.short_name for c in plan.colleges)
    # Below the printed part, every college with its figures, as the files have them.
    h = next(n for n, r in enumerate(grid) if r[0] == "Организация")
    assert h > printed_end
    codes = {c: v for c, v in enumerate(grid[h]) if v in {i.code for i in plan.items}}
    rows = {r[0]: {code: r[c] for c, code in codes.items()} for r in grid[h + 2:h + 3 + len(plan.colleges)]}
    assert list(rows)[-1] == "Кластер" and len(rows) == len(plan.colleges) + 1
    sums = [i.code for i in plan.items if i.rule == "sum" and i.code in plan.input_codes]
    for file in sorted(p for p in EXAMPLES.iterdir() if p.suffix == ".xlsx"):
        values, _ = read_values(file)
        title = next(r[1] for r in load_grid(file)["Титул"] if r and r[0] == "Организация")
        short = next(o.short_name for o in plan.organisations if title in (o.name, o.short_name))
        for code in sums:
            fact = values.get((code, 2026, "fact"))
            assert rows[short][code] == (fact if fact is not None else "—"), (file.name, code)


def test_charts_draw_the_distribution_not_a_bar_a_college(national, plan):
    path, _ = national
    with zipfile.ZipFile(path) as z:
        charts = [z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("xl/charts/chart")]
    horizontal = [c for c in charts if '<c:barDir val="bar"/>' in c]
    assert not horizontal  # the bar a college is gone
    distribution_charts = [c for c in charts if "Организации по исполнению плана года" in c]
    assert len(distribution_charts) == 1
    ws = openpyxl.load_workbook(path)[SHEET_CHARTS]
    titles = [r[0] for r in ws.iter_rows(values_only=True) if isinstance(r[0], str)]
    assert any(t.startswith("Организации с наименьшим исполнением плана") for t in titles)
    assert any(t.startswith("Организации с наибольшим исполнением плана") for t in titles)


def _runs(ws) -> dict[str, tuple[int, int]]:
    """Item code -> (colleges named under it, the count in its «Ещё N …» line or 0)."""
    grid = list(ws.iter_rows(values_only=True))
    header = next(n for n, r in enumerate(grid) if r[0] == "Код")
    runs, current = [], None
    for r in grid[header + 1:]:
        if r[0] and r[1]:  # an item's line
            current = [r[0], 0, None]
            runs.append(current)
        elif current and not r[0] and r[1] and str(r[1]).startswith("Ещё "):
            current[2] = r[1]
        elif current and not r[0] and r[1]:
            current[1] += 1
        elif not any(r):
            current = None
    out = {}
    for code, named, more in runs:
        if more:
            assert re.fullmatch(r"Ещё \d+ организаци[яий] с отставанием или с примечанием.*«Данные»\.", more), more
        out[code] = (named, int(re.match(r"Ещё (\d+)", more).group(1)) if more else 0)
    return out


def test_explanations_name_at_most_five_colleges_an_item(national, month_books):
    """Every college the full document lists under an item is named or counted."""
    _, book = national
    runs = _runs(book[SHEET_EXPLANATIONS])
    full = _runs(openpyxl.load_workbook(month_books.october)[SHEET_EXPLANATIONS])
    assert runs.keys() == full.keys() and runs
    assert all(named <= 5 for named, _ in runs.values())
    assert any(more for _, more in runs.values())
    for code, (named, more) in runs.items():
        assert full[code][1] == 0 and named + more == full[code][0], code
        assert more == 0 or named == 5, code


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils is not installed")
def test_thirty_colleges_in_columns_keep_every_word_of_their_names(plan, tmp_path):
    """30 colleges (the most that stay columns) with long names: printed through
    LibreOffice, no word of a name is broken in its header — the columns widen and the
    grid spreads over more pages across instead (before: «политехническ/ий»)."""
    from cluster_xl.core import office
    from cluster_xl.writing.pdf import write_pdf

    if office.soffice() is None:
        pytest.skip("LibreOffice is not installed")
    report = build_report(plan, [EXAMPLES], OCT)
    frame = report.consolidation.by_college
    names = [f"Политехнический профессиональный колледж энергетики № {k}" for k in range(30)]
    copies = []
    for k, name in enumerate(names):
        part = frame[frame["org_id"] == frame["org_id"].iloc[0]].copy()
        part["org_id"], part["organisation"] = f"x{k}", name
        copies.append(part)
    wide = replace(report, consolidation=replace(report.consolidation, by_college=pd.concat(copies)))
    pdf = write_pdf(wide, tmp_path / "wide.pdf")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    words = set(re.split(r"\s+", text))
    for word in ("Политехнический", "профессиональный", "энергетики"):
        assert word in words, word
    assert not [w for w in words if w and "Политехнический".startswith(w) and w != "Политехнический"
                and len(w) > 3]


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils is not installed")
def test_national_totals_print_whole(plan, tmp_path):
    """Totals the size of a nation's (every figure × 10,000,000) print as numbers, never «###»,
    on every document sheet of the national layout."""
    from cluster_xl.core import office
    from cluster_xl.writing.pdf import write_pdf

    if office.soffice() is None:
        pytest.skip("LibreOffice is not installed")
    settings = replace(plan.settings, colleges_listed_up_to=3)
    report = build_report(replace(plan, settings=settings), [EXAMPLES], OCT)
    totals = report.consolidation.totals.copy()
    for column in ("target", "fact", "expected", "deviation"):
        totals[column] = totals[column] * 10_000_000
    big = replace(report, consolidation=replace(report.consolidation, totals=totals))
    pdf = write_pdf(big, tmp_path / "big.pdf")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "###" not in text
    assert re.search(r"\d{1,3}(?: \d{3}){2,}", text)  # millions, printed with their spaces
