"""No silent truncation at any size: a sheet's last row and last column are never passed.

«Данные» continues on «Данные (2)»…; «По организациям» puts colleges in rows above the
plan's `colleges_as_rows_above`, and last month's book is read back from either layout.
"""

from __future__ import annotations

from dataclasses import replace

import openpyxl
import pandas as pd
import pytest

from cluster_xl.consolidation.previous import compare_with_previous
from cluster_xl.core.model import Period
from cluster_xl.core.names import SHEET_BY_COLLEGE, SHEET_DATA
from cluster_xl.run.pipeline import build_report
from cluster_xl.writing import working
from cluster_xl.writing.workbook import write_report

from helpers import EXAMPLES, EXAMPLES_SEPTEMBER
from helpers.independent import load_grid, read_values

OCT = Period(2026, 10)
MEASURE_WORDS = {"план": "target", "факт": "fact"}


@pytest.fixture(scope="module")
def october(plan):
    return build_report(plan, [EXAMPLES], OCT)


def _data_rows(book, names):
    """Every data row of the «Данные» parts, in order, and each part's own row count."""
    rows, sizes = [], []
    for name in names:
        values = list(book[name].iter_rows(values_only=True))
        sizes.append(len(values))
        start = next(n for n, r in enumerate(values) if r[0] == "Организация") + 1
        rows += [r for r in values[start:] if r[8]]
    return rows, sizes


