from dataclasses import replace

from cluster_xl.checks.rules import check_plan, check_submission, check_totals
from cluster_xl.consolidation.consolidate import consolidate
from cluster_xl.core.issues import flatten
from cluster_xl.core.model import Period
from cluster_xl.plan.model import default_plan, plan_from_dict, plan_to_dict

from helpers import OCT_2026, outcome

PLAN = default_plan()


def submission(values, **title):
    sub = outcome("spk", values).submission
    fields = {"organisation": "Северный политехнический колледж", "period": "2026-10",
              "responsible": "Соколова А. В.", **title}
    return replace(sub, organisation=fields["organisation"], title=fields,
                   template_version=f"1/{PLAN.plan_id}")


def codes(issues):
    return sorted(i.code for i in issues)


def test_a_clean_submission_has_no_issues():
    assert check_submission(submission({("1.1.1", 2026, "fact"): 5}), PLAN, OCT_2026) == []


def test_negative_number_is_an_error_at_its_cell():
    issues = check_submission(submission({("1.1.1", 2026, "fact"): -3}), PLAN, OCT_2026)
    assert flatten(issues) == [("spk.xlsx", "Мероприятия", "D5", "negative-number")]
    assert issues[0].is_error and "Отрицательное" in issues[0].message


def test_fraction_of_a_person_is_an_error():
    issues = check_submission(submission({("1.1.1", 2026, "fact"): 2.5}), PLAN, OCT_2026)
    assert codes(issues) == ["fraction"] and issues[0].is_error


def test_fraction_of_a_unit_is_an_error_and_of_money_is_not():
    # 1.1.2 is counted in «ед.», 3.1 in «тыс. руб.» (the plan's units)
    issues = check_submission(submission({("1.1.2", 2026, "fact"): 1.16, ("3.1", 2026, "fact"): 1.16}),
                              PLAN, OCT_2026)
    assert [(i.code, i.item) for i in issues] == [("fraction", "1.1.2")]


def test_wrong_and_unreadable_period():
    sub = replace(submission({}), period=Period(2026, 9))
    assert codes(check_submission(sub, PLAN, OCT_2026)) == ["wrong-period"]
    sub = replace(submission({}, period="осень"), period=None)
    assert codes(check_submission(sub, PLAN, OCT_2026)) == ["bad-period"]


def test_organisation_must_be_on_the_roster_and_title_filled():
    sub = replace(submission({}, organisation="Колледж из другого кластера"),
                  organisation="Колледж из другого кластера")
    assert codes(check_submission(sub, PLAN, OCT_2026)) == ["unknown-organisation"]
    sub = submission({}, responsible="")
    assert codes(check_submission(sub, PLAN, OCT_2026)) == ["missing-title-field"]


def test_template_version_mismatch():
    sub = replace(submission({}), template_version="0/old")
    assert codes(check_submission(sub, PLAN, OCT_2026)) == ["template-version"]


def test_ratio_part_larger_than_whole():
    sub = submission({("5.4.1/ч", 2026, "fact"): 12, ("5.4.1/з", 2026, "fact"): 10})
    issues = check_submission(sub, PLAN, OCT_2026)
    assert codes(issues) == ["ratio-part-exceeds-whole"]


def test_control_ratio_on_a_college_quotes_both_sides():
    sub = submission({("П3", 2026, "fact"): 7, ("2.3.2", 2026, "fact"): 9})
    issues = check_submission(sub, PLAN, OCT_2026)
    assert codes(issues) == ["ratio-violated"]
    assert "показатель 3 (7) ≠ 2.3.2 (9)" in issues[0].message
    assert not issues[0].is_error  # an equality is a warning in the plan data


def test_part_larger_than_whole_ratio_is_an_error():
    sub = submission({("2.3.1", 2026, "fact"): 12, ("2.3.2", 2026, "fact"): 9})
    issues = check_submission(sub, PLAN, OCT_2026)
    assert codes(issues) == ["ratio-violated"] and issues[0].is_error


def test_the_seed_plan_satisfies_its_own_control_ratios():
    assert check_plan(PLAN) == []


def test_a_plan_breaking_a_ratio_or_decreasing_is_reported():
    data = plan_to_dict(PLAN)
    for item in data["items"]:
        if item["code"] == "П3":
            item["targets"]["2027"] = 40  # below 2026 (50) and ≠ 2.3.2 (95)
    issues = check_plan(plan_from_dict(data))
    assert sorted((i.code, i.item, i.year) for i in issues) == [
        ("ratio-violated", "П3", 2027), ("target-decreases", "П3", 2027)]


def test_totals_are_checked_against_control_ratios():
    files = [outcome("spk", {("П4", 2026, "fact"): 10, ("5.1.1", 2026, "fact"): 10}),
             outcome("nit", {("П4", 2026, "fact"): 5, ("5.1.1", 2026, "fact"): 3})]
    totals = consolidate(PLAN, files, OCT_2026).totals
    issues = check_totals(PLAN, totals, OCT_2026)
    assert [(i.code, i.item, i.year) for i in issues] == [("ratio-violated", "П4", 2026)]
    assert "показатель 4 (15) ≠ 5.1.1 (13)" in issues[0].message
