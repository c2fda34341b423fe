"""Plain values passed between the stages: periods, submissions, file outcomes."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Mapping, NamedTuple, Sequence

from .issues import Issue

MONTHS_NOMINATIVE = (
    "январь", "февраль", "март", "апрель", "май", "июнь",
    "июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь",
)
_MONTH_STEMS = ("янв", "фев", "мар", "апр", "мая", "июн", "июл", "авг", "сен", "окт", "ноя", "дек")


# What a report covers, cumulative from January to its last month (README, «Quarters and the
# year»): the month, a quarter, the first half-year, nine months, the year.
MONTH, QUARTER, HALF, NINE_MONTHS, YEAR = "month", "quarter", "half", "9m", "year"
SPANS = (MONTH, QUARTER, HALF, NINE_MONTHS, YEAR)
_ROMAN = ("I", "II", "III", "IV")


@dataclass(frozen=True, order=True)
class Period:
    year: int
    month: int
    # A span's files are the reports of its last month, so a span compares (and hashes)
    # as that month: Period(2026, 9, QUARTER) == Period(2026, 9).
    span: str = field(default=MONTH, compare=False)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def label(self) -> str:
        """«2026-10», «2026-Q3», «2026-H1», «2026-9M», «2026»: as the period is typed for a span."""
        return {QUARTER: f"{self.year}-Q{self.month // 3}", HALF: f"{self.year}-H1",
                NINE_MONTHS: f"{self.year}-9M", YEAR: f"{self.year}"}.get(self.span, str(self))

    @property
    def words(self) -> str:
        """«октябрь 2026 г.»; for a span «III квартал 2026 г.», «I полугодие 2026 г.»,
        «9 месяцев 2026 г.», «2026 год»."""
        if self.span == QUARTER:
            return f"{_ROMAN[self.month // 3 - 1]} квартал {self.year} г."
        if self.span == HALF:
            return f"I полугодие {self.year} г."
        if self.span == NINE_MONTHS:
            return f"9 месяцев {self.year} г."
        if self.span == YEAR:
            return f"{self.year} год"
        return f"{MONTHS_NOMINATIVE[self.month - 1]} {self.year} г."

    @property
    def end_date(self) -> date:
        """Last day of the month: the date the report speaks for."""
        if self.month == 12:
            return date(self.year, 12, 31)
        return date.fromordinal(date(self.year, self.month + 1, 1).toordinal() - 1)


def with_span(period: Period, span: str) -> Period | None:
    """The span ending with `period`'s month; None where no such span ends then (a quarter
    ends in March, June, September or December; the half-year in June; nine months in
    September; the year in December)."""
    fits = {MONTH: True, QUARTER: period.month % 3 == 0, HALF: period.month == 6,
            NINE_MONTHS: period.month == 9, YEAR: period.month == 12}
    return Period(period.year, period.month, span) if fits.get(span) else None


_SPAN_WORDS = (
    (re.compile(r"^(\d{4})-?q([1-4])$"), lambda y, q: Period(y, int(q) * 3, QUARTER)),
    (re.compile(r"^(\d{4})-?h1$"), lambda y: Period(y, 6, HALF)),
    (re.compile(r"^(\d{4})-?9m$"), lambda y: Period(y, 9, NINE_MONTHS)),
    (re.compile(r"^(\d{4})(?:\s*(?:г\.?|год|года))?$"), lambda y: Period(y, 12, YEAR)),
    (re.compile(r"^(?:за\s+)?(i|ii|iii|iv)\s+квартала?\s+(\d{4})(?:\s*(?:г\.?|года?))?$"),
     lambda q, y: Period(int(y), (_ROMAN.index(q.upper()) + 1) * 3, QUARTER)),
    (re.compile(r"^(?:за\s+)?(?:i|первое)\s+полугодие\s+(\d{4})(?:\s*(?:г\.?|года?))?$"),
     lambda y: Period(int(y), 6, HALF)),
    (re.compile(r"^(?:за\s+)?9\s+месяцев\s+(\d{4})(?:\s*(?:г\.?|года?))?$"),
     lambda y: Period(int(y), 9, NINE_MONTHS)),
)


def parse_span(value: object) -> Period | None:
    """«2026-Q3», «2026-H1», «2026-9M», «2026», or the words a book's title uses («III квартал
    2026 г.», «I полугодие 2026 г.», «9 месяцев 2026 г.», «2026 год») -> a span Period; else None.

    Only where a span is asked for (the command line, a consolidated book's title): a
    college's «2026» on its title sheet is no period, never «the year»."""
    text = " ".join(str(value).lower().split()) if value is not None else ""
    for pattern, make in _SPAN_WORDS:
        match = pattern.match(text)
        if match:
            groups = [int(g) if g.isdigit() and len(g) == 4 else g for g in match.groups()]
            found = make(*groups)
            return found if 1900 < found.year < 2200 else None
    return None


def parse_period(value: object) -> Period | None:
    """'2026-10', '10.2026', 'октябрь 2026' («Октябрь 2026 года», «за октябрь 2026 г.», «окт. 2026»),
    a date cell -> Period; else None."""
    if value is None:
        return None
    if isinstance(value, (datetime, date)):
        return Period(value.year, value.month)
    text = " ".join(str(value).lower().split())
    for pattern, y, m in (
        (r"^(\d{4})-(\d{1,2})(?:-\d{1,2})?(?:[ t].*)?$", 1, 2),
        (r"^(\d{1,2})[./](\d{4})$", 2, 1),
        (r"^\d{1,2}\.(\d{1,2})\.(\d{4})$", 2, 1),
    ):
        match = re.match(pattern, text)
        if match:
            year, month = int(match.group(y)), int(match.group(m))
            return Period(year, month) if 1 <= month <= 12 and 1900 < year < 2200 else None
    month, year = _month_year(text)
    return Period(year, month) if month else None


# «октябрь 2026», «Октябрь 2026 года», «за октябрь 2026 г.», «окт. 2026», «октября 2026»
_MONTH_YEAR = re.compile(r"^(?:за\s+)?([а-яё]{3,})\.?\s*(\d{4})(?:\s*(?:г\.?|года?)\.?)?$")
# «10 ноября 2026 г.», «10 ноября 2026 года», «10 ноября 2026»
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})\s+([а-яё]{3,})\.?\s*(\d{4})(?:\s*(?:г\.?|года?)\.?)?$")


