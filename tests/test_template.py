"""The college workbook, read back with openpyxl: labels, cells, protection, validation."""

from __future__ import annotations

import shutil
import subprocess
import uuid
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import range_boundaries

from cluster_xl.reading import contract as c
from cluster_xl.plan.model import default_plan, plan_from_dict, plan_to_dict
from cluster_xl.writing.template import SPECIALTY_ROWS, Filling, write_template

PLAN = default_plan()
ITEM_SHEETS = (c.SHEET_ACTIVITIES, c.SHEET_INDICATORS)
SHEETS = [c.SHEET_INSTRUCTIONS, "Проверка", c.SHEET_TITLE, *ITEM_SHEETS, c.SHEET_SPECIALTIES, c.SHEET_LISTS]
YELLOW = "FFFFF2CC"

FILLING = Filling(
    title={"organisation": "Таёжный горный колледж", "period": "2026-10",
           "responsible": "Иванова Мария Петровна", "filled_on": date(2026, 11, 3)},
    values={
        ("1.1.1", 2026, "target"): 12,
        ("1.1.1", 2026, "fact"): 7.5,
        ("3.1", 2027, "target"): "1 160",
        ("3.2", 2028, "fact"): "-",
        ("5.4.1/ч", 2026, "fact"): 9,
        ("5.4.1/з", 2026, "fact"): 10,
        ("П7", 2026, "target"): 10000,
    },
    specialties=[("13.02.11", "Техническая эксплуатация и обслуживание электрического "
                  "и электромеханического оборудования", frozenset({2026, 2027}),
                  frozenset({2026}))],
    notes={"1.1.1": "=1+1", "П1": "по данным на 31.10.2026"},
)


@pytest.fixture(scope="module")
def blank_path(tmp_path_factory) -> Path:
    return write_template(PLAN, tmp_path_factory.mktemp("blank") / "шаблон.xlsx")


@pytest.fixture(scope="module")
def blank(blank_path):
    return openpyxl.load_workbook(blank_path)


@pytest.fixture(scope="module")
def filled_path(tmp_path_factory) -> Path:
    return write_template(PLAN, tmp_path_factory.mktemp("filled") / "колледж.xlsx", FILLING)


@pytest.fixture(scope="module")
def filled(filled_path):
    return openpyxl.load_workbook(filled_path)


# -- helpers: find things the way the reader does, by label ------------------


def header_row(ws, first_label: str) -> int:
    for row in ws.iter_rows(min_col=1, max_col=1):
        if row[0].value == first_label:
            return row[0].row
    raise AssertionError(f"no header row on {ws.title}")


def header_columns(ws, first_label: str = c.HEADER_CODE) -> dict[str, int]:
    row = header_row(ws, first_label)
    return {cell.value: cell.column for cell in ws[row] if cell.value is not None}


def code_rows(ws) -> dict[str, list[int]]:
    start = header_row(ws, c.HEADER_CODE)
    rows: dict[str, list[int]] = {}
    for r in range(start + 1, ws.max_row + 1):
        value = ws.cell(r, 1).value
        if value is not None:
            rows.setdefault(value, []).append(r)
    return rows


def cell_of(ws, code: str, label: str):
    return ws.cell(code_rows(ws)[code][0], header_columns(ws)[label])


def value_labels() -> list[str]:
    return [h for y in PLAN.years for h in (c.header_plan(y), c.header_fact(y))]


def input_labels() -> list[str]:
    return [*value_labels(), c.HEADER_NOTE]


def leaf_rows(items):
    """(code, name, unit) of every row a college fills in."""
    for item in items:
        if item.rule == "ratio":
            yield from ((p.code, p.name, p.unit) for p in item.parts)
        elif item.rule != "distinct":
            yield item.code, item.name, item.unit


def validations_of(ws, cell):
    return [dv for dv in ws.data_validations.dataValidation if cell.coordinate in dv.sqref]


