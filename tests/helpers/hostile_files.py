"""Hostile and broken input files, generated (never committed as binaries).

Used by tests/test_guard.py, tests/test_hostile.py and benchmarks/hostile.py.
Each builder writes one file and returns its path; `write_hostile_set` writes
them all into a folder and says what each one is.

The .xls builders write a minimal compound file (MS-CFB, version 3) holding a
BIFF8 workbook stream: enough for python-calamine to read it, small enough to
read here.
"""

from __future__ import annotations

import re
import shutil
import struct
import zipfile
from pathlib import Path
from typing import Callable, Mapping

# -- zip-based workbooks ------------------------------------------------------


def rewrite_zip(src: Path, dst: Path, edit: Mapping[str, Callable[[bytes], bytes]] = {},
                add: Mapping[str, bytes] = {}) -> Path:
    """A copy of the workbook `src` with some parts edited and some added."""
    with zipfile.ZipFile(src) as zin:
        parts = [(i.filename, zin.read(i.filename)) for i in zin.infolist()]
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, data in parts:
            if name in edit:
                data = edit[name](data)
            method = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            zout.writestr(name, data, compress_type=method)
        for name, data in add.items():
            zout.writestr(name, data)
    return dst


def sheet_part(src: Path, sheet: str) -> str:
    """The zip part holding the .xlsx sheet named `sheet`."""
    with zipfile.ZipFile(src) as z:
        workbook = z.read("xl/workbook.xml").decode()
        rels = z.read("xl/_rels/workbook.xml.rels").decode()
    rel = re.search(rf'<sheet [^>]*name="{re.escape(sheet)}"[^>]*r:id="(\w+)"', workbook).group(1)
    target = re.search(rf'<Relationship [^>]*Id="{rel}"[^>]*Target="([^"]+)"', rels)
    if target is None:
        target = re.search(rf'<Relationship [^>]*Target="([^"]+)"[^>]*Id="{rel}"', rels)
    return "xl/" + target.group(1).lstrip("/").removeprefix("xl/")


def with_far_cell(src: Path, dst: Path, sheet: str, ref: str = "XFD1048576") -> Path:
    """One stray value at `ref`: a reader would lay out the grid from A1 to there."""
    row = re.match(r"[A-Z]+(\d+)", ref).group(1)
    far = f'<row r="{row}"><c r="{ref}"><v>1</v></c></row></sheetData>'.encode()
    return rewrite_zip(src, dst, {sheet_part(src, sheet): lambda d: d.replace(b"</sheetData>", far)})


def with_declared_dimension(src: Path, dst: Path, sheet: str) -> Path:
    """The whole grid declared in <dimension>, with nothing out there: harmless."""
    return rewrite_zip(src, dst, {sheet_part(src, sheet): lambda d: re.sub(
        rb'<dimension ref="[^"]*"\s*/>', b'<dimension ref="A1:XFD1048576"/>', d)})


def with_formula_without_value(src: Path, dst: Path, sheet: str, ref: str) -> Path:
    """The cell at `ref` becomes a formula with no cached value (as non-computing writers leave it)."""
    def edit(d: bytes) -> bytes:
        cell = re.compile(rb'<c r="' + ref.encode() + rb'"[^>]*?(?:/>|>.*?</c>)', re.S)
        new = b'<c r="' + ref.encode() + b'"><f>2+2</f></c>'
        if cell.search(d):
            return cell.sub(new, d, count=1)
        row = re.match(r"[A-Z]+(\d+)", ref).group(1).encode()
        return re.sub(rb'(<row r="' + row + rb'"[^>]*>)', rb"\1" + new, d, count=1)
    return rewrite_zip(src, dst, {sheet_part(src, sheet): edit})


def with_sheet_part_renamed(src: Path, dst: Path, sheet: str, suffix: str, far: str | None = "XFD1048576") -> Path:
    """The sheet's part stored under another ending (`.bin`, `.png`), the workbook's
    relationships and content types pointing at it; with a value at `far`."""
    part = sheet_part(src, sheet)
    renamed = part.rsplit(".", 1)[0] + suffix
    if far:
        row = re.match(r"[A-Z]+(\d+)", far).group(1)
        cell = f'<row r="{row}"><c r="{far}"><v>1</v></c></row></sheetData>'.encode()
    with zipfile.ZipFile(src) as z:
        items = [(i.filename, z.read(i.filename)) for i in z.infolist()]
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in items:
            if name == part:
                name, data = renamed, data.replace(b"</sheetData>", cell) if far else data
            elif name == "xl/_rels/workbook.xml.rels":
                data = data.replace(part.removeprefix("xl/").encode(), renamed.removeprefix("xl/").encode())
            elif name == "[Content_Types].xml":
                data = data.replace(f'"/{part}"'.encode(), f'"/{renamed}"'.encode())
            out.writestr(name, data)
    return dst


