"""Which files a run reads: the paths given, folders opened, and what is skipped and why."""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path
from typing import Iterable

from ..core.issues import Issue, warning

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")



def collect_inputs(paths: Iterable[str | Path]) -> list[Path]:
    """Files named directly, and every file directly inside a named folder, sorted."""
    found: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found += sorted(c for c in p.iterdir() if c.is_file() and not c.name.startswith("."))
        else:
            found.append(p)
    return found


def skip_reason(path: Path) -> Issue | None:
    if path.name.startswith("~$"):
        return warning("lock-file", "Временный файл блокировки офисного пакета — не отчёт, пропущен.",
                       file=path.name)
    if path.suffix.lower() not in SPREADSHEET_SUFFIXES:
        return warning("not-a-spreadsheet",
                       f"Файл «{path.name}» не является электронной таблицей "
                       "(ожидаются .xlsx, .xlsm, .xls, .ods) — пропущен.", file=path.name)
    return None


def sha256(path: Path) -> str:
    """In chunks, and only of a regular file: a device or a pipe would never end."""
    digest = hashlib.sha256()
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return ""
        with open(path, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                digest.update(chunk)
    except OSError:
        return ""
    return digest.hexdigest()
