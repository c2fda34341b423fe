"""`cluster-xl`: thin click commands over the library.

Exit codes (decided in one place, `main`):
  0 — no problems; 1 — problems found (a file rejected, an error, or with
  --strict a warning); 2 — the command was called wrongly (usage);
  3 — an internal error (a bug: please report it with the input files).
"""

from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path

import click

from ..core.files import os_reason
from ..core.model import SPANS, Period, parse_date, parse_period, parse_span, with_span
from ..core.text import printable
from ..core.version import __version__
from .words import Group, install

install()  # click's own messages in Russian

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_TERMINATED = 0, 1, 2, 3, 130, 143


class PeriodType(click.ParamType):
    name = "ГГГГ-ММ"

    def convert(self, value, param, ctx):
        if isinstance(value, Period):
            return value
        period = parse_period(value)
        if period is None and self.spans:
            period = parse_span(value)
        if period is None:
            more = "; за квартал, полугодие, 9 месяцев, год — 2026-Q3, 2026-H1, 2026-9M, 2026" if self.spans else ""
            self.fail(f"«{value}» — не отчётный период; ожидается ГГГГ-ММ, например 2026-10{more}.", param, ctx)
        return period

    def __init__(self, spans: bool = False):
        self.spans = spans


class DateType(click.ParamType):
    name = "ДД.ММ.ГГГГ"

    def convert(self, value, param, ctx):
        found = parse_date(value, exact=True)
        if found is not None:
            return found
        self.fail(f"«{value}» — не дата; ожидается ДД.ММ.ГГГГ, например 05.11.2026.", param, ctx)


def previous_month(today: date | None = None) -> Period:
    today = today or date.today()
    return Period(today.year - (today.month == 1), 12 if today.month == 1 else today.month - 1)


def regular_file(ctx, param, value):
    """A file to read must be an ordinary file: a pipe or a device would block or never end."""
    import stat

    for path in (value if isinstance(value, tuple) else (value,)):
        if path is not None and not stat.S_ISREG(os.stat(path).st_mode):
            raise click.BadParameter(f"«{printable(str(path))}» — не обычный файл (канал, устройство "
                                     "или иной особый файл); укажите файл книги.")
    return value


def xlsx_path(ctx, param, value: Path | None) -> Path | None:
    if value is not None and value.suffix.lower() != ".xlsx":
        raise click.BadParameter(f"«{value.name}»: книга записывается в формате .xlsx; "
                                 "укажите имя файла с расширением .xlsx.")
    return value


def plan_option(f):
    return click.option(
        "--plan", "plan_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
        callback=regular_file, help="Файл плана кластера (.xlsx, .ods или .json). По умолчанию — встроенный план.")(f)


def load(plan_path: Path | None):
    from ..plan.model import PlanError, default_plan
    from ..run.untrusted import plan_from
    from .render import issue_line

    try:
        return default_plan() if plan_path is None else plan_from(plan_path)
    except PlanError as exc:
        lines = [str(exc)] + [issue_line(i) for i in exc.issues]
        raise click.ClickException(printable("\n".join(lines))) from None


def _positive(ctx, param, value: int | None) -> int | None:
    if value is not None and value < 1:
        raise click.BadParameter(f"«{value}» — ожидается целое число не меньше 1.")
    return value


def jobs_option(f):
    return click.option(
        "--jobs", "jobs", type=int, default=None, metavar="N", callback=_positive,
        help="Сколько файлов читать одновременно (процессов). По умолчанию — по числу ядер "
             "процессора; 1 — по одному. Каждый файл читается в отдельном процессе с пределами "
             "времени и памяти; файл, на котором чтение аварийно завершилось или превысило "
             "предел, отклоняется, остальные сводятся.")(f)


class Problems(Exception):
    """Raised by a command to end with exit code 1 after printing its report."""


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="cluster-xl", message="%(prog)s, версия %(version)s")
def cli():
    """Свод ежемесячных отчётов организаций кластера «Профессионалитет».

    Порядок работы: «template» — выпустить шаблон для колледжей; «check» —
    проверить заполненный файл; «consolidate» — свести файлы за период в одну
    книгу. Коды завершения: 0 — замечаний нет, 1 — есть замечания,
    2 — команда вызвана неверно.
    """


