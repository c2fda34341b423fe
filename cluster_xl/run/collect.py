"""Which files a run reads: the paths given, folders opened, and what is skipped and why.

Nothing in a folder is left out silently: every entry but hidden ones becomes an
input, sub-folders included (one folder per e-mail is how attachments are often
saved), and what must not be read (a pipe, a device, a link to a folder, a
dangling link, a link leading out of the folder it sits in, an empty folder) is
listed as skipped with its reason, without a byte of it read.  Each input is shown
by its path relative to the folder given, so that two «отчёт.xlsx» in two e-mail
folders can be told apart."""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from ..core.issues import Issue, warning
from ..reading.guard import MAX_FILE_BYTES

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
# Files an operating system leaves in folders: never a report, not counted among the files received.
SYSTEM_FILES = frozenset({"thumbs.db", "desktop.ini", "ehthumbs.db"})
NOT_COUNTED = frozenset({"lock-file", "own-book", "empty-folder"})  # skipped, and not counted as received
MAX_DEPTH = 8  # folders nested deeper are listed, not opened: no e-mail client saves so deep


@dataclass(frozen=True)
class Input:
    """A path to read and the name a person sees for it: relative to the folder given."""

    path: Path
    shown: str



def collect_inputs(paths: Iterable[str | Path | Input]) -> list[Input]:
    """Files named directly, and every entry inside a named folder and its sub-folders, each
    folder's entries sorted by name; a file given twice (by itself and in its folder, or by
    two names) is read once.  Two inputs that would be shown alike are shown by their path.
    An `Input` is taken as it is: a list collected once stays the list that is read."""
    found: list[Input] = []
    seen: set[tuple[int, int]] = set()
    for item in paths:
        given = item.path if isinstance(item, Input) else Path(item)
        if isinstance(item, Input):
            entries = [item]
        elif given.is_dir() and not given.is_symlink():
            entries = _walk(given, given, 0)
        else:
            entries = [Input(given, given.name)]
        for entry in entries:
            identity = _identity(entry.path)
            if identity is not None and identity in seen:
                continue
            if identity is not None:
                seen.add(identity)
            found.append(entry)
    counts: dict[str, int] = {}
    for entry in found:
        counts[entry.shown.lower()] = counts.get(entry.shown.lower(), 0) + 1
    return [e if counts[e.shown.lower()] == 1 else Input(e.path, e.path.as_posix()) for e in found]


def _walk(root: Path, folder: Path, depth: int) -> list[Input]:
    """The entries of `folder` in name order, a real sub-folder replaced by its own entries
    (an empty one, or one nested too deep, stays as itself: listed and skipped)."""
    out: list[Input] = []
    try:
        children = sorted((c for c in folder.iterdir() if not c.name.startswith(".")),
                          key=lambda c: c.name)
    except OSError:
        children = []
    for child in children:
        shown = child.relative_to(root).as_posix()
        if child.is_dir() and not child.is_symlink() and depth < MAX_DEPTH:
            inner = _walk(root, child, depth + 1)
            out += inner or [Input(child, shown)]
        else:
            out.append(Input(child, shown))
    return out


def _identity(path: Path) -> tuple[int, int] | None:
    """The file an ordinary path stands for (device, inode); None for anything else."""
    try:
        st = os.lstat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino) if stat.S_ISREG(st.st_mode) else None


def skip_reason(path: Path, shown: str | None = None) -> Issue | None:
    """Why `path` is not read, or None; decided without reading it."""
    shown = shown or path.name
    if _is_folder(path):
        code, what = ("empty-folder", "папка без файлов") if _is_empty(path) else \
            ("not-a-regular-file", f"папка глубже {MAX_DEPTH} уровней вложенности (не открыта)")
        return warning(code, f"«{shown}» — {what}: пропущена.", file=shown)
    special = _not_a_regular_file(path)
    if special:
        return warning("not-a-regular-file", f"«{shown}» — {special}: не прочитан, пропущен.", file=shown)
    if path.name.lower() in SYSTEM_FILES:
        return warning("lock-file", f"Служебный файл «{shown}» — не отчёт, пропущен.", file=shown)
    if path.name.startswith("~$"):
        return warning("lock-file", f"«{shown}» — временный файл блокировки офисного пакета, не отчёт: "
                       "пропущен.", file=shown)
    if path.suffix.lower() not in SPREADSHEET_SUFFIXES:
        return warning("not-a-spreadsheet",
                       f"Файл «{shown}» не является электронной таблицей "
                       "(ожидаются .xlsx, .xlsm, .xls, .ods) — пропущен.", file=shown)
    return None


def _is_folder(path: Path) -> bool:
    """A real folder (a link to one is not followed: `_not_a_regular_file` names it)."""
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


def _is_empty(folder: Path) -> bool:
    try:
        return not any(not c.name.startswith(".") for c in folder.iterdir())
    except OSError:
        return False


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
        return "ссылка на папку (по ссылкам на папки программа не переходит)"
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
