"""Run the mutation fuzz of tests/fuzzing.py by hand, with a larger budget than the test suite's.

Workbooks, JSON data, zips and e-mails go through read, check and write-back; published reports
(.docx, .html, .mhtml, .txt; tests/docfuzz.py) through import, check of the imported JSON and audit.

    python3 scripts/fuzz.py -n 10000 --workers 2          # figures at the end; failures listed
    python3 scripts/fuzz.py --case 1234 --out /tmp/case    # write one case to look at it
    python3 scripts/fuzz.py -n 5000 --kind doc             # published reports only (import, audit)

The same as ``NIANBAO_FUZZ=10000 python3 -m pytest tests/test_fuzz.py``. Use a temp folder of
your own (TMPDIR): the cases are written there and removed as they go.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import fuzzing  # noqa: E402


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("-n", "--cases", type=int, default=1000)
    p.add_argument("--seed", type=int, default=fuzzing.DEFAULT_SEED)
    p.add_argument("--start", type=int, default=0, help="first case number")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--timeout", type=float, default=30.0, help="seconds a case may take before it is a hang")
    p.add_argument("--case", type=int, help="write this case to --out instead of running")
    p.add_argument("--out", type=Path, default=Path("fuzz-cases"), help="where failing (or --case) cases are written")
    p.add_argument("--json", type=Path, help="write every outcome here")
    p.add_argument("--kind", action="append", default=[], choices=["xlsx", "json", "zip", "eml", "doc"],
                   help="only cases of this kind (doc: published reports), numbered as in a full run")
    args = p.parse_args()
    if args.case is not None:
        print(fuzzing.reproduce(args.seed, args.case, args.out))
        return 0
    report = fuzzing.run(args.cases, seed=args.seed, workers=args.workers, timeout=args.timeout,
                         start=args.start, log=lambda line: print(line, file=sys.stderr, flush=True),
                         kinds=tuple(args.kind))
    print(report.summary())
    if args.json:
        args.json.write_text(json.dumps([o.__dict__ for o in report.outcomes], ensure_ascii=False, indent=1),
                             encoding="utf-8")
    for o in report.failures[:200]:
        path = fuzzing.reproduce(args.seed, o.index, args.out)
        (args.out / f"case{o.index}.traceback.txt").write_text(f"{o.result} {o.step} {o.signature}\n{o.detail}",
                                                                encoding="utf-8")
        print(f"  {o.result} {o.step} {o.signature}: {path}")
    return 1 if report.failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
