"""The CLI against hostile input, run as an attacker's victim would run it.

Every case runs `python -m cluster_xl` in a subprocess of its own session, on a
copy of examples/2026-10 plus one hostile file (make_hostile.py), killed with
its whole process group after `runner.LIMIT` seconds, its address space capped
(runner.MEMORY_CAP).  Common assertions (`assert_sane`): it ended in time, exit
code 0 or 1 (never 3, never a signal), a Russian message naming the hostile
file, the good colleges' «Свод» unchanged against a clean run of the example,
every input byte-identical, no process of the run left behind.

Cases that fail today are xfail(strict=True): a fix flips them loudly.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import stat
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

import make_hostile as mk
from runner import (LIMIT, REPO, STARTED, children_of, control_bytes, run_cli, session_processes,
                    tree_hashes)

EXAMPLES = REPO / "examples" / "2026-10"
PERIOD = ("--period", "2026-10")
CYRILLIC = re.compile(r"[А-Яа-яЁё]{3,}")
MAX_MESSAGE = 200  # characters of a hostile value a message may quote
SMALL_OUTPUT = 20_000  # characters: the October example prints ~1 000


def xfail(reason: str):
    return pytest.mark.xfail(strict=True, reason=reason)


# -- fixtures -----------------------------------------------------------------


@pytest.fixture(scope="session")
def clean_summary(tmp_path_factory) -> list[tuple]:
    """The «Свод» sheet of a clean run of the October example."""
    out = tmp_path_factory.mktemp("clean") / "clean.xlsx"
    run = run_cli("consolidate", EXAMPLES, *PERIOD, "-o", out)
    assert run.returncode == 0, run.summary()
    return summary_values(out)


def summary_values(book: Path) -> list[tuple]:
    wb = openpyxl.load_workbook(book, read_only=True)
    try:
        # row 7 «Сформирован ДД.ММ.ГГГГ» and row 8 «Учтены отчёты N из M» may differ
        return [row for n, row in enumerate(wb["Свод"].iter_rows(values_only=True), 1) if n not in (7, 8)]
    finally:
        wb.close()


@pytest.fixture
def month(tmp_path) -> Path:
    """A copy of the October example to add a hostile file to."""
    folder = tmp_path / "2026-10"
    shutil.copytree(EXAMPLES, folder)
    return folder


@pytest.fixture(autouse=True)
def no_process_left():
    """After every case: no child of this process, no process of any run's session."""
    yield
    left = [str(pid) for pid in children_of(os.getpid())]
    left += [line for sid in STARTED for line in session_processes(sid)]
    assert not left, f"processes left behind: {left}"


# -- the common assertions ----------------------------------------------------


def names_file(run, name: str) -> bool:
    """Is there a line in Russian naming `name` (its first line, for names with a newline)?"""
    first = name.splitlines()[0] if name.strip() else name
    return any(first in line and CYRILLIC.search(line) for line in run.output.splitlines())


def assert_sane(run, hostile: str | None, *, clean=None, out: Path | None = None, before=None,
                roots=(), codes=(0, 1)):
    assert not run.timed_out, f"still running after {LIMIT:.0f} s: {run.summary()}"
    assert run.returncode in codes, run.summary()
    assert "Traceback" not in run.output and "Внутренняя ошибка" not in run.output, run.summary()
    if hostile is not None:
        assert names_file(run, hostile), f"no Russian message naming «{hostile}»: {run.summary()}"
    if clean is not None:
        assert out is not None and out.exists(), f"no workbook written: {run.summary()}"
        assert summary_values(out) == clean, "the good colleges' totals changed"
    if before is not None:
        assert tree_hashes(*roots) == before, "an input was modified"
    assert not run.stray, f"processes left behind: {run.stray}"


def consolidate(month: Path, *extra, limit: float = LIMIT, **kw):
    out = month.parent / "svod.xlsx"
    before = tree_hashes(month)
    run = run_cli("consolidate", month, *PERIOD, "-o", out, *extra, limit=limit, **kw)
    return run, out, before


# -- 1. no per-file time limit ------------------------------------------------


