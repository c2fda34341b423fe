"""Look at a file's declared sizes and shapes before any reader parses it.

Inputs arrive by e-mail from dozens of places, and python-calamine runs in
this process: a reader that allocates the grid a file declares can take the
whole run down (a Rust allocation failure aborts the process; no Python
`except` sees it).  So every spreadsheet passes through `inspect` first, which
reads the file's structure with the standard library only and refuses it,
with a reason a person understands, when it is:

* not a regular file, or larger on disk than `MAX_FILE_BYTES`;
* a zip (.xlsx, .xlsm, .ods) whose parts inflate to more than
  `MAX_UNPACKED_BYTES` in all — measured by inflating, not by trusting the
  sizes the archive declares — or that has more than `MAX_ZIP_ENTRIES` parts,
  a method other than stored/deflate, or a part whose checksum fails;
* any XML part with a DOCTYPE or ENTITY declaration (entity expansion tricks;
  no office suite writes them), or declaring more than `MAX_DECLARED_COUNT`
  elements (readers reserve memory for the declared count);
* a sheet whose used area, counted from A1 as the reader lays it out, exceeds
  `MAX_SHEET_CELLS`, or a workbook whose sheets together exceed
  `MAX_BOOK_CELLS`.  The area is found from the cells that hold something —
  row and column numbers, repeat counts in .ods, cell records in .xls — never
  from the declared `<dimension>`, which readers ignore and files get wrong;
* an OLE compound file that is password-protected (an encrypted .xlsx or an
  .xls with a FILEPASS record), is not an Excel workbook, or is damaged.

The limits are generous: the college template is about 100 rows × 12 columns
per sheet, 25 KB on disk and under 1 MB inflated.  What a file within them
can cost the process is what `benchmarks/hostile.py` measures.

An .xlsx sheet is first bounded at the speed of `bytes.count` (the largest
address plus the number of row and cell tags); only a sheet whose bound is
too large, or that holds formulas, is walked tag by tag.  Either way the
count never comes out below what a reader will build.

A file that passes comes back as an `Inspection`: the bytes (so the reader
does not read the file twice), its kind by content (not by extension: an .xls
renamed to .xlsx is read as what it is), and the cells holding a formula with
no cached value (written by a program that does not compute), by sheet.
"""

from __future__ import annotations

import html
import os
import re
import stat
import struct
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Callable, Mapping

MIB = 1024 * 1024
MAX_FILE_BYTES = 50 * MIB
MAX_UNPACKED_BYTES = 100 * MIB
MAX_ZIP_ENTRIES = 10_000
MAX_CENTRAL_DIRECTORY_BYTES = 2 * MIB
MAX_SHEET_CELLS = 1_000_000
MAX_BOOK_CELLS = 3_000_000
MAX_DECLARED_COUNT = MAX_BOOK_CELLS

# Issue codes of a refused file.
UNREADABLE = "unreadable-file"
TOO_LARGE = "file-too-large"
PASSWORD = "password-protected"

XLSX, ODS, XLS = "xlsx", "ods", "xls"
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class Refusal(Exception):
    """The file is not handed to a reader; `code` and `reason` say why."""

    def __init__(self, code: str, reason: str):
        super().__init__(reason)
        self.code = code
        self.reason = reason


@dataclass(frozen=True)
class Inspection:
    data: bytes
    kind: str  # xlsx | ods | xls
    # Sheet name -> A1 cells holding a formula without a cached value.
    formula_cells: Mapping[str, frozenset[str]] = field(default_factory=dict)


def inspect(path: str | Path) -> Inspection:
    """Read `path` if it is safe to hand to a reader; raise `Refusal` if not."""
    data = _read_bounded(Path(path))
    return inspect_bytes(data)


def inspect_bytes(data: bytes) -> Inspection:
    if not data:
        raise Refusal(UNREADABLE, "файл пуст")
    if len(data) > MAX_FILE_BYTES:
        raise Refusal(TOO_LARGE, _too_big_file(len(data)))
    if data.startswith(_ZIP_MAGIC):
        return _inspect_zip(data)
    if data.startswith(_OLE_MAGIC):
        return _inspect_ole(data)
    raise Refusal(UNREADABLE, _not_a_workbook(data))