def _month_number(word: str) -> int | None:
    """«октябрь», «октября», «окт» -> 10; a word that is no month's name -> None."""
    word = word.replace("ё", "е")
    for i, stem in enumerate(_MONTH_STEMS):
        full = MONTHS_NOMINATIVE[i].replace("ё", "е")
        # the stem, and the word no longer than the name's case forms (сентябрь, сентября)
        if word.startswith(stem) and full[:len(word) - 1].startswith(word[:-1]) and len(word) <= len(full) + 1:
            return i + 1
        if i == 4 and word in ("май", "мая", "мае"):
            return 5
    return None


def _month_year(text: str) -> tuple[int | None, int]:
    match = _MONTH_YEAR.match(text)
    if not match:
        return None, 0
    year = int(match.group(2))
    month = _month_number(match.group(1))
    return (month, year) if month and 1900 < year < 2200 else (None, 0)


class Source(NamedTuple):
    """Where a value came from: file name, sheet, A1 cell.

    A named tuple rather than a frozen dataclass: 2,000 files give half a
    million sources and entries, and a frozen dataclass costs three times as
    much to build (each field goes through `object.__setattr__`).
    """

    file: str
    sheet: str
    cell: str


# What a number of a college is: its own target for the year or its fact, and the word
# the template and the «Данные» sheet use for each.
TARGET, FACT = "target", "fact"
MEASURE_WORDS = {TARGET: "план", FACT: "факт"}


class Entry(NamedTuple):
    """One number a college typed: row code (item or ratio part), year, plan/fact."""

    code: str
    year: int
    measure: str  # TARGET (the college's own target, «План ГГГГ») | FACT («Факт ГГГГ»)
    value: float
    source: Source


