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
