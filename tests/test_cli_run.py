"""The methodologist's run as it really goes: a folder with last month's book and system files in
it, a file given twice, arguments that cannot be meant (the exact Russian a person sees)."""

import shutil
import subprocess
import sys

import pytest
from click.testing import CliRunner

from cluster_xl.face.cli import cli

from helpers import EXAMPLES, REPO

GOLDEN = REPO / "tests" / "golden" / "consolidated_2026-10.xlsx"


def run(*args, cwd=None):
    proc = subprocess.run([sys.executable, "-m", "cluster_xl", *map(str, args)], capture_output=True,
                          text=True, timeout=300, cwd=cwd)
    return proc.returncode, proc.stdout, proc.stderr


def _summary(path):
    from openpyxl import load_workbook

    ws = load_workbook(path, read_only=True)["Свод по годам"]
    return [row for row in ws.iter_rows(values_only=True)]


def _mail_folder(tmp_path):
    """The October example as attachments are saved: a folder per e-mail (two reports both named
    «отчёт.xlsx»), one e-mail whose attachment was not saved, last month's book, Thumbs.db, a lock
    file."""
    folder = tmp_path / "почта"
    shutil.copytree(EXAMPLES, folder)
    for n, name in ((1, "01_spk_2026-10.xlsx"), (2, "02_nit_2026-10.xlsx")):
        (folder / f"письмо {n}").mkdir()
        (folder / name).rename(folder / f"письмо {n}" / "отчёт.xlsx")
    (folder / "письмо 3" / "вложения").mkdir(parents=True)
    (folder / "письмо 3" / "вложения" / ".DS_Store").write_bytes(b"\0")  # hidden: an empty folder still
    shutil.copy(GOLDEN, folder / "consolidated_2026-09.xlsx")
    (folder / "Thumbs.db").write_bytes(b"\x00" * 64)
    (folder / "письмо 1" / "~$отчёт.xlsx").write_bytes(b"lock")
    return folder


def test_a_real_folder_gives_the_clean_totals(tmp_path):
    """Sub-folders shown by their relative paths, last month's book and system files not counted,
    one report also named directly and read once: the totals of the clean example."""
    folder = _mail_folder(tmp_path)
    code, out, _ = run("consolidate", folder, folder / "03_keg_2026-10.xlsx", "--period", "2026-10",
                       "-o", tmp_path / "svod.xlsx")
    assert code == 0, out
    assert "consolidated_2026-09.xlsx — пропущен" in out
    assert "Сводная книга cluster_xl — не отчёт организации, пропущена. [own-book]" in out
    assert out.count("03_keg_2026-10.xlsx — принят") == 1  # given twice, read once
    assert "письмо 1/отчёт.xlsx — принят (Северный политехнический колледж, период 2026-10)" in out
    assert "письмо 2/отчёт.xlsx — принят (" in out
    assert "«письмо 3/вложения» — папка без файлов: пропущена. [empty-folder]" in out
    assert "Принято файлов: 7 из 7." in out
    assert out.rstrip().splitlines()[-3:-1] == ["Итог:", "  Учтены отчёты 7 из 7 организаций."]
    clean = tmp_path / "clean.xlsx"
    assert run("consolidate", EXAMPLES, "--period", "2026-10", "-o", clean)[0] == 0
    assert _summary(tmp_path / "svod.xlsx") == _summary(clean)


def test_sub_folders_through_the_library_are_listed_by_relative_path(tmp_path):
    from openpyxl import load_workbook

    folder = _mail_folder(tmp_path)
    result = CliRunner().invoke(cli, ["consolidate", str(folder), "--period", "2026-10",
                                      "-o", str(tmp_path / "svod.xlsx"), "--json"])
    assert result.exit_code == 0, result.output
    import json

    files = {f["file"]: f["status"] for f in json.loads(result.stdout)["files"]}
    assert files["письмо 1/отчёт.xlsx"] == files["письмо 2/отчёт.xlsx"] == "accepted"
    assert files["письмо 3/вложения"] == files["письмо 1/~$отчёт.xlsx"] == "skipped"
    sources = [row[1] for row in load_workbook(tmp_path / "svod.xlsx", read_only=True)["Источники"]
               .iter_rows(values_only=True) if row and len(row) > 1]
    assert "письмо 1/отчёт.xlsx" in sources and "письмо 2/отчёт.xlsx" in sources


