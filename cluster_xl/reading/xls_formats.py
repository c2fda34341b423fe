"""Number formats of an .xls (BIFF8) file's cells, read with the standard library only.

python-calamine decides that a number cell of an .xls is a date from the format's
*id* alone: ids 14–22 and 45–58 are Excel's built-in date formats.  gnumeric's
`ssconvert` writes its own number formats under ids 50–58 (FORMAT records), so
a «#,##0.0##» cell holding 1 160,5 comes back as the date 06.11.1903.
LibreOffice reads the FORMAT records and shows the number; so does this module:
`number_cells(data)` gives, per sheet, every number cell's value and format string,
and `is_date_format` says whether a format string shows a date.

The input has passed `guard.py` (size bounded); everything here is one linear pass
over the compound file's sectors and the workbook stream's records, each sector
and record visited at most once.
"""

from __future__ import annotations

import re
import struct
from typing import NamedTuple

_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_END, _FREE = 0xFFFFFFFE, 0xFFFFFFFF

# Excel's built-in number formats that show a date or time (when the file does not
# redefine the id with a FORMAT record).
_BUILTIN_DATES = frozenset(range(14, 23)) | frozenset(range(27, 37)) | frozenset(range(45, 48)) \
    | frozenset(range(50, 59))

_BOF, _BOUNDSHEET, _FORMAT, _XF = 0x0809, 0x0085, 0x041E, 0x00E0
_NUMBER, _RK, _MULRK, _FORMULA = 0x0203, 0x027E, 0x00BD, 0x0006


class NumberCell(NamedTuple):
    value: float
    format: str | None  # the format string, or None for a built-in id that is not a date
    builtin_date: bool  # a built-in date id the file did not redefine


class XlsFormatError(ValueError):
    """Not a BIFF8 workbook this module can follow (the caller keeps calamine's reading)."""


def number_cells(data: bytes) -> dict[str, dict[tuple[int, int], NumberCell]]:
    """Sheet name -> (row, column) zero-based -> the number cell's value and format."""
    stream = _workbook_stream(data)
    formats: dict[int, str] = {}
    xf_formats: list[int] = []
    sheets_at: dict[int, str] = {}
    out: dict[str, dict[tuple[int, int], NumberCell]] = {}
    current: dict[tuple[int, int], NumberCell] | None = None
    pending: list[tuple[dict, int, int, int, float]] = []  # cells seen before their XFs are known
    pos, n = 0, len(stream)
    while pos + 4 <= n:
        rtype, size = struct.unpack_from("<HH", stream, pos)
        body = stream[pos + 4:pos + 4 + size]
        if rtype == _BOF and pos in sheets_at:
            current = out.setdefault(sheets_at[pos], {})
        elif rtype == _BOUNDSHEET and size >= 8:
            sheets_at[struct.unpack_from("<I", body, 0)[0]] = _short_string(body, 6)
        elif rtype == _FORMAT and size >= 5:
            formats[struct.unpack_from("<H", body, 0)[0]] = _unicode_string(body, 2)
        elif rtype == _XF and size >= 4:
            xf_formats.append(struct.unpack_from("<H", body, 2)[0])
        elif current is not None and rtype in (_NUMBER, _RK, _MULRK, _FORMULA):
            for row, col, xf, value in _cells(rtype, body):
                pending.append((current, row, col, xf, value))
        pos += 4 + size
    for sheet, row, col, xf, value in pending:
        ifmt = xf_formats[xf] if xf < len(xf_formats) else 0
        text = formats.get(ifmt)
        sheet[(row, col)] = NumberCell(value, text, text is None and ifmt in _BUILTIN_DATES)
    return out


def is_date_format(cell: NumberCell) -> bool:
    """Whether the cell's format shows a date or a time (as LibreOffice and Excel judge it)."""
    if cell.format is None:
        return cell.builtin_date
    return is_date_format_string(cell.format)


_QUOTED = re.compile(r'"[^"]*"|\\.|_.|\*.')
_BRACKETS = re.compile(r"\[[^\]]*\]")


def is_date_format_string(text: str) -> bool:
    """«DD.MM.YYYY», «[$-419]mmmm yyyy», «h:mm» are dates; «#,##0.0##», «0%», «General» are not."""
    body = _QUOTED.sub("", text.split(";")[0])
    if re.search(r"\[(h+|m+|s+)\]", body, re.I):  # elapsed time
        return True
    body = _BRACKETS.sub("", body).lower()
    if body.strip() in ("general", "@"):
        return False
    return bool(re.search(r"[dmyhs]", body))


# -- the compound file (OLE2) -------------------------------------------------------------