@cli.command()
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              callback=xlsx_path, help="Куда записать шаблон (.xlsx).")
@click.option("--organisation", metavar="НАИМЕНОВАНИЕ",
              help="Заранее вписать организацию (краткое наименование из плана).")
@click.option("--period", type=PeriodType(), help="Заранее вписать отчётный период (ГГГГ-ММ).")
@click.option("--targets-from", "targets_from", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              callback=regular_file, help="Вписать и закрепить плановые значения организации из её отчёта (например, "
                   "за прошлый месяц); изменённый колледжем план будет отмечен при своде.")
@plan_option
def template(output: Path, organisation: str | None, period: Period | None, targets_from: Path | None,
             plan_path: Path | None):
    """Выпустить шаблон отчёта для заполнения колледжем."""
    from ..writing.template import Filling, write_template

    _distinct_output(output, [targets_from, plan_path])
    plan = load(plan_path)
    title, targets, specialties = {}, {}, ()
    if targets_from is not None:
        organisation_in_file, targets, specialties, contacts = _issued_targets(targets_from, plan)
        organisation = organisation or organisation_in_file
        title.update(contacts)
    if organisation:
        org = plan.find_organisation(organisation)
        if org is None:
            raise click.BadParameter(printable(f"организации «{organisation}» нет в составе кластера."
                                               + _closest_names(organisation, plan)),
                                     param_hint="--organisation")
        title["organisation"] = org.short_name
    if period:
        title["period"] = str(_period_of_plan(period, plan))
    filling = Filling(title=title, values=targets, specialties=specialties, lock_plan=targets_from is not None)
    with _writing(output):
        path = write_template(plan, output, filling if title or targets_from else None)
    click.echo(printable(f"Шаблон записан: {path}"))


CONTACTS = ("responsible", "position", "phone", "email")  # carried into an issued template


def _issued_targets(path: Path, plan) -> tuple[str, dict, tuple, dict]:
    """What a college's report that reads cleanly tells its next template: the organisation,
    the «План ГГГГ» values, the specialties with their «План» marks (targets too; the facts
    are the month's own) and the responsible person with the contacts."""
    from ..run.untrusted import submission_from
    from .render import issue_line

    result = submission_from(path, plan)
    errors = [i for i in result.issues if i.is_error]
    if result.submission is None or errors:
        lines = [issue_line(i) for i in errors or result.issues]
        raise click.ClickException(printable("\n".join([f"Плановые значения не взяты из «{path.name}»:"] + lines)))
    sub = result.submission
    targets = {(e.code, e.year, "target"): e.value for e in sub.entries if e.measure == "target"}
    specialties = tuple((s.code, s.name, frozenset(s.plan_years), frozenset()) for s in sub.specialties)
    contacts = {k: str(sub.title[k]).strip() for k in CONTACTS if str(sub.title.get(k) or "").strip()}
    return sub.organisation, targets, specialties, contacts


@cli.group("plan")
def plan_group():
    """План кластера: выгрузить для редактирования."""


@plan_group.command("export")
@click.argument("output", metavar="ФАЙЛ", type=click.Path(dir_okay=False, path_type=Path),
                callback=xlsx_path)
@plan_option
def plan_export(output: Path, plan_path: Path | None):
    """Выгрузить план в редактируемую книгу ФАЙЛ (.xlsx).

    Отредактированную книгу можно указать любой команде параметром --plan.
    """
    from ..plan.workbook import write_plan_workbook

    _distinct_output(output, [plan_path])
    plan = load(plan_path)
    with _writing(output):
        path = write_plan_workbook(plan, output)
    click.echo(printable(f"План записан: {path}"))


@cli.command()
@click.argument("files", nargs=-1, required=True, metavar="ФАЙЛ...",
                type=click.Path(exists=True, dir_okay=False, path_type=Path), callback=regular_file)
