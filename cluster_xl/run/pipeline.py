"""The monthly job without writing anything: files -> read -> check -> consolidate -> Report."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Callable, Iterable

from ..checks.rules import check_plan, check_totals
from ..consolidation.report import Report
from ..core.model import Period
from ..core.version import __version__
from ..plan.model import Plan
from .collect import Input, collect_inputs
from .policy import document_date, missing_colleges, resolve_duplicates
from .sandbox import process_files


def build_report(
    plan: Plan,
    inputs: Iterable[str | Path | Input],
    period: Period,
    *,
    strict: bool = False,
    generated_on: date | None = None,
    progress: Callable[[Input], None] | None = None,
    jobs: int = 1,
) -> Report:
    """The whole monthly job without writing anything.

    jobs: worker processes reading the files (`parallel.py`); 1 reads them here,
    one after another.  Either way the report is the same.  The submissions in
    it keep what consolidation needs, not every template cell's address.
    """
    outcomes = process_files(collect_inputs(inputs), plan, period, strict, jobs=jobs, lean=True,
                             progress=progress)
    from ..consolidation.consolidate import consolidate  # pandas: not needed by (nor forked into) the workers

    outcomes = resolve_duplicates(outcomes)
    result = consolidate(plan, outcomes, period)
    findings = check_plan(plan) + list(result.findings) + check_totals(plan, result.totals, period)
    findings += missing_colleges(plan, outcomes)
    issues = tuple(i for o in outcomes for i in o.issues) + tuple(findings)
    return Report(plan=plan, period=period, files=tuple(outcomes), consolidation=result,
                  issues=issues, findings=tuple(findings), generated_on=generated_on or document_date(period, outcomes),
                  tool_version=__version__)
