"""Checks: generators of `Issue`s over a submission, the plan and the cluster totals.

The reader already reported what could not be parsed; these checks judge what
was parsed: the title sheet, impossible numbers and the control ratios that
the plan carries as data (DOMAIN.md, «контрольные соотношения»).
"""

from __future__ import annotations

import operator
from collections import defaultdict
from functools import lru_cache
from typing import Iterator, Mapping

from ..reading.contract import HEADER_NOTE, REQUIRED_TITLE_FIELDS, TEMPLATE_FORMAT, TITLE_FIELDS, SHEET_TITLE
from ..core.issues import Issue, error, warning, Severity
from ..core.model import FACT, MEASURE_WORDS, TARGET, Entry, Period, Source, Submission
from ..core.numbers import format_ru
from ..core.text import fold, quote
from ..plan.model import BEHIND, RATIO_OPS, ControlRatio, Plan, PlanItem, expected_value, judge

# Whether a control ratio holds (left, right); also the self-check's mirror of its formulas.
RATIO_HOLDS = {"eq": lambda a, b: abs(a - b) < 1e-9, "le": operator.le, "ge": operator.ge}
_NEGATED = {"eq": "≠", "le": ">", "ge": "<"}
# Units of whole things: a fraction of one is a typo, never a figure (checked by unit_key).
_WHOLE_UNITS = frozenset({"чел", "ед"})
# A control ratio is judged on targets (the plan's, or a college's own) or on facts.
_ON_WORDS = {"target": "цель", "fact": "факт"}


def item_label(code: str) -> str:
    """П3 -> «показатель 3»; 2.3.2 stays 2.3.2."""
    return f"показатель {code[1:]}" if code.startswith("П") else code


def item_heading(code: str) -> str:
    """What a message about one item starts with: «Показатель 3», «Позиция 2.3.2»."""
    return f"Показатель {code[1:]}" if code.startswith("П") else f"Позиция {code}"


# -- one college's file ------------------------------------------------------


def check_submission(sub: Submission, plan: Plan, period: Period | None) -> list[Issue]:
    """Everything wrong with one parsed file, collected (never stops at the first)."""
    issues = list(_check_title(sub, plan, period))
    issues += _check_entries(sub, plan, period)
    issues += _check_units(sub, plan)
    issues += _check_issued(sub, plan)
    values, cells = _college_values(sub)
    for measure in (TARGET, FACT):
        issues += evaluate_ratios(plan, values, measure, measure, sub.file, cells)
    # A reason is asked for a figure read as meant; one with an error is fixed first.
    wrong = {i.item for i in issues if i.is_error and i.item}
    issues += _check_reasons(sub, plan, period or sub.period, values, wrong)
    return issues


def _check_title(sub: Submission, plan: Plan, period: Period | None) -> Iterator[Issue]:
    def at(key: str) -> dict:
        return dict(file=sub.file, sheet=SHEET_TITLE, cell=sub.title_cells.get(key, ""))

    for key in REQUIRED_TITLE_FIELDS:
        if not str(sub.title.get(key, "") or "").strip():
            yield error("missing-title-field",
                        f"На листе «{SHEET_TITLE}» не заполнено поле «{TITLE_FIELDS[key]}».", **at(key))
    if sub.organisation.strip():
        org = plan.find_organisation(sub.organisation)
        if org is None:
            closest = plan.suggest_organisation(sub.organisation)
            hint = f" Возможно, имелась в виду «{closest.short_name}»." if closest else ""
            yield error("unknown-organisation",
                        f"Организация «{quote(sub.organisation)}» не входит в состав кластера; "
                        f"ожидается наименование из списка на листе «Титул».{hint}",
                        value=quote(sub.organisation), **at("organisation"))
        elif not org.submits:
            yield warning("not-a-college",
                          f"Организация «{org.short_name}» — работодатель; отчёт по форме "
                          "представляют образовательные организации, значения файла в свод не включены.",
                          value=quote(sub.organisation), **at("organisation"))
    yield from _check_period(sub, plan, period, at("period"))
    yield from _check_version(sub, plan, at("template_version"))


