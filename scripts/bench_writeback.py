"""Write-back speed against a baseline measured in the same run: openpyxl load + save of the same
workbook (what a write-back through openpyxl would cost at least, before losing shapes, images
and cached values).

    python scripts/bench_writeback.py [--rounds N]

Prints median times and the ratio write-back / openpyxl; the check itself (reading and rules) is
timed separately, since ``nianbao check`` and ``collect`` pay it with or without write-back.
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from toolkit import spec  # noqa: E402
from toolkit.api import check_file  # noqa: E402
from benchlib import median_time  # noqa: E402
from toolkit.sample import sample_data  # noqa: E402
from toolkit.workbook.build import build_workbook  # noqa: E402
from toolkit.writeback import render_workbook_bytes, write_back  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=15)
    args = ap.parse_args()
    import openpyxl

    data = {k: v for k, v in sample_data().items() if k not in spec.COMPUTED_KEYS}
    data["t2.rules.issued"] = "/"
    data["t3.new.natural"] = (data.get("t3.new.natural") or 0) + 7
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.xlsx"
        content = build_workbook(data)
        path.write_bytes(content)
        result = check_file(path)

        def openpyxl_round_trip() -> None:
            wb = openpyxl.load_workbook(io.BytesIO(content))
            wb.save(io.BytesIO())

        def render() -> None:
            render_workbook_bytes(content, result)

        def full_write_back() -> None:
            path.write_bytes(content)
            outcome = write_back(path, result)
            assert outcome.ok, outcome.message()

        def check() -> None:
            check_file(path)

        base = median_time(openpyxl_round_trip, args.rounds)
        rend = median_time(render, args.rounds)
        full = median_time(full_write_back, args.rounds)
        chk = median_time(check, args.rounds)
    print(f"workbook: {len(content) // 1024} KB, {len(result.findings)} findings, {args.rounds} rounds (medians)")
    print(f"openpyxl load + save (baseline): {base * 1000:7.1f} ms")
    print(f"write-back, bytes in memory   : {rend * 1000:7.1f} ms   ratio {rend / base:.2f}")
    print(f"write-back to disk (+backup)  : {full * 1000:7.1f} ms   ratio {full / base:.2f}")
    print(f"check (read + rules), for scale: {chk * 1000:7.1f} ms")


if __name__ == "__main__":
    main()
