"""The plan: bundled data against the seed document, and the editable plan workbook."""

from __future__ import annotations

import re
import shutil
from dataclasses import replace

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cluster_xl.core.office import convert
from cluster_xl.plan.load import load_plan
from cluster_xl.plan.model import PlanError, PlanItem, plan_to_dict
from cluster_xl.plan.workbook import read_plan_workbook, write_plan_workbook

from helpers.seed import SEED_ACTIVITIES, SEED_INDICATORS

# Column letters of «Позиции» as written for a three-year plan (the layout is part of the test).
CODE, KIND, SECTION, RESULT, NAME, UNIT = "ABCDEF"
TARGET = {2026: "G", 2027: "H", 2028: "I"}
RULE, CUMULATIVE, SCHEDULE = "JKL"


# `plan` (the bundled default plan) comes from conftest.py.


@pytest.fixture
def workbook(tmp_path, plan):
    return write_plan_workbook(plan, tmp_path / "план.xlsx")


def flat(exc: PlanError) -> list[tuple[str, str, str]]:
    return [(i.sheet, i.cell, i.code) for i in exc.issues]


def row_of(ws, code: str) -> int:
    return next(c.row for c in ws["A"] if c.value == code)


# -- the seed document, transcribed by hand -------------------------------------------

@pytest.fixture(params=["json", "workbook"])
def shipped(request, tmp_path, plan):
    """The bundled plan as shipped, and after a trip through the plan workbook."""
    if request.param == "json":
        return plan
    return read_plan_workbook(write_plan_workbook(plan, tmp_path / "план.xlsx"))


def test_plan_reproduces_every_number_of_the_seed(shipped):
    expected = SEED_ACTIVITIES | SEED_INDICATORS
    assert [i.code for i in shipped.activities] == list(SEED_ACTIVITIES)
    assert [i.code for i in shipped.indicators] == list(SEED_INDICATORS)
    assert shipped.years == (2026, 2027, 2028)
    for code, (unit, *targets) in expected.items():
        item = shipped.item(code)
        assert (item.unit, [item.target(y) for y in (2026, 2027, 2028)]) == (unit, targets), code


def test_plan_handles_the_seed_quirks(shipped):
    assert len(shipped.activities) == 32 and len(shipped.indicators) == 7
    assert shipped.item("2.3.2").unit == shipped.item("4.3.1").unit == "чел."
    assert shipped.item("2.2.1").result == "2.2"
    result_codes = {r.code for r in shipped.results}
    for leaf in ("3.1", "3.2"):  # values on the result row itself: leaves, not headings
        assert leaf not in result_codes and shipped.item(leaf).result is None
        assert not [i for i in shipped.items if i.result == leaf]
    assert all(i.cumulative for i in shipped.indicators)
    assert shipped.item("П7").target(2027) is None and shipped.item("П7").target(2028) is None
    name = shipped.item("3.1").name
    assert "оборудования, программного" in name and "капитального ремонта учебной" in name
    texts = [i.name for i in shipped.items] + [r.title for r in shipped.results]
    glued = [t for t in texts if re.search(r"[а-яё]\d", t)]  # footnote marks such as «ремонта9»
    assert glued == []


# -- export and import ----------------------------------------------------------------


def test_default_plan_round_trip_is_lossless(workbook, plan):
    back = read_plan_workbook(workbook)
    assert back == plan
    assert plan_to_dict(back) == plan_to_dict(plan)
    assert back.item("5.4.1").parts == plan.item("5.4.1").parts
    assert load_plan(workbook) == plan


def test_workbook_layout_as_a_person_sees_it(tmp_path, plan):
    zero = replace(plan.item("6.5.1"), targets={2026: 7.0, 2027: 0.0, 2028: None})
    path = write_plan_workbook(_with_items(plan, zero), tmp_path / "план.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Инструкция", "Кластер", "Организации", "Разделы и результаты",
                             "Позиции", "Части отношений", "Контрольные соотношения"]
    items = wb["Позиции"]
    assert [c.value for c in items[1]] == [
        "Код", "Вид", "Раздел", "Результат", "Наименование", "Ед. изм.", "Цель 2026",
        "Цель 2027", "Цель 2028", "Правило", "Нарастающий итог", "График"]
    assert items.freeze_panes == "B2"
    r = row_of(items, "1.3.1")
    assert [items[f"{TARGET[y]}{r}"].value for y in (2026, 2027, 2028)] == [1, "-", "-"]
    assert (items[f"{RULE}{r}"].value, items[f"{SCHEDULE}{r}"].value) == (
        "не более одного на кластер", "к концу года")
    r = row_of(items, "6.5.1")
    no_target, zero_target = items[f"{TARGET[2028]}{r}"], items[f"{TARGET[2027]}{r}"]
    assert (no_target.value, no_target.data_type) == ("-", "s")
    assert (zero_target.value, zero_target.data_type) == (0, "n")
    r = row_of(items, "П1")
    assert [items[f"{c}{r}"].value for c in (KIND, SECTION, CUMULATIVE)] == ["показатель", None, "да"]
    r = row_of(items, "3.1")
    assert items[f"{SECTION}{r}"].data_type == "s" and items[f"{SECTION}{r}"].value == "3"
    assert items[f"{RULE}{row_of(items, '5.4.1')}"].value == "отношение сумм"
    assert items[f"{RULE}{row_of(items, 'П2')}"].value == "число различных"
    assert items[f"{NAME}{row_of(items, '3.1')}"].alignment.wrap_text


