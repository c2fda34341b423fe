"""National scale: how long `cluster-xl consolidate` takes on N colleges' files.

    python benchmarks/bench_scale.py                 # N = 7, 200, 2000
    python benchmarks/bench_scale.py --sizes 2000 --repeat 3

For each N the script generates N filled templates once (cached under the
system temp folder, keyed by N), then measures side by side, each as a fresh
subprocess:

  baseline   pandas.read_excel per file (openpyxl; odfpy for .ods, the only
             engine pandas has for it), concat, groupby, to_excel of the totals
  floor      raw python-calamine read of the same files (the four sheets the
             tool reads), one process, nothing else
  tool       `cluster-xl consolidate` end to end: every check, the full
             seven-sheet workbook

and prints wall seconds, ms per file, peak RSS (summed over the process and
its workers: PSS sampled from /proc, so shared pages count once) and the ratios.  It also times
`cluster-xl --help` and the bundled seven-file example.  Not a test: CI does
not time anything.

The synthetic plan puts all N colleges on the roster; targets of summed items
are the bundled plan's times the number of seven-college groups, so the
totals are of the right size.  Each file is written from a seven-college plan
of its own group (a real cluster's template lists its own colleges), values
vary by college, about 8 % of files carry warnings, about 2 % are rejected,
and every 20th file is an .ods converted by LibreOffice (one soffice call).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PERIOD = "2026-10"
GENERATOR_VERSION = 4  # bump when the generated files change (4: the self-check sheet)
ODS_EVERY = 20
TOOL = [sys.executable, "-m", "cluster_xl"]


# -- the synthetic national plan ---------------------------------------------

_KINDS = ("Колледж", "Техникум", "Политехнический колледж", "Индустриальный техникум",
          "Колледж энергетики", "Многопрофильный колледж", "Горно-технический колледж")
_REGIONS = ("Тюменская область", "Ханты-Мансийский автономный округ", "Ямало-Ненецкий автономный округ",
            "Томская область", "Омская область", "Кемеровская область", "Иркутская область",
            "Красноярский край", "Республика Коми", "Оренбургская область", "Самарская область",
            "Республика Татарстан", "Пермский край", "Республика Башкортостан")


def college(k: int) -> dict:
    kind, region = _KINDS[k % len(_KINDS)], _REGIONS[(k // len(_KINDS)) % len(_REGIONS)]
    short = f"{kind} № {k + 1} ({region})"
    return {"id": f"c{k + 1:04d}", "short_name": short,
            "name": f"Государственное бюджетное профессиональное образовательное учреждение «{short}»",
            "role": "base" if k % 7 == 0 else "college"}


def national_plan(n: int) -> dict:
    """The bundled plan with n colleges on the roster and targets scaled to them."""
    from cluster_xl.plan.model import default_plan, plan_to_dict

    d = plan_to_dict(default_plan())
    employers = [o for o in d["organisations"] if o["role"] == "employer"]
    d["organisations"] = [college(k) for k in range(n)] + employers
    groups = math.ceil(n / 7)
    for item in d["items"]:
        if item["rule"] == "sum" and item["unit"].strip() != "%":
            item["targets"] = {y: (None if v is None else v * groups) for y, v in item["targets"].items()}
    return d


def group_plan(national: dict, g: int, n: int) -> dict:
    """What one seven-college cluster's template is written from: its own roster."""
    from cluster_xl.plan.model import default_plan, plan_to_dict

    d = plan_to_dict(default_plan())
    colleges = national["organisations"][7 * g: min(7 * g + 7, n)]
    d["organisations"] = colleges + [o for o in national["organisations"] if o["role"] == "employer"]
    return d


# -- files --------------------------------------------------------------------


@dataclass(frozen=True)
class Spec:
    index: int
    name: str
    kind: str  # "ok", "warning", "rejected", "corrupt"


def file_kind(k: int) -> str:
    if k % 500 == 250:
        return "corrupt"
    if k % 50 in (13, 37):
        return "rejected"
    if k % 25 in (3, 11) or k % 50 == 44:
        return "warning"
    return "ok"


def _vary(filling, plan, k: int, kind: str):
    """This college's own facts; warnings and errors planted where `kind` says."""
    rng = random.Random(f"college-{k}")
    factor = rng.uniform(0.7, 1.3)
    values = {}
    for (code, year, measure), v in filling.values.items():
        item = plan.input_codes[code]
        if measure == "fact" and item.rule in ("sum", "ratio") and isinstance(v, (int, float)):
            v = round(v * factor)  # monotone: equal and ≤ control ratios still hold
        values[(code, year, measure)] = v
    if k % 10 == 4:  # typed as text the way people type: still a number
        values = {key: (f"{v:,}".replace(",", "\u00a0") if isinstance(v, int) and v >= 1000 else v)
                  for key, v in values.items()}
    title = dict(filling.title)
    if kind == "warning":
        values[("2.1.1", 2026, "fact")] = 12.5  # a fraction of a person
        values[("4.1.1", 2027, "fact")] = 3  # a fact for next year
    elif kind == "rejected" and k % 100 < 50:
        values[("1.6.1", 2026, "fact")] = "около ста"
    elif kind == "rejected":
        title["period"] = "2026-09"
    return replace(filling, values=values, title=title)


