"""An .ods written with indented XML (gnumeric's `ssconvert`), made readable for python-calamine.

calamine expects nothing but elements between the cells of a table row; ssconvert
indents its content.xml, and calamine stops at the first indentation («Expecting
'table-cell', found Text»).  `compact` drops the whitespace that stands directly
before a `table:` tag — layout only, never a cell's text (text lives in `text:`
elements) — and packs the archive again.  A package that needs no change is returned
as it is, byte for byte.  The input has passed `guard.py` (sizes bounded).
"""

from __future__ import annotations

import io
import re
import zipfile

_INDENT = re.compile(rb">\s+(</?table:)")


def compact(data: bytes) -> bytes:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            content = z.read("content.xml")
            if not _INDENT.search(content):
                return data
            out = io.BytesIO()
            with zipfile.ZipFile(out, "w") as new:
                for info in z.infolist():
                    part = z.read(info)
                    if info.filename == "content.xml":
                        part = _INDENT.sub(rb">\1", part)
                    compression = zipfile.ZIP_STORED if info.filename == "mimetype" else zipfile.ZIP_DEFLATED
                    new.writestr(info.filename, part, compress_type=compression, compresslevel=1)
            return out.getvalue()
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError):
        return data  # calamine gives its own verdict on a damaged package
