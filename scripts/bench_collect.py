#!/usr/bin/env python3
"""Benchmark: ``nianbao collect`` against the naive path a district would script.

Generates N filled workbooks (a third with errors, so returns are written) once into a temporary
folder, then measures in the same run, on the same files:

  naive    for each workbook: openpyxl load_workbook, read every defined name, check with our
           rules, save the returned copy with openpyxl (one process, as such a script runs);
  collect  ``python -m toolkit collect`` as a subprocess, start-up included (all its outputs:
           status list, summary, returns with e-mail drafts, findings.json).

Prints workbooks per second for both, the ratio, the projected time for 10,000 workbooks and the
peak memory of collect's workers (at their first file and at the end, to show it stays flat).

    python scripts/bench_collect.py                # 1,000 workbooks
    python scripts/bench_collect.py -n 10000 --naive-sample 1000
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from toolkit.collect.samplebatch import SEEDED_ERRORS, UNIT_PLACEHOLDER, problems_text, random_values, unit_copy  # noqa: E402,I001


PROBLEMS_PLACEHOLDER = "第五部分占位符QZW"


def generate(folder: Path, n: int, seed: int = 7) -> int:
    """n workbooks of distinct units, each with its own numbers and its own section 五, every
    third with one seeded error. A few workbooks are built (~30 ms each), one per kind of error;
    each unit's copy of its kind gets its unit name, its numbers (with the totals to match) and
    its text (~3 ms). As in a real batch, a few units send what another sent: every 150th (from
    the 72nd) the same tables as the unit before it, every 150th (from the 123rd) the same 五."""
    from toolkit.workbook.build import build_workbook

    def values(rng: random.Random, error: str | None) -> dict[str, object]:
        v = random_values(rng, UNIT_PLACEHOLDER, 2024, error=error)
        if v["text.problems"] is not None:
            v["text.problems"] = PROBLEMS_PLACEHOLDER
        return v

    bases = {e: build_workbook(values(random.Random(f"{seed}/{e}"), e)) for e in (None, *SEEDED_ERRORS)}
    folder.mkdir(parents=True, exist_ok=True)
    errors = 0
    last: tuple[dict[str, object], str] | None = None
    for i in range(n):
        error = SEEDED_ERRORS[(i // 3) % len(SEEDED_ERRORS)] if i % 3 == 0 else None
        errors += error is not None
        rng = random.Random(f"{seed}/{i}")
        numbers, text = values(rng, error), problems_text(rng, 2024)
        if last is not None and i % 150 == 71:  # the unit before it is a good one too (i % 3 == 1)
            numbers = last[0]
        if last is not None and i % 150 == 122:
            text = last[1]
        (folder / f"年报_{i:05d}.xlsx").write_bytes(
            unit_copy(bases[error], f"基准测试单位{i:05d}", numbers, {PROBLEMS_PLACEHOLDER: text}))
        last = numbers, text
    return errors


def naive(files: list[Path], outdir: Path) -> tuple[float, float]:
    """The district's obvious script. Returns (wall seconds, CPU seconds)."""
    import openpyxl
    from toolkit.ooxml.cells import CellPos, split_a1
    from toolkit.report import Report
    from toolkit.rules import check
    from toolkit.values import Formula
    from toolkit.workbook import layout
    outdir.mkdir(parents=True, exist_ok=True)
    names = layout.names()
    started, cpu = time.perf_counter(), time.process_time()
    for path in files:
        wb = openpyxl.load_workbook(path)
        raw, cells = {}, {}
        for name, key in names.items():
            (sheet, ref), = wb.defined_names[name].destinations
            pos = CellPos(sheet, *split_a1(ref))
            value = wb[sheet][pos.a1].value
            if isinstance(value, str) and value.startswith("="):
                value = Formula(value[1:], None)
            raw[key], cells[key] = value, pos
        report = Report.from_raw(raw, str(path), "workbook", cells, layout.formulas())
        result = check(report)
        if not result.passed:
            ws = wb[layout.SHEET_RESULTS]
            for i, f in enumerate(result.findings, start=layout.RESULTS_HEADER_ROW + 2):
                ws.cell(i, 1, f.severity)
                ws.cell(i, 2, f.rule)
                ws.cell(i, 9, f.message)
            wb.save(outdir / path.name)
    return time.perf_counter() - started, time.process_time() - cpu


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_collect(folder: Path, outdir: Path, workers: int | None) -> tuple[float, float, dict]:
    """(wall seconds, CPU seconds of collect and its workers, findings.json)."""
    cmd = [sys.executable, "-m", "toolkit", "collect", str(folder), "-o", str(outdir), "--unit", "基准区"]
    if workers:
        cmd += ["--workers", str(workers)]
    started, cpu = time.perf_counter(), _children_cpu()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    seconds, cpu = time.perf_counter() - started, _children_cpu() - cpu
    if proc.returncode not in (0, 1):
        sys.exit(f"collect failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    stats = json.loads((outdir / "findings.json").read_text(encoding="utf-8"))
    stats["last_line"] = proc.stdout.strip().splitlines()[-1]
    return seconds, cpu, stats


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=1000, help="workbooks in the batch (default 1000)")
    ap.add_argument("--naive-sample", type=int, default=None,
                    help="time the naive path on the first M workbooks only (default: all, up to 2000)")
    ap.add_argument("--workers", type=int, default=None, help="collect --workers (default: cores)")
    ap.add_argument("--keep", action="store_true", help="keep the generated folder")
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="bench_collect_"))
    try:
        t = time.perf_counter()
        errors = generate(tmp / "in", args.n)
        print(f"generated {args.n} workbooks ({errors} with errors) in {time.perf_counter() - t:.1f} s")
        files = sorted((tmp / "in").glob("*.xlsx"))

        sample = args.naive_sample or min(len(files), 2000)
        naive_s, naive_cpu = naive(files[:sample], tmp / "naive_out")
        naive_rate = sample / naive_s
        print(f"naive (openpyxl load + check + save): {sample} workbooks in {naive_s:.1f} s"
              f" = {naive_rate:.1f} workbooks/s ({1000 * naive_s / sample:.1f} ms each;"
              f" CPU {1000 * naive_cpu / sample:.1f} ms each)")

        collect_s, collect_cpu, stats = run_collect(tmp / "in", tmp / "collect_out", args.workers)
        rate = args.n / collect_s
        print(f"nianbao collect (start-up included): {args.n} workbooks in {collect_s:.1f} s"
              f" = {rate:.1f} workbooks/s ({1000 * collect_s / args.n:.2f} ms each;"
              f" CPU {1000 * collect_cpu / args.n:.2f} ms each over all processes)")
        print(f"  {stats['last_line']}")
        print(f"ratio: {rate / naive_rate:.1f}x the naive path's throughput (goal >= 10x); "
              f"CPU per workbook {naive_cpu / sample / (collect_cpu / args.n):.1f}x less"
              f" (load average now {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
        print(f"10,000 workbooks at this rate: about {10000 / rate:.0f} s (goal < 60 s)")
        print(f"collect worker memory: peak RSS {stats['worker_peak_rss_mib']} MiB, "
              f"after its first file {stats['worker_first_rss_mib']} MiB (goal: flat, < 100 MiB)")
        children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"largest process of the run (main or worker): {children:.0f} MiB")
    finally:
        if args.keep:
            print(f"kept: {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
