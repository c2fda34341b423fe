"""The explanation of deviations: which items are behind, and what each college says.

For every item behind its schedule at cluster level (status «отставание» in the
report year) this gathers the cluster's figures and, under them, each college's
own: its target, where its schedule wants it, its fact, and the reason it wrote
in the «Причина отклонения / примечание» column, verbatim.  The sheet
«Пояснения к отклонениям» and the explanatory note (.docx) are both written
from this one list, so they cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..core.model import ACCEPTED, college_key
from ..core.text import as_text, num
from ..plan.model import ACHIEVED, BEHIND, ON_TRACK
from .report import Report

NO_REASON = "причина не указана"


def _gap(fact: float | None, expected: float | None) -> float | None:
    """Fact minus where the schedule wants it (negative: behind)."""
    return None if fact is None or expected is None else fact - expected


@dataclass(frozen=True)
class CollegeGap:
    """One college's own figures on an item behind at cluster level."""

    key: str
    organisation: str
    target: float | None
    expected: float | None
    fact: float | None
    status: str
    reason: str  # verbatim; "" where the college wrote none
    sources: tuple[str, ...]  # «файл, лист «…», ячейка J7» of each reason cell

    @property
    def gap(self) -> float | None:
        return _gap(self.fact, self.expected)


@dataclass(frozen=True)
class BehindItem:
    code: str
    name: str
    unit: str
    target: float | None
    expected: float | None
    fact: float | None
    colleges: tuple[CollegeGap, ...]

    @property
    def gap(self) -> float | None:
        return _gap(self.fact, self.expected)


@dataclass(frozen=True)
class Summary:
    """How the report year stands: item counts by status, who reported."""

    achieved: int
    on_track: int
    behind: int
    judged: int  # items with a target and a fact in the report year
    reported: tuple[str, ...]  # colleges of the roster whose report was accepted
    missing: tuple[str, ...]  # colleges of the roster with no accepted report


def reasons_index(report: Report) -> dict[tuple[str, str], tuple[str, tuple[str, ...]]]:
    """(college key, item code) -> (reason text, its cells): a ratio item's two rows joined."""
    frame = report.consolidation.reasons
    gathered: dict[tuple[str, str], list[tuple[str, str, str]]] = {}
    for org_id, name, item, code, text, file, sheet, cell in zip(
            *(frame[c].tolist() for c in ("org_id", "organisation", "item", "code", "text", "file",
                                           "sheet", "cell"))):
        gathered.setdefault((college_key(org_id, name), as_text(item)), []).append(
            (as_text(code), as_text(text), f"{as_text(file)}, лист «{as_text(sheet)}», ячейка {as_text(cell)}"))
    out = {}
    for key, rows in gathered.items():
        many = len(rows) > 1
        text = "\n".join(f"{code}: {text}" if many else text for code, text, _ in rows)
        out[key] = (text, tuple(where for _, _, where in rows))
    return out


def behind_items(report: Report) -> list[BehindItem]:
    """The items behind their schedule at cluster level, in plan order, with every college
    that has a target or a fact of its own for the item."""
    year = report.period.year
    totals = report.consolidation.totals
    now = totals[(totals["year"] == year) & (totals["status"] == BEHIND)]
    by_code = {as_text(r["code"]): r for r in now.to_dict("records")}
    reasons = reasons_index(report)
    colleges: dict[str, list[CollegeGap]] = {}
    frame = report.consolidation.by_college
    if "code" in frame.columns:
        frame = frame[frame["code"].isin(list(by_code))]  # 2,000 colleges × 39 items: only the behind
    for r in frame.to_dict("records"):
        code = as_text(r["code"])
        target, fact = num(r.get("target")), num(r.get("fact"))
        if target is None and fact is None:
            continue
        key = college_key(r["org_id"], r["organisation"])
        reason, sources = reasons.get((key, code), ("", ()))
        colleges.setdefault(code, []).append(CollegeGap(
            key, as_text(r.get("organisation")), target, num(r.get("expected")), fact, as_text(r.get("status")),
            reason, sources))
    out = []
    for item in report.plan.items:
        r = by_code.get(item.code)
        if r is not None:
            out.append(BehindItem(item.code, item.name, item.unit, num(r["target"]), num(r["expected"]),
                                  num(r["fact"]), tuple(colleges.get(item.code, ()))))
    return out


def shown_colleges(item: BehindItem) -> tuple[CollegeGap, ...]:
    """The colleges a reader of the explanation needs under an item: those behind on it by
    their own plan, and those that wrote a reason (the others are on schedule or done)."""
    return tuple(c for c in item.colleges if c.status == BEHIND or c.reason)


NAMED_UNDER_ITEM = 5  # above `colleges_listed_up_to`: the colleges named under an item


@dataclass(frozen=True)
class Listing:
    """The colleges printed under an item, and how many more there are."""

    shown: tuple[CollegeGap, ...]
    more: int  # behind or giving a reason, not printed
    more_with_reason: int  # of those, the ones that wrote a reason


def national(report: Report) -> bool:
    """Whether the document is laid out at national scale: more colleges than the plan's
    `colleges_listed_up_to`, counting those on the roster and those with figures (one
    count for every sheet and the note)."""
    frame = report.consolidation.by_college
    keys = {o.id for o in report.plan.colleges}
    if "org_id" in frame.columns:
        keys |= {college_key(org_id, name) for org_id, name in zip(frame["org_id"], frame["organisation"])}
    return len(keys) > report.plan.settings.colleges_listed_up_to


def listing_limit(report: Report) -> int | None:
    """How many colleges the document names under an item: all of them, or NAMED_UNDER_ITEM
    at national scale."""
    return NAMED_UNDER_ITEM if national(report) else None


def listed_colleges(item: BehindItem, limit: int | None) -> Listing:
    """`shown_colleges`, at most `limit` of them (None: all), in plan order; where they are more,
    those furthest behind their own schedule (fact as a share of expected) are named."""
    shown = shown_colleges(item)
    if limit is None or len(shown) <= limit:
        return Listing(shown, 0, 0)

    def shortfall(college: CollegeGap) -> float:
        if college.expected and college.fact is not None:
            return college.fact / college.expected
        return 0.0 if college.fact is None else float("inf")

    chosen = {id(c) for c in sorted(shown, key=shortfall)[:limit]}
    named = tuple(c for c in shown if id(c) in chosen)
    rest = [c for c in shown if id(c) not in chosen]
    return Listing(named, len(rest), sum(bool(c.reason) for c in rest))


def summary(report: Report) -> Summary:
    totals = report.consolidation.totals
    now = totals[totals["year"] == report.period.year]
    counts = now["status"].value_counts()
    accepted = {f.organisation_id for f in report.files if f.status == ACCEPTED and f.organisation_id}
    roster = report.plan.colleges
    return Summary(
        achieved=int(counts.get(ACHIEVED, 0)), on_track=int(counts.get(ON_TRACK, 0)),
        behind=int(counts.get(BEHIND, 0)),
        judged=int(sum(counts.get(s, 0) for s in (ACHIEVED, ON_TRACK, BEHIND))),
        reported=tuple(c.short_name for c in roster if c.id in accepted),
        missing=tuple(c.short_name for c in roster if c.id not in accepted),
    )