def _read_bounded(path: Path) -> bytes:
    try:
        st = os.stat(path)
    except OSError as exc:
        raise Refusal(UNREADABLE, f"файл недоступен ({exc.strerror or exc})") from None
    # A FIFO or a device never ends: reading one would hang the run.
    if not stat.S_ISREG(st.st_mode):
        raise Refusal(UNREADABLE, "это не обычный файл (папка, устройство или канал)")
    if st.st_size > MAX_FILE_BYTES:
        raise Refusal(TOO_LARGE, _too_big_file(st.st_size))
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_FILE_BYTES + 1)  # the size may change under us
    except OSError as exc:
        raise Refusal(UNREADABLE, f"файл недоступен ({exc.strerror or exc})") from None
    return data


def _n(n: int) -> str:
    """1000000 -> «1 000 000» (no-break spaces, as in the rest of the messages)."""
    return f"{n:,}".replace(",", "\u00a0")


def _mb(n: int) -> str:
    return f"{n / MIB:.1f}".replace(".", ",")


def _too_big_file(size: int) -> str:
    return (f"размер файла {_mb(size)} МБ больше допустимых {MAX_FILE_BYTES // MIB} МБ "
            "(заполненный шаблон занимает десятки килобайт)")


def _not_a_workbook(data: bytes) -> str:
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"%pdf"):
        return "файл в формате PDF, а не электронная таблица"
    if head.startswith((b"<", b"\xff\xfe<", b"\xfe\xff\x00<")):
        return ("файл является веб-страницей (HTML) или XML, а не книгой Excel, "
                "хотя может открываться в табличном редакторе")
    return "формат файла не распознан: это не книга Excel (.xlsx, .xls) и не OpenDocument (.ods)"


# -- zip: .xlsx, .xlsm, .ods --------------------------------------------------


def _inspect_zip(data: bytes) -> Inspection:
    entries = _zip_entries(data)
    names = {e.name for e in entries}
    if "xl/workbook.bin" in names:
        raise Refusal(UNREADABLE, "двоичная книга Excel (.xlsb) не поддерживается")
    if "content.xml" in names:
        kind = ODS
    elif any(n.lower() == "xl/workbook.xml" for n in names):
        kind = XLSX
    else:
        raise Refusal(UNREADABLE, "архив не является книгой Excel (.xlsx) или OpenDocument (.ods)")
    book = _BookArea()
    budget = MAX_UNPACKED_BYTES
    small_parts: dict[str, bytes] = {}
    for entry in entries:
        size, part = _inflate(data, entry, budget, keep=_is_xml(entry.name))
        budget -= size
        if not _is_xml(entry.name):
            continue
        part = _utf8(part)
        _check_xml_declarations(entry.name, part)
        # Every part is looked at as what it could be, whatever the kind: a reader
        # may take a zip holding both layouts for the other one.
        if entry.name.rpartition("/")[2] == "content.xml":
            _scan_ods(part, book)
        if _has_cells(part):
            _scan_xlsx_sheet(entry.name, part, book)
        if entry.name.lower() in _WORKBOOK_PARTS:
            small_parts[entry.name.lower()] = part
    names = lambda: _xlsx_sheet_names(small_parts)  # noqa: E731 - only for a message or a formula
    book.check(names)
    return Inspection(data, kind, book.formula_cells(names))


@dataclass(frozen=True)
class _Entry:
    name: str
    method: int
    flags: int
    crc: int
    packed: int
    size: int
    offset: int


def _zip_entries(data: bytes) -> list[_Entry]:
    """The central directory, read and bounded before anything is inflated."""
    count, size, start = _end_of_central_directory(data)
    if count > MAX_ZIP_ENTRIES or size > MAX_CENTRAL_DIRECTORY_BYTES:
        raise Refusal(TOO_LARGE, f"архив содержит {_n(count)} частей; "
                                 f"допускается не более {_n(MAX_ZIP_ENTRIES)}")
    entries = []
    pos, end = start, start + size
    if end > len(data):
        raise Refusal(UNREADABLE, _TRUNCATED)
    while pos + 46 <= end and data[pos:pos + 4] == b"PK\x01\x02":
        (flags, method, crc, packed, unpacked, n_name, n_extra, n_comment, offset) = (
            struct.unpack_from("<HH4xIIIHHH8xI", data, pos + 8))
        raw = data[pos + 46:pos + 46 + n_name]
        name = raw.decode("utf-8" if flags & 0x800 else "cp437", "replace")
        packed, unpacked, offset = _zip64_sizes(data, pos + 46 + n_name, n_extra, packed, unpacked, offset)
        entries.append(_Entry(name, method, flags, crc, packed, unpacked, offset))
        pos += 46 + n_name + n_extra + n_comment
        if len(entries) > MAX_ZIP_ENTRIES:
            raise Refusal(TOO_LARGE, f"архив содержит более {_n(MAX_ZIP_ENTRIES)} частей")
    if not entries:
        raise Refusal(UNREADABLE, _TRUNCATED)
    declared = sum(e.size for e in entries)
    if declared > MAX_UNPACKED_BYTES:
        raise Refusal(TOO_LARGE, _bomb(len(data), declared))
    return entries


