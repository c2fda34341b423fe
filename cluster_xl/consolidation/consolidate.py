"""Consolidation: accepted submissions + plan -> cluster totals (pandas, no file I/O).

Frames produced (column contracts the writer relies on):

`totals` — one row per plan item × plan year, in plan order:
    code, kind, section, result, name, unit, rule, cumulative, schedule, year,
    target            approved cluster target (NaN = no target)
    colleges_target   the colleges' own targets, aggregated by the item's rule
    fact              the colleges' facts, aggregated by the item's rule (NaN = nobody reported)
    deviation         fact − target
    pct               fact / target × 100 (NaN where there is no target or it is 0)
    expected          where the item should be by the report month (report year only)
    status            achieved | on_track | behind | no_target | no_data ("" for future years)
    reported          number of colleges with a fact for the item and year
    numerator, denominator   the summed parts of a ratio item (NaN otherwise)

`by_college` — one row per college × item for the report year:
    org_id, organisation, code, target (the college's own), fact, pct, expected, status

`entries` — every accepted number, traceable to its cell:
    org_id, organisation, item, code, year, measure, value, file, sheet, cell

`reasons` — every reason / note a college wrote in a row it fills in, verbatim text:
    org_id, organisation, item, code, text, file, sheet, cell
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable, Sequence

import pandas as pd

from ..core.issues import Issue, warning
from ..core.model import ACCEPTED, PackedEntries
from ..core.numbers import format_ru
from ..plan.model import ACHIEVED, BEHIND, NO_DATA, NO_TARGET, ON_TRACK, SCHEDULES, schedule_share

if TYPE_CHECKING:  # pragma: no cover
    from ..core.model import FileOutcome, Period
    from ..plan.model import Plan

STATUS_LABELS = {
    "achieved": "выполнено",
    "on_track": "в графике",
    "behind": "отставание",
    "no_target": "нет цели",
    "no_data": "нет данных",
    "": "",
}


ENTRY_COLUMNS = ["org_id", "organisation", "item", "code", "year", "measure", "value", "file", "sheet", "cell"]
REASON_COLUMNS = ["org_id", "organisation", "item", "code", "text", "file", "sheet", "cell"]


@dataclass(frozen=True)
class Consolidation:
    totals: pd.DataFrame
    by_college: pd.DataFrame
    entries: pd.DataFrame
    findings: tuple[Issue, ...]
    # Empty in a Consolidation made by hand (tests, benchmarks); `consolidate` fills it.
    reasons: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=REASON_COLUMNS))




def consolidate(plan: "Plan", files: Sequence["FileOutcome"], period: "Period") -> Consolidation:
    """Cluster totals from the accepted files; rejected and replaced files are ignored."""
    accepted = [f for f in files if f.status == ACCEPTED and f.submission is not None]
    entries = _entries_frame(plan, accepted)
    marks = _specialty_marks(accepted)
    totals = _totals(plan, entries, marks, period)
    by_college = _by_college(plan, entries, marks, accepted, period)
    findings = tuple(_target_findings(totals, len(accepted), len(plan.colleges)))
    return Consolidation(totals=totals, by_college=by_college, entries=entries, findings=findings,
                         reasons=_reasons_frame(plan, accepted))


# -- frames ------------------------------------------------------------------


def _entries_frame(plan: "Plan", accepted: Sequence["FileOutcome"]) -> pd.DataFrame:
    # Column by column: a quarter of a million entries at national scale, and a
    # frame built from columns costs a fraction of one built from row tuples.
    columns: dict[str, list] = {c: [] for c in ENTRY_COLUMNS}
    item_of = {code: item.code for code, item in plan.input_codes.items()}
    for f in accepted:
        entries = f.submission.entries
        if not (isinstance(entries, PackedEntries) and all(c in item_of for c in entries.codes)):
            # The reader reports unknown codes; they never reach totals.
            entries = PackedEntries([e for e in entries if e.code in item_of])
        _extend_packed(columns, f, entries, item_of)
    # With no rows, no column has a type to infer: the same empty frame as ever.
    frame = pd.DataFrame(columns if columns["code"] else [], columns=ENTRY_COLUMNS)
    return frame.astype({"year": "int64", "value": "float64"})


def _extend_packed(columns: dict[str, list], f: "FileOutcome", entries: PackedEntries,
                   item_of: dict[str, str]) -> None:
    """The frame's columns extended by one file's entries, kept as columns."""
    n = len(entries)
    columns["org_id"] += [f.organisation_id or f.organisation] * n
    columns["organisation"] += [f.organisation] * n
    columns["item"] += [item_of[c] for c in entries.codes]
    for name, column in (("code", entries.codes), ("year", entries.years), ("measure", entries.measures),
                         ("value", entries.values), ("file", entries.files), ("sheet", entries.sheets),
                         ("cell", entries.cells)):
        columns[name] += column


def _reasons_frame(plan: "Plan", accepted: Sequence["FileOutcome"]) -> pd.DataFrame:
    """The colleges' reasons in book order: college by college, rows in plan order."""
    order = {code: n for n, code in enumerate(plan.input_codes)}
    rows = []
    for f in accepted:
        sub = f.submission
        org_id = f.organisation_id or f.organisation
        for code in sorted((c for c in sub.notes if c in order), key=order.get):
            where = sub.note_cells.get(code)
            rows.append((org_id, f.organisation, plan.input_codes[code].code, code, sub.notes[code],
                         where.file if where else f.file, where.sheet if where else "",
                         where.cell if where else ""))
    return pd.DataFrame(rows, columns=REASON_COLUMNS)


