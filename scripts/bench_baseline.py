#!/usr/bin/env python3
"""Benchmark: every workload of ``scripts/`` that version 0.1 (commit ca63ae5) also has, this checkout
against that one, measured in the same run. Goal (issue 9): each keeps at least 0.9 of the baseline's rate.

Each side runs its own code: ``python -m toolkit …`` (or, for the in-process workloads, a small child
``python -c``) with PYTHONPATH and the working folder set to its own checkout, never the installed
``nianbao``. Both sides get the same input files (generated once by this checkout; 0.1 reads them too),
and run with cached bytecode, as a user's installation has it: PYTHONDONTWRITEBYTECODE is removed,
PYTHONPYCACHEPREFIX points both at one cache folder outside the checkouts (so the baseline checkout is
not written to), ``compileall`` fills it before anything is timed, and one untimed run of each workload
warms it and the file cache.

The machine may be shared: every workload alternates the two sides run by run (the order flipped
every other run), so both see the same load, and the median of the runs is what counts.

Workloads (the script of ``scripts/`` whose work each one is in brackets):

  check              ``nianbao check --no-write-back`` of the sample workbook, start-up included [bench.py]
  check+write-back   ``nianbao check`` of a workbook with errors, results written back (a fresh copy
                     each run; backup folder included) [bench.py, bench_writeback.py]
  write-back         in process: ``write_back(path, result)`` to disk, backup included [bench_writeback.py]
  write-back bytes   in process: ``render_workbook_bytes`` in memory [bench_writeback.py]
  rules              in process: ``check(report)`` of the sample, all rules [bench_text.py]
  read+rules         in process: ``check(read_workbook(path))`` [bench.py in process, bench_text.py]
  word               in process: ``render_report`` of one report, template prepared [bench_word.py]
  build              ``nianbao build`` of the sample workbook to a new .docx, start-up included [bench_word.py]
  collect            ``nianbao collect`` of N workbooks (a third with errors, so returns are written),
                     start-up included [bench_collect.py; bench_district.py measures --roster itself]

Not here, since 0.1 has no such workload: bench_pdf.py (several reports through one LibreOffice),
bench_audit.py (published PDFs and web pages), the text rules' own budget (bench_text.py, issue 12).

    python scripts/bench_baseline.py                       # against ../wt-ca63 (git worktree add ../wt-ca63 ca63ae5)
    python scripts/bench_baseline.py --baseline ../old -n 15 --collect 500
    python scripts/bench_baseline.py --only check,collect

Prints one line per workload: baseline rate, this checkout's rate, ratio, pass (>= 0.9; exit code 1 if any
is below), and the ratio of CPU time (baseline / ours: user + system time of the child processes, or the
median CPU time of one operation in process), which moves less than wall time when the machine is loaded.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL = 0.9

# In-process workloads run in a child of each checkout: prints the median seconds of one operation.
CHILD = r"""
import json, statistics, sys, time
from pathlib import Path
work, book, bad, rounds = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4])

def median(fn):
    fn()
    walls, cpus = [], []
    for _ in range(rounds):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    return statistics.median(walls), statistics.median(cpus)

if work in ("write-back", "write-back bytes"):
    from toolkit.api import check_file
    from toolkit.writeback import render_workbook_bytes, write_back
    content = bad.read_bytes()
    target = Path(sys.argv[5]) / bad.name
    target.write_bytes(content)
    result = check_file(target)
    def full():
        target.write_bytes(content)
        assert write_back(target, result).ok
    fn = full if work == "write-back" else (lambda: render_workbook_bytes(content, result))
elif work in ("rules", "read+rules"):
    from toolkit.rules import check
    from toolkit.workbook.read import read_workbook
    report = read_workbook(book)
    fn = (lambda: check(report)) if work == "rules" else (lambda: check(read_workbook(book)))
elif work == "word":
    from toolkit.report import Report
    from toolkit.sample import sample_data
    from toolkit.word import render_report
    report = Report.from_raw({**sample_data(), "meta.unit": "单位1"}, "1.json", "json")
    fn = lambda: render_report(report)
