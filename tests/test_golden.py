"""Golden workbook: the bundled October example, with September as `--previous`,
against a reviewed reference in tests/golden/, compared part by part.

Worksheets are compared as cell listings (shared strings resolved), everything
else as pretty-printed XML (tests/helpers/listing.py); on failure the message is
a unified diff per part, short enough to read.  The same listing is committed as
tests/golden/consolidated_2026-10.txt, so a change of the golden shows in a review
as a text diff; and the workbook must be the same bytes.

The reference must change whenever the workbook changes on purpose (the writer,
the checks, the examples).  Regenerate it, then open it (and its PDF) and look:

    CLUSTER_XL_REGOLDEN=1 pytest tests/test_golden.py
"""

from __future__ import annotations

import difflib
import os
from dataclasses import replace
from pathlib import Path

import pytest

from cluster_xl.core.model import Period
from cluster_xl.run.pipeline import build_report
from cluster_xl.consolidation.previous import compare_with_previous
from cluster_xl.writing.workbook import write_report

from helpers import EXAMPLES, EXAMPLES_SEPTEMBER
from helpers.listing import listing, parts

GOLDEN = Path(__file__).parent / "golden" / "consolidated_2026-10.xlsx"
LISTING = GOLDEN.with_suffix(".txt")  # the same workbook as text: what a review of a change reads
VERSION = "golden"  # the tool's version is recorded in the book; a release must not break this test
DIFF_LINES = 40


def generate(plan, folder: Path) -> Path:
    september = build_report(plan, [EXAMPLES_SEPTEMBER], Period(2026, 9))
    previous = write_report(replace(september, tool_version=VERSION), folder / "consolidated_2026-09.xlsx")
    october = compare_with_previous(build_report(plan, [EXAMPLES], Period(2026, 10)), previous)
    return write_report(replace(october, tool_version=VERSION), folder / "consolidated_2026-10.xlsx")


def test_workbook_matches_the_golden_one(plan, tmp_path):
    fresh = generate(plan, tmp_path)
    if os.environ.get("CLUSTER_XL_REGOLDEN") == "1":
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_bytes(fresh.read_bytes())
        LISTING.write_text(listing(fresh), encoding="utf-8")
        pytest.skip(f"{GOLDEN} and {LISTING.name} rewritten: review `git diff {LISTING}` before committing")
    assert GOLDEN.exists(), "no golden workbook: run CLUSTER_XL_REGOLDEN=1 pytest tests/test_golden.py"
    want, got = parts(GOLDEN), parts(fresh)
    assert sorted(got) == sorted(want), "the workbook's parts differ"
    diffs = [diff(name, want[name], got[name]) for name in sorted(want) if want[name] != got[name]]
    assert not diffs, ("the workbook differs from tests/golden (if on purpose: CLUSTER_XL_REGOLDEN=1 "
                       "pytest tests/test_golden.py, then review):\n" + "\n".join(diffs))
    assert listing(GOLDEN) == LISTING.read_text(encoding="utf-8"), "the committed listing is not the golden book's"
    assert fresh.read_bytes() == GOLDEN.read_bytes(), "same parts, other bytes: the packaging changed"


def diff(name: str, want: list[str], got: list[str]) -> str:
    lines = list(difflib.unified_diff(want, got, f"golden/{name}", f"new/{name}", n=1, lineterm=""))
    more = f"\n… and {len(lines) - DIFF_LINES} more lines" if len(lines) > DIFF_LINES else ""
    return "\n".join(lines[:DIFF_LINES]) + more
