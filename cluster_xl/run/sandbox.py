"""The sandbox: every untrusted workbook is read in a worker process with time and memory limits.

College files, the `--previous` book, a `--plan` workbook, `--targets-from`,
`check` and `--annotate`'s input all come from outside; a file can be crafted
to hang a reader, make it allocate gigabytes or abort it natively
(python-calamine is Rust: a failed allocation is an abort, not an exception).
So no such file is ever read in the main process, whatever `--jobs` is:

- a worker is a forked process that ignores Ctrl-C (the main process handles
  it), dies with its parent (`PR_SET_PDEATHSIG` on Linux; elsewhere it notices
  the parent is gone), keeps what it writes to stderr in a file of its own (a
  native backtrace or a traceback never reaches the console), and has an
  address-space limit (`RLIMIT_AS`: `Limits.memory_mb` above what it started
  with; Windows has no such limit, see the README);
- each file gets `Limits.seconds` of wall-clock time; a worker that overruns,
  dies or runs out of memory is killed and replaced, the other files it held
  go back to the queue, and its file is tried once more alone (the machine may
  have been busy, or the OOM killer may have reacted to another process) — then
  rejected with a Russian message that says which limit it hit;
- results come back file by file and are put back in input order, so the
  report is the same whatever `jobs` is.

`process_files` reads college files on `jobs` workers; `isolated` runs any one
call (reading last month's book, a plan workbook, annotating) in a worker of its own.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import tempfile
import time
from collections import deque
from dataclasses import dataclass, replace
from multiprocessing.connection import wait
from pathlib import Path
from typing import Callable, Sequence

from ..core.issues import error
from ..core.model import REJECTED, FileOutcome, PackedEntries, Period
from ..plan.model import Plan
from .collect import Input, sha256
from .policy import process_file

# Test hook: a worker given a file of this name dies as a native crash would.
CRASH_ENV = "CLUSTER_XL_TEST_CRASH_ON"
SECONDS_ENV, MEMORY_ENV = "CLUSTER_XL_FILE_SECONDS", "CLUSTER_XL_FILE_MEMORY_MB"
OUT_OF_MEMORY = 71  # a worker's exit code when a file exhausted its memory
CHUNK_MAX = 32  # files per task: fewer round trips, yet an even share at the end
ATTEMPTS = 2  # a file that kills or stalls its worker is tried once more, alone


@dataclass(frozen=True)
class Limits:
    """What one file may take: wall-clock seconds, and megabytes of memory a worker may add."""

    seconds: float = 60.0
    memory_mb: int = 2048

    @classmethod
    def from_env(cls) -> "Limits":
        """The defaults, or CLUSTER_XL_FILE_SECONDS / CLUSTER_XL_FILE_MEMORY_MB where set."""
        def number(name, default, kind):
            try:
                value = kind(os.environ.get(name, default))
            except ValueError:
                return default
            return value if value > 0 else default

        return cls(number(SECONDS_ENV, cls.seconds, float), number(MEMORY_ENV, cls.memory_mb, int))


class SandboxFailure(Exception):
    """A call in a worker did not return: it overran its time, its memory, or the worker died.

    `kind` is "timeout", "memory" or "crash"; `str()` is a Russian phrase for a message."""

    def __init__(self, kind: str, phrase: str):
        super().__init__(phrase)
        self.kind = kind


def default_jobs() -> int:
    """One worker per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


# -- college files ----------------------------------------------------------------


def process_files(paths: Sequence[Path | Input], plan: Plan, period: Period | None, strict: bool = False, *,
                  jobs: int | None = None, lean: bool = False, limits: Limits | None = None,
                  progress: Callable[[Input], None] | None = None) -> list[FileOutcome]:
    """`process_file` for every path (or `Input`: a path and the name shown for it), in input
    order, on `jobs` sandboxed workers.

    lean: keep the entries as columns (`PackedEntries`) and drop what only the
    per-file checks needed (every template cell's address, the units and issued
    targets), so that thousands of outcomes stay small in memory and cheap to
    send between processes.
    """
    if not paths:
        return []
    inputs = [p if isinstance(p, Input) else Input(Path(p), Path(p).name) for p in paths]
    jobs = default_jobs() if jobs is None else max(1, jobs)
    limits = limits or Limits.from_env()
    task = (_read_file, (plan, period, strict, lean))
    return _Pool(task, limits, min(jobs, len(inputs))).run(inputs, progress)


def _read_file(item: Input, plan: Plan, period: Period | None, strict: bool, lean: bool) -> FileOutcome:
    crash_on = os.environ.get(CRASH_ENV)
    if crash_on and item.path.name == crash_on:
        os._exit(70)  # as abruptly as a native abort: no cleanup, no answer
    outcome = process_file(item.path, plan, period, strict, shown=item.shown)
    return _slim(outcome) if lean else outcome


