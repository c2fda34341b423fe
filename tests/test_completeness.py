"""completeness.py: college × received / rejected / missing, as data and as a sheet."""

from __future__ import annotations

import shutil

import openpyxl

from cluster_xl.writing.completeness import COUNTED, MISSING, REJECTED_ONLY, completeness
from cluster_xl.core.model import Period
from cluster_xl.run.pipeline import build_report
from cluster_xl.core.names import SHEET_COMPLETENESS
from cluster_xl.writing.workbook import write_report

from helpers.workbooks import edit, set_value

OCT = Period(2026, 10)


def month(generated_examples, tmp_path):
    """Five of seven colleges: one corrected its file, one sent a file with an error, one nothing."""
    folder = tmp_path / "in"
    shutil.copytree(generated_examples, folder)
    (folder / "07_spt_2026-10.xlsx").unlink()  # never sent
    edit(folder / "02_nit_2026-10.xlsx", set_value("Мероприятия", "1.1.1", "Факт 2026", -1))
    later = folder / "01_spk_2026-10_испр.xlsx"
    shutil.copy(folder / "01_spk_2026-10.xlsx", later)
    edit(later, lambda wb: _date(wb, "30.11.2026"))
    (folder / "чужой.xlsx").write_bytes(b"not a workbook")
    return folder


def _date(wb, text):
    ws = wb["Титул"]
    for row in ws.iter_rows():
        if row[0].value == "Дата заполнения":
            row[1].value = text


def test_every_college_once_with_its_files_and_verdict(plan, generated_examples, tmp_path):
    report = build_report(plan, [month(generated_examples, tmp_path)], OCT)
    rows = {r.org_id: r for r in completeness(report)}
    assert list(rows) == [o.id for o in plan.colleges]
    assert (rows["spk"].accepted, rows["spk"].replaced, rows["spk"].verdict) == (
        ("01_spk_2026-10_испр.xlsx",), ("01_spk_2026-10.xlsx",), COUNTED)
    assert (rows["nit"].rejected, rows["nit"].verdict) == (("02_nit_2026-10.xlsx",), REJECTED_ONLY)
    assert (rows["spt"].received, rows["spt"].verdict) == (0, MISSING)
    assert [r.verdict for r in rows.values()].count(COUNTED) == 5


def test_the_sheet_reads_back(plan, generated_examples, tmp_path):
    report = build_report(plan, [month(generated_examples, tmp_path)], OCT)
    book = openpyxl.load_workbook(write_report(report, tmp_path / "svod.xlsx"))
    ws = book[SHEET_COMPLETENESS]
    values = [c.value for row in ws.iter_rows() for c in row if c.value is not None]
    assert "Учтены отчёты 5 из 7 организаций; отклонены: 1; не поступили: 1" in values
    header = next(r for r in ws.iter_rows() if r[0].value == "№")[0].row
    table = [[c.value for c in row] for row in ws.iter_rows(min_row=header + 1, max_row=header + 7)]
    by_name = {r[1]: r for r in table}
    assert by_name["Северный политехнический колледж"][2:] == [
        2, "01_spk_2026-10_испр.xlsx", None, "01_spk_2026-10.xlsx", "учтён в своде"]
    assert by_name["Нефтегорский индустриальный техникум"][2:] == [
        1, None, "02_nit_2026-10.xlsx", None, "отклонён, в свод не включён"]
    assert by_name["Светлогорский профессиональный техникум"][2:] == [0, None, None, None, "не поступил"]
    assert "Файлов, не отнесённых к организациям кластера: 1 (см. лист «Источники»)" in values
