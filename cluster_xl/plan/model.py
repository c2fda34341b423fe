"""The cluster's approved plan: items, targets by year, aggregation rules, roster.

The default plan (the fuel-and-energy cluster of the seed document) ships as
data in `cluster_xl/plan/data/plan.json`.  Another cluster supplies its own plan as a
workbook (see `plan_workbook.py`) or as JSON of the same shape.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from typing import Iterable, Mapping

from ..core.issues import Issue, error
from ..core.text import fold

PLAN_FORMAT = 1

# Aggregation rules (DOMAIN.md); the words are what the plan data says.
RULES = ("sum", "ratio", "distinct", "cluster")
RULE_LABELS = {
    "sum": "сумма",
    "ratio": "отношение сумм",
    "distinct": "число различных",
    "cluster": "не более одного на кластер",
}
# How far an item should be by a given month (issue 4 refines the thresholds).
SCHEDULES = ("linear", "year_end", "level", "cumulative")
SCHEDULE_LABELS = {
    "linear": "равномерно в течение года",
    "year_end": "к концу года",
    "level": "уровень (сравнивается с целью)",
    "cumulative": "нарастающим итогом от значения прошлого года",
}
# Item statuses, as words of the code; their Russian labels live with the report.
ACHIEVED, ON_TRACK, BEHIND, NO_TARGET, NO_DATA = "achieved", "on_track", "behind", "no_target", "no_data"


def schedule_share(schedule: str, month: int) -> float:
    """How much of the year's way to its target should be done by the end of `month`.

    linear and cumulative: month/12; year_end: nothing before December; level: all of it
    (a level is compared with its target every month).  The README's «Statuses and the
    schedule» says the same in words; consolidation and the checks both judge by it."""
    if schedule == "level":
        return 1.0
    if schedule == "year_end":
        return 1.0 if month == 12 else 0.0
    return month / 12


def expected_value(schedule: str, target: float, previous: float, month: int) -> float:
    """Where an item should be by the end of `month`: a cumulative item starts from last
    year's target (`previous`), every other item from zero."""
    base = previous if schedule == "cumulative" else 0.0
    return base + (target - base) * schedule_share(schedule, month)


def judge(fact: float | None, target: float | None, expected: float | None, tolerance: float) -> str:
    """The status of one item in the report year (or a closed one, with expected = target)."""
    if target is None:
        return NO_TARGET
    if fact is None:
        return NO_DATA
    if fact >= target:
        return ACHIEVED
    if expected is not None and fact < expected * (1 - tolerance):
        return BEHIND
    return ON_TRACK


ROLES = ("base", "college", "employer")
ROLE_LABELS = {"base": "базовая организация", "college": "колледж", "employer": "работодатель"}
KINDS = ("activity", "indicator")
PART_ROLES = ("numerator", "denominator")
RATIO_OPS = {"eq": "=", "le": "≤", "ge": "≥"}
RATIO_ON = ("target", "fact")
SEVERITIES = ("error", "warning")


class PlanError(Exception):
    """The plan itself is unusable; `issues` says where, cell by cell."""

    def __init__(self, message: str, issues: Iterable[Issue] = ()):
        super().__init__(message)
        self.issues = list(issues)

    def __reduce__(self):  # comes back whole from a sandboxed worker
        return (PlanError, (str(self), self.issues))


@dataclass(frozen=True)
class Organisation:
    id: str
    short_name: str
    name: str
    role: str

    @property
    def submits(self) -> bool:
        """Colleges (the base one included) send monthly files; employers do not."""
        return self.role in ("base", "college")


@dataclass(frozen=True)
class Section:
    code: str
    title: str


@dataclass(frozen=True)
class Result:
    code: str
    section: str
    title: str


@dataclass(frozen=True)
class Part:
    """One of the two counts a ratio item is computed from."""

    code: str
    role: str  # numerator | denominator
    name: str
    unit: str


