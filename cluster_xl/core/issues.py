"""One problem = one value.

Every stage reports trouble in the data as `Issue` values; nothing raises for
bad data.  An issue carries a stable kebab-case code (for scripts and tests),
a severity, a Russian message for a person, and where it was found.
"""

from __future__ import annotations

from dataclasses import dataclass, asdict
from enum import Enum
from typing import Iterable



class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"

    @property
    def label(self) -> str:
        """The word on a sheet: «ошибка», «предупреждение»."""
        return SEVERITY_WORDS[self.value]

    @property
    def tag(self) -> str:
        """The console's tag: «ОШИБКА», «ВНИМАНИЕ»."""
        return SEVERITY_TAGS[self.value]


SEVERITY_WORDS = {"error": "ошибка", "warning": "предупреждение"}
SEVERITY_TAGS = {"error": "ОШИБКА", "warning": "ВНИМАНИЕ"}


@dataclass(frozen=True)
class Issue:
    code: str
    severity: Severity
    message: str
    file: str = ""
    sheet: str = ""
    cell: str = ""
    item: str = ""
    year: int | None = None
    value: str = ""

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def where(self) -> str:
        """Location in words: «файл.xlsx, лист «Мероприятия», ячейка E12»."""
        parts = []
        if self.file:
            parts.append(self.file)
        if self.sheet:
            parts.append(f"лист «{self.sheet}»")
        if self.cell:
            parts.append(f"ячейка {self.cell}")
        return ", ".join(parts)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["severity"] = self.severity.value
        return d


def issue(code: str, message: str, severity: Severity | None = None, **where) -> Issue:
    """The one way an issue is made: its level from the catalogue (core/codes.py), or, for
    a code whose level the data decides (`varies`), the `severity` given."""
    from .codes import level_of  # the catalogue: loaded with the first issue, not at start-up

    level = level_of(code)
    if level == "varies":
        if severity is None:
            raise ValueError(f"issue code {code!r} needs a severity")
    elif severity is not None and severity.value != level:
        raise ValueError(f"issue code {code!r} is an {level} in the catalogue, not {severity.value}")
    return Issue(code, severity or Severity(level), message, **where)


def error(code: str, message: str, **where) -> Issue:
    return issue(code, message, Severity.ERROR, **where)


def warning(code: str, message: str, **where) -> Issue:
    return issue(code, message, Severity.WARNING, **where)


def has_errors(issues: Iterable[Issue]) -> bool:
    return any(i.is_error for i in issues)


def flatten(issues: Iterable[Issue]) -> list[tuple[str, str, str, str]]:
    """(file, sheet, cell, code) tuples: what tests compare, not message strings."""
    return [(i.file, i.sheet, i.cell, i.code) for i in issues]
