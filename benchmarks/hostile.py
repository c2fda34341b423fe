"""Peak memory and wall time of `cluster-xl consolidate` on hostile input.

    python benchmarks/hostile.py            # needs /usr/bin/time (apt-get install time)
    python benchmarks/hostile.py --junk 5000
    python benchmarks/hostile.py --guard    # the guard alone, file by file (no /usr/bin/time)

Writes, in a temporary folder, three months of input and consolidates each
with `python -m cluster_xl consolidate` under `/usr/bin/time -v`:

  clean      the seven example colleges
  hostile    the same plus every hostile file of tests/helpers/hostile_files.py
             (zip bombs honest and lying, a value at XFD1048576, entity
             expansion, a declared count of two thousand million strings,
             encrypted workbooks, an .xls grid to its last cell, an .ods row
             repeated a million times, empty, truncated, not spreadsheets,
             a lock file) and --junk truncated files and text attachments
  at-limit   the seven colleges plus one workbook just inside the guard's limits:
             three sheets of 990 000 cells each (a value at CV9900 on each),
             the largest grid the guard lets a reader build
  big-text   the seven colleges plus one workbook whose shared strings inflate
             to 95 MB (under the 100 MB the guard allows in all)
  attack     the seven colleges plus every case of tests/hostile/make_hostile.py
             (scanners made quadratic, a sheet stored as .bin, one long string in
             thousands of cells, repeats over long text, a sheet declared three
             thousand times, a merged whole sheet, a megabyte in a number cell,
             the largest finite number, terminal escapes, live formulas, a date
             in 2099, a dense book) — the sandbox's limits are what end them

and prints maximum resident set size, wall time and the exit code of each.
With --guard: the time `guard.inspect` takes on every file of tests/hostile
(make_hostile.py) and of the hostile set, and what it decides.
Not a test: CI does not measure anything.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from cluster_xl.core.model import Period  # noqa: E402
from cluster_xl.plan.model import default_plan  # noqa: E402
from cluster_xl.writing.sample import write_examples  # noqa: E402

from helpers import hostile_files as h  # noqa: E402

sys.path.insert(0, str(REPO / "tests" / "hostile"))
import make_hostile  # noqa: E402

TIME = "/usr/bin/time"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--junk", type=int, default=1000, help="junk files of each kind in «hostile»")
    parser.add_argument("--guard", action="store_true", help="time the guard alone on each hostile file")
    args = parser.parse_args()
    if args.guard:
        return _time_guard()
    if not Path(TIME).exists():
        sys.exit("/usr/bin/time is missing: apt-get install -y time")
    with tempfile.TemporaryDirectory(prefix="cluster_xl_hostile_") as tmp:
        root = Path(tmp)
        clean = root / "clean"
        write_examples(default_plan(), clean, Period(2026, 10), ods_index=None)
        example = clean / "01_spk_2026-10.xlsx"
        hostile = _copy(clean, root / "hostile")
        h.write_hostile_set(hostile, example, REPO / "examples" / "2026-10" / "07_spt_2026-10.ods")
        sample = example.read_bytes()
        for n in range(args.junk):
            (hostile / f"attachment_{n:05d}.txt").write_text("letter\n")
            (hostile / f"truncated_{n:05d}.xlsx").write_bytes(sample[: 200 + n % 20000])
        at_limit = _copy(clean, root / "at_limit")
        _at_limit(example, at_limit / "08_at_limit.xlsx")
        big_text = _copy(clean, root / "big_text")
        _big_text(example, big_text / "08_big_text.xlsx")
        attack = _copy(clean, root / "attack")
        for path in make_hostile.write_all(root / "attack_files").values():
            if path.suffix != ".json":
                shutil.copy(path, attack / path.name)
        print(f"{'run':<10} {'files':>6} {'max RSS, MB':>12} {'wall, s':>8} {'exit':>5}")
        for name, folder in (("clean", clean), ("hostile", hostile), ("at-limit", at_limit),
                             ("big-text", big_text), ("attack", attack)):
            rss, wall, code = _measure(folder, root / f"{name}.xlsx")
            print(f"{name:<10} {len(list(folder.iterdir())):>6} {rss / 1024:>12.0f} {wall:>8.1f} {code:>5}")


def _time_guard() -> None:
    import time

    sys.path.insert(0, str(REPO / "tests" / "hostile"))
    import make_hostile  # noqa: E402 - tests/hostile/make_hostile.py

    from cluster_xl.reading import guard

    with tempfile.TemporaryDirectory(prefix="cluster_xl_guard_") as tmp:
        root = Path(tmp)
        make_hostile.write_all(root / "cli")
        h.write_hostile_set(root / "set", make_hostile.XLSX_EXAMPLE, make_hostile.ODS_EXAMPLE)
        print(f"{'file':<28} {'KB':>8} {'guard, s':>9}  decision")
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            started = time.perf_counter()
            try:
                decision = f"passed ({guard.inspect(path).kind})"
            except guard.Refusal as refusal:
                decision = f"{refusal.code}: {refusal.reason[:70]}"
            took = time.perf_counter() - started
            print(f"{path.name[:28]:<28} {path.stat().st_size / 1024:>8.0f} {took:>9.2f}  {decision}")


def _copy(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst


def _at_limit(src: Path, dst: Path) -> None:
    """Three sheets, each reaching CV9900 (9 900 rows × 100 columns, under the per-sheet limit)."""
    edits = {}
    for sheet in ("Мероприятия", "Показатели", "Специальности"):
        far = b'<row r="9900"><c r="CV9900"><v>1</v></c></row></sheetData>'
        edits[h.sheet_part(src, sheet)] = lambda d, far=far: d.replace(b"</sheetData>", far)
    h.rewrite_zip(src, dst, edits)


def _big_text(src: Path, dst: Path) -> None:
    """One shared string of 95 MB, in the cell a name goes in."""
    text = b"\xd0\x90" * (95 * 1024 * 1024 // 2)
    h.rewrite_zip(src, dst, {"xl/sharedStrings.xml": lambda d: d.replace(b"<t>", b"<t>" + text, 1)})


def _measure(folder: Path, out: Path) -> tuple[int, float, int]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [TIME, "-v", sys.executable, "-m", "cluster_xl", "consolidate", str(folder),
         "--period", "2026-10", "-o", str(out)],
        capture_output=True, text=True, env=env)
    if "Traceback" in done.stderr:
        print(done.stderr[-3000:], file=sys.stderr)
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr).group(1))
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)", done.stderr).group(1)
    seconds = sum(float(part) * 60 ** i for i, part in enumerate(reversed(wall.split(":"))))
    code = int(re.search(r"Exit status: (\d+)", done.stderr).group(1))
    return rss, seconds, code


if __name__ == "__main__":
    main()
