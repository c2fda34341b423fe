"""An independent reading of filled templates: openpyxl / odfpy cell by cell.

It shares nothing with cluster_xl's reader (no calamine, no contract module):
the labels are typed here as a person reads them in the template, so a
mistake in the project's reader cannot hide in both.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
from openpyxl import load_workbook

MEASURES = {"План": "plan", "Факт": "fact"}


def load_grid(path: Path) -> dict[str, list[list]]:
    if path.suffix == ".ods":
        frames = pd.read_excel(path, sheet_name=None, header=None, engine="odf")
        return {name: [[None if (isinstance(v, float) and math.isnan(v)) else v for v in row]
                       for row in df.itertuples(index=False)] for name, df in frames.items()}
    wb = load_workbook(path, data_only=True)
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}


def read_values(path: Path):
    """{(code, year, measure): number} and {specialty: (plan years, fact years)}."""
    grid = load_grid(path)
    values = {}
    for sheet in ("Мероприятия", "Показатели"):
        rows = grid[sheet]
        h = next(i for i, r in enumerate(rows) if "Код" in r)
        header = rows[h]
        code_col = header.index("Код")
        cols = {}
        for j, label in enumerate(header):
            if isinstance(label, str) and label.split()[0] in MEASURES:
                word, year = label.split()[:2]
                cols[(MEASURES[word], int(year))] = j
        for r in rows[h + 1:]:
            if code_col >= len(r) or r[code_col] is None:
                continue
            code = str(r[code_col]).strip()
            for (measure, year), j in cols.items():
                v = r[j] if j < len(r) else None
                if isinstance(v, (int, float)) and not isinstance(v, bool):
                    values[(code, year, measure)] = float(v)
    rows = grid["Специальности"]
    h = next(i for i, r in enumerate(rows) if "Код специальности" in r)
    header = rows[h]
    specs = {}
    for r in rows[h + 1:]:
        code = r[0]
        if not code:
            continue
        marks = {lab: r[j] for j, lab in enumerate(header) if isinstance(lab, str) and j < len(r)}
        plan = {int(l.split()[1]) for l, v in marks.items() if l.startswith("План") and v in ("да", 1)}
        fact = {int(l.split()[1]) for l, v in marks.items() if l.startswith("Факт") and v in ("да", 1)}
        specs[str(code).strip()] = (plan, fact)
    return values, specs


def aggregate(folder: Path, plan) -> dict[tuple[str, int, str], float]:
    """Cluster value per (item code, year, measure) by each item's rule."""
    files = [read_values(p) for p in sorted(folder.iterdir()) if p.suffix in (".xlsx", ".ods", ".xls")]
    out = {}
    for item in plan.items:
        for year in plan.years:
            for measure in ("plan", "fact"):
                got = _rule(item, year, measure, files)
                if got is not None:
                    out[(item.code, year, measure)] = got
    return out


def _rule(item, year, measure, files):
    if item.rule == "distinct":
        idx = 0 if measure == "plan" else 1
        codes = {c for _, specs in files for c, marks in specs.items() if year in marks[idx]}
        return float(len(codes)) if codes else None
    if item.rule == "ratio":
        num = [v.get((item.parts[0].code, year, measure)) for v, _ in files]
        den = [v.get((item.parts[1].code, year, measure)) for v, _ in files]
        if item.parts[0].role != "numerator":
            num, den = den, num
        d = sum(x for x in den if x is not None)
        if not any(x is not None for x in den) or d == 0:
            return None
        return sum(x for x in num if x is not None) / d * 100
    vals = [v[(item.code, year, measure)] for v, _ in files if (item.code, year, measure) in v]
    if not vals:
        return None
    if item.rule == "cluster":
        return 1.0 if max(vals) > 0 else 0.0
    return sum(vals)


def per_college_specialty_counts(folder: Path, year: int) -> list[int]:
    return [sum(1 for marks in specs.values() if year in marks[0])
            for _, specs in (read_values(p) for p in sorted(folder.iterdir()))]


# -- where things are: for building and judging edited copies (tests/messy) --------------


def a1(row: int, col: int) -> str:
    """Zero-based (row, col) -> 'A1'."""
    letters, col = "", col + 1
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{row + 1}"


