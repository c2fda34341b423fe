"""Running the real CLI as an attacker's victim would: a subprocess in its own session,
a hard timeout that kills the whole process group, peak memory, stray processes."""

from __future__ import annotations

import hashlib
import os
import pty
import re
import resource
import select
import signal
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent
LIMIT = float(os.environ.get("HOSTILE_LIMIT", "30"))  # seconds a run may take
MEMORY_CAP = 2 << 30  # address space of each run: a runaway allocation fails instead of eating the CI box


@dataclass
class Run:
    args: list[str]
    returncode: int | None  # None: killed at the timeout
    seconds: float
    stdout: str
    stderr: str
    peak_mb: float  # peak RSS of the run and of its waited-for workers
    stray: list[str] = field(default_factory=list)  # processes of its session left after it ended
    raw: bytes = b""  # what a terminal received (pty runs only)

    @property
    def timed_out(self) -> bool:
        return self.returncode is None

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def summary(self) -> str:
        tail = self.output[-1500:]
        return (f"{' '.join(self.args[3:])[:300]}\n  exit {self.returncode}, {self.seconds:.1f} s, "
                f"{self.peak_mb:.0f} MB, stray {self.stray}\n  output tail: {tail!r}")


STARTED: list[int] = []  # the session of every run started here (each run's pid)


def cli_env() -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "LC_ALL": "C.UTF-8", "PYTHONIOENCODING": "utf-8",
           # The sandbox's limits, short enough that a file tried twice ends within LIMIT.
           "CLUSTER_XL_FILE_SECONDS": "12", "CLUSTER_XL_FILE_MEMORY_MB": "1024"}
    env.pop("CLUSTER_XL_DEBUG", None)
    return env


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def session_processes(sid: int) -> list[str]:
    """Live processes of session `sid` (every run starts its own): "pid comm state"."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        comm_end = text.rfind(")")
        fields = text[comm_end + 2:].split()
        # state ppid pgrp session
        if len(fields) > 3 and int(fields[3]) == sid and fields[0] != "Z":
            found.append(f"{stat.parent.name} {text[text.find('(') + 1:comm_end]} {fields[0]}")
    return found


def children_of(pid: int) -> list[int]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        fields = text[text.rfind(")") + 2:].split()
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out


def _kill_session(sid: int) -> None:
    try:
        os.killpg(sid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    # workers that left the group (setsid of their own) would not get it: kill by session
    for line in session_processes(sid):
        try:
            os.kill(int(line.split()[0]), signal.SIGKILL)
        except ProcessLookupError:
            pass


def run_cli(*args: object, limit: float = LIMIT, cwd: Path | None = None, use_pty: bool = False,
            on_start=None) -> Run:
    """`python -m cluster_xl ARGS` in a new session; killed with its whole group after `limit` s.

    `on_start(pid)` is called once the process runs (to signal it).  With `use_pty`
    stdout and stderr are a terminal and `raw` holds every byte it got.
    """
    argv = [sys.executable, "-m", "cluster_xl", *map(str, args)]
    out_r = err_r = None
    if use_pty:
        master, slave = pty.openpty()
        out_w = err_w = slave
    else:
        out_r, out_w = os.pipe()
        err_r, err_w = os.pipe()
    start = time.monotonic()
    pid = os.fork()
    if pid == 0:  # the child: own session, limits, then the CLI
        try:
            os.setsid()
            _limits()
            os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
            os.dup2(out_w, 1)
            os.dup2(err_w, 2)
            if cwd:
                os.chdir(cwd)
            os.execve(sys.executable, argv, cli_env())
        finally:
            os._exit(127)
    STARTED.append(pid)
    if use_pty:
        os.close(slave)
        fds = {master: bytearray()}
    else:
        os.close(out_w)
        os.close(err_w)
        fds = {out_r: bytearray(), err_r: bytearray()}
    status = rusage = None
    deadline = start + limit
    started = False
    open_fds = set(fds)
    while True:
        if on_start and not started:
            started = True
            on_start(pid)
        waited, st, ru = os.wait4(pid, os.WNOHANG)
        if waited:
            status, rusage = st, ru
            break
        if time.monotonic() > deadline:
            _kill_session(pid)
            _, st, ru = os.wait4(pid, 0)
            rusage = ru
            break
        ready, _, _ = select.select(list(open_fds), [], [], 0.05)
        for fd in ready:
            try:
                chunk = os.read(fd, 1 << 16)
            except OSError:  # a pty whose other end closed
                chunk = b""
            if chunk:
                fds[fd] += chunk
            else:
                open_fds.discard(fd)
    seconds = time.monotonic() - start
    # the rest of the output, without blocking on writers that outlived the run
    for fd in list(open_fds):
        while select.select([fd], [], [], 0.2)[0]:
            try:
                chunk = os.read(fd, 1 << 16)
            except OSError:
                break
            if not chunk:
                break
            fds[fd] += chunk
    time.sleep(0.3)  # workers get a moment to notice their parent is gone
    stray = session_processes(pid)
    _kill_session(pid)
    for fd in fds:
        os.close(fd)
    code = None if status is None else (os.waitstatus_to_exitcode(status))
    if use_pty:
        raw = bytes(fds[master])
        text = raw.decode("utf-8", "replace")
        return Run(argv, code, seconds, text, "", rusage.ru_maxrss / 1024, stray, raw)
    return Run(argv, code, seconds, fds[out_r].decode("utf-8", "replace"),
               fds[err_r].decode("utf-8", "replace"), rusage.ru_maxrss / 1024, stray)


def tree_hashes(*roots: Path) -> dict[str, str]:
    """Every regular file under `roots` (not following links) -> SHA-256 (links: their target)."""
    out = {}
    for root in roots:
        paths = [root] if not root.is_dir() or root.is_symlink() else sorted(root.rglob("*"))
        for p in paths:
            if p.is_symlink():
                out[str(p)] = "-> " + os.readlink(p)
            elif p.is_file():
                out[str(p)] = hashlib.sha256(p.read_bytes()).hexdigest()
            elif not p.is_dir():
                out[str(p)] = f"special {p.stat().st_mode:o}"
    return out


# Bytes a terminal would act on: C0 but \t \n \r, DEL, C1 (raw and UTF-8), bidi overrides.
_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\xaa-\xae]|\xe2\x81[\xa6-\xa9]")


def control_bytes(raw: bytes) -> list[bytes]:
    return [m.group() for m in _CONTROL.finditer(raw)]