@dataclass(frozen=True)
class PlanItem:
    code: str
    kind: str  # activity | indicator
    section: str | None
    result: str | None
    name: str
    unit: str
    targets: Mapping[int, float | None]  # None = no target that year («-»)
    rule: str = "sum"
    cumulative: bool = False
    schedule: str = "linear"
    parts: tuple[Part, ...] = ()

    def target(self, year: int) -> float | None:
        return self.targets.get(year)

    def part(self, role: str) -> Part:
        return next(p for p in self.parts if p.role == role)

    @property
    def input_codes(self) -> tuple[str, ...]:
        """Row codes a college fills in for this item."""
        if self.rule == "ratio":
            return tuple(p.code for p in self.parts)
        if self.rule == "distinct":
            return ()  # derived from the list of specialties
        return (self.code,)


@dataclass(frozen=True)
class ControlRatio:
    """left <op> sum(right), e.g. П3 = 2.3.2, П7 ≥ 3.1 + 3.2."""

    left: tuple[str, ...]
    op: str
    right: tuple[str, ...]
    on: tuple[str, ...]
    severity: str
    note: str = ""

    @property
    def id(self) -> str:
        return f"{' + '.join(self.left)} {RATIO_OPS[self.op]} {' + '.join(self.right)}"


@dataclass(frozen=True)
class ClusterInfo:
    name: str
    region: str = ""
    industry: str = ""
    document: str = ""


ATTACHMENT_LINE = "Приложение к письму от ____________ № ________"


@dataclass(frozen=True)
class Settings:
    """Thresholds and the words of the printed report; additive, each with a default."""

    # A fact within this share below the schedule still counts as "on track".
    on_track_tolerance: float = 0.1
    # A fact smaller than last month's by more than this share is flagged (went-backwards).
    backwards_tolerance: float = 0.0
    # The signature block of the printed report (ГОСТ Р 7.0.97: position, signature, name).
    signatory_position: str = ""
    signatory_name: str = ""
    # The attachment mark in the top right corner of the first page of each printed sheet.
    attachment_line: str = ATTACHMENT_LINE
    # «По организациям»: colleges as columns up to this many, as rows above it.
    colleges_as_rows_above: int = 30
    # The printed document names every college up to this many; above it, the
    # distribution of colleges by % of plan and the furthest behind and ahead by name
    # (every college stays in the workbook).
    colleges_listed_up_to: int = 30


