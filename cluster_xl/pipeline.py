"""The monthly run: files -> read -> check -> file policy -> consolidate -> Report.

This module only sequences the stages; each stage lives in its own module.
File policy: a file with errors is rejected (its numbers stay out of the
totals); a file with warnings only is accepted (with `strict`, warnings reject
too).  Of two accepted files from one college for one period the later one
counts and the earlier is listed as replaced.
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Callable, Iterable, Sequence

from . import __version__
from .checks import check_plan, check_submission, check_totals
from .issues import Issue, warning
from .model import ACCEPTED, REJECTED, REPLACED, SKIPPED, FileOutcome, Period, Report
from .plan import Plan

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")


def collect_inputs(paths: Iterable[str | Path]) -> list[Path]:
    """Files named directly, and every file directly inside a named folder, sorted."""
    found: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found += sorted(c for c in p.iterdir() if c.is_file() and not c.name.startswith("."))
        else:
            found.append(p)
    return found


def process_file(path: Path, plan: Plan, period: Period | None, strict: bool = False) -> FileOutcome:
    """Read and check one file; never raises for what the file contains."""
    from .reader import read_submission  # the reader pulls in calamine: import where used

    skip = _skip_reason(path)
    if skip is not None:
        return FileOutcome(path, path.name, _sha256(path), SKIPPED, None, "", None, None, (skip,))
    result = read_submission(path, plan)
    issues = list(result.issues)
    sub = result.submission
    if sub is None:
        return FileOutcome(path, path.name, _sha256(path), REJECTED, None, "", None, None, tuple(issues))
    issues += check_submission(sub, plan, period)
    org = plan.find_organisation(sub.organisation)
    failed = any(i.is_error or strict for i in issues)
    return FileOutcome(
        path=path, file=sub.file, sha256=sub.sha256,
        status=REJECTED if failed else ACCEPTED,
        organisation_id=org.id if org else None,
        organisation=org.short_name if org else sub.organisation,
        period=sub.period, submission=sub, issues=tuple(issues),
    )


def _skip_reason(path: Path) -> Issue | None:
    if path.name.startswith("~$"):
        return warning("lock-file", "Временный файл блокировки офисного пакета — не отчёт, пропущен.",
                       file=path.name)
    if path.suffix.lower() not in SPREADSHEET_SUFFIXES:
        return warning("not-a-spreadsheet",
                       f"Файл «{path.name}» не является электронной таблицей "
                       "(ожидаются .xlsx, .xlsm, .xls, .ods) — пропущен.", file=path.name)
    return None


def _sha256(path: Path) -> str:
    """In chunks, and only of a regular file: a device or a pipe would never end."""
    digest = hashlib.sha256()
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return ""
        with open(path, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                digest.update(chunk)
    except OSError:
        return ""
    return digest.hexdigest()


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
    """The date on the title sheet first, then the file's modification time."""
    filled = _parse_date(o.submission.title.get("filled_on") if o.submission else None)
    try:
        mtime = o.path.stat().st_mtime
    except OSError:
        mtime = 0.0
    return (filled or date.min, mtime, o.file)


def _parse_date(text: object) -> date | None:
    if not text:
        return None
    for fmt in ("%d.%m.%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(str(text).strip()[:10], fmt).date()
        except ValueError:
            continue
    return None


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


def build_report(
    plan: Plan,
    inputs: Iterable[str | Path],
    period: Period,
    *,
    strict: bool = False,
    generated_on: date | None = None,
    progress: Callable[[Path], None] | None = None,
    jobs: int = 1,
) -> Report:
    """The whole monthly job without writing anything.

    jobs: worker processes reading the files (`parallel.py`); 1 reads them here,
    one after another.  Either way the report is the same.  The submissions in
    it keep what consolidation needs, not every template cell's address.
    """
    from .parallel import process_files

    outcomes = process_files(collect_inputs(inputs), plan, period, strict, jobs=jobs, lean=True,
                             progress=progress)
    from .consolidate import consolidate  # pandas: not needed by (nor forked into) the workers

    outcomes = resolve_duplicates(outcomes)
    result = consolidate(plan, outcomes, period)
    findings = check_plan(plan) + list(result.findings) + check_totals(plan, result.totals, period)
    findings += missing_colleges(plan, outcomes)
    issues = tuple(i for o in outcomes for i in o.issues) + tuple(findings)
    return Report(plan=plan, period=period, files=tuple(outcomes), consolidation=result,
                  issues=issues, generated_on=generated_on or document_date(period, outcomes),
                  tool_version=__version__)


def document_date(period: Period, outcomes: Sequence[FileOutcome]) -> date:
    """The date a report is formed on, from its inputs, so the same files give the same bytes.

    The latest «Дата заполнения» of an accepted file, as long as it is plausible
    (within the report month or the three months after it); else the last day of
    the month.  `--date` overrides it.
    """
    end = period.end_date
    latest = date.fromordinal(end.toordinal() + 92)
    first = date(period.year, period.month, 1)
    filled = [_parse_date(o.submission.title.get("filled_on")) for o in outcomes
              if o.status == ACCEPTED and o.submission is not None]
    plausible = [d for d in filled if d is not None and first <= d <= latest]
    return max(plausible, default=end)