def with_sheet_declared(src: Path, dst: Path, sheet: str, times: int) -> Path:
    """`times` more `<sheet>` entries in the workbook, each naming the part of `sheet`."""
    def edit(d: bytes) -> bytes:
        entry = re.search(rb'<sheet [^>]*name="' + re.escape(sheet.encode()) + rb'"[^>]*/>', d).group(0)
        copies = b"".join(re.sub(rb'name="[^"]*"', b'name="copy%d"' % n, entry).replace(
            b"sheetId=", b'sheetId="%d" x=' % (1000 + n), 1) for n in range(times))
        return d.replace(b"</sheets>", copies + b"</sheets>")
    return rewrite_zip(src, dst, {"xl/workbook.xml": edit})


BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(b'<!ENTITY lol%d "%s">' % (n, (b"&lol%d;" % (n - 1) if n > 1 else b"&lol;") * 10)
               for n in range(1, 10))
    + b"]>")


def with_entity_expansion(src: Path, dst: Path) -> Path:
    """The shared strings begin with the «billion laughs» DOCTYPE and use it."""
    def edit(d: bytes) -> bytes:
        body = d.split(b"?>", 1)[1] if d.startswith(b"<?xml") else d
        return BILLION_LAUGHS + body.replace(b"<t>", b"<t>&lol9;", 1)
    return rewrite_zip(src, dst, {"xl/sharedStrings.xml": edit})


def with_declared_strings(src: Path, dst: Path, count: int = 2_000_000_000) -> Path:
    """Shared strings declaring two thousand million entries (readers reserve for them)."""
    return rewrite_zip(src, dst, {"xl/sharedStrings.xml": lambda d: re.sub(
        rb'uniqueCount="\d+"', b'uniqueCount="%d"' % count, d)})


def zip_bomb(src: Path, dst: Path, unpacked_mb: int = 200, lie: bool = False) -> Path:
    """A real workbook plus a part of zeros that inflates to `unpacked_mb` MB.

    With `lie` the central directory declares the part at 1 KB, so only
    inflating it shows what it is.
    """
    shutil.copy(src, dst)
    chunk = bytes(1024 * 1024)
    with zipfile.ZipFile(dst, "a", zipfile.ZIP_DEFLATED) as z:
        with z.open("xl/media/padding.xml", "w", force_zip64=False) as part:
            for _ in range(unpacked_mb):
                part.write(chunk)
    if lie:
        data = bytearray(dst.read_bytes())
        at = data.rfind(b"xl/media/padding.xml", data.rfind(b"PK\x05\x06") - 200_000)
        header = data.rfind(b"PK\x01\x02", 0, at)
        struct.pack_into("<I", data, header + 24, 1024)
        dst.write_bytes(bytes(data))
    return dst


def ods_with_repeated_rows(src: Path, dst: Path, repeat: int = 1_000_000) -> Path:
    """The first row of «Мероприятия» holding a number, repeated `repeat` times (a reader expands it)."""
    def edit(d: bytes) -> bytes:
        text = d.decode()
        cell = text.index('office:value-type="float"', text.index('table:name="Мероприятия"'))
        row = text.rindex("<table:table-row", 0, cell)
        start = row + len("<table:table-row")
        return (text[:start] + f' table:number-rows-repeated="{repeat}"' + text[start:]).encode()
    return rewrite_zip(src, dst, {"content.xml": edit})


def _end_record(data: bytes) -> int:
    return data.rfind(b"PK\x05\x06")


def with_two_end_records(src: Path, dst: Path) -> Path:
    """The workbook followed by a copy of itself whose directory offsets are made absolute:
    two end-of-directory records, each with a directory ending where it stands."""
    data = src.read_bytes()
    copy = bytearray(data)
    eocd = _end_record(data)
    count, size, start = struct.unpack_from("<10xHII", copy, eocd)
    pos = start
    for _ in range(count):
        n_name, n_extra, n_comment = struct.unpack_from("<HHH", copy, pos + 28)
        (offset,) = struct.unpack_from("<I", copy, pos + 42)
        struct.pack_into("<I", copy, pos + 42, offset + len(data))
        pos += 46 + n_name + n_extra + n_comment
    struct.pack_into("<I", copy, eocd + 16, start + len(data))
    return _write(dst, data + bytes(copy))