def list_values(wb, formula: str) -> list[str]:
    sheet, ref = formula.lstrip("=").rsplit("!", 1)
    ws = wb[sheet.strip("'")]
    min_col, min_row, max_col, max_row = range_boundaries(ref.replace("$", ""))
    return [ws.cell(r, min_col).value for r in range(min_row, max_row + 1)]


# -- structure ---------------------------------------------------------------


def test_sheets_in_order_and_lists_hidden(blank):
    assert blank.sheetnames == SHEETS
    states = {name: blank[name].sheet_state for name in SHEETS}
    assert states.pop(c.SHEET_LISTS) == "hidden"
    assert set(states.values()) == {"visible"}


@pytest.mark.parametrize("sheet", ITEM_SHEETS)
def test_item_sheet_header_row(blank, sheet):
    ws = blank[sheet]
    row = header_row(ws, c.HEADER_CODE)
    labels = [cell.value for cell in ws[row] if cell.value is not None]
    assert labels == [c.HEADER_CODE, c.HEADER_NAME, c.HEADER_UNIT, *value_labels(), c.HEADER_NOTE]
    assert all(c.parse_measure_header(h) for h in value_labels())
    assert row > 1, "a heading line sits above the header"


def test_specialties_header_and_blank_rows(blank):
    ws = blank[c.SHEET_SPECIALTIES]
    row = header_row(ws, c.HEADER_SPECIALTY_CODE)
    labels = [cell.value for cell in ws[row] if cell.value is not None]
    assert labels == [c.HEADER_SPECIALTY_CODE, c.HEADER_SPECIALTY_NAME, *value_labels()]
    inputs = [r for r in range(row + 1, ws.max_row + 1)
              if ws.cell(r, 1).protection.locked is False]
    assert len(inputs) == SPECIALTY_ROWS
    code_cell = ws.cell(inputs[0], 1)
    assert code_cell.number_format == "@"
    mark = ws.cell(inputs[0], 3)
    (dv,) = validations_of(ws, mark)
    assert dv.type == "list" and "да" in dv.formula1
    assert "«да»" in " ".join(str(ws.cell(r, 1).value) for r in range(1, row))


@pytest.mark.parametrize("sheet,items", [(c.SHEET_ACTIVITIES, PLAN.activities),
                                         (c.SHEET_INDICATORS, PLAN.indicators)])
def test_every_input_row_once_verbatim(blank, sheet, items):
    ws = blank[sheet]
    rows = code_rows(ws)
    cols = header_columns(ws)
    expected = list(leaf_rows(items))
    assert expected
    for code, name, unit in expected:
        assert len(rows.get(code, [])) == 1, code
        r = rows[code][0]
        assert ws.cell(r, 1).data_type == "s"
        assert ws.cell(r, cols[c.HEADER_NAME]).value == name
        assert ws.cell(r, cols[c.HEADER_UNIT]).value == unit
    other = blank[next(s for s in ITEM_SHEETS if s != sheet)]
    assert not set(code_rows(other)) & {code for code, _, _ in expected}


def test_input_rows_follow_plan_order(blank):
    ws = blank[c.SHEET_ACTIVITIES]
    rows = code_rows(ws)
    order = [code for code, _, _ in leaf_rows(PLAN.activities)]
    assert [rows[code][0] for code in order] == sorted(rows[code][0] for code in order)


def test_section_and_result_headings(blank):
    ws = blank[c.SHEET_ACTIVITIES]
    rows = code_rows(ws)
    titles = {s.code: s.title for s in PLAN.sections} | {r.code: r.title for r in PLAN.results}
    for code, title in titles.items():
        assert len(rows[code]) == 1, code
        r = rows[code][0]
        assert ws.cell(r, 2).value == title
        assert ws.cell(r, 2).font.b
        assert all(cell.protection.locked is not False for cell in ws[r])
        assert ws.cell(r, 1).data_type == "s"  # "1", not the number 1
    # Leaves without a result heading sit right after their section.
    assert rows["3.1"][0] == rows["3"][0] + 1
    assert rows["3.2"][0] == rows["3.1"][0] + 1
    for item in PLAN.activities:
        if item.result:
            assert rows[item.section][0] < rows[item.result][0] < rows[item.code][0]