_TRUNCATED = "архив повреждён или передан не полностью"


def _end_of_central_directory(data: bytes) -> tuple[int, int, int]:
    at = data.rfind(b"PK\x05\x06", max(0, len(data) - 22 - 65535))
    if at < 0 or at + 22 > len(data):
        raise Refusal(UNREADABLE, _TRUNCATED)
    count, size, start = struct.unpack_from("<10xHII", data, at)
    if count == 0xFFFF or size == 0xFFFFFFFF or start == 0xFFFFFFFF:
        locator = at - 20
        if locator < 0 or data[locator:locator + 4] != b"PK\x06\x07":
            raise Refusal(UNREADABLE, _TRUNCATED)
        (record,) = struct.unpack_from("<Q", data, locator + 8)
        if data[record:record + 4] != b"PK\x06\x06":
            raise Refusal(UNREADABLE, _TRUNCATED)
        count, size, start = struct.unpack_from("<32xQQQ", data, record)
    return count, size, start


def _zip64_sizes(data: bytes, pos: int, n_extra: int, packed: int, size: int, offset: int):
    """Sizes marked 0xFFFFFFFF live in the zip64 extra field, in this order."""
    end = pos + n_extra
    while pos + 4 <= end:
        tag, length = struct.unpack_from("<HH", data, pos)
        if tag == 1:
            values = iter(struct.unpack_from(f"<{min(length, 24) // 8}Q", data, pos + 4))
            size = next(values, size) if size == 0xFFFFFFFF else size
            packed = next(values, packed) if packed == 0xFFFFFFFF else packed
            offset = next(values, offset) if offset == 0xFFFFFFFF else offset
        pos += 4 + length
    return packed, size, offset


def _bomb(packed: int, unpacked: int) -> str:
    return (f"содержимое архива при распаковке превышает {MAX_UNPACKED_BYTES // MIB} МБ "
            f"(файл {_mb(packed)} МБ разворачивается более чем в {_mb(unpacked)} МБ) — "
            "так устроены «zip-бомбы»; заполненный шаблон разворачивается менее чем в 1 МБ")


def _inflate(data: bytes, entry: _Entry, budget: int, keep: bool) -> tuple[int, bytes]:
    """(size, content if `keep`) of the part as a reader would see it.

    The size is measured by inflating in chunks that are thrown away, so a
    part that inflates beyond `budget` costs no more memory than a chunk.
    """
    if entry.flags & 1:
        raise Refusal(PASSWORD, "файл защищён паролем")
    if entry.method not in (0, 8):
        raise Refusal(UNREADABLE, f"часть «{entry.name}» сжата неподдерживаемым способом ({entry.method})")
    local = entry.offset
    if data[local:local + 4] != b"PK\x03\x04":
        raise Refusal(UNREADABLE, _TRUNCATED)
    n_name, n_extra = struct.unpack_from("<HH", data, local + 26)
    start = local + 30 + n_name + n_extra
    raw = data[start:start + entry.packed]
    if len(raw) < entry.packed:
        raise Refusal(UNREADABLE, _TRUNCATED)
    if entry.method == 0:
        size, crc = len(raw), zlib.crc32(raw)
    else:
        size, crc = _measure_deflate(raw, budget, entry.name, len(data))
    if size > budget:
        raise Refusal(TOO_LARGE, _bomb(len(data), MAX_UNPACKED_BYTES - budget + size))
    if crc != entry.crc:
        raise Refusal(UNREADABLE, f"часть «{entry.name}» повреждена (не совпадает контрольная сумма)")
    if not keep:
        return size, b""
    return size, raw if entry.method == 0 else zlib.decompress(raw, -15, max(size, 1))


_CHUNK = 1 << 20