def _workbook_stream(data: bytes) -> bytes:
    if len(data) < 512 or data[:8] != _SIGNATURE:
        raise XlsFormatError("not a compound file")
    shift, mini_shift = struct.unpack_from("<HH", data, 0x1E)
    if not 7 <= shift <= 16 or not 2 <= mini_shift < shift:
        raise XlsFormatError("bad sector size")
    ssize = 1 << shift
    n_sectors = max(0, -(-(len(data) - ssize) // ssize))  # a last sector may be cut short
    first_dir, = struct.unpack_from("<I", data, 0x30)
    cutoff, first_mini_fat, n_mini_fat, first_difat, n_difat = struct.unpack_from("<IIIII", data, 0x38)

    def sector(i: int) -> bytes:
        if i >= n_sectors:
            raise XlsFormatError("sector out of range")
        start = (i + 1) * ssize
        return data[start:start + ssize]

    # The FAT's own sectors: 109 in the header, the rest in a DIFAT chain.
    fat_sectors = [s for s in struct.unpack_from("<109I", data, 0x4C) if s < _END]
    seen: set[int] = set()
    d = first_difat
    per = ssize // 4 - 1
    while d < _END and d not in seen and len(seen) <= n_sectors:
        seen.add(d)
        entries = struct.unpack(f"<{per + 1}I", sector(d))
        fat_sectors += [s for s in entries[:per] if s < _END]
        d = entries[per]
    fat: list[int] = []
    for s in fat_sectors[:n_sectors + 1]:
        fat.extend(struct.unpack(f"<{ssize // 4}I", sector(s)))

    def chain(start: int, table: list[int], limit: int) -> list[int]:
        out, visited = [], set()
        while start < _END:
            if start in visited or start >= len(table) or len(out) > limit:
                raise XlsFormatError("broken sector chain")
            visited.add(start)
            out.append(start)
            start = table[start]
        return out

    directory = b"".join(sector(s) for s in chain(first_dir, fat, n_sectors))
    root_start, root_size, found = None, 0, None
    for off in range(0, len(directory) - 127, 128):
        entry = directory[off:off + 128]
        name_len, = struct.unpack_from("<H", entry, 64)
        name = entry[:max(0, min(name_len, 64) - 2)].decode("utf-16-le", "replace")
        kind = entry[66]
        start, size = struct.unpack_from("<II", entry, 116)
        if kind == 5:
            root_start, root_size = start, size
        elif kind == 2 and name in ("Workbook", "Book") and found is None:
            found = (start, size)
    if found is None:
        raise XlsFormatError("no Workbook stream")
    start, size = found
    if size >= cutoff or root_start is None:
        stream = b"".join(sector(s) for s in chain(start, fat, n_sectors))
        return stream[:size]
    # A small stream lives in the mini stream (the root entry's chain), 64-byte sectors.
    mini = b"".join(sector(s) for s in chain(root_start, fat, n_sectors))[:root_size]
    mini_fat: list[int] = []
    for s in chain(first_mini_fat, fat, n_sectors)[:max(n_mini_fat, 0) or n_sectors]:
        mini_fat.extend(struct.unpack(f"<{ssize // 4}I", sector(s)))
    msize = 1 << mini_shift
    parts = [mini[i * msize:(i + 1) * msize] for i in chain(start, mini_fat, len(mini) // msize + 1)]
    return b"".join(parts)[:size]


# -- BIFF8 records ------------------------------------------------------------------------


def _short_string(body: bytes, pos: int) -> str:
    """ShortXLUnicodeString: a count byte, a flags byte, the characters."""
    if pos + 2 > len(body):
        return ""
    count, flags = body[pos], body[pos + 1]
    raw = body[pos + 2:pos + 2 + count * (2 if flags & 1 else 1)]
    return raw.decode("utf-16-le" if flags & 1 else "latin-1", "replace")


def _unicode_string(body: bytes, pos: int) -> str:
    """XLUnicodeString (BIFF8): a 16-bit count, flags, optional rich-text/extension sizes, characters."""
    count, = struct.unpack_from("<H", body, pos)
    flags = body[pos + 2]
    pos += 3
    if flags & 0x08:
        pos += 2
    if flags & 0x04:
        pos += 4
    raw = body[pos:pos + count * (2 if flags & 1 else 1)]
    return raw.decode("utf-16-le" if flags & 1 else "latin-1", "replace")


def _rk(rk: int) -> float:
    if rk & 2:
        value = float(rk >> 2 if rk < 0x80000000 else (rk >> 2) - (1 << 30))
    else:
        value = struct.unpack("<d", struct.pack("<Q", (rk & 0xFFFFFFFC) << 32))[0]
    return value / 100 if rk & 1 else value


def _cells(rtype: int, body: bytes):
    size = len(body)
    if rtype == _NUMBER and size >= 14:
        row, col, xf = struct.unpack_from("<HHH", body, 0)
        yield row, col, xf, struct.unpack_from("<d", body, 6)[0]
    elif rtype == _RK and size >= 10:
        row, col, xf, rk = struct.unpack_from("<HHHI", body, 0)
        yield row, col, xf, _rk(rk)
    elif rtype == _MULRK and size >= 6:
        row, first = struct.unpack_from("<HH", body, 0)
        for k in range((size - 6) // 6):
            xf, rk = struct.unpack_from("<HI", body, 4 + 6 * k)
            yield row, first + k, xf, _rk(rk)
    elif rtype == _FORMULA and size >= 14:
        row, col, xf = struct.unpack_from("<HHH", body, 0)
        if body[12:14] != b"\xff\xff":  # a number result (not text, bool, error)
            yield row, col, xf, struct.unpack_from("<d", body, 6)[0]
