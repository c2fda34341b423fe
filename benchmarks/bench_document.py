"""The printed document at cluster and national scale: pages per sheet and LibreOffice's time.

    python benchmarks/bench_document.py                 # the October example, 200 and 2,000 colleges
    python benchmarks/bench_document.py --sizes 200

For the bundled October example (with and without last month's book) and for
N generated colleges (the files `bench_scale.py` generates and caches),
`cluster-xl consolidate` runs once without and once with `--pdf`.  Printed: the pages of each document sheet
(counted from the PDF: each sheet's first page carries the report's title),
the PDF's total, the share of each page's height its text reaches (the least
of the pages that are not a sheet's last), and LibreOffice's wall time.  Not a
test: CI does not time anything.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from cluster_xl.core.names import DOCUMENT_SHEETS  # noqa: E402

TOP, BOTTOM = 20 / 25.4 * 72, 595.3 - 20 / 25.4 * 72


def _pages(pdf: Path) -> tuple[list[int], float]:
    """Pages per document sheet, and the least fill of a page that is not its sheet's last."""
    boxes = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True,
                           check=True).stdout.split("<page ")[1:]
    sheets: list[list[float]] = []
    for box in boxes:
        # A sheet's first page has the report's title (centred over the first page across:
        # a sheet two pages wide has it once), word by word in the boxes.
        if ">Сводный<" in box and ">реализации<" in box or not sheets:
            sheets.append([])
        bottoms = [float(y) for y0, y in re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)"', box)
                   if float(y0) < BOTTOM]
        sheets[-1].append((max(bottoms, default=TOP) - TOP) / (BOTTOM - TOP))
    fills = [f for pages in sheets for f in pages[:-1]]
    return [len(pages) for pages in sheets], min(fills, default=1.0)


def _consolidate(args: list[str]) -> float:
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "cluster_xl", "consolidate", *args], capture_output=True,
                          text=True, cwd=ROOT)
    if proc.returncode not in (0, 1):
        raise SystemExit(proc.stdout + proc.stderr)
    return time.perf_counter() - started


def _case(name: str, folder: Path, extra: list[str]) -> str:
    """One run with --pdf and one without: the difference is LibreOffice's."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "consolidated_2026-10.xlsx"
        args = [str(folder), "--period", "2026-10", "-o", str(out), *extra]
        plain = _consolidate(args)
        printed = _consolidate(args + ["--pdf"])
        counts, fill = _pages(out.with_suffix(".pdf"))
    per_sheet = ", ".join(f"{sheet} {n}" for sheet, n in zip(DOCUMENT_SHEETS, counts))
    return (f"{name}: {sum(counts)} pages ({per_sheet}); least-filled page {fill:.0%}; "
            f"run {plain:.1f} s, PDF by LibreOffice {printed - plain:.1f} s more")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[200, 2000])
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "cluster_xl_bench")
    args = parser.parse_args(argv)
    examples = ROOT / "examples"
    print(_case("October example", examples / "2026-10", []), flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        september = Path(tmp) / "consolidated_2026-09.xlsx"
        _consolidate([str(examples / "2026-09"), "--period", "2026-09", "-o", str(september)])
        print(_case("October example with --previous", examples / "2026-10", ["--previous", str(september)]),
              flush=True)
    import bench_scale

    for n in args.sizes:
        root = bench_scale.generate(n, args.cache)
        print(_case(f"{n} colleges", root / "files", ["--plan", str(root / "plan.json")]), flush=True)


if __name__ == "__main__":
    main()
