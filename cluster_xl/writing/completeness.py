"""«Комплектность»: every college on the roster × what came from it this month.

One row per college that submits reports: the files received from it, which
one is counted, which were rejected or replaced, and a verdict — counted,
rejected (nothing of it in the totals) or missing.  Files that could not be
attributed to a college of the roster are counted under the table; the
«Источники» sheet lists them with their reasons.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..consolidation.report import Report
from ..core.model import ACCEPTED, REJECTED, REPLACED, SKIPPED
from .layout import Sheet, orgs_word

COUNTED, REJECTED_ONLY, MISSING = "counted", "rejected", "missing"
VERDICTS = {
    COUNTED: "учтён в своде",
    REJECTED_ONLY: "отклонён, в свод не включён",
    MISSING: "не поступил",
}


@dataclass(frozen=True)
class CollegeFiles:
    org_id: str
    name: str
    accepted: tuple[str, ...]
    rejected: tuple[str, ...]
    replaced: tuple[str, ...]

    @property
    def received(self) -> int:
        return len(self.accepted) + len(self.rejected) + len(self.replaced)

    @property
    def verdict(self) -> str:
        if self.accepted:
            return COUNTED
        return REJECTED_ONLY if self.received else MISSING


def completeness(report: Report) -> list[CollegeFiles]:
    """Roster order; a college's files in the order they were read."""
    rows = []
    by_org: dict[str | None, list] = {}  # one pass: thousands of colleges × thousands of files
    for f in report.files:
        by_org.setdefault(f.organisation_id, []).append(f)
    for org in report.plan.colleges:
        mine = by_org.get(org.id, [])
        rows.append(CollegeFiles(
            org.id, org.short_name,
            accepted=tuple(f.file for f in mine if f.status == ACCEPTED),
            rejected=tuple(f.file for f in mine if f.status == REJECTED),
            replaced=tuple(f.file for f in mine if f.status == REPLACED),
        ))
    return rows


def unattributed(report: Report) -> int:
    """Files read (not skipped) that belong to no college of the roster."""
    colleges = {o.id for o in report.plan.colleges}
    return sum(1 for f in report.files if f.status != SKIPPED and f.organisation_id not in colleges)


def completeness_sheet(book, ws, report: Report) -> None:

    sheet = Sheet(book, ws, [
        ("№", 5), ("Организация", 40), ("Получено файлов", 11), ("Учтён файл", 30),
        ("Отклонены", 30), ("Заменены более поздними", 30), ("Итог", 20),
    ])
    rows = completeness(report)
    counted = sum(r.verdict == COUNTED for r in rows)
    rejected = sum(r.verdict == REJECTED_ONLY for r in rows)
    missing = sum(r.verdict == MISSING for r in rows)
    extra = [f"Учтены отчёты {counted} из {len(rows)} {orgs_word(len(rows))}; "
             f"отклонены: {rejected}; не поступили: {missing}"]
    header = sheet.title_block(report, "Комплектность отчётов организаций кластера", extra)
    sheet.header(header)
    for n, college in enumerate(rows, start=1):
        row = header + n
        shade = None if college.verdict == COUNTED else "rejected"
        ws.write_number(row, 0, n, book.fmt("dash"))
        sheet.text(row, 1, college.name, "text", shade)
        ws.write_number(row, 2, college.received, book.fmt("int"))
        for col, files in enumerate((college.accepted, college.rejected, college.replaced), start=3):
            sheet.text(row, col, "\n".join(files), "text")
        sheet.text(row, 6, VERDICTS[college.verdict], "center", shade)
    others = unattributed(report)
    if others:
        ws.write_string(header + len(rows) + 2, 0,
                        f"Файлов, не отнесённых к организациям кластера: {others} "
                        "(см. лист «Источники»)", book.fmt("meta"))
    sheet.page_setup((header, header))
