import math

import pytest

from cluster_xl.consolidation.consolidate import consolidate
from cluster_xl.core.model import REJECTED, Period
from cluster_xl.plan.model import default_plan

from helpers import OCT_2026, outcome

PLAN = default_plan()


def row(result, code, year=2026):
    t = result.totals
    found = t[(t.code == code) & (t.year == year)]
    assert len(found) == 1
    return found.iloc[0]


def test_totals_cover_every_item_and_year_in_plan_order():
    result = consolidate(PLAN, [], OCT_2026)
    assert len(result.totals) == len(PLAN.items) * len(PLAN.years)
    assert list(result.totals.code.drop_duplicates()) == [i.code for i in PLAN.items]
    # No target stays NaN, never 0.
    assert math.isnan(row(result, "1.3.1", 2027).target)
    assert row(result, "1.3.1", 2026).target == 1


def test_sum_rule_adds_colleges_and_keeps_deviation_and_percent():
    files = [outcome("spk", {("1.1.1", 2026, "target"): 10, ("1.1.1", 2026, "fact"): 8}),
             outcome("nit", {("1.1.1", 2026, "target"): 15, ("1.1.1", 2026, "fact"): 12})]
    r = row(consolidate(PLAN, files, OCT_2026), "1.1.1")
    assert (r.colleges_target, r.fact, r.deviation) == (25, 20, -5)
    assert r.pct == pytest.approx(80.0)
    assert r.reported == 2


def test_ratio_is_a_ratio_of_sums_not_a_mean_of_percentages():
    # 10 of 10 and 90 of 100 give 90.9 %, not 95 %; no graduates divides by nothing.
    files = [outcome("spk", {("5.4.1/ч", 2026, "fact"): 10, ("5.4.1/з", 2026, "fact"): 10}),
             outcome("nit", {("5.4.1/ч", 2026, "fact"): 90, ("5.4.1/з", 2026, "fact"): 100}),
             outcome("keg", {("5.4.1/ч", 2026, "fact"): 0, ("5.4.1/з", 2026, "fact"): 0})]
    result = consolidate(PLAN, files, OCT_2026)
    r = row(result, "5.4.1")
    assert r.fact == pytest.approx(100 / 110 * 100)
    assert (r.numerator, r.denominator) == (100, 110)
    assert r.status == "no_target"  # 2026 has no target for 5.4.1
    mine = result.by_college[(result.by_college.org_id == "keg") & (result.by_college.code == "5.4.1")]
    assert math.isnan(mine.iloc[0].fact)


def test_distinct_count_counts_a_shared_specialty_once():
    files = [outcome("spk", {}, [("13.02.11", [2026], [2026]), ("15.02.01", [2026], [])]),
             outcome("nit", {}, [("13.02.11", [2026], [2026])])]
    r = row(consolidate(PLAN, files, OCT_2026), "П2")
    assert r.colleges_target == 2 and r.fact == 1


def test_cluster_level_item_counts_one_event_however_many_report_it():
    files = [outcome(o, {("1.5.1", 2026, "fact"): 1}) for o in ("spk", "nit", "keg")]
    r = row(consolidate(PLAN, files, OCT_2026), "1.5.1")
    assert r.fact == 1 and r.status == "achieved"


def test_rejected_files_stay_out_of_the_totals():
    files = [outcome("spk", {("1.1.1", 2026, "fact"): 8}),
             outcome("nit", {("1.1.1", 2026, "fact"): 500}, status=REJECTED)]
    result = consolidate(PLAN, files, OCT_2026)
    assert row(result, "1.1.1").fact == 8
    assert set(result.entries.org_id) == {"spk"}


@pytest.mark.parametrize("fact,status", [(25, "achieved"), (19, "on_track"), (10, "behind")])
def test_status_against_the_linear_schedule(fact, status):
    # 1.1.1: target 25 for 2026; by October 25 × 10/12 ≈ 20.8 is expected, 10 % tolerance.
    r = row(consolidate(PLAN, [outcome("spk", {("1.1.1", 2026, "fact"): fact})], OCT_2026), "1.1.1")
    assert r.expected == pytest.approx(25 * 10 / 12)
    assert r.status == status


def test_cumulative_indicator_moves_from_last_years_target():
    r = row(consolidate(PLAN, [outcome("spk", {("П1", 2027, "fact"): 2000})], Period(2027, 6)), "П1", 2027)
    assert r.expected == pytest.approx(1160 + (2460 - 1160) * 6 / 12)
    assert r.status == "on_track"


def test_future_years_have_no_status_and_closed_years_no_on_track():
    result = consolidate(PLAN, [outcome("spk", {("1.1.1", 2026, "fact"): 20})], Period(2027, 3))
    assert row(result, "1.1.1", 2026).status == "behind"  # 2026 closed below 25
    assert row(result, "1.1.1", 2028).status == ""


def test_findings_when_college_targets_do_not_add_up():
    files = [outcome("spk", {("1.1.1", 2026, "target"): 10}), outcome("nit", {("1.3.2", 2027, "target"): 3})]
    findings = consolidate(PLAN, files, OCT_2026).findings
    by_key = {(i.code, i.item, i.year) for i in findings}
    assert ("targets-mismatch", "1.1.1", 2026) in by_key
    assert ("targets-without-plan", "1.3.2", 2027) in by_key  # 1.3.2 has no target in 2027
    msg = next(i.message for i in findings if i.item == "1.1.1" and i.year == 2026)
    assert "(10)" in msg and "(25)" in msg


def test_entries_keep_their_cells():
    result = consolidate(PLAN, [outcome("spk", {("1.1.1", 2026, "fact"): 8})], OCT_2026)
    e = result.entries.iloc[0]
    assert (e.file, e.sheet, e.cell, e["item"], e.measure) == ("spk.xlsx", "Мероприятия", "D5", "1.1.1", "fact")
