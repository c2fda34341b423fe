"""The consolidated workbook: a Report -> one formatted .xlsx, ready to print and sign.

The book is the document sheets (`DOCUMENT_SHEETS`: printed, signed, sent, and
exported by `--pdf`), then the working sheets.  Nothing depends on the clock:
the same Report gives the same bytes.  The file appears complete or not at all.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Iterable

from ..consolidation.report import Report
from ..core.files import write_atomically
from ..core.names import (
    DOCUMENT_SHEETS, SHEET_BY_COLLEGE, SHEET_BY_YEAR, SHEET_CHARTS, SHEET_COMPLETENESS, SHEET_DATA, SHEET_EXPLANATIONS,
    SHEET_INDICATORS, SHEET_ISSUES, SHEET_SOURCES, SHEET_SUMMARY, SHEETS,
)
from .bulk import BulkSheet, BulkWorkbook, FastSheet
from .charts import charts_sheet
from .completeness import completeness_sheet
from .document import by_college_sheet, indicators_sheet, summary_sheet
from .explanations import explanations_sheet
from .layout import REPORT_TITLE, WORKBOOK_OPTIONS, Book, period_phrase
from .working import by_year_sheet, data_sheet, issues_sheet, sources_sheet

__all__ = ["DOCUMENT_SHEETS", "SHEETS", "write_report"]


def write_report(report: Report, path: str | Path, sheets: Iterable[str] | None = None) -> Path:
    """Write the consolidated workbook; the file appears complete or not at all.

    `sheets` limits the book to some of `SHEETS` (the PDF is made of
    `DOCUMENT_SHEETS`); each written sheet is the same as in the full book.
    """
    def build(tmp: str) -> None:
        # A fresh copy: XlsxWriter adds keys to the dict it is given, which made a
        # second workbook written in the same process differ in styles.xml.
        options = {**WORKBOOK_OPTIONS,
                   "default_format_properties": dict(WORKBOOK_OPTIONS["default_format_properties"])}
        workbook = BulkWorkbook(tmp, options)  # xlsxwriter.Workbook, zipped faster
        with _no_cycle_collection():
            _fill_workbook(workbook, report, None if sheets is None else set(sheets))
            workbook.close()

    return write_atomically(path, build)


@contextmanager
def _no_cycle_collection():
    """The cyclic garbage collector paused while the workbook is built and packed.

    Writing allocates a few hundred thousand cell objects that all live until the
    file is closed; each full collection they set off walks everything the process
    holds (the report included), about 0.4 s of 3 s for 2,000 colleges.  They are
    freed with the workbook (measured: the same peak memory either way)."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def _fill_workbook(workbook, report: Report, sheets: set[str] | None = None) -> None:
    book = Book(workbook)
    for name, fill in (
        (SHEET_SUMMARY, summary_sheet), (SHEET_INDICATORS, indicators_sheet),
        (SHEET_BY_COLLEGE, by_college_sheet), (SHEET_EXPLANATIONS, explanations_sheet),
        (SHEET_CHARTS, charts_sheet),
        (SHEET_BY_YEAR, by_year_sheet), (SHEET_DATA, data_sheet),
        (SHEET_ISSUES, issues_sheet), (SHEET_SOURCES, sources_sheet),
        (SHEET_COMPLETENESS, completeness_sheet),
    ):
        if sheets is None or name in sheets:
            # «Данные» takes its quarter of a million rows in one piece (bulk.py).
            fill(book, workbook.add_worksheet(name, BulkSheet if name == SHEET_DATA else FastSheet), report)
    formed = report.generated_on
    workbook.set_properties({
        "title": f"{REPORT_TITLE} {period_phrase(report.period)}",
        "subject": f"Отчётный период: {report.period.words} ({report.period})",
        "author": "cluster_xl",
        "company": report.plan.cluster.name,
        "keywords": f"Профессионалитет, кластер, {report.plan.plan_id}",
        "comments": f"cluster_xl {report.tool_version}; план {report.plan.plan_id}",
        # The date the report is formed on (from its inputs), never the clock:
        # the same inputs give a byte-identical file.
        "created": datetime(formed.year, formed.month, formed.day),
    })
