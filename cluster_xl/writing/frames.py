"""Values out of the consolidation's pandas frames, as the sheets write them.

A frame cell may be NaN, None or pd.NA where nothing was reported; every sheet
reads cells through `num` (a float or None) and `as_text` (a string, "" for
nothing), a column at a time through `numbers_of` / `texts_of`.
"""

from __future__ import annotations

from typing import Sequence

from ..consolidation.report import Report
from ..core.model import college_key
from ..core.text import as_text, num

__all__ = ["as_text", "college_columns", "num", "numbers_of", "records", "texts_of", "totals_index"]


def records(frame, names: Sequence[str]):
    """Row tuples of the named columns; a column the frame lacks reads as empty.
    The plain reading tests/test_bulk.py checks the bulk «Данные» rows against."""
    empty = [None] * len(frame)
    return zip(*(frame[c].tolist() if c in frame.columns else empty for c in names))


def numbers_of(frame, name: str) -> list:
    """A column as `num` reads each cell (None for a column the frame lacks), a column at a time."""
    if name not in frame.columns:
        return [None] * len(frame)
    column = frame[name]
    if column.dtype.kind in "iuf":
        return [None if v != v else v for v in column.astype("float64").tolist()]
    return [num(v) for v in column.tolist()]


def texts_of(frame, name: str) -> list:
    """A column as `as_text` reads each cell ("" for a column the frame lacks)."""
    if name not in frame.columns:
        return [""] * len(frame)
    return [v if type(v) is str else as_text(v) for v in frame[name].tolist()]


def totals_index(report: Report) -> dict[tuple[str, int], dict]:
    totals = report.consolidation.totals
    return {(str(r["code"]), int(r["year"])): r for r in totals.to_dict("records")}


def college_columns(report: Report) -> list[tuple[str, str]]:
    """(key, display name) per organisation with figures: roster order, then the rest."""
    seen: dict[str, str] = {}
    frame = report.consolidation.by_college
    for org_id, name in zip(texts_of(frame, "org_id"), texts_of(frame, "organisation")):
        seen.setdefault(college_key(org_id, name), name)
    roster = {o.id: n for n, o in enumerate(report.plan.organisations)}
    return sorted(seen.items(), key=lambda kv: roster.get(kv[0], len(roster)))
