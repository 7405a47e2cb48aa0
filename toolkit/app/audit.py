"""The reviewer's batch (``nianbao audit``): published reports of any kind, checked in bulk.

Gathering (folders, .zip, .eml) and the worker pool are collect's (toolkit.collect.gather and
.batch); what differs is the per-file work (``audit_file``: import any kind of report, check it,
write its data) and the outputs: 审核结果.xlsx (a row per report and every finding with where it
was read), findings.json and OUTDIR/数据/*.json. Across the batch: the same unit and year twice,
and W13 (a text section largely the same as another unit's).
"""

from __future__ import annotations

import io
import os
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .. import spec
from ..collect import batch, load_previous
from ..collect.gather import (
    AUDIT_BOOK,
    AUDIT_DATA,
    FINDINGS_FILE,
    NOT_REPORT,
    REPORT_SUFFIXES,
    gather,
    refuse_if_all_missing,
    safe_name,
    skipped_note,
)
from ..collect.outdir import RunLock, clear_extracted, refuse_if_open
from ..collect.status import (
    Column,
    cell_text,
    finding_columns,
    findings_sheet,
    new_workbook,
    print_setup,
    problems_text,
    put_header,
    put_rows,
    sort_rows,
)
from ..errors import EXIT_ERRORS, EXIT_OK, EXIT_UNUSABLE, OldFormat, UnusableFile
from ..fileio import atomic_write, make_folder, os_reason
from ..importers import SUFFIXES as DOCUMENT_SUFFIXES
from ..importers import kind_of
from ..log import Logger
from ..previous import PreviousYear, refuse_missing, unit_key, unmatched_note
from ..rules import check
from ..rules.copies import copy_finding, find_copies
from ..rules.engine import FAILED as ERRORS
from ..rules.engine import PARTLY_CHECKED, PASSED, TABLES_UNCHECKED, VERDICT_CODE, Finding
from ..safetext import json_text
from .importing import data_text, read_any

log = Logger(__name__)

BOOK_FILE, DATA_DIR = AUDIT_BOOK, AUDIT_DATA  # with FINDINGS_FILE: gather knows them, never re-read as reports
WARNINGS, UNREADABLE, OLD = "有提示", "无法读取", "旧格式"
OTHER = "其他文件"  # found in a folder, not a report of any kind (a note, a picture): listed, not read
# (未能审核表格 / 部分审核: read, but not all of its tables' numbers: the check's verdict, CheckResult.verdict)
STATUS_ORDER = (ERRORS, UNREADABLE, OLD, TABLES_UNCHECKED, PARTLY_CHECKED, WARNINGS, PASSED, OTHER)
STATUS_CODE = {**VERDICT_CODE, WARNINGS: "warnings", UNREADABLE: "unreadable", OLD: "old_format",
               OTHER: "other_file"}
NOT_PASSED = (ERRORS, UNREADABLE, OLD, TABLES_UNCHECKED, PARTLY_CHECKED)  # exit code 1
AUDIT_SUFFIXES = tuple(dict.fromkeys((*DOCUMENT_SUFFIXES, *REPORT_SUFFIXES)))


@dataclass
class AuditResult(batch.FindingCounts):
    """One report's outcome, as a worker sends it back."""

    index: int
    path: str
    origin: str
    kind: str = ""
    status: str = UNREADABLE
    reason: str = ""
    unit: str | None = None
    year: int | None = None
    findings: tuple[Finding, ...] = ()
    notes: tuple[str, ...] = ()
    data_file: str = ""
    texts: dict[str, str] = field(default_factory=dict)  # for W13 across the batch
    unchecked: str = ""  # the check's 未能审核表格 or 部分审核: tables whose numbers were not (all) read

    def settle(self) -> None:
        if self.status in (UNREADABLE, OLD, OTHER):
            return
        self.status = (ERRORS if self.n_errors else self.unchecked or (WARNINGS if self.n_warnings else PASSED))


