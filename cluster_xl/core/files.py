"""Outputs appear complete or not at all: build into a temp file beside the target, then rename."""

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
