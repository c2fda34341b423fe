"""Quarters, the half-year, nine months and the year: the span's last month, its titles, its schedule.

Expected statuses come from tests/helpers/independent.py (the files read cell by
cell, the schedule as the README states it), never from a run.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest

from cluster_xl.core.model import HALF, NINE_MONTHS, QUARTER, YEAR, Period, parse_period, parse_span, with_span
from cluster_xl.run.pipeline import build_report
from cluster_xl.writing.sample import example_fillings
from cluster_xl.writing.template import write_template

from helpers import EXAMPLES, EXAMPLES_SEPTEMBER
from helpers.independent import aggregate, expected_by, is_behind


@pytest.mark.parametrize("typed, year, month, span, words, label", [
    ("2026-Q3", 2026, 9, QUARTER, "III квартал 2026 г.", "2026-Q3"),
    ("2027-q1", 2027, 3, QUARTER, "I квартал 2027 г.", "2027-Q1"),
    ("2026-H1", 2026, 6, HALF, "I полугодие 2026 г.", "2026-H1"),
    ("2026-9M", 2026, 9, NINE_MONTHS, "9 месяцев 2026 г.", "2026-9M"),
    ("2026", 2026, 12, YEAR, "2026 год", "2026"),
    # A consolidated book's title, read back by --previous:
    ("IV квартал 2026 г.", 2026, 12, QUARTER, "IV квартал 2026 г.", "2026-Q4"),
    ("9 месяцев 2026 г.", 2026, 9, NINE_MONTHS, "9 месяцев 2026 г.", "2026-9M"),
    ("2026 год", 2026, 12, YEAR, "2026 год", "2026"),
])
def test_spans_are_read_as_typed(typed, year, month, span, words, label):
    found = parse_span(typed)
    assert (found.year, found.month, found.span) == (year, month, span)
    assert (found.words, found.label) == (words, label)
    assert found == Period(year, month)  # its files are the reports of its last month


@pytest.mark.parametrize("typed", ["2026-Q5", "2026-Q0", "2026-H2", "2026-10", "осень 2026", "26"])
def test_what_is_no_span(typed):
    assert parse_span(typed) is None


def test_a_college_typing_a_year_gives_no_period():
    """«2026» on a title sheet is a mistake to report (bad-period), never «the year»."""
    assert parse_period("2026") is None


@pytest.mark.parametrize("month, span, fits", [
    (9, QUARTER, True), (10, QUARTER, False), (6, HALF, True), (12, HALF, False),
    (9, NINE_MONTHS, True), (8, NINE_MONTHS, False), (12, YEAR, True), (11, YEAR, False),
])
def test_a_span_ends_only_with_its_month(month, span, fits):
    assert (with_span(Period(2026, month), span) is not None) is fits


def _run(*args, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cluster_xl", "consolidate", *map(str, args)],
                          capture_output=True, text=True, timeout=300, cwd=cwd)


def _sheet(path: Path, name: str) -> list[tuple]:
    return [r for r in openpyxl.load_workbook(path)[name].iter_rows(values_only=True)]


def test_the_third_quarter_is_septembers_reports_titled_as_the_quarter(tmp_path):
    quarter = _run(EXAMPLES_SEPTEMBER, "--period", "2026-Q3", "--docx", "--date", "09.10.2026", cwd=tmp_path)
    assert quarter.returncode == 0, quarter.stderr
    book = tmp_path / "consolidated_2026-Q3.xlsx"  # the default name says the span
    month = _run(EXAMPLES_SEPTEMBER, "--period", "2026-09", "--date", "09.10.2026", "-o", tmp_path / "m.xlsx")
    assert month.returncode == 0, month.stderr
    titles = [v for r in _sheet(book, "Свод")[:8] for v in r if v]
    assert "за III квартал 2026 г." in titles
    # The same files and the same schedule date: every figure as September's.
    by_year = _sheet(book, "Свод по годам")
    start = next(n for n, r in enumerate(by_year) if r[0] == "Код")
    assert by_year[start:] == _sheet(tmp_path / "m.xlsx", "Свод по годам")[start:]
    from docx import Document

    note = Document(str(tmp_path / "consolidated_2026-Q3.docx"))
    assert "за III квартал 2026\u00a0г." in [p.text for p in note.paragraphs]
    nine = _run(EXAMPLES_SEPTEMBER, "--period", "2026-09", "--span", "9m", "-o", tmp_path / "9m.xlsx")
    assert nine.returncode == 0, nine.stderr
    assert "за 9 месяцев 2026 г." in [v for r in _sheet(tmp_path / "9m.xlsx", "Свод")[:8] for v in r if v]


def test_a_span_that_does_not_end_with_the_month_is_refused(tmp_path):
    run = _run(EXAMPLES, "--period", "2026-10", "--span", "quarter", "-o", tmp_path / "q.xlsx")
    assert run.returncode == 2
    assert "Отчёт за квартал не может заканчиваться периодом 2026-10 (октябрь 2026 г.)" in run.stderr
    assert "Traceback" not in run.stderr and not (tmp_path / "q.xlsx").exists()


def test_the_year_is_judged_at_december_end(tmp_path, plan):
    """A shape no example month has: December, where a one-off item («к концу года») is due.
    Nobody reports 1.5.3 done: in November it is on schedule, in the year's report behind."""
    def month(period: Period) -> Path:
        folder = tmp_path / str(period)
        folder.mkdir()
        for k, college in enumerate(example_fillings(plan, period)):
            filling = college.filling
            if k == 0:
                filling = replace(filling, values={**filling.values, ("1.5.3", 2026, "fact"): 0})
            write_template(plan, folder / college.file_name, filling)
        return folder

    for period in (Period(2026, 11), Period(2026, 12, YEAR)):
        folder = month(period)
        report = build_report(plan, [folder], period)
        totals = aggregate(folder, plan)
        got = {r.code: r.status for r in report.consolidation.totals.itertuples() if r.year == 2026}
        for item in plan.items:
            target, fact = item.target(2026), totals.get((item.code, 2026, "fact"))
            if target is None or fact is None:
                continue
            expected = expected_by(item.schedule, target, item.target(2025) or 0.0, period.month)
            status = "achieved" if fact >= target else "behind" if is_behind(fact, target, expected) \
                else "on_track"
            assert got[item.code] == status, (period, item.code)
        assert got["1.5.3"] == ("behind" if period.span == YEAR else "on_track")
    assert report.period.words == "2026 год"
