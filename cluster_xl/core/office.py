"""LibreOffice, run headless: the one place the tool starts it (PDF, annotate's conversion, examples).

Each conversion gets a throw-away user profile (optionally set to the Russian
locale, so 1 160 and 90,9 print as in Russia) and its own process group: on a
timeout or an interruption the whole group is ended and the profile removed,
so no `soffice.bin` outlives the run.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from .files import os_reason

# A fresh profile that formats numbers as in Russia; the rest stays LibreOffice's default.
RU_LOCALE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="ooSetupSystemLocale" oor:op="fuse">\
<value>ru-RU</value></prop></item>
</oor:items>
"""


class OfficeError(Exception):
    """LibreOffice is absent or did not convert; the message is for a person, in Russian."""


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def russian_profile(folder: Path) -> Path:
    """A LibreOffice user profile in `folder` with the Russian locale; returns it."""
    (folder / "user").mkdir(parents=True, exist_ok=True)
    (folder / "user" / "registrymodifications.xcu").write_text(RU_LOCALE, encoding="utf-8")
    return folder


def convert(source: Path, fmt: str, outdir: Path, *, timeout: float, russian: bool = False) -> Path:
    """`soffice --headless --convert-to fmt` of `source` into `outdir`; returns the file made.

    `fmt` is LibreOffice's («pdf», «xlsx», «ods», «xls:MS Excel 97»); the result is named
    after the source with the format's extension.  Raises OfficeError."""
    program = soffice()
    if program is None:
        raise OfficeError("не найден LibreOffice (программа soffice)")
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="cluster_xl_lo_") as tmp:
        profile = Path(tmp)
        if russian:
            russian_profile(profile)
        command = [program, f"-env:UserInstallation={profile.as_uri()}", "--headless",
                   "--convert-to", fmt, "--outdir", str(outdir), str(source)]
        try:
            child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                     stdin=subprocess.DEVNULL, start_new_session=True)
        except OSError as exc:
            raise OfficeError(f"LibreOffice не запустился ({os_reason(exc)})") from None
        try:
            out, err = child.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _end(child)
            raise OfficeError(f"LibreOffice не завершил преобразование за {timeout:g} с") from None
        except BaseException:  # Ctrl-C, or the run being ended: no LibreOffice left behind
            _end(child)
            raise
    produced = outdir / f"{source.stem}.{fmt.split(':')[0]}"
    if child.returncode != 0 or not produced.exists():
        detail = (err or out or "").strip().splitlines()[-1:] or ["причина не сообщена"]
        raise OfficeError(f"LibreOffice завершился с ошибкой ({detail[0]})")
    return produced


def _end(child: subprocess.Popen) -> None:
    """End the converter and everything it started (soffice starts soffice.bin)."""
    try:
        os.killpg(child.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    child.wait()