@dataclass(frozen=True)
class Plan:
    plan_id: str
    cluster: ClusterInfo
    years: tuple[int, ...]
    organisations: tuple[Organisation, ...]
    sections: tuple[Section, ...]
    results: tuple[Result, ...]
    items: tuple[PlanItem, ...]
    control_ratios: tuple[ControlRatio, ...] = ()
    settings: Settings = field(default_factory=Settings)

    @cached_property
    def by_code(self) -> dict[str, PlanItem]:
        return {i.code: i for i in self.items}

    def item(self, code: str) -> PlanItem:
        return self.by_code[code]

    @property
    def activities(self) -> tuple[PlanItem, ...]:
        return tuple(i for i in self.items if i.kind == "activity")

    @property
    def indicators(self) -> tuple[PlanItem, ...]:
        return tuple(i for i in self.items if i.kind == "indicator")

    @property
    def colleges(self) -> tuple[Organisation, ...]:
        return tuple(o for o in self.organisations if o.submits)

    @cached_property
    def input_codes(self) -> dict[str, PlanItem]:
        """Every row code a college fills in → the item it belongs to."""
        return {c: item for item in self.items for c in item.input_codes}

    @cached_property
    def input_units(self) -> dict[str, str]:
        """Every row code a college fills in → its unit (a ratio part has its own)."""
        units = {}
        for item in self.items:
            for code in item.input_codes:
                units[code] = next((p.unit for p in item.parts if p.code == code), item.unit)
        return units

    @cached_property
    def heading_codes(self) -> frozenset[str]:
        return frozenset([s.code for s in self.sections] + [r.code for r in self.results])

    def find_organisation(self, text: str) -> Organisation | None:
        """Match what a college typed against full name, short name or id.

        Exact (after folding case, quotes, dashes and ё) first; then the name without
        its legal-form abbreviation («БУ ПО», «ГБПОУ», «АУ», «ХМАО-Югры») or the part in
        quotes, when that form belongs to one organisation of the roster only."""
        key = normalise_name(text)
        if not key:
            return None
        found = self._organisation_index.get(key)
        if found is not None:
            return found
        for other in (key, *name_variants(text)):
            found = self._organisation_variants.get(other)
            if found is not None:
                return found
        return None

    def suggest_organisation(self, text: str) -> Organisation | None:
        """The roster organisation whose name is closest to `text` (for a message), if any is close."""
        import difflib

        key = normalise_name(text)
        if not key:
            return None
        names: dict[str, Organisation] = {}
        for org in self.organisations:
            for name in (org.short_name, org.name):
                names.setdefault(normalise_name(name), org)
                for variant in name_variants(name):
                    names.setdefault(variant, org)
        best: tuple[float, Organisation] | None = None
        for k in (key, *name_variants(text)):
            for match in difflib.get_close_matches(k, list(names), n=1, cutoff=0.75):
                score = difflib.SequenceMatcher(None, k, match).ratio()
                if best is None or score > best[0]:
                    best = (score, names[match])
        return best[1] if best else None

    @cached_property
    def _organisation_index(self) -> dict[str, Organisation]:
        # A national roster has thousands of organisations: look up, never scan.
        # The first organisation in roster order wins a name two of them share.
        index: dict[str, Organisation] = {}
        for org in self.organisations:
            for key in (normalise_name(org.name), normalise_name(org.short_name), org.id.lower()):
                index.setdefault(key, org)
        return index

    @cached_property
    def _organisation_variants(self) -> dict[str, Organisation]:
        """Names without legal forms and quoted parts -> organisation; a form two share is dropped."""
        index: dict[str, Organisation | None] = {}
        for org in self.organisations:
            for name in (org.name, org.short_name):
                for key in (normalise_name(name), *name_variants(name)):
                    index[key] = org if index.get(key, org) is org else None  # never guess between two
        return {k: v for k, v in index.items() if v is not None}


_QUOTES = "«»\"“”„‟'‘’‚‹›`´"
_DASHES = "-‐‑‒–—―−"
# Legal forms as people abbreviate them («БУ ПО», «ГБПОУ», «АУ», «ООО») are any all-capital
# word; region words that follow them («ХМАО-Югры»), and the words of the full forms.
_REGION_WORDS = frozenset({"югры", "югра", "хмао", "янао", "ханты", "мансийского", "автономного",
                           "округа", "ямало", "ненецкого"})
_LEGAL_WORDS = frozenset({
    "бюджетное", "автономное", "казенное", "государственное", "муниципальное", "областное",
    "краевое", "частное", "профессиональное", "образовательное", "общеобразовательное",
    "учреждение", "профессионального", "образования", "среднего", "высшего", "организация",
    "акционерное", "общество", "с", "ограниченной", "ответственностью", "публичное"})


def _unpunctuated(text: str) -> str:
    for q in _QUOTES:
        text = text.replace(q, " ")
    for d in _DASHES:
        text = text.replace(d, " ")
    return text


def normalise_name(text: str | None) -> str:
    """A name as compared: quotes dropped, dashes and hyphens as spaces, case and ё folded."""
    if not text:
        return ""
    return fold(_unpunctuated(str(text)))


_QUOTED = re.compile(r"[«\"“„]([^«»\"“”„]{3,})[»\"”“]")


def name_variants(text: str | None) -> tuple[str, ...]:
    """Other forms a roster name is typed in: the part in quotes, and the name without its
    leading legal-form abbreviations and words («БУ ПО «…»», «ГБПОУ ХМАО-Югры …»)."""
    if not text:
        return ()
    t = str(text)[:1000]
    out = [normalise_name(q) for q in _QUOTED.findall(t)]
    raw = _unpunctuated(t).split()
    words = [fold(w) for w in raw]
    k = 0
    while k < len(words) - 1:
        is_abbrev = 2 <= len(raw[k]) <= 8 and raw[k].isalpha() and raw[k].isupper()
        if not (is_abbrev or words[k] in _REGION_WORDS or words[k] in _LEGAL_WORDS):
            break
        k += 1
    if k:
        out.append(" ".join(words[k:]))
    return tuple(dict.fromkeys(v for v in out if v))


