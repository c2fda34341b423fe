"""Outputs appear complete or not at all: build into a temp file beside the target, then rename;
and an operating system's error in Russian words."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Callable


def write_atomically(path: str | Path, build: Callable[[str], None]) -> Path:
    """Call `build(tmp_name)` to write a temp file in the target's folder, then rename it.

    The temp file keeps the target's suffix (openpyxl decides .xlsx/.xlsm by it)
    and gets ordinary permissions; it is removed if `build` fails.
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=".~", suffix=path.suffix or ".tmp", dir=folder)
    os.close(fd)
    try:
        build(tmp)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes it private; the output is an ordinary file
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


_ERRNO_RU = {
    "ENOSPC": "на диске нет места", "EDQUOT": "исчерпана квота диска", "EACCES": "нет прав доступа",
    "EPERM": "нет прав доступа", "EROFS": "файловая система доступна только для чтения",
    "ENOENT": "файл или папка не существует", "ENOTDIR": "путь не ведёт в папку", "EISDIR": "это папка",
    "ENAMETOOLONG": "слишком длинное имя файла", "EIO": "ошибка ввода-вывода",
    "ENOEXEC": "файл программы повреждён", "ENOMEM": "не хватает памяти", "EMFILE": "открыто слишком много файлов",
    "ETXTBSY": "файл занят другой программой", "EBUSY": "файл занят другой программой",
}


def os_reason(exc: OSError) -> str:
    """An operating-system error in Russian words, never the English errno text."""
    import errno

    name = errno.errorcode.get(exc.errno or 0, "")
    return _ERRNO_RU.get(name, f"ошибка операционной системы{f' ({name})' if name else ''}")
