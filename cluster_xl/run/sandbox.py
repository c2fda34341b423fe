"""Many files at once: parsing in worker processes, one file's crash is one rejected file.

A regional ministry receives about 2,000 files a month; reading and checking
them is nearly all of the work and each file is independent, so the files
are shared out to `jobs` worker processes (default: one per core).  A worker
runs `policy.process_file` on a chunk of files and sends back plain
`FileOutcome`s; the results are put back in input order, so the report is the
same whatever `jobs` is.

Isolation: python-calamine is native code.  A file that makes it abort,
segfault or run out of memory takes down the worker that read it, never the
run: the main process sees the worker die, reads the files of the lost chunk
again one by one in fresh workers, and the file that kills a worker on its
own is rejected with `reader-crashed`.

`jobs=1` reads every file in this process, one after another (no isolation).
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from dataclasses import replace
from multiprocessing.connection import wait
from pathlib import Path
from typing import Callable, Sequence

from ..core.issues import error
from ..core.model import REJECTED, FileOutcome, PackedEntries, Period
from ..plan.model import Plan
from .collect import sha256
from .policy import process_file

# Test hook: a worker given a file of this name dies as a native crash would.
CRASH_ENV = "CLUSTER_XL_TEST_CRASH_ON"
OUT_OF_MEMORY = 71  # a worker's exit code when a file exhausted its memory
CHUNK_MAX = 32  # files per task: fewer round trips, yet an even share at the end


def default_jobs() -> int:
    """One worker per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def process_files(paths: Sequence[Path], plan: Plan, period: Period | None, strict: bool = False, *,
                  jobs: int | None = None, lean: bool = False,
                  progress: Callable[[Path], None] | None = None) -> list[FileOutcome]:
    """`process_file` for every path, in input order; `jobs` worker processes.

    lean: keep the entries as columns (`PackedEntries`) and drop what only the
    per-file checks needed (every template cell's address, the units and issued
    targets), so that thousands of outcomes stay small in memory and cheap to
    send between processes.
    """
    jobs = default_jobs() if jobs is None else max(1, jobs)
    if jobs == 1 or not paths:

        out = []
        for path in paths:
            outcome = process_file(path, plan, period, strict)
            out.append(_slim(outcome) if lean else outcome)
            if progress:
                progress(path)
        return out
    return _Pool(plan, period, strict, lean, min(jobs, len(paths))).run(list(paths), progress)


def _slim(outcome: FileOutcome) -> FileOutcome:
    sub = outcome.submission
    if sub is None:
        return outcome
    return replace(outcome, submission=replace(sub, entries=PackedEntries(sub.entries),
                                               cells={}, units={}, issued={}))


def crashed(path: Path, exitcode: int | None) -> FileOutcome:
    """The outcome of a file whose reading killed the worker process."""

    how = ("не хватило памяти" if exitcode == OUT_OF_MEMORY
           else f"сигнал {-exitcode}" if exitcode is not None and exitcode < 0
           else f"код завершения {exitcode}" if exitcode is not None else "причина неизвестна")
    issue = error("reader-crashed",
                  f"Файл «{path.name}» не удалось прочитать: программа чтения аварийно завершилась "
                  f"на этом файле ({how}). Файл, вероятно, повреждён или составлен так, что его нельзя "
                  "безопасно прочитать. Откройте его в табличном редакторе, сохраните заново в формате "
                  ".xlsx и направьте повторно.", file=path.name)
    return FileOutcome(path, path.name, sha256(path), REJECTED, None, "", None, None, (issue,))


# -- the worker side ------------------------------------------------------------


def _worker(conn, plan: Plan, period: Period | None, strict: bool, lean: bool) -> None:
    """Read chunks until told to stop (None); answer each with its outcomes."""

    crash_on = os.environ.get(CRASH_ENV)
    while True:
        try:
            chunk = conn.recv()
        except EOFError:
            return
        if chunk is None:
            return
        out = []
        for path in chunk:
            if crash_on and path.name == crash_on:
                os._exit(70)  # as abruptly as a native abort: no cleanup, no answer
            try:
                outcome = process_file(path, plan, period, strict)
            except MemoryError:
                os._exit(OUT_OF_MEMORY)  # the reader's memory is gone: this worker is done
            out.append(_slim(outcome) if lean else outcome)
        conn.send(out)


# -- the main side --------------------------------------------------------------


class _Worker:
    def __init__(self, ctx, args: tuple):
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_worker, args=(child, *args), daemon=True)
        self.process.start()
        child.close()
        self.task: tuple[int, ...] | None = None  # indices of the files it is reading

    def give(self, task: tuple[int, ...], paths: Sequence[Path]) -> None:
        self.task = task
        self.conn.send([paths[i] for i in task])

    def stop(self) -> None:
        try:
            self.conn.send(None)
        except OSError:
            pass
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.conn.close()


class _Pool:
    """Workers fed chunk by chunk; a dead worker's chunk is retried file by file."""

    def __init__(self, plan: Plan, period: Period | None, strict: bool, lean: bool, size: int):
        # fork shares the plan without pickling it; spawn (elsewhere) pickles it once per worker.
        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
        self.ctx = multiprocessing.get_context(method)
        self.args = (plan, period, strict, lean)
        self.size = max(1, size)

    def run(self, paths: list[Path], progress) -> list[FileOutcome]:
        results: list[FileOutcome | None] = [None] * len(paths)
        chunk = max(1, min(CHUNK_MAX, len(paths) // (self.size * 8)))
        queue = deque(tuple(range(i, min(i + chunk, len(paths)))) for i in range(0, len(paths), chunk))
        workers = [_Worker(self.ctx, self.args) for _ in range(self.size)]
        try:
            while queue or any(w.task for w in workers):
                for w in workers:
                    if w.task is None and queue:
                        w.give(queue.popleft(), paths)
                busy = [w for w in workers if w.task is not None]
                ready = wait([w.conn for w in busy] + [w.process.sentinel for w in busy])
                for n, w in enumerate(workers):
                    if w.task is not None and (w.conn in ready or w.process.sentinel in ready):
                        workers[n] = self._collect(w, paths, results, queue, progress)
        finally:
            for w in workers:
                w.stop()
        return results  # type: ignore[return-value]

    def _collect(self, w: _Worker, paths, results, queue, progress) -> _Worker:
        """Store a worker's answer; if it died instead, deal with its chunk and replace it."""
        task = w.task
        try:
            answer = w.conn.recv()
        except (EOFError, OSError):
            answer = None
        if answer is not None and len(answer) == len(task):
            for i, outcome in zip(task, answer):
                results[i] = outcome
                if progress:
                    progress(paths[i])
            w.task = None
            return w
        w.process.join()
        exitcode = w.process.exitcode
        w.conn.close()
        if len(task) == 1:  # it alone killed the worker
            results[task[0]] = crashed(paths[task[0]], exitcode)
            if progress:
                progress(paths[task[0]])
        else:  # one of them did: find which, one file at a time
            queue.extendleft((i,) for i in reversed(task))
        return _Worker(self.ctx, self.args)