def _check_period(sub: Submission, plan: Plan, period: Period | None, where: dict) -> Iterator[Issue]:
    if sub.title.get("period") and sub.period is None:
        yield error("bad-period",
                    f"Отчётный период «{quote(sub.title['period'])}» не распознан; ожидается ГГГГ-ММ "
                    "(например, 2026-10) или месяц и год словами («октябрь 2026»).",
                    value=quote(sub.title["period"]), **where)
    elif sub.period is not None and period is not None and sub.period != period:
        yield error("wrong-period",
                    f"В файле указан отчётный период {sub.period.words} ({sub.period}), а отчёт "
                    f"ожидается за {period.words} ({period}).", value=str(sub.period), **where)
    elif sub.period is not None and sub.period.year not in plan.years:
        yield error("wrong-period",
                    f"Отчётный период {sub.period} вне срока плана ({plan.years[0]}–{plan.years[-1]} гг.).",
                    value=str(sub.period), **where)


def _check_version(sub: Submission, plan: Plan, where: dict) -> Iterator[Issue]:
    version = sub.template_version
    if not version:
        yield warning("unknown-template-version",
                      "Версия шаблона не указана: файл заполнен не по действующему шаблону либо поле удалено.",
                      **where)
        return
    fmt, _, plan_id = version.partition("/")
    if fmt != TEMPLATE_FORMAT:
        yield error("template-version",
                    f"Файл заполнен по шаблону версии {version}, а действующая версия — "
                    f"{TEMPLATE_FORMAT}/{plan.plan_id}. Заполните действующий шаблон.",
                    value=version, **where)
    elif plan_id != plan.plan_id:
        yield warning("template-plan",
                      f"Шаблон выпущен для плана «{plan_id}», а свод ведётся по плану «{plan.plan_id}».",
                      value=version, **where)


def _check_entries(sub: Submission, plan: Plan, period: Period | None) -> Iterator[Issue]:
    for e in sub.entries:  # `_where` only where there is an issue: most entries have none
        unit = _unit_of(plan, e.code)
        if e.value < 0:
            yield error("negative-number",
                        f"Отрицательное значение {format_ru(e.value, 2)} в строке {e.code}; "
                        "ожидается число не меньше нуля.", **_where(e.source, e))
        elif unit and unit_key(unit) in _WHOLE_UNITS and not float(e.value).is_integer():
            yield error("fraction",
                        f"Дробное значение {format_ru(e.value, 3)} в строке {e.code} "
                        f"(ед. изм. «{unit}»): ожидается целое число. Если это тысячи, запишите "
                        "число без точки и запятой (например, 1160).", **_where(e.source, e))
        elif unit == "%" and e.value > 100:
            yield error("percent-out-of-range",
                        f"Значение {format_ru(e.value, 2)} % в строке {e.code} больше 100 %; "
                        "ожидается процент от 0 до 100.", **_where(e.source, e))
        if e.measure == "fact" and period is not None and e.year > period.year:
            yield warning("future-fact",
                          f"Факт за {e.year} год указан в отчёте за {period}: факт будущего года не учитывается "
                          "в оценке исполнения.", **_where(e.source, e))
    yield from _check_ratio_parts(sub, plan)


def college_value(item: PlanItem, values: Mapping[tuple[str, int, str], float], year: int,
                  measure: str) -> float | None:
    """One college's own value of an item, by the item's rule (None where it gave none).

    The same rules as the cluster's, on one college: a sum is its row, a «cluster» item
    is 1 once it happened, a ratio is its own numerator over its own denominator."""
    if item.rule == "ratio":
        num = values.get((item.part("numerator").code, year, measure))
        den = values.get((item.part("denominator").code, year, measure))
        return None if num is None or not den or den <= 0 else num / den * 100
    if item.rule == "distinct":
        return None  # counted from the specialties list, which has no reason column
    value = values.get((item.code, year, measure))
    if value is None or item.rule != "cluster":
        return value
    return 1.0 if value > 0 else 0.0


def college_status(item: PlanItem, values: Mapping[tuple[str, int, str], float], period: Period,
                   tolerance: float) -> tuple[str, float | None]:
    """A college's status on an item in the report year against its own target, and where the
    schedule wants it by the report month: what `reason-missing` and the explanatory sheet use."""
    target = college_value(item, values, period.year, TARGET)
    fact = college_value(item, values, period.year, FACT)
    if target is None:
        return judge(fact, None, None, tolerance), None
    previous = college_value(item, values, period.year - 1, TARGET) or 0.0
    expected = expected_value(item.schedule, target, previous, period.month)
    return judge(fact, target, expected, tolerance), expected


