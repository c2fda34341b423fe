"""Fixtures shared by the tests; shared helpers are in tests/helpers (importable as `helpers`:
the pytest settings put the checkout and tests/ on the path, so the code under test is this
checkout's, never a stale installed copy)."""

import sys

import pytest

from cluster_xl.core.model import Period
from cluster_xl.plan.model import default_plan

from helpers import EXAMPLES, EXAMPLES_SEPTEMBER


@pytest.fixture(scope="session")
def plan():
    return default_plan()


@pytest.fixture(scope="session")
def generated_examples(tmp_path_factory, plan):
    """The example set written fresh as .xlsx (no LibreOffice needed)."""
    from cluster_xl.writing.sample import write_examples

    folder = tmp_path_factory.mktemp("examples")
    write_examples(plan, folder, Period(2026, 10), ods_index=None)
    return folder


@pytest.fixture(scope="session")
def month_books(tmp_path_factory):
    """The README's month-on-month job through the console script: September
    consolidated, then October with --previous, twice (same inputs, same bytes)."""
    import subprocess
    from types import SimpleNamespace

    folder = tmp_path_factory.mktemp("months")

    def run(*args):
        return subprocess.run([sys.executable, "-m", "cluster_xl", "consolidate", *map(str, args)],
                              capture_output=True, text=True, timeout=300)

    september = run(EXAMPLES_SEPTEMBER, "--period", "2026-09", "-o", folder / "consolidated_2026-09.xlsx")
    assert september.returncode == 0, september.stdout + september.stderr
    runs = [run(EXAMPLES, "--period", "2026-10", "--previous", folder / "consolidated_2026-09.xlsx",
                "-o", folder / name) for name in ("consolidated_2026-10.xlsx", "again.xlsx")]
    return SimpleNamespace(september=folder / "consolidated_2026-09.xlsx",
                           october=folder / "consolidated_2026-10.xlsx", again=folder / "again.xlsx",
                           run=runs[0], folder=folder)