def _measure_deflate(raw: bytes, budget: int, name: str, packed: int) -> tuple[int, int]:
    inflater = zlib.decompressobj(-15)
    size = crc = 0
    pending = raw
    try:
        while pending and not inflater.eof:
            chunk = inflater.decompress(pending, _CHUNK)
            pending = inflater.unconsumed_tail
            size += len(chunk)
            crc = zlib.crc32(chunk, crc)
            if size > budget:
                raise Refusal(TOO_LARGE, _bomb(packed, MAX_UNPACKED_BYTES - budget + size))
        tail = inflater.flush()
    except zlib.error:
        raise Refusal(UNREADABLE, f"часть «{name}» повреждена") from None
    if not inflater.eof:
        raise Refusal(UNREADABLE, f"часть «{name}» повреждена (сжатые данные обрываются)")
    return size + len(tail), zlib.crc32(tail, crc)


def _is_xml(name: str) -> bool:
    return name.lower().endswith((".xml", ".rels", ".vml"))


_DECLARATION = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.I)
_COUNT = re.compile(rb"ount\s*=\s*[\"']\s*\+?(\d+)")  # count, uniqueCount


def _check_xml_declarations(name: str, part: bytes) -> None:
    part = _utf8(part)
    if b"<!" in part and _DECLARATION.search(part):  # the plain test first: it is far faster
        raise Refusal(UNREADABLE, f"часть «{name}» содержит объявления DOCTYPE или ENTITY, "
                                  "которых не бывает в книгах, сохранённых табличным редактором")
    for m in _COUNT.finditer(part) if b"ount" in part else ():
        if int(m.group(1)) > MAX_DECLARED_COUNT:
            raise Refusal(TOO_LARGE, f"часть «{name}» объявляет {_n(int(m.group(1)))} элементов; "
                                     f"допускается не более {_n(MAX_DECLARED_COUNT)}")


def _utf8(part: bytes) -> bytes:
    """XML may be UTF-16; the scanners look at UTF-8 bytes."""
    if part.startswith((b"\xff\xfe", b"\xfe\xff")) or part[:2] in (b"<\x00", b"\x00<"):
        try:
            return part.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            raise Refusal(UNREADABLE, "часть книги повреждена (неверная кодировка)") from None
    return part


# -- XML tokens ---------------------------------------------------------------

# Every tag is consumed whole, quoted attribute values included, and comments,
# CDATA and processing instructions as units: a cell hidden inside another
# construct must not escape the count the way it would not escape a reader.
_TOKEN = re.compile(
    rb"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>"
    rb"|<(/?)([A-Za-z_][\w.:-]*)((?:[^<>\"']|\"[^\"]*\"|'[^']*')*)>",
    re.S)
_ATTR = re.compile(rb"([A-Za-z_][\w.:-]*)\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'/>]+))")
_UNCLOSED = ((b"<!--", b"-->"), (b"<![CDATA[", b"]]>"), (b"<?", b"?>"))


def _tokens(part: bytes):
    """(end tag?, local name, attribute text, self-closing?, end offset) for every tag.

    `part` is UTF-8 (see `_utf8`).
    """
    # An unterminated comment would make every later one scan to the end.
    for opener, closer in _UNCLOSED:
        last = part.rfind(opener)
        if last >= 0 and part.find(closer, last + len(opener)) < 0:
            raise Refusal(UNREADABLE, "часть книги повреждена (незавершённая разметка XML)")
    for m in _TOKEN.finditer(part):
        name = m.group(2)
        if name is None:
            continue
        attrs = m.group(3)
        closing = attrs.endswith(b"/")
        yield bool(m.group(1)), name.rpartition(b":")[2], attrs, closing, m.end()


def _attrs(text: bytes) -> dict[bytes, list[bytes]]:
    """Local name -> every value given for it (a name may come twice, with prefixes)."""
    out: dict[bytes, list[bytes]] = {}
    for m in _ATTR.finditer(text):
        prefix, _, local = m.group(1).rpartition(b":")
        if prefix == b"xmlns" or local == b"xmlns":
            continue
        value = m.group(2) if m.group(2) is not None else m.group(3) if m.group(3) is not None else m.group(4)
        out.setdefault(local, []).append(value)
    return out


def _first(attrs: Mapping[bytes, list[bytes]], name: bytes, default: bytes = b"") -> bytes:
    return attrs.get(name, [default])[0]


# -- sheet areas --------------------------------------------------------------