def _specialty_marks(accepted: Sequence["FileOutcome"]) -> pd.DataFrame:
    """One row per college × specialty × year × measure that is marked «да»."""
    rows = []
    for f in accepted:
        org_id = f.organisation_id or f.organisation
        for s in f.submission.specialties:
            rows += [(org_id, s.code, y, "target") for y in s.plan_years]
            rows += [(org_id, s.code, y, "fact") for y in s.fact_years]
    return pd.DataFrame(rows, columns=["org_id", "specialty", "year", "measure"]).drop_duplicates()


def _aggregate(plan: "Plan", entries: pd.DataFrame, marks: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Each item's rule applied over `keys` (+ item, year, measure).

    With keys=[] the result is the cluster total; with keys=["org_id"] it is
    each college's own value (the same rules, so a college's 5.4.1 is its own
    ratio and its П2 the number of its own specialties).
    """
    group = keys + ["item", "year", "measure"]
    out = []
    rule_of = {i.code: i.rule for i in plan.items}
    rules = entries["item"].map(rule_of)

    summed = entries[rules == "sum"].groupby(group, as_index=False).agg(
        value=("value", "sum"), reported=("org_id", "nunique"))
    out.append(summed)

    cluster = entries[rules == "cluster"].groupby(group, as_index=False).agg(
        value=("value", "max"), reported=("org_id", "nunique"))
    cluster["value"] = (cluster["value"] > 0).astype("float64")  # one event for the cluster
    out.append(cluster)

    out.append(_ratio(plan, entries[rules == "ratio"], group))

    for item in (i for i in plan.items if i.rule == "distinct"):
        counted = marks.groupby(keys + ["year", "measure"], as_index=False).agg(
            value=("specialty", "nunique"), reported=("org_id", "nunique"))
        counted["item"] = item.code
        counted["value"] = counted["value"].astype("float64")
        out.append(counted)

    frames = [f for f in out if not f.empty]
    if not frames:
        empty = pd.DataFrame({c: pd.Series(dtype="object") for c in keys + ["item", "measure"]})
        empty["year"] = pd.Series(dtype="int64")
        for c in ("value", "reported", "numerator", "denominator"):
            empty[c] = pd.Series(dtype="float64")
        return empty
    result = pd.concat(frames, ignore_index=True)
    for c in ("numerator", "denominator"):
        if c not in result:
            result[c] = float("nan")
    return result


def _ratio(plan: "Plan", entries: pd.DataFrame, group: list[str]) -> pd.DataFrame:
    if entries.empty:
        return pd.DataFrame()
    role = {p.code: p.role for i in plan.items for p in i.parts}
    parts = entries.assign(role=entries["code"].map(role))
    wide = parts.pivot_table(index=group, columns="role", values="value", aggfunc="sum").reset_index()
    for col in ("numerator", "denominator"):
        if col not in wide:
            wide[col] = float("nan")
    reported = (parts[parts["role"] == "denominator"].groupby(group)["org_id"].nunique()
                .rename("reported").reset_index())
    wide = wide.merge(reported, on=group, how="left")
    den = wide["denominator"]
    # A college with no graduates yet has no percentage, not a division by zero.
    wide["value"] = (wide["numerator"] / den.where(den > 0)) * 100
    wide.columns.name = None
    return wide[group + ["value", "reported", "numerator", "denominator"]]


def _item_frame(plan: "Plan") -> pd.DataFrame:
    rows = []
    for order, i in enumerate(plan.items):
        for y in plan.years:
            t = i.target(y)
            rows.append((order, i.code, i.kind, i.section, i.result, i.name, i.unit, i.rule,
                         i.cumulative, i.schedule, y, float("nan") if t is None else t))
    return pd.DataFrame(rows, columns=["order", "code", "kind", "section", "result", "name", "unit",
                                       "rule", "cumulative", "schedule", "year", "target"])


def _totals(plan: "Plan", entries: pd.DataFrame, marks: pd.DataFrame, period: "Period") -> pd.DataFrame:
    agg = _aggregate(plan, entries, marks, [])
    frame = _item_frame(plan)
    frame = _attach(frame, agg, ["item", "year"], "code")
    frame = frame.rename(columns={"target": "target"})
    frame["deviation"] = frame["fact"] - frame["target"]
    frame["pct"] = _finite(frame["fact"] / frame["target"].where(frame["target"] != 0) * 100)
    prev = _previous_targets(frame)
    frame["expected"], frame["status"] = _status(frame, prev, period, plan.settings.on_track_tolerance)
    cols = ["code", "kind", "section", "result", "name", "unit", "rule", "cumulative", "schedule",
            "year", "target", "colleges_target", "fact", "deviation", "pct", "expected", "status",
            "reported", "numerator", "denominator"]
    return frame.sort_values(["order", "year"])[cols].reset_index(drop=True)


def _attach(frame: pd.DataFrame, agg: pd.DataFrame, on: list[str], code_col: str) -> pd.DataFrame:
    """Join plan and fact aggregates onto a frame keyed by item code and year."""
    agg = agg.rename(columns={"item": code_col})
    key = [code_col] + [c for c in on if c != "item"]
    plan_part = agg[agg["measure"] == "target"][key + ["value"]].rename(columns={"value": "colleges_target"})
    fact_part = agg[agg["measure"] == "fact"][key + ["value", "reported", "numerator", "denominator"]]
    fact_part = fact_part.rename(columns={"value": "fact"})
    out = frame.merge(plan_part, on=key, how="left").merge(fact_part, on=key, how="left")
    out["reported"] = out["reported"].fillna(0).astype("int64")
    for col in ("colleges_target", "fact", "numerator", "denominator"):
        out[col] = out[col].astype("float64")
    return out


def _previous_targets(frame: pd.DataFrame) -> pd.Series:
    """Last year's target of the same item (cumulative items start from it)."""
    prev = frame[["code", "year", "target"]].copy()
    prev["year"] = prev["year"] + 1
    merged = frame[["code", "year"]].merge(prev, on=["code", "year"], how="left")
    return pd.Series(merged["target"].fillna(0).to_numpy(), index=frame.index)


