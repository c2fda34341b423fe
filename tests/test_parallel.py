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
    victim = paths[17].name
    monkeypatch.setenv(CRASH_ENV, victim)
    outcomes = process_files(paths, plan, OCT, jobs=2)
    assert [o.file for o in outcomes] == [p.name for p in paths]
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
