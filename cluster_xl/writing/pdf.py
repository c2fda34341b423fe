"""The signed document as PDF, through LibreOffice (`soffice --headless`).

The PDF holds the document sheets (`writer.DOCUMENT_SHEETS`), written exactly
as in the workbook, converted with a throw-away LibreOffice profile set to the
Russian locale (so 1 160 and 90,9 print as in Russia).  Where LibreOffice is not
installed, `PdfError` says so in Russian; nothing else is written.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from ..core.files import write_atomically
from ..consolidation.report import Report
from ..core.names import DOCUMENT_SHEETS
from .workbook import write_report

TIMEOUT_S = 300
# A fresh profile that formats numbers as in Russia; the rest stays LibreOffice's default.
RU_LOCALE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="ooSetupSystemLocale" oor:op="fuse">\
<value>ru-RU</value></prop></item>
</oor:items>
"""


class PdfError(Exception):
    """The PDF could not be written; the message is for a person, in Russian."""


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def russian_profile(folder: Path) -> Path:
    """A LibreOffice user profile in `folder` with the Russian locale; returns it."""
    (folder / "user").mkdir(parents=True, exist_ok=True)
    (folder / "user" / "registrymodifications.xcu").write_text(RU_LOCALE, encoding="utf-8")
    return folder


def write_pdf(report: Report, path: str | Path) -> Path:
    """Write the document sheets of `report` to `path` as PDF; atomically."""
    path = Path(path)
    program = soffice()
    if program is None:
        raise PdfError("PDF не записан: не найден LibreOffice (программа soffice). Установите "
                       "LibreOffice (в Debian/Ubuntu: apt-get install libreoffice-calc) или сохраните "
                       "PDF из сводной книги в офисном пакете: листы "
                       + ", ".join(f"«{s}»" for s in DOCUMENT_SHEETS) + ".")
    with tempfile.TemporaryDirectory(prefix="cluster_xl_pdf_") as tmp:
        folder = Path(tmp)
        book = write_report(report, folder / f"{path.stem}.xlsx", sheets=DOCUMENT_SHEETS)
        profile = russian_profile(folder / "profile")
        try:
            done = subprocess.run(
                [program, f"-env:UserInstallation={profile.as_uri()}", "--headless",
                 "--convert-to", "pdf", "--outdir", str(folder), str(book)],
                capture_output=True, text=True, timeout=TIMEOUT_S)
        except subprocess.TimeoutExpired:
            raise PdfError(f"PDF не записан: LibreOffice не завершил преобразование "
                           f"за {TIMEOUT_S} с.") from None
        except OSError as exc:
            raise PdfError(f"PDF не записан: LibreOffice не запустился ({exc}).") from None
        produced = folder / f"{path.stem}.pdf"
        if done.returncode != 0 or not produced.exists():
            detail = (done.stderr or done.stdout or "").strip().splitlines()[-1:] or ["причина не сообщена"]
            raise PdfError(f"PDF не записан: LibreOffice завершился с ошибкой ({detail[0]}).")
        # Copy beside the target, then rename: the PDF appears complete or not at all.
        try:
            write_atomically(path, lambda tmp: shutil.copyfile(produced, tmp))
        except OSError as exc:  # a read-only folder or a full disk is the path's fault, not a bug
            raise PdfError(f"PDF не записан: не удалось записать файл «{path}» "
                           f"({exc.strerror or exc}).") from None
    return path
