"""Every per-file check on a real workbook: one defect in, its flattened report out.

Each case starts from the first example college's filled template (written
fresh), makes one change a college could make, and compares the whole report
of `process_file`, [(file, sheet, cell, code)], with what is expected.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest

from cluster_xl.reading import contract as c
from cluster_xl.core.issues import flatten
from cluster_xl.core.model import ACCEPTED, REJECTED, Period
from cluster_xl.run.policy import process_file
from cluster_xl.plan.model import default_plan, plan_from_dict, plan_to_dict
from cluster_xl.writing.sample import example_fillings
from cluster_xl.writing.template import Filling, write_template

from helpers.workbooks import cell_of, edit, set_value

PLAN = default_plan()
OCT = Period(2026, 10)
ACT, IND, TITLE = c.SHEET_ACTIVITIES, c.SHEET_INDICATORS, c.SHEET_TITLE
FILE = "college.xlsx"


def base_filling(**changes) -> Filling:
    return replace(example_fillings(PLAN, OCT)[0].filling, **changes)


def write(tmp_path: Path, filling: Filling | None = None, plan=PLAN) -> Path:
    return write_template(plan, tmp_path / FILE, filling or base_filling())


def report(path: Path, plan=PLAN, period=OCT):
    outcome = process_file(path, plan, period)
    return outcome, flatten(outcome.issues)


def test_the_base_file_is_clean(tmp_path):
    outcome, issues = report(write(tmp_path))
    assert issues == [] and outcome.status == ACCEPTED


@pytest.mark.parametrize("sheet, code, header, value, expected", [
    (ACT, "1.1.1", "Факт 2026", "около 5", "not-a-number"),
    (ACT, "1.1.1", "Факт 2026", -4, "negative-number"),
    (ACT, "1.1.1", "Факт 2026", 2.5, "fraction"),
    (ACT, "5.4.1/ч", "Факт 2026", 10_000, "ratio-part-exceeds-whole"),
    (IND, "П3", "Факт 2026", 1, "ratio-violated"),
])
def test_one_bad_number(tmp_path, sheet, code, header, value, expected):
    path = write(tmp_path)
    book = openpyxl.load_workbook(path)
    ws_cell = cell_of(book[sheet], code, header)
    edit(path, set_value(sheet, code, header, value))
    outcome, issues = report(path)
    if expected == "ratio-violated":
        # A fact of 1 is a number read as meant, and far behind: its reason is asked for too.
        # A wrong number (an error) is to be corrected, not explained: no reason asked.
        note = cell_of(book[sheet], code, c.HEADER_NOTE)
        assert issues == [(FILE, sheet, ws_cell, expected), (FILE, sheet, note, "reason-missing")]
    else:
        assert issues == [(FILE, sheet, ws_cell, expected)]
    assert outcome.status == (ACCEPTED if expected == "ratio-violated" else REJECTED)


def test_percentage_above_100_in_a_plan_with_a_percent_input(tmp_path):
    data = plan_to_dict(PLAN)
    for item in data["items"]:
        if item["code"] == "1.1.1":
            item["unit"] = "%"
    plan = plan_from_dict(data)
    filling = replace(base_filling(), values={("1.1.1", 2026, "fact"): 120, ("1.1.1", 2026, "target"): 90})
    path = write(tmp_path, filling, plan)
    cell = cell_of(openpyxl.load_workbook(path)[ACT], "1.1.1", "Факт 2026")
    outcome, issues = report(path, plan)
    assert issues == [(FILE, ACT, cell, "percent-out-of-range")]
    assert "от 0 до 100" in outcome.issues[0].message


def test_unknown_missing_and_duplicate_codes(tmp_path):
    path = write(tmp_path)
    ws = openpyxl.load_workbook(path)[ACT]
    code_col = cell_of(ws, "1.1.1", c.HEADER_CODE)[0]
    rows = {code: int(cell_of(ws, code, c.HEADER_CODE)[1:]) for code in ("1.1.1", "1.1.2", "1.2.1")}

    def change(wb):
        sheet = wb[ACT]
        sheet[f"{code_col}{rows['1.1.1']}"] = "9.9.9"
        sheet[f"{code_col}{rows['1.1.2']}"] = None
        sheet[f"{code_col}{rows['1.2.1']}"] = "1.1.3"
    edit(path, change)
    _, issues = report(path)
    assert sorted(issues) == sorted([
        (FILE, ACT, f"{code_col}{rows['1.1.1']}", "unknown-code"),
        (FILE, ACT, f"{code_col}{rows['1.1.2']}", "missing-code"),
        (FILE, ACT, f"{code_col}{rows['1.2.1']}", "duplicate-code"),
    ])


def test_unit_changed_is_a_warning_at_the_unit_cell(tmp_path):
    path = write(tmp_path)
    cell = cell_of(openpyxl.load_workbook(path)[ACT], "3.1", c.HEADER_UNIT)
    edit(path, set_value(ACT, "3.1", c.HEADER_UNIT, "руб."))
    outcome, issues = report(path)
    assert issues == [(FILE, ACT, cell, "unit-changed")]
    assert outcome.status == ACCEPTED
    assert "«руб.»" in outcome.issues[0].message and "«тыс. руб.»" in outcome.issues[0].message


def test_the_same_unit_spelled_otherwise_is_not_a_change(tmp_path):
    path = write(tmp_path)
    edit(path, lambda wb: (set_value(ACT, "3.1", c.HEADER_UNIT, "тыс.руб")(wb),
                           set_value(ACT, "1.1.1", c.HEADER_UNIT, "Человек")(wb)))
    assert report(path)[1] == []


def test_targets_issued_in_the_template_must_come_back_unchanged(tmp_path):
    filling = base_filling(lock_plan=True)
    path = write(tmp_path, filling)
    book = openpyxl.load_workbook(path)
    assert book[c.SHEET_CONTROL].sheet_state == "hidden"
    changed = cell_of(book[ACT], "1.1.1", "План 2026")
    cleared = cell_of(book[IND], "П1", "План 2027")
    fact = cell_of(book[ACT], "1.1.1", "Факт 2026")
    assert book[ACT][changed].protection.locked and not book[ACT][fact].protection.locked
    assert report(path)[1] == []

    def change(wb):
        wb[ACT][changed] = wb[ACT][changed].value + 5
        wb[IND][cleared] = None
    edit(path, change)
    outcome, issues = report(path)
    assert sorted(issues) == sorted([(FILE, ACT, changed, "plan-changed"), (FILE, IND, cleared, "plan-changed")])
    assert outcome.status == REJECTED


def test_a_template_without_issued_targets_does_not_check_them(tmp_path):
    path = write(tmp_path)
    assert c.SHEET_CONTROL not in openpyxl.load_workbook(path).sheetnames
    edit(path, set_value(ACT, "1.1.1", "План 2026", 999))
    # Not checked against an issued target; judged against it, the fact is now far behind.
    note = cell_of(openpyxl.load_workbook(path)[ACT], "1.1.1", c.HEADER_NOTE)
    assert report(path)[1] == [(FILE, ACT, note, "reason-missing")]


@pytest.mark.parametrize("key, value, expected", [
    ("responsible", None, "missing-title-field"),
    ("period", "осень", "bad-period"),
    ("period", "2026-09", "wrong-period"),
    ("template_version", "0/старый", "template-version"),
    ("organisation", "Колледж другого кластера", "unknown-organisation"),
])
def test_title_sheet(tmp_path, key, value, expected):
    filling = base_filling()
    filling = replace(filling, title={**filling.title, key: value})
    path = write(tmp_path, filling)
    ws = openpyxl.load_workbook(path)[TITLE]
    row = next(r for r in ws.iter_rows() if r[0].value == c.TITLE_FIELDS[key])
    outcome, issues = report(path)
    assert issues == [(FILE, TITLE, row[1].coordinate, expected)]


def test_not_a_template(tmp_path):
    wb = openpyxl.Workbook()
    wb.active["A1"] = "Табель учёта рабочего времени"
    wb.save(tmp_path / FILE)
    assert report(tmp_path / FILE)[1] == [(FILE, "", "", "not-a-template")]


def test_formula_without_a_cached_value(tmp_path):
    path = write(tmp_path)
    cell = cell_of(openpyxl.load_workbook(path)[ACT], "1.1.1", "Факт 2026")
    edit(path, set_value(ACT, "1.1.1", "Факт 2026", "=2+3"))  # openpyxl computes nothing
    outcome, issues = report(path)
    assert issues == [(FILE, ACT, cell, "formula-without-value")]
    assert "формула без вычисленного значения" in outcome.issues[0].message
    assert outcome.status == REJECTED


def test_formula_in_a_title_field_without_a_value(tmp_path):
    path = write(tmp_path)
    ws = openpyxl.load_workbook(path)[TITLE]
    cell = next(r for r in ws.iter_rows() if r[0].value == c.TITLE_FIELDS["phone"])[1].coordinate

    def change(wb):
        wb[TITLE][cell] = '="8"&"900"'
    edit(path, change)
    assert report(path)[1] == [(FILE, TITLE, cell, "formula-without-value")]


def test_template_command_issues_a_colleges_targets_from_its_report(generated_examples, tmp_path):
    from click.testing import CliRunner

    from cluster_xl.face.cli import cli
    from cluster_xl.reading.reader import read_submission

    source = generated_examples / "02_nit_2026-10.xlsx"
    out = tmp_path / "нит_2026-11.xlsx"
    result = CliRunner().invoke(cli, ["template", "-o", str(out), "--targets-from", str(source),
                                      "--period", "2026-11"])
    assert result.exit_code == 0, result.output
    issued = read_submission(out, PLAN).submission
    original = read_submission(source, PLAN).submission
    plan_values = lambda sub: {(e.code, e.year): e.value for e in sub.entries if e.measure == "target"}
    assert issued.issued == plan_values(original) == plan_values(issued)
    assert issued.organisation == "Нефтегорский индустриальный техникум"
    assert not [e for e in issued.entries if e.measure == "fact"]


def test_an_issued_template_carries_the_specialties_and_the_contacts(generated_examples, tmp_path):
    """Specialties with their «План» marks (targets), not their «Факт» marks (the month's own);
    the responsible person, position, phone and e-mail as the college typed them."""
    from click.testing import CliRunner
    from openpyxl import load_workbook

    from cluster_xl.face.cli import cli
    from cluster_xl.reading import contract as c
    from cluster_xl.reading.reader import read_submission

    source = generated_examples / "03_keg_2026-10.xlsx"
    out = tmp_path / "next.xlsx"
    result = CliRunner().invoke(cli, ["template", "-o", str(out), "--targets-from", str(source),
                                      "--period", "2026-11"])
    assert result.exit_code == 0, result.output
    # read back by hand, as a person looks at the sheet: code, name, then marks under «План»/«Факт»
    wb_src, wb_out = load_workbook(source), load_workbook(out)

    def specialties(wb, measure_word):
        ws = wb[c.SHEET_SPECIALTIES]
        header = [cell.value for cell in ws[3]]
        cols = [n for n, h in enumerate(header) if isinstance(h, str) and h.startswith(measure_word)]
        return {(row[0].value, row[1].value, tuple(row[k].value for k in cols))
                for row in ws.iter_rows(min_row=4) if row[0].value}

    assert specialties(wb_out, "План") == specialties(wb_src, "План") != set()
    assert {marks for _, _, marks in specialties(wb_out, "Факт")} == {(None,) * len(PLAN.years)}

    def contacts(wb):
        ws = wb[c.SHEET_TITLE]
        return {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(4, 4 + len(c.TITLE_FIELDS))}

    for field in ("Ответственное лицо (ФИО)", "Должность", "Телефон", "Электронная почта"):
        assert contacts(wb_out)[field] == contacts(wb_src)[field] and contacts(wb_out)[field]
    assert contacts(wb_out)["Отчётный период (ГГГГ-ММ)"] == "2026-11"
    assert contacts(wb_out)["Дата заполнения"] is None  # this month's, not last month's
    issued = read_submission(out, PLAN).submission
    assert {s.code for s in issued.specialties} == {s.code for s in read_submission(source, PLAN).submission.specialties}
