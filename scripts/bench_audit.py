#!/usr/bin/env python3
"""Benchmark: ``nianbao audit`` of published reports against the naive script a reviewer would write.

Makes DISTINCT reports of different units (random tables, the sample's texts), builds each as
Word, converts them to PDF once (one LibreOffice run) and writes their web pages (our own
``build --html`` pages and LibreOffice's HTML export, half each); then copies them to N PDF
and N HTML files. Measured in the same run, on the same files:

  naive  one process: per PDF, pdfplumber.open and extract_text + extract_tables on every page;
         per page, pandas.read_html (needs pandas + lxml: ``pip install pandas``, only for this
         baseline; nianbao itself does not use pandas). It only extracts: it does not even check.
         Timed on a sample (--naive-sample) of each kind, as a rate per file.
  audit  ``python -m toolkit audit`` as a subprocess, start-up included, all outputs written
         (审核结果.xlsx, findings.json, 数据/), with --workers (default 2, the goal's machine).

Goals (issue 13): at least 5x the naive rate, and at least 10 PDF reports per second on 2 cores.

    python scripts/bench_audit.py                 # 500 PDF + 500 HTML
    python scripts/bench_audit.py -n 100 --naive-sample 20
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def make_sources(folder: Path, distinct: int, seed: int = 11) -> tuple[list[Path], list[Path]]:
    """``distinct`` reports as PDF and as web pages (built once)."""
    from toolkit.collect.samplebatch import random_values
    from toolkit.app import build_reports
    from toolkit.sample import sample_data
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "built").mkdir(exist_ok=True)
    texts = {k: v for k, v in sample_data().items() if k.startswith("text.")}
    jsons = []
    for i in range(distinct):
        data = {**random_values(rng, f"基准测试{i:02d}街道", 2024, level="乡镇街道"), **texts}
        path = folder / f"r{i:02d}.json"
        path.write_text(json.dumps({"format": "GOV-AR-2021", **data}, ensure_ascii=False), encoding="utf-8")
        jsons.append(path)
    run = build_reports(jsons, folder / "built", html=True, pdf=True, force=True)
    pdfs = [b.pdf for b in run.items if b.pdf]
    pages = [b.html for b in run.items if b.html]
    if len(pdfs) != distinct:
        raise SystemExit("LibreOffice did not convert every report to PDF: " +
                         "; ".join(b.refused or "；".join(b.problems) for b in run.items if not b.pdf))
    # LibreOffice's own HTML export of the same Word files, for the other half of the pages
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    lo_pages: list[Path] = []
    if soffice:
        out = folder / "lohtml"
        docs = [b.docx for b in run.items if b.docx]
        subprocess.run([soffice, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless",
                        "--convert-to", "html", "--outdir", str(out), *map(str, docs)],
                       capture_output=True, timeout=600)
        lo_pages = sorted(out.glob("*.html"))
    return pdfs, pages + lo_pages


def spread(sources: list[Path], folder: Path, n: int, suffix: str) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for i in range(n):
        dest = folder / f"报告{i:04d}{suffix}"
        shutil.copyfile(sources[i % len(sources)], dest)
        files.append(dest)
    return files


def naive_pdf(files: list[Path]) -> float:
    import pdfplumber
    t0 = time.perf_counter()
    for f in files:
        with pdfplumber.open(f) as pdf:
            for page in pdf.pages:
                page.extract_text()
                page.extract_tables()
    return time.perf_counter() - t0


def naive_html(files: list[Path]) -> float:
    import pandas
    t0 = time.perf_counter()
    for f in files:
        pandas.read_html(str(f))
    return time.perf_counter() - t0


def run_audit(inputs: list[Path], outdir: Path, workers: int) -> float:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)}
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "toolkit", "audit", *map(str, inputs), "-o", str(outdir),
                           "--workers", str(workers)], capture_output=True, text=True, env=env)
    seconds = time.perf_counter() - t0
    if proc.returncode not in (0, 1):
        raise SystemExit(f"audit failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return seconds


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=500, help="PDF reports, and as many web pages (default 500)")
    ap.add_argument("--distinct", type=int, default=10, help="different reports behind the copies (default 10)")
    ap.add_argument("--naive-sample", type=int, default=40, help="files of each kind the naive script reads")
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="nianbao-bench-audit-"))
    try:
        print(f"准备：{args.distinct} 份不同的报告 → PDF 和网页（LibreOffice 转换一次）……", flush=True)
        pdf_src, html_src = make_sources(tmp / "src", args.distinct)
        pdfs = spread(pdf_src, tmp / "pdf", args.n, ".pdf")
        pages = spread(html_src, tmp / "html", args.n, ".html")

        k = min(args.naive_sample, args.n)
        naive_pdf_rate = k / naive_pdf(pdfs[:k])
        naive_html_rate = k / naive_html(pages[:k])
        naive_rate = 2 / (1 / naive_pdf_rate + 1 / naive_html_rate)  # files/s over an even mix

        pdf_seconds = run_audit([tmp / "pdf"], tmp / "out-pdf", args.workers)
        html_seconds = run_audit([tmp / "html"], tmp / "out-html", args.workers)
        both_seconds = run_audit([tmp / "pdf", tmp / "html"], tmp / "out-both", args.workers)
        pdf_rate, html_rate = args.n / pdf_seconds, args.n / html_seconds
        both_rate = 2 * args.n / both_seconds

        print(f"机器：{os.cpu_count()} 核；audit --workers {args.workers}；启动时间计入")
        print(f"朴素脚本（单进程，只提取不校验；各抽 {k} 个文件）：PDF {naive_pdf_rate:.1f} 个/秒，"
              f"网页 {naive_html_rate:.1f} 个/秒，混合 {naive_rate:.1f} 个/秒")
        print(f"audit：{args.n} 个 PDF {pdf_seconds:.1f} 秒（{pdf_rate:.1f} 个/秒，目标 ≥ 10）；"
              f"{args.n} 个网页 {html_seconds:.1f} 秒（{html_rate:.1f} 个/秒）")
        print(f"audit 混合 {2 * args.n} 个：{both_seconds:.1f} 秒，{both_rate:.1f} 个/秒 = 朴素脚本的 "
              f"{both_rate / naive_rate:.1f} 倍（目标 ≥ 5）；PDF {pdf_rate / naive_pdf_rate:.1f} 倍，"
              f"网页 {html_rate / naive_html_rate:.1f} 倍")
        ok = both_rate >= 5 * naive_rate and pdf_rate >= 10
        print("达到目标" if ok else "未达到目标")
        return 0 if ok else 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