def test_data_continues_on_as_many_sheets_as_it_needs(october, tmp_path, monkeypatch):
    monkeypatch.setattr(working, "SHEET_ROWS", 120)
    path = write_report(october, tmp_path / "parts.xlsx")
    book = openpyxl.load_workbook(path, read_only=True)
    parts = [n for n in book.sheetnames if n == SHEET_DATA or n.startswith(f"{SHEET_DATA} (")]
    entries, reasons = october.consolidation.entries, october.consolidation.reasons
    per = 120 - 8  # title block, part line, header
    assert len(parts) == -(-(len(entries) + len(reasons)) // per) > 5
    # The parts follow «Данные», before the sheets after it.
    first = book.sheetnames.index(SHEET_DATA)
    assert book.sheetnames[first:first + len(parts)] == [SHEET_DATA] + [f"{SHEET_DATA} ({k})"
                                                                       for k in range(2, len(parts) + 1)]
    rows, sizes = _data_rows(book, parts)
    assert max(sizes) <= 120
    assert len(rows) == len(reasons) + len(entries)
    assert [r[5] for r in rows[:len(reasons)]] == reasons["text"].tolist()
    got = [(r[1], r[3], MEASURE_WORDS[r[4]], None if r[5] == "—" else float(r[5]), r[6], r[7], r[8])
           for r in rows[len(reasons):]]
    want = [(c, int(y), m, float(v), f, s, a) for c, y, m, v, f, s, a in entries[
        ["code", "year", "measure", "value", "file", "sheet", "cell"]].itertuples(index=False)]
    assert got == want
    head = list(book[parts[0]].iter_rows(values_only=True, max_row=8))
    assert any(r[0] == f"Часть 1 из {len(parts)}; продолжение — на листе «{SHEET_DATA} (2)»" for r in head)
    tail = list(book[parts[-1]].iter_rows(values_only=True, max_row=8))
    assert any(r[0] == f"Часть {len(parts)} из {len(parts)}" for r in tail)


def _organisation(path) -> str:
    return next(r[1] for r in load_grid(path)["Титул"] if r and r[0] == "Организация")


def _rows_plan(plan, above: int, listed: int = 30):
    return replace(plan, settings=replace(plan.settings, colleges_as_rows_above=above,
                                          colleges_listed_up_to=listed))


def test_colleges_as_rows_above_the_setting(plan, tmp_path):
    report = build_report(_rows_plan(plan, 3), [EXAMPLES], OCT)
    path = write_report(report, tmp_path / "rows.xlsx")
    grid = list(openpyxl.load_workbook(path)[SHEET_BY_COLLEGE].iter_rows(values_only=True))
    h = next(n for n, r in enumerate(grid) if r[0] == "Организация")
    codes = list(grid[h][1:])
    assert codes == [i.code for i in plan.items]
    assert grid[h + 1][0] == "Ед. изм." and list(grid[h + 1][1:]) == [i.unit for i in plan.items]
    by_name = {r[0]: dict(zip(codes, r[1:])) for r in grid[h + 2:h + 2 + len(plan.colleges) + 1]}
    assert list(by_name)[-1] == "Кластер"
    sums = [i.code for i in plan.items if i.rule == "sum" and i.code in plan.input_codes]
    for path in sorted(p for p in EXAMPLES.iterdir() if p.suffix == ".xlsx"):
        values, _ = read_values(path)
        short = next(o.short_name for o in plan.organisations if o.name == _organisation(path)
                     or o.short_name == _organisation(path))
        for code in sums:
            fact = values.get((code, 2026, "fact"))
            assert by_name[short][code] == (fact if fact is not None else "—"), (path.name, code)


def test_last_months_book_reads_back_from_either_layout(plan, tmp_path):
    changes = []
    for above, listed in ((30, 30), (3, 30), (3, 3)):  # columns, rows, and the national layout
        p = _rows_plan(plan, above, listed)
        september = write_report(build_report(p, [EXAMPLES_SEPTEMBER], Period(2026, 9)),
                                 tmp_path / f"sep_{above}.xlsx")
        report = compare_with_previous(build_report(p, [EXAMPLES], OCT), september)
        assert not [i for i in report.findings if i.code.startswith("previous")]
        changes.append(report.previous)
    assert changes[0].colleges == changes[1].colleges == changes[2].colleges
    assert changes[0].items == changes[1].items == changes[2].items
    assert len(changes[0].colleges) > 100


@pytest.mark.slow
def test_more_rows_and_colleges_than_a_sheet_holds(october, tmp_path):
    """A synthetic report past both limits: 1,100,000 entries and 16,400 colleges."""
    from python_calamine import CalamineWorkbook

    cons = october.consolidation
    n = 1_100_000
    entries = pd.DataFrame({
        "org_id": "c", "organisation": "Колледж", "item": "1.1.1", "code": "1.1.1",
        "year": 2026, "measure": "fact", "value": [float(i) for i in range(n)], "file": "f.xlsx",
        "sheet": "Мероприятия", "cell": "E6"}).astype({"year": "int64"})
    colleges = 16_400
    items = [i.code for i in october.plan.items]
    by_college = pd.DataFrame({
        "org_id": [f"c{k}" for k in range(colleges) for _ in items],
        "organisation": [f"Колледж {k}" for k in range(colleges) for _ in items],
        "code": items * colleges,
        "target": float("nan"),
        "fact": [float(k * 100 + j) for k in range(colleges) for j in range(len(items))],
        "pct": float("nan"), "expected": float("nan"), "status": "no_target"})
    big = replace(october, consolidation=replace(cons, entries=entries, by_college=by_college,
                                                  reasons=cons.reasons.iloc[0:0]))
    path = write_report(big, tmp_path / "big.xlsx", sheets=[SHEET_DATA, SHEET_BY_COLLEGE])
    book = CalamineWorkbook.from_path(str(path))
    assert book.sheet_names[1:] == [SHEET_DATA, f"{SHEET_DATA} (2)"]
    values = []
    for name in book.sheet_names[1:]:
        rows = book.get_sheet_by_name(name).to_python()
        assert len(rows) <= 1_048_576
        start = next(k for k, r in enumerate(rows) if r[0] == "Организация") + 1
        values += [r[5] for r in rows[start:] if r[8]]
    assert values == [float(i) for i in range(n)]
    grid = book.get_sheet_by_name(SHEET_BY_COLLEGE).to_python()
    h = next(k for k, r in enumerate(grid) if r[0] == "Организация")
    columns = [c for c, v in enumerate(grid[h]) if v in set(items)]
    assert [grid[h][c] for c in columns] == items and columns[-1] < 50  # items as columns: far from XFD
    listed = {r[0]: [r[c] for c in columns] for r in grid[h + 2:h + 2 + colleges]}
    assert len(listed) == colleges
    assert all(listed[f"Колледж {k}"] == [float(k * 100 + j) for j in range(len(items))]
               for k in range(colleges))