def test_quadratic_attribute_names(month, clean_summary):
    mk.attribute_names(month / "attr_names.xlsx")
    run, out, before = consolidate(month)
    assert_sane(run, "attr_names.xlsx", clean=clean_summary, out=out, before=before, roots=[month])


def test_quadratic_ods_table_words(month, clean_summary):
    mk.ods_table_words(month / "table_words.ods")
    run, out, before = consolidate(month)
    assert_sane(run, "table_words.ods", clean=clean_summary, out=out, before=before, roots=[month])


def test_quadratic_c_tag_before(month, clean_summary):
    mk.c_tag_steps(month / "c_tag_steps.xlsx")
    run, out, before = consolidate(month)
    assert_sane(run, "c_tag_steps.xlsx", clean=clean_summary, out=out, before=before, roots=[month])


@pytest.mark.slow
def test_dense_book_within_limits(month, clean_summary):
    mk.dense_book(month / "dense.xlsx")
    run, out, before = consolidate(month, limit=60)
    assert_sane(run, "dense.xlsx", clean=clean_summary, out=out, before=before, roots=[month])
    assert run.peak_mb < 1024, run.summary()


# -- 2. guard bypass, unbounded allocation ------------------------------------


def assert_refused_by_guard(run, name: str, peak_mb: float = 1024):
    """Refused before a reader allocated anything: no crash of the reader, memory bounded."""
    lines = [line for line in run.output.splitlines() if name in line]
    assert not any("reader-crashed" in line for line in lines), run.summary()
    assert run.peak_mb < peak_mb, f"peak {run.peak_mb:.0f} MB: {run.summary()}"


def test_sheet_part_named_bin(month, clean_summary):
    mk.bin_sheet_part(month / "bin_sheet.xlsx")
    run, out, before = consolidate(month)
    assert_sane(run, "bin_sheet.xlsx", clean=clean_summary, out=out, before=before, roots=[month])
    assert_refused_by_guard(run, "bin_sheet.xlsx")


def test_two_end_of_directory_records(month, clean_summary):
    """Not reproduced with python-calamine 0.9.1: guard and reader both take the last record."""
    mk.two_end_records(month / "two_eocd.xlsx")
    run, out, before = consolidate(month)
    assert_sane(run, "two_eocd.xlsx", clean=clean_summary, out=out, before=before, roots=[month])
    assert_refused_by_guard(run, "two_eocd.xlsx")


def test_one_long_shared_string_in_many_cells(month, clean_summary):
    mk.long_shared_string(month / "long_shared.xlsx")
    run, out, before = consolidate(month)
    assert_sane(run, "long_shared.xlsx", clean=clean_summary, out=out, before=before, roots=[month])
    assert_refused_by_guard(run, "long_shared.xlsx")


def test_ods_repeat_count_over_long_text(month, clean_summary):
    mk.ods_repeated_long_text(month / "repeated_text.ods")
    run, out, before = consolidate(month)
    assert_sane(run, "repeated_text.ods", clean=clean_summary, out=out, before=before, roots=[month])
    assert_refused_by_guard(run, "repeated_text.ods")


def test_many_sheet_entries_on_one_part(month, clean_summary):
    mk.many_sheet_entries(month / "many_sheets.xlsx")
    run, out, before = consolidate(month)
    assert_sane(run, "many_sheets.xlsx", clean=clean_summary, out=out, before=before, roots=[month])
    assert_refused_by_guard(run, "many_sheets.xlsx", peak_mb=400)


def test_merged_whole_sheet_annotate(tmp_path):
    src = mk.merged_whole_sheet(tmp_path / "merged.xlsx")
    before = tree_hashes(src)
    out = tmp_path / "merged_замечания.xlsx"
    run = run_cli("check", src, *PERIOD, "--annotate", out)
    assert_sane(run, "merged.xlsx", before=before, roots=[src])
    assert_refused_by_guard(run, "merged.xlsx")