def _check_reasons(sub: Submission, plan: Plan, period: Period | None,
                   values: Mapping[tuple[str, int, str], float], wrong: set[str]) -> Iterator[Issue]:
    """`reason-missing`: an item behind the college's own target and schedule, its reason empty
    (not for an item whose figures have an error: those are to be corrected, not explained)."""
    if period is None or period.year not in plan.years:
        return
    for item in plan.items:
        if wrong & {item.code, *item.input_codes}:
            continue
        cells = [sub.note_cells[c] for c in item.input_codes if c in sub.note_cells]
        if not cells or any(sub.notes.get(c) for c in item.input_codes):
            continue
        status, expected = college_status(item, values, period, plan.settings.on_track_tolerance)
        if status != BEHIND:
            continue
        fact = college_value(item, values, period.year, FACT)
        target = college_value(item, values, period.year, TARGET)
        digits = 1 if item.unit == "%" else 2
        yield warning(
            "reason-missing",
            f"{item_heading(item.code)}: факт {format_ru(fact, digits)} ниже ожидаемого по графику "
            f"на {period.words} ({format_ru(expected, digits)} при цели организации "
            f"{format_ru(target, digits)} на {period.year} год), а причина отставания не указана. "
            f"Укажите её в графе «{HEADER_NOTE}».",
            file=cells[0].file, sheet=cells[0].sheet, cell=cells[0].cell, item=item.code,
            year=period.year, value=format_ru(fact, digits))


def _check_ratio_parts(sub: Submission, plan: Plan) -> Iterator[Issue]:
    by_key: dict[tuple, dict[str, Entry]] = defaultdict(dict)
    for e in sub.entries:
        item = plan.input_codes.get(e.code)
        if item is not None and item.rule == "ratio":
            role = next(p.role for p in item.parts if p.code == e.code)
            by_key[(item.code, e.year, e.measure)][role] = e
    for (code, year, measure), parts in by_key.items():
        num, den = parts.get("numerator"), parts.get("denominator")
        if num and den and num.value > den.value:
            yield error("ratio-part-exceeds-whole",
                        f"Позиция {code}, {year} год, {MEASURE_WORDS[measure]}: часть ({num.code}: "
                        f"{format_ru(num.value)}) больше целого ({den.code}: {format_ru(den.value)}).",
                        **_where(num.source, num))


def _check_units(sub: Submission, plan: Plan) -> Iterator[Issue]:
    """A unit typed over the template's: the figures may be in other units than planned."""
    for code, (typed, source) in sub.units.items():
        expected = _unit_of(plan, code)
        if typed and expected and unit_key(typed) != unit_key(expected):
            yield warning("unit-changed",
                          f"В строке {code} единица измерения изменена на «{quote(typed)}», а по плану — "
                          f"«{expected}»: значения строки учитываются как «{expected}». Верните "
                          "единицу измерения шаблона и проверьте значения.",
                          file=source.file, sheet=source.sheet, cell=source.cell, item=code, value=quote(typed))


# Spellings of one unit; anything else is another unit.
_UNIT_SPELLINGS = {
    "чел": ("чел", "человек", "человека", "челов"),
    "ед": ("ед", "единиц", "единица", "единицы"),
    "тысруб": ("тысруб", "тысрублей", "тысячрублей", "тысячруб"),
    "%": ("%", "процент", "процентов", "проц"),
}
_UNIT_KEYS = {spelling: key for key, spellings in _UNIT_SPELLINGS.items() for spelling in spellings}


@lru_cache(maxsize=1024)  # the same few spellings in every file
def unit_key(text: str) -> str:
    """«Тыс. руб.», «тыс.руб», «тысяч рублей» -> «тысруб»: one key per unit."""
    compact = "".join(ch for ch in fold(text) if ch not in " .,")
    return _UNIT_KEYS.get(compact, compact)


def _check_issued(sub: Submission, plan: Plan) -> Iterator[Issue]:
    """Targets the template was issued with (hidden «Контроль» sheet) must come back unchanged."""
    typed = {(e.code, e.year): e for e in sub.entries if e.measure == "target"}
    for (code, year), issued in sorted(sub.issued.items()):
        entry = typed.get((code, year))
        now = entry.value if entry else None
        if now == issued or (now is not None and issued is not None and abs(now - issued) < 1e-9):
            continue
        source = entry.source if entry else sub.cells.get((code, year, "target"))
        where = dict(file=sub.file, item=code, year=year, value=format_ru(now, 2) if entry else "")
        if source is not None:
            where.update(sheet=source.sheet, cell=source.cell)
        yield error("plan-changed",
                    f"План {year} года в строке {code} изменён: в файле — {_target_words(now)}, "
                    f"а в выданном шаблоне — {_target_words(issued)}. Плановые значения "
                    "организации не изменяются; верните выданное значение.", **where)