@click.option("--period", type=PeriodType(), default=None,
              help="Отчётный период (ГГГГ-ММ). По умолчанию — период, указанный в файле.")
@click.option("--strict", is_flag=True, help="Считать предупреждения ошибками.")
@click.option("--json", "as_json", is_flag=True, help="Вывести результат в формате JSON.")
@click.option("--annotate", "annotated", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Записать копию файла (.xlsx), в которой ячейки с замечаниями выделены цветом "
                   "и снабжены примечаниями; первый лист «Замечания» перечисляет все замечания. "
                   "Только для одного файла.")
@jobs_option
@plan_option
def check(files, period, strict, as_json, annotated, jobs, plan_path):
    """Проверить заполненные файлы до отправки методисту.

    Выводит каждое замечание с листом и ячейкой. Файлы не изменяются.
    """
    from ..run.sandbox import process_files
    from .render import console_report, json_report

    if annotated is not None and len(files) != 1:
        raise click.UsageError("Параметр --annotate применяется к одному файлу; укажите один ФАЙЛ.")
    if annotated is not None:
        _distinct_output(annotated, [*files, plan_path])
    plan = load(plan_path)
    if period is not None:
        _period_of_plan(period, plan)
    # Without --period each file is checked for the period written in it (a college checks its
    # own report; the period is checked against the plan's years only).
    outcomes = process_files([Path(f) for f in files], plan, period, strict, jobs=jobs)
    if as_json:
        click.echo(json_report(outcomes, period=str(period) if period else None))
    else:
        click.echo(console_report(outcomes))
        if period is None:
            for o in outcomes:
                if o.period is not None:
                    click.echo(printable(f"{o.file}: в файле указан период {o.period.words} ({o.period}); "
                                         "проверен отчёт за этот период."))
    annotated_ok = annotated is None or _annotate(Path(files[0]), outcomes[0].issues, annotated)
    problems = any(o.status != "accepted" for o in outcomes)
    if problems or not annotated_ok:
        raise Problems()


def _annotate(path: Path, issues, out: Path) -> bool:
    """The copy with marks; its failure is reported, never raised (exit code 1)."""
    from ..run.untrusted import annotated_copy
    from ..writing.annotate import AnnotateError

    try:
        annotated_copy(path, issues, out)
    except AnnotateError as exc:
        click.echo(printable(f"Копия с пометками не записана: {exc}"), err=True)
        return False
    except OSError as exc:
        click.echo(printable(f"Копия с пометками не записана: {os_reason(exc)}"), err=True)
        return False
    _written(out)
    click.echo(printable(f"Копия файла с пометками записана: {out}"), err=True)
    return True


@cli.command()
@click.argument("inputs", nargs=-1, required=True, metavar="ПАПКА_ИЛИ_ФАЙЛ...",
                type=click.Path(exists=True, path_type=Path))
@click.option("--period", type=PeriodType(spans=True), default=None,
              help="Отчётный период (ГГГГ-ММ). По умолчанию — предыдущий месяц. Отчёт нарастающим итогом "
                   "за квартал, полугодие, 9 месяцев или год: 2026-Q3, 2026-H1, 2026-9M, 2026 (или --span).")
@click.option("--span", type=click.Choice(SPANS[1:]), default=None,
              help="Отчёт за квартал (quarter), полугодие (half), 9 месяцев (9m) или год (year), "
                   "заканчивающиеся отчётным месяцем: сводятся отчёты этого месяца, график исполнения — "
                   "на его конец, заголовки — «за III квартал 2026 г.», «за 2026 год».")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              callback=xlsx_path, help="Куда записать сводную книгу. По умолчанию consolidated_ГГГГ-ММ.xlsx.")
@click.option("--strict", is_flag=True, help="Считать предупреждения ошибками: такие файлы не входят в свод.")
@click.option("--json", "as_json", is_flag=True, help="Вывести замечания в формате JSON.")
@click.option("--previous", "previous_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              callback=regular_file, help="Сводная книга прошлого месяца: показать изменения с тех пор по позициям и "
                   "организациям и отметить позиции, где факт уменьшился.")