class PackedEntries(Sequence):
    """A submission's entries kept as columns; reading them gives the same `Entry` values.

    What a worker process sends back for each of thousands of files: a quarter of
    a million small objects cost seconds to rebuild on the other side and far more
    memory than a few lists of numbers and strings (see `parallel.py`).
    """

    __slots__ = ("codes", "years", "measures", "values", "files", "sheets", "cells")

    def __init__(self, entries: "Sequence[Entry]" = ()):
        self.codes = [e.code for e in entries]
        self.years = [e.year for e in entries]
        self.measures = [e.measure for e in entries]
        self.values = [e.value for e in entries]
        self.files = [e.source.file for e in entries]
        self.sheets = [e.source.sheet for e in entries]
        self.cells = [e.source.cell for e in entries]

    def __len__(self) -> int:
        return len(self.codes)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return tuple(self[k] for k in range(*i.indices(len(self))))
        return Entry(self.codes[i], self.years[i], self.measures[i], self.values[i],
                     Source(self.files[i], self.sheets[i], self.cells[i]))

    def __iter__(self):
        for code, year, measure, value, file, sheet, cell in zip(
                self.codes, self.years, self.measures, self.values, self.files, self.sheets, self.cells):
            yield Entry(code, year, measure, value, Source(file, sheet, cell))

    def __eq__(self, other) -> bool:
        return isinstance(other, Sequence) and tuple(self) == tuple(other)

    __hash__ = None  # like the tuple it stands for inside an unhashable Submission

    def __repr__(self) -> str:
        return f"PackedEntries({len(self)} entries)"

    def __reduce__(self):
        return (_unpack_entries, tuple(getattr(self, name) for name in self.__slots__))


def _unpack_entries(*columns) -> PackedEntries:
    packed = PackedEntries.__new__(PackedEntries)
    for name, column in zip(PackedEntries.__slots__, columns):
        setattr(packed, name, column)
    return packed


@dataclass(frozen=True)
class Specialty:
    code: str  # 13.02.11
    name: str
    plan_years: frozenset[int]
    fact_years: frozenset[int]
    source: Source


@dataclass(frozen=True)
class Submission:
    """One college's filled workbook, as read; every value keeps its cell."""

    file: str  # name shown to people
    path: Path
    sha256: str
    organisation: str  # as typed on the title sheet
    period: Period | None
    title: Mapping[str, str]  # every title field as typed (key from contract.TITLE_FIELDS)
    template_version: str | None
    entries: tuple[Entry, ...]
    specialties: tuple[Specialty, ...] = ()
    notes: Mapping[str, str] = field(default_factory=dict)  # row code -> reason / note text
    # Row code -> the cell of its reason / note (filled in or not), where a reason is asked for.
    note_cells: Mapping[str, Source] = field(default_factory=dict)
    # Title field -> A1 cell of its value (or where it belongs), for issue locations.
    title_cells: Mapping[str, str] = field(default_factory=dict)
    # Row code -> the «Ед. изм.» text in the college's row, and where it is.
    units: Mapping[str, tuple[str, Source]] = field(default_factory=dict)
    # (row code, year, measure) -> the cell for it, whether filled in or not.
    cells: Mapping[tuple[str, int, str], Source] = field(default_factory=dict)
    # (row code, year) -> the target the template was issued with (None for «-»),
    # from the hidden «Контроль» sheet of a template issued with targets filled in.
    issued: Mapping[tuple[str, int], float | None] = field(default_factory=dict)


@dataclass(frozen=True)
class ReadResult:
    """What a reader made of one file: a submission (if it could) and the issues."""

    path: Path
    submission: Submission | None
    issues: tuple[Issue, ...] = ()


# File statuses, as shown in the sources sheet.
ACCEPTED = "accepted"
REJECTED = "rejected"
REPLACED = "replaced"
SKIPPED = "skipped"
STATUS_LABELS = {
    ACCEPTED: "принят",
    REJECTED: "отклонён",
    REPLACED: "заменён более поздним",
    SKIPPED: "пропущен",
}


@dataclass(frozen=True)
class FileOutcome:
    """Every input file ends up here, whatever happened to it."""

    path: Path
    file: str
    sha256: str
    status: str
    organisation_id: str | None
    organisation: str  # display name (roster short name, or what was typed)
    period: Period | None
    submission: Submission | None
    issues: tuple[Issue, ...] = ()
    note: str = ""  # e.g. which file replaced this one


def college_key(org_id: str | None, name: str) -> str:
    """How a college is told apart in the totals: its roster id, or the name typed."""
    return org_id if isinstance(org_id, str) and org_id else str(name)


def parse_date(value: object, exact: bool = False) -> date | None:
    """«05.11.2026», «2026-11-05», «10 ноября 2026 г.» or a date cell -> date; None if it is none of these.

    Unless `exact`, only the first ten characters count (a time may follow)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not value:
        return None
    text = str(value).strip()
    for fmt in ("%d.%m.%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text if exact else text[:10], fmt).date()
        except ValueError:
            continue
    match = _DAY_MONTH_YEAR.match(" ".join(text.lower().split()))
    if match:
        month = _month_number(match.group(2))
        try:
            return date(int(match.group(3)), month, int(match.group(1))) if month else None
        except ValueError:  # «31 ноября»
            return None
    return None