@dataclass
class _SheetArea:
    key: str  # part name (xlsx) or sheet name (ods)
    rows: int = 0
    cols: int = 0
    formulas: set[str] = field(default_factory=set)

    @property
    def cells(self) -> int:
        return self.rows * self.cols

    def hold(self, row: int, col: int) -> None:
        """A cell holding something at 1-based (row, col): the grid reaches it from A1."""
        self.rows = max(self.rows, row)
        self.cols = max(self.cols, col)


@dataclass
class _BookArea:
    sheets: list[_SheetArea] = field(default_factory=list)
    # Sheets measured by an upper bound only, with their XML: walked when the bounds add up too far.
    bounded: dict[int, bytes] = field(default_factory=dict)

    def check(self, sheet_names: Callable[[], Mapping[str, str]]) -> None:
        total = sum(s.cells for s in self.sheets)
        for n in sorted(self.bounded, key=lambda n: -self.sheets[n].cells):
            if total <= MAX_BOOK_CELLS:
                break
            exact = _walk_xlsx_sheet(self.sheets[n].key, self.bounded.pop(n))
            total -= self.sheets[n].cells - exact.cells
            self.sheets[n] = exact
        for sheet in self.sheets:
            if sheet.cells > MAX_SHEET_CELLS:
                label = sheet_names().get(sheet.key, sheet.key)
                raise Refusal(TOO_LARGE, (
                    f"лист «{label}» занимает {_n(sheet.rows)} строк × {_n(sheet.cols)} столбцов "
                    f"({_n(sheet.cells)} ячеек, считая от A1); допускается не более "
                    f"{_n(MAX_SHEET_CELLS)} ячеек на лист. Удалите значения, введённые далеко за "
                    "пределами таблицы"))
        if total > MAX_BOOK_CELLS:
            raise Refusal(TOO_LARGE, f"листы книги вместе занимают {_n(total)} ячеек; "
                                     f"допускается не более {_n(MAX_BOOK_CELLS)}")

    def formula_cells(self, sheet_names: Callable[[], Mapping[str, str]]) -> dict[str, frozenset[str]]:
        found = [s for s in self.sheets if s.formulas]
        names = sheet_names() if found else {}
        return {names.get(s.key, s.key): frozenset(s.formulas) for s in found}


def a1(row: int, col: int) -> str:
    """1-based (row, col) -> 'A1'."""
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{row}"


_REF = re.compile(rb"^\s*\$?([A-Za-z]{0,7})\$?(\d*)\s*$")


def _farthest(values: list[bytes] | None) -> tuple[int | None, int | None]:
    """The largest row and column any of the given references names."""
    refs = [_ref(v) for v in values or ()]
    rows = [r for r, _ in refs if r is not None]
    cols = [c for _, c in refs if c is not None]
    return max(rows, default=None), max(cols, default=None)


def _ref(value: bytes | None) -> tuple[int | None, int | None]:
    """b'XFD12' -> (12, 16384); either part may be absent."""
    if value and b"&" in value:  # a reader unescapes «&#88;FD1» to «XFD1»
        value = html.unescape(value.decode("utf-8", "replace")).encode("utf-8", "replace")
    m = _REF.match(value or b"")
    if not m:
        return None, None
    col = 0
    for ch in m.group(1).upper():
        col = col * 26 + ch - 64
    row = int(m.group(2)) if m.group(2) else None
    return row, col or None


# Patterns below match a superset of what they look for (any prefix, any
# context): more matches only make a bound larger, never smaller.
# Patterns start with a literal so that the regex engine can skip ahead: a
# character class first makes them several times slower on every sheet.
_TAG_START = {name: (re.compile(b"<" + name + rb"[\s/>]"), re.compile(b":" + name + rb"[\s/>]"))
              for name in (b"c", b"f")}
_PLAIN_R = re.compile(rb' r="\$?([A-Za-z]*)\$?(\d*)"')
# Any of these means an `r` written some other way than ` r="B12"`: walk instead.
_ODD_R = (b"\tr=", b"\nr=", b"\rr=", b"r =", b"r\t=", b"r\n=", b"r\r=")


def _has_tag(part: bytes, name: bytes) -> bool:
    """Is there a tag `name` (any prefix)?  A superset: text may match too."""
    plain, prefixed = _TAG_START[name]
    return bool(plain.search(part) or (b":" + name in part and prefixed.search(part)))


def _has_cells(part: bytes) -> bool:
    return _has_tag(_utf8(part), b"c")


