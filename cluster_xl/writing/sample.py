"""Realistic filled templates for the bundled example, the tests and the benchmark.

The seven example colleges split every approved target exactly (largest
remainder), so their targets add up to the plan; facts are year-to-date for
the report month with some items behind and some ahead; specialty lists
overlap (indicator 2 counts distinct codes); one college has no graduates
yet (5.4.1 must not divide by zero).  Everything is fictional.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Sequence

from ..core.model import Period
from ..core.office import OfficeError, convert
from ..checks.rules import college_status
from ..plan.model import BEHIND, Plan, PlanItem
from .template import Filling, write_template

# (code, name): real federal specialty codes of the fuel-and-energy field.
SPECIALTIES = [
    ("08.02.09", "Монтаж, наладка и эксплуатация электрооборудования промышленных и гражданских зданий"),
    ("13.01.10", "Электромонтер по ремонту и обслуживанию электрооборудования (по отраслям)"),
    ("13.02.02", "Теплоснабжение и теплотехническое оборудование"),
    ("13.02.03", "Электрические станции, сети и системы"),
    ("13.02.06", "Релейная защита и автоматизация электроэнергетических систем"),
    ("13.02.07", "Электроснабжение"),
    ("13.02.11", "Техническая эксплуатация и обслуживание электрического и электромеханического "
                 "оборудования (по отраслям)"),
    ("15.01.05", "Сварщик (ручной и частично механизированной сварки (наплавки))"),
    ("15.02.01", "Монтаж и техническая эксплуатация промышленного оборудования (по отраслям)"),
    ("15.02.14", "Оснащение средствами автоматизации технологических процессов и производств (по отраслям)"),
    ("18.02.09", "Переработка нефти и газа"),
    ("18.02.12", "Технология аналитического контроля химических соединений"),
    ("21.01.01", "Оператор нефтяных и газовых скважин"),
    ("21.02.01", "Разработка и эксплуатация нефтяных и газовых месторождений"),
    ("21.02.02", "Бурение нефтяных и газовых скважин"),
    ("21.02.03", "Сооружение и эксплуатация газонефтепроводов и газонефтехранилищ"),
    ("21.02.18", "Обогащение полезных ископаемых"),
    ("23.01.17", "Мастер по ремонту и обслуживанию автомобилей"),
    ("23.02.07", "Техническое обслуживание и ремонт двигателей, систем и агрегатов автомобилей"),
    ("09.02.07", "Информационные системы и программирование"),
    ("27.02.04", "Автоматические системы управления"),
    ("20.02.04", "Пожарная безопасность"),
    ("15.02.10", "Мехатроника и мобильная робототехника (по отраслям)"),
    ("13.02.12", "Электрические станции, сети, их релейная защита и автоматизация"),
]

# Which specialties each example college teaches (indices into SPECIALTIES).
# The lists overlap, so the cluster's distinct count (23) is below the sum.
_EXAMPLE_SPECIALTIES = [
    [6, 5, 3, 4, 0, 19],      # base college
    [13, 14, 15, 12, 6],      # petroleum
    [2, 3, 5, 6, 23],         # energy and gas; 13.02.12 only from 2028
    [0, 7, 17, 18, 21],       # construction
    [16, 8, 9, 7, 20],        # mining
    [18, 17, 10, 11, 22],     # transport and technology
    [1, 7, 9, 13],            # vocational
]
_LATE_SPECIALTY = "13.02.12"  # planned for 2028 only: indicator 2 grows 23 -> 24
_NOT_STARTED = "27.02.04"     # planned for 2026 but not yet taught in October

_PEOPLE = [
    ("Соколова Анна Викторовна", "заместитель директора по учебно-производственной работе"),
    ("Петров Игорь Семёнович", "методист"),
    ("Кузнецова Ольга Андреевна", "заместитель директора по учебной работе"),
    ("Васильев Денис Олегович", "руководитель центра карьеры"),
    ("Морозова Елена Ивановна", "методист"),
    ("Никитин Павел Геннадьевич", "заведующий отделением"),
    ("Федорова Светлана Юрьевна", "старший методист"),
]

# Equal control ratios (П3 = 2.3.2 …) hold for each college when both sides are
# split with the same weights; 2.3.1 follows 2.3.2 so the part stays within the whole.
_FAMILY = {"1.1.3": "1.1.2", "1.2.1": "1.1.2", "П3": "2.3.2", "2.3.1": "2.3.2", "П4": "5.1.1",
           "П6": "6.4.1", "П1": "1.6.1", "П7": "3.1", "3.2": "3.1"}
# Year-to-date share of the college's own target reached by October, by item.
_FACT_SHARE = {"4.2.1": 0.4, "6.3.1": 0.55, "1.1.2": 0.6, "1.1.3": 0.5, "2.4.1": 1.25,
               "6.1.1": 1.1, "6.1.2": 0.95, "5.2.1": 1.0, "5.3.1": 1.0, "6.5.1": 0.86,
               "П1": 1.0, "П5": 0.9, "П7": 0.7, "3.1": 0.8, "3.2": 0.5}


# The shares above are October's.  Other months scale them by month / 10, except
# that one college over-reported 2.4.1 in September and corrected it in October:
# the month-on-month comparison of the examples flags that item (went-backwards).
_SEPTEMBER_OVERSTATED = ("2.4.1", 0)


def _pace(code: str, college: int, period: Period) -> float:
    if period.month == 10:
        return 1.0  # exactly: the October example stays as shipped
    if period.month == 9 and (code, college) == _SEPTEMBER_OVERSTATED:
        return 1.6
    return period.month / 10


@dataclass(frozen=True)
class CollegeFile:
    org_id: str
    file_name: str
    filling: "Filling"


def split_exact(total: float, weights: Sequence[float]) -> list[int]:
    """Integers proportional to `weights` that add up to `total` exactly."""
    total = int(round(total))
    raw = [total * w / sum(weights) for w in weights]
    parts = [int(r) for r in raw]
    by_remainder = sorted(range(len(raw)), key=lambda i: (raw[i] - parts[i], -i), reverse=True)
    for i in by_remainder[: total - sum(parts)]:
        parts[i] += 1
    return parts


def _weights(seed: str, n: int) -> list[float]:
    rng = random.Random(seed)
    base = [1.6] + [1.0] * (n - 1)
    return [b * rng.uniform(0.6, 1.4) for b in base]


def example_fillings(plan: Plan, period: Period) -> list[CollegeFile]:
    """The seven example colleges' filled templates for `period`."""

    colleges = plan.colleges
    n = len(colleges)
    values: list[dict] = [dict() for _ in colleges]
    for item in plan.items:
        _fill_item(item, plan, period, values)
    files = []
    for k, org in enumerate(colleges):
        person, position = _PEOPLE[k % len(_PEOPLE)]
        title = {
            "organisation": org.short_name,
            "period": str(period),
            "responsible": person,
            "position": position,
            "phone": f"+7 (900) 100-20-{k + 1:02d}",
            "email": f"otchet@{org.id}.example",
            "filled_on": date(period.year + (period.month == 12), period.month % 12 + 1, 3 + k),
        }
        files.append(CollegeFile(org.id, f"{k + 1:02d}_{org.id}_{period}.xlsx",
                                 Filling(title=title, values=values[k],
                                         specialties=_specialties(k, plan),
                                         notes=_notes(k, plan, period, values[k]))))
    assert n == len(files)
    return files