def test_megabyte_text_in_number_cell(month, clean_summary):
    mk.megabyte_in_number_cell(month / "megabyte.xlsx")
    run, out, before = consolidate(month)
    assert_sane(run, "megabyte.xlsx", clean=clean_summary, out=out, before=before, roots=[month])
    assert len(run.output) < SMALL_OUTPUT, f"{len(run.output)} characters printed"
    as_json = run_cli("consolidate", month, *PERIOD, "-o", month.parent / "j.xlsx", "--json")
    assert len(as_json.output) < SMALL_OUTPUT + 20_000, f"{len(as_json.output)} characters of JSON"
    for issue in (i for f in json.loads(as_json.stdout)["files"] for i in f["issues"]):
        assert len(issue["message"]) < 2 * MAX_MESSAGE + 400, issue["message"][:300]


# -- 3. hostile --previous and --plan -----------------------------------------


@pytest.fixture(scope="module")
def plan_book(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("plan") / "plan.xlsx"
    run = run_cli("plan", "export", out)
    assert run.returncode == 0, run.summary()
    return out


@pytest.mark.parametrize("jobs", [None, "1"])
def test_far_cell_previous(month, tmp_path, jobs):
    previous = mk.far_cell_book(REPO / "tests" / "golden" / "consolidated_2026-10.xlsx",
                                tmp_path / "prev_far.xlsx", "Свод по годам")
    before = tree_hashes(month, previous)
    extra = ("--jobs", jobs) if jobs else ()
    run, out, _ = consolidate(month, "--previous", previous, *extra)
    assert_sane(run, "prev_far.xlsx", before=before, roots=[month, previous])


@pytest.mark.parametrize("jobs", [None, "1"])
def test_far_cell_plan(month, plan_book, tmp_path, jobs):
    plan = mk.far_cell_book(plan_book, tmp_path / "plan_far.xlsx")
    before = tree_hashes(month, plan)
    extra = ("--jobs", jobs) if jobs else ()
    run, out, _ = consolidate(month, "--plan", plan, *extra)
    assert_sane(run, "plan_far.xlsx", before=before, roots=[month, plan])


def test_fifo_previous(month, tmp_path):
    previous = mk.fifo(tmp_path / "prev.xlsx")
    run, out, before = consolidate(month, "--previous", previous)
    assert_sane(run, "prev.xlsx", before=before, roots=[month], codes=(1, 2))


def test_fifo_plan(month, tmp_path):
    plan = mk.fifo(tmp_path / "plan.json")
    run, out, before = consolidate(month, "--plan", plan)
    assert_sane(run, "plan.json", before=before, roots=[month], codes=(1, 2))


# -- 4. process hygiene -------------------------------------------------------


def _signal_when_reading(sig: int, *, group: bool = False, wait_for: int = 2):
    """on_start: wait until the worker processes exist, then signal the run (or its group)."""
    def on_start(pid: int) -> None:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and len(children_of(pid)) < wait_for:
            time.sleep(0.1)
        time.sleep(1.0)  # the workers are reading by now
        (os.killpg if group else os.kill)(pid, sig)
    return on_start


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_killed_run_leaves_no_workers(month, sig):
    mk.dense_book(month / "slow.xlsx")  # seconds to read: the workers are busy when the signal comes
    run, _, before = consolidate(month, "--jobs", "2", on_start=_signal_when_reading(sig))
    # SIGTERM is handled as an interruption (exit 143, «Прервано.»); SIGKILL cannot be.
    assert run.returncode == (143 if sig == signal.SIGTERM else -sig), run.summary()
    assert not run.stray, f"workers left behind: {run.stray}"
    assert tree_hashes(month) == before


def test_ctrl_c_prints_no_worker_tracebacks(month):
    mk.dense_book(month / "slow.xlsx")
    run, out, before = consolidate(month, "--jobs", "2",
                                   on_start=_signal_when_reading(signal.SIGINT, group=True))
    assert not run.timed_out, run.summary()
    assert run.returncode in (1, 2, 130), run.summary()
    assert "Traceback" not in run.output and "KeyboardInterrupt" not in run.output, run.summary()
    assert "Прервано" in run.output, run.summary()
    assert not out.exists(), "a workbook from an interrupted run"
    assert not run.stray, run.stray
    assert tree_hashes(month) == before


# -- 5. the largest finite number ---------------------------------------------


def test_largest_finite_number(month):
    mk.huge_number(month / "01_spk_2026-10.xlsx")  # the college's file, as it came
    run, out, before = consolidate(month)
    assert_sane(run, "01_spk_2026-10.xlsx", before=before, roots=[month])
    assert out.exists(), run.summary()
    openpyxl.load_workbook(out, read_only=True).close()


# -- 6. active content --------------------------------------------------------


def test_escapes_in_cells_never_reach_the_terminal(month, clean_summary):
    mk.escapes_in_cells(month / "escapes.xlsx")
    run, out, before = consolidate(month, use_pty=True)
    assert_sane(run, "escapes.xlsx", clean=clean_summary, out=out, before=before, roots=[month])
    assert control_bytes(without_progress_bar(run.raw)) == [], run.raw[-2000:]


def without_progress_bar(raw: bytes) -> bytes:
    """click's progress bar hides and shows the cursor itself (ESC[?25l / ESC[?25h)."""
    return raw.replace(b"\x1b[?25l", b"").replace(b"\x1b[?25h", b"")


def test_forged_file_name(month, clean_summary):
    mk.forged_file_name(month)
    run, out, before = consolidate(month, use_pty=True)
    lines = run.output.replace("\r\n", "\n").split("\n")
    forged = [line for line in lines if line.startswith("06_ktt_2026-10.xlsx — принят") and "\x1b" in line]
    assert not forged, forged
    assert sum(line.startswith("06_ktt_2026-10.xlsx — принят") for line in lines) == 1, run.output
    assert control_bytes(without_progress_bar(run.raw)) == [], run.raw[-2000:]
    assert_sane(run, "zz", clean=clean_summary, out=out, before=before, roots=[month])


ACTIVE = re.compile(r"WEBSERVICE|DDE|HYPERLINK|cmd\||2\s*\+\s*3", re.I)


def _live_formulas(book: Path) -> list[str]:
    """Formulas (openpyxl's reading, and `<f>` in the sheets' XML) with active content.
    A text cell beginning with «=» is text, not a formula: it is not counted."""
    wb = openpyxl.load_workbook(book)
    found = [f"{ws.title}!{c.coordinate}: {c.value}" for ws in wb.worksheets for row in ws.iter_rows()
             for c in row if c.data_type == "f" and ACTIVE.search(str(c.value))]
    with zipfile.ZipFile(book) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                found += [f"{name}: {f}" for f in re.findall(r"<f(?:\s[^>]*)?>([^<]*)</f>", z.read(name).decode())
                          if ACTIVE.search(f)]
    return found


def _chart_references(book: Path) -> list[str]:
    with zipfile.ZipFile(book) as z:
        xml = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/"))
    return [f for f in re.findall(r"<c:f>(.*?)</c:f>", xml) if re.search(r"HYPERLINK|cmd|2\+3", f)]


def test_plan_text_beginning_with_equals(month, tmp_path):
    plan = mk.plan_with_formula_text(tmp_path / "plan.json")
    plan_before = tree_hashes(plan)
    run, out, before = consolidate(month, "--plan", plan)
    assert_sane(run, None, before=before, roots=[month])
    assert tree_hashes(plan) == plan_before
    assert out.exists(), run.summary()
    assert _live_formulas(out) == []
    assert _chart_references(out) == []


def test_active_formulas_not_kept_live_by_annotate(tmp_path):
    src = mk.active_formulas(tmp_path / "formulas.xlsx")
    before = tree_hashes(src)
    out = tmp_path / "formulas_замечания.xlsx"
    run = run_cli("check", src, *PERIOD, "--annotate", out)
    assert_sane(run, "formulas.xlsx", before=before, roots=[src])
    assert out.exists(), run.summary()
    assert _live_formulas(out) == []


# -- 7. inputs destroyed ------------------------------------------------------


def test_output_over_an_input(month):
    target = month / "03_keg_2026-10.xlsx"
    before = tree_hashes(month)
    run = run_cli("consolidate", month, *PERIOD, "-o", target)
    assert run.returncode == 2, run.summary()
    assert tree_hashes(month) == before
    assert names_file(run, "03_keg_2026-10.xlsx"), run.summary()


def test_output_over_previous(month, tmp_path):
    previous = tmp_path / "prev.xlsx"
    shutil.copy(REPO / "tests" / "golden" / "consolidated_2026-10.xlsx", previous)
    before = tree_hashes(month, previous)
    run = run_cli("consolidate", month, *PERIOD, "--previous", previous, "-o", previous)
    assert run.returncode == 2, run.summary()
    assert tree_hashes(month, previous) == before
    assert names_file(run, "prev.xlsx"), run.summary()


def test_template_over_its_source(tmp_path):
    report = tmp_path / "02_nit_2026-10.xlsx"
    shutil.copy(EXAMPLES / report.name, report)
    before = tree_hashes(report)
    run = run_cli("template", "-o", report, "--targets-from", report, "--period", "2026-11")
    assert run.returncode == 2, run.summary()
    assert tree_hashes(report) == before
    assert names_file(run, report.name), run.summary()


def _fifo(folder):
    return mk.fifo(folder / "pipe.xlsx").name


def _dangling(folder):
    (folder / "gone.xlsx").symlink_to(folder / "nowhere" / "gone.xlsx")
    return "gone.xlsx"


def _device(folder):
    (folder / "zero.xlsx").symlink_to("/dev/zero")
    return "zero.xlsx"


def _folder(folder):
    (folder.parent / "inner.xlsx").mkdir()
    (folder / "dir.xlsx").symlink_to(folder.parent / "inner.xlsx")
    return "dir.xlsx"


def _real_folder(folder):
    (folder / "папка.xlsx").mkdir()
    return "папка.xlsx"


@pytest.mark.parametrize("make", [_fifo, _dangling, _device, _folder, _real_folder],
                         ids=["fifo", "dangling-symlink", "symlink-to-device", "symlink-to-folder",
                              "folder-named-xlsx"])
def test_special_entries_are_listed(month, clean_summary, make):
    name = make(month)
    run, out, before = consolidate(month)
    assert_sane(run, name, clean=clean_summary, out=out, before=before, roots=[month])


def test_symlink_to_a_system_file_is_not_read(month, clean_summary):
    (month / "x.xlsx").symlink_to("/etc/passwd")
    import hashlib
    secret = hashlib.sha256(Path("/etc/passwd").read_bytes()).hexdigest()
    run, out, before = consolidate(month, "--json")
    entry = next(f for f in json.loads(run.stdout)["files"] if f["file"] == "x.xlsx")
    assert entry["sha256"] != secret, "the link's target was read"
    assert "ссылк" in json.dumps(entry["issues"], ensure_ascii=False), entry
    assert_sane(run, None, clean=clean_summary, out=out, before=before, roots=[month])


# -- 8. fault handling --------------------------------------------------------


def _no_partial(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir()] if folder.is_dir() else []


def test_missing_output_folder(month, tmp_path):
    out = tmp_path / "нет_такой" / "svod.xlsx"
    run = run_cli("consolidate", month, *PERIOD, "-o", out)
    assert run.returncode == 1, run.summary()
    assert "Traceback" not in run.output and "Внутренняя ошибка" not in run.output, run.summary()
    assert "нет_такой" in run.output and CYRILLIC.search(run.output)
    assert not out.parent.exists()


def test_read_only_output_folder(month, tmp_path):
    if os.geteuid() == 0:  # root writes through permission bits: sysfs refuses new files (EACCES)
        folder = Path("/sys/fs")
    else:
        folder = tmp_path / "только_чтение"
        folder.mkdir()
        folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    listed = _no_partial(folder)
    out = folder / "svod.xlsx"
    run = run_cli("consolidate", month, *PERIOD, "-o", out)
    assert run.returncode == 1, run.summary()
    assert "Traceback" not in run.output and "Внутренняя ошибка" not in run.output, run.summary()
    assert str(folder) in run.output or "svod.xlsx" in run.output, run.summary()
    assert _no_partial(folder) == listed, "a partial file was left"


# -- 9. forged recency --------------------------------------------------------


def test_date_far_in_the_future(month):
    mk.forged_date(month / "02_nit_2026-10_испр.xlsx")
    run, out, before = consolidate(month)
    assert_sane(run, "02_nit_2026-10_испр.xlsx", before=before, roots=[month])
    warned = [line for line in run.output.splitlines()
              if "ВНИМАНИЕ" in line and "Титул!B10" in line and "2099" in line]
    assert warned, run.output