@dataclass
class AuditSetup:
    """What every audit worker needs, sent once: where the data files go, their names, last year's reports."""

    data_dir: str
    names: dict[int, str]  # task index -> the data file's name
    previous: PreviousYear | None = None  # last year's reports (--previous), by unit


_SETUP: AuditSetup | None = None


def _init(setup: AuditSetup) -> None:
    global _SETUP
    _SETUP = setup
    import toolkit.importers.tables  # noqa: F401  (imported once per worker, not in the first task)


def audit_file(task: batch.Task) -> AuditResult:
    """Import, check and save the data of one report (runs in a worker)."""
    assert _SETUP is not None
    res = AuditResult(task.index, task.path, task.origin, kind_of(Path(task.path)))
    try:
        source = read_any(task.path)
    except OldFormat as exc:
        res.status, res.reason = OLD, str(exc)
        return res
    except UnusableFile as exc:
        res.reason = str(exc)
        return res
    except Exception as exc:  # one bad file never stops the batch
        log.debug("reading %s failed", task.origin, exc_info=True)
        res.reason = f"读取时出现意外错误（{type(exc).__name__}），无法读取"
        return res
    report = source.report
    res.kind = source.kind
    unit, year = report.values.get("meta.unit"), report.values.get("meta.year")
    res.unit = str(unit) if unit else None
    res.year = year if isinstance(year, int) else None
    previous, about_previous = _SETUP.previous.match(report) if _SETUP.previous else (None, "")
    notes = [*source.notes, *([about_previous] if about_previous else [])]
    try:
        result = check(report, previous)
    except Exception as exc:  # a rule crashing on odd data must not lose the other files
        log.debug("checking %s failed", task.origin, exc_info=True)
        res.reason = f"校验时出现意外错误（{type(exc).__name__}）"
        return res
    res.findings = tuple(result.findings)
    res.notes = tuple(notes)
    res.texts = {k: v for k in spec.TEXT_KEYS if isinstance(v := report.values.get(k), str)}
    res.unchecked = result.verdict if result.verdict in (TABLES_UNCHECKED, PARTLY_CHECKED) else ""
    res.status = ""
    res.settle()
    name = _SETUP.names[task.index]
    try:
        text = data_text(source)
        # a new file in this run's own folder: no need for atomic_write's fsync (hundreds of them)
        (Path(_SETUP.data_dir) / name).write_text(text, encoding="utf-8")
        res.data_file = name
    except OSError as exc:
        res.notes += (f"数据未能保存（{os_reason(exc)}）",)
    return res


def _died(task: batch.Task, reason: str) -> AuditResult:
    return AuditResult(task.index, task.path, task.origin, kind_of(Path(task.path)), reason=reason)


@dataclass
class AuditSummary:
    """The outcome of ``audit``: one row per report, and the files written."""

    outdir: Path
    rows: list[AuditResult]
    book_path: Path
    findings_path: Path
    previous_notes: list[str]
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)  # said on screen: what was left out of the batch, …

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status)

    @property
    def exit_code(self) -> int:
        """0 every report passes, 1 any has errors, cannot be read or had its tables not (all) read,
        2 none could be read."""
        if not self.rows or all(r.status in (UNREADABLE, OLD, OTHER) for r in self.rows):
            return EXIT_UNUSABLE
        return EXIT_ERRORS if any(r.status in NOT_PASSED for r in self.rows) else EXIT_OK

    def line(self) -> str:
        counts = "，".join(f"{s} {self.count(s)}" for s in STATUS_ORDER if self.count(s) and s != OTHER)
        others = f"；另有{self.count(OTHER)}个其他文件（不是报告，未读取）" if self.count(OTHER) else ""
        return f"共 {len(self.rows) - self.count(OTHER)} 份报告：{counts or '无'}{others}（{self.seconds:.1f} 秒）"