def _fill_item(item: PlanItem, plan: Plan, period: Period, values: list[dict]) -> None:
    n = len(values)
    if item.rule == "distinct":
        return
    if item.rule == "cluster":
        for y in plan.years:
            if item.target(y):
                values[0][(item.code, y, "target")] = 1
        # The base college held it; two others report the same event again.
        if item.code in ("1.3.1", "2.2.1", "1.5.1", "1.5.2"):
            values[0][(item.code, period.year, "fact")] = 1
        if item.code == "1.5.1":
            values[1][(item.code, period.year, "fact")] = 1
            values[3][(item.code, period.year, "fact")] = 1
        return
    if item.rule == "ratio":
        _fill_ratio(item, plan, period, values)
        return
    weights = _weights(_FAMILY.get(item.code, item.code), n)
    for y in plan.years:
        target = item.target(y)
        if target is None:
            continue
        shares = split_exact(target, weights)
        for k in range(n):
            if shares[k]:
                values[k][(item.code, y, "target")] = shares[k]
        if y == period.year:
            share = _FACT_SHARE.get(item.code, None)
            for k in range(n):
                rng = random.Random(f"{item.code}-{k}")
                s = share if share is not None else rng.uniform(0.8, 0.97)
                if item.code in _FAMILY or item.code in _FAMILY.values():
                    s = share if share is not None else 0.9  # equal pairs keep equal facts
                fact = round(shares[k] * s * _pace(item.code, k, period))
                if item.code in ("2.3.1",):
                    fact = min(fact, round(shares[k] * 0.9))
                values[k][(item.code, y, "fact")] = fact