print(json.dumps(median(fn)))
"""


@dataclass
class Side:
    name: str
    root: Path
    env: dict[str, str]
    times: dict[str, list[float]] = field(default_factory=dict)  # wall seconds of each run
    cpu: dict[str, list[float]] = field(default_factory=dict)  # CPU seconds of each run


@dataclass
class Workload:
    name: str
    unit: str  # what one operation is, for the rate: "runs/s", "workbooks/s" …
    per_run: int  # operations in one timed run (the rate is per_run / seconds)
    runs: int
    timed: Callable[[Side, int], tuple[float, float]]  # (side, run index) -> (wall, CPU) seconds of one run


def side_env(root: Path, pycache: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPATH")}
    return {**env, "PYTHONPATH": str(root), "PYTHONPYCACHEPREFIX": str(pycache)}


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(side: Side, args: list[str], ok: tuple[int, ...] = (0, 1)) -> tuple[tuple[float, float], str]:
    """((wall, CPU) seconds, stdout) of ``python ARGS`` in the side's checkout; CPU counts the
    process and its children (collect's workers)."""
    start, cpu = time.perf_counter(), _children_cpu()
    proc = subprocess.run([sys.executable, *args], cwd=side.root, env=side.env, capture_output=True, text=True)
    seconds = time.perf_counter() - start, _children_cpu() - cpu
    if proc.returncode not in ok:
        sys.exit(f"{side.name}: {' '.join(args[:4])} … exited {proc.returncode}:\n{proc.stdout[-800:]}"
                 f"\n{proc.stderr[-1500:]}")
    return seconds, proc.stdout


def prepare_inputs(folder: Path, collect_n: int) -> dict[str, Path]:
    """The sample workbook, one with errors (as bench_writeback.py makes it) and collect's batch."""
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "scripts"))
    from toolkit import spec
    from toolkit.api import new_workbook
    from toolkit.sample import sample_data
    from toolkit.workbook.build import build_workbook
    folder.mkdir(parents=True)
    book = new_workbook(folder / "sample.xlsx", data=sample_data())
    data = {k: v for k, v in sample_data().items() if k not in spec.COMPUTED_KEYS}
    data["t2.rules.issued"] = "/"
    data["t3.new.natural"] = (data.get("t3.new.natural") or 0) + 7  # type: ignore[operator]
    bad = folder / "errors.xlsx"
    bad.write_bytes(build_workbook(data))
    paths = {"book": book, "bad": bad}
    if collect_n:
        from bench_collect import generate
        generate(folder / "batch", collect_n)
        paths["batch"] = folder / "batch"
    return paths