@click.option("--pdf", "as_pdf", is_flag=True,
              help="Записать рядом с книгой PDF печатных листов (нужен LibreOffice).")
@click.option("--docx", "as_docx", is_flag=True,
              help="Записать рядом с книгой пояснительную записку (.docx): итоги, позиции с отставанием "
                   "и причины, названные организациями, контрольная сумма книги, подпись.")
@click.option("--date", "formed_on", type=DateType(), default=None,
              help="Дата формирования отчёта (ДД.ММ.ГГГГ). По умолчанию — самая поздняя дата "
                   "заполнения принятых файлов, а без неё — последний день отчётного месяца.")
@jobs_option
@plan_option
def consolidate(inputs, period, span, output, strict, as_json, previous_path, as_pdf, as_docx, formed_on, jobs,
                plan_path):
    """Свести отчёты из указанных папок и файлов в одну книгу.

    Каждый файл попадает в лист «Источники» со своим статусом; файл с ошибками
    в итоги не входит. Исходные файлы не изменяются. Одни и те же файлы дают
    побайтно одинаковую книгу: её SHA-256 можно указать в письме.
    """
    from ..run.collect import NOT_COUNTED, collect_inputs
    from ..run.pipeline import build_report
    from ..run.sandbox import default_jobs
    from .render import console_report, json_report, summary_block

    period = _spanned(period or previous_month(), span)
    output = output or Path(f"consolidated_{period.label}.xlsx")
    files = collect_inputs(inputs)
    if not files:
        raise click.UsageError("В указанных папках нет файлов для свода.")
    given = [*(f.path for f in files), previous_path, plan_path]
    _distinct_output(output, given)
    _distinct_output(output.with_suffix(".pdf") if as_pdf else None, given)
    _distinct_output(output.with_suffix(".docx") if as_docx else None, given)
    plan = load(plan_path)
    _period_of_plan(period, plan)
    formed_on = _date_near(formed_on, period)
    with click.progressbar(length=len(files), label="Чтение файлов", file=sys.stderr,
                           show_pos=True) as bar:
        report = build_report(plan, files, period, strict=strict, generated_on=formed_on,
                              progress=lambda _: bar.update(1), jobs=jobs or default_jobs())
    _phase("Свод")
    from ..writing.workbook import write_report  # pandas: after the worker processes have been started
    if previous_path is not None:
        from ..run.untrusted import compare_with_previous

        report = compare_with_previous(report, previous_path)
    _phase("Запись книги")
    with _writing(output):
        write_report(report, output)
    outcomes = report.files
    findings = report.findings
    if not as_json:
        click.echo(console_report(outcomes, findings))
        accepted = sum(o.status == "accepted" for o in outcomes)
        received = sum(not (o.issues and {i.code for i in o.issues} <= NOT_COUNTED) for o in outcomes)
        click.echo(printable(f"Сводная книга записана: {output}. Принято файлов: {accepted} из {received}."))
    if as_pdf:
        _phase("PDF")
    pdf_failed = _write_pdf(report, output.with_suffix(".pdf"), quiet=as_json) if as_pdf else None
    if as_docx:
        _phase("Пояснительная записка")
    docx_failed = _write_docx(report, output.with_suffix(".docx"), output, quiet=as_json) if as_docx else None
    if as_json:
        extra = {"pdf": None if pdf_failed else str(output.with_suffix(".pdf")),
                 "pdf_error": pdf_failed} if as_pdf else {}
        if as_docx:
            extra.update(docx=None if docx_failed else str(output.with_suffix(".docx")), docx_error=docx_failed)
        click.echo(json_report(outcomes, findings, period=period.label, output=str(output), **extra))
    else:
        click.echo(summary_block(outcomes, findings))  # the last thing printed
    failed = any(o.status == "rejected" for o in outcomes) or any(i.is_error for i in report.issues)
    if failed or (strict and report.issues) or pdf_failed or docx_failed:
        raise Problems()


