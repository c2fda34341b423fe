"""Reading files in worker processes: the same report as one by one, and a crash is one file."""

import shutil
import subprocess
import sys

from openpyxl import load_workbook

from cluster_xl.core.issues import flatten
from cluster_xl.core.model import ACCEPTED, REJECTED, Period
from cluster_xl.run.sandbox import CRASH_ENV, process_files
from cluster_xl.run.collect import collect_inputs
from cluster_xl.run.pipeline import build_report
from cluster_xl.writing.template import Filling, write_template
from cluster_xl.writing.workbook import write_report

OCT = Period(2026, 10)


def mixed_folder(plan, generated_examples, tmp_path, copies=1):
    """The examples (`copies` times over), a rejected file, a broken one and a stray document."""
    folder = tmp_path / "in"
    folder.mkdir()
    for n in range(copies):
        for path in sorted(generated_examples.iterdir()):
            shutil.copy(path, folder / (f"{n}_{path.name}" if n else path.name))
    write_template(plan, folder / "чужой_период.xlsx", Filling(title={
        "organisation": "Таёжный горный колледж", "period": "2026-09", "responsible": "Иванов И. И."}))
    (folder / "broken.xlsx").write_bytes(b"PK\x03\x04 not a workbook")
    (folder / "письмо.docx").write_bytes(b"not a spreadsheet")
    return folder


def test_sequential_and_parallel_give_the_same_workbook(plan, generated_examples, tmp_path):
    folder = mixed_folder(plan, generated_examples, tmp_path)
    one = build_report(plan, [folder], OCT, jobs=1)
    two = build_report(plan, [folder], OCT, jobs=2)
    assert [(o.file, o.status) for o in one.files] == [(o.file, o.status) for o in two.files]
    assert flatten(one.issues) == flatten(two.issues)
    assert {o.status for o in one.files} >= {ACCEPTED, REJECTED}
    a = write_report(one, tmp_path / "one.xlsx")
    b = write_report(two, tmp_path / "two.xlsx")
    assert a.read_bytes() == b.read_bytes()


def test_a_worker_crash_rejects_that_file_alone(plan, generated_examples, tmp_path, monkeypatch):
    # 40-odd files: chunks of several files, so the culprit has to be found within its chunk.
    folder = mixed_folder(plan, generated_examples, tmp_path, copies=6)
    paths = collect_inputs([folder])
    victim = paths[17].shown
    monkeypatch.setenv(CRASH_ENV, victim)
    outcomes = process_files(paths, plan, OCT, jobs=2)
    assert [o.file for o in outcomes] == [p.shown for p in paths]
    crashed = [o for o in outcomes if any(i.code == "reader-crashed" for i in o.issues)]
    assert [o.file for o in crashed] == [victim]
    assert crashed[0].status == REJECTED and len(crashed[0].issues) == 1
    assert victim in crashed[0].issues[0].message
    monkeypatch.delenv(CRASH_ENV)
    clean = process_files(paths, plan, OCT, jobs=1)
    for got, expected in zip(outcomes, clean):
        if got.file != victim:
            assert (got.status, flatten(got.issues)) == (expected.status, flatten(expected.issues))


def test_consolidate_survives_a_crashing_reader(plan, generated_examples, tmp_path):
    folder = mixed_folder(plan, generated_examples, tmp_path)
    out = tmp_path / "свод.xlsx"
    env = {**__import__("os").environ, CRASH_ENV: "03_keg_2026-10.xlsx"}
    proc = subprocess.run([sys.executable, "-m", "cluster_xl", "consolidate", str(folder), "--period",
                           "2026-10", "-o", str(out), "--jobs", "2"], capture_output=True, text=True,
                          env=env, timeout=300)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    assert "[reader-crashed]" in proc.stdout
    sources = load_workbook(out, read_only=True)["Источники"]
    rows = {r[1]: r[4] for r in sources.iter_rows(values_only=True) if r[1]}
    assert rows["03_keg_2026-10.xlsx"] == "отклонён"
    assert rows["04_pst_2026-10.xlsx"] == "принят"