def test_two_folders_with_a_file_of_one_name_are_told_apart(tmp_path):
    from cluster_xl.run.collect import collect_inputs

    for n in (1, 2):
        (tmp_path / f"a{n}").mkdir()
        (tmp_path / f"a{n}" / "отчёт.xlsx").write_bytes(b"x" * n)
    shown = [i.shown for i in collect_inputs([tmp_path / "a1", tmp_path / "a2"])]
    assert shown == [(tmp_path / "a1" / "отчёт.xlsx").as_posix(), (tmp_path / "a2" / "отчёт.xlsx").as_posix()]


def test_a_period_outside_the_plan_is_a_usage_error():
    result = CliRunner().invoke(cli, ["consolidate", str(EXAMPLES), "--period", "2031-10"])
    assert result.exit_code == 2
    assert "Отчётный период 2031-10 вне лет плана кластера (2026–2028)" in result.output


def test_a_date_far_from_the_period_is_a_usage_error():
    result = CliRunner().invoke(cli, ["consolidate", str(EXAMPLES), "--period", "2026-10",
                                      "--date", "01.01.2030"])
    assert result.exit_code == 2
    assert ("Дата формирования 01.01.2030 не подходит к отчёту за октябрь 2026 г.: ожидается дата "
            "с 01.10.2026 по 01.11.2027 (--date).") in result.output


def test_a_misspelt_organisation_is_answered_with_the_closest_names(tmp_path):
    result = CliRunner().invoke(cli, ["template", "-o", str(tmp_path / "t.xlsx"),
                                      "--organisation", "Северный политех колледж"])
    assert result.exit_code == 2
    assert "организации «Северный политех колледж» нет в составе кластера." in result.output
    assert "Возможно, имелась в виду: «Северный политехнический колледж»." in result.output
    assert not (tmp_path / "t.xlsx").exists()


def test_previous_from_a_later_period_is_an_error_and_no_change_is_printed(tmp_path):
    """The October book given as --previous to September's run."""
    september = REPO / "examples" / "2026-09"
    out = tmp_path / "svod.xlsx"
    code, stdout, _ = run("consolidate", september, "--period", "2026-09", "--previous", GOLDEN, "-o", out)
    assert code == 1
    assert "составлена за октябрь 2026 г., а сводится отчёт за сентябрь 2026 г." in stdout
    assert "[previous-period]" in stdout and "[went-backwards]" not in stdout
    from openpyxl import load_workbook

    header = [c for row in load_workbook(out, read_only=True)["Свод"].iter_rows(max_row=12, values_only=True)
              for c in row if isinstance(c, str)]
    assert not any(c.startswith("Изменение") for c in header)


def test_one_college_missing_is_a_short_console_ending_with_the_summary(tmp_path):
    folder = tmp_path / "шесть"
    shutil.copytree(EXAMPLES, folder)
    (folder / "05_tgk_2026-10.xlsx").unlink()
    code, out, err = run("consolidate", folder, "--period", "2026-10", "-o", tmp_path / "svod.xlsx")
    lines = out.rstrip().splitlines()
    assert code == 0 and len(lines) <= 25, out
    assert sum("[targets-mismatch]" in line for line in lines) == 1  # explained by the missing college
    assert lines[-4:] == ["Итог:", "  Учтены отчёты 6 из 7 организаций.",
                          "  Не поступили отчёты: 1 — Таёжный горный колледж.", lines[-1]]
    assert lines[-1].startswith("  Предупреждений: ")
    assert err.splitlines()[-3:] == ["Чтение файлов", "Свод", "Запись книги"]  # the phases, a line each


def test_many_clean_files_are_a_count(tmp_path):
    from cluster_xl.face.render import SCREENFUL, console_report
    from cluster_xl.core.model import ACCEPTED, FileOutcome

    outcomes = [FileOutcome(tmp_path / f"{n}.xlsx", f"{n}.xlsx", "", ACCEPTED, None, "", None, None)
                for n in range(SCREENFUL + 2)]
    assert console_report(outcomes).splitlines() == [
        f"Приняты без замечаний: {SCREENFUL + 2} файла (перечень — на листе «Источники» сводной книги "
        "и в выводе --json)."]


def test_check_without_a_period_takes_the_files_own():
    september = REPO / "examples" / "2026-09" / "01_spk_2026-09.xlsx"
    code, out, _ = run("check", september)
    assert code == 0, out
    assert "01_spk_2026-09.xlsx: в файле указан период сентябрь 2026 г. (2026-09); проверен отчёт за этот период." in out
    code, out, _ = run("check", september, "--period", "2026-10")
    assert code == 1
    assert ("В файле указан отчётный период сентябрь 2026 г. (2026-09), а отчёт ожидается за октябрь "
            "2026 г. (2026-10). [wrong-period]") in out
    assert "сводится" not in out


