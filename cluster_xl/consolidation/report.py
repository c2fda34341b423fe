"""The consolidated report: what the run builds and the writer writes.

`Report` gathers the plan, every file's outcome, the totals and the issues;
`MonthChange` is what `--previous` adds (changes since last month's book).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Mapping

from ..core.issues import Issue
from ..core.model import FileOutcome, Period
from ..plan.model import Plan

if TYPE_CHECKING:  # pandas: imported where a consolidation is built, not by every reader of a Report
    from .consolidate import Consolidation


@dataclass(frozen=True)
class Previous:
    """Last month's figures: the cluster's by (code, year), each college's by (name, code)."""

    file: str
    period: Period | None
    totals: Mapping[tuple[str, int], float]
    colleges: Mapping[tuple[str, str], float]


@dataclass(frozen=True)
class MonthChange:
    """Fact now minus fact then, where both are known; and what fell beyond the tolerance."""

    then: Previous
    items: Mapping[tuple[str, int], float]  # (code, year) -> change of the cluster fact
    colleges: Mapping[tuple[str, str], float]  # (organisation key, code) -> change, report year
    # (code, year) / (organisation key, code) -> (then, now); now is None if no longer reported
    backwards: Mapping[tuple[str, int], tuple[float, float | None]]
    colleges_backwards: Mapping[tuple[str, str], tuple[float, float | None]]


@dataclass(frozen=True)
class Report:
    """Everything the writer needs: the plan, the files, the totals, the issues."""

    plan: Plan
    period: Period
    files: tuple[FileOutcome, ...]
    consolidation: Consolidation
    issues: tuple[Issue, ...]  # per-file issues and cluster-level findings, in display order
    generated_on: date
    tool_version: str
    previous: MonthChange | None = None  # last month's figures (--previous), see previous.py
    # The cluster-level findings among `issues` (plan, totals, missing colleges, --previous).
    findings: tuple[Issue, ...] = ()