def _slim(outcome: FileOutcome) -> FileOutcome:
    sub = outcome.submission
    if sub is None:
        return outcome
    return replace(outcome, submission=replace(sub, entries=PackedEntries(sub.entries),
                                               cells={}, units={}, issued={}))


def failure_phrase(kind: str, detail: str, limits: Limits) -> str:
    """What happened, in words for the message: which limit it hit."""
    if kind == "timeout":
        return f"чтение не завершилось за {limits.seconds:g} с (предел времени на файл)"
    if kind == "memory":
        return f"чтению не хватило {limits.memory_mb} МБ памяти (предел памяти на файл)"
    return f"программа чтения аварийно завершилась на этом файле ({detail})"


def rejected(item: Input, kind: str, detail: str, limits: Limits) -> FileOutcome:
    """The outcome of a file whose reading killed or stalled its worker, twice."""
    issue = error("reader-crashed",
                  f"Файл «{item.shown}» не удалось прочитать: {failure_phrase(kind, detail, limits)}. "
                  "Файл, вероятно, повреждён или составлен так, что его нельзя безопасно прочитать. "
                  "Откройте его в табличном редакторе, сохраните заново в формате .xlsx и направьте "
                  "повторно.", file=item.shown)
    return FileOutcome(item.path, item.shown, sha256(item.path), REJECTED, None, "", None, None, (issue,))


# -- one call ------------------------------------------------------------------------


def isolated(func: Callable, *args, limits: Limits | None = None):
    """`func(*args)` in a sandboxed worker of its own; its value, or the exception it raised.

    Raises SandboxFailure when the worker overran its time or memory or died."""
    limits = limits or Limits.from_env()
    pool = _Pool((_call, (func,)), limits, 1, attempts=1)
    (result,) = pool.run([args], None)
    if isinstance(result, _Failed):
        raise SandboxFailure(result.kind, failure_phrase(result.kind, result.detail, limits))
    kind, value = result
    if kind == "raised":
        raise value
    return value


def _call(args: tuple, func: Callable):
    try:
        return ("returned", func(*args))
    except MemoryError:
        raise  # the memory limit: the worker reports it as such
    except Exception as exc:  # noqa: BLE001 - handed to the caller, who knows what it means
        return ("raised", exc)


# -- the worker side -------------------------------------------------------------------


def _worker(conn, task: tuple, limits: Limits, parent: int, log: str) -> None:
    """Answer each chunk's items one by one, (index, result), until told to stop (None)."""
    _enter_sandbox(limits, parent, log)
    func, shared = task
    while True:
        try:
            chunk = conn.recv()
        except (EOFError, OSError):
            os._exit(0)
        if chunk is None:
            os._exit(0)
        for index, item in chunk:
            try:
                result = func(item, *shared)
            except MemoryError:
                os._exit(OUT_OF_MEMORY)  # the reader's memory is gone: this worker is done
            conn.send((index, result))


def _enter_sandbox(limits: Limits, parent: int, log: str) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's to handle
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _die_with_parent(parent)
    # Whatever a reader prints (a Rust backtrace, a traceback) goes to this worker's log.
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(fd, 2)
    os.close(fd)
    sys.stderr = open(2, "w", closefd=False)  # noqa: SIM115 - lives as long as the worker
    _limit_memory(limits.memory_mb)


def _die_with_parent(parent: int) -> None:
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the parent died before the line above took effect
        os._exit(0)


def _limit_memory(megabytes: int) -> None:
    """An address-space limit of `megabytes` above what the worker holds now."""
    try:
        import resource
    except ImportError:  # Windows: no RLIMIT_AS (the README says what it gets)
        return
    if not hasattr(resource, "RLIMIT_AS"):
        return
    try:
        with open("/proc/self/statm") as f:
            held = int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        held = 0
    limit = held + megabytes * 1024 * 1024
    try:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ValueError, OSError):
        pass


# -- the main side ---------------------------------------------------------------------


def _descendants(pid: int) -> list[int]:
    """Every process below `pid` (Linux /proc; elsewhere none are known)."""
    children: dict[int, list[int]] = {}
    try:
        entries = os.listdir("/proc")
    except OSError:
        return []
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                stat = f.read()
            parent = int(stat[stat.rfind(b")") + 2:].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(parent, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), ()):
            found.append(child)
            todo.append(child)
    return found


@dataclass
class _Failed:
    kind: str
    detail: str


