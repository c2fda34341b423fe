"""The signed document as PDF, through LibreOffice (`soffice --headless`).

The PDF holds the document sheets (`DOCUMENT_SHEETS`), written exactly
as in the workbook, converted with a throw-away LibreOffice profile set to the
Russian locale (so 1 160 and 90,9 print as in Russia).  Where LibreOffice is not
installed, `PdfError` says so in Russian; nothing else is written.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from ..core.files import os_reason, write_atomically
from ..core.office import OfficeError, convert, soffice
from ..consolidation.report import Report
from ..core.names import DOCUMENT_SHEETS
from .workbook import write_report

TIMEOUT_S = 300


class PdfError(Exception):
    """The PDF could not be written; the message is for a person, in Russian."""


def write_pdf(report: Report, path: str | Path) -> Path:
    """Write the document sheets of `report` to `path` as PDF; atomically."""
    path = Path(path)
    if soffice() is None:
        raise PdfError("PDF не записан: не найден LibreOffice (программа soffice). Установите "
                       "LibreOffice (в Debian/Ubuntu: apt-get install libreoffice-calc) или сохраните "
                       "PDF из сводной книги в офисном пакете: листы "
                       + ", ".join(f"«{s}»" for s in DOCUMENT_SHEETS) + ".")
    with tempfile.TemporaryDirectory(prefix="cluster_xl_pdf_") as tmp:
        folder = Path(tmp)
        book = write_report(report, folder / f"{path.stem}.xlsx", sheets=DOCUMENT_SHEETS)
        try:
            produced = convert(book, "pdf", folder, timeout=TIMEOUT_S, russian=True)
        except OfficeError as exc:
            raise PdfError(f"PDF не записан: {exc}.") from None
        # Copy beside the target, then rename: the PDF appears complete or not at all.
        try:
            write_atomically(path, lambda tmp: shutil.copyfile(produced, tmp))
        except OSError as exc:  # a read-only folder or a full disk is the path's fault, not a bug
            raise PdfError(f"PDF не записан: не удалось записать файл «{path}» "
                           f"({os_reason(exc)}).") from None
    return path