def workloads(paths: dict[str, Path], scratch: Path, args: argparse.Namespace) -> list[Workload]:
    def check(side: Side, i: int) -> tuple[float, float]:
        return run(side, ["-m", "toolkit", "check", "--no-write-back", str(paths["book"])])[0]

    def check_write_back(side: Side, i: int) -> tuple[float, float]:
        folder = scratch / f"cw-{side.name}-{i}"
        folder.mkdir()
        target = folder / paths["bad"].name
        shutil.copyfile(paths["bad"], target)
        seconds, out = run(side, ["-m", "toolkit", "check", str(target)])
        if not (folder / "nianbao备份").is_dir():  # the write-back must really have happened
            sys.exit(f"{side.name}: check wrote nothing back to {target}:\n{out}")
        shutil.rmtree(folder)
        return seconds

    def build(side: Side, i: int) -> tuple[float, float]:
        out = scratch / f"build-{side.name}-{i}.docx"
        seconds = run(side, ["-m", "toolkit", "build", str(paths["book"]), "-o", str(out)], ok=(0,))[0]
        out.unlink()
        return seconds

    def collect(side: Side, i: int) -> tuple[float, float]:
        out = scratch / f"collect-{side.name}-{i}"
        seconds = run(side, ["-m", "toolkit", "collect", str(paths["batch"]), "-o", str(out), "--unit", "基准区"])[0]
        if not (out / "findings.json").is_file():
            sys.exit(f"{side.name}: collect wrote no findings.json")
        shutil.rmtree(out)
        return seconds

    def in_process(work: str, rounds: int) -> Callable[[Side, int], tuple[float, float]]:
        def timed(side: Side, i: int) -> tuple[float, float]:
            folder = scratch / f"ip-{side.name}-{i}"
            folder.mkdir()
            out = run(side, ["-c", CHILD, work, str(paths["book"]), str(paths["bad"]), str(rounds), str(folder)],
                      ok=(0,))[1]
            shutil.rmtree(folder)
            wall, cpu = json.loads(out)
            return float(wall), float(cpu)
        return timed

    n = args.n
    every = [
        Workload("check", "runs/s", 1, n, check),
        Workload("check+write-back", "runs/s", 1, n, check_write_back),
        Workload("write-back", "workbooks/s", 1, max(5, n // 2), in_process("write-back", 30)),
        Workload("write-back bytes", "workbooks/s", 1, max(5, n // 2), in_process("write-back bytes", 30)),
        Workload("rules", "checks/s", 1, max(5, n // 2), in_process("rules", 300)),
        Workload("read+rules", "checks/s", 1, max(5, n // 2), in_process("read+rules", 60)),
        Workload("word", "reports/s", 1, max(5, n // 2), in_process("word", 20)),
        Workload("build", "runs/s", 1, n, build),  # a start-up workload, as check: n runs
    ]
    if args.collect:
        every.append(Workload("collect", "workbooks/s", args.collect, args.collect_runs, collect))
    if args.only:
        wanted = set(args.only.split(","))
        unknown = wanted - {w.name for w in every}
        if unknown:
            sys.exit(f"unknown workload(s): {', '.join(sorted(unknown))}")
        every = [w for w in every if w.name in wanted]
    return every


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 epilog="See the module docstring for what each workload measures.")
    ap.add_argument("--baseline", type=Path, default=ROOT.parent / "wt-ca63",
                    help="a checkout of the baseline commit (default ../wt-ca63, commit ca63ae5)")
    ap.add_argument("-n", type=int, default=15,
                    help="runs of each side for the start-up workloads (check, check+write-back, build; "
                         "default 15; the in-process ones n/2)")
    ap.add_argument("--collect", type=int, default=300, metavar="N",
                    help="workbooks in collect's batch (default 300; 0 leaves collect out)")
    ap.add_argument("--collect-runs", type=int, default=5, help="runs of collect on each side (default 5)")
    ap.add_argument("--only", metavar="NAME,…", help="only these workloads (names as in the table)")
    ap.add_argument("--pycache", type=Path,
                    help="bytecode cache folder for both sides (default: a fresh temporary folder)")
    args = ap.parse_args()
    if not (args.baseline / "toolkit" / "__main__.py").is_file():
        sys.exit(f"no baseline checkout at {args.baseline}: git worktree add {args.baseline} ca63ae5")

    tmp = Path(tempfile.mkdtemp(prefix="nianbao-bench-baseline-"))
    try:
        pycache = args.pycache or tmp / "pycache"
        sides = [Side("baseline", args.baseline.resolve(), side_env(args.baseline.resolve(), pycache)),
                 Side("ours", ROOT, side_env(ROOT, pycache))]
        for side in sides:
            run(side, ["-m", "compileall", "-q", str(side.root / "toolkit")], ok=(0,))
        paths = prepare_inputs(tmp / "in", args.collect)
        scratch = tmp / "scratch"
        scratch.mkdir()
        commit = subprocess.run(["git", "-C", str(args.baseline), "rev-parse", "--short", "HEAD"],
                                capture_output=True, text=True).stdout.strip() or "?"
        print(f"baseline {args.baseline} ({commit}) against this checkout {ROOT}; each side runs its own code "
              f"(python -m toolkit, PYTHONPATH = its checkout), bytecode compiled for both.")
        print("Runs alternate between the sides (so both see the same load of a shared machine); "
              "rates are medians of the runs.\n")
        head = (f"{'workload':<18} {'unit':<12} {'runs':>4} {'baseline':>10} {'ours':>10} {'ratio':>6}  pass"
                f"  {'CPU ratio':>9}")
        print(head)
        print("-" * len(head))
        failed = []
        for work in workloads(paths, scratch, args):
            for side in sides:  # untimed: warms the bytecode cache and the file cache
                work.timed(side, -1)
            for i in range(work.runs):
                for side in (sides if i % 2 == 0 else sides[::-1]):
                    wall, cpu = work.timed(side, i)
                    side.times.setdefault(work.name, []).append(wall)
                    side.cpu.setdefault(work.name, []).append(cpu)
            base, ours = (work.per_run / statistics.median(s.times[work.name]) for s in sides)
            cpu_ratio = statistics.median(sides[0].cpu[work.name]) / statistics.median(sides[1].cpu[work.name])
            ratio = ours / base
            ok = ratio >= GOAL
            if not ok:
                failed.append(work.name)
            print(f"{work.name:<18} {work.unit:<12} {work.runs:>4} {base:>10.2f} {ours:>10.2f} {ratio:>6.2f}  "
                  f"{'yes' if ok else 'NO ':<4} {cpu_ratio:>9.2f}", flush=True)
        print(f"\ngoal: every ratio (ours / baseline rate) >= {GOAL}; load average now "
              f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        if failed:
            print(f"below the goal: {', '.join(failed)}")
        return 1 if failed else 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
