"""Per-file cost of reading and checking (guard, reader, checks; no sandbox), best of N runs.

    python benchmarks/read_cost.py examples/2026-10 [other_folder ...] [--runs 9]

Prints ms per file and KB per file for each folder, by kind (.xlsx, .ods): used to weigh what a
template change costs, e.g. the self-check sheet (`git archive <commit> examples | tar -x -C old`).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from cluster_xl.core.model import Period
from cluster_xl.plan.model import default_plan
from cluster_xl.run.policy import process_file


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--period", default="2026-10")
    args = parser.parse_args()
    plan = default_plan()
    year, month = map(int, args.period.split("-"))
    period = Period(year, month)
    print(f"{'folder':<40} {'kind':<5} {'files':>5} {'KB/file':>8} {'ms/file':>8}")
    for folder in args.folders:
        for kind in ("xlsx", "ods"):
            files = sorted(folder.glob(f"*.{kind}"))
            if not files:
                continue
            best = float("inf")
            for _ in range(args.runs):
                started = time.perf_counter()
                for f in files:
                    process_file(f, plan, period)
                best = min(best, (time.perf_counter() - started) / len(files))
            size = sum(f.stat().st_size for f in files) / len(files) / 1024
            print(f"{str(folder):<40} {kind:<5} {len(files):>5} {size:>8.0f} {best * 1e3:>8.1f}")


if __name__ == "__main__":
    main()