def test_ratio_item_is_computed_from_its_parts(blank):
    ws = blank[c.SHEET_ACTIVITIES]
    rows, cols = code_rows(ws), header_columns(ws)
    item = PLAN.item("5.4.1")
    r = rows["5.4.1"][0]
    assert ws.cell(r, cols[c.HEADER_UNIT]).value == "%"
    assert all(cell.protection.locked is not False for cell in ws[r])
    assert ws.cell(r, cols[c.HEADER_NOTE]).value == "рассчитывается по строкам 5.4.1/ч и 5.4.1/з"
    for offset, part in enumerate(item.parts, start=1):
        assert rows[part.code] == [r + offset]
        assert ws.cell(r + offset, cols[c.HEADER_NAME]).value == part.name
        for label in input_labels():
            assert ws.cell(r + offset, cols[label]).protection.locked is False


def test_distinct_indicator_points_to_specialties(blank):
    ws = blank[c.SHEET_INDICATORS]
    r = code_rows(ws)["П2"][0]
    assert all(cell.protection.locked is not False for cell in ws[r])
    note = ws.cell(r, header_columns(ws)[c.HEADER_NOTE]).value
    assert note == f"рассчитывается по листу «{c.SHEET_SPECIALTIES}»"
    assert ws.cell(r, header_columns(ws)[c.header_plan(2026)]).value is None


@pytest.mark.parametrize("sheet,items", [(c.SHEET_ACTIVITIES, PLAN.activities),
                                         (c.SHEET_INDICATORS, PLAN.indicators)])
def test_only_input_cells_are_unlocked(blank, sheet, items):
    ws = blank[sheet]
    cols = header_columns(ws)
    inputs = {(ws.cell(code_rows(ws)[code][0], 1).row, cols[label])
              for code, _, _ in leaf_rows(items) for label in input_labels()}
    unlocked = {(cell.row, cell.column) for row in ws.iter_rows() for cell in row
                if cell.protection.locked is False}
    assert unlocked == inputs
    for r, col in inputs:
        cell = ws.cell(r, col)
        assert cell.fill.fgColor.rgb == YELLOW
        assert cell.border.left.style == "thin"
        if col != cols[c.HEADER_NOTE]:
            assert cell.number_format.startswith("#,##0")


def test_money_inputs_show_fractions(blank):
    ws = blank[c.SHEET_ACTIVITIES]
    assert cell_of(ws, "3.1", c.header_plan(2026)).number_format == "#,##0.0##"
    assert cell_of(ws, "1.1.1", c.header_plan(2026)).number_format == "#,##0"


def test_sheets_protected_without_password(blank):
    for name in SHEETS:
        p = blank[name].protection
        assert p.sheet is True, name
        assert not p.password, name
        # Widening a column or a row must stay possible.
        assert p.formatColumns is False and p.formatRows is False, name


@pytest.mark.parametrize("sheet", ITEM_SHEETS)
def test_numeric_inputs_validated_non_negative(blank, sheet):
    """One custom rule over every number cell, written on the first of them (relative), that stops."""
    ws = blank[sheet]
    items = PLAN.activities if sheet == c.SHEET_ACTIVITIES else PLAN.indicators
    first = cell_of(ws, next(leaf_rows(items))[0], value_labels()[0]).coordinate
    for code, _, _ in leaf_rows(items):
        for label in value_labels():
            cell = cell_of(ws, code, label)
            (dv,) = validations_of(ws, cell)
            assert dv.type == "custom" and dv.formula1.startswith(f"IF(ISNUMBER({first}),{first}>=0,")
            assert dv.allow_blank and dv.errorStyle in (None, "stop")
            assert "не меньше нуля" in dv.error and "«-»" in dv.error
            assert dv.errorTitle and "1 160" in dv.prompt
    note = cell_of(ws, next(leaf_rows(items))[0], c.HEADER_NOTE)
    assert validations_of(ws, note) == []


