"""Data shapes the examples never contain, each with its expected value worked out by hand.

Every expected number below is derived in the comment beside it from the figures the
test itself writes, never taken from a run of the tool.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from cluster_xl.checks.rules import check_submission
from cluster_xl.core.model import ACCEPTED, REJECTED, REPLACED, SKIPPED, Period, parse_date, parse_period
from cluster_xl.core.numbers import parse_number
from cluster_xl.core.text import quote
from cluster_xl.plan.model import default_plan, normalise_code
from cluster_xl.reading import contract as c
from cluster_xl.run.policy import process_file, resolve_duplicates
from cluster_xl.writing.sample import example_fillings
from cluster_xl.writing.template import Filling, write_template

from helpers.workbooks import cell_of, edit, set_value

import openpyxl

PLAN = default_plan()
OCT = Period(2026, 10)
ACT, IND, TITLE = c.SHEET_ACTIVITIES, c.SHEET_INDICATORS, c.SHEET_TITLE


def filling(**changes) -> Filling:
    return replace(example_fillings(PLAN, OCT)[0].filling, **changes)


def write(path: Path, f: Filling | None = None) -> Path:
    return write_template(PLAN, path, f or filling())


def codes(outcome):
    return sorted(i.code for i in outcome.issues)


# -- headers ---------------------------------------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("Факт на 31.10.2026", ("fact", 2026)),
    ("Факт на 01.11.2026", ("fact", 2026)),   # the date's year, not the day or month
    ("Факт на 31.12.2026", ("fact", 2026)),
    ("Факт на 01.01.2027", ("fact", 2026)),   # the state on New Year's day is the year before's
    ("План 2027 г.", ("target", 2027)),
    ("Факт", None),                            # no year: a sub-header of a two-row header
])
def test_measure_headers(text, expected):
    assert c.parse_measure_header(text) == expected


def test_report_year_fact_column_lost_is_an_error_naming_the_sheet(tmp_path):
    path = write(tmp_path / "a.xlsx")
    book = openpyxl.load_workbook(path)
    ws = book[ACT]
    header = next(cell for row in ws.iter_rows() for cell in row if cell.value == "Факт 2026")
    header.value = None
    book.save(path)
    outcome = process_file(path, PLAN, OCT)
    missing = [i for i in outcome.issues if i.code == "missing-column"]
    assert outcome.status == REJECTED
    assert [(i.sheet, i.is_error, i.value) for i in missing] == [(ACT, True, "Факт 2026")]
    assert ACT in missing[0].message and "Факт 2026" in missing[0].message


# -- title fields and codes as typed ----------------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("Октябрь 2026 года", Period(2026, 10)), ("за октябрь 2026 г.", Period(2026, 10)),
    ("окт. 2026", Period(2026, 10)), ("мая 2026", Period(2026, 5)), ("октопус 2026", None),
])
def test_periods_as_typed(text, expected):
    assert parse_period(text) == expected


def test_fill_date_in_words():
    from datetime import date
    assert parse_date("10 ноября 2026 г.") == date(2026, 11, 10)
    assert parse_date("31 ноября 2026 г.") is None  # no such day


@pytest.mark.parametrize("typed, code", [
    ("Р3", "П3"), ("P3", "П3"), ("5.4.1/3", "5.4.1/з"), ("1.О.1", "1.0.1"), ("Всего", "всего")])
def test_codes_with_look_alikes(typed, code):
    assert normalise_code(typed) == code


@pytest.mark.parametrize("typed, org_id", [
    ("БУ ПО «Северный политехнический колледж»", "spk"),
    ("ГБПОУ ХМАО-Югры \"Нефтегорский индустриальный техникум\"", "nit"),
    ("Кедровский транспортно – технологический колледж", "ktt"),
    ("Газтрансремонт", "gtr"),
])
def test_organisation_names_as_typed(typed, org_id):
    assert PLAN.find_organisation(typed).id == org_id


def test_unknown_organisation_suggests_the_closest_name():
    sub = example_submission()
    sub = replace(sub, organisation="Северный политехнически колледж")
    (issue,) = [i for i in check_submission(sub, PLAN, OCT) if i.code == "unknown-organisation"]
    assert "Возможно, имелась в виду «Северный политехнический колледж»" in issue.message


def example_submission():
    from helpers import outcome
    sub = outcome("spk", {("1.1.1", 2026, "fact"): 5}).submission
    title = {"organisation": "Северный политехнический колледж", "period": "2026-10",
             "responsible": "Соколова А. В."}
    return replace(sub, organisation=title["organisation"], title=title,
                   template_version=f"1/{PLAN.plan_id}")


# -- numbers judged by unit ------------------------------------------------------------


def test_quote_cuts_long_text():
    text = "я" * 5000
    assert len(quote(text)) == 200 and quote(text).endswith("…") and quote("коротко") == "коротко"


def test_huge_and_nan_numbers_are_not_numbers():
    assert parse_number(1.7976931348623157e308).kind == "text"
    assert parse_number("1.7976931348623157E308").kind == "text"
    assert parse_number(float("nan")).kind == "text"
    assert parse_number(1e15).value == 1e15  # the largest still taken


def test_long_text_in_a_number_cell_is_quoted_short(tmp_path):
    path = write(tmp_path / "a.xlsx")
    edit(path, set_value(ACT, "1.1.1", "Факт 2026", "много " * 1000))
    (issue,) = [i for i in process_file(path, PLAN, OCT).issues if i.code == "not-a-number"]
    assert len(issue.value) <= 200 and len(issue.message) < 600


def test_zero_against_no_target_and_exactly_the_target(tmp_path):
    f = filling()
    # 1.1.1: the college's own 2026 target «-» (none) and a fact 0: accepted, no issue
    path = write(tmp_path / "a.xlsx", f)
    edit(path, set_value(ACT, "1.1.1", "План 2026", "-"))
    edit(path, set_value(ACT, "1.1.1", "Факт 2026", 0))
    outcome = process_file(path, PLAN, OCT)
    assert outcome.status == ACCEPTED
    assert not [i for i in outcome.issues if i.item == "1.1.1"]
    facts = {(e.code, e.year, e.measure): e.value for e in outcome.submission.entries}
    assert facts[("1.1.1", 2026, "fact")] == 0.0 and ("1.1.1", 2026, "target") not in facts


# -- files and policy ------------------------------------------------------------------


def test_employer_file_is_listed_not_counted(tmp_path):
    path = write(tmp_path / "a.xlsx", filling(title={**filling().title,
                                                       "organisation": "ООО «Газтрансремонт»"}))
    outcome = process_file(path, PLAN, OCT)
    assert outcome.status == SKIPPED and outcome.organisation_id == "gtr"
    assert "not-a-college" in codes(outcome) and "в свод не включён" in outcome.note


def test_one_accepted_and_one_later_rejected_file(tmp_path):
    first = write(tmp_path / "a.xlsx")
    second = write(tmp_path / "b.xlsx")
    edit(second, set_value(ACT, "1.1.1", "Факт 2026", -1))  # an error: rejected
    outcomes = resolve_duplicates([process_file(first, PLAN, OCT), process_file(second, PLAN, OCT)])
    # a rejected file never replaces an accepted one: the first still counts
    assert [o.status for o in outcomes] == [ACCEPTED, REJECTED]


def test_the_title_date_decides_against_the_file_time(tmp_path):
    import os
    early = write(tmp_path / "early.xlsx", filling(title={**filling().title, "filled_on": "01.11.2026"}))
    late = write(tmp_path / "late.xlsx", filling(title={**filling().title, "filled_on": "10 ноября 2026 г."}))
    os.utime(late, (1_000_000_000, 1_000_000_000))   # the later report has the older file time
    os.utime(early, (2_000_000_000, 2_000_000_000))
    outcomes = resolve_duplicates([process_file(early, PLAN, OCT), process_file(late, PLAN, OCT)])
    assert [o.status for o in outcomes] == [REPLACED, ACCEPTED]


def test_strict_rejects_a_file_with_warnings_only(tmp_path):
    path = write(tmp_path / "a.xlsx")
    book = openpyxl.load_workbook(path)
    ws = book[ACT]
    cell = cell_of(ws, "1.1.1", "Ед. изм.")
    ws[cell].value = "руб."
    book.save(path)
    assert process_file(path, PLAN, OCT).status == ACCEPTED
    outcome = process_file(path, PLAN, OCT, strict=True)
    assert outcome.status == REJECTED and "unit-changed" in codes(outcome)


def test_future_fact_and_wrong_period_outside_the_plan_years():
    sub = example_submission()
    future = replace(sub, entries=sub.entries + tuple(
        e._replace(year=2027) for e in sub.entries if e.measure == "fact"))
    assert "future-fact" in [i.code for i in check_submission(future, PLAN, OCT)]
    outside = replace(sub, period=Period(2031, 10))
    assert "wrong-period" in [i.code for i in check_submission(outside, PLAN, None)]


def test_template_versions():
    sub = example_submission()
    assert [i.code for i in check_submission(replace(sub, template_version="1/other-plan"), PLAN, OCT)] \
        == ["template-plan"]
    assert [i.code for i in check_submission(replace(sub, template_version=None), PLAN, OCT)] \
        == ["unknown-template-version"]


# -- rules on shapes the example month lacks (expected values worked out by hand) -------------


def _total(result, code, year):
    rows = result.totals[(result.totals["code"] == code) & (result.totals["year"] == year)]
    (row,) = rows.to_dict("records")
    return row


def test_a_cluster_level_item_reported_as_two_counts_once():
    from cluster_xl.consolidation.consolidate import consolidate
    from helpers import outcome

    # 1.3.1 (the regulation) is one document for the cluster: 2 from one college and 1 from
    # another are still 1.
    result = consolidate(PLAN, [outcome("spk", {("1.3.1", 2026, "fact"): 2}),
                                outcome("nit", {("1.3.1", 2026, "fact"): 1})], OCT)
    assert _total(result, "1.3.1", 2026)["fact"] == 1


def test_exactly_the_target_is_100_percent_and_achieved():
    from cluster_xl.consolidation.consolidate import consolidate
    from helpers import outcome

    # 1.1.1's approved target for 2026 is 25 (the seed): 10 + 15 = 25, 25 / 25 × 100 = 100.
    result = consolidate(PLAN, [outcome("spk", {("1.1.1", 2026, "fact"): 10}),
                                outcome("nit", {("1.1.1", 2026, "fact"): 15})], OCT)
    row = _total(result, "1.1.1", 2026)
    assert row["pct"] == 100.0 and row["status"] == "achieved"


def test_a_cumulative_indicator_in_a_later_year_starts_from_last_years_target():
    from cluster_xl.consolidation.consolidate import consolidate
    from helpers import outcome

    # П1: targets 1 160 (2026) and 2 460 (2027). By October 2027 it should stand at
    # 1 160 + (2 460 − 1 160) × 10 / 12 = 1 160 + 1 083.33… = 2 243.33…
    oct27 = Period(2027, 10)
    result = consolidate(PLAN, [outcome("spk", {("П1", 2027, "fact"): 2300}, period=oct27)], oct27)
    row = _total(result, "П1", 2027)
    assert row["expected"] == pytest.approx(1160 + 1300 * 10 / 12)
    assert row["status"] == "on_track"  # 2 300 ≥ 2 243.33 but below 2 460


def test_a_previous_book_without_its_college_grid_is_incomplete(tmp_path):
    from cluster_xl.consolidation.previous import read_previous
    from cluster_xl.core.names import SHEET_BY_COLLEGE, SHEETS
    from cluster_xl.run.pipeline import build_report
    from cluster_xl.writing.workbook import write_report

    from helpers import EXAMPLES_SEPTEMBER

    september = build_report(PLAN, [EXAMPLES_SEPTEMBER], Period(2026, 9))
    book = write_report(september, tmp_path / "без_организаций.xlsx",
                        sheets=[s for s in SHEETS if s != SHEET_BY_COLLEGE])
    previous, issues = read_previous(book)
    assert previous is not None and previous.colleges == {}
    assert [(i.code, i.is_error) for i in issues] == [("previous-incomplete", False)]


def test_targets_without_a_single_fact_of_the_year_are_returned(tmp_path):
    """A report whose facts of the report year are all empty would count nothing of the month."""
    base = filling()
    only_targets = {k: v for k, v in base.values.items() if k[2] == "target"}
    assert only_targets and len(only_targets) < len(base.values)
    # The specialties planned, none marked as taught this year: no fact of 2026 anywhere.
    planned = tuple((code, name, plan_years, frozenset()) for code, name, plan_years, _ in base.specialties)
    out = process_file(write(tmp_path / "только_план.xlsx",
                             replace(base, values=only_targets, specialties=planned)), PLAN, OCT)
    assert out.status == REJECTED and "no-data" in codes(out)