def _write_group(args) -> list[Path]:
    national, g, n, folder = args
    from cluster_xl.core.model import Period
    from cluster_xl.plan.model import plan_from_dict
    from cluster_xl.writing.sample import example_fillings
    from cluster_xl.writing.template import write_template

    plan = plan_from_dict(group_plan(national, g, n))
    written = []
    for j, cf in enumerate(example_fillings(plan, Period(2026, 10))):
        k = 7 * g + j
        kind = file_kind(k)
        path = folder / f"{k + 1:04d}_{cf.org_id}_{PERIOD}.xlsx"
        if kind == "corrupt":
            path.write_bytes(b"PK\x03\x04" + random.Random(k).randbytes(20000))
        else:
            write_template(plan, path, _vary(cf.filling, plan, k, kind))
        written.append(path)
    return written


def generate(n: int, cache: Path) -> Path:
    """The folder of N files (and the plan beside it), generated once per N."""
    root = cache / f"n{n}-v{GENERATOR_VERSION}"
    if (root / ".complete").exists():
        return root
    shutil.rmtree(root, ignore_errors=True)
    folder = root / "files"
    folder.mkdir(parents=True)
    national = national_plan(n)
    (root / "plan.json").write_text(json.dumps(national, ensure_ascii=False), encoding="utf-8")
    started = time.perf_counter()
    from multiprocessing import Pool

    with Pool(os.cpu_count() or 1) as pool:
        paths = [p for batch in pool.map(_write_group, [(national, g, n, folder)
                                                       for g in range(math.ceil(n / 7))]) for p in batch]
    _to_ods([p for k, p in enumerate(paths) if k % ODS_EVERY == 6 and file_kind(k) != "corrupt"])
    (root / ".complete").write_text(f"{n}\n")
    print(f"  generated {n} files in {time.perf_counter() - started:.0f} s: {folder}", file=sys.stderr)
    return root


def _to_ods(paths: list[Path]) -> None:
    """One soffice call converts them all; the .xlsx originals are removed."""
    if not paths:
        return
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        print("  soffice not found: the set has no .ods files", file=sys.stderr)
        return
    with tempfile.TemporaryDirectory(prefix="lo_bench_scale_") as profile:
        subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless",
                        "--convert-to", "ods", "--outdir", str(paths[0].parent), *map(str, paths)],
                       check=True, capture_output=True, timeout=1800)
    for p in paths:
        if p.with_suffix(".ods").exists():
            p.unlink()


# -- measuring ----------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    wall: float
    rss_mb: float  # peak of the summed PSS of the process tree (MB)
    rc: int


def _tree_pss(root: int) -> int:
    """Proportional resident bytes of `root` and all its descendants, from /proc.

    PSS, not RSS: forked workers share the parent's pages, and summing RSS would
    count those pages once per process.
    """
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                ppid = int(f.read().rsplit(b")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry.name))
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += _pss(pid)
        stack += children.get(pid, [])
    return total


def _pss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as f:
            for line in f:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def measure(cmd: list[str], env: dict | None = None) -> Run:
    """Wall time and peak tree RSS of one subprocess (its output is discarded)."""
    peak = [0]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=REPO,
                            env={**os.environ, "PYTHONPATH": str(REPO), **(env or {})})
    done = threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], _tree_pss(proc.pid))
            done.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    done.set()
    sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"{cmd} ended with {proc.returncode}:\n{err[-2000:]}")
    # ru_maxrss (KiB) of the biggest single process, in case sampling missed a short peak.
    return Run(wall, max(peak[0] / 2**20, usage.ru_maxrss / 1024), proc.returncode)


def best(cmd: list[str], repeat: int) -> Run:
    runs = [measure(cmd) for _ in range(repeat)]
    return min(runs, key=lambda r: r.wall)


def run_set(n: int, root: Path, repeat: int, skip_baseline: bool, jobs: int | None) -> dict:
    files = sorted((root / "files").iterdir())
    out = Path(tempfile.gettempdir()) / f"bench_scale_{n}.xlsx"
    me = [sys.executable, str(Path(__file__).resolve())]
    tool = TOOL + ["consolidate", str(root / "files"), "--period", PERIOD, "-o", str(out),
                   "--plan", str(root / "plan.json")] + (["--jobs", str(jobs)] if jobs else [])
    rows = {
        "floor": best(me + ["_floor", str(root / "files")], repeat),
        "tool": best(tool, repeat),
    }
    if not skip_baseline:
        rows["baseline"] = best(me + ["_baseline", str(root / "files"), str(out.with_suffix(".base.xlsx"))],
                                1 if n > 500 else repeat)
    return {"n": len(files), "runs": rows}


# -- the baseline and the floor (run as subprocesses of this script) -----------

SHEETS = ["Титул", "Мероприятия", "Показатели", "Специальности"]


