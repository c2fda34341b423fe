"""reader.py: fixture workbooks built with openpyxl, read back through calamine."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from cluster_xl.reading import contract as c
from cluster_xl.core.issues import Severity, flatten
from cluster_xl.core.model import Period
from cluster_xl.plan.model import default_plan
from cluster_xl.reading.reader import a1, read_submission

PLAN = default_plan()
FILE = "college.xlsx"
ACT, IND, SPEC, TITLE = c.SHEET_ACTIVITIES, c.SHEET_INDICATORS, c.SHEET_SPECIALTIES, c.SHEET_TITLE

TITLE_VALUES = {
    "organisation": "Северный политехнический колледж",
    "period": "2026-10",
    "responsible": "Иванова Ирина Ивановна",
    "position": "методист",
    "phone": "8 (3467) 12-34-56",
    "email": "metod@spk.example",
    "filled_on": date(2026, 11, 3),
    "template_version": "1/tek-2026",
}
MEASURES = [f(y) for y in PLAN.years for f in (c.header_plan, c.header_fact)]
TABLE_HEADER = [c.HEADER_CODE, c.HEADER_NAME, c.HEADER_UNIT, *MEASURES, c.HEADER_NOTE]
# Code, name, unit, План/Факт 2026, План/Факт 2027, План/Факт 2028, note.
ACTIVITY_ROWS = [
    ["1", "Раздел 1", None],
    ["1.1", "Результат 1.1", None],
    ["1.1.1", "Представители организаций", "чел.", 10, 4, 12, None, "-", None, "уточняется"],
    ["3.1", "Перечислено средств", "тыс. руб.", "1 160", "87,5", None, None, None, None],
    ["5.4.1", "Трудоустроено выпускников", "%"],
    ["5.4.1/ч", "Трудоустроено", "чел.", 90, 45],
    ["5.4.1/з", "Выпускников", "чел.", 100, 50],
]
INDICATOR_ROWS = [
    ["П1", "Количество обучающихся", "чел.", 500, 480, 600, None, 700],
    ["П2", "Количество профессий", "ед."],
    ["П7", "Объём средств", "тыс. руб.", "10 000", "9 547"],
]
SPEC_HEADER = [c.HEADER_SPECIALTY_CODE, c.HEADER_SPECIALTY_NAME, *MEASURES]
SPEC_ROWS = [
    ["13.02.11", "Техническая эксплуатация электрического оборудования", 1, "да", "+", None],
    ["21.02.01", "Разработка нефтяных и газовых месторождений", None, None, 1, 1],
]

# What ACTIVITY_ROWS and INDICATOR_ROWS hold, with the header in row 1 from column A.
BASE_ENTRIES = {
    ("1.1.1", 2026, "target", 10.0, ACT, "D4"),
    ("1.1.1", 2026, "fact", 4.0, ACT, "E4"),
    ("1.1.1", 2027, "target", 12.0, ACT, "F4"),
    ("3.1", 2026, "target", 1160.0, ACT, "D5"),
    ("3.1", 2026, "fact", 87.5, ACT, "E5"),
    ("5.4.1/ч", 2026, "target", 90.0, ACT, "D7"),
    ("5.4.1/ч", 2026, "fact", 45.0, ACT, "E7"),
    ("5.4.1/з", 2026, "target", 100.0, ACT, "D8"),
    ("5.4.1/з", 2026, "fact", 50.0, ACT, "E8"),
    ("П1", 2026, "target", 500.0, IND, "D2"),
    ("П1", 2026, "fact", 480.0, IND, "E2"),
    ("П1", 2027, "target", 600.0, IND, "F2"),
    ("П1", 2028, "target", 700.0, IND, "H2"),
    ("П7", 2026, "target", 10000.0, IND, "D4"),
    ("П7", 2026, "fact", 9547.0, IND, "E4"),
}


def put_table(ws, header, rows, top: int = 1, left: int = 1) -> None:
    for j, value in enumerate(header):
        ws.cell(top, left + j, value)
    for i, row in enumerate(rows, start=1):
        for j, value in enumerate(row):
            if value is not None:
                ws.cell(top + i, left + j, value)


def make_book(
    path: Path,
    *,
    title: dict | None = None,
    activities: list | None = None,
    indicators: list | None = None,
    specialties: list | None = None,
    table_header: list | None = None,
    top: int = 1,
    left: int = 1,
    names: dict | None = None,
    drop: tuple[str, ...] = (),
) -> Path:
    """A filled template; `top`/`left` shift every table to test addresses."""
    names = {TITLE: TITLE, ACT: ACT, IND: IND, SPEC: SPEC, **(names or {})}
    wb = openpyxl.Workbook()
    wb.active.title = c.SHEET_INSTRUCTIONS
    wb.active["A1"] = "Заполните листы «Титул», «Мероприятия», «Показатели»."
    if TITLE not in drop:
        ws = wb.create_sheet(names[TITLE])
        ws["A1"] = "Отчёт организации о реализации программы кластера"
        for i, (key, value) in enumerate((title or TITLE_VALUES).items(), start=3):
            ws.cell(i, 1, c.TITLE_FIELDS[key])
            if value is not None:
                ws.cell(i, 2, value)
    for sheet, rows, default, header in (
        (ACT, activities, ACTIVITY_ROWS, table_header or TABLE_HEADER),
        (IND, indicators, INDICATOR_ROWS, table_header or TABLE_HEADER),
        (SPEC, specialties, SPEC_ROWS, SPEC_HEADER),
    ):
        if sheet not in drop:
            put_table(wb.create_sheet(names[sheet]), header, default if rows is None else rows, top, left)
    wb.save(path)
    return path


def entries(result) -> set[tuple]:
    return {(e.code, e.year, e.measure, e.value, e.source.sheet, e.source.cell)
            for e in result.submission.entries}


def values(result) -> set[tuple]:
    return {(e.code, e.year, e.measure, e.value) for e in result.submission.entries}


def codes(result) -> list[str]:
    return [i.code for i in result.issues]


# -- the ordinary file --------------------------------------------------------


def test_reads_every_number_with_its_cell(tmp_path):
    result = read_submission(make_book(tmp_path / FILE), PLAN)
    assert result.issues == ()
    assert entries(result) == BASE_ENTRIES
    assert {e.source.file for e in result.submission.entries} == {FILE}


def test_reads_title_fields_as_text(tmp_path):
    path = make_book(tmp_path / FILE)
    sub = read_submission(path, PLAN).submission
    assert sub.organisation == "Северный политехнический колледж"
    assert sub.period == Period(2026, 10)
    assert sub.template_version == "1/tek-2026"
    assert sub.title["filled_on"] == "03.11.2026"
    assert sub.title["phone"] == "8 (3467) 12-34-56"
    assert sub.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert sub.file == FILE and sub.path == path


@pytest.mark.parametrize(
    "period", ["2026-10", date(2026, 10, 1), datetime(2026, 10, 1), "октябрь 2026", "10.2026"])
def test_period_in_any_usual_form(tmp_path, period):
    path = make_book(tmp_path / FILE, title={**TITLE_VALUES, "period": period})
    result = read_submission(path, PLAN)
    assert result.submission.period == Period(2026, 10)
    assert result.issues == ()


def test_title_labels_by_prefix_with_values_two_columns_away(tmp_path):
    path = make_book(tmp_path / FILE, drop=(TITLE,))
    wb = openpyxl.load_workbook(path)
    ws = wb.create_sheet(TITLE)
    rows = [("Организация", TITLE_VALUES["organisation"]), ("Отчетный период:", "2026-09"),
            ("Ответственное лицо", "Петров П. П."), ("Версия шаблона", "1/tek-2026")]
    for r, (label, value) in enumerate(rows, start=2):
        ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=3)
        ws.cell(r, 2, label)
        ws.cell(r, 4, value)
    wb.save(path)
    sub = read_submission(path, PLAN).submission
    assert sub.period == Period(2026, 9)
    assert (sub.title["period"], sub.title["responsible"]) == ("2026-09", "Петров П. П.")
    assert sub.title_cells["period"] == "D3"
    assert sub.title["email"] == ""


def test_display_name_is_the_file_in_every_location(tmp_path):
    path = make_book(tmp_path / "tmp123.xlsx", activities=ACTIVITY_ROWS + [["9.9.9", "x", "", 1]])
    result = read_submission(path, PLAN, display_name="ПСТ октябрь.xlsx")
    assert {e.source.file for e in result.submission.entries} == {"ПСТ октябрь.xlsx"}
    assert result.submission.file == "ПСТ октябрь.xlsx"
    assert [i.file for i in result.issues] == ["ПСТ октябрь.xlsx"]


def test_macro_enabled_workbook_is_read_by_content(tmp_path):
    path = make_book(tmp_path / FILE)
    xlsm = path.rename(tmp_path / "college.xlsm")
    result = read_submission(xlsm, PLAN, display_name=FILE)
    assert result.issues == ()
    assert entries(result) == BASE_ENTRIES


def test_notes_by_code(tmp_path):
    sub = read_submission(make_book(tmp_path / FILE), PLAN).submission
    assert sub.notes == {"1.1.1": "уточняется"}


def test_specialties_with_marks_by_year(tmp_path):
    sub = read_submission(make_book(tmp_path / FILE), PLAN).submission
    by_code = {s.code: s for s in sub.specialties}
    assert set(by_code) == {"13.02.11", "21.02.01"}
    first = by_code["13.02.11"]
    assert (first.plan_years, first.fact_years) == ({2026, 2027}, {2026})
    assert first.name.startswith("Техническая эксплуатация")
    assert (first.source.sheet, first.source.cell) == (SPEC, "A2")
    assert (by_code["21.02.01"].plan_years, by_code["21.02.01"].fact_years) == ({2027}, {2027})


def test_a1_addresses():
    assert [a1(0, 0), a1(9, 25), a1(0, 26), a1(4, 701), a1(0, 702)] == ["A1", "Z10", "AA1", "ZZ5", "AAA1"]


# -- robustness ---------------------------------------------------------------


def test_leading_empty_rows_and_columns_keep_true_addresses(tmp_path):
    result = read_submission(make_book(tmp_path / FILE, top=4, left=3), PLAN)
    assert result.issues == ()
    got = entries(result)
    assert ("1.1.1", 2026, "target", 10.0, ACT, "F7") in got
    assert ("П7", 2026, "fact", 9547.0, IND, "G7") in got
    assert values(result) == {e[:4] for e in BASE_ENTRIES}
    spec = {s.code: s.source.cell for s in result.submission.specialties}
    assert spec == {"13.02.11": "C5", "21.02.01": "C6"}


def test_shuffled_rows_blank_rows_and_a_note_below(tmp_path):
    rows = [ACTIVITY_ROWS[6], [], ACTIVITY_ROWS[2], [], [], ACTIVITY_ROWS[0], ACTIVITY_ROWS[3],
            ACTIVITY_ROWS[5], [], ["Примечание: данные за октябрь уточняются."],
            [None, "Директор __________ П. П. Петров", None, "подпись"]]
    result = read_submission(make_book(tmp_path / FILE, activities=rows), PLAN)
    assert result.issues == ()
    got = entries(result)
    assert ("5.4.1/з", 2026, "fact", 50.0, ACT, "E2") in got
    assert ("1.1.1", 2026, "fact", 4.0, ACT, "E4") in got
    assert ("3.1", 2026, "target", 1160.0, ACT, "D8") in got
    assert values(result) == {e[:4] for e in BASE_ENTRIES}


def test_extra_column_before_plan_is_skipped_by_header(tmp_path):
    header = TABLE_HEADER[:3] + ["Ответственный"] + TABLE_HEADER[3:]
    rows = [r[:3] + ["Сидоров"] + r[3:] for r in ACTIVITY_ROWS]
    ind = [r[:3] + [None] + r[3:] for r in INDICATOR_ROWS]
    result = read_submission(make_book(tmp_path / FILE, table_header=header, activities=rows,
                                       indicators=ind), PLAN)
    assert result.issues == ()
    assert ("1.1.1", 2026, "target", 10.0, ACT, "E4") in entries(result)
    assert values(result) == {e[:4] for e in BASE_ENTRIES}


def test_codes_retyped_as_numbers_or_turned_into_dates(tmp_path):
    rows = [[3.1, "x", "", 5], [date(2001, 1, 1), "x", "", 7], [" 1.3.2. ", "x", "", 2],
            [date(2026, 2, 3), "x", "", 9], ["p4", "x", "", 3]]
    result = read_submission(make_book(tmp_path / FILE, activities=rows, indicators=[]), PLAN)
    assert result.issues == ()
    assert values(result) == {("3.1", 2026, "target", 5.0), ("1.1.1", 2026, "target", 7.0),
                              ("1.3.2", 2026, "target", 2.0), ("3.2", 2026, "target", 9.0),
                              ("П4", 2026, "target", 3.0)}


def test_renamed_sheets_are_found_by_content(tmp_path):
    path = make_book(tmp_path / FILE, names={ACT: "Лист1", IND: "Лист2", SPEC: "Лист3"})
    result = read_submission(path, PLAN)
    assert values(result) == {e[:4] for e in BASE_ENTRIES}
    assert ("1.1.1", 2026, "target", 10.0, "Лист1", "D4") in entries(result)
    assert {s.code for s in result.submission.specialties} == {"13.02.11", "21.02.01"}
    assert flatten(result.issues) == [(FILE, n, "", "renamed-sheet") for n in ("Лист1", "Лист2", "Лист3")]
    assert all(i.severity is Severity.WARNING for i in result.issues)


def test_sheet_name_differing_in_case_and_spaces_is_the_same_sheet(tmp_path):
    result = read_submission(make_book(tmp_path / FILE, names={ACT: " мероприятия "}), PLAN)
    assert result.issues == ()
    assert ("1.1.1", 2026, "target", 10.0, " мероприятия ", "D4") in entries(result)


def test_negative_numbers_pass_through(tmp_path):
    rows = [["1.1.1", "x", "", -5, "\u22122"]]
    result = read_submission(make_book(tmp_path / FILE, activities=rows), PLAN)
    assert result.issues == ()
    assert {("1.1.1", 2026, "target", -5.0), ("1.1.1", 2026, "fact", -2.0)} <= values(result)


# -- issues -------------------------------------------------------------------


def test_not_a_number(tmp_path):
    # «1.5» typed in a Russian Excel becomes the date 1 May: shown as a date, not a number.
    rows = [["1.1.1", "x", "", "abc", "12 шт.", "-", "", True, date(2026, 5, 1)]]
    result = read_submission(make_book(tmp_path / FILE, activities=rows), PLAN)
    assert flatten(result.issues) == [(FILE, ACT, "D2", "not-a-number"), (FILE, ACT, "E2", "not-a-number"),
                                      (FILE, ACT, "H2", "not-a-number"), (FILE, ACT, "I2", "not-a-number")]
    assert result.issues[3].value == "01.05.2026"
    first = result.issues[0]
    assert (first.item, first.year, first.value, first.severity) == ("1.1.1", 2026, "abc", Severity.ERROR)
    assert "D2" in first.message and "ожидается число, «-» или пустая ячейка" in first.message
    assert not any(e.code == "1.1.1" for e in result.submission.entries)


def test_values_in_heading_and_computed_rows(tmp_path):
    rows = [["1.1", "Результат", "", None, 3], ["5.4.1", "%", "", 90], ["1.2", "пусто"]]
    ind = [["П2", "Профессии", "", None, None, "4"]]
    result = read_submission(make_book(tmp_path / FILE, activities=rows, indicators=ind), PLAN)
    assert flatten(result.issues) == [(FILE, ACT, "E2", "value-in-computed-row"),
                                      (FILE, ACT, "D3", "value-in-computed-row"),
                                      (FILE, IND, "F2", "value-in-computed-row")]
    assert all(i.severity is Severity.WARNING for i in result.issues)
    assert [i.item for i in result.issues] == ["1.1", "5.4.1", "П2"]
    assert result.submission.entries == ()


def test_unknown_missing_and_duplicate_codes(tmp_path):
    rows = [
        ["1.1.1", "x", "", 1],
        ["9.9.9", "нет в плане", "", 5],
        ["7.7.7", "без чисел", "", "-"],
        [None, "без кода", "", None, 6],
        ["1.1.1", "повтор", "", 2],
    ]
    result = read_submission(make_book(tmp_path / FILE, activities=rows, indicators=[]), PLAN)
    assert flatten(result.issues) == [(FILE, ACT, "A3", "unknown-code"), (FILE, ACT, "A5", "missing-code"),
                                      (FILE, ACT, "A6", "duplicate-code")]
    assert all(i.is_error for i in result.issues)
    assert values(result) == {("1.1.1", 2026, "target", 1.0)}
    assert "A2" in result.issues[2].message


def test_duplicate_code_across_the_two_sheets(tmp_path):
    ind = INDICATOR_ROWS + [["1.1.1", "не на своём листе", "", 3]]
    result = read_submission(make_book(tmp_path / FILE, indicators=ind), PLAN)
    assert flatten(result.issues) == [(FILE, IND, "A5", "duplicate-code")]


def test_missing_year_column(tmp_path):
    header = [h for h in TABLE_HEADER if h not in (c.header_plan(2028), c.header_fact(2028))]
    result = read_submission(make_book(tmp_path / FILE, table_header=header), PLAN)
    assert flatten(result.issues) == ([(FILE, ACT, "", "missing-column")] * 2
                                      + [(FILE, IND, "", "missing-column")] * 2)
    assert {(i.year, i.value) for i in result.issues} == {(2028, "План 2028"), (2028, "Факт 2028")}
    assert all(i.severity is Severity.WARNING for i in result.issues)


def test_duplicate_measure_column_keeps_the_first(tmp_path):
    header = TABLE_HEADER + [c.header_plan(2026)]
    rows = [["1.1.1", "x", "", 1] + [None] * 6 + [99]]
    path = make_book(tmp_path / FILE, table_header=header, activities=rows, indicators=[])
    result = read_submission(path, PLAN)
    assert flatten(result.issues) == [(FILE, ACT, "K1", "duplicate-column"),
                                      (FILE, IND, "K1", "duplicate-column")]
    assert values(result) == {("1.1.1", 2026, "target", 1.0)}


def test_specialty_issues(tmp_path):
    rows = [
        ["13.02.11", "Электрооборудование", 1, None, "может быть", None],
        ["13.2.11", "Неверный код", 1],
        ["13.02.11", "Повтор", None, None, None, "да"],
        [date(2011, 2, 15), "Введено как дата", "x"],
        ["Отметьте специальности, реализуемые организацией."],
    ]
    result = read_submission(make_book(tmp_path / FILE, specialties=rows), PLAN)
    assert flatten(result.issues) == [(FILE, SPEC, "E2", "bad-mark"),
                                      (FILE, SPEC, "A3", "bad-specialty-code"),
                                      (FILE, SPEC, "A4", "duplicate-specialty")]
    assert [i.severity for i in result.issues] == [Severity.WARNING, Severity.ERROR, Severity.WARNING]
    by_code = {s.code: s for s in result.submission.specialties}
    assert set(by_code) == {"13.02.11", "15.02.11"}
    assert (by_code["13.02.11"].plan_years, by_code["13.02.11"].fact_years) == ({2026}, {2027})
    assert by_code["15.02.11"].plan_years == {2026}


def test_missing_sheets(tmp_path):
    result = read_submission(make_book(tmp_path / FILE, drop=(IND, SPEC)), PLAN)
    assert flatten(result.issues) == [(FILE, IND, "", "missing-sheet"), (FILE, SPEC, "", "missing-sheet")]
    assert [i.severity for i in result.issues] == [Severity.ERROR, Severity.WARNING]
    assert "П2" in result.issues[1].message
    assert {e.code for e in result.submission.entries} == {"1.1.1", "3.1", "5.4.1/ч", "5.4.1/з"}


def test_empty_title_values_are_left_to_the_checks(tmp_path):
    title = {**TITLE_VALUES, "organisation": None, "period": "за октябрь"}
    result = read_submission(make_book(tmp_path / FILE, title=title), PLAN)
    assert result.issues == ()  # checks.py judges the title
    sub = result.submission
    assert (sub.organisation, sub.period, sub.title["period"]) == ("", None, "за октябрь")
    assert (sub.title_cells["organisation"], sub.title_cells["period"]) == ("B3", "B4")


def test_hint_right_of_an_empty_value_is_not_the_value(tmp_path):
    path = make_book(tmp_path / FILE, title={**TITLE_VALUES, "responsible": None, "phone": None})
    wb = openpyxl.load_workbook(path)
    for row in range(3, 11):
        wb[TITLE].cell(row, 3, "подсказка: заполните поле")
    wb.save(path)
    sub = read_submission(path, PLAN).submission
    assert (sub.title["responsible"], sub.title["phone"]) == ("", "")
    assert sub.organisation == TITLE_VALUES["organisation"]


def test_sheet_without_a_header_row(tmp_path):
    result = read_submission(make_book(tmp_path / FILE, table_header=["№", "Что", "Сколько"]), PLAN)
    assert flatten(result.issues) == [(FILE, ACT, "", "missing-header"), (FILE, IND, "", "missing-header")]
    assert result.submission.entries == ()


def test_workbook_of_something_else_is_not_a_template(tmp_path):
    wb = openpyxl.Workbook()
    wb.active["A1"], wb.active["B1"] = "Сотрудник", "Оклад"
    wb.save(tmp_path / "salaries.xlsx")
    result = read_submission(tmp_path / "salaries.xlsx", PLAN)
    assert result.submission is None
    assert flatten(result.issues) == [("salaries.xlsx", "", "", "not-a-template")]


@pytest.mark.parametrize(
    "content", [b"", b"hello, world\n", b"PK\x03\x04 not really a zip", b"\xd0\xcf\x11\xe0" * 10])
def test_unreadable_file(tmp_path, content):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(content)
    result = read_submission(path, PLAN)
    assert result.submission is None
    assert flatten(result.issues) == [("broken.xlsx", "", "", "unreadable-file")]
    assert result.issues[0].message.startswith("Файл не удалось прочитать как электронную таблицу: ")


def test_truncated_and_missing_files_are_unreadable(tmp_path):
    good = make_book(tmp_path / "good.xlsx").read_bytes()
    (tmp_path / "cut.xlsx").write_bytes(good[: len(good) // 2])
    for name in ("cut.xlsx", "absent.xlsx"):
        result = read_submission(tmp_path / name, PLAN)
        assert result.submission is None
        assert codes(result) == ["unreadable-file"]


def test_zip_that_is_not_a_workbook(tmp_path):
    with zipfile.ZipFile(tmp_path / "archive.xlsx", "w") as z:
        z.writestr("readme.txt", "not a workbook")
    result = read_submission(tmp_path / "archive.xlsx", PLAN)
    assert result.submission is None
    assert codes(result) == ["unreadable-file"]


# -- other formats ------------------------------------------------------------


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice is not installed")
    folder = tmp_path_factory.mktemp("formats")
    source = make_book(folder / FILE, top=2, left=2)
    out = {}
    for fmt in ("ods", "xls"):
        subprocess.run(
            ["soffice", "-env:UserInstallation=file:///tmp/lo_reader_test", "--headless",
             "--convert-to", fmt, "--outdir", str(folder), str(source)],
            check=True, capture_output=True, timeout=180,
        )
        out[fmt] = folder / f"college.{fmt}"
    return source, out


@pytest.mark.parametrize("fmt", ["ods", "xls"])
def test_other_formats_read_the_same(converted, fmt):
    source, out = converted
    expected = read_submission(source, PLAN)
    result = read_submission(out[fmt], PLAN, display_name=FILE)
    assert result.issues == ()
    assert entries(result) == entries(expected)
    sub, ref = result.submission, expected.submission
    assert (sub.period, sub.title, sub.notes) == (ref.period, ref.title, ref.notes)
    assert sorted(sub.specialties, key=lambda s: s.code) == sorted(ref.specialties, key=lambda s: s.code)


# -- the real template (template.py), when it is there ------------------------


def _filled_template(path: Path) -> Path:
    template = pytest.importorskip("cluster_xl.writing.template")
    filling = template.Filling(
        title={"organisation": "Северный политехнический колледж", "period": Period(2026, 10),
               "responsible": "Иванова Ирина Ивановна", "filled_on": date(2026, 11, 2)},
        values={("1.1.1", 2026, "target"): 10, ("1.1.1", 2026, "fact"): "1 160",
                ("3.2", 2026, "fact"): "87,5", ("П7", 2027, "target"): "-",
                ("5.4.1/ч", 2026, "fact"): 45, ("5.4.1/з", 2026, "fact"): 50},
        specialties=[("13.02.11", "Техническая эксплуатация", frozenset({2026}), frozenset({2026, 2027}))],
        notes={"3.2": "по договору от 01.09.2026"},
    )
    return template.write_template(PLAN, path, filling=filling)


def test_template_reads_back_cell_for_cell(tmp_path):
    path = _filled_template(tmp_path / FILE)
    result = read_submission(path, PLAN)
    assert result.issues == ()
    assert values(result) == {("1.1.1", 2026, "target", 10.0), ("1.1.1", 2026, "fact", 1160.0),
                              ("3.2", 2026, "fact", 87.5), ("5.4.1/ч", 2026, "fact", 45.0),
                              ("5.4.1/з", 2026, "fact", 50.0)}
    # Each address points at the very cell the template wrote.
    wb = openpyxl.load_workbook(path)
    for e in result.submission.entries:
        ws = wb[e.source.sheet]
        code_cell = f"A{ws[e.source.cell].row}"
        assert ws[code_cell].value == e.code
        assert ws[f"{ws[e.source.cell].column_letter}3"].value == (
            c.header_plan if e.measure == "target" else c.header_fact)(e.year)
    sub = result.submission
    assert (sub.period, sub.template_version) == (Period(2026, 10), c.template_version(PLAN.plan_id))
    assert sub.notes == {"3.2": "по договору от 01.09.2026"}
    assert [(s.code, s.plan_years, s.fact_years) for s in sub.specialties] == [
        ("13.02.11", {2026}, {2026, 2027})]


def test_blank_template_reads_without_issues(tmp_path):
    template = pytest.importorskip("cluster_xl.writing.template")
    result = read_submission(template.write_template(PLAN, tmp_path / "blank.xlsx"), PLAN)
    assert result.issues == ()
    sub = result.submission
    assert (sub.entries, sub.specialties, dict(sub.notes)) == ((), (), {})
    assert sub.title["template_version"] == c.template_version(PLAN.plan_id)
    assert sub.organisation == ""


def test_template_saved_by_libreoffice_as_ods(tmp_path):
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice is not installed")
    path = _filled_template(tmp_path / FILE)
    subprocess.run(
        ["soffice", "-env:UserInstallation=file:///tmp/lo_reader_test", "--headless",
         "--convert-to", "ods", "--outdir", str(tmp_path), str(path)],
        check=True, capture_output=True, timeout=180,
    )
    result = read_submission(tmp_path / "college.ods", PLAN, display_name=FILE)
    expected = read_submission(path, PLAN)
    assert result.issues == ()
    assert entries(result) == entries(expected)
    assert result.submission.title == expected.submission.title


def test_the_reason_column_is_read_under_its_old_label_too(generated_examples, tmp_path):
    """Templates sent out before say «Примечание» over the reason column: the same notes are read."""
    import openpyxl

    from cluster_xl.reading.reader import read_submission

    source = generated_examples / "06_ktt_2026-10.xlsx"
    today = read_submission(source, PLAN).submission.notes
    assert today  # this example college explains an item
    wb = openpyxl.load_workbook(source)
    for sheet in (c.SHEET_ACTIVITIES, c.SHEET_INDICATORS):
        for row in wb[sheet].iter_rows(max_row=5):
            for cell in row:
                if cell.value == c.HEADER_NOTE:
                    cell.value = "Примечание"
    wb.save(tmp_path / "old.xlsx")
    assert c.HEADER_NOTE == "Причина отклонения / примечание"
    assert read_submission(tmp_path / "old.xlsx", PLAN).submission.notes == today
