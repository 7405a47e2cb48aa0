"""Benchmark: what reading the text against the tables (W5, W8, W10; issue 12) costs.

1. A check of the bundled sample in process, this checkout against a baseline checkout (by default
   commit ca63ae5, the last one before the text reader, in a worktree beside this one), measured in
   the same run: each checkout in its own child process (two ``toolkit`` packages cannot share one),
   alternated, median of medians: all the rules (``check(report)``), the text rules alone, and a
   whole check as ``nianbao check`` does it in process (read the workbook, then the rules). Goal:
   the text rules add at most 20 % to a check, i.e. the baseline's check with this checkout's text
   rules in place of its own (other work since the baseline is not the text rules' cost).
2. Scaling: the text rules on a report whose section 一 holds 1,000 characters against one holding
   10,000 (the same realistic sentences repeated, with last year's report of the same length for
   W8). Goal: at most 10× (the reader is linear in the text).

    git worktree add ../wt-ca63-text ca63ae5      # once
    python scripts/bench_text.py [--baseline ../wt-ca63-text] [-n 7]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from benchlib import median_time  # noqa: E402  (scripts/ is on the path when run)

ROOT = Path(__file__).resolve().parent.parent
GOAL_ADDED, GOAL_SCALING = 1.20, 10.0
# The rules that read the text (those the baseline has, and those issue 12 added).
TEXT_RULES = ("W4", "W5", "W7", "W8", "W10", "W11", "W12")

CHILD = r"""
import json, sys
sys.path.insert(0, sys.argv[1])
sys.path.insert(0, sys.argv[2])  # scripts/ of the measuring checkout: benchlib
from benchlib import median_time
from toolkit.rules import RULE_BY_ID, check
from toolkit.rules.engine import Context, run_rules
from toolkit.workbook.read import read_workbook
book, rounds = sys.argv[3], int(sys.argv[4])
report = read_workbook(book)
check(report)
text_rules = [RULE_BY_ID[r] for r in sys.argv[5].split(",") if r in RULE_BY_ID]
print(json.dumps({"rules": median_time(lambda: check(report), rounds),
                  "text": median_time(lambda: run_rules(text_rules, Context(report)), rounds),
                  "check": median_time(lambda: check(read_workbook(book)), max(5, rounds // 20))}))
"""

SENTENCES = (
    "2022年，县政府办公室共受理政府信息公开申请100件（含上年结转5件），其中自然人申请85件，法人或其他组织申请15件。",
    "已办结92件，结转下年度继续办理8件。",
    "办结的申请中，予以公开40件，占43.5%；部分公开12件；不予公开5件；无法提供24件；不予处理5件；其他处理6件。",
    "全年共发生政府信息公开行政复议5件，其中维持3件、纠正1件、尚未审结1件；行政诉讼5件，其中维持3件、其他结果1件、尚未审结1件。",
    "全县作出行政许可决定1,203件、行政处罚决定56件、行政强制决定4件，均按规定在门户网站公示。",
    "县政府及县政府办公室全年制发行政规范性文件12件，废止3件，现行有效行政规范性文件86件。",
    "修订完善政府信息公开审查办法，规范公开前保密审查，全年审查拟公开信息3,000余条。",
    "将政务公开纳入县级机关绩效考核，开展第三方评估1次，组织全县政务公开培训3场次、培训200余人次。",
    "坚持以公开促落实、以公开强监管、以公开优服务，围绕中心工作做好政策解读和回应关切，持续提升政务公开质量。",
    "优化县政府门户网站政府信息公开专栏，新增重点领域信息公开等栏目，全年发布政策解读52篇。",
)
SECTION_ONE = ("text.overview", "text.proactive", "text.on_request", "text.management", "text.platform",
               "text.oversight")


def text_of(length: int, salt: str) -> str:
    out, i = [], 0
    while sum(map(len, out)) < length:
        out.append(SENTENCES[i % len(SENTENCES)].replace("县政府", f"{salt}县政府", 1))
        i += 1
    return "".join(out)[:length]


def scaling(rounds: int) -> tuple[float, float]:
    sys.path.insert(0, str(ROOT))
    from toolkit.report import Report
    from toolkit.rules import RULE_BY_ID
    from toolkit.rules.engine import Context, run_rules
    from toolkit.sample import sample_data
    rules = [RULE_BY_ID[r] for r in ("W5", "W8", "W10")]

    def contexts(total: int) -> Context:
        each = total // len(SECTION_ONE)
        this = {**sample_data(), **{k: text_of(each, str(i)) for i, k in enumerate(SECTION_ONE)}}
        last = {**sample_data(), **{k: text_of(each, "上年" + str(i)) for i, k in enumerate(SECTION_ONE)}}
        return Context(Report.from_raw(this, "bench", "json"), Report.from_raw(last, "bench", "json"))

    small, large = contexts(1_000), contexts(10_000)
    run_rules(rules, small)
    # alternated, so that both see the same load of a shared machine
    smalls, larges = [], []
    for _ in range(max(5, rounds // 10)):
        smalls.append(median_time(lambda: run_rules(rules, small), 10))
        larges.append(median_time(lambda: run_rules(rules, large), 1))
    return statistics.median(smalls), statistics.median(larges)


def measure(checkout: Path, book: Path, rounds: int) -> dict[str, float]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    out = subprocess.run([sys.executable, "-c", CHILD, str(checkout), str(ROOT / "scripts"), str(book), str(rounds),
                          ",".join(TEXT_RULES)],
                         capture_output=True, text=True, env=env, cwd=str(checkout), check=True)
    return json.loads(out.stdout)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--baseline", type=Path, default=ROOT.parent / "wt-ca63-text",
                    help="a checkout of the baseline commit (default ../wt-ca63-text, commit ca63ae5)")
    ap.add_argument("-n", type=int, default=7, help="alternated runs of each checkout (default 7)")
    ap.add_argument("--rounds", type=int, default=400, help="timed checks in each run (default 400)")
    args = ap.parse_args()
    if not (args.baseline / "toolkit").is_dir():
        raise SystemExit(f"no baseline checkout at {args.baseline}: git worktree add {args.baseline} ca63ae5")

    sys.path.insert(0, str(ROOT))
    from toolkit.api import new_workbook
    from toolkit.sample import sample_data
    with tempfile.TemporaryDirectory(prefix="nianbao-bench-text-") as folder:
        book = new_workbook(Path(folder) / "sample.xlsx", data=sample_data())
        mine: dict[str, list[float]] = {"rules": [], "text": [], "check": []}
        base: dict[str, list[float]] = {"rules": [], "text": [], "check": []}
        for _ in range(args.n):
            for checkout, into in ((ROOT, mine), (args.baseline, base)):
                for name, t in measure(checkout, book, args.rounds).items():
                    into[name].append(t)
    med = {name: (statistics.median(mine[name]), statistics.median(base[name])) for name in mine}
    print(f"sample, in process, median of {args.n} alternated runs ({args.rounds} checks each):")
    for name, what in (("rules", "check(report), all rules"), ("text", "the text rules " + "+".join(TEXT_RULES)),
                       ("check", "read_workbook + check (nianbao check)")):
        m, b = med[name]
        print(f"  {what:<40} this {m * 1e3:8.3f} ms   baseline {b * 1e3:8.3f} ms   ratio {m / b:5.2f}")
    # What the text rules add to a check: this checkout's text rules in place of the baseline's,
    # the rest of the check as the baseline has it (other work since the baseline, in the reader
    # or in other rules, is not the text rules' cost).
    added = med["text"][0] - med["text"][1]
    ratio = (med["rules"][1] + added) / med["rules"][1]
    ok = ratio <= GOAL_ADDED
    print(f"text rules add {added * 1e6:+.0f} µs to a check of {med['rules'][1] * 1e6:.0f} µs (rules alone): "
          f"ratio {ratio:.2f}  {'OK' if ok else 'MISSED'} (goal {GOAL_ADDED}); "
          f"to a whole check (read + rules): {(med['check'][1] + added) / med['check'][1]:.2f}")
    t_small, t_large = scaling(args.rounds)
    ratio = t_large / t_small
    ok &= ratio <= GOAL_SCALING
    print(f"text rules W5+W8+W10, section 一 of 1,000 characters {t_small * 1e3:7.3f} ms, of 10,000 "
          f"{t_large * 1e3:7.3f} ms: ratio {ratio:.1f}  {'OK' if ratio <= GOAL_SCALING else 'MISSED'} "
          f"(goal {GOAL_SCALING:.0f})")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
