"""Property tests: numbers as typed, and a corpus of mutated example workbooks.

Whatever a college does to its file — cells retyped with anything, rows
shuffled, sheets renamed, copied or deleted, title fields blanked, rows and
columns inserted — reading it ends in a submission or in located issues,
never in an exception, and the whole corpus still consolidates and writes.
"""

from __future__ import annotations

import math
import random
import re
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from openpyxl.cell.cell import MergedCell
from hypothesis import given, strategies as st

from cluster_xl.reading import contract as c
from cluster_xl.core.model import ACCEPTED, REJECTED, Period
from cluster_xl.core.numbers import format_ru, parse_number
from cluster_xl.run.pipeline import build_report
from cluster_xl.run.policy import process_file
from cluster_xl.writing.workbook import write_report

OCT = Period(2026, 10)
KINDS = {"number", "none", "empty", "text"}

# -- numbers ------------------------------------------------------------------

_CELLS = (st.text() | st.integers() | st.floats(allow_nan=True, allow_infinity=True) | st.none()
          | st.booleans() | st.dates() | st.datetimes()
          | st.text(alphabet="0123456789 ,.-\u00a0\u202f\u2212%+eE", max_size=40))


@given(_CELLS)
def test_any_cell_parses_to_one_of_four_kinds_without_raising(cell):
    parsed = parse_number(cell)
    assert parsed.kind in KINDS
    if parsed.is_number:
        assert isinstance(parsed.value, float) and math.isfinite(parsed.value)
    else:
        assert parsed.value is None
    if parsed.kind == "text":
        assert parsed.raw  # what was typed is kept for the message


@given(st.decimals(min_value=Decimal(-10**12), max_value=Decimal(10**12), places=2))
def test_what_the_messages_print_parses_back(number):
    text = format_ru(float(number), 2)
    assert parse_number(text).value == pytest.approx(float(number), abs=0.006)


@given(st.text(alphabet="0123456789", min_size=1, max_size=500))
def test_long_digit_runs_are_never_infinite(digits):
    """No run of digits is infinite: beyond the bound (10^15) it is no number at all."""
    parsed = parse_number(digits)
    assert parsed.kind == ("number" if int(digits) <= 10 ** 15 else "text")


# -- the mutated corpus -------------------------------------------------------

N_MUTANTS = 48
_TEXTS = ["", " ", "-", "—", "–", "н/д", "нет", "да", "1 160", "87,5", "1.160.000", "12 3456",
          "=1+2", "+7", "@SUM(A1)", "-=cmd|' /C calc'!A0", "=HYPERLINK(\"http://x\")", "null",
          "NaN", "inf", "1e400", "9" * 400, "П1", "p3", "5.4.1", "13.02.11", "Титул", "Код",
          "План 2026", "Факт 2027", "Организация", "2026-10", "октябрь 2026", "\u202f47\u00a0",
          "x" * 3000, "Северный политехнический колледж", "1/tek-2026", "0/old"]


def _random_value(rng: random.Random):
    pick = rng.random()
    if pick < 0.35:
        return rng.choice(_TEXTS)
    if pick < 0.6:
        return rng.choice([0, 1, -1, 2.5, 1e15, -0.0, 10 ** 12, rng.randint(-1000, 100000),
                           rng.uniform(-1e6, 1e6)])
    if pick < 0.7:
        return rng.choice([date(2026, 10, 31), datetime(2001, 1, 1), date(2011, 2, 13)])
    if pick < 0.8:
        return None
    return "".join(rng.choice("0123456789 ,.-абвXYZ=@+%") for _ in range(rng.randint(1, 12)))


def _set(ws, row: int, col: int, value) -> None:
    cell = ws.cell(row, col)
    if not isinstance(cell, MergedCell):  # a merged area's value lives in its first cell
        cell.value = value


def _edit_cells(wb, rng):
    for _ in range(rng.randint(1, 25)):
        ws = rng.choice(wb.worksheets)
        row, col = rng.randint(1, max(ws.max_row, 1) + 3), rng.randint(1, max(ws.max_column, 1) + 2)
        _set(ws, row, col, _random_value(rng))