def audit(inputs: list[Path | str], outdir: Path | str, *, previous: list[Path | str] | tuple = (),
          workers: int | None = None, progress: Callable[[int, int], None] | None = None) -> AuditSummary:
    """Check every report in ``inputs`` and write the outputs into ``outdir``: made as collect
    makes its own, one run at a time, the outputs found open in Excel before the work."""
    refuse_if_all_missing(inputs, "审核")  # a mistyped folder: nothing to do, nothing to create
    refuse_missing(previous)
    outdir = make_folder(Path(outdir))
    with RunLock(outdir, "audit"):
        return _audit(inputs, outdir, previous=previous, workers=workers, progress=progress)


def _audit(inputs: list[Path | str], outdir: Path, *, previous: list[Path | str] | tuple,
           workers: int | None, progress: Callable[[int, int], None] | None) -> AuditSummary:
    started = time.perf_counter()
    for output in (BOOK_FILE, FINDINGS_FILE):
        refuse_if_open(outdir / output)
    clear_extracted(outdir)
    make_folder(outdir / DATA_DIR)
    for stale in (outdir / DATA_DIR).glob("*.json"):  # a previous run's data is not this batch's
        stale.unlink(missing_ok=True)
    prev = load_previous(list(previous), outdir, AUDIT_SUFFIXES) if previous else None
    skipped: list[str] = []
    items = gather(list(inputs), outdir, suffixes=AUDIT_SUFFIXES, skipped=skipped, account=True, reviewer=True)
    results: dict[int, AuditResult] = {}
    tasks: list[batch.Task] = []
    names: dict[int, str] = {}
    used: set[str] = set()
    for i, item in enumerate(items):
        if item.error:
            results[i] = AuditResult(i, str(item.path), item.origin, kind_of(item.path), reason=item.error,
                                     status=OTHER if item.unread == NOT_REPORT else UNREADABLE)
            continue
        tasks.append(batch.Task(i, str(item.path), item.origin, item.sender, item.mtime))
        names[i] = _data_name(item.path, used)
    setup = AuditSetup(str(outdir / DATA_DIR), names, prev)
    n_workers = workers or os.cpu_count() or 1
    for res in batch.run(tasks, setup, n_workers, progress, func=audit_file, init=_init, died=_died):
        results[res.index] = res
    rows = [results[i] for i in range(len(items))]
    _flag_duplicates(rows)
    _flag_copies(rows)
    for r in rows:
        r.settle()
    summary = AuditSummary(outdir, rows, outdir / BOOK_FILE, outdir / FINDINGS_FILE, prev.notes if prev else [],
                           notes=[skipped_note(skipped, "报告")] if skipped else [])
    if prev is not None and (line := unmatched_note((n for r in rows for n in r.notes), "报告")):
        summary.notes.append(line)
    atomic_write(summary.book_path, audit_workbook(rows))
    _write_findings(summary)
    summary.seconds = time.perf_counter() - started
    return summary


def _data_name(path: Path, used: set[str]) -> str:
    stem = safe_name(path.stem, "报告", max_bytes=120)
    name, n = f"{stem}.json", 1
    while name.casefold() in used:
        n += 1
        name = f"{stem}({n}).json"
    used.add(name.casefold())
    return name


def _flag_duplicates(rows: list[AuditResult]) -> None:
    """The same unit's report for the same year twice (a copy, or two versions published)."""
    by_key: dict[tuple[str, int], list[AuditResult]] = defaultdict(list)
    for r in rows:
        if r.unit and r.year:
            by_key[(unit_key(r.unit), r.year)].append(r)
    for group in by_key.values():
        if len(group) < 2:
            continue
        for r in group:
            others = [o.origin for o in group if o is not r]
            others_text = "、".join(others[:3]) + (f" 等{len(others)}份" if len(others) > 3 else "")
            message = f"{r.unit}{r.year}年度的报告在本批次中出现了不止一次：另见 {others_text}"
            r.findings += (Finding("重复", "warning", message, table="基本信息", row="机关名称、报告年度"),)


