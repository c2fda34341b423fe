import shutil
from pathlib import Path

from openpyxl import load_workbook

from cluster_xl.core.model import ACCEPTED, REJECTED, REPLACED, SKIPPED, Period
from cluster_xl.run.collect import collect_inputs
from cluster_xl.run.pipeline import build_report

from helpers.workbooks import cell_at

OCT = Period(2026, 10)


def copy_examples(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst


def statuses(report):
    return {o.file: o.status for o in report.files}


def test_examples_are_all_accepted_with_no_issues(plan, generated_examples):
    report = build_report(plan, [generated_examples], OCT)
    assert set(statuses(report).values()) == {ACCEPTED}
    assert len(report.files) == len(plan.colleges)
    # The one remark of the month: the fifth college gave no reason for what it is behind on.
    assert {(i.code, i.file) for i in report.issues} == {("reason-missing", "05_tgk_2026-10.xlsx")}


def test_one_bad_file_never_stops_the_others(plan, generated_examples, tmp_path):
    folder = copy_examples(generated_examples, tmp_path / "in")
    (folder / "broken.xlsx").write_bytes(b"PK\x03\x04 this is not a workbook")
    (folder / "~$01_spk_2026-10.xlsx").write_bytes(b"lock")
    (folder / "письмо.docx").write_bytes(b"not a spreadsheet")
    report = build_report(plan, [folder], OCT)
    st = statuses(report)
    assert st["broken.xlsx"] == REJECTED
    assert st["~$01_spk_2026-10.xlsx"] == SKIPPED
    assert st["письмо.docx"] == SKIPPED
    assert sum(s == ACCEPTED for s in st.values()) == 7
    broken = next(o for o in report.files if o.file == "broken.xlsx")
    assert broken.issues and broken.issues[0].code == "unreadable-file"
    assert broken.sha256 and len(broken.sha256) == 64


def test_a_college_with_errors_is_left_out_and_listed_missing(plan, generated_examples, tmp_path):
    folder = copy_examples(generated_examples, tmp_path / "in")
    path = folder / "02_nit_2026-10.xlsx"
    wb = load_workbook(path)
    ws = wb["Мероприятия"]
    cell = cell_at(ws, "1.1.1", "Факт 2026")
    ws[cell] = -4
    wb.save(path)
    before = path.read_bytes()
    report = build_report(plan, [folder], OCT)
    assert statuses(report)["02_nit_2026-10.xlsx"] == REJECTED
    assert path.read_bytes() == before  # inputs are never modified
    assert ("missing-college", "Нефтегорский индустриальный техникум") in {
        (i.code, i.value) for i in report.issues}
    entries = report.consolidation.entries
    assert "nit" not in set(entries.org_id)


def test_the_later_file_of_a_college_replaces_the_earlier(plan, generated_examples, tmp_path):
    folder = copy_examples(generated_examples, tmp_path / "in")
    late = folder / "01_spk_2026-10_исправленный.xlsx"
    shutil.copy(folder / "01_spk_2026-10.xlsx", late)
    wb = load_workbook(late)
    title = wb["Титул"]
    for row in title.iter_rows():
        if row[0].value and str(row[0].value).startswith("Дата заполнения"):
            row[1].value = "30.11.2026"
    ws = wb["Мероприятия"]
    ws[cell_at(ws, "1.1.1", "Факт 2026")] = 100
    wb.save(late)
    report = build_report(plan, [folder], OCT)
    st = statuses(report)
    assert st["01_spk_2026-10.xlsx"] == REPLACED
    assert st[late.name] == ACCEPTED
    earlier = next(o for o in report.files if o.file == "01_spk_2026-10.xlsx")
    assert late.name in earlier.note
    spk = report.consolidation.by_college
    fact = spk[(spk.org_id == "spk") & (spk.code == "1.1.1")].fact.iloc[0]
    assert fact == 100


def test_collect_inputs_lists_every_file_sorted(tmp_path):
    for name in ("b.xlsx", "a.ods", ".hidden"):
        (tmp_path / name).write_bytes(b"x")
    assert [p.shown for p in collect_inputs([tmp_path])] == ["a.ods", "b.xlsx"]


