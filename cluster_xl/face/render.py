"""Issues and file outcomes as text for the console and as JSON for scripts."""

from __future__ import annotations

import json
from typing import Iterable, Sequence

from ..core.issues import Issue
from ..core.model import ACCEPTED, REJECTED, STATUS_LABELS, FileOutcome
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


SCREENFUL = 20  # beyond this many files, those accepted without a remark are a count, not a line each


def console_report(outcomes: Sequence[FileOutcome], findings: Iterable[Issue] = ()) -> str:
    """Every file with its issues (a count for the clean ones when there are many), then the
    cluster's findings with `targets-mismatch` folded (`fold_findings`)."""
    lines: list[str] = []
    quiet = len(outcomes) > SCREENFUL
    clean = 0
    for o in outcomes:
        if quiet and o.status == ACCEPTED and not o.issues:
            clean += 1
            continue
        lines += file_block(o)
    if clean:
        lines.append(f"Приняты без замечаний: {clean} {_files_word(clean)} (перечень — на листе "
                     "«Источники» сводной книги и в выводе --json).")
    findings = fold_findings(list(findings))
    if findings:
        lines.append("Замечания по своду:")
        lines += findings
    return "\n".join(lines)


def fold_findings(findings: list[Issue]) -> list[str]:
    """The findings as console lines.  `targets-mismatch` is one line where colleges that did not
    report (or were rejected) explain it, else one line per item, its years together."""
    mismatched = [i for i in findings if i.code == "targets-mismatch"]
    missing = [i for i in findings if i.code == "missing-college"]
    lines = [issue_line(i) for i in findings if i.code not in ("targets-mismatch", "missing-college")]
    items = list(dict.fromkeys(i.item for i in mismatched))
    if mismatched and missing:
        lines.append(f"  {mismatched[0].severity.tag:<8} Цели колледжей не сходятся с утверждёнными целями "
                     f"кластера по {len(items)} {_items_word(len(items))}: учтены не все организации "
                     f"(не поступили или отклонены: {len(missing)}; перечень — ниже и на листе "
                     "«Проверки»). [targets-mismatch]")
    else:
        for item in items:
            years = [i for i in mismatched if i.item == item]
            if len(years) == 1:
                lines.append(issue_line(years[0]))
                continue
            detail = "; ".join(f"{i.year}: {i.value}" for i in years)
            lines.append(f"  {years[0].severity.tag:<8} Позиция {_safe(item)}: цели колледжей не сходятся "
                         f"с утверждённой целью кластера ({detail}; подробно — на листе «Проверки»). "
                         "[targets-mismatch]")
    return lines + [issue_line(i) for i in missing]


def summary_block(outcomes: Sequence[FileOutcome], findings: Iterable[Issue]) -> str:
    """The run's last words: colleges counted of those expected, rejected with the first reason,
    not received, warnings."""
    findings = list(findings)
    accepted = {o.organisation_id for o in outcomes if o.status == ACCEPTED and o.organisation_id}
    missing = [i for i in findings if i.code == "missing-college"]
    absent = [_safe(i.value) for i in missing if "не поступил" in i.message]
    rejected = [o for o in outcomes if o.status == REJECTED]
    warnings = sum(not i.is_error for o in outcomes for i in o.issues) + sum(not i.is_error for i in findings)
    expected = len(accepted) + len(missing)
    lines = ["Итог:", f"  Учтены отчёты {len(accepted)} из {expected} {_orgs_word(expected)}."]
    if rejected:
        lines.append(f"  Отклонено файлов: {len(rejected)}:")
        for o in rejected:
            first = next((i for i in o.issues if i.is_error), o.issues[0] if o.issues else None)
            who = f" ({_safe(o.organisation)})" if o.organisation else ""
            lines.append(f"    {_safe(o.file)}{who} — {_safe(first.message) if first else 'причина не указана'}")
    if absent:
        lines.append(f"  Не поступили отчёты: {len(absent)} — " + "; ".join(absent) + ".")
    lines.append(f"  Предупреждений: {warnings}.")
    return "\n".join(lines)


def _orgs_word(n: int) -> str:
    return "организации" if n % 10 == 1 and n % 100 != 11 else "организаций"


def _files_word(n: int) -> str:
    if n % 10 == 1 and n % 100 != 11:
        return "файл"
    return "файла" if n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14) else "файлов"


def _items_word(n: int) -> str:
    return "позиции" if n % 10 == 1 and n % 100 != 11 else "позициям"


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
