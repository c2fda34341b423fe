"""Workbooks from outside besides the colleges' files, read in the sandbox (run/untrusted.py),
and what the sandbox leaves behind: nothing."""

import json
import os
import subprocess
import sys
import time

import pytest

from cluster_xl.plan.model import PlanError, default_plan, plan_to_dict
from cluster_xl.run.collect import sha256
from cluster_xl.run.sandbox import Limits, SandboxFailure, isolated
from cluster_xl.run.untrusted import plan_from

from helpers import EXAMPLES


def _plan_json(tmp_path, name, change):
    data = plan_to_dict(default_plan())
    change(data)
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.mark.parametrize("change", [
    lambda d: d["items"][0].__setitem__("targets", []),
    lambda d: d["items"][0].__setitem__("name", 5),
    lambda d: d.__setitem__("years", ["2026", {"x": 1}]),
    lambda d: d.pop("items"),
], ids=["targets-a-list", "name-a-number", "years-odd", "no-items"])
def test_a_malformed_plan_is_a_plan_error(tmp_path, change):
    with pytest.raises(PlanError) as caught:
        plan_from(_plan_json(tmp_path, "план.json", change))
    assert "«план.json» не прочитан" in str(caught.value)


def test_a_deeply_nested_plan_is_a_plan_error_and_exit_1(tmp_path):
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(PlanError, match="вложенность"):
        plan_from(deep)
    proc = subprocess.run([sys.executable, "-m", "cluster_xl", "check", str(sorted(EXAMPLES.iterdir())[0]),
                           "--plan", str(deep), "--period", "2026-10"], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 1 and "Внутренняя ошибка" not in proc.stderr, proc.stderr


def test_a_file_too_large_to_read_is_not_hashed(tmp_path):
    sparse = tmp_path / "big.xlsx"
    with open(sparse, "wb") as f:
        f.truncate(30 * 1024 ** 3)  # 30 GB of nothing: hashing it would take minutes
    started = time.monotonic()
    assert sha256(sparse) == ""
    assert time.monotonic() - started < 5


def _spawn_and_hang():
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"], start_new_session=True)
    with open(os.environ["CLUSTER_XL_TEST_PIDFILE"], "w") as f:
        f.write(str(child.pid))
    time.sleep(120)


def test_what_a_stalled_worker_started_is_ended_with_it(tmp_path, monkeypatch):
    """LibreOffice started by annotate runs in a session of its own: the worker's end ends it too."""
    pidfile = tmp_path / "pid"
    monkeypatch.setenv("CLUSTER_XL_TEST_PIDFILE", str(pidfile))
    with pytest.raises(SandboxFailure):
        isolated(_spawn_and_hang, limits=Limits(seconds=2))
    pid = int(pidfile.read_text())
    time.sleep(0.5)
    with open(f"/proc/{pid}/stat") if os.path.exists(f"/proc/{pid}/stat") else open(os.devnull) as f:
        state = f.read().split(") ")[-1][:1] if f.name != os.devnull else "gone"
    assert state in ("gone", "Z"), state  # killed (a zombie until init reaps it) or gone