def _flag_copies(rows: list[AuditResult]) -> None:
    """W13 over the batch (``rules.copies``): a text section 80 % or more the same as another
    unit's, by the measure W8 uses."""
    readable = [r for r in rows if r.texts and r.unit]
    for c in find_copies(((i, unit_key(r.unit), r.texts) for i, r in enumerate(readable)), spec.TEXT_KEYS):
        r, o = readable[c.index], readable[c.other]
        r.findings += (copy_finding(c, o.unit or "", o.origin),)


# --- outputs -------------------------------------------------------------------------------------

ROW_COLUMNS: tuple[Column, ...] = (
    Column("文件", 40, lambda r: r.origin),
    Column("机关名称", 24, lambda r: r.unit or ""),
    Column("年度", 7, lambda r: r.year),
    Column("类型", 10, lambda r: r.kind),
    Column("状态", 9, lambda r: r.status, "status"),
    Column("错误数", 7, lambda r: r.n_errors),
    Column("提示数", 7, lambda r: r.n_warnings),
    Column("说明", 70, lambda r: _note(r), "wrap"),
    Column("数据文件", 30, lambda r: f"{DATA_DIR}/{r.data_file}" if r.data_file else ""),
)
# 全部问题: each finding's line starts with its report's own columns, the year as text
FINDING_LEAD: tuple[Column, ...] = (
    Column("文件", 40, lambda r: r.origin),
    Column("机关名称", 24, lambda r: r.unit or ""),
    Column("年度", 7, lambda r: cell_text(r.year)),
)
STATUS_FILL = {ERRORS: "#FFC7CE", UNREADABLE: "#FFC7CE", OLD: "#FFEB9C", TABLES_UNCHECKED: "#FFEB9C",
               PARTLY_CHECKED: "#FFEB9C", WARNINGS: "#FFEB9C", PASSED: "#C6EFCE", OTHER: "#EDEDED"}


def _note(r: AuditResult) -> str:
    """Why a report could not be read, else its notes and first problems (as collect's list says them)."""
    return r.reason or problems_text(r.findings, *r.notes)


def audit_workbook(rows: list[AuditResult]) -> bytes:
    """审核结果.xlsx's content, in memory (saved by the caller with ``atomic_write``); set up as
    collect's 汇总状态.xlsx is (``status.new_workbook``), its temporary files in a private folder."""
    with tempfile.TemporaryDirectory(prefix="nianbao-audit-", ignore_cleanup_errors=True) as tmp:
        return _audit_workbook(rows, tmp)


def _audit_workbook(rows: list[AuditResult], tmpdir: str) -> bytes:
    buf = io.BytesIO()
    wb, fmt = new_workbook(buf, tmpdir, STATUS_FILL)
    ordered = sort_rows(rows, STATUS_ORDER)

    ws = wb.add_worksheet("审核结果")
    put_header(ws, 0, ROW_COLUMNS, fmt.head)
    put_rows(ws, 1, ROW_COLUMNS, ordered, fmt)
    ws.autofilter(0, 0, max(len(ordered), 1), len(ROW_COLUMNS) - 1)
    ws.freeze_panes(1, 1)
    print_setup(ws, 0)

    findings_sheet(wb.add_worksheet("全部问题"), FINDING_LEAD,
                   finding_columns(("级别", 6), ("出处（原文中的位置）", 44)), fmt, ordered, freeze_columns=1)
    wb.close()
    return buf.getvalue()


def _write_findings(s: AuditSummary) -> None:
    obj = {
        "counts": {STATUS_CODE[k]: s.count(k) for k in STATUS_ORDER},
        "previous_notes": s.previous_notes,
        "files": [{
            "file": r.origin, "path": r.path, "kind": r.kind, "status": STATUS_CODE[r.status],
            "status_text": r.status, "reason": r.reason or None, "unit": r.unit, "year": r.year,
            "errors": r.n_errors, "warnings": r.n_warnings, "notes": list(r.notes),
            "data": f"{DATA_DIR}/{r.data_file}" if r.data_file else None,
            "findings": [f.to_dict() for f in r.findings]} for r in s.rows],
    }
    atomic_write(s.findings_path, json_text(obj).encode("utf-8"))