def _status(frame: pd.DataFrame, prev: pd.Series, period: "Period", tolerance: float):
    """Expected value by the report month and the status word for each row.

    Years before the report year are closed (judged against the full target);
    later years have no status yet.
    """
    target, fact, sched = frame["target"], frame["fact"], frame["schedule"]
    current = frame["year"] == period.year
    closed = frame["year"] < period.year
    expected = pd.Series(float("nan"), index=frame.index)
    expected[closed] = target[closed]
    for name in SCHEDULES:  # vectorised `expected_value`, one schedule at a time
        mask = current & (sched == name)
        base = prev if name == "cumulative" else 0.0
        expected[mask] = (base + (target - base) * schedule_share(name, period.month))[mask]
    status = pd.Series("", index=frame.index, dtype="object")
    judged = current | closed
    status[judged & target.isna()] = NO_TARGET  # vectorised `judge`
    has = judged & target.notna()
    status[has & fact.isna()] = NO_DATA
    ok = has & fact.notna()
    status[ok & (fact < expected * (1 - tolerance))] = BEHIND
    status[ok & (fact >= expected * (1 - tolerance))] = ON_TRACK
    status[ok & (fact >= target)] = ACHIEVED
    return expected, status


def _by_college(plan, entries, marks, accepted, period) -> pd.DataFrame:
    agg = _aggregate(plan, entries, marks, ["org_id"])
    names = {(f.organisation_id or f.organisation): f.organisation for f in accepted}
    items = _item_frame(plan)
    items = items[items["year"] == period.year]
    grid = pd.DataFrame({"org_id": pd.Series(list(names), dtype="object")}).merge(items, how="cross")
    grid = grid.drop(columns=["target"])
    agg = agg.rename(columns={"item": "code"})
    last_year = agg[(agg["year"] == period.year - 1) & (agg["measure"] == "target")]
    last_year = last_year[["org_id", "code", "value"]].rename(columns={"value": "prev"})
    agg = agg[agg["year"] == period.year].drop(columns=["year"])
    target_part = agg[agg["measure"] == "target"][["org_id", "code", "value"]].rename(columns={"value": "target"})
    fact_part = agg[agg["measure"] == "fact"][["org_id", "code", "value"]].rename(columns={"value": "fact"})
    grid = (grid.merge(target_part, on=["org_id", "code"], how="left")
            .merge(fact_part, on=["org_id", "code"], how="left")
            .merge(last_year, on=["org_id", "code"], how="left"))
    grid["target"] = grid["target"].astype("float64")
    grid["fact"] = grid["fact"].astype("float64")
    grid["organisation"] = grid["org_id"].map(names)
    grid["pct"] = _finite(grid["fact"] / grid["target"].where(grid["target"] > 0) * 100)
    own = grid
    prev = own["prev"].fillna(0.0)  # the college's own target for last year
    grid["expected"], grid["status"] = _status(own, prev, period, plan.settings.on_track_tolerance)
    order = {o.id: n for n, o in enumerate(plan.organisations)}
    grid["_o"] = grid["org_id"].map(order).fillna(len(order))
    grid = grid.sort_values(["_o", "organisation", "order"])
    columns = ["org_id", "organisation", "code", "target", "fact", "pct", "expected", "status"]
    return grid[columns].reset_index(drop=True)