def test_other_sheets_as_a_person_sees_them(workbook):
    wb = openpyxl.load_workbook(workbook)
    cluster = {r[0].value: r[1].value for r in wb["Кластер"].iter_rows(min_row=2)}
    assert cluster["Годы"] == "2026, 2027, 2028"
    assert cluster["Идентификатор плана"] == "tek-2026"
    assert cluster["Допустимое отставание от графика (доля)"] == 0.1
    orgs = [[c.value for c in r] for r in wb["Организации"].iter_rows()]
    assert orgs[0] == ["Идентификатор", "Краткое наименование", "Полное наименование", "Роль"]
    assert orgs[1][0] == "spk" and orgs[1][3] == "базовая организация"
    assert {o[3] for o in orgs[1:]} == {"базовая организация", "колледж", "работодатель"}
    headings = [[c.value for c in r] for r in wb["Разделы и результаты"].iter_rows()]
    assert headings[0] == ["Код", "Тип", "Раздел", "Наименование"]
    assert headings[1][:3] == ["1", "раздел", None]
    assert ["2.2", "результат", "2"] in [h[:3] for h in headings]
    parts = [[c.value for c in r] for r in wb["Части отношений"].iter_rows()]
    assert [p[:3] for p in parts] == [["Позиция", "Код части", "Роль"],
                                      ["5.4.1", "5.4.1/ч", "числитель"],
                                      ["5.4.1", "5.4.1/з", "знаменатель"]]
    ratios = [[c.value for c in r][:5] for r in wb["Контрольные соотношения"].iter_rows()]
    assert ratios[0] == ["Левая часть", "Знак", "Правая часть", "Проверяется", "Уровень"]
    assert ["П7", "≥", "3.1 + 3.2", "цель и факт", "ошибка"] in ratios
    assert ["1.6.1", "≤", "П1", "факт", "ошибка"] in ratios
    guide = " ".join(str(c.value) for c in wb["Инструкция"]["A"] if c.value)
    assert "«-»" in guide and "0 означает" in guide


def _with_items(plan, *changed: PlanItem, added: tuple[PlanItem, ...] = ()):
    by_code = {i.code: i for i in changed}
    return replace(plan, items=tuple(by_code.get(i.code, i) for i in plan.items) + added)


def test_edited_plan_round_trips_and_is_used(tmp_path, plan):
    years = (2027, 2028, 2029)
    shifted = tuple(replace(i, targets={2027: i.target(2027), 2028: i.target(2028),
                                        2029: i.target(2028)}) for i in plan.items)
    forum = PlanItem(code="6.5.2", kind="activity", section="6", result="6.5",
                     name="Проведён окружной форум молодежных медиацентров", unit="ед.",
                     targets={2027: 1.0, 2028: None, 2029: 0.0}, rule="cluster", schedule="year_end")
    edited = replace(plan, years=years, items=shifted + (forum,),
                     cluster=replace(plan.cluster, name="Кластер «Северное сияние»"))
    edited = _with_items(edited, replace(edited.item("1.1.1"), targets={2027: 30.0, 2028: 27.0,
                                                                        2029: 28.5}))
    path = write_plan_workbook(edited, tmp_path / "новый план.xlsx")
    used = load_plan(path)
    assert used == edited and plan_to_dict(used) == plan_to_dict(edited)
    assert used.years == years and used.cluster.name == "Кластер «Северное сияние»"
    assert used.item("1.1.1").target(2029) == 28.5
    assert (used.item("6.5.2").rule, used.item("6.5.2").target(2028), used.item("6.5.2").target(2029)) \
        == ("cluster", None, 0.0)


