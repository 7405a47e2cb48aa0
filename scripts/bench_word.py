"""Benchmark: rendering many reports with docxtpl as documented vs. the prepared template.

    python scripts/bench_word.py [N]

Baseline: ``DocxTemplate(path).render(context, env)`` + save for each report (docxtpl reloads,
cleans and compiles the template every time). Ours: ``toolkit.word.render_report`` (template
prepared once per process). Both render the same context to bytes in the same run; the ratio is
what to quote.
"""

from __future__ import annotations

import io
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from docxtpl import DocxTemplate  # noqa: E402

from toolkit.report import Report  # noqa: E402
from toolkit.sample import sample_data  # noqa: E402
from toolkit.word import render_report  # noqa: E402
from toolkit.word.context import make_context  # noqa: E402
from toolkit.word.render import PACKAGED_TEMPLATE, _environment  # noqa: E402


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    reports = [Report.from_raw({**sample_data(), "meta.unit": f"单位{i}"}, f"{i}.json", "json")
               for i in range(n)]
    render_report(reports[0])  # warm up imports and the prepared template (once per process)

    t0 = time.perf_counter()
    for report in reports:
        tpl = DocxTemplate(PACKAGED_TEMPLATE)
        tpl.render(make_context(report), _environment())
        tpl.save(io.BytesIO())
    baseline = time.perf_counter() - t0

    t0 = time.perf_counter()
    for report in reports:
        render_report(report)
    ours = time.perf_counter() - t0

    print(f"{n} reports: docxtpl per report {baseline / n * 1000:.1f} ms, "
          f"prepared template {ours / n * 1000:.1f} ms, {baseline / ours:.1f}x faster")


if __name__ == "__main__":
    main()