def test_jobs_must_be_positive(generated_examples):
    proc = subprocess.run([sys.executable, "-m", "cluster_xl", "consolidate", str(generated_examples),
                           "--jobs", "0"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert "--jobs" in proc.stderr and "не меньше 1" in proc.stderr


def test_packed_entries_read_back_as_the_entries(plan, generated_examples):
    import pickle

    from cluster_xl.core.model import PackedEntries
    from cluster_xl.run.policy import process_file

    entries = process_file(sorted(generated_examples.iterdir())[0], plan, OCT).submission.entries
    packed = pickle.loads(pickle.dumps(PackedEntries(entries)))
    assert len(packed) == len(entries) > 100
    assert tuple(packed) == entries and packed == entries
    assert packed[-1] == entries[-1] and packed[3:7] == entries[3:7]


# -- the sandbox's limits ------------------------------------------------------------

import os  # noqa: E402
import time  # noqa: E402

import pytest  # noqa: E402

from cluster_xl.plan.model import PlanError  # noqa: E402
from cluster_xl.run import sandbox  # noqa: E402
from cluster_xl.run.sandbox import Limits, SandboxFailure, isolated  # noqa: E402


def _sleep(seconds):
    time.sleep(seconds)
    return "woke"


def _allocate(megabytes):
    return len(bytearray(megabytes * 1024 * 1024))


def _abort():
    os.abort()


def _raise_plan_error():
    from cluster_xl.core.issues import error

    raise PlanError("План содержит ошибки", [error("plan-no-years", "В плане не указаны годы.")])


def _pid():
    return os.getpid()


def test_a_call_returns_its_value_from_another_process():
    assert isolated(_pid) != os.getpid()
    assert isolated(_sleep, 0) == "woke"


def test_an_exception_comes_back_whole():
    with pytest.raises(PlanError) as caught:
        isolated(_raise_plan_error)
    assert [i.code for i in caught.value.issues] == ["plan-no-years"]


def test_a_call_that_overruns_its_time_is_ended():
    started = time.monotonic()
    with pytest.raises(SandboxFailure) as caught:
        isolated(_sleep, 60, limits=Limits(seconds=1))
    assert caught.value.kind == "timeout" and "1 с" in str(caught.value)
    assert time.monotonic() - started < 30  # ended, not waited for


def test_a_call_that_takes_too_much_memory_fails_as_memory():
    with pytest.raises(SandboxFailure) as caught:
        isolated(_allocate, 4096, limits=Limits(memory_mb=256))
    assert caught.value.kind == "memory" and "256 МБ" in str(caught.value)
    assert isolated(_allocate, 64, limits=Limits(memory_mb=256)) == 64 * 1024 * 1024


def test_a_native_abort_is_a_crash_and_prints_nothing(capfd):
    with pytest.raises(SandboxFailure) as caught:
        isolated(_abort)
    assert caught.value.kind == "crash" and "сигнал 6" in str(caught.value)
    assert capfd.readouterr().err == ""


def test_jobs_1_still_reads_in_a_worker(plan, generated_examples, monkeypatch):
    seen = []
    monkeypatch.setattr(sandbox, "process_file", lambda path, *a, **k: seen.append(path) or os.getpid())
    pids = process_files(sorted(generated_examples.iterdir())[:3], plan, OCT, jobs=1)
    assert seen == [] and len(set(pids)) == 1 and pids[0] != os.getpid()


def test_a_file_that_hangs_is_tried_twice_then_rejected_and_the_rest_are_read(
        plan, generated_examples, tmp_path, monkeypatch):
    paths = sorted(generated_examples.iterdir())
    victim = paths[2]
    tries = tmp_path / "tries"
    real = sandbox.process_file

    def slow_on_victim(path, *args, **kw):
        if path == victim:
            with open(tries, "a") as f:
                f.write("x")
            time.sleep(60)
        return real(path, *args, **kw)

    monkeypatch.setattr(sandbox, "process_file", slow_on_victim)
    outcomes = process_files(paths, plan, OCT, jobs=2, limits=Limits(seconds=2))
    assert tries.read_text() == "xx"  # once with the others, once alone
    bad = [o for o in outcomes if o.status == REJECTED]
    assert [o.file for o in bad] == [victim.name]
    assert "предел времени" in bad[0].issues[0].message and bad[0].issues[0].code == "reader-crashed"
    assert all(o.status == ACCEPTED for o in outcomes if o.file != victim.name)


def test_a_bug_in_a_worker_prints_no_traceback(plan, generated_examples, monkeypatch, capfd):
    def broken(path, *args, **kw):
        raise RuntimeError("a bug")

    monkeypatch.setattr(sandbox, "process_file", broken)
    outcomes = process_files(sorted(generated_examples.iterdir())[:2], plan, OCT, jobs=1,
                             limits=Limits(seconds=20))
    assert {o.status for o in outcomes} == {REJECTED}
    assert "Traceback" not in capfd.readouterr().err


def test_limits_are_settings(monkeypatch):
    monkeypatch.setenv(sandbox.SECONDS_ENV, "7.5")
    monkeypatch.setenv(sandbox.MEMORY_ENV, "300")
    assert Limits.from_env() == Limits(seconds=7.5, memory_mb=300)
    monkeypatch.setenv(sandbox.SECONDS_ENV, "soon")
    assert Limits.from_env().seconds == Limits().seconds
