"""The file policy: one file read and checked into an outcome; duplicates and missing colleges.

A file with any error is rejected (with `strict`, one with warnings too); of two
accepted files from one college for one period the later counts (date on the
title sheet, then file time) and the other is listed as replaced; a college of
the roster without an accepted file is reported missing.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Sequence

from ..checks.rules import check_submission
from ..core.issues import Issue, warning
from ..core.model import ACCEPTED, REJECTED, REPLACED, SKIPPED, FileOutcome, Period, parse_date
from ..plan.model import Plan
from ..reading.contract import SHEET_TITLE
from .collect import sha256, skip_reason


def process_file(path: Path, plan: Plan, period: Period | None, strict: bool = False,
                 shown: str | None = None) -> FileOutcome:
    """Read and check one file; never raises for what the file contains.

    shown: the name a person sees (its path relative to the folder given); the file's
    own name when not given."""
    from ..reading.reader import read_submission  # the reader pulls in calamine: import where used

    shown = shown or path.name
    skip = skip_reason(path, shown)
    if skip is not None:
        return FileOutcome(path, shown, sha256(path), SKIPPED, None, "", None, None, (skip,))
    result = read_submission(path, plan, display_name=shown)
    issues = list(result.issues)
    sub = result.submission
    if sub is None:
        own = issues and all(i.code == "own-book" for i in issues)  # not a report: listed, not judged
        return FileOutcome(path, shown, sha256(path), SKIPPED if own else REJECTED, None, "", None, None,
                           tuple(issues))
    issues += check_submission(sub, plan, period)
    issues += _date_issues(sub, period or sub.period)
    org = plan.find_organisation(sub.organisation)
    failed = any(i.is_error or strict for i in issues)
    status, note = (REJECTED if failed else ACCEPTED), ""
    if org is not None and not org.submits:
        # An employer's file (`not-a-college`): listed, never counted in the totals.
        status, note = SKIPPED, "файл работодателя: отчёт по форме представляют колледжи, в свод не включён"
    return FileOutcome(
        path=path, file=sub.file, sha256=sub.sha256,
        status=status,
        organisation_id=org.id if org else None,
        organisation=org.short_name if org else sub.organisation,
        period=sub.period, submission=sub, issues=tuple(issues), note=note,
    )


def resolve_duplicates(outcomes: Sequence[FileOutcome]) -> list[FileOutcome]:
    """Of several accepted files from one college for one period the latest counts."""
    groups: dict[tuple, list[int]] = {}
    for n, o in enumerate(outcomes):
        if o.status == ACCEPTED and o.organisation_id:
            groups.setdefault((o.organisation_id, o.period), []).append(n)
    out = list(outcomes)
    for indices in groups.values():
        if len(indices) < 2:
            continue
        ranked = sorted(indices, key=lambda n: _recency(out[n]))
        winner = out[ranked[-1]]
        for n in ranked[:-1]:
            out[n] = replace(out[n], status=REPLACED, note=f"заменён файлом «{winner.file}»")
        replaced = ", ".join(f"«{outcomes[n].file}»" for n in ranked[:-1])
        out[ranked[-1]] = replace(winner, note=f"заменяет {replaced}")
    return out


def _recency(o: FileOutcome) -> tuple:
    """The date on the title sheet first, then the file's modification time.

    Only a plausible date counts (`date_window`): a file dated 31.12.2099 must not
    replace a college's genuine report, nor outrank every later correction."""
    filled = _plausible(o.submission.title.get("filled_on"), o.period) if o.submission else None
    try:
        mtime = o.path.stat().st_mtime
    except OSError:
        mtime = 0.0
    return (filled or date.min, mtime, o.file)


def missing_colleges(plan: Plan, outcomes: Sequence[FileOutcome]) -> list[Issue]:
    accepted = {o.organisation_id for o in outcomes if o.status == ACCEPTED}
    rejected = {o.organisation_id for o in outcomes if o.status == REJECTED}
    issues = []
    for org in plan.colleges:
        if org.id in accepted:
            continue
        if org.id in rejected:
            msg = f"Отчёт организации «{org.short_name}» отклонён и в свод не включён."
        else:
            msg = f"Отчёт организации «{org.short_name}» не поступил."
        issues.append(warning("missing-college", msg, value=org.short_name))
    return issues


def date_window(period: Period) -> tuple[date, date]:
    """The dates a report for `period` can plausibly be filled on: the report month to three
    months after it."""
    return date(period.year, period.month, 1), date.fromordinal(period.end_date.toordinal() + 92)


def _plausible(value, period: Period | None) -> date | None:
    found = parse_date(value)
    if found is None or period is None:
        return found
    first, last = date_window(period)
    return found if first <= found <= last else None


def _date_issues(sub, period: Period | None) -> list[Issue]:
    """A fill date that is there but unreadable, or outside the window, is a located warning."""
    value = sub.title.get("filled_on")
    if not value or period is None or _plausible(value, period) is not None:
        return []
    first, last = date_window(period)
    found = parse_date(value)
    what = (f"дата {found:%d.%m.%Y} вне срока отчёта за {period.words} ({first:%d.%m.%Y}–{last:%d.%m.%Y})"
            if found else f"«{str(value)[:60]}» не распознана как дата (ожидается ДД.ММ.ГГГГ)")
    return [warning("implausible-date",
                    f"Дата заполнения: {what}. Она не учитывается при выборе последнего файла организации.",
                    file=sub.file, sheet=SHEET_TITLE, cell=sub.title_cells.get("filled_on", ""),
                    value=str(value)[:200])]


def document_date(period: Period, outcomes: Sequence[FileOutcome]) -> date:
    """The date a report is formed on, from its inputs, so the same files give the same bytes.

    The latest «Дата заполнения» of an accepted file, as long as it is plausible
    (within the report month or the three months after it); else the last day of
    the month.  `--date` overrides it.
    """
    filled = [_plausible(o.submission.title.get("filled_on"), period) for o in outcomes
              if o.status == ACCEPTED and o.submission is not None]
    return max((d for d in filled if d is not None), default=period.end_date)
