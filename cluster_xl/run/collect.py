"""Which files a run reads: the paths given, folders opened, and what is skipped and why.

Nothing in a folder is left out silently: every entry but hidden ones becomes an
input, and what must not be read (a pipe, a device, a folder, a dangling link, a
link leading out of the folder it sits in) is listed as skipped with its reason,
without a byte of it read."""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path
from typing import Iterable

from ..core.issues import Issue, warning
from ..reading.guard import MAX_FILE_BYTES

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
# Files an operating system leaves in folders: never a report, not counted among the files received.
SYSTEM_FILES = frozenset({"thumbs.db", "desktop.ini", "ehthumbs.db"})
NOT_COUNTED = frozenset({"lock-file", "own-book"})  # skipped files the summary does not count



def collect_inputs(paths: Iterable[str | Path]) -> list[Path]:
    """Files named directly, and every entry directly inside a named folder, sorted; a file
    given twice (by itself and in its folder, or by two names) is read once."""
    found: list[Path] = []
    seen: set[tuple[int, int]] = set()
    for p in map(Path, paths):
        entries = sorted(c for c in p.iterdir() if not c.name.startswith(".")) if p.is_dir() else [p]
        for entry in entries:
            identity = _identity(entry)
            if identity is not None and identity in seen:
                continue
            if identity is not None:
                seen.add(identity)
            found.append(entry)
    return found


def _identity(path: Path) -> tuple[int, int] | None:
    """The file an ordinary path stands for (device, inode); None for anything else."""
    try:
        st = os.lstat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino) if stat.S_ISREG(st.st_mode) else None


def skip_reason(path: Path) -> Issue | None:
    """Why `path` is not read, or None; decided without reading it."""
    special = _not_a_regular_file(path)
    if special:
        return warning("not-a-regular-file", f"«{path.name}» — {special}: не прочитан, пропущен.",
                       file=path.name)
    if path.name.lower() in SYSTEM_FILES:
        return warning("lock-file", f"Служебный файл «{path.name}» — не отчёт, пропущен.", file=path.name)
    if path.name.startswith("~$"):
        return warning("lock-file", "Временный файл блокировки офисного пакета — не отчёт, пропущен.",
                       file=path.name)
    if path.suffix.lower() not in SPREADSHEET_SUFFIXES:
        return warning("not-a-spreadsheet",
                       f"Файл «{path.name}» не является электронной таблицей "
                       "(ожидаются .xlsx, .xlsm, .xls, .ods) — пропущен.", file=path.name)
    return None


def _not_a_regular_file(path: Path) -> str | None:
    """What `path` is, when it is not an ordinary file that may be read."""
    try:
        if path.is_symlink():
            target = path.resolve(strict=True)
            home = path.parent.resolve()
            if home != target.parent and home not in target.parents:
                return "символическая ссылка на файл вне папки отчётов"
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return "ссылка на несуществующий файл"
    except (OSError, RuntimeError):  # a loop of links, no access
        return "недоступный файл"
    if stat.S_ISDIR(mode):
        return "папка, а не файл (вложенные папки не читаются)"
    if stat.S_ISFIFO(mode):
        return "канал (FIFO), а не файл"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "устройство, а не файл"
    if stat.S_ISSOCK(mode):
        return "сокет, а не файл"
    if not stat.S_ISREG(mode):
        return "особый файл"
    return None


def sha256(path: Path) -> str:
    """In chunks, and only of a regular file no larger than the guard reads (a device, a pipe
    or a sparse 30 GB file would take forever); "" for any other."""
    digest = hashlib.sha256()
    try:
        st = os.stat(path)
        if _not_a_regular_file(path) or not stat.S_ISREG(st.st_mode) or st.st_size > MAX_FILE_BYTES:
            return ""
        with open(path, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                digest.update(chunk)
    except OSError:
        return ""
    return digest.hexdigest()