# Letters typed for digits (Cyrillic or Latin О for 0, З for 3) where a code has digits, the
# digit 3 for the letter з of a ratio part, and the letters typed for «П».
_DIGIT_LOOKALIKES = str.maketrans({"о": "0", "o": "0", "з": "3"})
_PART_LOOKALIKES = str.maketrans({"3": "з"})
# «П» as typed: Cyrillic п, Latin p, Cyrillic р (the look-alike of Latin p).
_INDICATOR_LETTERS = frozenset("пpр")


def normalise_code(text: object) -> str:
    """'1.1.1.' / ' 2.1.1. ' / '5.4.1 / Ч' -> '1.1.1' / '2.1.1' / '5.4.1/ч'.

    Look-alikes are read as meant: «Р3» / «P3» -> «П3», «1.О.1» -> «1.0.1» (a letter О for a
    zero), «5.4.1/3» -> «5.4.1/з» (the digit 3 for the letter з of a ratio part)."""
    if text is None:
        return ""
    if isinstance(text, float) and text.is_integer():
        text = int(text)
    t = "".join(str(text).split()).lower().rstrip(".")
    if len(t) > 1 and t[0] in _INDICATOR_LETTERS:
        digits = t[1:].translate(_DIGIT_LOOKALIKES)
        return "П" + digits if digits.isdigit() else t
    head, slash, tail = t.partition("/")
    digits = head.translate(_DIGIT_LOOKALIKES)
    if head[:1].isdigit() and digits.replace(".", "").isdigit() and ".." not in digits:
        return digits + slash + (tail.translate(_PART_LOOKALIKES) if len(tail) == 1 else tail)
    return t


# -- loading -----------------------------------------------------------------


def default_plan() -> Plan:
    data = resources.files("cluster_xl.plan").joinpath("data/plan.json").read_text(encoding="utf-8")
    return plan_from_dict(json.loads(data))


def plan_from_dict(d: dict) -> Plan:
    years = tuple(int(y) for y in d["years"])
    items = tuple(
        PlanItem(
            code=i["code"],
            kind=i["kind"],
            section=i.get("section"),
            result=i.get("result"),
            name=i["name"],
            unit=i["unit"],
            targets={y: _target(i["targets"].get(str(y))) for y in years},
            rule=i.get("rule", "sum"),
            cumulative=bool(i.get("cumulative", False)),
            schedule=i.get("schedule", "linear"),
            parts=tuple(Part(**p) for p in i.get("parts", ())),
        )
        for i in d["items"]
    )
    plan = Plan(
        plan_id=d["plan_id"],
        cluster=ClusterInfo(**d["cluster"]),
        years=years,
        organisations=tuple(Organisation(**o) for o in d["organisations"]),
        sections=tuple(Section(**s) for s in d["sections"]),
        results=tuple(Result(**r) for r in d["results"]),
        items=items,
        control_ratios=tuple(
            ControlRatio(
                left=tuple(r["left"]),
                op=r["op"],
                right=tuple(r["right"]),
                on=tuple(r["on"]),
                severity=r["severity"],
                note=r.get("note", ""),
            )
            for r in d.get("control_ratios", ())
        ),
        settings=Settings(**d.get("settings", {})),
    )
    problems = validate_plan(plan)
    if problems:
        raise PlanError("План содержит ошибки", problems)
    return plan