# -- 4. exit codes and interruptions -------------------------------------------------


def _fake_soffice(folder, body):
    """A `soffice` on PATH that records its profile folder and pid, then does `body`."""
    bin_ = folder / "bin"
    bin_.mkdir()
    script = bin_ / "soffice"
    script.write_text("#!/bin/sh\n"
                      f"for a in \"$@\"; do case $a in -env:UserInstallation=file://*) "
                      f"echo \"${{a#-env:UserInstallation=file://}}\" > '{folder}/profile';; esac; done\n"
                      f"echo $$ > '{folder}/pid'\n{body}\n")
    script.chmod(0o755)
    import os

    return {**os.environ, "PATH": f"{bin_}:{os.environ['PATH']}"}


def test_a_failed_pdf_removes_the_stale_one_and_json_says_why(tmp_path):
    env = _fake_soffice(tmp_path, "echo 'Error: source file could not be loaded' >&2; exit 1")
    out = tmp_path / "svod.xlsx"
    out.with_suffix(".pdf").write_bytes(b"%PDF-1.4 last month")
    proc = subprocess.run([sys.executable, "-m", "cluster_xl", "consolidate", str(EXAMPLES), "--period",
                           "2026-10", "-o", str(out), "--pdf", "--json"], capture_output=True, text=True,
                          timeout=300, env=env)
    assert proc.returncode == 1
    import json

    answer = json.loads(proc.stdout)
    assert answer["pdf"] is None
    assert answer["pdf_error"] == (
        "PDF не записан: LibreOffice завершился с ошибкой (Error: source file could not be loaded). "
        f"Прежний файл «{out.with_suffix('.pdf')}» удалён: он составлен не по этой сводной книге.")
    assert answer["pdf_error"] in proc.stderr
    assert not out.with_suffix(".pdf").exists() and out.exists()