_SPAN_NAMES = {"quarter": "квартал", "half": "полугодие", "9m": "9 месяцев", "year": "год"}
_SPAN_ENDS = {"quarter": "в марте, июне, сентябре или декабре", "half": "в июне", "9m": "в сентябре",
              "year": "в декабре"}


def _spanned(period: Period, span: str | None) -> Period:
    """The run's period with `--span` applied; a span that does not end with the month is exit 2."""
    if span is None or span == period.span:
        return period
    if period.span != "month":
        raise click.UsageError(f"Период {period.label} уже задан как {period.words}; параметр --span {span} "
                               "с ним не сочетается. Укажите отчётный месяц: --period ГГГГ-ММ --span …")
    found = with_span(period, span)
    if found is None:
        raise click.UsageError(f"Отчёт за {_SPAN_NAMES[span]} не может заканчиваться периодом {period} "
                               f"({period.words}): такой отчёт заканчивается {_SPAN_ENDS[span]}.")
    return found


def _phase(name: str) -> None:
    """A phase of the run, one line on stderr (the reading phase has its progress bar)."""
    click.echo(name, err=True)


def _closest_names(typed: str, plan) -> str:
    """« Возможно, имелась в виду: …» — the roster names nearest to what was typed."""
    import difflib

    names = {}
    for org in plan.organisations:
        for name in (org.short_name, org.name):
            names[name.lower()] = org.short_name
    near = difflib.get_close_matches(typed.lower(), list(names), n=3, cutoff=0.6)
    found = list(dict.fromkeys(names[n] for n in near))
    if not found:
        found = [o.short_name for o in plan.organisations if typed.lower() in o.name.lower()][:3]
    return f" Возможно, имелась в виду: {'; '.join(f'«{n}»' for n in found)}." if found else ""


def _period_of_plan(period: Period, plan, option: str = "--period") -> Period:
    """A period the plan has targets for; any other is a usage error naming the plan's years."""
    if period.year not in plan.years:
        years = f"{min(plan.years)}–{max(plan.years)}" if plan.years else "—"
        raise click.UsageError(f"Отчётный период {period} вне лет плана кластера ({years}); укажите "
                               f"{option} в пределах этих лет.")
    return period


def _date_near(day: date | None, period: Period) -> date | None:
    """A date formed within a year of the report period, or a usage error."""
    if day is None:
        return None
    first = date(period.year, period.month, 1)
    last = date.fromordinal(period.end_date.toordinal() + 366)
    if not first <= day <= last:
        raise click.UsageError(f"Дата формирования {day:%d.%m.%Y} не подходит к отчёту за {period.words}: "
                               f"ожидается дата с {first:%d.%m.%Y} по {last:%d.%m.%Y} (--date).")
    return day


def _distinct_output(output: Path | None, inputs) -> None:
    """An output must not replace anything the command reads, and its folder must take it:
    checked before any file is read, so a month's work is not lost at the end."""
    if output is None:
        return
    for given in inputs:
        if given is not None and _same_file(output, Path(given)):
            raise click.UsageError(printable(
                f"«{output}» — это входной файл команды ({given}); он не может быть заменён "
                "результатом. Укажите другое имя файла (-o)."))
    folder = output.parent if str(output.parent) else Path(".")
    if not folder.is_dir():
        raise click.ClickException(printable(f"Папка «{folder}» для записи «{output.name}» не существует."))
    if not os.access(folder, os.W_OK | os.X_OK):
        raise click.ClickException(printable(f"В папку «{folder}» нельзя записать «{output.name}»: "
                                             "нет прав на запись."))


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


class _writing:
    """An OSError while writing `path` (disk full, folder read-only) as a Russian message."""

    def __init__(self, path: Path):
        self.path = path

    def __enter__(self):
        return self

    def __exit__(self, kind, exc, tb):
        if exc is None:
            _written(self.path)
        if isinstance(exc, OSError):
            raise click.ClickException(printable(f"Файл «{self.path}» не записан: "
                                                 f"{os_reason(exc)}.")) from None
        return False