def with_disk_number(src: Path, dst: Path, disk: int = 1) -> Path:
    """The end record says the archive is disk `disk` of a spanned set."""
    data = bytearray(src.read_bytes())
    struct.pack_into("<H", data, _end_record(data) + 4, disk)
    return _write(dst, bytes(data))


def with_detached_directory(src: Path, dst: Path, gap: bytes = b"\0" * 16) -> Path:
    """Bytes between the central directory and its end record (offsets still right)."""
    data = src.read_bytes()
    eocd = _end_record(data)
    return _write(dst, data[:eocd] + gap + data[eocd:])


# -- OLE compound files and BIFF8 ---------------------------------------------

_END, _FREE, _FAT, _NONE = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
_SECTOR = 512


def ole_file(streams: Mapping[str, bytes]) -> bytes:
    """A version 3 compound file with `streams` in regular sectors (each padded to 4 KB)."""
    streams = {name: data.ljust(4096, b"\0") for name, data in streams.items()}  # see biff_workbook
    data_sectors = [-(-len(d) // _SECTOR) for d in streams.values()]
    dir_sectors = -(-(len(streams) + 1) // 4)
    fat_sectors = 1
    while fat_sectors * 128 < fat_sectors + dir_sectors + sum(data_sectors):
        fat_sectors += 1
    fat = [_FAT] * fat_sectors
    dir_start = len(fat)
    fat += [dir_start + i + 1 for i in range(dir_sectors - 1)] + [_END]
    starts = []
    for n in data_sectors:
        start = len(fat)
        starts.append(start)
        fat += [start + i + 1 for i in range(n - 1)] + [_END]
    fat += [_FREE] * (fat_sectors * 128 - len(fat))
    entries = [_dir_entry("Root Entry", 5, child=1 if streams else _NONE, start=_END, size=0)]
    for i, (name, body) in enumerate(streams.items()):
        right = i + 2 if i + 1 < len(streams) else _NONE
        entries.append(_dir_entry(name, 2, right=right, start=starts[i], size=len(body)))
    entries += [bytes(64) + struct.pack("<HBBIII", 0, 0, 0, _NONE, _NONE, _NONE) + bytes(48)] * (
        dir_sectors * 4 - len(entries))
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", bytes(16), 0x3E, 3, 0xFFFE,
        9, 6, bytes(6), 0, fat_sectors, dir_start, 0, 4096, _END, 0, _END, 0)
    header += struct.pack("<109I", *(list(range(fat_sectors)) + [_FREE] * (109 - fat_sectors)))
    body = struct.pack(f"<{len(fat)}I", *fat) + b"".join(entries)
    body += b"".join(d.ljust(n * _SECTOR, b"\0") for d, n in zip(streams.values(), data_sectors))
    return header + body


def _dir_entry(name: str, kind: int, *, left=_NONE, right=_NONE, child=_NONE, start=0, size=0) -> bytes:
    raw = name.encode("utf-16-le") + b"\0\0"
    return (raw.ljust(64, b"\0") + struct.pack("<HBBIII", len(raw), kind, 1, left, right, child)
            + bytes(16 + 4 + 16) + struct.pack("<IQ", start, size))


def _record(kind: int, body: bytes = b"") -> bytes:
    return struct.pack("<HH", kind, len(body)) + body


def biff_workbook(sheets: Mapping[str, Mapping[tuple[int, int], object]], *, password: bool = False,
                  declared_strings: int | None = None) -> bytes:
    """A BIFF8 workbook stream: zero-based (row, col) -> number or text, per sheet."""
    strings: list[str] = []
    for cells in sheets.values():
        strings += [v for v in cells.values() if isinstance(v, str) and v not in strings]
    bof = lambda dt: _record(0x0809, struct.pack("<HHHHII", 0x0600, dt, 0x0DBB, 0x07CC, 0, 6))
    sst = b"".join(struct.pack("<HB", len(s), 1) + s.encode("utf-16-le") for s in strings)
    unique = len(strings) if declared_strings is None else declared_strings
    head = [bof(0x0005), _record(0x0042, struct.pack("<H", 1200))]
    if password:
        head.append(_record(0x002F, struct.pack("<HHH", 0, 0, 0)))
    tail = [_record(0x00FC, struct.pack("<II", len(strings), unique) + sst), _record(0x000A)]
    bodies = [_sheet_stream(cells, strings) for cells in sheets.values()]
    bound_len = sum(len(_boundsheet(0, name)) for name in sheets)
    offset = sum(map(len, head)) + bound_len + sum(map(len, tail))
    bounds = []
    for name, body in zip(sheets, bodies):
        bounds.append(_boundsheet(offset, name))
        offset += len(body)
    stream = b"".join(head + bounds + tail + bodies)
    # Streams under 4 KB would live in the mini stream; a filler record after
    # the last sheet keeps this one in regular sectors and parses cleanly.
    return stream + (_record(0x0015, bytes(4092 - len(stream))) if len(stream) < 4092 else b"")


def _boundsheet(offset: int, name: str) -> bytes:
    raw = name.encode("utf-16-le")
    return _record(0x0085, struct.pack("<IBBBB", offset, 0, 0, len(name), 1) + raw)


def _sheet_stream(cells: Mapping[tuple[int, int], object], strings: list[str]) -> bytes:
    out = [_record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0010, 0x0DBB, 0x07CC, 0, 6))]
    for (row, col), value in sorted(cells.items()):
        if isinstance(value, str):
            out.append(_record(0x00FD, struct.pack("<HHHI", row, col, 0, strings.index(value))))
        else:
            out.append(_record(0x0203, struct.pack("<HHHd", row, col, 0, float(value))))
    out.append(_record(0x000A))
    return b"".join(out)