def test_ctrl_c_during_the_pdf_ends_libreoffice_and_names_what_was_written(tmp_path):
    import os
    import signal
    import time

    env = _fake_soffice(tmp_path, "exec sleep 120")
    out = tmp_path / "svod.xlsx"
    out.with_suffix(".pdf").write_bytes(b"%PDF-1.4 last month")
    proc = subprocess.Popen([sys.executable, "-m", "cluster_xl", "consolidate", str(EXAMPLES), "--period",
                             "2026-10", "-o", str(out), "--pdf"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)
    deadline = time.monotonic() + 120
    while not (tmp_path / "pid").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    pid = int((tmp_path / "pid").read_text())
    profile = tmp_path.joinpath("profile").read_text().strip()
    assert os.path.isdir(profile)
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert "Traceback" not in stderr
    assert stderr.rstrip().splitlines()[-1] == f"Прервано. Уже записаны: «{out}»."
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # the converter is gone
    assert not os.path.exists(profile)  # and its throw-away profile with it
    assert not out.with_suffix(".pdf").exists()  # last month's PDF does not sit beside this book


def test_ctrl_c_while_the_program_is_still_starting_prints_no_traceback():
    """SIGINT as click is being imported (the first fraction of a second): «Прервано.», 130."""
    probe = ("import os, signal, sys\n"
             "import cluster_xl.face.entry as entry\n"
             "class Trip:\n"
             "    def find_spec(self, name, path=None, target=None):\n"
             "        if name == 'click':\n"
             "            os.kill(os.getpid(), signal.SIGINT)\n"
             "        return None\n"
             "sys.meta_path.insert(0, Trip())\n"
             "entry.main(['--version'])\n")
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert (proc.returncode, proc.stdout, proc.stderr) == (130, "", "Прервано. Файлы не записаны.\n")


def test_the_interruption_message_names_what_was_written(tmp_path):
    from cluster_xl.face import cli as face

    face._WRITTEN.clear()
    assert face._interrupted("Прервано.") == "Прервано. Файлы не записаны."
    face._written(tmp_path / "a.xlsx")
    assert face._interrupted("Прервано.") == f"Прервано. Уже записаны: «{tmp_path / 'a.xlsx'}»."
    face._WRITTEN.clear()


def test_a_failed_pdf_through_the_library_entry(tmp_path, monkeypatch):
    env = _fake_soffice(tmp_path, "exit 3")
    monkeypatch.setenv("PATH", env["PATH"])
    out = tmp_path / "svod.xlsx"
    out.with_suffix(".pdf").write_bytes(b"%PDF-1.4 last month")
    result = CliRunner().invoke(cli, ["consolidate", str(EXAMPLES), "--period", "2026-10", "-o", str(out),
                                      "--pdf"])
    assert result.exit_code == 1 and not out.with_suffix(".pdf").exists()
    assert ("PDF не записан: LibreOffice завершился с ошибкой (причина не сообщена). Прежний файл "
            f"«{out.with_suffix('.pdf')}» удалён: он составлен не по этой сводной книге.") in result.output
    assert result.output.rstrip().splitlines()[-3] == "Итог:"


# -- 6. Russian to the last word ---------------------------------------------------


def _broken_inputs(tmp_path):
    (tmp_path / "plan.json").write_text("{bad", encoding="utf-8")
    (tmp_path / "plan.xlsx").write_bytes(b"notzip")
    (tmp_path / "prev.xlsx").write_bytes(b"PK\x03\x04garbage")
    return tmp_path


FAILURES = [
    (["consolidate", "{ex}", "--period", "2026-10", "--plan", "{t}/plan.json", "-o", "{t}/o.xlsx"], 1,
     "Ошибка: Файл плана «plan.json» не прочитан: ошибка JSON в строке 1, позиции 2."),
    (["consolidate", "{ex}", "--period", "2026-10", "--plan", "{t}/plan.xlsx", "-o", "{t}/o.xlsx"], 1,
     "Ошибка: Файл плана «plan.xlsx» не прочитан: формат файла не распознан: это не книга Excel "
     "(.xlsx, .xls) и не OpenDocument (.ods)."),
    (["consolidate", "{ex}", "--period", "2026-10", "--previous", "{t}/prev.xlsx", "-o", "{t}/o.xlsx"], 1,
     "Сводную книгу прошлого месяца «prev.xlsx» не удалось прочитать (архив повреждён или передан не "
     "полностью)"),
    (["consolidate", "{ex}", "--period", "2026-10", "--jobs", "abc"], 2,
     "Ошибка: Недопустимое значение '--jobs': «abc» — не целое число."),
    (["consolidate", "{ex}", "--perio", "2026-10"], 2,
     "Ошибка: Нет параметра '--perio'. (Возможно, имелось в виду одно из: '--period', '--previous'.)"),
    (["consolidate"], 2, "Ошибка: Не указан аргумент 'ПАПКА_ИЛИ_ФАЙЛ...'."),
    (["plan", "export", "{t}/нет/p.xlsx"], 1, "Ошибка: Папка «{t}/нет» для записи «p.xlsx» не существует."),
    (["check", "{ex}/01_spk_2026-10.xlsx", "--annotate", "{ex}/01_spk_2026-10.xlsx"], 2,
     "«{ex}/01_spk_2026-10.xlsx» — это входной файл команды"),
]


def _english(text: str, allowed: str) -> list[str]:
    """Words in Latin letters that are not a path, an option, a code, a format or a program name."""
    import re

    for token in allowed.split():
        text = text.replace(token, " ")
    text = re.sub(r"«[^»]*»|'[^']*'|\[[a-z-]+\]|--?[a-z-]+|\S+\.(?:xlsx|xlsm|xls|ods|json)\b|\.[a-z]{3,4}\b"
                  r"|\S*/\S*", " ", text)
    return [w for w in re.findall(r"[A-Za-z]{3,}", text)
            if w not in {"Excel", "OpenDocument", "JSON", "LibreOffice", "cluster", "xl", "help",
                         "consolidate", "check", "template", "plan", "export"}]


def _fill(args, tmp_path):
    return [a.format(ex=EXAMPLES, t=tmp_path) for a in args]


@pytest.mark.parametrize("args, code, words", FAILURES, ids=[" ".join(a[:1] + a[-2:]) for a, _, _ in FAILURES])
def test_failures_speak_russian_once(tmp_path, args, code, words):
    t = _broken_inputs(tmp_path)
    args = _fill(args, t)
    rc, out, err = run(*args)
    seen = out + err
    assert rc == code, seen
    assert _fill([words], t)[0] in seen
    assert "Traceback" not in seen
    assert not _english(seen, str(EXAMPLES) + " " + str(t)), seen
    for doubled in ("Ошибка: Ошибка", "не записана: Копия", "не записан: Файл", "не прочитан: Файл"):
        assert doubled not in seen
    result = CliRunner().invoke(cli, args)  # the same through the library entry
    assert result.exit_code == code and _fill([words], t)[0] in result.output
