"""Acceptance: hostile files in a folder with the valid examples.

The run finishes with exit code 1 and no traceback, every hostile file is
listed with its reason, and the valid colleges' totals are exactly what they
are without the hostile files.  Peak memory is measured by
benchmarks/hostile.py, not here (no timed or measured assertions in tests).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest
from pandas.testing import assert_frame_equal

from cluster_xl.core.model import ACCEPTED, REJECTED, SKIPPED, Period
from cluster_xl.run.pipeline import build_report

from helpers import hostile_files as h
from helpers import EXAMPLES, REPO

OCT = Period(2026, 10)
JUNK = 600  # a folder with «thousands of files»: ~1 200 files in all


@pytest.fixture(scope="module")
def hostile_folder(generated_examples, tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile") / "2026-10"
    shutil.copytree(generated_examples, folder)
    expected = h.write_hostile_set(folder, generated_examples / "01_spk_2026-10.xlsx",
                                   EXAMPLES / "07_spt_2026-10.ods")
    sample = (generated_examples / "03_keg_2026-10.xlsx").read_bytes()
    for n in range(JUNK):
        (folder / f"вложение_{n:04d}.txt").write_text("Письмо\n", encoding="utf-8")
        (folder / f"обрезан_{n:04d}.xlsx").write_bytes(sample[: 200 + n * 13])
    return folder, expected


@pytest.fixture(scope="module")
def run(hostile_folder, tmp_path_factory):
    folder, _ = hostile_folder
    out = tmp_path_factory.mktemp("out") / "svod.xlsx"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("CLUSTER_XL_DEBUG", None)
    done = subprocess.run(
        [sys.executable, "-m", "cluster_xl", "consolidate", str(folder), "--period", "2026-10",
         "-o", str(out), "--json"],
        capture_output=True, text=True, timeout=600, env=env)
    return done, out


def test_the_run_ends_with_exit_code_1_and_no_traceback(run):
    done, out = run
    assert done.returncode == 1, done.stderr[-2000:]
    assert "Traceback" not in done.stderr and "Traceback" not in done.stdout
    assert "Внутренняя ошибка" not in done.stderr
    assert out.exists()


def test_every_hostile_file_is_listed_with_its_reason(run, hostile_folder):
    folder, expected = hostile_folder
    files = {f["file"]: f for f in json.loads(run[0].stdout)["files"]}
    assert len(files) == len(list(folder.iterdir()))
    for name, code in expected.items():
        entry = files[name]
        assert entry["status"] in (REJECTED, SKIPPED), name
        assert code in [i["code"] for i in entry["issues"]], (name, entry["issues"])
        assert all(i["message"] for i in entry["issues"])
    for n in range(JUNK):
        assert files[f"вложение_{n:04d}.txt"]["status"] == SKIPPED
        assert files[f"обрезан_{n:04d}.xlsx"]["issues"][0]["code"] == "unreadable-file"


def test_the_valid_colleges_totals_are_unchanged(plan, generated_examples, hostile_folder, run):
    folder, _ = hostile_folder
    clean = build_report(plan, [generated_examples], OCT)
    mixed = build_report(plan, [folder], OCT)
    assert sorted(f.file for f in mixed.files if f.status == ACCEPTED) == sorted(
        p.name for p in generated_examples.iterdir())
    assert_frame_equal(mixed.consolidation.totals, clean.consolidation.totals)
    assert_frame_equal(mixed.consolidation.by_college, clean.consolidation.by_college)
    files = {f["file"]: f["status"] for f in json.loads(run[0].stdout)["files"]}
    assert all(files[p.name] == ACCEPTED for p in generated_examples.iterdir())