def xls_file(path: Path, sheets: Mapping[str, Mapping[tuple[int, int], object]], **options) -> Path:
    path.write_bytes(ole_file({"Workbook": biff_workbook(sheets, **options)}))
    return path


def encrypted_xlsx(path: Path) -> Path:
    """What Excel writes for a workbook with an opening password: OLE, not zip."""
    info = struct.pack("<HHI", 4, 4, 0x40) + b"<?xml version=\"1.0\"?><encryption/>"
    path.write_bytes(ole_file({"EncryptionInfo": info, "EncryptedPackage": bytes(8192)}))
    return path


# -- the set ------------------------------------------------------------------


def write_hostile_set(folder: Path, example: Path, ods_example: Path | None = None) -> dict[str, str]:
    """Every hostile file into `folder`; file name -> the issue code it must get."""
    folder.mkdir(parents=True, exist_ok=True)
    sheet = "Мероприятия"
    made = {
        "zip_bomb.xlsx": (zip_bomb(example, folder / "zip_bomb.xlsx"), "file-too-large"),
        "zip_bomb_lying.xlsx": (zip_bomb(example, folder / "zip_bomb_lying.xlsx", lie=True), "file-too-large"),
        "far_cell.xlsx": (with_far_cell(example, folder / "far_cell.xlsx", sheet), "file-too-large"),
        "laughs.xlsx": (with_entity_expansion(example, folder / "laughs.xlsx"), "unreadable-file"),
        "strings.xlsx": (with_declared_strings(example, folder / "strings.xlsx"), "file-too-large"),
        "encrypted.xlsx": (encrypted_xlsx(folder / "encrypted.xlsx"), "password-protected"),
        "password.xls": (xls_file(folder / "password.xls", {"Лист1": {(0, 0): 1}}, password=True),
                         "password-protected"),
        "huge_grid.xls": (xls_file(folder / "huge_grid.xls", {"Лист1": {(0, 0): 1, (65535, 255): 2}}),
                          "file-too-large"),
        "renamed_xls.xlsx": (xls_file(folder / "renamed_xls.xlsx", {"Лист1": {(0, 0): "Сотрудник"}}),
                             "not-a-template"),
        "empty.xlsx": (_write(folder / "empty.xlsx", b""), "unreadable-file"),
        "truncated.xlsx": (_write(folder / "truncated.xlsx", example.read_bytes()[:9000]), "unreadable-file"),
        "letter.xlsx": (_write(folder / "letter.xlsx", "Уважаемые коллеги!\n".encode() * 50), "unreadable-file"),
        "page.xls": (_write(folder / "page.xls", b"<html><body><table><tr><td>1</td></tr></table></body></html>"),
                     "unreadable-file"),
        "scan.pdf": (_write(folder / "scan.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"), "not-a-spreadsheet"),
        "~$01_spk_2026-10.xlsx": (_write(folder / "~$01_spk_2026-10.xlsx", b"\x0bUser  "), "lock-file"),
    }
    if ods_example is not None:
        made["repeated_rows.ods"] = (ods_with_repeated_rows(ods_example, folder / "repeated_rows.ods"),
                                     "file-too-large")
    return {name: code for name, (_, code) in made.items()}


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path
