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
* a zip with a second end-of-directory record, a disk number, or a directory
  not ending at its end record (readers would disagree on what it holds);
* a workbook whose cells a reader would turn into more than
  `MAX_CELL_TEXT_BYTES` of text (a shared string copied into every cell that
  refers to it, an .ods cell into every column and row it is repeated over),
  or whose merged ranges cover more than `MAX_MERGED_CELLS` cells; a sheet
  part declared by several `<sheet>` entries counts once for each;
* an OLE compound file that is password-protected (an encrypted .xlsx or an
  .xls with a FILEPASS record), is not an Excel workbook, or is damaged.

Every part is scanned as XML but pictures, fonts, printer settings, macros and
embedded files — and those too when a relationship or a content type declares
them XML: a reader takes a sheet from wherever the relationships point.
Every scan is linear in its input: possessive quantifiers, patterns that never
begin again inside a run they failed on, single forward passes
(`tests/test_guard.py` times each on n and 4n copies of an adversarial input).

The limits are generous: the college template is about 100 rows × 12 columns
per sheet, 25 KB on disk and under 1 MB inflated.  What a file within them
can cost the process is what `benchmarks/hostile.py` measures.

How it stays cheap: every byte is looked at by C code only, a few times.
Each part is inflated once, in chunks: one within a chunk (every part of a
filled template) is kept as inflated, a larger one is measured with its
chunks thrown away and, if it fits, inflated again.  Every XML part is then
searched for «<!», «ount=» and a `c` tag; a rare byte («!», «?») is found
with memchr before anything slower is tried.  What is left per sheet is a
handful of `bytes.count`-like passes, not a Python loop over its tags.

A sheet's area is bounded, never walked, in the usual case.  The walk — tag
by tag, as a reader numbers cells (`_walk_xlsx_sheet`, `_walk_ods`) — is
the reference; every shortcut gives an area no smaller than the walk's and
the same formula cells, or declines and lets the walk decide:

* .xlsx: one search shows that every `r` attribute, however written, names
  at most column Z and row 999; then no cell lies beyond row 999 plus the
  number of row tags, column Z plus the number of cell tags (`bytes.count`,
  any prefix).  Otherwise the same bound from every address read, unless an
  address is written in a way only the walk reads (character references,
  other quotes, a space before «=»).  Formula cells without a cached value
  are found from the `<f>` tags alone: the cell around each, its address,
  its `<v>` or `<is>`.
* .ods: rows are numbered as the walk numbers them, row tag by row tag, so
  the empty rows LibreOffice repeats to row 1 048 576 after the last one
  that holds something count for nothing; the cells of a row are counted
  (`bytes.count`, every repeat count) up to the last cell that may hold
  something, and the empty cells after it, repeated to column 16 384, count
  only if more cells follow them before the next row.
* Either shortcut first makes sure a regex sees the tags the walk sees: no
  comments or CDATA, quoted values free of «<» and «>» (`_plain_markup`),
  tables and rows (.ods) or cells (.xlsx formulas) with the usual prefix.
  .ods with formulas and anything else unusual is walked, as before.

Bounds are kept per sheet only while they are within `MAX_SHEET_CELLS`; if
they add up beyond `MAX_BOOK_CELLS`, the largest are tightened (the exact
addresses, then the walk) before anything is refused, so a refusal always
names exact areas.

