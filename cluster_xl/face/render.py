"""Issues and file outcomes as text for the console and as JSON for scripts."""

from __future__ import annotations

import json
from typing import Iterable, Sequence

from ..core.issues import Issue
from ..core.model import STATUS_LABELS, FileOutcome
from ..core.text import printable


def _safe(text) -> str:
    """A field of the console report: one line, nothing a terminal would obey."""
    return printable(str(text), keep_newlines=False)



def issue_line(issue: Issue) -> str:
    place = _safe(issue.sheet) + ("!" + _safe(issue.cell) if issue.cell else "") if issue.sheet else ""
    head = f"  {issue.severity.tag:<8} "
    if place:
        head += f"{place}: "
    return f"{head}{_safe(issue.message)} [{issue.code}]"


def file_block(outcome: FileOutcome) -> list[str]:
    errors = sum(i.is_error for i in outcome.issues)
    warnings = len(outcome.issues) - errors
    title = f"{_safe(outcome.file)} — {STATUS_LABELS[outcome.status]}"
    if outcome.organisation:
        title += f" ({_safe(outcome.organisation)}"
        title += f", период {outcome.period})" if outcome.period else ")"
    counts = f"ошибок: {errors}, предупреждений: {warnings}"
    lines = [f"{title}; {counts}"]
    if outcome.note:
        lines.append(f"  {_safe(outcome.note)}")
    lines += [issue_line(i) for i in outcome.issues]
    return lines


def console_report(outcomes: Sequence[FileOutcome], findings: Iterable[Issue] = ()) -> str:
    lines: list[str] = []
    for o in outcomes:
        lines += file_block(o)
    findings = list(findings)
    if findings:
        lines.append("Замечания по своду:")
        lines += [issue_line(i) for i in findings]
    return "\n".join(lines)


def json_report(outcomes: Sequence[FileOutcome], findings: Iterable[Issue] = (), **extra) -> str:
    data = {
        **extra,
        "files": [
            {
                "file": o.file,
                "path": str(o.path),
                "status": o.status,
                "organisation": o.organisation,
                "organisation_id": o.organisation_id,
                "period": str(o.period) if o.period else None,
                "sha256": o.sha256,
                "note": o.note,
                "issues": [i.to_dict() for i in o.issues],
            }
            for o in outcomes
        ],
        "findings": [i.to_dict() for i in findings],
    }
    return json.dumps(data, ensure_ascii=False, indent=2)
