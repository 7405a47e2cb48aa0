"""Benchmark: 8 reports to PDF with one LibreOffice process vs. one LibreOffice start per report.

    python scripts/bench_pdf.py [N] [ROUNDS]

Baseline: ``soffice --headless --convert-to pdf report.docx`` for each report, one after the
other (what ``nianbao build --pdf`` did before, and what a script around LibreOffice usually
does): ``toolkit.word.pdf.to_pdf`` per report. Ours: ``toolkit.word.pdf.to_pdfs``: every report
in one ``soffice --convert-to pdf`` call, as ``nianbao build FILE... --pdf`` does. Same reports,
same profile, same run; the median of ROUNDS timings each; the ratio is what to quote.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchlib import median_time  # noqa: E402

from toolkit.report import Report  # noqa: E402
from toolkit.sample import sample_data  # noqa: E402
from toolkit.word import render_report  # noqa: E402
from toolkit.word.pdf import find_soffice, to_pdf, to_pdfs  # noqa: E402


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 8
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    if not find_soffice():
        print("LibreOffice (soffice) is not installed: nothing to measure")
        return 1
    with tempfile.TemporaryDirectory(prefix="nianbao-bench-pdf-") as tmp:
        folder = Path(tmp)
        docs = []
        for i in range(n):
            report = Report.from_raw({**sample_data(), "meta.unit": f"第{i + 1}街道"}, f"{i}.json", "json")
            path = folder / f"report{i + 1}.docx"
            path.write_bytes(render_report(report))
            docs.append(path)
        to_pdf(docs[0])  # warm up: the profile is created on the first start

        def one_at_a_time() -> None:
            for d in docs:
                to_pdf(d, d.with_suffix(".one.pdf"))

        def together() -> None:
            outcomes = to_pdfs([(d, d.with_suffix(".all.pdf")) for d in docs])
            assert not [o.problem for o in outcomes if o.problem]

        baseline = median_time(one_at_a_time, rounds)
        ours = median_time(together, rounds)
        made = len(list(folder.glob("*.all.pdf")))
    print(f"{n} reports to PDF: one LibreOffice per report {baseline:.2f} s, "
          f"one LibreOffice for all {ours:.2f} s ({made} PDFs), {baseline / ours:.1f}x faster")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