def _write_pdf(report, path: Path, quiet: bool) -> str | None:
    """The PDF beside the workbook; None when written, else why not (printed on stderr)."""
    from ..writing.pdf import PdfError, write_pdf

    def write() -> str | None:
        try:
            write_pdf(report, path)
        except PdfError as exc:
            return str(exc)
        return None
    return _beside(path, write, "PDF записан", quiet)


def _write_docx(report, path: Path, book: Path, quiet: bool) -> str | None:
    """The explanatory note beside the workbook, naming it with its SHA-256; None when
    written, else why not (printed on stderr)."""
    from ..run.collect import sha256
    from ..writing.note import write_note

    def write() -> str | None:
        try:
            write_note(report, path, book.name, sha256(book))
        except OSError as exc:
            return f"Пояснительная записка не записана: {os_reason(exc)}."
        return None
    return _beside(path, write, "Пояснительная записка записана", quiet)


def _beside(path: Path, write, done: str, quiet: bool) -> str | None:
    """Write a document that goes with the workbook (`write` returns why it failed, or None).

    A file of that name left from an earlier run would sit beside a newer workbook and
    be signed for it: when this one is not written (a program missing or failing, the
    run interrupted), the old one is removed, and the message says so."""
    try:
        failed = write()
    except BaseException:
        _remove_stale(path)
        raise
    if failed:
        reason = failed + _remove_stale(path)
        click.echo(printable(reason), err=True)
        return reason
    _written(path)
    click.echo(printable(f"{done}: {path}"), err=quiet)
    return None


def _remove_stale(path: Path) -> str:
    try:
        if not path.is_symlink() and path.is_file():
            path.unlink()
            return f" Прежний файл «{path}» удалён: он составлен не по этой сводной книге."
    except OSError as exc:
        return f" Прежний файл «{path}» не удалён ({os_reason(exc)}): он составлен не по этой сводной книге."
    return ""


_WRITTEN: list[Path] = []  # what this run has written, named if it is interrupted


def _written(path: Path) -> None:
    _WRITTEN.append(Path(path))


def _interrupted(head: str) -> str:
    if not _WRITTEN:
        return f"{head} Файлы не записаны."
    return f"{head} Уже записаны: " + ", ".join(f"«{p}»" for p in _WRITTEN) + "."


class _Terminated(BaseException):
    """SIGTERM: ended like Ctrl-C, so workers and temporary files are cleaned up on the way out."""


def _on_sigterm(signum, frame):
    raise _Terminated()


def main(argv=None) -> None:
    """Entry point: the only place that turns outcomes into exit codes."""
    import signal

    signal.signal(signal.SIGTERM, _on_sigterm)
    _WRITTEN.clear()
    try:
        cli.main(args=argv, prog_name="cluster-xl", standalone_mode=False)
    except Problems:
        sys.exit(EXIT_PROBLEMS)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except (click.Abort, KeyboardInterrupt):
        click.echo(printable(_interrupted("Прервано.")), err=True)
        sys.exit(EXIT_INTERRUPTED)
    except _Terminated:
        click.echo(printable(_interrupted("Прервано (получен сигнал завершения).")), err=True)
        sys.exit(EXIT_TERMINATED)
    except click.ClickException as exc:
        exc.message = printable(exc.message)
        exc.show()
        sys.exit(EXIT_USAGE if isinstance(exc, click.UsageError) else EXIT_PROBLEMS)
    except Exception as exc:  # a bug in cluster_xl, never a college's data
        if os.environ.get("CLUSTER_XL_DEBUG"):
            raise
        click.echo(printable(f"Внутренняя ошибка программы: {type(exc).__name__}: {exc}. "
                             "Сообщите разработчикам, приложив входные файлы "
                             "(подробности: переменная окружения CLUSTER_XL_DEBUG=1)."), err=True)
        sys.exit(EXIT_INTERNAL)
    sys.exit(EXIT_OK)
