"""How far each section and each college is along its year: the figures behind the
charts, and the national summary of the colleges (a distribution and the extremes).

A share is an item's fact as % of its target for the report year, capped at
100 (an item far ahead must not hide one far behind), averaged over the items
with a target; the expected share by the report month likewise.  A college is
measured against its own plan.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from ..consolidation.report import Report
from .frames import as_text, college_columns, num, numbers_of, texts_of, totals_index

COUNTED = ("achieved", "on_track", "behind", "no_data")


@dataclass(frozen=True)
class Progress:
    """One bar of the charts: a section or a college."""

    code: str
    name: str
    items: int  # items with a target (a plan) for the report year
    expected_pct: float | None
    fact_pct: float | None
    statuses: dict[str, int]
    change_pp: float | None = None  # percentage points since last month


def _share(value: float | None, target: float) -> float:
    return min(max(value or 0.0, 0.0) / target, 1.0) * 100


def _progress(code: str, name: str, rows: Sequence[tuple], previous: dict | None) -> Progress:
    """rows: (code, target, fact, expected, status); previous: code -> last month's fact."""
    judged = [r for r in rows if r[1] is not None and r[1] > 0]
    count = len(judged)
    statuses = dict.fromkeys(COUNTED, 0)
    for r in rows:
        if r[4] in statuses:
            statuses[r[4]] += 1
    if not count:
        return Progress(code, name, 0, None, None, statuses)
    expected = sum(_share(r[3], r[1]) for r in judged) / count
    fact = sum(_share(r[2], r[1]) for r in judged) / count
    change = None
    if previous is not None:
        then = sum(_share(previous.get(r[0]), r[1]) for r in judged) / count
        change = fact - then
    return Progress(code, name, count, expected, fact, statuses, change)


def section_progress(report: Report) -> list[Progress]:
    year = report.period.year
    totals = totals_index(report)
    prev = report.previous
    then = ({code: v for (code, y), v in prev.then.totals.items() if y == year}
            if prev is not None else None)
    out = []
    for section in report.plan.sections:
        rows = [_row(item.code, totals.get((item.code, year), {}))
                for item in report.plan.activities if item.section == section.code]
        out.append(_progress(section.code, section.title, rows, then))
    return out


def college_progress(report: Report) -> list[Progress]:
    frame = report.consolidation.by_college
    by_key: dict[str, list[tuple]] = {}
    codes = texts_of(frame, "code")
    for org_id, name, code, plan, fact, expected, status in zip(
            texts_of(frame, "org_id"), texts_of(frame, "organisation"), codes,
            *(numbers_of(frame, c) for c in ("target", "fact", "expected")), texts_of(frame, "status")):
        by_key.setdefault(org_id or name, []).append((code, plan, fact, expected, status))
    prev = report.previous
    names = {o.id: o.short_name for o in report.plan.organisations}
    then_by_who: dict[str, list] = {}  # last month's figures by college, in their order
    if prev is not None:
        for n, ((who, code), v) in enumerate(prev.then.colleges.items()):
            then_by_who.setdefault(who, []).append((n, code, v))
    out = []
    for key, name in college_columns(report):
        then = None
        if prev is not None:  # by the printed name or the key; where both, the later figure wins
            printed = names.get(key, name)
            figures = then_by_who.get(printed, []) + (then_by_who.get(key, []) if key != printed else [])
            then = {code: v for _, code, v in sorted(figures)}
        out.append(_progress(key, name, by_key.get(key, []), then))
    return out


def _row(code: str, total: dict) -> tuple:
    return (code, num(total.get("target")), num(total.get("fact")), num(total.get("expected")),
            as_text(total.get("status")))


# -- the colleges at national scale ----------------------------------------------

# Bands of a college's fact as % of its own plan (capped at 100): (label, from, to).
BANDS = (("менее 50 %", 0.0, 50.0), ("от 50 до 75 %", 50.0, 75.0), ("от 75 до 90 %", 75.0, 90.0),
         ("от 90 до 100 %", 90.0, 100.0), ("100 %", 100.0, None))
NO_PLAN = "нет плана на год"  # a college with no item planned for the report year
NAMED = 10  # above `colleges_listed_up_to`: the colleges named furthest behind and furthest ahead


def band_of(progress: Progress) -> str:
    """The band a college falls in (its fact as % of its own plan), or NO_PLAN."""
    share = progress.fact_pct
    if share is None:
        return NO_PLAN
    share = round(share, 1)  # as printed: 99.96 % is 100,0 % and counts as the plan done
    for label, low, high in BANDS:
        if high is None or low <= share < high:
            return label
    return BANDS[-1][0]


def distribution(colleges: Sequence[Progress]) -> list[tuple[str, int]]:
    """(band, colleges in it), lowest band first; NO_PLAN last where any college has none."""
    counts = dict.fromkeys([label for label, _, _ in BANDS], 0)
    for college in colleges:
        band = band_of(college)
        counts[band] = counts.get(band, 0) + 1
    return list(counts.items())


def extremes(colleges: Sequence[Progress], count: int) -> tuple[list[Progress], list[Progress]]:
    """The `count` colleges furthest behind their own plan and the `count` furthest ahead
    (fact as % of plan; ties by the expected share, then by name), each college once."""
    judged = sorted((c for c in colleges if c.fact_pct is not None),
                    key=lambda c: (round(c.fact_pct, 1), -(c.expected_pct or 0.0), c.name))
    weakest = judged[:min(count, (len(judged) + 1) // 2)]  # fewer than 2 × count: half and half
    rest = judged[len(weakest):]
    strongest = sorted(rest, key=lambda c: (-round(c.fact_pct, 1), c.expected_pct or 0.0, c.name))[:count]
    return weakest, strongest