def _target_words(value: float | None) -> str:
    return "«-» (не планируется) или пусто" if value is None else format_ru(value, 2)


def _unit_of(plan: Plan, code: str) -> str:
    return plan.input_units.get(code, "")


def _where(source: Source, e: Entry) -> dict:
    return dict(file=source.file, sheet=source.sheet, cell=source.cell, item=e.code, year=e.year,
                value=format_ru(e.value, 2))


def _college_values(sub: Submission):
    values: dict[tuple[str, int, str], float] = {}
    cells: dict[tuple[str, int, str], Source] = {}
    for e in sub.entries:
        key = (e.code, e.year, e.measure)
        values[key] = values.get(key, 0.0) + e.value
        cells.setdefault(key, e.source)
    return values, cells


# -- control ratios ----------------------------------------------------------


def evaluate_ratios(plan: Plan, values: Mapping[tuple[str, int, str], float], measure: str, on: str,
                    file: str = "", cells: Mapping[tuple[str, int, str], Source] | None = None,
                    scope: str = "") -> Iterator[Issue]:
    """Each control ratio that applies `on` target or fact, for every plan year.

    `values[(code, year, measure)]`; a ratio with a side that has no value is
    not judged (an empty row is reported elsewhere, if at all).
    """
    for ratio in plan.control_ratios:
        if on not in ratio.on:
            continue
        for year in plan.years:
            left = _side(values, ratio.left, year, measure)
            right = _side(values, ratio.right, year, measure)
            if left is None or right is None or RATIO_HOLDS[ratio.op](left, right):
                continue
            yield _ratio_issue(ratio, year, on, left, right, file, cells, measure, scope)


def _side(values, codes, year, measure) -> float | None:
    got = [values.get((c, year, measure)) for c in codes]
    if any(v is None for v in got):
        return None
    return sum(got)


def _ratio_issue(ratio: ControlRatio, year, on, left, right, file, cells, measure, scope) -> Issue:
    left_text = " + ".join(item_label(c) for c in ratio.left)
    right_text = " + ".join(item_label(c) for c in ratio.right)
    message = (f"{scope}{year} год, {_ON_WORDS[on]}: {left_text} ({format_ru(left)}) "
               f"{_NEGATED[ratio.op]} {right_text} ({format_ru(right)}); "
               f"ожидается {left_text} {RATIO_OPS[ratio.op]} {right_text}")
    if ratio.note:
        message += f" ({ratio.note})"
    source = (cells or {}).get((ratio.left[0], year, measure))
    where = dict(file=file, item=ratio.left[0], year=year, value=format_ru(left))
    if source is not None:
        where.update(sheet=source.sheet, cell=source.cell)
    make = error if ratio.severity == Severity.ERROR.value else warning
    return make("ratio-violated", message + ".", **where)


# -- the plan and the cluster totals -----------------------------------------


def check_plan(plan: Plan) -> list[Issue]:
    """Control ratios on the approved targets; cumulative targets must not decrease."""
    values = {(i.code, y, "target"): v for i in plan.items for y, v in i.targets.items() if v is not None}
    issues = list(evaluate_ratios(plan, values, "target", "target", scope="Утверждённый план, "))
    for item in plan.items:
        if not item.cumulative:
            continue
        known = [(y, v) for y, v in sorted(item.targets.items()) if v is not None]
        for (y0, v0), (y1, v1) in zip(known, known[1:]):
            if v1 < v0:
                issues.append(warning(
                    "target-decreases",
                    f"Утверждённый план: цель {item_label(item.code)} нарастающим итогом уменьшается "
                    f"с {format_ru(v0)} ({y0} г.) до {format_ru(v1)} ({y1} г.).",
                    item=item.code, year=y1))
    return issues


def check_totals(plan: Plan, totals, period: Period) -> list[Issue]:
    """Control ratios on the cluster totals (colleges' targets and facts)."""
    values: dict[tuple[str, int, str], float] = {}
    for row in totals.itertuples(index=False):
        if row.colleges_target == row.colleges_target:  # not NaN
            values[(row.code, row.year, "target")] = row.colleges_target
        if row.fact == row.fact and row.year <= period.year:
            values[(row.code, row.year, "fact")] = row.fact
    issues = list(evaluate_ratios(plan, values, "target", "target", scope="Итоги по кластеру, "))
    issues += evaluate_ratios(plan, values, "fact", "fact", scope="Итоги по кластеру, ")
    return issues
