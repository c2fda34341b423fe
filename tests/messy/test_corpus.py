"""Every submission of the messy corpus is read as its author meant it, or refused where it says.

One parametrised test over `make_corpus.CASES`.  A case either is accepted
with exactly the numbers its author meant (every (code, year, plan/fact)
value equal, none missing, none extra; the specialty marks too) or is
rejected with exactly its expected located errors.  Never accepted with a
number missing or changed.

The project is called in one place, `read()` below: the package may be
restructured, and only that function should need to follow it.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import make_corpus as mc  # noqa: E402


# -- the one adapter to the project ------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    status: str                      # "accepted" | "rejected" | …
    organisation: str | None         # roster id
    period: str | None               # "2026-10"
    values: dict                     # (code, year, measure) -> value
    duplicates: list                 # (code, year, measure) read more than once
    specialties: dict                # code -> (plan years, fact years)
    issues: list                     # (level, code, sheet, cell)
    counted: int                     # numbers of this file in the cluster's data


@lru_cache(maxsize=1)
def _plan():
    from cluster_xl import load_plan

    return load_plan()


def read(path: Path, period: tuple[int, int]) -> Outcome:
    """The project's verdict on one file: read, checked, file policy applied, consolidated alone."""
    from cluster_xl import Period, build_report

    report = build_report(_plan(), [path], Period(*period), jobs=1)
    (outcome,) = report.files
    sub = outcome.submission
    values, duplicates = {}, []
    for e in (sub.entries if sub else ()):
        # independent.py calls a college's own target «plan», as the template's «План ГГГГ» does
        key = (e.code, e.year, "plan" if e.measure == "target" else e.measure)
        if key in values:
            duplicates.append(key)
        values[key] = e.value
    specialties = {s.code: (set(s.plan_years), set(s.fact_years)) for s in (sub.specialties if sub else ())}
    issues = [(i.severity.value, i.code, i.sheet, i.cell) for i in outcome.issues]
    return Outcome(outcome.status, outcome.organisation_id,
                   str(sub.period) if sub is not None and sub.period else None,
                   values, duplicates, specialties, issues, len(report.consolidation.entries))


# -- what fails today (the reader is fixed next: a fix flips these loudly) ---------------------

KNOWN_FAILURES: dict[str, str] = {
}


# -- the test ----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def corpus(tmp_path_factory):
    return mc.build(tmp_path_factory.mktemp("messy"))


def _params():
    for case in mc.CASES:
        marks = []
        if case.name in KNOWN_FAILURES:
            marks.append(pytest.mark.xfail(strict=True, reason=KNOWN_FAILURES[case.name]))
        yield pytest.param(case, id=case.name, marks=marks)


def test_known_failures_name_cases():
    assert set(KNOWN_FAILURES) <= {c.name for c in mc.CASES}


def _matches(expected, got) -> bool:
    return all(e is mc.ANY or e == g for e, g in zip(expected, got))


def _located(issues, level):
    return [(code, sheet, cell) for lv, code, sheet, cell in issues if lv == level]


def _diff(expected: dict, got: dict) -> str:
    missing = {k: v for k, v in expected.items() if k not in got}
    extra = {k: v for k, v in got.items() if k not in expected}
    changed = {k: (expected[k], got[k]) for k in expected.keys() & got.keys() if expected[k] != got[k]}
    return f"missing {missing}; extra {extra}; changed (meant, read) {changed}"


@pytest.mark.parametrize("case", list(_params()))
def test_corpus_case(case, corpus):
    built = corpus[case.name]
    if not isinstance(built, Path):
        pytest.skip(f"{case.name}: {built}")
    got = read(built, mc.PERIOD)
    exp = case.expect
    errors, warnings = _located(got.issues, "error"), _located(got.issues, "warning")
    where = f"{case.klass} / {case.name} ({case.what}); issues {got.issues}"

    if exp.verdict == "reject":
        assert got.status == "rejected", f"accepted, should be rejected: {where}"
        unexpected = [g for g in errors if not any(_matches(e, g) for e in exp.errors)]
        absent = [e for e in exp.errors if not any(_matches(e, g) for g in errors)]
        assert not unexpected and not absent, f"errors: absent {absent}, unexpected {unexpected}: {where}"
        return

    for w in exp.warnings:
        assert any(_matches(w, g) for g in warnings), f"warning {w} not reported: {where}"
    if exp.verdict == "listed":
        assert got.counted == 0, f"{got.counted} numbers of a file that is not a college's counted: {where}"
        return

    values, specialties = mc.expected(case)
    assert got.status == "accepted", f"rejected, should be accepted: {where}"
    assert not got.duplicates, f"read twice: {got.duplicates}: {where}"
    assert got.values == values, f"numbers: {_diff(values, got.values)}: {where}"
    assert got.specialties == specialties, f"specialties: {_diff(specialties, got.specialties)}: {where}"
    if case.organisation:
        assert got.organisation == case.organisation, where
    assert got.period == "%04d-%02d" % mc.PERIOD, where
    assert got.counted == len(values), f"{got.counted} numbers counted, {len(values)} accepted: {where}"