# -- title sheet -------------------------------------------------------------


def title_cells(ws) -> dict[str, openpyxl.cell.Cell]:
    labels = {label: key for key, label in c.TITLE_FIELDS.items()}
    return {labels[row[0].value]: row[1] for row in ws.iter_rows(max_col=2)
            if row[0].value in labels}


def test_title_labels_and_value_cells(blank):
    ws = blank[c.SHEET_TITLE]
    assert ws["A1"].value == "Отчёт о реализации программы деятельности кластера"
    assert ws["A2"].value == PLAN.cluster.name
    cells = title_cells(ws)
    assert list(cells) == list(c.TITLE_FIELDS)
    version = cells["template_version"]
    assert version.value == c.template_version(PLAN.plan_id)
    assert version.protection.locked is not False
    for key, cell in cells.items():
        if key != "template_version":
            assert cell.protection.locked is False and cell.fill.fgColor.rgb == YELLOW, key
    assert cells["period"].number_format == "@"
    assert cells["filled_on"].number_format == "dd.mm.yyyy"
    assert all(cell.protection.locked is not False for cell in ws["A"])


def test_title_lists_point_at_roster_and_months(blank):
    ws = blank[c.SHEET_TITLE]
    cells = title_cells(ws)
    (org,) = validations_of(ws, cells["organisation"])
    (period,) = validations_of(ws, cells["period"])
    assert org.type == period.type == "list"
    assert list_values(blank, org.formula1) == [o.short_name for o in PLAN.colleges]
    months = list_values(blank, period.formula1)
    assert len(months) == 12 * len(PLAN.years)
    assert months[0] == f"{PLAN.years[0]}-01" and months[-1] == f"{PLAN.years[-1]}-12"
    assert all(isinstance(m, str) for m in months)
    assert "АО «Северная нефтяная компания»" not in list_values(blank, org.formula1)


def test_instructions_say_what_matters(blank):
    text = " ".join(str(cell.value) for row in blank[c.SHEET_INSTRUCTIONS].iter_rows()
                    for cell in row if cell.value)
    for phrase in ("жёлтым", "ГГГГ-ММ", "нарастающим итогом с начала года", "на отчётную дату",
                   "«-»", "не планируется", "без единиц измерения", "5.4.1/ч", "5.4.1/з",
                   "П2", f"«{c.SHEET_SPECIALTIES}»", "Проценты не вводятся",
                   "Не переименовывайте листы", PLAN.cluster.name,
                   c.template_version(PLAN.plan_id)):
        assert phrase in text, phrase


# -- print -------------------------------------------------------------------


@pytest.mark.parametrize("sheet", [*ITEM_SHEETS, c.SHEET_SPECIALTIES])
def test_table_print_settings(blank, sheet):
    ws = blank[sheet]
    ps = ws.page_setup
    assert ps.orientation == "landscape"
    assert int(ps.paperSize) == 9
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert int(ps.fitToWidth or 1) == 1 and int(ps.fitToHeight) == 0
    first = c.HEADER_CODE if sheet in ITEM_SHEETS else c.HEADER_SPECIALTY_CODE
    r = header_row(ws, first)
    assert ws.print_title_rows == f"${r}:${r}"
    assert ws.freeze_panes == f"C{r + 1}"


def test_long_names_wrap_in_tall_rows(blank):
    ws = blank[c.SHEET_ACTIVITIES]
    cols = header_columns(ws)
    assert ws.column_dimensions["B"].width >= 60
    longest = max(leaf_rows(PLAN.activities), key=lambda t: len(t[1]))
    name = cell_of(ws, longest[0], c.HEADER_NAME)
    assert name.alignment.wrap_text
    assert ws.row_dimensions[name.row].height >= 45
    assert cols[c.HEADER_NAME] == 2


# -- filling -----------------------------------------------------------------