def _header(rows, first_label):
    h = next(i for i, r in enumerate(rows) if first_label in r)
    return h, rows[h]


def cell_map(path: Path) -> dict[tuple[str, int, str], tuple[str, str]]:
    """{(code, year, measure): (sheet, A1)} for every row code and «План/Факт ГГГГ» column."""
    grid = load_grid(path)
    out = {}
    for sheet in ("Мероприятия", "Показатели"):
        rows = grid[sheet]
        h, header = _header(rows, "Код")
        code_col = header.index("Код")
        cols = {}
        for j, label in enumerate(header):
            if isinstance(label, str) and label.split() and label.split()[0] in MEASURES:
                word, year = label.split()[:2]
                cols[(MEASURES[word], int(year))] = j
        for i, r in enumerate(rows[h + 1:], start=h + 1):
            if code_col < len(r) and r[code_col] is not None:
                for (measure, year), j in cols.items():
                    out[(str(r[code_col]).strip(), year, measure)] = (sheet, a1(i, j))
    return out


def row_of(path: Path, sheet: str, code: str) -> int:
    """1-based row of `code` in the first column of `sheet`."""
    rows = load_grid(path)[sheet]
    return next(i + 1 for i, r in enumerate(rows) if r and r[0] is not None and str(r[0]).strip() == code)


def title_cells(path: Path) -> dict[str, str]:
    """Title label as printed -> the A1 cell of its value (the cell right of the label)."""
    rows = load_grid(path)["Титул"]
    return {str(r[0]).strip(): a1(i, 1) for i, r in enumerate(rows) if r and isinstance(r[0], str) and len(r) > 1}


def specialty_cells(path: Path) -> dict[tuple[str, int, str], str]:
    """{(specialty code, year, measure): A1} of the mark cells on «Специальности»."""
    rows = load_grid(path)["Специальности"]
    h, header = _header(rows, "Код специальности")
    out = {}
    for i, r in enumerate(rows[h + 1:], start=h + 1):
        if r and r[0]:
            for j, label in enumerate(header):
                if isinstance(label, str) and label.split()[0] in MEASURES:
                    word, year = label.split()[:2]
                    out[(str(r[0]).strip(), int(year), MEASURES[word])] = a1(i, j)
    return out


# -- the schedule and the reasons, as the README states them -----------------------------


def expected_by(schedule: str, target: float, last_year_target: float, month: int) -> float:
    """Where an item should be at the end of `month` (README, «Statuses and the schedule»)."""
    if schedule == "level":
        return target
    if schedule == "year_end":
        return target if month == 12 else 0.0
    if schedule == "cumulative":
        return last_year_target + (target - last_year_target) * month / 12
    return target * month / 12


def is_behind(fact: float, target: float, expected: float, tolerance: float = 0.1) -> bool:
    """«отставание»: below the year's target and below expected × (1 − tolerance)."""
    return fact < target and fact < expected * (1 - tolerance)


def _note_rows(path: Path, sheet: str):
    """(0-based row, row code, reason cell's value, A1) of each coded row of `sheet`."""
    rows = load_grid(path)[sheet]
    h = next(i for i, r in enumerate(rows) if "Код" in r)
    code_col = rows[h].index("Код")
    note_col = next(j for j, label in enumerate(rows[h])
                    if isinstance(label, str) and label.startswith("Причина отклонения"))
    for i, r in enumerate(rows[h + 1:], start=h + 1):
        if code_col < len(r) and r[code_col] is not None:
            yield i, str(r[code_col]).strip(), r[note_col] if note_col < len(r) else None, a1(i, note_col)


def read_notes(path: Path) -> dict[str, tuple[str, str, str]]:
    """{row code: (text, sheet, A1)} of every filled «Причина отклонения / примечание» cell."""
    return {code: (text.strip(), sheet, cell)
            for sheet in ("Мероприятия", "Показатели") for _, code, text, cell in _note_rows(path, sheet)
            if isinstance(text, str) and text.strip()}


def note_cell(path: Path, sheet: str, code: str) -> str:
    """A1 of the reason cell in the row of `code` (filled in or not)."""
    return next(cell for _, row_code, _, cell in _note_rows(path, sheet) if row_code == code)
