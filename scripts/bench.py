"""Benchmark: one ``nianbao check`` of a filled workbook against openpyxl merely loading it.

Prints the ratio  time(nianbao check FILE) / time(python -c "import openpyxl;
openpyxl.load_workbook(FILE)")  on the same file, both measured in this run as subprocesses
(median of N runs, interleaved so that both see the same machine load), then in-process times of
the reader and the rules. The goal (issue 2) is a ratio of at most 1.5.

    python scripts/bench.py            # 15 runs each
    python scripts/bench.py -n 30 --file my.xlsx
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

from benchlib import median_time  # noqa: E402  (scripts/ is on the path when run)

GOAL = 1.5


def nianbao_command() -> list[str]:
    """The installed console script next to this Python (what a user runs), else -m toolkit.

    A version manager's shim (pyenv) in front of it would add its own start-up time, so the
    script beside sys.executable is preferred to the one on PATH."""
    beside = Path(sys.executable).parent / ("nianbao.exe" if os.name == "nt" else "nianbao")
    if beside.exists():
        return [str(beside)]
    return [sys.executable, "-m", "toolkit"]


def timed(cmd: list[str], expect: set[int]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if proc.returncode not in expect:
        raise SystemExit(f"{' '.join(cmd)} exited {proc.returncode}: {proc.stderr.decode()[-500:]}")
    return elapsed


def in_process(path: Path, runs: int) -> dict[str, float]:
    import openpyxl
    from toolkit.rules import check
    from toolkit.workbook.read import read_workbook

    def best(fn) -> float:
        return median_time(fn, runs)

    report = read_workbook(path)
    return {"read_workbook": best(lambda: read_workbook(path)),
            "check (rules)": best(lambda: check(report)),
            "openpyxl.load_workbook": best(lambda: openpyxl.load_workbook(path))}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", type=int, default=15, help="runs of each command (default 15)")
    ap.add_argument("--file", type=Path, help="a filled workbook (default: the bundled sample)")
    args = ap.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="nianbao-bench-"))
    try:
        if args.file:
            path = folder / args.file.name
            shutil.copy(args.file, path)
        else:
            from toolkit.api import new_workbook
            from toolkit.sample import sample_data
            path = new_workbook(folder / "sample.xlsx", data=sample_data())
        check_cmd = [*nianbao_command(), "check", "--no-write-back", str(path)]
        load_cmd = [sys.executable, "-c", f"import openpyxl; openpyxl.load_workbook({str(path)!r})"]
        for cmd, ok in ((check_cmd, {0, 1}), (load_cmd, {0})):  # warm the file cache
            timed(cmd, ok)
        checks, loads = [], []
        for _ in range(args.n):
            checks.append(timed(check_cmd, {0, 1}))
            loads.append(timed(load_cmd, {0}))
        check_t, load_t = statistics.median(checks), statistics.median(loads)
        ratio = check_t / load_t
        print(f"file: {path.name} ({path.stat().st_size} bytes), {args.n} runs each, median")
        print(f"  nianbao check          {check_t * 1000:7.1f} ms   ({' '.join(nianbao_command())})")
        print(f"  openpyxl load (python) {load_t * 1000:7.1f} ms")
        print(f"  python -c pass         {statistics.median(timed([sys.executable, '-c', 'pass'], {0}) for _ in range(5)) * 1000:7.1f} ms")
        print("in process, median:")
        for name, t in in_process(path, max(5, args.n // 2)).items():
            print(f"  {name:<22} {t * 1000:7.1f} ms")
        verdict = "OK" if ratio <= GOAL else f"MISSED (goal {GOAL})"
        print(f"ratio check / openpyxl load = {ratio:.2f}  {verdict}")
        return 0 if ratio <= GOAL else 1
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