class _Worker:
    def __init__(self, ctx, task: tuple, limits: Limits, logs: str):
        self.conn, child = ctx.Pipe()
        fd, self.log = tempfile.mkstemp(prefix="worker_", suffix=".log", dir=logs)
        os.close(fd)
        self.process = ctx.Process(target=_worker, args=(child, task, limits, os.getpid(), self.log),
                                   daemon=True)
        self.process.start()
        child.close()
        self.task: deque[int] = deque()  # indices it holds, in the order it reads them
        self.since = 0.0  # when it started on the first of them

    def give(self, task: Sequence[int], items: Sequence) -> None:
        self.task = deque(task)
        self.since = time.monotonic()
        self.conn.send([(i, items[i]) for i in task])

    def failure(self) -> _Failed:
        """Why it died: its exit, and what its log says."""
        self.process.join(timeout=5)
        code = self.process.exitcode
        try:
            with open(self.log, "rb") as f:
                f.seek(max(0, os.path.getsize(self.log) - 4096))
                tail = f.read().decode("utf-8", "replace").lower()
        except OSError:
            tail = ""
        if code == OUT_OF_MEMORY or "memory allocation" in tail or "memoryerror" in tail \
                or "cannot allocate" in tail:
            return _Failed("memory", "")
        how = (f"сигнал {-code}" if code is not None and code < 0
               else f"код завершения {code}" if code is not None else "причина неизвестна")
        return _Failed("crash", how)

    def kill(self) -> None:
        if self.process.is_alive():
            for pid in _descendants(self.process.pid):  # LibreOffice started by annotate, say
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            self.process.kill()
        self.process.join()
        self.conn.close()
        self._forget_log()

    def stop(self) -> None:
        try:
            self.conn.send(None)
        except OSError:
            pass
        self.process.join(timeout=5)
        self.kill()

    def _forget_log(self) -> None:
        try:
            os.unlink(self.log)
        except OSError:
            pass


class _Pool:
    """Workers fed chunk by chunk; each answer is one item; a stalled or dead worker's
    current item is retried alone, the rest of its chunk goes back to the queue."""

    def __init__(self, task: tuple, limits: Limits, size: int, attempts: int = ATTEMPTS):
        # fork shares the plan without pickling it; spawn (elsewhere) pickles it once per worker.
        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
        self.ctx = multiprocessing.get_context(method)
        self.task, self.limits, self.size, self.attempts = task, limits, max(1, size), attempts

    def run(self, items: list, progress) -> list:
        results: list = [None] * len(items)
        tries = [0] * len(items)
        chunk = max(1, min(CHUNK_MAX, len(items) // (self.size * 8)))
        queue = deque(tuple(range(i, min(i + chunk, len(items)))) for i in range(0, len(items), chunk))
        with tempfile.TemporaryDirectory(prefix="cluster_xl_workers_") as logs:
            new = lambda: _Worker(self.ctx, self.task, self.limits, logs)  # noqa: E731
            workers: list[_Worker] = []
            finished = False
            try:
                workers += [new() for _ in range(self.size)]
                while queue or any(w.task for w in workers):
                    for w in workers:
                        if not w.task and queue:
                            w.give(queue.popleft(), items)
                    busy = [w for w in workers if w.task]
                    due = min(w.since for w in busy) + self.limits.seconds
                    ready = wait([w.conn for w in busy] + [w.process.sentinel for w in busy],
                                 timeout=max(0.0, due - time.monotonic()))
                    for n, w in enumerate(workers):
                        if w.task:
                            workers[n] = self._tend(w, ready, items, results, tries, queue, progress, new)
                finished = True
            finally:  # interrupted (Ctrl-C, an error): end the workers at once, not after their file
                for w in workers:
                    w.stop() if finished else w.kill()
        return results

    def _tend(self, w: _Worker, ready, items, results, tries, queue, progress, new) -> _Worker:
        """Take what a worker answered; replace it if it died or overran the time."""
        while w.task and w.conn.poll():
            try:
                index, result = w.conn.recv()
            except (EOFError, OSError):
                break
            results[index] = result
            w.task.popleft()
            w.since = time.monotonic()  # the next item's clock starts now
            if progress:
                progress(items[index])
        if not w.task:
            return w
        overran = time.monotonic() - w.since >= self.limits.seconds
        if not overran and w.process.is_alive():
            return w
        failed = _Failed("timeout", "") if overran and w.process.is_alive() else w.failure()
        w.kill()
        culprit, rest = w.task[0], tuple(list(w.task)[1:])
        tries[culprit] += 1
        if rest:
            queue.appendleft(rest)  # innocent: read again as they were
        if tries[culprit] < self.attempts:
            queue.appendleft((culprit,))  # once more, alone, in a fresh worker
        else:
            results[culprit] = self._give_up(items[culprit], failed)
            if progress:
                progress(items[culprit])
        return new()

    def _give_up(self, item, failed: _Failed):
        if self.task[0] is _read_file:
            return rejected(item, failed.kind, failed.detail, self.limits)
        return failed