def _fill_ratio(item: PlanItem, plan: Plan, period: Period, values: list[dict]) -> None:
    """Graduates and employed graduates; the ratio target is met on the colleges' plans."""
    n = len(values)
    num, den = item.part("numerator").code, item.part("denominator").code
    for y in plan.years:
        target = item.target(y)
        if target is None:
            continue
        total = 300
        dens = split_exact(total, _weights(den, n))
        nums = split_exact(total * target / 100, dens)
        for k in range(n):
            values[k][(den, y, "target")] = dens[k]
            values[k][(num, y, "target")] = nums[k]
    graduates = [52, 38, 30, 0, 27, 22, 31]  # the fourth college has no graduates yet
    employed = [46, 31, 27, 0, 21, 20, 24]
    for k in range(n):
        values[k][(den, period.year, "fact")] = graduates[k % len(graduates)]
        values[k][(num, period.year, "fact")] = employed[k % len(employed)]


def _specialties(k: int, plan: Plan):
    rows = []
    for idx in _EXAMPLE_SPECIALTIES[k % len(_EXAMPLE_SPECIALTIES)]:
        code, name = SPECIALTIES[idx]
        plan_years = frozenset(y for y in plan.years if code != _LATE_SPECIALTY or y >= 2028)
        fact_years = frozenset() if code in (_LATE_SPECIALTY, _NOT_STARTED) else frozenset({2026})
        rows.append((code, name, plan_years, fact_years & frozenset(plan.years)))
    return rows


# What a college writes for an item behind its schedule (the example's fifth college writes
# nothing, so the example month shows `reason-missing`).
_REASONS = {
    "1.1.1": ("Приказ о включении представителя в экспертную группу ожидается в ноябре.",
              "Представитель колледжа включён в экспертную группу с ноября (приказ от 28.10.2026)."),
    "1.1.2": ("Согласование двух программ с работодателем перенесено на ноябрь: ожидается заключение "
              "экспертной группы.",
              "Программы направлены работодателю 20.10.2026; согласование ожидается до 30.11.2026."),
    "1.1.3": ("Экспертная оценка проводится после согласования ОПОП-П (п. 1.1.2); завершение — в декабре.",
              "Анализ программ запланирован на заседание экспертной группы в декабре."),
    "2.1.1": ("Обучение запланировано на ноябрь по графику центра повышения квалификации.",
              "Заявка на обучение подана; обучение — в ноябре."),
    "3.2": ("Оборудование по договору пожертвования передаётся после поставки, в ноябре.",
            "Акт приёма-передачи имущества будет подписан в декабре после монтажа оборудования."),
    "4.2.1": ("Обучение части педагогов перенесено на ноябрь по графику ЦПК.",
              "Один педагог на больничном; обучение перенесено на следующий поток ЦПК."),
    "4.3.1": ("Стажировка на предприятии перенесена на декабрь по просьбе работодателя.",
              "Стажировка начнётся в ноябре после согласования программы с предприятием."),
    "6.3.1": ("Основная часть профориентационных мероприятий проводится в ноябре–декабре.",
              "Мероприятия ЕДОД для школ района запланированы на ноябрь."),
    "П7": ("Средства бюджета субъекта поступают поквартально; за IV квартал — в декабре.",
           "Внебюджетные средства работодателя поступят после заключения договора в ноябре."),
}
_SILENT_COLLEGE = 4


def _notes(k: int, plan: Plan, period: Period, values: dict) -> dict[str, str]:
    notes = {}
    if k == 3:
        notes["5.4.1/з"] = "Первый выпуск по программам кластера — в 2027 году."
    if k == _SILENT_COLLEGE:
        return notes
    for item in plan.items:
        status, _ = college_status(item, values, period, plan.settings.on_track_tolerance)
        if status == BEHIND and item.code in _REASONS and item.input_codes:
            notes[item.input_codes[0]] = _REASONS[item.code][k % 2]
    return notes


def write_examples(plan: Plan, folder: Path, period: Period, ods_index: int | None = 6) -> list[Path]:
    """Write the example set; the college at `ods_index` is saved as .ods (via LibreOffice)."""

    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for k, cf in enumerate(example_fillings(plan, period)):
        path = write_template(plan, folder / cf.file_name, cf.filling)
        if k == ods_index:
            path = convert_with_libreoffice(path, "ods")
        paths.append(path)
    return paths


def convert_with_libreoffice(path: Path, fmt: str, outdir: Path | None = None) -> Path:
    """Convert with LibreOffice; the source is removed only if it is replaced in place."""
    outdir = outdir or path.parent
    try:
        out = convert(path, fmt, outdir, timeout=180)
    except OfficeError as exc:
        raise RuntimeError(str(exc)) from None
    if outdir == path.parent and out != path:
        path.unlink()
    return out
