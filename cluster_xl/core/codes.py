"""The one catalogue of issue codes: each code once, with its level and what it means.

Every `Issue` the tool reports carries one of these codes (tests/test_codes.py
checks that every code written in the package is here, and that the README's
table is this catalogue).  A level is `error` (the file is rejected, or the
plan refused), `warning` (a person should look at it; the file still counts)
or `varies` (set by the data: a control ratio's severity, a sheet that is
optional).  The meanings are the README's words; messages say more.
"""

from __future__ import annotations

from typing import NamedTuple


class Code(NamedTuple):
    code: str
    level: str  # "error" | "warning" | "varies"
    meaning: str
    group: str  # where it arises, for the README's tables


_FILE = "file"
_PLAN = "plan"

CODES: tuple[Code, ...] = (
    # -- a college's file: reading -------------------------------------------------
    Code("unreadable-file", "error", "empty, truncated or damaged; not a spreadsheet (PDF, web page, text, "
         "a Word document, .xlsb); XML with DOCTYPE/ENTITY declarations", _FILE),
    Code("file-too-large", "error", "beyond a limit of the guard (size on disk, size inflated, zip bomb, "
         "a sheet's area, a declared count) — refused before any reader opens it", _FILE),
    Code("password-protected", "error", "an encrypted workbook or an .xls with a password", _FILE),
    Code("reader-crashed", "error", "the program reading the file crashed on it (a worker process died); "
         "the other files are consolidated", _FILE),
    Code("not-a-template", "error", "none of the template's sheets or labels", _FILE),
    Code("missing-sheet", "varies", "a sheet is absent (an error; a warning for «Специальности»)", _FILE),
    Code("missing-header", "varies", "a sheet's header row is absent (an error; a warning for «Специальности»)",
         _FILE),
    Code("renamed-sheet", "warning", "a sheet recognised by content under another name", _FILE),
    Code("missing-column", "varies", "a `План/Факт ГГГГ` column missing: an error for the report year's "
         "(its figures would be lost), a warning for another year's", _FILE),
    Code("duplicate-column", "warning", "a `План/Факт ГГГГ` column twice", _FILE),
    Code("not-a-number", "error", "text in a number cell", _FILE),
    Code("formula-without-value", "error", "a cell we need holds a formula with no computed value (the file "
         "was written by a program that does not calculate): open and save it in a spreadsheet program", _FILE),
    Code("negative-number", "error", "a negative value", _FILE),
    Code("fraction", "error", "a fraction in a row of whole things (чел., ед.): the number is not taken", _FILE),
    Code("check-separator", "error", "«1.160» or «1,160» in a row of whole things (чел., ед.): a dot or comma "
         "between groups of three digits may be a thousands separator or a decimal one; the number is not "
         "taken", _FILE),
    Code("percent-out-of-range", "error", "more than 100 in an item measured in %", _FILE),
    Code("unknown-code", "error", "a row code not in the plan", _FILE),
    Code("missing-code", "error", "numbers in a row without a code", _FILE),
    Code("no-data", "error", "no figure at all in the tables (only the title filled in), or not one fact "
         "of the report year: nothing of the month would be counted", _FILE),
    Code("missing-fact", "warning", "the report year's fact left empty where the college has its own target "
         "for the year", _FILE),
    Code("total-row", "warning", "the college's own «Итого»/«Всего» row (no plan code): ignored, the totals "
         "are computed", _FILE),
    Code("duplicate-code", "error", "a code twice", _FILE),
    Code("unit-changed", "warning", "the «Ед. изм.» of a row differs from the plan's («руб.» for «тыс. руб.»); "
         "spellings of one unit («тыс.руб», «человек») are not a change", _FILE),
    Code("plan-changed", "error", "a target the template was issued with (`template --targets-from`) was "
         "changed or cleared", _FILE),
    Code("value-in-computed-row", "warning", "numbers in a heading or computed row", _FILE),
    Code("bad-specialty-code", "error", "the specialties sheet: a code that is not a specialty code", _FILE),
    Code("bad-mark", "warning", "the specialties sheet: a mark that is not «да»", _FILE),
    Code("duplicate-specialty", "warning", "the specialties sheet: a specialty twice", _FILE),
    # -- a college's file: checks --------------------------------------------------
    Code("ratio-part-exceeds-whole", "error", "more employed graduates than graduates", _FILE),
    Code("ratio-violated", "varies", "a control ratio (`показатель 3 (48) ≠ 2.3.2 (50)`), on a college, "
         "the plan or the totals; its level is the ratio's, in the plan", _FILE),
    Code("missing-title-field", "error", "organisation, period or responsible person empty", _FILE),
    Code("unknown-organisation", "error", "not on the roster", _FILE),
    Code("not-a-college", "warning", "an employer on the roster, not a college: the file is listed as skipped, "
         "its numbers are not counted", _FILE),
    Code("bad-period", "error", "unreadable period", _FILE),
    Code("wrong-period", "error", "not the period being consolidated", _FILE),
    Code("template-version", "error", "another template", _FILE),
    Code("template-plan", "warning", "a template made for another plan", _FILE),
    Code("unknown-template-version", "warning", "a template version this tool does not know", _FILE),
    Code("future-fact", "warning", "a fact for a year after the report year", _FILE),
    Code("reason-missing", "warning", "an item behind the college's own target and schedule, its «Причина "
         "отклонения / примечание» cell empty; located on that cell", _FILE),
    Code("lock-file", "warning", "an office suite's lock file (`~$…`) or a file the system leaves in folders "
         "(`Thumbs.db`, `desktop.ini`): skipped, not counted among the files received", _FILE),
    Code("own-book", "warning", "a consolidated book of cluster_xl (this month's or last month's) in the "
         "input folder: skipped, not counted", _FILE),
    Code("not-a-regular-file", "warning", "a pipe, a device, a link to a folder, a dangling link, a link leading "
         "out of its folder or a folder nested deeper than eight levels: listed and skipped, never read", _FILE),
    Code("empty-folder", "warning", "a sub-folder of the input folder with no files in it (an e-mail whose "
         "attachment was not saved): listed, not counted among the files received", _FILE),
    Code("implausible-date", "warning", "the fill date on the title sheet is unreadable or outside the run's "
         "window (the report month to three months after it): it cannot make the file the latest", _FILE),
    Code("not-a-spreadsheet", "warning", "not a spreadsheet by its extension, skipped", _FILE),
    # -- the cluster ---------------------------------------------------------------
    Code("targets-mismatch", "warning", "the colleges' own targets do not add up to the approved target", "cluster"),
    Code("targets-without-plan", "warning", "colleges' targets where the approved plan has none", "cluster"),
    Code("target-decreases", "warning", "a cumulative target decreasing in the plan", "cluster"),
    Code("missing-college", "warning", "a college on the roster with no accepted file", "cluster"),
    Code("previous-unreadable", "error", "`--previous` is not a readable consolidated workbook of cluster_xl; "
         "no changes are shown", "cluster"),
    Code("previous-incomplete", "warning", "last month's book has no «По организациям»: changes per college "
         "are not shown", "cluster"),
    Code("previous-period", "varies", "last month's book is from the same or a later period (an error: no "
         "change is shown), or its period cannot be found (a warning)", "cluster"),
    Code("went-backwards", "warning", "an item's cluster fact fell since last month (beyond "
         "`backwards_tolerance`); the message names the colleges whose figures fell", "cluster"),
    # -- a plan workbook or JSON (`--plan`) ----------------------------------------
    Code("plan-unreadable", "error", "the plan file cannot be read as a workbook", _PLAN),
    Code("plan-missing-sheet", "error", "a sheet of the plan workbook is absent", _PLAN),
    Code("plan-missing-column", "error", "a column of a plan sheet is absent", _PLAN),
    Code("plan-missing-field", "error", "a row of «Кластер» is absent", _PLAN),
    Code("plan-missing-value", "error", "a required cell is empty", _PLAN),
    Code("plan-missing-name", "error", "an item without a name", _PLAN),
    Code("plan-unknown-year-column", "error", "a «Цель ГГГГ» column for a year not in the plan", _PLAN),
    Code("plan-no-years", "error", "no years in the plan", _PLAN),
    Code("plan-bad-years", "error", "the years are not a list of four-digit years", _PLAN),
    Code("plan-bad-number", "error", "a target that is not a number or «-»", _PLAN),
    Code("plan-negative-target", "error", "a negative target", _PLAN),
    Code("plan-duplicate-code", "error", "a code twice in the plan", _PLAN),
    Code("plan-duplicate-organisation", "error", "an organisation id twice", _PLAN),
    Code("plan-bad-kind", "error", "an item's kind is not «мероприятие» or «показатель»", _PLAN),
    Code("plan-bad-type", "error", "a heading's type is not «раздел» or «результат»", _PLAN),
    Code("plan-bad-rule", "error", "an unknown aggregation rule", _PLAN),
    Code("plan-bad-schedule", "error", "an unknown schedule", _PLAN),
    Code("plan-bad-flag", "error", "a yes/no cell that is neither", _PLAN),
    Code("plan-bad-role", "error", "an organisation's role is not college or employer", _PLAN),
    Code("plan-bad-part-role", "error", "a ratio part that is neither numerator nor denominator", _PLAN),
    Code("plan-bad-setting", "error", "a setting with a value it cannot take", _PLAN),
    Code("plan-bad-sign", "error", "a control ratio's sign is not =, ≤ or ≥", _PLAN),
    Code("plan-bad-severity", "error", "a control ratio's level is not error or warning", _PLAN),
    Code("plan-bad-codes", "error", "a control ratio's side is not a list of codes", _PLAN),
    Code("plan-bad-on", "error", "a control ratio applies to neither targets nor facts", _PLAN),
    Code("plan-unknown-section", "error", "an item or result under a section not in the plan", _PLAN),
    Code("plan-unknown-result", "error", "an item under a result not in the plan", _PLAN),
    Code("plan-unknown-item", "error", "a ratio part of an item not in the plan", _PLAN),
    Code("plan-ratio-parts", "error", "a ratio item without its numerator and denominator", _PLAN),
    Code("plan-ratio-unknown-code", "error", "a control ratio naming a code not in the plan", _PLAN),
    Code("plan-ratio-malformed", "error", "a control ratio with a wrong kind, sign or level", _PLAN),
)

CATALOGUE: dict[str, Code] = {c.code: c for c in CODES}
GROUP_TITLES = {_FILE: "A college's file", "cluster": "The cluster", _PLAN: "A plan supplied with `--plan`"}


def level_of(code: str) -> str:
    """The catalogue's level for `code`; a code not in the catalogue is a mistake in the program."""
    try:
        return CATALOGUE[code].level
    except KeyError:
        raise KeyError(f"issue code {code!r} is not in cluster_xl/core/codes.py") from None


def markdown_table(group: str) -> str:
    """The README's table of one group, generated from the catalogue."""
    rows = ["| code | level | meaning |", "|---|---|---|"]
    rows += [f"| `{c.code}` | {c.level} | {c.meaning} |" for c in CODES if c.group == group]
    return "\n".join(rows)
