import json
import subprocess
import sys

from openpyxl import load_workbook

from cluster_xl.writing.template import Filling, write_template

from helpers.workbooks import cell_at


def cli_exit(args, tmp_path=None):
    """The real console script in a subprocess: exit code, stdout, stderr."""
    proc = subprocess.run([sys.executable, "-m", "cluster_xl", *args], capture_output=True,
                          text=True, timeout=300, cwd=tmp_path)
    return proc.returncode, proc.stdout, proc.stderr


def bad_file(plan, tmp_path):
    """Text in a number cell, a negative number, an unknown code and a wrong period."""
    path = tmp_path / "отчёт_с_ошибками.xlsx"
    filling = Filling(
        title={"organisation": "Северный политехнический колледж", "period": "2026-09",
               "responsible": "Соколова Анна Викторовна"},
        values={("1.1.1", 2026, "fact"): "двенадцать", ("1.1.2", 2026, "fact"): -5,
                ("1.1.3", 2026, "fact"): 4},
    )
    write_template(plan, path, filling)
    wb = load_workbook(path)
    ws = wb["Мероприятия"]
    # An unknown code typed over an existing row's code.
    target = cell_at(ws, "1.1.3", "Код")
    ws[target] = "9.9.9"
    wb.save(path)
    return path, target


def test_check_lists_every_problem_with_its_cell_in_russian(plan, tmp_path):
    path, code_cell = bad_file(plan, tmp_path)
    code, out, err = cli_exit(["check", str(path), "--period", "2026-10"])
    assert code == 1
    assert "Traceback" not in out + err
    wb = load_workbook(path)
    ws = wb["Мероприятия"]
    text_cell = cell_at(ws, "1.1.1", "Факт 2026")
    neg_cell = cell_at(ws, "1.1.2", "Факт 2026")
    assert f"Мероприятия!{text_cell}" in out and "[not-a-number]" in out and "двенадцать" in out
    assert f"Мероприятия!{neg_cell}" in out and "[negative-number]" in out
    assert f"Мероприятия!{code_cell}" in out and "[unknown-code]" in out and "9.9.9" in out
    assert "Титул!B5" in out and "[wrong-period]" in out and "2026-09" in out
    assert "отклонён" in out


def test_check_json_gives_located_issues(plan, tmp_path):
    path, _ = bad_file(plan, tmp_path)
    code, out, _ = cli_exit(["check", str(path), "--period", "2026-10", "--json"])
    assert code == 1
    data = json.loads(out)
    got = {(i["sheet"], i["code"]) for i in data["files"][0]["issues"]}
    assert {("Мероприятия", "not-a-number"), ("Мероприятия", "negative-number"),
            ("Мероприятия", "unknown-code"), ("Титул", "wrong-period")} <= got


def test_check_a_clean_file_exits_zero(plan, generated_examples):
    code, out, err = cli_exit(["check", str(generated_examples / "01_spk_2026-10.xlsx"),
                               "--period", "2026-10"])
    assert code == 0, out + err
    assert "принят" in out


def test_usage_errors_exit_2_in_russian(tmp_path):
    code, out, err = cli_exit(["check", "--period", "13-2026", str(tmp_path)])
    assert code == 2
    assert "Ошибка" in err and "Traceback" not in err
    code, out, err = cli_exit(["consolidate"])
    assert code == 2 and "Не указан аргумент" in err


def test_help_is_in_russian():
    code, out, _ = cli_exit(["--help"])
    assert code == 0
    assert "Использование:" in out and "Команды" in out and "consolidate" in out
    code, out, _ = cli_exit(["consolidate", "--help"])
    assert "Свести отчёты" in out and "[ПАРАМЕТРЫ]" in out and "Параметры" in out and "--period" in out


def test_template_command_writes_a_prefilled_template(tmp_path):
    out_path = tmp_path / "шаблон.xlsx"
    code, out, err = cli_exit(["template", "-o", str(out_path), "--organisation",
                               "Таёжный горный колледж", "--period", "2026-10"])
    assert code == 0, err
    wb = load_workbook(out_path)
    values = [c.value for row in wb["Титул"].iter_rows() for c in row]
    assert "Таёжный горный колледж" in values and "2026-10" in values


def test_template_rejects_an_organisation_outside_the_roster(tmp_path):
    code, _, err = cli_exit(["template", "-o", str(tmp_path / "t.xlsx"), "--organisation", "Нет такой"])
    assert code == 2 and "нет в составе кластера" in err


def test_plan_export_then_use_the_edited_plan(tmp_path, generated_examples):
    plan_file = tmp_path / "план.xlsx"
    code, out, err = cli_exit(["plan", "export", str(plan_file)])
    assert code == 0, err
    wb = load_workbook(plan_file)
    ws = wb["Позиции"]
    header = [c.value for c in ws[next(r for r in range(1, 10) if ws.cell(r, 1).value == "Код")]]
    for row in ws.iter_rows():
        if row[0].value == "1.1.1":
            row[header.index("Цель 2026")].value = 30
    wb.save(plan_file)
    out_file = tmp_path / "свод.xlsx"
    code, out, err = cli_exit(["consolidate", str(generated_examples), "--period", "2026-10",
                               "--plan", str(plan_file), "-o", str(out_file)])
    # The colleges' targets (25) no longer add up to the edited approved target (30).
    assert "[targets-mismatch]" in out and "(30)" in out
    summary = load_workbook(out_file)["Свод"]
    row = next(r for r in summary.iter_rows(values_only=True) if r[0] == "1.1.1")
    assert 30 in row


def test_a_malformed_plan_is_reported_cell_by_cell(tmp_path):
    plan_file = tmp_path / "план.xlsx"
    cli_exit(["plan", "export", str(plan_file)])
    wb = load_workbook(plan_file)
    ws = wb["Позиции"]
    for row in ws.iter_rows():
        if row[0].value == "1.1.1":
            row[6].value = "много"
            bad = row[6].coordinate
    wb.save(plan_file)
    code, out, err = cli_exit(["check", "--plan", str(plan_file), str(plan_file)])
    assert code == 1 and "Traceback" not in err
    assert f"Позиции!{bad}" in err and "много" in err


def test_outputs_must_be_xlsx(tmp_path):
    code, _, err = cli_exit(["plan", "export", str(tmp_path / "план.ods")])
    assert code == 2 and ".xlsx" in err