def baseline(folder: Path, out: Path) -> None:
    """What a competent analyst would write first: pandas all the way."""
    import pandas as pd

    frames = []
    for path in sorted(folder.iterdir()):
        engine = "odf" if path.suffix == ".ods" else "openpyxl"
        try:
            sheets = pd.read_excel(path, sheet_name=SHEETS, header=None, engine=engine)
        except Exception:  # noqa: BLE001 - a corrupt file is skipped, as a script would
            continue
        title = sheets["Титул"]
        org = title.loc[title[0].astype(str).str.startswith("Организация"), 1]
        for name in ("Мероприятия", "Показатели"):
            df = sheets[name]
            head = df.index[df[0].astype(str).str.strip() == "Код"][0]
            df = df.iloc[head + 1:].set_axis(df.iloc[head].astype(str), axis=1)
            measures = [c for c in df.columns if c.startswith(("План ", "Факт "))]
            long = df.melt(id_vars=["Код"], value_vars=measures, var_name="column", value_name="value")
            text = long["value"].astype(str).str.replace("\u00a0", "").str.replace(",", ".")
            long["value"] = pd.to_numeric(text, errors="coerce")
            long["organisation"] = org.iloc[0] if len(org) else ""
            frames.append(long.dropna(subset=["value"]))
    data = pd.concat(frames, ignore_index=True)
    totals = data.groupby(["Код", "column"])["value"].sum().unstack()
    totals.to_excel(out)


def floor(folder: Path) -> None:
    from python_calamine import CalamineWorkbook

    cells = 0
    for path in sorted(folder.iterdir()):
        try:
            book = CalamineWorkbook.from_path(str(path))
            for name in SHEETS:
                cells += sum(map(len, book.get_sheet_by_name(name).to_python(skip_empty_area=False)))
        except Exception:  # noqa: BLE001 - the corrupt file
            continue
    print(cells)


# -- the table ----------------------------------------------------------------


def startup_figures(repeat: int) -> dict[str, Run]:
    example = REPO / "examples" / "2026-10"
    out = Path(tempfile.gettempdir()) / "bench_scale_example.xlsx"
    return {
        "cluster-xl --help": best(TOOL + ["--help"], max(repeat, 5)),
        "example (7 files)": best(TOOL + ["consolidate", str(example), "--period", PERIOD,
                                          "-o", str(out)], max(repeat, 3)),
    }


def table(results: list[dict], extra: dict[str, Run]) -> str:
    lines = [
        "|      N | run                         | wall, s | ms/file | peak RSS, MB | × baseline | × floor |",
        "|-------:|-----------------------------|--------:|--------:|-------------:|-----------:|--------:|",
    ]
    names = {"baseline": "baseline (pandas+openpyxl)", "floor": "floor (raw calamine)",
             "tool": "cluster-xl consolidate"}
    for res in results:
        n, runs = res["n"], res["runs"]
        base, flo = runs.get("baseline"), runs["floor"]
        for key in ("baseline", "floor", "tool"):
            r = runs.get(key)
            if r is None:
                continue
            vs_base = f"{base.wall / r.wall:.1f}× faster" if base and key == "tool" else ""
            vs_floor = f"{r.wall / flo.wall:.2f}×" if key != "floor" else ""
            lines.append(f"| {n:6d} | {names[key]:27s} | {r.wall:7.2f} | {1000 * r.wall / n:7.2f} | "
                         f"{r.rss_mb:12.0f} | {vs_base:>10s} | {vs_floor:>7s} |")
    for name, r in extra.items():
        lines.append(f"|        | {name:27s} | {r.wall:7.2f} |         | {r.rss_mb:12.0f} |            |         |")
    return "\n".join(lines)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="7,200,2000", help="comma-separated N (default 7,200,2000)")
    parser.add_argument("--repeat", type=int, default=1, help="best of R runs for each figure")
    parser.add_argument("--jobs", type=int, default=None, help="pass --jobs to cluster-xl")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "cluster_xl_bench")
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument("--generate-only", action="store_true")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(REPO))
    sizes = [int(s) for s in args.sizes.split(",")]
    roots = {n: generate(n, args.cache) for n in sizes}
    if args.generate_only:
        return
    print(f"cores: {os.cpu_count()}; load average before: {os.getloadavg()[0]:.2f}", file=sys.stderr)
    results = []
    for n in sizes:
        results.append(run_set(n, roots[n], args.repeat, args.skip_baseline, args.jobs))
        print(f"  N={n} done", file=sys.stderr)
    print(table(results, startup_figures(args.repeat)))
    print(f"\nload average after: {os.getloadavg()[0]:.2f}. Peak RSS: the process and its workers "
          f"together (PSS, sampled every 20 ms; at least the largest single process's maximum RSS). "
          f"× baseline = baseline wall / this wall; × floor = this wall / floor wall.")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "_baseline":
        baseline(Path(sys.argv[2]), Path(sys.argv[3]))
    elif len(sys.argv) > 1 and sys.argv[1] == "_floor":
        floor(Path(sys.argv[2]))
    else:
        main()