def test_filled_values_land_in_their_cells(filled):
    for (code, year, measure), value in FILLING.values.items():
        sheet = c.SHEET_INDICATORS if code.startswith("П") else c.SHEET_ACTIVITIES
        label = c.header_plan(year) if measure == "target" else c.header_fact(year)
        cell = cell_of(filled[sheet], code, label)
        assert cell.value == value, (code, year, measure)
        assert cell.data_type == ("s" if isinstance(value, str) else "n")
    # Nothing else was filled in.
    ws = filled[c.SHEET_ACTIVITIES]
    assert cell_of(ws, "1.1.2", c.header_plan(2026)).value is None


def test_strings_are_never_formulas(filled, filled_path):
    ws = filled[c.SHEET_ACTIVITIES]
    note = cell_of(ws, "1.1.1", c.HEADER_NOTE)
    assert note.value == "=1+1" and note.data_type == "s"
    assert cell_of(filled[c.SHEET_INDICATORS], "П1", c.HEADER_NOTE).value == FILLING.notes["П1"]
    # The only formulas are the self-check's own; a filled value never becomes one.
    formulas = {ws.title for ws in filled.worksheets for row in ws.iter_rows() for cell in row
                if cell.data_type == "f"}
    assert formulas == {"Проверка"}
    with zipfile.ZipFile(filled_path) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
        assert sum(b"<f>" in z.read(n) for n in sheets) == 1


def test_filled_title(filled):
    cells = title_cells(filled[c.SHEET_TITLE])
    assert cells["organisation"].value == "Таёжный горный колледж"
    assert cells["period"].value == "2026-10" and cells["period"].data_type == "s"
    assert cells["filled_on"].value.date() == date(2026, 11, 3)
    assert cells["responsible"].value == "Иванова Мария Петровна"


def test_filled_specialties_marked(filled):
    ws = filled[c.SHEET_SPECIALTIES]
    cols = header_columns(ws, c.HEADER_SPECIALTY_CODE)
    r = header_row(ws, c.HEADER_SPECIALTY_CODE) + 1
    assert ws.cell(r, 1).value == "13.02.11" and ws.cell(r, 1).data_type == "s"
    marks = {label: ws.cell(r, col).value for label, col in cols.items()
             if c.parse_measure_header(label)}
    assert marks == {c.header_plan(2026): "да", c.header_fact(2026): "да",
                     c.header_plan(2027): "да", c.header_fact(2027): None,
                     c.header_plan(2028): None, c.header_fact(2028): None}


@pytest.mark.parametrize("filling", [
    Filling(values={("9.9.9", 2026, "target"): 1}),
    Filling(values={("5.4.1", 2026, "fact"): 90}),  # computed from its parts
    Filling(values={("П2", 2026, "target"): 3}),  # computed from the specialties
    Filling(values={("1.1.1", 2031, "target"): 1}),
    Filling(values={("1.1.1", 2026, "plan"): 1}),  # not a measure: «target» or «fact»
    Filling(notes={"1": "раздел"}),
    Filling(title={"inn": "8601000000"}),
])
def test_filling_without_a_cell_is_refused(tmp_path, filling):
    with pytest.raises(ValueError):
        write_template(PLAN, tmp_path / "x.xlsx", filling)
    assert list(tmp_path.iterdir()) == []


def test_more_specialties_than_blank_rows(tmp_path):
    many = [(f"13.02.{i:02d}", f"Специальность {i}", frozenset(), frozenset({2026}))
            for i in range(SPECIALTY_ROWS + 5)]
    path = write_template(PLAN, tmp_path / "x.xlsx", Filling(specialties=many))
    wb = openpyxl.load_workbook(path)
    ws = wb[c.SHEET_SPECIALTIES]
    codes = [ws.cell(r, 1).value for r in range(header_row(ws, c.HEADER_SPECIALTY_CODE) + 1,
                                                ws.max_row + 1)]
    assert codes == [code for code, *_ in many]


