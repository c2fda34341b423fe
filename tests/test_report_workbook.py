"""Acceptance on the consolidated workbook itself, read back with openpyxl."""

import hashlib
import subprocess
import sys

import pytest
from openpyxl import load_workbook

from helpers import EXAMPLES
from helpers.independent import aggregate
from helpers.seed import SEED_ACTIVITIES, SEED_INDICATORS

DASH = "—"


@pytest.fixture(scope="module")
def output(tmp_path_factory):
    """The README's main job on the bundled example, through the console script."""
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in EXAMPLES.iterdir()}
    out = tmp_path_factory.mktemp("out") / "consolidated_2026-10.xlsx"
    proc = subprocess.run([sys.executable, "-m", "cluster_xl", "consolidate", str(EXAMPLES),
                           "--period", "2026-10", "-o", str(out)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in EXAMPLES.iterdir()}
    assert after == before  # inputs never modified
    return load_workbook(out), before


def table(ws, first_header="Код"):
    """Rows under the header row (found by its first cell), as dicts."""
    rows = list(ws.iter_rows(values_only=True))
    h = next(i for i, r in enumerate(rows) if r and r[0] == first_header)
    header = rows[h]
    return [dict(zip(header, r)) for r in rows[h + 1:] if r and r[0] is not None]


def test_approved_targets_reproduce_both_seed_tables(output):
    wb, _ = output
    seed = SEED_ACTIVITIES | SEED_INDICATORS
    seen = set()
    for sheet in ("Свод", "Показатели"):
        for row in table(wb[sheet]):
            code = str(row["Код"])
            if code not in seed:
                continue  # section and result headings
            seen.add(code)
            unit, *targets = seed[code]
            assert row["Ед. изм."] == unit, code
            for year, target in zip((2026, 2027, 2028), targets):
                got = row[f"Цель {year}"]
                assert got == (DASH if target is None else target), (code, year, got)
    assert seen == set(seed)


def test_facts_and_college_targets_equal_inputs_aggregated_independently(output, plan):
    wb, _ = output
    expected = aggregate(EXAMPLES, plan)
    rows = table(wb["Свод по годам"])
    assert len(rows) == len(plan.items) * len(plan.years)
    for row in rows:
        key = (str(row["Код"]), int(row["Год"]))
        for measure, column in (("fact", "Факт"), ("plan", "План колледжей")):  # independent.py's words
            want = expected.get(key + (measure,))
            got = row[column]
            if want is None:
                assert got == DASH, (key, measure, got)
            else:
                assert got == pytest.approx(want), (key, measure)


def test_no_target_stays_visibly_no_target(output):
    wb, _ = output
    rows = {str(r["Код"]): r for r in table(wb["Свод"])}
    assert rows["1.4.1"]["Цель 2026"] == DASH
    assert rows["1.4.1"]["% исполнения"] == "н/д"
    # The state «нет цели» on «Свод по годам», where each year's row says it in words.
    by_year = {(str(r["Код"]), int(r["Год"])): r for r in table(wb["Свод по годам"])}
    assert by_year[("1.4.1", 2026)]["Статус"] == "нет цели"


def test_every_input_file_is_listed_with_status_and_hash(output):
    wb, hashes = output
    rows = [r for r in table(wb["Источники"], "№") if r["Файл"]]
    assert {r["Файл"]: r["SHA-256"] for r in rows} == hashes
    assert {r["Статус"] for r in rows} == {"принят"}