def _shuffle_rows(wb, rng):
    ws = wb[rng.choice([s for s in (c.SHEET_ACTIVITIES, c.SHEET_INDICATORS, c.SHEET_SPECIALTIES)
                        if s in wb.sheetnames] or wb.sheetnames)]
    rows = [[cell.value for cell in row] for row in ws.iter_rows(min_row=4)]
    rng.shuffle(rows)
    for r, values in enumerate(rows, start=4):
        for col, value in enumerate(values, start=1):
            _set(ws, r, col, value)


def _rename_sheet(wb, rng):
    """A new name, or another template sheet's name (the two swap)."""
    ws = rng.choice(wb.worksheets)
    name = rng.choice([c.SHEET_TITLE, c.SHEET_ACTIVITIES, c.SHEET_INDICATORS, "Лист1", "титул ",
                       "Мероприятия (2)"])
    if name in wb.sheetnames and wb[name] is not ws:
        other, old = wb[name], ws.title
        other.title = "__swap__"
        ws.title, other.title = name, old
    else:
        ws.title = name


def _delete_sheet(wb, rng):
    if len(wb.worksheets) > 1:
        wb.remove(rng.choice(wb.worksheets))


def _copy_sheet(wb, rng):
    wb.copy_worksheet(rng.choice(wb.worksheets))


def _blank_title(wb, rng):
    if c.SHEET_TITLE in wb.sheetnames:
        ws = wb[c.SHEET_TITLE]
        for row in ws.iter_rows():
            if row[0].value in c.TITLE_FIELDS.values() and rng.random() < 0.5:
                row[1].value = rng.choice([None, "", " ", "-"])


def _insert(wb, rng):
    ws = rng.choice(wb.worksheets)
    if rng.random() < 0.5:
        ws.insert_rows(rng.randint(1, max(ws.max_row, 1)), rng.randint(1, 3))
    else:
        ws.insert_cols(rng.randint(1, max(ws.max_column, 1)), rng.randint(1, 2))


MUTATIONS = [_edit_cells, _edit_cells, _shuffle_rows, _rename_sheet, _delete_sheet, _copy_sheet,
             _blank_title, _insert]


def mutate(src: Path, dst: Path, seed: int) -> Path:
    rng = random.Random(seed)
    wb = openpyxl.load_workbook(src)
    for _ in range(rng.randint(1, 4)):
        rng.choice(MUTATIONS)(wb, rng)
    wb.save(dst)
    return dst


@pytest.fixture(scope="module")
def corpus(generated_examples, tmp_path_factory):
    folder = tmp_path_factory.mktemp("mutants")
    sources = sorted(generated_examples.glob("*.xlsx"))
    return [mutate(sources[seed % len(sources)], folder / f"m{seed:03d}_{sources[seed % len(sources)].name}",
                   seed) for seed in range(N_MUTANTS)]


_CODE = re.compile(r"^[a-z]+(-[a-z]+)*$")


def test_every_mutant_ends_in_a_submission_or_located_issues(plan, corpus):
    statuses = set()
    for path in corpus:
        outcome = process_file(path, plan, OCT)
        statuses.add(outcome.status)
        assert outcome.submission is not None or outcome.issues, path.name
        assert outcome.status == (REJECTED if any(i.is_error for i in outcome.issues) else ACCEPTED)
        for issue in outcome.issues:
            assert _CODE.match(issue.code) and issue.message, issue
            assert issue.file == path.name
            assert issue.sheet or issue.code in _FILE_LEVEL, issue
    assert statuses == {ACCEPTED, REJECTED}  # the corpus is neither all clean nor all broken


_FILE_LEVEL = {"not-a-template", "unknown-template-version", "template-version", "template-plan",
               "missing-title-field", "unreadable-file", "file-too-large"}


def test_the_whole_corpus_consolidates_and_writes(plan, corpus, tmp_path):
    report = build_report(plan, corpus, OCT)
    assert len(report.files) == N_MUTANTS
    out = write_report(report, tmp_path / "svod.xlsx")
    book = openpyxl.load_workbook(out)
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value[:1] in "=+-@":
                    assert cell.data_type == "s", (ws.title, cell.coordinate, cell.value)