def _finite(column: pd.Series) -> pd.Series:
    """A percentage that overflowed (a huge fact over a small target) is no percentage."""
    return column.where(~column.isin([float("inf"), float("-inf")]))


# -- findings ----------------------------------------------------------------


def _target_findings(totals: pd.DataFrame, received: int, expected: int) -> Iterable[Issue]:
    """Where the colleges' own targets do not add up to the approved one."""
    coverage = "" if received >= expected else f" (учтены отчёты {received} из {expected} организаций)"
    for row in totals.itertuples(index=False):
        approved, colleges = row.target, row.colleges_target
        if pd.isna(approved) and pd.isna(colleges):
            continue
        if pd.isna(approved):
            if colleges > 0:
                yield warning(
                    "targets-without-plan",
                    f"Позиция {row.code}, {row.year} год: утверждённой цели нет («не планируется»), "
                    f"а колледжи запланировали {format_ru(colleges)}{coverage}.",
                    item=row.code, year=int(row.year), value=format_ru(colleges))
            continue
        if pd.isna(colleges) or abs(colleges - approved) > 0.05:
            what = "отношение целей" if row.rule == "ratio" else "сумма целей"
            yield warning(
                "targets-mismatch",
                f"Позиция {row.code}, {row.year} год: {what} колледжей ({format_ru(colleges)}) "
                f"не совпадает с утверждённой целью кластера ({format_ru(approved)}){coverage}.",
                item=row.code, year=int(row.year), value=format_ru(colleges))