def _xlsx_bound(part: bytes) -> tuple[int, int] | None:
    """An upper bound of a sheet's rows and columns, at the speed of `bytes.count`.

    A row without `r` is the previous one plus one, a cell without `r` the
    previous column plus one, so no cell lies beyond the largest `r` plus the
    number of row (cell) tags.  The counts are of supersets of the real tags.
    None unless every `r` attribute is written the plain way office suites
    write it (` r="B12"`): anything else — other quotes or spaces, a prefix,
    character references — is left to the walk.
    """
    attributes = part.count(b" r=")
    if (any(odd in part for odd in _ODD_R) or part.count(b' r="') != attributes
            or part.count(b':r="') != part.count(b'xmlns:r="')):
        return None
    values = _PLAIN_R.findall(part)
    if len(values) != attributes:
        return None
    values = set(values)
    rows = max(map(int, filter(None, {digits for _, digits in values})), default=0)
    cols = max((_ref(letters)[1] or 0 for letters in {letters for letters, _ in values}), default=0)
    cells = part.count(b"<c") + part.count(b":c")
    return rows + part.count(b"<row") + part.count(b":row"), cols + cells


def _scan_xlsx_sheet(name: str, part: bytes, book: _BookArea) -> None:
    part = _utf8(part)
    bound = _xlsx_bound(part)
    formulas = _has_tag(part, b"f")
    if bound and bound[0] * bound[1] <= MAX_SHEET_CELLS and not formulas:
        # The usual case: a small sheet without formulas needs no cell-by-cell walk.
        book.bounded[len(book.sheets)] = part
        book.sheets.append(_SheetArea(name, *bound))
        return
    book.sheets.append(_walk_xlsx_sheet(name, part))


def _walk_xlsx_sheet(name: str, part: bytes) -> _SheetArea:
    """Rows and cells as a reader numbers them: by `r`, else one after the previous."""
    sheet = _SheetArea(name)
    row = col = 0
    cell: list | None = None  # [row, col, has formula, has value]
    for end, local, attrs, closing, stop in _tokens(part):
        if end:
            if local == b"c" and cell is not None and cell[2] and not cell[3]:
                sheet.formulas.add(a1(cell[0], cell[1]))
            cell = None if local == b"c" else cell
        elif local == b"row":
            r, _ = _farthest(_attrs(attrs).get(b"r"))
            row, col = (r if r is not None else row + 1), 0
        elif local == b"c":
            r, c = _farthest(_attrs(attrs).get(b"r"))
            row, col = (r if r is not None else row), (c if c is not None else col + 1)
            cell = None if closing else [max(row, 1), col, False, False]
            if cell is not None:
                sheet.hold(cell[0], cell[1])
        elif cell is not None and local == b"f":
            cell[2] = True
        elif cell is not None and local == b"is":
            cell[3] = True
        elif cell is not None and local == b"v" and not closing:
            following = part.find(b"<", stop)
            cell[3] = cell[3] or bool(part[stop:following if following >= 0 else len(part)].strip())
    return sheet


def _scan_ods(part: bytes, book: _BookArea) -> None:
    """Repeated rows and cells expand in a reader: a cell holding something counts them all."""
    sheet: _SheetArea | None = None
    row = col = row_repeat = 0
    for end, local, attrs, closing, _ in _tokens(_utf8(part)):
        if local == b"table" and not end:
            sheet = _SheetArea(_text(_first(_attrs(attrs), b"name")))
            book.sheets.append(sheet)
            row = col = 0
        elif sheet is None:
            continue
        elif local == b"table-row" and not end:
            row_repeat = _repeat(_attrs(attrs), b"number-rows-repeated")
            col = 0
            if closing:
                row += row_repeat
        elif local == b"table-row" and end:
            row += row_repeat
        elif local in (b"table-cell", b"covered-table-cell") and not end:
            a = _attrs(attrs)
            repeat = _repeat(a, b"number-columns-repeated")
            if not closing or b"value-type" in a:
                sheet.hold(row + row_repeat, col + repeat)
            if b"formula" in a and b"value-type" not in a:
                sheet.formulas.add(a1(row + 1, col + 1))
            col += repeat


_COUNT_VALUE = re.compile(rb"^\s*\+?(\d+)\s*$")


