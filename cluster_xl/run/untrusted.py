"""The workbooks besides the colleges' files that come from outside, each read in the sandbox.

Last month's book (`--previous`), a plan workbook or JSON (`--plan`), a
college's report to take targets from (`template --targets-from`) and the file
to annotate (`check --annotate`) can be as hostile as any college file: each
is checked by the guard and read in a sandboxed worker (`sandbox.isolated`),
so a crafted book can cost at most the limits, never the month's run.  What
goes wrong comes back as the error each caller already reports.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from ..consolidation.previous import apply_previous, read_previous
from ..consolidation.report import Previous, Report
from ..core.issues import Issue, error
from ..core.model import ReadResult
from ..plan.load import load_plan
from ..plan.model import Plan, PlanError
from ..reading import guard
from ..reading.reader import read_submission
from ..writing.annotate import AnnotateError, annotate
from .sandbox import Limits, SandboxFailure, isolated


def plan_from(path: Path, limits: Limits | None = None) -> Plan:
    """A user's plan (JSON or workbook); PlanError, in Russian, if it cannot be used."""
    try:
        return isolated(_guarded_plan, path, limits=limits)
    except SandboxFailure as failure:
        raise PlanError(f"Файл плана «{path.name}» не прочитан: {failure}.") from None
    except PlanError:
        raise
    except Exception:  # noqa: BLE001 - whatever the file made the plan reader raise: a plan error
        raise PlanError(f"Файл плана «{path.name}» не прочитан: его содержимое не является планом "
                        "кластера.") from None


def _guarded_plan(path: Path) -> Plan:
    if path.suffix.lower() != ".json":
        try:
            guard.inspect(path)
        except guard.Refusal as refusal:
            raise PlanError(f"Файл плана «{path.name}» не прочитан: {refusal.reason}.") from None
    return load_plan(path)


def previous_from(path: Path, limits: Limits | None = None) -> tuple[Previous | None, list[Issue]]:
    """Last month's book read back, or the issue that says why it was not."""
    try:
        return isolated(_guarded_previous, path, limits=limits)
    except SandboxFailure as failure:
        return None, [_unreadable(path, str(failure))]


def compare_with_previous(report: Report, path: Path, limits: Limits | None = None) -> Report:
    """The report with last month's book (read in the sandbox) compared in."""
    return apply_previous(report, *previous_from(Path(path), limits))


def _guarded_previous(path: Path) -> tuple[Previous | None, list[Issue]]:
    try:
        guard.inspect(path)
    except guard.Refusal as refusal:
        return None, [_unreadable(path, refusal.reason)]
    return read_previous(path)


def _unreadable(path: Path, reason: str) -> Issue:
    return error("previous-unreadable",
                 f"Сводную книгу прошлого месяца «{path.name}» не удалось прочитать ({reason}); "
                 "ожидается книга .xlsx, записанная командой consolidate. Сравнение с прошлым "
                 "месяцем не выполнено.", file=path.name)


def submission_from(path: Path, plan: Plan, limits: Limits | None = None) -> ReadResult:
    """One college file read alone (for the targets a template is issued with)."""
    try:
        return isolated(read_submission, path, plan, limits=limits)
    except SandboxFailure as failure:
        issue = error("reader-crashed", f"Файл «{path.name}» не удалось прочитать: {failure}.", file=path.name)
        return ReadResult(path, None, (issue,))


def annotated_copy(path: Path, issues: Sequence[Issue], out: Path, limits: Limits | None = None) -> Path:
    """`annotate` in the sandbox (openpyxl opens the college's own workbook); AnnotateError if not."""
    try:
        return isolated(annotate, path, tuple(issues), out, limits=limits)
    except SandboxFailure as failure:
        raise AnnotateError(f"файл «{path.name}» не удалось открыть для пометок: {failure}") from None
