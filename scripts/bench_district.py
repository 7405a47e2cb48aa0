#!/usr/bin/env python3
"""Benchmark (issue 14): ``collect`` with a roster against commit ca63ae5's collect without one.

Generates N filled workbooks (as bench_collect.py) and a roster of N lines naming them (every
tenth written with a region prefix in the workbook, so the normalised matching is exercised, and
a few roster units that sent nothing, so reminders are written), then measures in the same run:

  baseline  ``python -m toolkit collect`` of commit ca63ae5 (a temporary git worktree), no roster;
  roster    ``python -m toolkit collect --roster`` of this checkout, same workbooks.

The two are run alternately (``--repeat`` pairs, the first of each pair alternating), since the
machine's load changes over minutes; each pair gives a ratio, and the median ratio is reported
with the median rates. The CPU time of each command with its workers is reported too: on a
shared machine it is the steadier measure of the work each version does. Prints workbooks per
second for both and the ratio (the issue asks for at least 0.9).

    python scripts/bench_district.py            # 1,000 workbooks, 1,000-line roster, 3 pairs
    python scripts/bench_district.py -n 200 --repeat 5
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from bench_collect import generate  # noqa: E402

BASELINE = "ca63ae5"
REGION = "基准区"


def _children_cpu() -> float:
    """CPU seconds of the finished child processes (and theirs), 0 where the OS does not say (Windows)."""
    try:
        import resource
    except ImportError:
        return 0.0
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(code_root: Path, folder: Path, outdir: Path, extra: list[str], workers: int | None) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the command and its worker processes)."""
    cmd = [sys.executable, "-m", "toolkit", "collect", str(folder), "-o", str(outdir),
           "--unit", f"{REGION}人民政府办公室", *extra]
    if workers:
        cmd += ["--workers", str(workers)]
    env = {**os.environ, "PYTHONPATH": str(code_root)}
    before = _children_cpu()
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=code_root, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    cpu = _children_cpu() - before
    if proc.returncode not in (0, 1):
        sys.exit(f"collect failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return seconds, cpu


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=1000)
    ap.add_argument("--workers", type=int)
    ap.add_argument("--repeat", type=int, default=3, help="pairs of runs (default 3)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench_district_") as tmp_name:
        tmp = Path(tmp_name)
        generate(tmp / "in", args.n)
        lines = ["单位名称,邮箱,级别,联系人"]
        for i in range(args.n):
            name = f"基准测试单位{i:05d}"
            # the workbooks name the units without the region; every tenth roster line adds it
            lines.append(f"{REGION + name if i % 10 == 0 else name},u{i}@example.gov.cn,部门,")
        for i in range(args.n // 50):  # units that sent nothing: reminders
            lines.append(f"未报送单位{i:04d},m{i}@example.gov.cn,部门,")
        (tmp / "名单.csv").write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
        base_root = tmp / "baseline"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(base_root), BASELINE],
                       check=True)
        setups = {"baseline": (base_root, tmp / "out_base", []),
                  "roster": (ROOT, tmp / "out_roster", ["--roster", str(tmp / "名单.csv")])}
        times: dict[str, list[float]] = {name: [] for name in setups}
        cpus: dict[str, list[float]] = {name: [] for name in setups}
        try:
            for i in range(args.repeat):
                for name in (("baseline", "roster") if i % 2 == 0 else ("roster", "baseline")):
                    code_root, outdir, extra = setups[name]
                    shutil.rmtree(outdir, ignore_errors=True)
                    wall, cpu = run(code_root, tmp / "in", outdir, extra, args.workers)
                    times[name].append(wall)
                    cpus[name].append(cpu)
                print(f"第{i + 1}对：baseline {times['baseline'][-1]:.1f} 秒（CPU {cpus['baseline'][-1]:.1f}），"
                      f"--roster {times['roster'][-1]:.1f} 秒（CPU {cpus['roster'][-1]:.1f}），"
                      f"比值 {times['baseline'][-1] / times['roster'][-1]:.2f}", flush=True)
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(base_root)], check=False)
    base_times, roster_times = times["baseline"], times["roster"]
    base_s, roster_s = statistics.median(base_times), statistics.median(roster_times)
    ratio = statistics.median(b / r for b, r in zip(base_times, roster_times, strict=True))
    print(f"{args.n} 个工作簿，名单 {len(lines) - 1} 行，{args.repeat} 对交替运行（中位数）")
    print(f"baseline ({BASELINE}, 无名单)：{base_s:.1f} 秒，{args.n / base_s:.1f} 个/秒")
    print(f"本版本（--roster）：{roster_s:.1f} 秒，{args.n / roster_s:.1f} 个/秒")
    print(f"比值：{ratio:.2f}（各对比值的中位数；要求 ≥ 0.90）")
    cpu_ratios = [b / r for b, r in zip(cpus["baseline"], cpus["roster"], strict=True) if r]
    cpu_ratio = statistics.median(cpu_ratios) if cpu_ratios else float("nan")
    print(f"CPU 时间比值：{cpu_ratio:.2f}（baseline CPU 秒 / 本版本 CPU 秒，各对中位数：不受机器上其他进程影响）")


if __name__ == "__main__":
    main()
