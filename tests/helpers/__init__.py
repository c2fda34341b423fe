"""What the tests share: the repository's paths and small builders of plain values.

Modules beside this one: `workbooks` (cells found and edited by text), `seed`
(the seed document transcribed by hand), `independent` (an independent reading
of filled templates), `hostile_files` (hostile and broken files), `listing`
(a workbook as text, one line a cell).
"""

from __future__ import annotations

from pathlib import Path

from cluster_xl.core.model import ACCEPTED, Entry, FileOutcome, Period, Source, Specialty, Submission

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples" / "2026-10"
EXAMPLES_SEPTEMBER = REPO / "examples" / "2026-09"  # the month before, for --previous
OCT_2026 = Period(2026, 10)


def outcome(org_id: str, values: dict, specialties=(), status: str = ACCEPTED,
            period: Period = OCT_2026, file: str | None = None) -> FileOutcome:
    """A checked file of college `org_id` with {(code, year, measure): value}."""
    file = file or f"{org_id}.xlsx"
    entries = tuple(
        Entry(code, year, measure, float(v), Source(file, "Мероприятия", f"D{n + 5}"))
        for n, ((code, year, measure), v) in enumerate(values.items())
    )
    specs = tuple(
        Specialty(code, "", frozenset(plan_years), frozenset(fact_years), Source(file, "Специальности", f"A{n + 4}"))
        for n, (code, plan_years, fact_years) in enumerate(specialties)
    )
    sub = Submission(file=file, path=Path(file), sha256="0" * 64, organisation=org_id, period=period,
                     title={}, template_version=None, entries=entries, specialties=specs)
    return FileOutcome(Path(file), file, "0" * 64, status, org_id, org_id, period, sub)