def test_workbook_edited_by_hand_is_used(workbook, plan):
    """What a methodologist does in a spreadsheet: retype years, rename a column, add a row."""
    wb = openpyxl.load_workbook(workbook)
    cluster = wb["Кластер"]
    cluster["B3"] = "Кластер «Северное сияние»"
    cluster["B7"] = "2027 – 2029"
    items = wb["Позиции"]
    items["G1"] = "Цель 2029"  # the 2026 column now holds 2029: found by header, not position
    items["H2"] = "30"
    items["I3"] = "10 000"
    items.append(["6.5.2", "мероприятие", "6", "6.5", "Проведён окружной форум", "ед.",
                  "1,5", "—", None, "Не более одного на кластер", "нет", "к концу года"])
    wb.save(workbook)

    used = load_plan(workbook)
    assert used.years == (2027, 2028, 2029)
    assert used.cluster.name == "Кластер «Северное сияние»"
    assert used.item("1.1.1").targets == {2027: 30.0, 2028: 27.0, 2029: 25.0}
    assert used.item("1.1.2").target(2028) == 10000.0
    assert used.item("1.3.1").targets == {2027: None, 2028: None, 2029: 1.0}
    forum = used.item("6.5.2")
    assert (forum.rule, forum.schedule, forum.targets) == (
        "cluster", "year_end", {2027: None, 2028: None, 2029: 1.5})
    assert [i.code for i in used.items] == [i.code for i in plan.items] + ["6.5.2"]


def test_columns_are_found_by_header_not_position(workbook, plan):
    wb = openpyxl.load_workbook(workbook)
    items = wb["Позиции"]
    items.insert_cols(1)
    items["A1"], items["A2"] = "Примечание", "уточнить у работодателя"
    items.insert_rows(1)
    items["A1"] = "Позиции плана кластера"  # a title above the header row
    ratios = wb["Контрольные соотношения"]
    ratios.move_range("A1:A10", cols=7)  # «Левая часть» moved to the far right
    wb.save(workbook)
    assert read_plan_workbook(workbook) == plan


# -- malformed workbooks ----------------------------------------------------------------


def _set(sheet: str, cell: str, value):
    def edit(wb):
        wb[sheet][cell] = value
    return edit


def _append_copy_of_row(sheet: str, row: int):
    def edit(wb):
        ws = wb[sheet]
        ws.append([c.value for c in ws[row]])
    return edit


MALFORMED = {
    "text in a target": (_set("Позиции", "G2", "много"), [("Позиции", "G2", "plan-bad-number")]),
    "unknown rule word": (_set("Позиции", "J3", "среднее"), [("Позиции", "J3", "plan-bad-rule")]),
    "missing sheet": (lambda wb: wb.remove(wb["Организации"]),
                      [("Организации", "", "plan-missing-sheet")]),
    "duplicate code": (_append_copy_of_row("Позиции", 2), [("Позиции", "A41", "plan-duplicate-code")]),
    "ratio without parts": (lambda wb: wb["Части отношений"].delete_rows(2, 2),
                            [("Позиции", "J27", "plan-ratio-parts")]),
    "missing column": (lambda wb: wb["Позиции"].delete_cols(6),
                       [("Позиции", "", "plan-missing-column")]),
    "negative target": (_set("Позиции", "H13", -5), [("Позиции", "H13", "plan-negative-target")]),
    "unknown section": (_set("Позиции", "C2", "9"), [("Позиции", "C2", "plan-unknown-section")]),
    "missing name": (_set("Позиции", "E5", None), [("Позиции", "E5", "plan-missing-name")]),
    "unknown code in a ratio": (_set("Контрольные соотношения", "C10", "3.1 + 3.9"),
                                [("Контрольные соотношения", "C10", "plan-ratio-unknown-code")]),
    "unknown sign": (_set("Контрольные соотношения", "B2", "≈"),
                     [("Контрольные соотношения", "B2", "plan-bad-sign")]),
    "unknown role": (_set("Организации", "D3", "директор"), [("Организации", "D3", "plan-bad-role")]),
    "duplicate organisation": (_set("Организации", "A3", "spk"),
                               [("Организации", "A3", "plan-duplicate-organisation")]),
    "unreadable years": (_set("Кластер", "B7", "с 2026 года"), [("Кластер", "B7", "plan-bad-years")]),
    "unreadable setting": (_set("Кластер", "B8", "много"), [("Кластер", "B8", "plan-bad-setting")]),
    "empty code of an organisation": (_set("Организации", "A4", None),
                                      [("Организации", "A4", "plan-missing-value")]),
    "a year column not in the plan": (_set("Позиции", "I1", "Цель 2029"),
                                      [("Позиции", "I1", "plan-unknown-year-column"),
                                       ("Позиции", "", "plan-missing-column")]),
    "part of an unknown item": (_set("Части отношений", "A2", "5.4.9"),
                                [("Части отношений", "A2", "plan-unknown-item"),
                                 ("Позиции", "J27", "plan-ratio-parts")]),
}


