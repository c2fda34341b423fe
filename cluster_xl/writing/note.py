"""«Пояснительная записка»: the explanatory note that goes with the letter (.docx).

Built with python-docx from the same `consolidation.explain` list as the sheet
«Пояснения к отклонениям»: the cluster and the period in words, a summary
(items achieved / on schedule / behind; which colleges reported and which did
not), every item behind its schedule with each college's own figures and its
reason verbatim, the SHA-256 of the workbook it describes, and the signature.

Layout of ГОСТ Р 7.0.97-2016, as the workbook's: A4 portrait, margins 20 mm
left, top and bottom and 10 mm right, Times New Roman 14, first-line indent
1.25 cm.  Deterministic: the package's dates are the report's «formed on» date
and every zip member carries one fixed time, so the same report and workbook
give the same bytes.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime
from pathlib import Path

from ..consolidation.explain import (
    NO_REASON, BehindItem, CollegeGap, behind_items, listed_colleges, listing_limit, summary,
)
from ..checks.rules import item_heading
from ..consolidation.report import Report
from ..core.files import write_atomically
from ..core.numbers import format_ru
from ..core.text import printable
from .explanations import more_line
from .layout import REPORT_TITLE, orgs_word, period_phrase

FONT = "Times New Roman"
SIZE_PT = 14
MARGINS_MM = {"left": 20, "right": 10, "top": 20, "bottom": 20}  # ГОСТ Р 7.0.97-2016
INDENT_CM = 1.25
TITLE = "Пояснительная записка"


def write_note(report: Report, path: str | Path, workbook: str, workbook_sha256: str) -> Path:
    """Write the explanatory note for `report` (whose workbook is `workbook`, named as the
    note should name it, with its SHA-256) to `path`; the file appears complete or not at all."""
    data = note_bytes(report, workbook, workbook_sha256)
    return write_atomically(path, lambda tmp: Path(tmp).write_bytes(data))


def note_bytes(report: Report, workbook: str, workbook_sha256: str) -> bytes:
    from docx import Document  # python-docx: imported where a note is written

    doc = Document()
    _page(doc)
    _styles(doc)
    _properties(doc, report, workbook_sha256)
    _content(doc, report, workbook, workbook_sha256)
    buffer = io.BytesIO()
    doc.save(buffer)
    return _fixed_zip(buffer.getvalue(), report)


# -- page, styles, properties -------------------------------------------------


def _page(doc) -> None:
    from docx.shared import Mm

    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    section.header_distance = section.footer_distance = Mm(10)


def _styles(doc) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    style = doc.styles["Normal"]
    style.font.name, style.font.size = FONT, Pt(SIZE_PT)
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):  # Cyrillic and every other script
        fonts.set(qn(attr), FONT)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
        fonts.attrib.pop(qn(attr), None)
    lang = style.element.rPr.find(qn("w:lang"))
    if lang is None:
        lang = style.element.rPr.makeelement(qn("w:lang"), {})
        style.element.rPr.append(lang)
    lang.set(qn("w:val"), "ru-RU")
    fmt = style.paragraph_format
    fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(0), Pt(0), 1.0


def _properties(doc, report: Report, sha256: str) -> None:
    formed = report.generated_on
    props = doc.core_properties
    props.title = f"{TITLE} {period_phrase(report.period)}"
    props.subject = f"{REPORT_TITLE} {period_phrase(report.period)}"
    props.author = props.last_modified_by = "cluster_xl"
    props.comments = f"cluster_xl {report.tool_version}; сводная книга SHA-256 {sha256}"
    props.keywords = f"Профессионалитет, кластер, {report.plan.plan_id}"
    props.created = props.modified = datetime(formed.year, formed.month, formed.day)
    props.revision = 1


def _fixed_zip(data: bytes, report: Report) -> bytes:
    """The same package with every member dated the report's «formed on» date (python-docx
    dates members with the clock), the template's thumbnail of an empty page left out and
    the application named as what made it."""
    formed = report.generated_on
    stamp = (formed.year, formed.month, formed.day, 0, 0, 0)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            blob = src.read(info.filename)
            if info.filename == "docProps/thumbnail.jpeg":
                continue
            if info.filename in ("_rels/.rels", "[Content_Types].xml"):
                blob = _without_thumbnail(blob)
            if info.filename == "docProps/app.xml":  # the template says «Microsoft Macintosh Word»
                blob = blob.replace(b"<Application>Microsoft Macintosh Word</Application>",
                                    b"<Application>cluster_xl</Application>")
            member = zipfile.ZipInfo(info.filename, stamp)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o644 << 16
            dst.writestr(member, blob)
    return out.getvalue()


def _without_thumbnail(xml: bytes) -> bytes:
    xml = re.sub(rb'<Relationship [^>]*Target="docProps/thumbnail\.jpeg"[^>]*/>', b"", xml)
    return re.sub(rb'<Default Extension="jpeg"[^>]*/>', b"", xml)


# -- content -----------------------------------------------------------------


def _content(doc, report: Report, workbook: str, sha256: str) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    plan, period = report.plan, report.period
    phrase = period_phrase(period).replace(" г.", "\u00a0г.")  # «2026 г.» never split over lines
    mark = plan.settings.attachment_line
    if mark:
        _para(doc, mark, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False, size=12)
        _para(doc, "")
    _para(doc, TITLE, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, bold=True)
    _para(doc, "к сводному отчёту о реализации программы деятельности кластера",
          align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    _para(doc, phrase, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    _para(doc, plan.cluster.name, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    _para(doc, "")
    end = f"{period.end_date:%d.%m.%Y}"
    _para(doc, f"Настоящая записка поясняет сводный отчёт о реализации программы деятельности кластера "
               f"{phrase} (по состоянию на {end}).")
    stand = summary(report)
    _para(doc, _standing(stand, period.year))
    _para(doc, _completeness(stand))
    items = behind_items(report)
    if items:
        _para(doc, f"Отставание от графика на {end} допущено по позициям ({len(items)}), приведённым "
                   "ниже; по каждой указаны значения кластера и организаций и причины, названные "
                   "организациями.")
        limit = listing_limit(report)
        for item in items:
            _item(doc, item, period.year, limit)
    else:
        _para(doc, f"Позиций с отставанием от графика на {end} нет.")
    _para(doc, f"Записка составлена к сводной книге «{workbook}» (контрольная сумма SHA-256: "
               f"{sha256}); значения и ячейки, из которых они взяты, приведены в книге.")
    _para(doc, f"Сформирована {report.generated_on:%d.%m.%Y}.")
    _para(doc, "")
    _signature(doc, report)


def _standing(stand, year: int) -> str:
    if not stand.judged:
        return f"Фактические значения {year} года с установленной целью не представлены."
    return (f"Из {stand.judged} {_positions(stand.judged)} плана, по которым на {year} год установлены цели "
            f"и представлены фактические значения, выполнено — {stand.achieved}, в графике — "
            f"{stand.on_track}, с отставанием от графика — {stand.behind}.")


def _completeness(stand) -> str:
    total = len(stand.reported) + len(stand.missing)
    text = f"Отчёты представили и приняты {len(stand.reported)} из {total} {orgs_word(total)}"
    if not stand.missing:
        return text + " (все организации кластера)."
    return text + ". Не представили отчёт или отчёт не принят: " + "; ".join(stand.missing) + "."


def _item(doc, item: BehindItem, year: int, limit: int | None) -> None:
    unit = f" {item.unit}" if item.unit and item.unit != "%" else (" %" if item.unit == "%" else "")
    p = _para(doc, "", keep_with_next=True)
    _run(p, f"{item_heading(item.code)}. ").bold = True
    _run(p, item.name)
    _para(doc, f"Цель на {year} год — {_num(item.target)}{unit}; ожидаемое по графику — "
               f"{_num(item.expected)}; факт — {_num(item.fact)}; отклонение от графика — {_num(item.gap)}.",
          keep_with_next=bool(item.colleges))
    listing = listed_colleges(item, limit)
    for k, college in enumerate(listing.shown):
        _college(doc, college, keep_with_next=k < len(listing.shown) - 1 or bool(listing.more))
    if listing.more:
        _para(doc, more_line(listing))


def _college(doc, college: CollegeGap, keep_with_next: bool) -> None:
    p = _para(doc, "", keep_with_next=keep_with_next)
    figures = (f"факт {_num(college.fact)} при ожидаемом {_num(college.expected)} "
               f"(план организации — {_num(college.target)})")
    _run(p, f"{college.organisation}: ").italic = True
    if college.reason:
        _run(p, f"{figures}; причина: «")
        _run(p, college.reason)  # verbatim, as text: never a field or a link
        _run(p, "»" if college.reason.rstrip().endswith((".", "!", "?", "…")) else "».")
    else:
        _run(p, f"{figures}; {NO_REASON}.")


def _signature(doc, report: Report) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm

    settings = report.plan.settings
    table = doc.add_table(rows=1, cols=3)
    table.autofit = False
    widths = (Mm(95), Mm(40), Mm(45))
    cells = table.rows[0].cells
    texts = (settings.signatory_position or "_" * 30, "_" * 14, settings.signatory_name or "_" * 16)
    aligns = (WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT)
    for cell, width, text, align in zip(cells, widths, texts, aligns):
        cell.width = width
        p = cell.paragraphs[0]
        p.alignment = align
        _run(p, text)
    for col, width in zip(table.columns, widths):
        col.width = width


def _para(doc, text: str, align=None, indent: bool = True, bold: bool = False, size: int | None = None,
          keep_with_next: bool = False):
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY if align is None else align
    if indent:
        p.paragraph_format.first_line_indent = Cm(INDENT_CM)
    if keep_with_next:
        p.paragraph_format.keep_with_next = True
    if text:
        run = _run(p, text)
        run.bold = bold or None
        if size:
            run.font.size = Pt(size)
    return p


def _run(p, text: str):
    """Every text of the note goes in here: control characters (which XML cannot hold)
    shown escaped, as on the console; a run is text only."""
    return p.add_run(printable(text))


def _num(value: float | None) -> str:
    text = format_ru(None if value is None else round(value, 1))
    return text.replace("-", "−", 1) if text.startswith("-") else text


def _positions(count: int) -> str:
    """«из 25 позиций», «из 21 позиции»: the genitive after «из»."""
    return "позиции" if count % 10 == 1 and count % 100 != 11 else "позиций"