def _repeat(attrs: Mapping[bytes, list[bytes]], name: bytes) -> int:
    """The largest repeat count given; one where there is none or it is not a number."""
    counts = [_COUNT_VALUE.match(v) for v in attrs.get(name, ())]
    return max((int(m.group(1)) for m in counts if m), default=1)


def _text(value: bytes) -> str:
    return html.unescape(value.decode("utf-8", "replace"))


# -- .xlsx sheet names --------------------------------------------------------

_WORKBOOK_PARTS = ("xl/workbook.xml", "xl/_rels/workbook.xml.rels")


def _xlsx_sheet_names(parts: Mapping[str, bytes]) -> dict[str, str]:
    """Sheet part name -> the sheet's name, for messages and formula locations."""
    targets: dict[bytes, str] = {}
    for end, local, attrs, _, _ in _tokens(_utf8(parts.get(_WORKBOOK_PARTS[1], b""))):
        a = _attrs(attrs)
        if local == b"Relationship" and not end and b"Id" in a and b"Target" in a:
            target = _text(_first(a, b"Target"))
            path = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl", target))
            targets[_first(a, b"Id")] = _normpath(path)
    names: dict[str, str] = {}
    for end, local, attrs, _, _ in _tokens(_utf8(parts.get(_WORKBOOK_PARTS[0], b""))):
        a = _attrs(attrs)
        rel = _first(a, b"id")
        if local == b"sheet" and not end and rel in targets and b"name" in a:
            names[targets[rel]] = _text(_first(a, b"name"))
    return names


def _normpath(path: str) -> str:
    parts: list[str] = []
    for piece in path.split("/"):
        if piece == "..":
            parts = parts[:-1]
        elif piece and piece != ".":
            parts.append(piece)
    return "/".join(parts)


# -- OLE compound files: .xls and encrypted workbooks -------------------------

_FREE, _END = 0xFFFFFFFF, 0xFFFFFFFE  # chain markers of [MS-CFB]
_DAMAGED = "файл повреждён (нарушена структура составного документа)"


def _inspect_ole(data: bytes) -> Inspection:
    ole = _Ole(data)
    names = ole.names()
    if "EncryptedPackage" in names or "EncryptionInfo" in names:
        raise Refusal(PASSWORD, "файл защищён паролем")
    stream = next((n for n in ("Workbook", "Book") if n in names), None)
    if stream is None:
        raise Refusal(UNREADABLE, "файл не является книгой Excel (возможно, это документ Word "
                                  "или другой программы)")
    book = _BookArea()
    _scan_biff(ole.read(names[stream]), book)
    book.check(dict)
    return Inspection(data, XLS)