A file that passes comes back as an `Inspection`: the bytes (so the reader
does not read the file twice), its kind by content (not by extension: an .xls
renamed to .xlsx is read as what it is), and the cells holding a formula with
no cached value (written by a program that does not compute), by sheet.
"""

from __future__ import annotations

import bisect
import html
import os
from collections import Counter
import re
import stat
import struct
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Callable, Mapping, NamedTuple

from ..core.files import os_reason
from ..core.text import a1
from .contract import SHEET_SELFCHECK, norm_label
from ..core.numbers import format_ru as _n  # «1 000 000», as in every other message

MIB = 1024 * 1024
MAX_FILE_BYTES = 50 * MIB
MAX_UNPACKED_BYTES = 100 * MIB
MAX_ZIP_ENTRIES = 10_000
MAX_CENTRAL_DIRECTORY_BYTES = 2 * MIB
MAX_SHEET_CELLS = 1_000_000
MAX_BOOK_CELLS = 3_000_000
MAX_DECLARED_COUNT = MAX_BOOK_CELLS
# Text the reader makes of the cells, each shared string once per cell that refers to it
# and each .ods cell once per repeat: no more than the inflated parts could hold as it is.
MAX_CELL_TEXT_BYTES = MAX_UNPACKED_BYTES
MAX_MERGED_CELLS = 100_000  # all merged ranges of a workbook together, cell by cell

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
        raise Refusal(UNREADABLE, f"файл недоступен ({os_reason(exc)})") from None
    # A FIFO or a device never ends: reading one would hang the run.
    if not stat.S_ISREG(st.st_mode):
        raise Refusal(UNREADABLE, "это не обычный файл (папка, устройство или канал)")
    if st.st_size > MAX_FILE_BYTES:
        raise Refusal(TOO_LARGE, _too_big_file(st.st_size))
    try:
        with open(path, "rb") as f:
            # What stat said, plus a byte to see whether it grew since; read(MAX) itself
            # would allocate 50 MB for every 25 KB file.
            data = f.read(st.st_size + 1)
            if len(data) > st.st_size:  # it did: the rest, still within the limit
                data += f.read(MAX_FILE_BYTES + 1 - len(data))
    except OSError as exc:
        raise Refusal(UNREADABLE, f"файл недоступен ({os_reason(exc)})") from None
    return data


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
    declared = _Declared()
    # The relationships and content types first: they say which parts are XML whatever
    # their names.  Then the workbook parts: a refusal about a sheet's part can name the sheet.
    order = lambda e: (not _declares(e.name), e.name.lower() not in _WORKBOOK_PARTS)  # noqa: E731
    for entry in sorted(entries, key=order):
        try:
            budget -= _inspect_part(data, entry, budget, book, small_parts, declared)
        except Refusal as refusal:
            raise _naming_the_sheet(refusal, entry.name, small_parts) from None
    names = lambda: _xlsx_sheet_names(small_parts)  # noqa: E731 - only for a message or a formula
    if kind == XLSX:
        book.copies = _xlsx_sheet_declarations(small_parts)
    book.check(names)
    book.check_allocations()
    return Inspection(data, kind, book.formula_cells(lambda: _xlsx_sheets(small_parts)))


def _inspect_part(data: bytes, entry: "_Entry", budget: int, book: "_BookArea",
                  small_parts: dict[str, bytes], declared: "_Declared") -> int:
    """One part inflated within `budget` and scanned; returns its inflated size."""
    xml = declared.is_text(entry.name)
    size, part = _inflate(data, entry, budget, keep=xml)
    if not xml:
        return size
    part = _utf8(part)
    _check_xml_declarations(entry.name, part)
    if _declares(entry.name):
        declared.read(entry.name, part)
    if b"<sst" in part or b":sst" in part:  # shared strings, whatever the part is called
        book.shared.append(_shared_string_sizes(part))
    # Every part is looked at as what it could be, whatever the kind: a reader
    # may take a zip holding both layouts for the other one.
    if entry.name.rpartition("/")[2] == "content.xml":
        _scan_ods(part, book)
    if _has_cells(part):
        unread = entry.name.lower() not in _WORKBOOK_PARTS and book.never_read(entry.name, small_parts)
        _scan_xlsx_sheet(entry.name, part, book, formulas=not unread)
    if entry.name.lower() in _WORKBOOK_PARTS:
        small_parts[entry.name.lower()] = part
    return size


def _naming_the_sheet(refusal: Refusal, part: str, workbook_parts: Mapping[str, bytes]) -> Refusal:
    """A refusal about a sheet's part says which sheet: «xl/worksheets/sheet3.xml» means
    nothing to the person who has to fix the file."""
    try:
        sheets = {k.lower(): v for k, v in _xlsx_sheet_names(workbook_parts).items()}
    except Refusal:  # the workbook part itself is damaged: the part's path will have to do
        return refusal
    sheet = sheets.get(part.lower())
    if sheet is None or f"лист «{sheet}»" in refusal.reason:
        return refusal
    where = f"лист «{sheet}» (часть «{part}»)"
    named = f"часть «{part}»"
    reason = refusal.reason.replace(named, where) if named in refusal.reason else f"{refusal.reason}: {where}"
    return Refusal(refusal.code, reason)


class _Entry(NamedTuple):  # a tuple: built ~15 times per file, faster than a dataclass
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
        if 0xFFFFFFFF in (packed, unpacked, offset):
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


_SPANNED = "архив многотомный (разбит на несколько частей); такие архивы не поддерживаются"
_TWO_ENDS = ("архив содержит несколько записей о конце каталога: разные программы прочли бы "
             "в нём разное содержимое; табличные редакторы так архивы не сохраняют")
_DETACHED = ("каталог архива не примыкает к записи о его конце (перед архивом или внутри него "
             "есть посторонние данные); табличные редакторы так архивы не сохраняют")


def _end_of_central_directory(data: bytes) -> tuple[int, int, int]:
    """(parts, directory size, directory start) from the one end record, the directory
    ending where that record (or its zip64 record) begins, on disk 0 of 1.

    Readers disagree on which of two end records counts and on where a directory
    that does not end at its record begins: such an archive is refused, never guessed.
    """
    at = data.rfind(b"PK\x05\x06", max(0, len(data) - 22 - 65535))
    if at < 0 or at + 22 > len(data):
        raise Refusal(UNREADABLE, _TRUNCATED)
    disk, directory_disk, on_disk, count, size, start = struct.unpack_from("<4xHHHHII", data, at)
    end = at
    if 0xFFFF in (count, on_disk) or 0xFFFFFFFF in (size, start):
        locator = at - 20
        if locator < 0 or data[locator:locator + 4] != b"PK\x06\x07":
            raise Refusal(UNREADABLE, _TRUNCATED)
        record_disk, record, disks = struct.unpack_from("<IQI", data, locator + 4)
        if data[record:record + 4] != b"PK\x06\x06" or record + 56 > locator:
            raise Refusal(UNREADABLE, _TRUNCATED)
        if record_disk != 0 or disks != 1:
            raise Refusal(UNREADABLE, _SPANNED)
        disk, directory_disk, on_disk, count, size, start = struct.unpack_from("<16xIIQQQQ", data, record)
        end = record
    if disk != 0 or directory_disk != 0 or on_disk != count:
        raise Refusal(UNREADABLE, _SPANNED)
    if start + size != end:
        raise Refusal(UNREADABLE, _DETACHED)
    if _another_end_record(data, at):
        raise Refusal(UNREADABLE, _TWO_ENDS)
    return count, size, start


def _another_end_record(data: bytes, last: int) -> bool:
    """Is there an end record before `last` that a reader could take: its directory
    ending right where it stands?  (One inside a part — an embedded archive stored as
    it is — counts its offsets from its own start, so it is not taken for one.)"""
    at = data.find(b"PK\x05\x06")
    for _ in range(1000):  # a thousand signatures are no accident either: no loop over millions
        if not 0 <= at < last:
            return False
        if at + 22 <= len(data):
            size, start = struct.unpack_from("<II", data, at + 12)
            if start + size == at:
                return True
        at = data.find(b"PK\x05\x06", at + 4)
    return True


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
    """(size, content if `keep`) of the part as a reader would see it."""
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
        size, crc, content = len(raw), zlib.crc32(raw), raw
    else:
        size, crc, content = _inflate_deflated(raw, budget, entry.name, len(data), keep)
    if size > budget:
        raise Refusal(TOO_LARGE, _bomb(len(data), MAX_UNPACKED_BYTES - budget + size))
    if crc != entry.crc:
        raise Refusal(UNREADABLE, f"часть «{entry.name}» повреждена (не совпадает контрольная сумма)")
    return size, content if keep else b""


_CHUNK = 1 << 20


def _inflate_deflated(raw: bytes, budget: int, name: str, packed: int, keep: bool) -> tuple[int, int, bytes]:
    """(size, CRC-32, content if `keep`), inflating in chunks of `_CHUNK`.

    A part within one chunk (every part of a filled template) is inflated once
    and kept as it comes.  A larger one is measured with its chunks thrown away,
    so a part that inflates beyond `budget` costs no more memory than a chunk,
    and only if it fits is it inflated again to be kept.
    """
    inflater = zlib.decompressobj(-15)
    try:
        first = inflater.decompress(raw, _CHUNK)
        if inflater.eof:
            return len(first), zlib.crc32(first), first
        size, crc = len(first), zlib.crc32(first)
        del first
        pending = inflater.unconsumed_tail
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
    size, crc = size + len(tail), zlib.crc32(tail, crc)
    return size, crc, zlib.decompress(raw, -15, max(size, 1)) if keep and size <= budget else b""


# Parts no reader parses as XML: pictures, fonts, printer settings, macros, embedded
# files.  Every other part is scanned as XML, whatever its name ends in: a reader
# takes a sheet from wherever the workbook's relationships point (`sheet3.bin` too).
_BINARY_PART = re.compile(
    r"\.(?:png|jpe?g|gif|bmp|tiff?|emf|wmf|emz|wmz|wdp|jxr|hdp|ico|svgz|odttf|ttf|otf|fntdata"
    r"|wav|mp3|mp4|avi|wmv)$"
    r"|(?:^|/)(?:printersettings\d*|vbaproject|vbaprojectsignature\w*|oleobject\d*|activex\d*)\.bin$"
    r"|^(?:xl/embeddings|xl/media|pictures|thumbnails|objectreplacements)/")
# Relationships to a part no reader parses as XML: a binary name they target stays unscanned.
_BINARY_RELATIONSHIP = re.compile(
    r"/(?:image|vbaProject|vbaProjectSignature\w*|printerSettings|oleObject|package|"
    r"activeXControlBinary|font|audio|video|media|thumbnail)$", re.I)


_XML_CONTENT = re.compile(rb"[+/]xml\s*$", re.I)  # «…worksheet+xml», «application/xml»


def _declares(name: str) -> bool:
    """A part saying what other parts are: relationships, content types."""
    name = name.lower()
    return name.endswith(".rels") or name == "[content_types].xml"


class _Declared:
    """The parts some relationship or content type makes XML, whatever their names."""

    def __init__(self) -> None:
        self.parts: set[str] = set()  # lower-case part names
        self.extensions: set[str] = set()

    def is_text(self, name: str) -> bool:
        low = name.lower()
        return (_BINARY_PART.search(low) is None or low in self.parts
                or low.rpartition(".")[2] in self.extensions)

    def read(self, name: str, part: bytes) -> None:
        base = name.rpartition("/_rels/")[0] if "/_rels/" in name else ""
        for end, local, attrs, _, _ in _tokens(part):
            if end:
                continue
            a = _attrs(attrs)
            if local == b"Relationship" and b"Target" in a and not _BINARY_RELATIONSHIP.search(
                    _text(_first(a, b"Type"))) and _first(a, b"TargetMode").lower() != b"external":
                target = _text(_first(a, b"Target"))
                path = target.lstrip("/") if target.startswith("/") else f"{base}/{target}"
                self.parts.add(_normpath(path).lower())
            elif local in (b"Override", b"Default") and _XML_CONTENT.search(_first(a, b"ContentType")):
                if local == b"Override":
                    self.parts.add(_normpath(_text(_first(a, b"PartName"))).lower())
                else:
                    self.extensions.add(_text(_first(a, b"Extension")).lower().lstrip("."))


_DECLARATION = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.I)
# A count (count, uniqueCount) with as many digits as the limit or more: only those can
# exceed it, so a part full of small counts never reaches Python one by one.
_COUNT = re.compile(rb"ount\s*+=\s*+[\"']\s*+\+?0*+([1-9]\d{%d,})" % (len(str(MAX_DECLARED_COUNT)) - 1))  # count, uniqueCount


def _check_xml_declarations(name: str, part: bytes) -> None:
    part = _utf8(part)
    if _has_markup_declaration(part) and _DECLARATION.search(part):  # the plain test first: it is far faster
        raise Refusal(UNREADABLE, f"часть «{name}» содержит объявления DOCTYPE или ENTITY, "
                                  "которых не бывает в книгах, сохранённых табличным редактором")
    if part.find(b"ount") < 0:  # a literal is found far faster than the regex finds it
        return
    for m in _COUNT.finditer(part):  # in C: a text of «ount» once looped here in Python
        if _int(m.group(1)) > MAX_DECLARED_COUNT:
            raise Refusal(TOO_LARGE, f"часть «{name}» объявляет {_n(_int(m.group(1)))} элементов; "
                                     f"допускается не более {_n(MAX_DECLARED_COUNT)}")


def _has_markup_declaration(part: bytes) -> bool:
    """Is there a «<!» (comment, CDATA, DOCTYPE)?

    «!» is rare in XML, and looking for one byte is many times faster than
    for two that begin with «<».
    """
    return _has_pair(part, b"!")


def _has_pair(part: bytes, mark: bytes) -> bool:
    """Is `mark` ever right after «<»?  The first `mark` usually answers; if not, one
    search for the pair (never a loop over every `mark`: a text of «!» would make it slow)."""
    at = part.find(mark, 1)
    if at < 0:
        return False
    return part[at - 1] == 0x3C or part.find(b"<" + mark, at) >= 0


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
    rb"|<(/?)([A-Za-z_][\w.:-]*+)((?:[^<>\"']++|\"[^\"]*+\"|'[^']*+')*+)(>?)",
    re.S)
# Linear: possessive runs, and a name starts only where a run of name characters
# begins (its leading digits, dots... skipped), never again at every character
# of a run that failed — which is where the old pattern began anew and rescanned.
_ATTR = re.compile(rb"(?<![\w.:-])[\d.:-]*+([A-Za-z_][\w.:-]*+)\s*+=\s*+"
                   rb"(?:\"([^\"]*+)\"|'([^']*+)'|([^\s\"'/>]++))")
_UNCLOSED = ((b"<!--", b"-->"), (b"<![CDATA[", b"]]>"), (b"<?", b"?>"))


def _tokens(part: bytes):
    """(end tag?, local name, attribute text, self-closing?, end offset) for every tag.

    `part` is UTF-8 (see `_utf8`).
    """
    _check_closed(part)
    for m in _TOKEN.finditer(part):
        name = m.group(2)
        if name is None:
            continue
        if not m.group(4):  # «<name» with no «>» before the next «<» or an unclosed quote
            raise Refusal(UNREADABLE, "часть книги повреждена (незавершённый тег XML)")
        attrs = m.group(3)
        closing = attrs.endswith(b"/")
        yield bool(m.group(1)), name.rpartition(b":")[2], attrs, closing, m.end()


def _check_closed(part: bytes) -> None:
    """Refuse an unterminated comment, CDATA section or processing instruction.

    It would also make every later comment scan to the end.  «!» and «?» are
    rare: looking for them is cheap.
    """
    if not (_has_markup_declaration(part) or _has_pair(part, b"?")):
        return
    for opener, closer in _UNCLOSED:
        last = part.rfind(opener)
        if last >= 0 and part.find(closer, last + len(opener)) < 0:
            raise Refusal(UNREADABLE, "часть книги повреждена (незавершённая разметка XML)")


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
    # Set while the area is an upper bound only: gives tighter areas to put in its place.
    refine: Callable[[], list[_SheetArea]] | None = None

    @property
    def cells(self) -> int:
        return self.rows * self.cols

    def hold(self, row: int, col: int) -> None:
        """A cell holding something at 1-based (row, col): the grid reaches it from A1."""
        self.rows = max(self.rows, row)
        self.cols = max(self.cols, col)


def _columns(rows: list[list[int]]) -> list[tuple[int, ...]]:
    """[[3, 5], [4]] -> [(3, 4), (5, 0)]: sizes of the same index across parts."""
    width = max(map(len, rows), default=0)
    return list(zip(*(r + [0] * (width - len(r)) for r in rows)))


@dataclass
class _BookArea:
    # Exact areas, and bounds never above `MAX_SHEET_CELLS`, so only exact areas are ever named.
    sheets: list[_SheetArea] = field(default_factory=list)
    # Part name (lower case) -> how many sheets the workbook declares on it (one if absent).
    copies: Mapping[str, int] = field(default_factory=dict)
    shared: list[list[int]] = field(default_factory=list)  # sizes of shared strings, by part
    text_refs: list[tuple[str, Counter, int]] = field(default_factory=list)  # _xlsx_string_refs
    merged: list[tuple[str, int]] = field(default_factory=list)  # (part, merged cells)
    ods_text: int = 0
    unread_parts: frozenset[str] | None = None  # see `never_read`

    def never_read(self, part: str, workbook_parts: Mapping[str, bytes]) -> bool:
        """Is every sheet the workbook declares on this part one the reader never reads (the
        self-check)?  Then its formula cells are not looked for: nothing there is a value the
        reader takes.  Asked only once the workbook parts have been read (they come first)."""
        if self.unread_parts is None:
            declared = _xlsx_sheets(workbook_parts)
            self.unread_parts = frozenset(
                part.lower() for part, names in declared.items()
                if names and all(norm_label(n) in UNREAD_SHEETS for n in names))
        return part.lower() in self.unread_parts

    def check_allocations(self) -> None:
        """What the reader allocates beyond the grid: text of shared strings once per cell,
        repeated .ods text, merged cells."""
        if self.ods_text > MAX_CELL_TEXT_BYTES:
            raise Refusal(TOO_LARGE, (
                "ячейки с текстом повторяются в строках и столбцах (number-rows-repeated, "
                f"number-columns-repeated): при чтении получилось бы до {_n(self.ods_text)} байт текста; "
                f"допускается не более {_n(MAX_CELL_TEXT_BYTES)} байт — заполненный шаблон содержит "
                "менее 1 МБ текста"))
        text = 0
        if self.shared and self.text_refs:
            sizes = [max(column) for column in _columns(self.shared)]
            longest = max(sizes, default=0)
            refs = sum(self.copies.get(name.lower(), 1) * (sum(plain.values()) + odd)
                       for name, plain, odd in self.text_refs)
            if refs * longest > MAX_CELL_TEXT_BYTES:  # else not worth counting string by string
                for name, plain, odd in self.text_refs:
                    named = sum(count * sizes[i] for i, count in ((_int(k), c) for k, c in plain.items())
                                if i < len(sizes))
                    text += self.copies.get(name.lower(), 1) * (named + odd * longest)
        if text > MAX_CELL_TEXT_BYTES:
            raise Refusal(TOO_LARGE, (
                "ячейки книги ссылаются на общие строки (sharedStrings), и при чтении каждая ссылка "
                f"даёт свою копию строки: всего до {_n(text)} байт текста; допускается не более "
                f"{_n(MAX_CELL_TEXT_BYTES)} байт — заполненный шаблон содержит менее 1 МБ текста"))
        merged = sum(self.copies.get(name.lower(), 1) * cells for name, cells in self.merged)
        if merged > MAX_MERGED_CELLS:
            raise Refusal(TOO_LARGE, (
                f"объединённые ячейки листов книги вместе занимают {_n(merged)} ячеек; допускается "
                f"не более {_n(MAX_MERGED_CELLS)} (в заполненном шаблоне их менее тысячи)"))

    def _cells(self, sheet: _SheetArea) -> int:
        return sheet.cells * self.copies.get(sheet.key.lower(), 1)

    def check(self, sheet_names: Callable[[], Mapping[str, str]]) -> None:
        total = sum(map(self._cells, self.sheets))
        # Bounds are tightened, the largest first, only while they add up too far.
        while total > MAX_BOOK_CELLS:
            loose = [n for n, s in enumerate(self.sheets) if s.refine]
            if not loose:
                break
            n = max(loose, key=lambda n: self._cells(self.sheets[n]))
            tighter = self.sheets[n].refine()
            total += sum(map(self._cells, tighter)) - self._cells(self.sheets[n])
            self.sheets[n:n + 1] = tighter
        for sheet in self.sheets:
            if sheet.cells > MAX_SHEET_CELLS:
                label = sheet_names().get(sheet.key.lower(), sheet.key)
                raise Refusal(TOO_LARGE, (
                    f"лист «{label}» занимает {_n(sheet.rows)} строк × {_n(sheet.cols)} столбцов "
                    f"({_n(sheet.cells)} ячеек, считая от A1); допускается не более "
                    f"{_n(MAX_SHEET_CELLS)} ячеек на лист. Удалите значения, введённые далеко за "
                    "пределами таблицы"))
        if total > MAX_BOOK_CELLS:
            repeated = max(self.copies.items(), key=lambda kv: kv[1], default=("", 1))
            why = ""
            if repeated[1] > 1:
                label = sheet_names().get(repeated[0], repeated[0])
                label = next((v for k, v in sheet_names().items() if k.lower() == repeated[0]), label)
                why = (f" (один и тот же лист, «{label}», объявлен в книге {_n(repeated[1])} раз "
                       "под разными именами, и каждое объявление читается заново)")
            raise Refusal(TOO_LARGE, f"листы книги вместе занимают {_n(total)} ячеек{why}; "
                                     f"допускается не более {_n(MAX_BOOK_CELLS)}")

    def formula_cells(self, declared: Callable[[], Mapping[str, list[str]]]) -> dict[str, frozenset[str]]:
        """Formula cells without a value, by sheet name: under every name the workbook declares
        on the part (a part declared twice is read twice), keyed by the table's name for .ods;
        not those of a sheet the reader never reads (the self-check computes «» where it finds
        nothing)."""
        found = [s for s in self.sheets if s.formulas]
        names = declared() if found else {}
        cells: dict[str, set[str]] = {}
        for s in found:
            for name in names.get(s.key.lower(), [s.key]):
                cells.setdefault(name, set()).update(s.formulas)
        return {name: frozenset(got) for name, got in cells.items() if norm_label(name) not in UNREAD_SHEETS}


def _int(digits: bytes) -> int:
    """Decimal digits as a number; too many to convert (a hostile file) is just very large."""
    digits = digits.lstrip(b"0")
    return int(digits or b"0") if len(digits) <= 18 else 10 ** 18


_REF = re.compile(rb"^\s*+\$?([A-Za-z]{0,7})\$?(\d*+)\s*+$")  # possessive: spaces split one way


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
    row = _int(m.group(2)) if m.group(2) else None
    return row, col or None


# -- markup a regex reads as the tokenizer does -------------------------------

_PI_WITH_LT = re.compile(rb"<\?(?:[^?<]++|\?(?!>))*+<")  # a «<» before the instruction's «?>»
_NOT_MARKUP = bytes(b for b in range(256) if b not in b"\"'<>")
_PAIRED_QUOTES = re.compile(rb"""(?:[<>]++|"'*+"|'"*+')*+""")


def _plain_markup(part: bytes) -> bool:
    """Does every tag end at the first «>» after its «<», as `_tokens` ends it?

    Then a regex over tags written `<name[^<>]*>` finds exactly the tags the
    walk sees.  So it is when there are no comments or CDATA, no processing
    instruction holds a «<», and every quoted value closes before any «<» or
    «>»: of the quotes and angle brackets alone, the quotes then pair up.
    """
    if _has_markup_declaration(part):
        return False
    if _has_pair(part, b"?"):  # processing instructions: each closed, none holding a «<»
        last = part.rfind(b"<?")
        if part.find(b"?>", last) < 0 or _PI_WITH_LT.search(part):
            return False
    marks = part.translate(None, _NOT_MARKUP)
    if b"'" in marks:
        return _PAIRED_QUOTES.fullmatch(marks) is not None
    return b'"' not in marks.replace(b'""', b"")


# -- .xlsx sheets -------------------------------------------------------------

# Patterns below match a superset of what they look for (any prefix, any
# context): more matches only make a bound larger, never smaller.
# Patterns start with a literal so that the regex engine can skip ahead: a
# character class first makes them several times slower on every sheet.
_C_TAG_NAME = re.compile(rb"c[\s/>](?<=[<:]c.)")
_F_TAG_NAME = re.compile(rb"f[\s/>](?<=[<:]f.)")
_PREFIXED_ROW_OR_C = re.compile(rb":(?:c|row)[\s/>]")
# Row and cell tags whose `r` gives a row (a column) as the walk reads it: counted
# among the tags above, their place is their address.
# (Counted as the tags so begun, less those whose address does not give it.)
_ROW_WITHOUT_ROW = re.compile(rb'<row r="(?!\$?[A-Za-z]{0,7}\$?\d++")')
_CELL_WITHOUT_COLUMN = re.compile(rb'<c r="(?!\$?[A-Za-z]{1,7}\$?\d*+")')
_PLAIN_R_LETTERS = re.compile(rb' r="\$?([A-Za-z]*+)\$?\d*+"')
_PLAIN_R_DIGITS = re.compile(rb' r="\$?[A-Za-z]*+\$?(\d*+)"')
# An `r` attribute (as `_attrs` could read one: any prefix, after a quote, a
# tab, a digit...) written some other way than ` r="B12"`: other quotes or
# spaces, character references.  `xmlns:r` declares a namespace.
_ODD_R = re.compile(rb'r(?:\s+=|=(?:(?<![ A-Za-z_]r=)(?<! xmlns:r=)|(?<= r=)(?!"\$?[A-Za-z]*\$?\d*")))')
# Anything `_attrs` could read as an `r` attribute (written any way, but with
# no space before its «=») holding more than an address up to column Z and row
# 999.  The two-byte literal first lets the regex engine skip most of a sheet.
_FAR_R = re.compile(rb'r=(?!"[A-Z]?\d{0,3}")(?<![A-Za-z_]r=)(?<! xmlns:r=)')
# An `r` the walk reads, as it always has: after a tab or a line break, or with a space before «=».
def _prefixed_r(part: bytes) -> bool:
    """A prefixed `r` attribute (`x:r=`), not the namespace declaration (` xmlns:r=`): what
    the regex `(?<! xmlns):r=` finds, at the speed of `bytes.find` (the regex, with no literal
    to start from, tried every byte: 5 ms for a sheet of formulas)."""
    at = part.find(b":r=")
    while at >= 0:
        if part[max(0, at - 6):at] != b" xmlns":
            return True
        at = part.find(b":r=", at + 3)
    return False

_SPACED_R = re.compile(rb"r\s+=|[\t\n\r]r=")
_RARE_SPACES = (b"\t", b"\n", b"\r", b"\x0b", b"\x0c")


def _has_cells(part: bytes) -> bool:
    """Is there a tag `c` (any prefix)?  A superset: text may match too."""
    return bool(_C_TAG_NAME.search(_utf8(part)))


def _has_formulas(part: bytes) -> bool:
    """Is there a tag `f` (any prefix)?  A superset: text may match too."""
    return bool(_F_TAG_NAME.search(part))


def _near_addresses(part: bytes) -> bool:
    """Does every `r` attribute name at most column Z and row 999, and is it written so that
    the walk is not needed (no prefix but `xmlns:`, a space before it and none before «=»)?"""
    if _FAR_R.search(part):
        return False
    if _prefixed_r(part):
        return False
    # Office suites put no space before «=», and tabs and line breaks only
    # around the XML declaration, so the regex rarely has to run.
    after_declaration = part.find(b"<", part.find(b">") + 1)
    if b" =" in part or any(part.find(c, after_declaration) >= 0 for c in _RARE_SPACES):
        return not _SPACED_R.search(part)
    return True


def _xlsx_bound(part: bytes, coarse: bool = False, near: bool | None = None) -> tuple[int, int] | None:
    """An upper bound of a sheet's rows and columns, at the speed of `bytes.count`.

    A row without `r` is the previous one plus one, a cell without `r` the
    previous column plus one, so no cell lies beyond the largest `r` plus the
    number of row (cell) tags.  The counts are of supersets of the real tags.
    `coarse` takes the largest `r` as row 999 and column Z when one search
    shows no address goes further, instead of reading every address.  None
    unless every `r` attribute is written the plain way office suites write it
    (` r="B12"`): anything else — other quotes or spaces, a prefix, character
    references — is left to the walk.
    """
    near = (coarse and _near_addresses(part)) if near is None else near
    if not near and _ODD_R.search(part):
        return None
    rows, cells = part.count(b"<row"), part.count(b"<c")
    if _PREFIXED_ROW_OR_C.search(part):
        rows, cells = rows + part.count(b":row"), cells + part.count(b":c")
    if near:
        return 999 + rows, 26 + cells
    # One group each: `set` of a list of bytes is built in C (of tuples, it took seconds).
    max_row = max(map(_int, filter(None, set(_PLAIN_R_DIGITS.findall(part)))), default=0)
    max_col = max((_ref(letters)[1] or 0 for letters in set(_PLAIN_R_LETTERS.findall(part))), default=0)
    # Only a row (cell) tag without its own row (column) can go past the largest address:
    # the tags written as office suites write them, ` r="…"` first, are left out of the slack.
    rows -= part.count(b'<row r="') - len(_ROW_WITHOUT_ROW.findall(part))
    cells -= part.count(b'<c r="') - len(_CELL_WITHOUT_COLUMN.findall(part))
    return max(max_row + rows, 1), max_col + cells


def _scan_xlsx_sheet(name: str, part: bytes, book: _BookArea, formulas: bool = True) -> None:
    part = _utf8(part)
    book.sheets.append(_bounded_xlsx_sheet(name, part, formulas) or _walk_xlsx_sheet(name, part))
    if b'"s"' in part or b"'s'" in part:  # a cell may refer to a shared string (t="s")
        book.text_refs.append(_xlsx_string_refs(name, part))
    if b"mergeCell" in part:
        book.merged.append((name, _merged_area(part)))


# A value as office suites write it: the index of a shared string for a cell with t="s".
_V_INDEX = re.compile(rb"<v>(\d++)</v>")


def _xlsx_string_refs(name: str, part: bytes) -> tuple[str, Counter, int]:
    """(part, shared string index -> how many values name it, values written otherwise).

    Every value is taken for a reference (a superset: numbers too); one written any
    other way (spaces, a prefix, character references) may name any string.
    """
    plain = Counter(_V_INDEX.findall(part))
    values = part.count(b"<v") + part.count(b":v")  # every value tag, and some other tags
    return name, plain, max(values - sum(plain.values()), 0)


_SI_TAG = re.compile(rb"<si[\s/>]")


def _shared_string_sizes(part: bytes) -> list[int]:
    """Bytes from each `<si>` to the next (its text, markup and all): no string the
    reader makes of it is longer.  Found by regex where it sees the tags the walk sees."""
    if _plain_markup(part) and b":si" not in part:
        starts = [m.end() for m in _SI_TAG.finditer(part)]
    else:
        starts = [stop for end, local, _, _, stop in _tokens(part) if local == b"si" and not end]
    return [b - a for a, b in zip(starts, starts[1:] + [len(part)])]


_MERGE_REF = re.compile(rb"<(?:[\w.-]+:)?mergeCell(?![\w.:-])[^<>]*?\sref\s*+=\s*+[\"']([^\"'<>]*+)[\"']")


def _merged_area(part: bytes) -> int:
    """Cells in all merged ranges of the part: a reader such as openpyxl makes an object
    for each.  A column or row range without the other half spans the sheet."""
    total = 0
    for ref in _MERGE_REF.findall(part):
        first, _, last = ref.partition(b":")
        r1, c1 = _ref(first)
        r2, c2 = _ref(last) if last else (r1, c1)
        rows = abs((r2 or 1_048_576) - (r1 or 1)) + 1
        cols = abs((c2 or 16_384) - (c1 or 1)) + 1
        total += rows * cols
    return total


def _bounded_xlsx_sheet(name: str, part: bytes, want_formulas: bool = True) -> _SheetArea | None:
    """The usual case: the sheet within a bound and its formula cells found without a walk
    (not looked for unless `want_formulas`)."""
    near = _near_addresses(part)
    bound = _xlsx_bound(part, near=near)
    if near and bound and bound[0] * bound[1] > MAX_SHEET_CELLS:  # else the same bound again
        bound = _xlsx_bound(part, near=False)
    exact = None
    if bound is None or bound[0] * bound[1] > MAX_SHEET_CELLS:
        exact = _exact_xlsx_area(part)
        if exact is None:
            return None
    formulas = _xlsx_formulas(part) if want_formulas and _has_formulas(part) else set()
    if formulas is None:
        return None
    if exact is not None:
        return _SheetArea(name, *exact, formulas)
    return _loose_xlsx_sheet(name, part, bound, formulas)


def _loose_xlsx_sheet(name: str, part: bytes, bound: tuple[int, int], formulas: set[str]) -> _SheetArea:
    def refine() -> list[_SheetArea]:
        tighter = _xlsx_bound(part)
        if tighter and tighter[0] * tighter[1] < bound[0] * bound[1]:
            return [_loose_xlsx_sheet(name, part, tighter, formulas)]
        exact = _exact_xlsx_area(part)
        if exact is not None:
            return [_SheetArea(name, *exact, formulas)]
        return [_walk_xlsx_sheet(name, part)]
    return _SheetArea(name, *bound, formulas, refine)


_UNADDRESSED_ROW = re.compile(rb'<row r="(?!\$?[A-Za-z]{0,7}\$?\d++")')
_UNADDRESSED_CELL = re.compile(rb'<c r="(?!\$?[A-Za-z]{1,7}\$?\d++")')
_AFTER_NAME = (b" ", b"/", b">", b"\t", b"\n", b"\r", b"\x0b", b"\x0c")  # what `[\s/>]` matches


def _count_tags(part: bytes, opening: bytes) -> int:
    """How many `opening` (b"<c") followed by a space, «/» or «>»: `bytes.count` is many
    times faster than a `findall` listing a million matches."""
    return sum(part.count(opening + after) for after in _AFTER_NAME)
# The cells holding something (not self-closing), as the walk holds them: one group each.
_HELD_LETTERS = re.compile(rb'<c r="\$?([A-Za-z]{1,7})\$?\d++"[^<>]*+(?<!/)>')
_HELD_DIGITS = re.compile(rb'<c r="\$?[A-Za-z]{1,7}\$?(\d++)"[^<>]*+(?<!/)>')


def _exact_xlsx_area(part: bytes) -> tuple[int, int] | None:
    """The walk's area at C speed, where every row and cell tag carries its full address as
    office suites write it (` r="B12"` first, once): then each cell lies at its address.

    None where only the walk can tell: markup a regex could misread, prefixed tags,
    a row or cell without its own address, an `r` written otherwise or twice.
    """
    if _PREFIXED_ROW_OR_C.search(part) or _ODD_R.search(part) or not _plain_markup(part):
        return None
    rows, cells = _count_tags(part, b"<row"), _count_tags(part, b"<c")
    addressed_rows, addressed_cells = part.count(b'<row r="'), part.count(b'<c r="')
    if (addressed_rows != rows or addressed_cells != cells or part.count(b' r="') != rows + cells
            or _UNADDRESSED_ROW.search(part) or _UNADDRESSED_CELL.search(part)):
        return None
    digits = set(_HELD_DIGITS.findall(part))
    if not digits:
        return 0, 0
    letters = set(_HELD_LETTERS.findall(part))
    return max(max(map(_int, digits)), 1), max(_ref(x)[1] for x in letters)


def _walk_xlsx_sheet(name: str, part: bytes) -> _SheetArea:
    """Rows and cells as a reader numbers them: by `r`, else one after the previous.

    The tokens of `_tokens`, read inline: an address written ` r="B12"` (either quote)
    as the tag's only attribute is read by one match, letters to a column once.
    """
    _check_closed(part)
    sheet = _SheetArea(name)
    row = col = 0
    cell: list | None = None  # [row, col, has formula, has value]
    columns: dict[bytes, int] = {}
    simple = _SIMPLE_R.fullmatch
    for m in _TOKEN.finditer(part):
        slash, tag, attrs, gt = m.groups()
        if tag is None:
            continue
        if not gt:
            raise Refusal(UNREADABLE, "часть книги повреждена (незавершённый тег XML)")
        local = tag.rpartition(b":")[2] if b":" in tag else tag
        if slash:
            if local == b"c":
                if cell is not None and cell[2] and not cell[3]:
                    sheet.formulas.add(a1(cell[0] - 1, cell[1] - 1))
                cell = None
        elif local == b"c" or local == b"row":
            if b"r" not in attrs:
                r = c = None
            elif (address := simple(attrs)) is not None:
                letters, digits = address.group(2, 3)
                r = (int(digits) if len(digits) <= 18 else _int(digits)) if digits else None
                c = columns.get(letters) if letters else None
                if letters and c is None:
                    c = columns[letters] = _ref(letters)[1]
            else:
                r, c = _farthest(_attrs(attrs).get(b"r"))
            if local == b"row":
                row, col = (r if r is not None else row + 1), 0
                continue
            row, col = (r if r is not None else row), (c if c is not None else col + 1)
            cell = None if attrs.endswith(b"/") else [max(row, 1), col, False, False]
            if cell is not None:
                sheet.hold(cell[0], cell[1])
        elif cell is None:
            continue
        elif local == b"f":
            cell[2] = True
        elif local == b"is":
            cell[3] = True
        elif local == b"v" and not attrs.endswith(b"/"):
            stop = m.end()
            following = part.find(b"<", stop)
            cell[3] = cell[3] or bool(part[stop:following if following >= 0 else len(part)].strip())
    return sheet


# ` r="B12"` or ` r='B12'`, the only attribute, as `_attrs` and `_ref` would read it.
_SIMPLE_R = re.compile(rb"""\s++r=(["'])\$?([A-Za-z]{0,7})\$?(\d*+)\1\s*+/?""")


# Tags as the walk reads them once `_plain_markup` holds: a cell's start or end
# tag, and the formula and value tags inside.  `[^<>]*+` stops at the next «<»:
# every byte is looked at once.
_CELL_TAGS = re.compile(rb"<(/?)(c|f|is|v)(?![\w.:-])([^<>]*+)>")
_PREFIXED_CELL_TAG = re.compile(rb":(?:c|f|v|is)(?![\w.:-])")  # a superset: attributes too
_CELL_ATTRS = re.compile(rb'(?:\s++[A-Za-z_][\w.:-]*+="[^"]*+")*+\s*+')
_CELL_R = re.compile(rb' r="\$?([A-Za-z]{1,7})\$?(\d+)"')


def _xlsx_formulas(part: bytes) -> set[str] | None:
    """The walk's formula cells without a cached value, in one forward pass over the cell,
    formula and value tags (C-speed search; Python only for these tags).

    A formula counts inside a cell that starts (not self-closing) and closes
    before the next cell starts, as the walk counts it.  None where only the
    walk can tell: markup a regex could misread, prefixed tags, a formula cell
    without an address of its own.
    """
    if _PREFIXED_CELL_TAG.search(part) or not _plain_markup(part):
        return None
    found: set[str] = set()
    cell: re.Match | None = None  # the open cell's start tag
    formula = value = False
    for tag in _CELL_TAGS.finditer(part):
        end, name, attrs = tag.groups()
        if name == b"c":
            if end and cell is not None and formula:
                cell_attrs = cell.group(3)
                address = _CELL_R.findall(cell_attrs)
                if len(address) != 1 or cell_attrs.count(b" r=") != 1 or not _CELL_ATTRS.fullmatch(cell_attrs):
                    return None
                if not value:
                    letters, digits = address[0]
                    found.add(a1(max(_int(digits), 1) - 1, _ref(letters)[1] - 1))
            cell = None if end or attrs.endswith(b"/") else tag
            formula = value = False
        elif end or cell is None:
            continue
        elif name == b"f":
            formula = True
        elif name == b"is":
            value = True
        elif not value and not attrs.endswith(b"/"):  # <v>: a value if any text follows
            following = part.find(b"<", tag.end())
            value = bool(part[tag.end():following if following >= 0 else len(part)].strip())
    return found


# -- .ods ---------------------------------------------------------------------

# Where a table or row tag may be named (any prefix): LibreOffice writes
# `<table:table…>`, `<table:table-row…>`, `</table:table-row>`; any other tag
# so named is left to the walk.  The literal comes first so that the regex
# engine skips ahead; what precedes it is looked at afterwards.
# It always matches up to the next «<» or «>» (a word in a text too): the engine
# resumes after it instead of trying again from every «table» of a long text.
# Only a match ending in «>» is a tag.
_ODS_NAME = re.compile(rb"table(-row)?(?![\w.:-])[^<>]*+>?")
_ODS_CELL_END = b"</table:table-cell>"
_ODS_EMPTY_CELL = re.compile(rb"<table:(?:covered-)?table-cell(?![\w.:-])([^<>]*)/>")
_ODS_EMPTY_CELLS = re.compile(rb"(?:<table:(?:covered-)?table-cell(?![\w.:-])[^<>]*+(?<=/)>)*+")
# Any repeat count, as `_attrs` and `_repeat` could read it, and then some.
# Possessive: spaces around an absent quote are split one way, not in every way.
_ROWS_REPEATED = re.compile(rb"rows-repeated\s*+=\s*+[\"']?\s*+\+?(\d++)")
_COLUMNS_REPEATED = re.compile(rb"columns-repeated\s*+=\s*+[\"']?\s*+\+?(\d++)")


def _scan_ods(part: bytes, book: _BookArea) -> None:
    """Repeated rows and cells expand in a reader: a cell holding something counts them all."""
    part = _utf8(part)
    book.ods_text = max(book.ods_text, _ods_text(part))
    tables = _ods_bound(part)
    total = sum(rows * cols for rows, cols in tables or ())
    if tables is None or total > MAX_SHEET_CELLS:
        book.sheets.extend(_walk_ods(part))
        return
    # All tables under one bound (as rows × 1): walked, and named, only if the book goes too far.
    book.sheets.append(_SheetArea("content.xml", total, 1, refine=lambda: _walk_ods(part)))


_ODS_ROW_OR_CELL = re.compile(
    rb"<(/?)(?:[\w.-]+:)?(table-row|table-cell|covered-table-cell)(?![\w.:-])([^<>]*+)>")


def _ods_text(part: bytes) -> int:
    """Bytes of text a reader makes of the cells: each cell's content (from its tag to the
    next row or cell tag, markup and all) once per column and row it is repeated over."""
    if _plain_markup(part):
        tags = ((m.group(1), m.group(2), m.group(3), m.end()) for m in _ODS_ROW_OR_CELL.finditer(part))
    else:  # the tags the walk sees, by the walk's tokens
        tags = ((b"/" if end else b"", local, attrs, stop) for end, local, attrs, _, stop in _tokens(part)
                if local in (b"table-row", b"table-cell", b"covered-table-cell"))
    total = 0
    row_repeat, cell_repeat, cell_from = 1, 1, -1
    for end, local, attrs, stop in tags:
        if cell_from >= 0:  # the open cell's content, up to and with this tag
            total += (stop - cell_from) * cell_repeat * row_repeat
            cell_from = -1
        if local == b"table-row":
            row_repeat = 1 if end else _repeat_in(attrs, _ROWS_REPEATED)
        elif not end and not attrs.endswith(b"/"):
            cell_repeat, cell_from = _repeat_in(attrs, _COLUMNS_REPEATED), stop
    if cell_from >= 0:
        total += (len(part) - cell_from) * cell_repeat * row_repeat
    return total


def _repeat_in(attrs: bytes, pattern: re.Pattern) -> int:
    if b"repeated" not in attrs:
        return 1
    return max([1, *map(_int, pattern.findall(attrs))])


UNREAD_SHEETS = frozenset({norm_label(SHEET_SELFCHECK)})  # their formulas hold nothing the reader takes
_UNREAD_TABLE = re.compile(rb'<table:table table:name="' + SHEET_SELFCHECK.encode() + rb'"[ >]')
_TABLE_START = re.compile(rb"<table:table(?![\w.:-])")  # whatever follows the name: space, tab, line break
_TABLE_END = re.compile(rb"</table:table\s*+>")


def _formulas_only_where_unread(part: bytes) -> bool:
    """Every «formula» in the content validations or in a table the reader never reads (the
    self-check), each where LibreOffice writes it: the validations before the first table and
    holding no row or cell; the self-check a table of the top level, closed before the next
    opens.  Then no formula cell is wanted exactly and the bound holds.  Anything else (a
    table inside another, a table tag written otherwise, rows among the validations) is left
    to the walk.  Linear: forward searches and one pass over the table tags."""
    first_table = _TABLE_START.search(part)
    regions = []
    start = part.find(b"<table:content-validations>")
    if start >= 0:
        end = part.find(b"</table:content-validations>", start)
        if (end < 0 or (first_table and end > first_table.start()) or part.find(b"table-row", start, end) >= 0
                or part.find(b"table-cell", start, end) >= 0 or _TABLE_START.search(part, start, end)):
            return False
        regions.append((start, end))
    starts = [m.start() for m in _TABLE_START.finditer(part)]
    ends = [m.start() for m in _TABLE_END.finditer(part)]
    for m in _UNREAD_TABLE.finditer(part):
        opened = bisect.bisect_left(starts, m.start())  # tables opened before this one
        closed = bisect.bisect_left(ends, m.start())
        after = bisect.bisect_right(starts, m.start())  # the next table's start, if any
        if opened != closed or closed >= len(ends):
            return False  # inside another table, or never closed
        end = ends[closed]
        if after < len(starts) and starts[after] < end:
            return False  # a table inside it: not as LibreOffice writes
        regions.append((m.start(), end))
    pos = 0
    for start, end in sorted(regions):
        if start < pos or part.find(b"formula", pos, start) >= 0:
            return False
        pos = end
    return part.find(b"formula", pos) < 0


def _ods_bound(part: bytes) -> list[tuple[int, int]] | None:
    """Upper bounds of each table's rows and columns, row by row rather than cell by cell.

    Rows are numbered as the walk numbers them, so the empty rows LibreOffice
    repeats to row 1 048 576 after the last one holding something count for
    nothing.  The cells of a row are counted with `bytes.count` (any tag naming
    `table-cell`, and every repeat count found), but for the empty cells ending
    it, repeated to column 16 384: they move no cell that holds something, and
    count only if cells follow them before the next row.  None where only the
    walk can tell: formulas (their cells are wanted exactly), markup a regex
    could misread, a table or row tag written otherwise (formulas only in the content
    validations and the self-check are no reason: `_formulas_only_where_unread`).
    """
    if (b"formula" in part and not _formulas_only_where_unread(part)) or not _plain_markup(part):
        return None
    tables: list[list[int]] = []
    table: list[int] = []
    row = repeat = done = col = empty_from = empty_to = 0
    starts, count = part.startswith, part.count  # bound once: this loop runs for every row tag
    for name in _ODS_NAME.finditer(part):
        at, close = name.span()
        if part[close - 1] != 0x3E:
            continue  # no «>» before the next «<»: text, as before
        if at < 8:
            return None  # no room for what precedes it: not as LibreOffice writes
        end = starts(b"</table:", at - 8)
        if not end and not starts(b"<table:", at - 7):
            if (starts((b"<", b":"), at - 1) or starts(b"</", at - 2)) and not starts(b" xmlns:", at - 7):
                return None  # a table or row tag written otherwise
            continue  # a word in a value or in text
        tag = at - 8 if end else at - 7
        if table and tag > done:  # cells since the last tag
            tail = _ods_tail(part, done, tag)
            cells = count(b"table-cell", done, tail)
            if cells:
                if empty_to:  # empty cells passed before, then more cells: they count after all
                    col += _ods_columns(part, empty_from, empty_to)
                col += cells + _ods_extra_columns(part, done, tail)
                table[0], table[1] = max(table[0], row + repeat), max(table[1], col)
                empty_to = 0
            if tail < tag:
                if empty_to:
                    col += _ods_columns(part, empty_from, empty_to)
                empty_from, empty_to = tail, tag
        done = close
        if not name.group(1):
            if not end:
                table = [0, 0]
                tables.append(table)
                row = col = empty_to = 0
        elif not table:
            continue
        elif end:
            row += repeat
        else:
            repeat = _ods_repeat(part, at, close) if count(b"repeated", at, close) else 1
            col = empty_to = 0
            row += repeat if part[close - 2] == 0x2F else 0  # «/>»
    if table and part.find(b"table-cell", done) >= 0:  # cells after the last tag: all may hold
        col += _ods_columns(part, empty_from, empty_to) if empty_to else 0
        table[:] = [max(table[0], row + repeat), max(table[1], col + _ods_columns(part, done, len(part)))]
    return [(rows, cols) for rows, cols in tables]


def _ods_tail(part: bytes, start: int, stop: int) -> int:
    """Where the empty cells ending the stretch begin: after the last cell that closes, as
    LibreOffice writes it, else found one by one from the end."""
    last = part.rfind(_ODS_CELL_END, start, stop)
    tail = last + len(_ODS_CELL_END) if last >= 0 else start
    if tail == stop or (_ODS_EMPTY_CELLS.fullmatch(part, tail, stop)
                        and part.find(b"value-type", tail, stop) < 0):
        return tail
    for _ in range(64):
        at = part.rfind(b"<", start, stop)
        empty = _ODS_EMPTY_CELL.match(part, at) if at >= 0 else None
        if empty is None or b"value-type" in empty.group(1):
            break
        stop = at
    return stop


def _ods_columns(part: bytes, start: int, stop: int) -> int:
    """At most how many columns the cells in the stretch take: one each and every repeat count."""
    return part.count(b"table-cell", start, stop) + sum(map(_int, _COLUMNS_REPEATED.findall(part, start, stop)))


def _ods_extra_columns(part: bytes, start: int, stop: int) -> int:
    """The columns repeated cells add beyond one each."""
    if part.find(b"columns-repeated", start, stop) < 0:
        return 0
    return sum(max(_int(v) - 1, 0) for v in _COLUMNS_REPEATED.findall(part, start, stop))


def _ods_repeat(part: bytes, start: int, stop: int) -> int:
    """A row's repeat count, or more."""
    return max([1, *map(_int, _ROWS_REPEATED.findall(part, start, stop))])


def _walk_ods(part: bytes) -> list[_SheetArea]:
    """Every table's area and formula cells, tag by tag."""
    sheets: list[_SheetArea] = []
    sheet: _SheetArea | None = None
    row = col = row_repeat = 0
    depth = 0
    for end, local, attrs, closing, _ in _tokens(part):
        if local == b"table" and not end:
            name = _text(_first(_attrs(attrs), b"name"))
            if depth:
                # A reader keeps reading the outer table's rows past the inner start, so its
                # cells would be counted (and formulas looked for) under the wrong name.
                raise Refusal(UNREADABLE, f"таблица «{name}» вложена в другую таблицу — так файлы "
                                          "не записывает ни один табличный редактор")
            depth += not closing
            sheet = _SheetArea(name)
            sheets.append(sheet)
            row = col = 0
        elif local == b"table" and end:
            depth = max(0, depth - 1)
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
                sheet.formulas.add(a1(row, col))
            col += repeat
    return sheets


_COUNT_VALUE = re.compile(rb"^\s*+\+?(\d++)\s*+$")


def _repeat(attrs: Mapping[bytes, list[bytes]], name: bytes) -> int:
    """The largest repeat count given; one where there is none or it is not a number."""
    counts = [_COUNT_VALUE.match(v) for v in attrs.get(name, ())]
    return max((_int(m.group(1)) for m in counts if m), default=1)


def _text(value: bytes) -> str:
    return html.unescape(value.decode("utf-8", "replace"))


# -- .xlsx sheet names --------------------------------------------------------

_WORKBOOK_PARTS = ("xl/workbook.xml", "xl/_rels/workbook.xml.rels")


def _xlsx_sheet_names(parts: Mapping[str, bytes]) -> dict[str, str]:
    """Sheet part name -> the sheet's name, for messages and formula locations."""
    return {part: names[-1] for part, names in _xlsx_sheets(parts).items()}


def _xlsx_sheet_declarations(parts: Mapping[str, bytes]) -> dict[str, int]:
    """Sheet part name (lower case) -> how many `<sheet>` entries name it: a reader reads the
    part once for each."""
    return {part.lower(): len(names) for part, names in _xlsx_sheets(parts).items()}


_AMBIGUOUS = "лист объявлен в книге неоднозначно ({what}) — так файлы не записывает ни один табличный редактор"


def _xlsx_sheets(parts: Mapping[str, bytes]) -> dict[str, list[str]]:
    """Sheet part name (lower case: readers look parts up so) -> the names of the sheets
    declared on it, in order.  A declaration a reader could take otherwise than this — two
    names or two ids on one sheet, two ids or targets on one relationship — is refused: the
    formula cells found on a part must reach the sheet the reader reads them as."""
    targets: dict[bytes, str] = {}
    for end, local, attrs, _, _ in _tokens(_utf8(parts.get(_WORKBOOK_PARTS[1], b""))):
        a = _attrs(attrs)
        if local == b"Relationship" and not end and b"Id" in a and b"Target" in a:
            if len(a[b"Id"]) > 1 or len(a[b"Target"]) > 1:
                raise Refusal(UNREADABLE, _AMBIGUOUS.format(what="у связи два идентификатора или два адреса"))
            target = _text(_first(a, b"Target"))
            path = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl", target))
            targets[_first(a, b"Id")] = _normpath(path).lower()
    names: dict[str, list[str]] = {}
    for end, local, attrs, _, _ in _tokens(_utf8(parts.get(_WORKBOOK_PARTS[0], b""))):
        a = _attrs(attrs)
        if local != b"sheet" or end:
            continue
        if len(a.get(b"name", ())) > 1 or len(a.get(b"id", ())) > 1:
            raise Refusal(UNREADABLE, _AMBIGUOUS.format(what="у листа два имени или две ссылки"))
        rel = _first(a, b"id")
        if rel in targets and b"name" in a:
            names.setdefault(targets[rel], []).append(_text(_first(a, b"name")))
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
_BOF, _FILEPASS, _SST, _BOUNDSHEET = 0x0809, 0x002F, 0x00FC, 0x0085


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