# -- output ------------------------------------------------------------------


def test_same_inputs_same_bytes(tmp_path, filled_path):
    again = write_template(PLAN, tmp_path / "again.xlsx", FILLING)
    assert again.read_bytes() == filled_path.read_bytes()


def test_written_atomically_over_an_old_file(tmp_path):
    target = tmp_path / "шаблон.xlsx"
    target.write_bytes(b"old")
    assert write_template(PLAN, str(target)) == target
    assert zipfile.is_zipfile(target)
    assert [p.name for p in tmp_path.iterdir()] == ["шаблон.xlsx"]


def test_another_plan_shape(tmp_path):
    d = plan_to_dict(PLAN)
    d["years"] = [2027, 2028]
    wb = openpyxl.load_workbook(write_template(plan_from_dict(d), tmp_path / "x.xlsx"))
    ws = wb[c.SHEET_ACTIVITIES]
    assert [h for h in header_columns(ws) if c.parse_measure_header(h)] == [
        "План 2027", "Факт 2027", "План 2028", "Факт 2028"]
    (period,) = validations_of(wb[c.SHEET_TITLE], title_cells(wb[c.SHEET_TITLE])["period"])
    assert list_values(wb, period.formula1)[0] == "2027-01"


# -- LibreOffice -------------------------------------------------------------


def _soffice(src: Path, fmt: str, outdir: Path, profile: Path) -> Path:
    subprocess.run(
        ["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless",
         "--convert-to", fmt, "--outdir", str(outdir), str(src)],
        check=True, capture_output=True, timeout=300,
    )
    out = outdir / f"{src.stem}.{fmt}"
    assert out.exists(), f"LibreOffice did not write {out.name}"
    return out


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_round_trip(tmp_path, filled_path):
    profile = Path(f"/tmp/lo_cluster_xl_{uuid.uuid4().hex}")
    try:
        ods = _soffice(filled_path, "ods", tmp_path / "ods", profile)
        back = _soffice(ods, "xlsx", tmp_path / "back", profile)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    wb = openpyxl.load_workbook(back)
    assert wb.sheetnames == SHEETS
    ws = wb[c.SHEET_ACTIVITIES]
    assert list(header_columns(ws))[:3] == [c.HEADER_CODE, c.HEADER_NAME, c.HEADER_UNIT]
    rows = code_rows(ws)
    for code in ("1", "1.1", "1.1.1", "3.1", "5.4.1", "5.4.1/ч", "5.4.1/з", "6.5.1"):
        assert len(rows[code]) == 1, code
    assert cell_of(ws, "1.1.1", c.header_plan(2026)).value == 12
    assert cell_of(ws, "1.1.1", c.HEADER_NOTE).value == "=1+1"
    assert "П2" in code_rows(wb[c.SHEET_INDICATORS])
    assert title_cells(wb[c.SHEET_TITLE])["template_version"].value == \
        c.template_version(PLAN.plan_id)
    assert all(wb[name].protection.sheet for name in SHEETS)
    assert cell_of(ws, "1.1.1", c.header_fact(2026)).protection.locked is False
    assert validations_of(ws, cell_of(ws, "1.1.1", c.header_fact(2026)))
    assert validations_of(wb[c.SHEET_TITLE], title_cells(wb[c.SHEET_TITLE])["period"])


def test_the_committed_template_is_the_one_the_tool_writes(tmp_path):
    """templates/cluster_template.xlsx, part by part, is what `cluster-xl template` writes now
    (regenerate with `python examples/regenerate.py`)."""
    from helpers import REPO

    fresh = write_template(PLAN, tmp_path / "t.xlsx")
    with zipfile.ZipFile(REPO / "templates" / "cluster_template.xlsx") as old, zipfile.ZipFile(fresh) as new:
        assert sorted(old.namelist()) == sorted(new.namelist())
        stale = [n for n in new.namelist() if old.read(n) != new.read(n)]
    assert stale == [], f"stale parts {stale}: run python examples/regenerate.py"