class _Ole:
    """Just enough of [MS-CFB] to find and read one stream, every chain bounded."""

    def __init__(self, data: bytes):
        if len(data) < 512:
            raise Refusal(UNREADABLE, _DAMAGED)
        shift, mini_shift = struct.unpack_from("<HH", data, 0x1E)
        if shift not in (9, 12) or mini_shift != 6:
            raise Refusal(UNREADABLE, _DAMAGED)
        self.data, self.size = data, 1 << shift
        self.sectors = (len(data) - self.size) // self.size
        (n_fat, self.dir_start, self.cutoff, self.minifat_start, _, difat_start, n_difat) = (
            struct.unpack_from("<I I 4x I I I I I", data, 0x2C))
        ids = list(struct.unpack_from("<109I", data, 0x4C))[:n_fat]
        seen: set[int] = set()
        sector = difat_start
        per = self.size // 4
        while len(ids) < n_fat and sector not in (_END, _FREE):
            if sector in seen or len(seen) > n_difat:
                raise Refusal(UNREADABLE, _DAMAGED)
            seen.add(sector)
            block = struct.unpack_from(f"<{per}I", self._sector(sector))
            ids += block[:-1]
            sector = block[-1]
        ids = ids[:n_fat]
        if len(ids) < n_fat or n_fat > self.sectors:
            raise Refusal(UNREADABLE, _DAMAGED)
        self.fat = [x for s in ids for x in struct.unpack_from(f"<{per}I", self._sector(s))]
        self.entries = self._directory()

    def _sector(self, n: int) -> bytes:
        if n >= self.sectors:
            raise Refusal(UNREADABLE, _DAMAGED)
        start = (n + 1) * self.size
        return self.data[start:start + self.size]

    def _chain(self, start: int, table: list[int], limit: int) -> list[int]:
        chain, seen = [], set()
        sector = start
        while sector != _END:
            if sector >= len(table) or sector >= limit or sector in seen:
                raise Refusal(UNREADABLE, _DAMAGED)
            seen.add(sector)
            chain.append(sector)
            sector = table[sector]
        return chain

    def _stream(self, start: int) -> bytes:
        return b"".join(self._sector(s) for s in self._chain(start, self.fat, self.sectors))

    def _directory(self) -> list[tuple[str, int, int, int]]:
        raw = self._stream(self.dir_start)
        entries = []
        for pos in range(0, len(raw) - 127, 128):
            n = min(struct.unpack_from("<H", raw, pos + 64)[0], 64)
            name = raw[pos:pos + max(n - 2, 0)].decode("utf-16-le", "replace")
            kind = raw[pos + 66]
            start, size = struct.unpack_from("<IQ", raw, pos + 116)
            if self.size == 512:
                size &= 0xFFFFFFFF  # version 3 files may leave garbage in the high half
            entries.append((name, kind, start, size))
        if not entries or entries[0][1] != 5:
            raise Refusal(UNREADABLE, _DAMAGED)
        return entries

    def names(self) -> dict[str, int]:
        return {name: n for n, (name, kind, _, _) in enumerate(self.entries) if kind == 2}

    def read(self, index: int) -> bytes:
        _, _, start, size = self.entries[index]
        if size > len(self.data):
            raise Refusal(UNREADABLE, _DAMAGED)
        if size >= self.cutoff:
            return self._stream(start)[:size]
        root = self.entries[0]
        ministream = self._stream(root[2])[:root[3]]
        minifat_raw = self._stream(self.minifat_start) if self.minifat_start != _END else b""
        minifat = list(struct.unpack_from(f"<{len(minifat_raw) // 4}I", minifat_raw))
        chain = self._chain(start, minifat, len(ministream) // 64)
        return b"".join(ministream[s * 64:(s + 1) * 64] for s in chain)[:size]


# BIFF records holding a cell value: row and column are their first two words.
# BLANK and MULBLANK (formatting only) are left out: readers skip them too.
_BIFF_CELLS = {0x0203, 0x027E, 0x00FD, 0x0204, 0x0006, 0x0205, 0x00D6, 0x0406}
_BIFF_MULTI = {0x00BD}  # MULRK: row, first column, values, last column
_BOF, _EOF, _FILEPASS, _SST, _BOUNDSHEET = 0x0809, 0x000A, 0x002F, 0x00FC, 0x0085


def _biff_name(raw: bytes) -> str:
    """ShortXLUnicodeString: length, a flag for two-byte characters, the characters."""
    if len(raw) < 2:
        return ""
    count, wide = raw[0], raw[1] & 1
    text = raw[2:2 + count * (2 if wide else 1)]
    return text.decode("utf-16-le" if wide else "latin-1", "replace")


def _scan_biff(stream: bytes, book: _BookArea) -> None:
    sheet: _SheetArea | None = None
    names: dict[int, str] = {}  # substream offset -> sheet name (BOUNDSHEET8)
    pos, end = 0, len(stream)
    while pos + 4 <= end:
        kind, length = struct.unpack_from("<HH", stream, pos)
        body, start = pos + 4, pos
        pos = body + length
        if kind == _BOF:
            sheet = _SheetArea(names.get(start, f"лист {len(book.sheets)}"))
            book.sheets.append(sheet)
        elif kind == _BOUNDSHEET and length >= 8:
            names[struct.unpack_from("<I", stream, body)[0]] = _biff_name(stream[body + 6:pos])
        elif kind == _FILEPASS:
            raise Refusal(PASSWORD, "файл защищён паролем")
        elif kind == _SST and length >= 8:
            unique = struct.unpack_from("<I", stream, body + 4)[0]
            if unique > MAX_DECLARED_COUNT:
                raise Refusal(TOO_LARGE, f"книга объявляет {_n(unique)} строк текста; "
                                         f"допускается не более {_n(MAX_DECLARED_COUNT)}")
        elif sheet is not None and length >= 4 and kind in _BIFF_CELLS:
            row, col = struct.unpack_from("<HH", stream, body)
            sheet.hold(row + 1, col + 1)
        elif sheet is not None and length >= 6 and kind in _BIFF_MULTI:
            row, _ = struct.unpack_from("<HH", stream, body)
            (last,) = struct.unpack_from("<H", stream, body + length - 2)
            sheet.hold(row + 1, last + 1)