@pytest.mark.parametrize("case", list(MALFORMED))
def test_malformed_workbook_is_reported_cell_by_cell(case, workbook):
    edit, expected = MALFORMED[case]
    wb = openpyxl.load_workbook(workbook)
    edit(wb)
    wb.save(workbook)
    with pytest.raises(PlanError) as caught:
        load_plan(workbook)
    assert flat(caught.value) == expected
    assert all(i.file == "план.xlsx" for i in caught.value.issues)
    assert "содержит ошибки" in str(caught.value)


def test_every_problem_in_a_workbook_is_reported_at_once(workbook):
    wb = openpyxl.load_workbook(workbook)
    for edit in (_set("Позиции", "G2", "много"), _set("Позиции", "J3", "среднее"),
                 _set("Позиции", "K4", "может быть"), _set("Организации", "D3", "директор")):
        edit(wb)
    wb.save(workbook)
    with pytest.raises(PlanError) as caught:
        read_plan_workbook(workbook)
    assert flat(caught.value) == [("Организации", "D3", "plan-bad-role"),
                                  ("Позиции", "G2", "plan-bad-number"),
                                  ("Позиции", "J3", "plan-bad-rule"),
                                  ("Позиции", "K4", "plan-bad-flag")]
    bad_number = caught.value.issues[1]
    assert (bad_number.value, bad_number.item, bad_number.year) == ("много", "1.1.1", 2026)
    assert "«много» не является числом" in bad_number.message and "«-»" in bad_number.message
    assert "«сумма»" in caught.value.issues[2].message  # says what is expected


def test_numbers_and_dashes_as_people_type_them(workbook):
    wb = openpyxl.load_workbook(workbook)
    items = wb["Позиции"]
    items["G2"], items["H2"], items["I2"] = "1 160", "87,5", "—"
    items["G3"], items["H3"], items["I3"] = None, 0, " - "
    wb.save(workbook)
    used = read_plan_workbook(workbook)
    assert used.item("1.1.1").targets == {2026: 1160.0, 2027: 87.5, 2028: None}
    assert used.item("1.1.2").targets == {2026: None, 2027: 0.0, 2028: None}


def test_settings_as_people_type_them(workbook):
    wb = openpyxl.load_workbook(workbook)
    wb["Кластер"]["B8"] = "15 %"
    wb.save(workbook)
    assert read_plan_workbook(workbook).settings.on_track_tolerance == 0.15


@pytest.mark.parametrize("content", [b"", b"PK\x03\x04 not really a zip", "план".encode()])
def test_unreadable_file_is_one_issue_not_a_traceback(tmp_path, content):
    path = tmp_path / "план.xlsx"
    path.write_bytes(content)
    with pytest.raises(PlanError) as caught:
        load_plan(path)
    assert [(i.file, i.code) for i in caught.value.issues] == [("план.xlsx", "plan-unreadable")]


def test_missing_file_is_reported(tmp_path):
    with pytest.raises(PlanError) as caught:
        read_plan_workbook(tmp_path / "нет.ods")
    assert [i.code for i in caught.value.issues] == ["plan-unreadable"]
    assert "не найден" in caught.value.issues[0].message


def test_writing_is_atomic_and_leaves_no_temp_files(tmp_path, plan):
    path = tmp_path / "план.xlsx"
    path.write_bytes(b"old")
    write_plan_workbook(plan, path)
    assert read_plan_workbook(path) == plan
    assert [p.name for p in tmp_path.iterdir()] == ["план.xlsx"]


_amount = st.one_of(st.none(), st.integers(0, 10**9).map(float),
                    st.decimals(0, 10**6, places=3, allow_nan=False).map(float))
_words = st.text(st.characters(whitelist_categories=("Lu", "Ll", "Nd", "Zs", "Po", "Pd", "Sm"),
                               max_codepoint=0x4FF), min_size=1, max_size=60)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(targets=st.lists(st.tuples(_amount, _amount, _amount), min_size=39, max_size=39),
       name=_words.map(str.strip).filter(bool))
def test_any_targets_and_names_round_trip(tmp_path, plan, targets, name):
    items = tuple(replace(i, targets=dict(zip(plan.years, t))) for i, t in zip(plan.items, targets))
    items = (replace(items[0], name=name),) + items[1:]
    edited = replace(plan, items=items)
    assert read_plan_workbook(write_plan_workbook(edited, tmp_path / "план.xlsx")) == edited


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
@pytest.mark.parametrize("fmt", ["ods", "xls"])
def test_plan_survives_libreoffice(tmp_path, workbook, plan, fmt):
    converted = convert(workbook, fmt, tmp_path / "lo", timeout=180)
    assert converted.name == f"план.{fmt}"
    assert read_plan_workbook(converted) == plan
    assert load_plan(converted) == plan