def plan_to_dict(plan: Plan) -> dict:
    return {
        "format": PLAN_FORMAT,
        "plan_id": plan.plan_id,
        "cluster": vars(plan.cluster).copy(),
        "years": list(plan.years),
        "settings": vars(plan.settings).copy(),
        "organisations": [vars(o).copy() for o in plan.organisations],
        "sections": [vars(s).copy() for s in plan.sections],
        "results": [vars(r).copy() for r in plan.results],
        "items": [
            {
                "code": i.code,
                "kind": i.kind,
                "section": i.section,
                "result": i.result,
                "name": i.name,
                "unit": i.unit,
                "targets": {str(y): _json_number(v) for y, v in i.targets.items()},
                "rule": i.rule,
                "cumulative": i.cumulative,
                "schedule": i.schedule,
                **({"parts": [vars(p).copy() for p in i.parts]} if i.parts else {}),
            }
            for i in plan.items
        ],
        "control_ratios": [
            {"left": list(r.left), "op": r.op, "right": list(r.right), "on": list(r.on),
             "severity": r.severity, "note": r.note}
            for r in plan.control_ratios
        ],
    }


def _target(v) -> float | None:
    return None if v is None else float(v)


def _json_number(v: float | None):
    if v is None:
        return None
    return int(v) if float(v).is_integer() else v


# -- structural validation ---------------------------------------------------


def validate_plan(plan: Plan) -> list[Issue]:
    """Structural problems that make a plan unusable (not control ratios)."""
    out: list[Issue] = []

    def bad(code: str, message: str, item: str = "") -> None:
        out.append(error(code, message, item=item))

    if not plan.years:
        bad("plan-no-years", "В плане не указаны годы.")
    seen: set[str] = set()
    all_codes = [i.code for i in plan.items] + [p.code for i in plan.items for p in i.parts]
    for code in all_codes:
        if code in seen:
            bad("plan-duplicate-code", f"Код {code} встречается в плане более одного раза.", code)
        seen.add(code)
    section_codes = {s.code for s in plan.sections}
    result_codes = {r.code for r in plan.results}
    for item in plan.items:
        where = f"Позиция {item.code}"
        if item.kind not in KINDS:
            bad("plan-bad-kind", f"{where}: вид «{item.kind}» не известен (ожидается: {', '.join(KINDS)}).", item.code)
        if item.rule not in RULES:
            bad("plan-bad-rule", f"{where}: правило «{item.rule}» не известно (ожидается: {', '.join(RULES)}).", item.code)
        if item.schedule not in SCHEDULES:
            bad("plan-bad-schedule", f"{where}: график «{item.schedule}» не известен.", item.code)
        if item.section and item.section not in section_codes:
            bad("plan-unknown-section", f"{where}: раздел {item.section} отсутствует в плане.", item.code)
        if item.result and item.result not in result_codes:
            bad("plan-unknown-result", f"{where}: результат {item.result} отсутствует в плане.", item.code)
        if not item.name.strip():
            bad("plan-missing-name", f"{where}: не указано наименование.", item.code)
        if item.rule == "ratio" and sorted(p.role for p in item.parts) != ["denominator", "numerator"]:
            bad("plan-ratio-parts", f"{where}: для правила «отношение сумм» нужны числитель и знаменатель.", item.code)
        for y, v in item.targets.items():
            if v is not None and v < 0:
                bad("plan-negative-target", f"{where}: цель на {y} год отрицательна ({v}).", item.code)
    for r in plan.control_ratios:
        for code in r.left + r.right:
            if code not in plan.by_code:
                bad("plan-ratio-unknown-code", f"Контрольное соотношение {r.id}: кода {code} нет в плане.", code)
        if r.op not in RATIO_OPS or r.severity not in SEVERITIES or not set(r.on) <= set(RATIO_ON):
            bad("plan-ratio-malformed", f"Контрольное соотношение {r.id}: неверно задан вид, знак или уровень.")
    seen_ids: set[str] = set()
    for o in plan.organisations:
        if o.role not in ROLES:
            bad("plan-bad-role", f"Организация «{o.short_name}»: роль «{o.role}» не известна.")
        if o.id in seen_ids:
            bad("plan-duplicate-organisation", f"Организация с идентификатором «{o.id}» указана дважды.")
        seen_ids.add(o.id)
    return out
